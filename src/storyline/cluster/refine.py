"""The refinement of stories with their pairs scored: split, merge, attach (the batch rule).

The batch driver applies it once to a whole corpus streamed (:mod:`~storyline.cluster.batch`); the
streaming clusterer applies it, as it goes, to the stories its recent articles touched
(:meth:`~storyline.cluster.stream.StreamClusterer.settle`), so that a stream converges to what the batch
would decide on the same articles.

1. Split stories whose members fall apart under average linkage at the threshold.
2. Merge stories whose average link reaches the threshold (Lance–Williams updates over the scored pairs).
3. Let each article left alone join the story it links to best if that reaches ``ATTACH``.
"""

from __future__ import annotations

import heapq
from collections import defaultdict

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from storyline.cluster.index import VectorIndex
from storyline.cluster.score import Lexicon, Profiles, meet, pair_scores, vector_cosines
from storyline.cluster.trees import Trees

# Join a story when the mean same-event score to its members reaches this; chosen with the batch cut by
# `python bench/cluster.py --sweep` on the dev sets (with the model.json of `--fit`). Batch peaks at 0.6 by
# under 0.005 mean F1, but there streaming alone loses 0.05 on ECB+: 0.4 serves both.
THRESHOLD = 0.4
# Nearest neighbours scored per new article: more than the reports of one event usually found together.
# 32 cost twice the scoring for BCubed F1 within 0.006 on the dev sets (bench/cluster.py, either way).
CANDIDATES = 16
# Singletons (often opinion and analysis pieces, which share fewer words with the reports than the
# reports share with each other) join their best story from this mean score; chosen with THRESHOLD by
# `python bench/cluster.py --sweep` on the dev sets (with the model.json of `--fit`).
ATTACH = 0.2
# Up to this many articles every pair is scored; beyond, each article's CANDIDATES nearest neighbours.
DENSE_LIMIT = 3000
# Pairs scoring below this are left out of the graph: they would add nearly nothing to any average.
FLOOR = 0.02

Pairs = dict[int, dict[int, float]]


def graph_among(
    profiles: Profiles,
    lexicon: Lexicon,
    index: VectorIndex,
    rows: np.ndarray,
    model: Trees | None = None,
    dense_limit: int = DENSE_LIMIT,
    met: bool = True,
) -> Pairs:
    """Symmetric sparse graph of same-event scores between the profile ``rows`` (indexed), keyed by their
    positions in ``rows``: all pairs up to ``dense_limit`` rows, else each row's nearest neighbours among
    them. Each pair is met (``score.meet``) before it is scored, as the streaming decisions were."""
    rows = np.asarray(rows, dtype=np.int64)
    n = len(rows)
    if n <= dense_limit:
        i, j = np.triu_indices(n, 1)
    else:
        # Within each article's horizon only: pairs further apart in time score nothing.
        position = np.full(int(rows.max()) + 1, -1, dtype=np.int64)
        position[rows] = np.arange(n)
        found = index.search_many(profiles.vectors[rows], CANDIDATES, profiles.published[rows])
        left = np.repeat(np.arange(n), [len(f) for f in found])
        right = np.concatenate([np.zeros(0, dtype=np.int64), *found])
        inside = right <= rows.max()
        left, right = left[inside], position[right[inside]]
        left, right = left[right >= 0], right[right >= 0]
        # A neighbour found from either side is one pair.
        pairs = np.unique(np.stack([np.minimum(left, right), np.maximum(left, right)], axis=1), axis=0)
        i, j = pairs[pairs[:, 0] != pairs[:, 1]].T
    ri, rj = rows[i], rows[j]
    cosine = vector_cosines(profiles, ri, rj)
    if met:
        meet(profiles, ri, rj, cosine)
    scores = pair_scores(profiles, lexicon, ri, rj, model, cosine)
    graph: Pairs = defaultdict(dict)
    for a, b, s in zip(i.tolist(), j.tolist(), scores.tolist(), strict=True):
        if s >= FLOOR:
            graph[a][b] = graph[b][a] = s
    return graph


def _split(labels: np.ndarray, graph: Pairs, threshold: float) -> np.ndarray:
    """Cut each story by average linkage at ``threshold``: a story that holds two events falls apart."""
    out = labels.copy()
    next_label = int(labels.max()) + 1
    order = np.argsort(labels, kind="stable")
    starts = np.flatnonzero(np.r_[True, labels[order][1:] != labels[order][:-1]])
    for members in np.split(order, starts[1:]):
        if len(members) < 3:
            continue
        sim = np.array([[graph[a].get(b, 0.0) for b in members] for a in members])
        distance = np.clip(1.0 - sim, 0.0, None)
        np.fill_diagonal(distance, 0.0)
        parts = fcluster(linkage(squareform(distance, checks=False), "average"), 1.0 - threshold, "distance")
        for part in np.unique(parts)[1:]:
            out[members[parts == part]] = next_label
            next_label += 1
    return out


def _merge(labels: np.ndarray, graph: Pairs, threshold: float) -> np.ndarray:
    """Average-linkage agglomeration starting from ``labels``: merge the best-linked pair of stories while
    its mean pair score reaches ``threshold``."""
    _, labels = np.unique(labels, return_inverse=True)
    size = np.bincount(labels).tolist()
    total: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for a, row in graph.items():
        for b, s in row.items():
            if labels[a] != labels[b]:
                total[labels[a]][labels[b]] += s
    heap = [(-w / (size[x] * size[y]), x, y) for x, row in total.items() for y, w in row.items() if x < y]
    heapq.heapify(heap)
    parent = list(range(len(size)))
    while heap:
        neg, x, y = heapq.heappop(heap)
        if -neg < threshold:
            break
        if parent[x] != x or parent[y] != y or abs(total[x][y] / (size[x] * size[y]) + neg) > 1e-9:
            continue  # stale: one side was merged since, or its link changed
        parent[y] = x
        size[x] += size[y]
        for z, w in total.pop(y).items():
            if z == x:
                continue
            total[z].pop(y, None)
            total[x][z] += w
            total[z][x] = total[x][z]
        total[x].pop(y, None)
        for z, w in total[x].items():
            heapq.heappush(heap, (-w / (size[x] * size[z]), min(x, z), max(x, z)))

    def root(k: int) -> int:
        while parent[k] != k:
            k = parent[k]
        return k

    return np.array([root(int(k)) for k in labels])


def _attach(labels: np.ndarray, graph: Pairs, attach: float) -> np.ndarray:
    out = labels.copy()
    sizes = np.bincount(labels)
    for a in np.flatnonzero(sizes[labels] == 1):
        sums: dict[int, float] = defaultdict(float)
        for b, s in graph[a].items():
            if sizes[labels[b]] >= 2:
                sums[int(labels[b])] += s
        if sums:
            best = max(sums, key=lambda k: sums[k] / sizes[k])
            if sums[best] / sizes[best] >= attach:
                out[a] = best
    return out


def join(
    labels: np.ndarray, graph: Pairs, threshold: float = THRESHOLD, attach: float = ATTACH
) -> np.ndarray:
    """Merge the stories of ``labels`` whose average link over ``graph`` reaches ``threshold``, then let
    each article left alone join the story it links to best from ``attach``."""
    return _attach(_merge(labels, graph, threshold), graph, attach)


def refine(
    labels: np.ndarray, graph: Pairs, threshold: float = THRESHOLD, attach: float = ATTACH
) -> np.ndarray:
    return join(_split(labels, graph, threshold), graph, threshold, attach)


def keep_numbers(before: np.ndarray, after: np.ndarray, fresh: int) -> tuple[np.ndarray, int]:
    """The stories of ``after`` (any numbering) numbered after ``before`` where they can be: each number
    of ``before`` stays with the story of ``after`` that holds most of its members (the earliest of those
    tied), a story given several keeps the one it holds most of (the lowest of those tied), and a story
    given none takes ``fresh``, ``fresh`` + 1 … in order of its earliest member. A story that kept its
    members keeps its number. The numbers, and the next free one."""
    _, after = np.unique(after, return_inverse=True)
    held: dict[tuple[int, int], int] = defaultdict(int)  # (old number, new story) -> members
    for b, g in zip(before.tolist(), after.tolist(), strict=True):
        held[b, g] += 1
    first = {g: k for k, g in reversed(list(enumerate(after.tolist())))}
    heir: dict[int, tuple[int, int]] = {}  # old number -> (members held, new story)
    for (b, g), count in held.items():
        if b not in heir or (count, -first[g]) > (heir[b][0], -first[heir[b][1]]):
            heir[b] = (count, g)
    number: dict[int, int] = {}
    for b in sorted(heir, key=lambda b: (-heir[b][0], b)):
        number.setdefault(heir[b][1], b)
    for g in sorted(set(after.tolist()) - set(number), key=lambda g: first[g]):
        number[g], fresh = fresh, fresh + 1
    return np.array([number[g] for g in after.tolist()], dtype=np.int64), fresh
