"""Streaming assignment at scale, with synthetic vectors (no text, no models).

    python bench/cluster_scale.py [--sizes 10000,100000,1000000] [--queries 2000] [--record]

For each size N, N synthetic articles are loaded in bulk into a StreamClusterer: 384-d vectors drawn
around event directions (five articles per event), a publication day, hashed keys and terms. The bulk
load builds the HNSW index with all threads and caches it in .bench-cache; it is not timed as
assignment. Then --queries further articles (half of known events, half of new ones) are assigned one
at a time, as new articles arrive. Reported: p50/p99 latency of one assignment (ANN search, same-event
score of the candidates, index insert), that rate in articles/s, the rate when as many newcomers
are assigned in batches (StreamClusterer.assign_many, which batch clustering and ingest use), and
bytes held per indexed article (HNSW index + score profile + story label). Latency and rates depend
on the machine and its load: record them on an idle machine only.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from common import CACHE, markdown_table, record
from storyline.cluster.index import CONNECTIVITY, EXPANSION_ADD
from storyline.cluster.score import SET_WIDTH, TERMS, quantise
from storyline.cluster.stream import BATCH, StreamClusterer

DIM = 384
ARTICLES_PER_EVENT = 5
DAYS = 3650
_CHUNK = 50_000


def centres(events: np.ndarray) -> np.ndarray:
    """One random direction per event, the same on every run."""
    unique, where = np.unique(events, return_inverse=True)
    table = np.stack([np.random.default_rng(int(e)).standard_normal(DIM) for e in unique])
    return table[where]


def synthetic(events: np.ndarray, rng: np.random.Generator) -> dict[str, object]:
    """Profile rows of one article per entry of ``events``: its vector near the event's direction,
    its keys and terms mostly the event's, its day the event's give or take two."""
    n = len(events)
    vectors = centres(events) + 0.6 * rng.standard_normal((n, DIM))
    keys = {}
    for kind, width in SET_WIDTH.items():
        row = (events[:, None] * 31 + np.arange(width)[None, :] + len(kind) * 7919) % (2**20)
        row[:, width // 2 :] = -1
        keys[kind] = row.astype(np.int32)
    # Distinct and ascending in each row, as top_terms() keeps them; two thirds shared within an event.
    terms = np.sort((events[:, None] * 131 + 3 * np.arange(TERMS) + rng.integers(0, 2, (n, TERMS))) % (2**20))
    return {
        "vectors": quantise(vectors),
        "terms": terms.astype(np.int32),
        "tf": np.ones((n, TERMS), dtype=np.float16),
        "keys": keys,
        "published": (events % DAYS + rng.integers(0, 3, n)).astype(np.float32),
    }


def load(clusterer: StreamClusterer, n: int, rng: np.random.Generator) -> float:
    """Bulk-load ``n`` already-assigned articles (``ARTICLES_PER_EVENT`` per event); returns seconds.
    The HNSW index, the slow part, is cached in .bench-cache for the next run."""
    t = time.perf_counter()
    # Named by what shapes the graph, so that a change of index parameters rebuilds it.
    cached = CACHE / f"cluster-scale-{n}-m{CONNECTIVITY}-ef{EXPANSION_ADD}.usearch"
    events = np.arange(n) // ARTICLES_PER_EVENT
    for start in range(0, n, _CHUNK):
        rows = synthetic(events[start : start + _CHUNK], rng)
        keys = clusterer.profiles.append(**rows)
        clusterer.lexicon.add(list(rows["terms"]))
        if not cached.exists():
            clusterer.index.add(keys, rows["vectors"])
    if cached.exists():
        clusterer.index.load(cached)
    else:
        CACHE.mkdir(exist_ok=True)
        clusterer.index.save(cached)
    clusterer.labels = events.astype(np.int32)
    clusterer.stories = int(events.max()) + 1
    return time.perf_counter() - t


def measure(n: int, queries: int, seed: int = 0) -> list[object]:
    rng = np.random.default_rng(seed)
    clusterer = StreamClusterer(DIM)
    loaded = load(clusterer, n, rng)
    per_article = clusterer.nbytes / len(clusterer)
    latencies = np.empty(queries)
    for q, row in enumerate(clusterer.profiles.append(**newcomers(clusterer, queries, rng))):
        t = time.perf_counter()
        clusterer.assign(int(row))
        latencies[q] = time.perf_counter() - t
    rows = clusterer.profiles.append(**newcomers(clusterer, queries, rng))
    t = time.perf_counter()
    for start in range(0, queries, BATCH):
        clusterer.assign_many(rows[start : start + BATCH])
    batched = queries / (time.perf_counter() - t)
    p50, p99 = np.percentile(latencies, [50, 99]) * 1000
    return [
        n,
        f"{loaded:.0f}s",
        queries,
        round(p50, 2),
        round(p99, 2),
        round(1 / latencies.mean()),
        round(batched),
        round(per_article),
    ]


def newcomers(clusterer: StreamClusterer, n: int, rng: np.random.Generator) -> dict[str, object]:
    """Profile rows of ``n`` new articles: half report a known event, half a new one."""
    known = rng.integers(0, clusterer.stories, n)
    fresh = clusterer.stories + np.arange(n)
    return synthetic(np.where(rng.random(n) < 0.5, known, fresh), rng)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000,1000000", help="stored articles, comma-separated")
    parser.add_argument("--queries", type=int, default=2000, help="articles assigned one by one per size")
    parser.add_argument(
        "--record", action="store_true", help="append the table to BENCHMARKS.md (idle machine)"
    )
    args = parser.parse_args()
    rows = [measure(int(n), args.queries) for n in args.sizes.split(",")]
    header = [
        "stored articles",
        "bulk load",
        "assigned",
        "p50 ms",
        "p99 ms",
        "articles/s (one at a time)",
        f"articles/s (batches of {BATCH})",
        "bytes per indexed article",
    ]
    table = markdown_table(header, rows)
    print(table)
    if args.record:
        record(
            "Streaming clustering at scale (bench/cluster_scale.py)",
            f"python bench/cluster_scale.py --sizes {args.sizes} --queries {args.queries} --record",
            table,
        )


if __name__ == "__main__":
    main()
