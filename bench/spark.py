"""The Spark engine against the single-machine run: the same stories, and time per stage as cores are added.

    python bench/spark.py [--masters local[1],local[2]] [--limit N] [--record]
    (--record appends the run to bench/results.jsonl and rewrites this benchmark's table in BENCHMARKS.md)

Input: the dev mix of ../shared/data, ECB+ and Multi-News dev articles (1,260), written as 16 JSON Lines
files (Spark parses files in parallel, one file per task at least). Each run ingests them into a new
SQLite store and builds the stories, through the pipeline's own functions, as ``storyline run`` does:
first on this machine (``--engine local``: worker processes), the reference, then with ``--engine spark``
on each master. Measured per run: seconds per stage (ingest = parse + decide + store; enrich; cluster =
story assignment on the driver; stories = comparison and summary of every story; storylines = threading
and saving), Spark's start-up, and against the reference: BCubed agreement of the stories (the reference
as gold), and of the stories with the same articles, how many have the same summary. Also the BCubed F1
of each run against the gold events.

What is serial (on the driver, whatever the cluster): the ingest's decisions and writes, story assignment
and saving; the table shows their share.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cluster import bcubed
from common import DATA, markdown_table, read_jsonl, record
from storyline.engine import Engine, LocalEngine
from storyline.pipeline import ingest_paths, stories_document, update_stories
from storyline.store import open_store

SHARDS = 16
STAGES = ("ingest", "enrich", "cluster", "stories", "storylines")


def write_mix(folder: Path, limit: int | None) -> dict[str, str]:
    """The dev mix as JSONL shards in ``folder``; the gold event of each article id."""
    rows, gold = [], {}
    for name in ("ecbplus", "multinews"):
        events = {g["id"]: g["event"] for g in read_jsonl(DATA / name / "gold.dev.jsonl")}
        for row in read_jsonl(DATA / name / "articles.dev.jsonl"):
            ident = f"{name}-{row['id']}"
            gold[ident] = f"{name}:{events[row['id']]}"
            rows.append({**row, "id": ident})
    rows = rows[:limit] if limit else rows
    for shard in range(SHARDS):
        with (folder / f"mix-{shard:02d}.jsonl").open("w", encoding="utf-8") as fh:
            for row in rows[shard::SHARDS]:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return {r["id"]: gold[r["id"]] for r in rows}


class Clock:
    """A progress factory that notes when each stage starts and last advances."""

    def __init__(self) -> None:
        self.marks: dict[str, list[float]] = {}

    def __call__(self, description: str, _total: int) -> Callable[[int], None]:
        now = time.perf_counter()
        self.marks.setdefault(description, [now, now])[0] = now

        def advance(_n: int) -> None:
            self.marks[description][1] = time.perf_counter()

        return advance


def timed_run(paths: list[Path], engine: Engine, db: Path) -> tuple[dict[str, float], dict[str, Any]]:
    clock = Clock()
    with open_store(db) as store:
        start = time.perf_counter()
        result = ingest_paths(store, paths, engine=engine)
        ingested = time.perf_counter()
        update_stories(store, clock, engine=engine)
        done = time.perf_counter()
        doc = stories_document(store, result.to_dict())
    enrich_start, enrich_end = clock.marks["Enriching"]
    compare_start, compare_end = clock.marks["Comparing stories"]
    seconds = {
        "ingest": ingested - start,
        "enrich": enrich_end - enrich_start,
        "cluster": compare_start - enrich_end,
        "stories": compare_end - compare_start,
        "storylines": done - compare_end,
    }
    return seconds, doc


def labels(doc: dict[str, Any]) -> dict[str, int]:
    return {a["id"]: n for n, story in enumerate(doc["stories"]) for a in story["articles"]}


def same_summaries(doc: dict[str, Any], reference: dict[str, Any]) -> tuple[int, int]:
    """Of the stories with exactly the reference's articles, how many have its summary; and how many."""
    theirs = {frozenset(a["id"] for a in s["articles"]): s["summary"] for s in reference["stories"]}
    matched = [
        (s["summary"] == theirs[key])
        for s in doc["stories"]
        if (key := frozenset(a["id"] for a in s["articles"])) in theirs
    ]
    return sum(matched), len(matched)


def row(name: str, started: float, seconds: dict[str, float], n: int, f1: float) -> list[Any]:
    total = sum(seconds.values())
    return [name, started, *(seconds[s] for s in STAGES), total, n / total, f"{f1:.3f}"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--masters", default="local[1],local[2]", help="Spark masters, comma-separated")
    parser.add_argument("--limit", type=int, help="only the first N articles of the mix (a quick look)")
    parser.add_argument(
        "--record", action="store_true", help="append the run to bench/results.jsonl and update BENCHMARKS.md"
    )
    args = parser.parse_args()
    from storyline.spark import SparkEngine

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "mix").mkdir()
        gold = write_mix(root / "mix", args.limit)
        paths = [root / "mix"]
        seconds, reference = timed_run(paths, LocalEngine(), root / "local.db")
        rows.append(
            row("local (processes, reference)", 0.0, seconds, len(gold), bcubed(labels(reference), gold)[2])
        )
        rows[-1] += ["1.000", "reference"]
        print(markdown_table(["run", *STAGES], [[rows[0][0], *(seconds[s] for s in STAGES)]]), flush=True)
        for master in args.masters.split(","):
            began = time.perf_counter()
            with SparkEngine(master) as engine:
                started = time.perf_counter() - began
                seconds, doc = timed_run(paths, engine, root / f"spark-{master}.db")
            agreement = bcubed(labels(doc), {k: str(v) for k, v in labels(reference).items()})[2]
            same, of = same_summaries(doc, reference)
            rows.append(row(f"spark {master}", started, seconds, len(gold), bcubed(labels(doc), gold)[2]))
            rows[-1] += [f"{agreement:.3f}", f"{same}/{of}"]
            print(f"spark {master}: {sum(seconds.values()):.0f} s", flush=True)
    header = ["run", "Spark start s", *(f"{s} s" for s in STAGES), "total s", "articles/s"]
    header += ["BCubed F1 vs gold", "agreement with local", "same summary"]
    table = markdown_table(header, rows)
    serial = ("cluster", "storylines")
    table += (
        f"\n\n{len(gold)} articles in {SHARDS} JSONL files. Serial on the driver whatever the cluster: "
        f"ingest decisions and writes (part of ingest), {' and '.join(serial)}."
    )
    print(table)
    if args.record:
        limit = f" --limit {args.limit}" if args.limit else ""
        record(
            "Spark engine against one machine (bench/spark.py)",
            f"python bench/spark.py --masters {args.masters}{limit} --record",
            table,
        )


if __name__ == "__main__":
    main()
