"""Shared helpers for the benchmark scripts: data paths, enrichment cache, BENCHMARKS.md rows."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storyline.model import Article

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("STORYLINE_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data"
CACHE = ROOT / ".bench-cache"
BENCHMARKS = ROOT / "BENCHMARKS.md"


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
    """Append a dated result block to BENCHMARKS.md under a heading for this benchmark."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = f"\n### {section} — {stamp}\n\n`{command}` · {machine()} · commit {commit()}\n\n{table}\n"
    with BENCHMARKS.open("a", encoding="utf-8") as fh:
        fh.write(block)


def markdown_table(header: list[str], rows: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
