"""Batch clustering: the streaming decision over a whole corpus, then a refinement pass.

1. Stream: every article in publication order, as :mod:`storyline.cluster.stream` would see it.
2. Refine with the whole corpus known: split stories whose members fall apart under average linkage,
   merge stories whose average link reaches the threshold (Lance–Williams updates over the scored pairs),
   and let each article left alone join the story it links to best if that reaches ``ATTACH``.

Pairs are all pairs up to ``DENSE_LIMIT`` articles, else each article's nearest neighbours.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from storyline.cluster.score import Lexicon, meet, pair_scores, vector_cosines
from storyline.cluster.stream import CANDIDATES, THRESHOLD, StreamClusterer
from storyline.cluster.trees import Trees
from storyline.model import Article

# Singletons (often opinion and analysis pieces, which share fewer words with the reports than the
# reports share with each other) join their best story from this mean score; chosen with THRESHOLD by
# `python bench/cluster.py --sweep` on the dev sets (with the model.json of `--fit`).
ATTACH = 0.2
DENSE_LIMIT = 3000
# Pairs scoring below this are left out of the graph: they would add nearly nothing to any average.
FLOOR = 0.02

Pairs = dict[int, dict[int, float]]


def scored_pairs(clusterer: StreamClusterer) -> Pairs:
    """Symmetric sparse graph of same-event scores between the clusterer's articles."""
    p, n = clusterer.profiles, len(clusterer)
    if n <= DENSE_LIMIT:
        i, j = np.triu_indices(n, 1)
    else:
        # Within each article's horizon only: pairs further apart in time score nothing.
        found = clusterer.index.search_many(p.vectors[:n], CANDIDATES, p.published[:n])
        left = np.concatenate([np.full(len(f), r) for r, f in enumerate(found)])
        right = np.concatenate(found)
        # A neighbour found from either side is one pair.
        pairs = np.unique(np.stack([np.minimum(left, right), np.maximum(left, right)], axis=1), axis=0)
        i, j = pairs[pairs[:, 0] != pairs[:, 1]].T
    cosine = vector_cosines(p, i, j)
    meet(p, i, j, cosine)
    scores = pair_scores(p, clusterer.lexicon, i, j, clusterer.model, cosine)
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


def publication_order(articles: Sequence[Article]) -> list[int]:
    return sorted(range(len(articles)), key=lambda k: (articles[k].published or "9999", articles[k].id))


def stream_labels(
    articles: Sequence[Article],
    threshold: float = THRESHOLD,
    model: Trees | None = None,
    counted: Lexicon | None = None,
) -> tuple[np.ndarray, StreamClusterer]:
    """Story numbers of the articles (in their given order) as the streaming driver assigns them
    (with the shipped same-event model unless ``model`` is given; ``counted``: document frequencies
    that count these articles already, see :class:`StreamClusterer`)."""
    if not articles:
        return np.zeros(0, dtype=int), StreamClusterer(1, threshold, model=model, counted=counted)
    order = publication_order(articles)
    clusterer = StreamClusterer(len(articles[0].vector), threshold, model=model, counted=counted)
    clusterer.add_all([articles[k] for k in order])
    labels = np.empty(len(articles), dtype=int)
    labels[order] = clusterer.story_labels()
    return labels, clusterer


def batch_labels(
    articles: Sequence[Article],
    threshold: float = THRESHOLD,
    attach: float = ATTACH,
    model: Trees | None = None,
) -> np.ndarray:
    """Story numbers of the articles (in their given order): streamed, then refined."""
    return batch_clustering(articles, threshold, attach, model)[0]


def batch_clustering(
    articles: Sequence[Article],
    threshold: float = THRESHOLD,
    attach: float = ATTACH,
    model: Trees | None = None,
    counted: Lexicon | None = None,
) -> tuple[np.ndarray, StreamClusterer]:
    """:func:`batch_labels`, and the clusterer that streamed the articles (its ``lexicon`` has counted
    every one of them; ``counted``: counts that do already, as :func:`stream_labels` takes them)."""
    streamed, clusterer = stream_labels(articles, threshold, model, counted)
    if len(articles) < 2:
        return streamed, clusterer
    order = publication_order(articles)
    graph = scored_pairs(clusterer)
    # The graph is in stream (publication) order; map back to the caller's order at the end.
    refined = refine(streamed[order], graph, threshold, attach)
    labels = np.empty(len(articles), dtype=int)
    labels[order] = refined
    return labels, clusterer
