"""Shared helpers for the benchmark scripts: data paths, enrichment cache, and ``--record``, which appends a
run to bench/results.jsonl and rewrites that benchmark's table on the BENCHMARKS.md page (bench/page.py)."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storyline.model import Article

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("STORYLINE_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data"
CACHE = ROOT / ".bench-cache"
BENCHMARKS = ROOT / "BENCHMARKS.md"
RESULTS = ROOT / "bench" / "results.jsonl"


def cached_mentions(articles: list[Article], cache: Path) -> None:
    """Fill each article's mentions from ``cache`` (a pickle keyed by content hash), annotating those it
    lacks and saving them there: benches that rerun on the same texts annotate them once."""
    import pickle  # a trusted file this machine's benches wrote

    from storyline.enrich.annotate import annotate

    known = pickle.loads(cache.read_bytes()) if cache.exists() else {}
    for a in articles:
        a.mentions = known.get(a.hash, [])
    if annotate(articles):
        known.update({a.hash: a.mentions for a in articles})
        cache.write_bytes(pickle.dumps(known))


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def dev_events(name: str) -> tuple[list[Article], dict[str, str]]:
    """The articles of an event-clustering dev set (``ecbplus``, ``multinews``), read as ingest reads
    JSONL records, and the gold event of each article id."""
    # Imported here, not at the top: a bench that spawns workers has its module re-imported by each of
    # them, and storyline.ingest (trafilatura, dateparser, language models) would be start-up they pay.
    from storyline.ingest.records import article_from_record

    folder = DATA / name
    gold = {g["id"]: g["event"] for g in read_jsonl(folder / "gold.dev.jsonl")}
    articles = [
        article_from_record(r, f"{name}#{i}", str(i))
        for i, r in enumerate(read_jsonl(folder / "articles.dev.jsonl"))
    ]
    return articles, gold


@contextmanager
def postgres_server() -> Iterator[Any]:
    """A throwaway PostgreSQL server (Debian's package, the same one the tests start: tests/pg_server.py),
    whose ``new_database()`` hands out URLs of empty databases; None when PostgreSQL is not installed."""
    import sys

    sys.path.insert(0, str(ROOT / "tests"))
    from pg_server import PostgresServer, postgres_bin

    bin_dir = postgres_bin()
    if bin_dir is None:
        yield None
        return
    server = PostgresServer(bin_dir)
    try:
        yield server
    finally:
        server.stop()


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        cpu = model
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "uncommitted"


def record(section: str, command: str, table: str) -> None:
    """Append this run to bench/results.jsonl (its tables as rows, its other lines as notes), then rewrite
    the benchmark's table on the BENCHMARKS.md page from it."""
    import page  # bench/page.py; imported here as it imports this module

    entry = {
        "bench": bench_name(command),
        "section": section,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit(),
        "machine": machine(),
        "command": command,
        **parse_tables(table),
    }
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
    page.update(BENCHMARKS, read_results(RESULTS), only=entry["bench"])


def bench_name(command: str) -> str:
    """``python bench/cluster.py --record`` → ``cluster``: the key of a benchmark in results.jsonl and on
    the page."""
    found = re.search(r"bench/(\w+)\.py", command)
    if found is None:
        raise ValueError(f"not a bench/ command: {command!r}")
    return found.group(1)


def read_results(path: Path = RESULTS) -> list[dict[str, Any]]:
    """Every recorded run, oldest first."""
    return list(read_jsonl(path)) if path.is_file() else []


def parse_tables(text: str) -> dict[str, Any]:
    """The Markdown a bench prints, as data: ``tables`` (each a ``header`` and ``rows``, numbers as
    numbers) and ``notes`` (the lines that are not tables). The inverse of :func:`markdown_table`."""
    tables: list[dict[str, Any]] = []
    notes: list[str] = []
    lines: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            lines.append(line)
            continue
        if lines:
            cells = [_cells(row) for row in lines if not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", row)]
            tables.append({"header": cells[0], "rows": [[_value(c) for c in row] for row in cells[1:]]})
            lines = []
        if line.strip():
            notes.append(line.strip())
    return {"tables": tables, "notes": notes}


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def _value(cell: str) -> Any:
    """A cell that is a plain number becomes one; anything else ("0.12s", "99.8%", "") stays text."""
    if re.fullmatch(r"[+-]?\d+", cell):
        return int(cell)
    if re.fullmatch(r"[+-]?\d*\.\d+", cell):
        return float(cell)
    return cell


def markdown_table(header: list[str], rows: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
