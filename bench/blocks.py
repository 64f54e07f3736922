"""Batch clustering in blocks of publication time against one pass over the whole corpus.

    python bench/blocks.py [--years 4] [--workers 2] [--master local[2]] [--record]
    (--record appends the run to bench/results.jsonl and rewrites this benchmark's table in BENCHMARKS.md)

The dev sets carry no publication dates, so this gives them made-up ones: every gold event of ECB+ dev
and Multi-News dev (1,260 articles) a day drawn over ``--years`` years, each of its articles that day or
up to three days later (reports of one event come out within days; that is all the gold is used for).
Then they are clustered in one run in one pass (``batch.batch_clustering``, what a corpus within one
block gets), and in blocks of about a year (``cluster.blocks``) on one process, on ``--workers``
processes (the local engine) and, with ``--master``, on Spark's executors (the same functions).
Measured: BCubed F1 of each against the gold events, BCubed agreement with the one-pass stories and with
the blocks on one process, and seconds (Spark's start-up left out, the processes' counted).
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta

import numpy as np

from cluster import bcubed, load
from common import markdown_table, record
from storyline import engine as local
from storyline.cluster.batch import batch_clustering
from storyline.cluster.blocks import block_numbers, cluster_in_blocks
from storyline.model import Article

START = date(2015, 1, 1)
SEED = 0


def dated_mix(years: int) -> tuple[list[Article], dict[str, str]]:
    articles, gold = [], {}
    for name in ("ecbplus", "multinews"):
        some, events = load(name)
        for a in some:
            a.id = f"{name}-{a.id}"
            gold[a.id] = f"{name}:{events[a.id.split('-', 1)[1]]}"
        articles += some
    rng = random.Random(SEED)
    day = {event: rng.randrange(years * 365) for event in sorted(set(gold.values()))}
    for a in articles:
        a.published = (START + timedelta(days=day[gold[a.id]] + rng.randrange(4))).isoformat()
    return articles, gold


def labels_of(articles: list[Article], labels: np.ndarray) -> dict[str, int]:
    return {a.id: int(label) for a, label in zip(articles, labels, strict=True)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--master", help="also cluster on Spark executors (e.g. local[2]; needs pyspark)")
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    articles, gold = dated_mix(args.years)
    blocks = len(set(block_numbers(articles).tolist()))
    runs: dict[str, tuple[dict[str, int], float]] = {}
    t = time.perf_counter()
    one, _ = batch_clustering(articles)
    runs["one pass"] = labels_of(articles, one), time.perf_counter() - t
    t = time.perf_counter()
    blocked, _ = cluster_in_blocks(articles)
    runs["blocks, 1 process"] = labels_of(articles, blocked), time.perf_counter() - t
    local.PARALLEL_BLOCKS_FROM = 0  # measure the processes, which a corpus this small would not start
    t = time.perf_counter()
    groups, _ = local.LocalEngine(args.workers).cluster(articles)
    parallel = {a.id: g for g, members in enumerate(groups) for a in members}
    runs[f"blocks, {args.workers} processes"] = parallel, time.perf_counter() - t
    if args.master:
        from storyline.spark import SparkEngine

        with SparkEngine(args.master) as engine:
            t = time.perf_counter()
            groups, _ = engine.cluster(articles)
            on_spark = {a.id: g for g, members in enumerate(groups) for a in members}
            runs[f"blocks, spark {args.master}"] = on_spark, time.perf_counter() - t
    one_pass = {a: str(s) for a, s in runs["one pass"][0].items()}
    one_process = {a: str(s) for a, s in runs["blocks, 1 process"][0].items()}
    rows = [
        [
            label,
            f"{bcubed(pred, gold)[2]:.3f}",
            f"{bcubed(pred, one_pass)[2]:.3f}",
            f"{bcubed(pred, one_process)[2]:.3f}",
            f"{seconds:.1f}",
        ]
        for label, (pred, seconds) in runs.items()
    ]
    header = ["run", "BCubed F1 vs gold", "agreement with one pass", "agreement with blocks", "seconds"]
    table = markdown_table(header, rows)
    print(f"{len(articles)} articles over {args.years} years, {blocks} blocks")
    print(table)
    if args.record:
        master = f" --master {args.master}" if args.master else ""
        command = f"python bench/blocks.py --years {args.years} --workers {args.workers}{master} --record"
        record("blocks", command, table)


if __name__ == "__main__":
    main()
