"""Streaming assignment at scale, with synthetic articles whose vectors are shaped like real ones.

    python bench/cluster_scale.py [--sizes 10000,100000,1000000] [--queries 2000] [--record]
    (--record appends the run to bench/results.jsonl and rewrites this benchmark's table in BENCHMARKS.md)

For each size N, N synthetic articles are loaded in bulk into a StreamClusterer (five articles per
event), with a publication day, hashed keys and terms. Their vectors follow the geometry of real article
vectors: event centres are drawn from the covariance of the event means of ECB+ dev and Multi-News dev
(article vectors as enrichment makes them), and each article deviates from its centre by the
within-event covariance of the same sets. Isotropic random vectors would be the worst case of an HNSW
graph (at a million of them it finds a fifth of the true neighbours) and no real corpus looks like them.
The bulk load builds the HNSW index with all threads and caches it in .bench-cache; it is not timed
as assignment. Then --queries further articles are assigned one at a time, as new articles arrive in
publication order: half report events of the store's last week, half new events of its last day.
Reported: p50/p99 latency of one assignment (ANN search, same-event score of the candidates, index
insert; one thread but usearch's search), that rate in articles/s, the rate when as many newcomers are
assigned in batches (StreamClusterer.assign_many, which batch clustering and ingest use; it uses every
core: usearch searches and indexes on all of them, and a batch's pairs are scored one part per core
while the batch is indexed) with the CPU time of all its threads per article, the share of a known
event's stored articles found among the candidates (what the speed buys), and bytes held per indexed
article (HNSW index + score profile + story label). Latency and rates depend on the machine and its
load: record them on an idle machine only; the CPU time per article depends on load far less. Then as
many again in batches, each followed by the settling of the stories it touched
(StreamClusterer.settle, what a streaming run does to converge to the batch decision).

The share of a known event's articles found is taken over the events of the store's last week: at
10,000 articles (an event a day) that is 8 events, 40 stored articles, so one article missed by the
searches of its event's newcomers costs about 2.5 points; at a million, about 440 events. Periods
that small are searched exhaustively (index.EXACT_UP_TO): their graphs, built on several threads,
could miss an article (97.4 % recorded once; 100, 100, 100 and 95.2 % over four rebuilds).
"""

from __future__ import annotations

import argparse
import os
import time
import zlib

import numpy as np
from threadpoolctl import threadpool_limits

from common import CACHE, dev_events, markdown_table, record
from storyline.cluster.index import CONNECTIVITY, EXPANSION_ADD, PERIOD_DAYS
from storyline.cluster.score import SET_WIDTH, TERMS, quantise
from storyline.cluster.stream import BATCH, StreamClusterer
from storyline.enrich import enrich
from storyline.store import open_store

DIM = 384
SETS = ("ecbplus", "multinews")
ARTICLES_PER_EVENT = 5
DAYS = 3650  # the stored articles span ten years (fewer days below 18,250 articles)
RECENT_DAYS = 7
_CHUNK = 50_000


class Geometry:
    """Where real article vectors lie: their mean, and square roots of the covariance of event means
    (``between``) and of the articles around their event's mean (``within``)."""

    def __init__(self) -> None:
        vectors, events = [], []
        for name in SETS:
            articles, gold = dev_events(name)
            CACHE.mkdir(exist_ok=True)
            with open_store(CACHE / "vectors.db") as cache:
                enrich(articles, store=cache)
            vectors += [a.vector / np.linalg.norm(a.vector) for a in articles]
            events += [f"{name}/{gold[a.id]}" for a in articles]
        v, e = np.array(vectors, dtype=np.float64), np.array(events)
        _, where, sizes = np.unique(e, return_inverse=True, return_counts=True)
        means = np.stack([v[where == k].mean(axis=0) for k in range(len(sizes))])
        self.mean = v.mean(axis=0)
        self.between = _root(np.cov(means, rowvar=False))
        spread = (v - means[where])[sizes[where] > 1]
        self.within = _root(np.cov(spread, rowvar=False))

    def centres(self, events: np.ndarray) -> np.ndarray:
        """One direction per event, the same on every run."""
        unique, where = np.unique(events, return_inverse=True)
        z = np.stack([np.random.default_rng(int(e)).standard_normal(DIM) for e in unique])
        return (self.mean + z @ self.between)[where]

    @property
    def tag(self) -> str:
        return f"{zlib.crc32(self.mean.astype(np.float32).tobytes()):08x}"


def _root(cov: np.ndarray) -> np.ndarray:
    """A matrix R with R.T @ R = cov, so that z @ R has covariance ``cov`` for standard normal z."""
    values, vectors = np.linalg.eigh(cov)
    return (vectors * np.sqrt(np.clip(values, 0, None))).T


def synthetic(geometry: Geometry, events: np.ndarray, rng: np.random.Generator) -> dict[str, object]:
    """Profile rows of one article per entry of ``events``: its vector near the event's centre,
    its keys and terms mostly the event's, its day the event's give or take two."""
    n = len(events)
    vectors = geometry.centres(events) + rng.standard_normal((n, DIM)) @ geometry.within
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


def load(clusterer: StreamClusterer, geometry: Geometry, n: int, rng: np.random.Generator) -> float:
    """Bulk-load ``n`` already-assigned articles (``ARTICLES_PER_EVENT`` per event); returns seconds.
    The HNSW index, the slow part, is cached in .bench-cache for the next run."""
    t = time.perf_counter()
    # Named by what shapes the graph, so that a change of index parameters or vectors rebuilds it.
    cached = CACHE / f"cluster-scale-{n}-m{CONNECTIVITY}-ef{EXPANSION_ADD}-p{PERIOD_DAYS:.0f}-{geometry.tag}"
    events = np.arange(n) // ARTICLES_PER_EVENT
    for start in range(0, n, _CHUNK):
        rows = synthetic(geometry, events[start : start + _CHUNK], rng)
        keys = clusterer.profiles.append(**rows)
        clusterer.lexicon.add(list(rows["terms"]))
        if not cached.exists():
            clusterer.index.add(keys, rows["vectors"], rows["published"])
    if cached.exists():
        clusterer.index.load(cached)
    else:
        clusterer.index.save(cached)
    clusterer.labels = events.astype(np.int32)
    clusterer.stories = int(events.max()) + 1
    return time.perf_counter() - t


def measure(geometry: Geometry, n: int, queries: int, seed: int = 0) -> list[object]:
    rng = np.random.default_rng(seed)
    clusterer = StreamClusterer(DIM)
    loaded = load(clusterer, geometry, n, rng)
    per_article = clusterer.nbytes / len(clusterer)
    stored = clusterer.stories
    events = newcomer_events(stored, queries, rng, 0)
    rows = newcomers(clusterer, geometry, events, rng)
    found = recall(clusterer, rows, events)
    latencies = np.empty(queries)
    for q, row in enumerate(rows):
        t = time.perf_counter()
        clusterer.assign(int(row))
        latencies[q] = time.perf_counter() - t
    events = newcomer_events(stored, queries, rng, 1)
    rows = newcomers(clusterer, geometry, events, rng)
    t, cpu = time.perf_counter(), time.process_time()
    for start in range(0, queries, BATCH):
        clusterer.assign_many(rows[start : start + BATCH])
    batched, cpu = queries / (time.perf_counter() - t), (time.process_time() - cpu) / queries
    # As a stream that settles does (StreamClusterer.add_all with settle): each batch, then its stories.
    events = newcomer_events(stored, queries, rng, 2)
    rows = newcomers(clusterer, geometry, events, rng)
    # The earlier waves count as settled: neither their rows nor the links they kept are settled here.
    clusterer.settled, clusterer.linked = int(rows[0]), []
    t = time.perf_counter()
    for start in range(0, queries, BATCH):
        part = rows[start : start + BATCH]
        clusterer.assign_many(part)
        clusterer.settle(int(part[-1]) + 1)
    settling = queries / (time.perf_counter() - t)
    p50, p99 = np.percentile(latencies, [50, 99]) * 1000
    return [
        n,
        f"{loaded:.0f}s",
        queries,
        round(p50, 2),
        round(p99, 2),
        round(1 / latencies.mean()),
        round(batched),
        round(cpu * 1000, 2),
        round(settling),
        f"{found:.1%}",
        round(per_article),
    ]


def newcomers(
    clusterer: StreamClusterer, geometry: Geometry, events: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Append the profile rows of new articles; returns their row numbers. Made on one BLAS thread:
    OpenBLAS's idle threads spin for a while after a product and would take the cores of the timed
    assignments that follow (the same vectors as on all threads)."""
    with threadpool_limits(limits=1, user_api="blas"):
        return clusterer.profiles.append(**synthetic(geometry, events, rng))


def newcomer_events(stored: int, n: int, rng: np.random.Generator, wave: int) -> np.ndarray:
    """The events of ``n`` new articles (the ``wave``-th such group), arriving after the ``stored``
    events as a stream does: half report an event of the store's last week, half a new event of its
    last day."""
    events = np.arange(stored)
    # The store's last publication day (event numbers wrap around the DAYS span, so not the last event's).
    latest = int((events % DAYS).max())
    recent = events[events % DAYS >= latest - RECENT_DAYS]
    known = rng.choice(recent, n)
    fresh = stored + (latest - stored) % DAYS + DAYS * (wave * n + np.arange(n))  # day = latest
    return np.where(rng.random(n) < 0.5, known, fresh)


def recall(clusterer: StreamClusterer, rows: np.ndarray, events: np.ndarray) -> float:
    """Share of the stored articles of each newcomer's event that are among its ANN candidates."""
    stored = len(clusterer.labels)
    vectors, days = clusterer.profiles.vectors[rows], clusterer.profiles.published[rows]
    found = clusterer.index.search_many(vectors, clusterer.candidates, days)
    hits = total = 0
    for keys, event in zip(found, events, strict=True):
        if event * ARTICLES_PER_EVENT < stored:
            hits += int(np.sum(keys // ARTICLES_PER_EVENT == event))
            total += ARTICLES_PER_EVENT
    return hits / max(total, 1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000,1000000", help="stored articles, comma-separated")
    parser.add_argument("--queries", type=int, default=2000, help="articles assigned one by one per size")
    parser.add_argument(
        "--record",
        action="store_true",
        help="append the run to bench/results.jsonl and update BENCHMARKS.md (idle machine)",
    )
    args = parser.parse_args()
    geometry = Geometry()
    rows = [measure(geometry, int(n), args.queries) for n in args.sizes.split(",")]
    header = [
        "stored articles",
        "bulk load",
        "assigned",
        "p50 ms",
        "p99 ms",
        "articles/s (one at a time)",
        f"articles/s (batches of {BATCH}, {os.cpu_count()} cores)",
        "CPU ms per article in batches (all threads)",
        "articles/s in batches, settling after each",
        "same-event articles among candidates",
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
