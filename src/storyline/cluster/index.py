"""Approximate nearest neighbours over article vectors (usearch HNSW): the candidates a new article
is scored against.

Vectors are kept as int8 (cosine), a quarter of float32: candidates only need to be found here, the
score itself is computed from the articles' own vectors.

The index is split by publication period. The same-event score fades to nothing when two articles
were published more than :data:`HORIZON_DAYS` apart (``score.fade``), so a dated article's candidates
can only come from the periods within that span of its date: a search looks at a few periods, whatever
the size of the store. Cost then follows the articles of a period, not of the whole store, and a
smaller graph finds more of the true neighbours: among a million articles over ten years, one graph
found 58 % of an event's stored articles among 32 candidates, where the periods find far more
(bench/cluster_scale.py). Undated articles have a period of their own, which every search also looks
at, and an undated article looks at every period, so a corpus without dates is one graph, as before.

A period of at most :data:`EXACT_UP_TO` articles is searched exhaustively: no slower than its graph
there, and exact where a small graph built on several threads can leave a few articles that a search
for their own vector misses (0 to 9 of the 235 of one period of bench/cluster_scale.py at 10,000
articles in 20 builds on 2 threads, none built on one; a known event's two missed articles took its
candidate recall at 10,000 from 100 % to 95 % in one build of four).

Because the horizon is :data:`REACH` whole periods, which articles a search can find follows from
periods alone (:func:`within_reach`): a store's new articles can be assigned with only the periods
around theirs loaded (``StreamClusterer.load``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from usearch.index import Index

from storyline.cluster.score import DAY_WINDOW, DECAY_PER_WEEK

# HNSW graph degree and search depths: a lighter graph than usearch's defaults, which build 5× slower
# at no gain in the candidates found for story assignment. With the periods below, searching at 24
# rather than 16 finds 99.7 % of a known event's stored articles instead of 99.1 % for 40 % more search
# time (bench/cluster_scale.py at a million articles; a degree of 8 or 16, or 24 on adding, found fewer
# for the time).
CONNECTIVITY = 12
EXPANSION_ADD = 32
EXPANSION_SEARCH = 24
# Beyond this publication-date gap the same-event score is zero (it fades by DECAY_PER_WEEK a week
# after DAY_WINDOW days).
HORIZON_DAYS = DAY_WINDOW + 7.0 / DECAY_PER_WEEK
# Periods searched either side of an article's own: the horizon is this many periods.
REACH = 2
# Half the horizon: the newest articles of a stream (and of a corpus clustered in publication order)
# search the two or three periods within the horizon behind them, graphs that hold few articles beyond
# it. At a million articles over ten years, against periods of twice the horizon (two graphs, one of
# them mostly older articles, searched at 32): 99.7 % of a known event's stored articles found instead
# of 98.2 % for 35 % less search time and 35 % less indexing (bench/cluster_scale.py). A dated search
# in the middle of a store looks at up to five periods.
PERIOD_DAYS = HORIZON_DAYS / REACH
# Graphs of at most this many articles are searched exhaustively: 13 to 16 µs a query against 16 to 17
# through the graph at 250 to 500 articles, 24 against 21 at 1,000, 45 against 22 at 2,000 (usearch's
# exact search, one thread, the vectors of bench/cluster_scale.py; CPU time on a shared 2-core machine).
EXACT_UP_TO = 1024
UNDATED = -(2**62)  # the period of articles without a date; below every dated period


def _unit(vectors: np.ndarray) -> np.ndarray:
    # usearch's int8 storage expects components within ±1: profile rows come scaled to ±127.
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def period_numbers(days: np.ndarray) -> np.ndarray:
    """The index period of each ordinal day (NaN: the undated period, :data:`UNDATED`)."""
    days = np.asarray(days, dtype=np.float64)
    dated = np.floor(np.nan_to_num(days) / PERIOD_DAYS).astype(np.int64)
    return np.where(np.isnan(days), UNDATED, dated)


def within_reach(days: np.ndarray, around: np.ndarray, hops: int = 1) -> np.ndarray:
    """Which articles, published on ``days`` (ordinal, NaN when unknown), a search from an article
    published on one of ``around`` looks at: the undated ones and those within ``hops`` × :data:`REACH`
    periods of one of theirs; every one where one of ``around`` is undated. With ``hops`` = 2, also
    every article that the searches of the dated ones among those look at."""
    days, around = np.asarray(days, dtype=np.float64), np.asarray(around, dtype=np.float64)
    if np.isnan(around).any():
        return np.ones(len(days), dtype=bool)
    theirs = np.unique(period_numbers(around))
    if len(theirs) == 0:
        return np.zeros(len(days), dtype=bool)
    mine = period_numbers(days)
    # Distance to the closest of their periods: the one just below or just above in sorted order.
    at = np.searchsorted(theirs, mine)
    below, above = theirs[np.maximum(at - 1, 0)], theirs[np.minimum(at, len(theirs) - 1)]
    gap = np.minimum(np.abs(mine - below), np.abs(above - mine))
    return np.isnan(days) | (gap <= hops * REACH)


class VectorIndex:
    """Rows are keyed by their profile row number (0, 1, 2 … in the order added) and filed by their
    publication day (ordinal, NaN when unknown)."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.periods: dict[int, Index] = {}

    def __len__(self) -> int:
        return sum(len(index) for index in self.periods.values())

    def _graph(self, period: int) -> Index:
        if period not in self.periods:
            self.periods[period] = Index(
                ndim=self.dim,
                metric="cos",
                dtype="i8",
                connectivity=CONNECTIVITY,
                expansion_add=EXPANSION_ADD,
                expansion_search=EXPANSION_SEARCH,
            )
        return self.periods[period]

    def add(self, keys: np.ndarray, vectors: np.ndarray, days: np.ndarray | None = None) -> None:
        periods = period_numbers(_days(days, len(vectors)))
        for period in np.unique(periods):
            chosen = periods == period
            self._graph(int(period)).add(np.asarray(keys)[chosen], _unit(vectors[chosen]), threads=0)

    def search(self, vector: np.ndarray, k: int, day: float = np.nan) -> np.ndarray:
        """Keys of the ``k`` nearest rows published within the horizon of ``day``."""
        return self.search_many(vector[None, :], k, np.array([day]))[0]

    def search_many(self, vectors: np.ndarray, k: int, days: np.ndarray | None = None) -> list[np.ndarray]:
        """Keys of the ``k`` nearest rows to each vector among those published within the horizon of
        its day (all rows for an undated one; fewer when there are fewer), nearest first."""
        return [row[row >= 0] for row in self.nearest(vectors, k, days)]

    def nearest(self, vectors: np.ndarray, k: int, days: np.ndarray | None = None) -> np.ndarray:
        """:meth:`search_many` as one (vectors × ``k``) table of keys, each row padded with -1 where
        fewer are found; one multi-threaded search per period, merged by distance."""
        days = _days(days, len(vectors))
        # The horizon's ends fall in the periods REACH either side (the horizon is REACH periods).
        low, high = period_numbers(days) - REACH, period_numbers(days) + REACH
        undated = np.isnan(days)
        unit = _unit(vectors)
        keys: list[np.ndarray] = []  # one (vectors × k) block per period searched
        distances: list[np.ndarray] = []
        for period, index in self.periods.items():
            queries = np.flatnonzero(undated | (period == UNDATED) | ((low <= period) & (period <= high)))
            if len(queries) == 0 or len(index) == 0:
                continue
            found = index.search(
                unit[queries], min(k, len(index)), threads=0, exact=len(index) <= EXACT_UP_TO
            )
            found_keys = np.atleast_2d(found.keys)
            width = found_keys.shape[1]
            counts = np.atleast_1d(getattr(found, "counts", width))
            block_keys = np.full((len(vectors), k), -1, dtype=np.int64)
            block_distances = np.full((len(vectors), k), np.inf, dtype=np.float32)
            block_keys[queries, :width] = found_keys
            # Slots past a query's count hold no match.
            block_distances[queries, :width] = np.where(
                np.arange(width) < counts[:, None], np.atleast_2d(found.distances), np.inf
            )
            keys.append(block_keys)
            distances.append(block_distances)
        if not keys:
            return np.full((len(vectors), k), -1, dtype=np.int64)
        # Stable: equal distances keep the order of the periods, then usearch's own.
        order = np.argsort(np.hstack(distances), axis=1, kind="stable")[:, :k]
        table = np.take_along_axis(np.hstack(keys), order, axis=1)
        table[np.take_along_axis(np.hstack(distances), order, axis=1) == np.inf] = -1
        return table

    def save(self, folder: Path) -> None:
        """One file per period in ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        for period, index in self.periods.items():
            index.save(str(folder / f"{period}.usearch"))

    def load(self, folder: Path) -> None:
        for path in folder.glob("*.usearch"):
            self._graph(int(path.stem)).load(str(path))

    @property
    def nbytes(self) -> int:
        """Bytes of the vectors and graphs. Not usearch's ``memory_usage``, which counts whole 16 MB
        arenas reserved ahead, of which only the pages written are resident: twenty graphs of 500
        articles report 33 KB an article and hold 0.6 KB (resident set size, measured)."""
        return sum(int(index.serialized_length) for index in self.periods.values())


def _days(days: np.ndarray | None, n: int) -> np.ndarray:
    return np.full(n, np.nan) if days is None else np.asarray(days, dtype=np.float64)
