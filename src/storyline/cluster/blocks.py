"""Batch clustering in blocks of publication time, each block on its own core or executor.

The same-event score is nothing for articles published more than ``HORIZON_DAYS`` apart
(``score.fade``), so a corpus that spans years falls into blocks that hardly interact: only articles near
a block's edges can belong with the next block's. A corpus is cut into blocks of :data:`BLOCK_PERIODS`
index periods (about a year). Each block's words and keys are counted (in parallel), and with the whole
corpus's counts each block is clustered as a corpus of its own
(:func:`~storyline.cluster.batch.batch_clustering`, streamed then refined), the bulk of the parallel work.
Then the pairs across each boundary are scored (articles within the horizon of the other block: the
nearest neighbours from either side, also in parallel, one task per boundary), and the driver joins the
blocks' stories over those pairs with the batch rule: stories merge when their average link reaches the
threshold, an article left alone joins the story it links to best (``batch.join``). Undated articles
(whose score never fades) are a block of their own, paired with every dated block.

A corpus within one block, as a day's or a month's news is, is clustered exactly as
:func:`~storyline.cluster.batch.batch_clustering` does. Across blocks the result can differ from one
whole-corpus pass: a story that runs over a boundary is found in two pieces that are joined by their
average link, where one pass would have grown one story (``python bench/spark.py --years``).

Both engines run this with their own ``mapper`` (worker processes, Spark executors): the stage code is
the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from storyline.cluster.batch import FLOOR, Pairs, batch_clustering, join, publication_order
from storyline.cluster.index import HORIZON_DAYS, VectorIndex, period_numbers
from storyline.cluster.score import (
    Lexicon,
    Profiles,
    day_number,
    meet,
    pair_scores,
    vector_cosines,
    word_counts,
)
from storyline.cluster.stream import CANDIDATES
from storyline.model import Article

# A year of index periods (8 × PERIOD_DAYS ≈ 378 days): much longer than the horizon (2 periods), so
# the articles near a boundary are a small part of a block, yet short enough that a backfill of years
# has a block per core.
BLOCK_PERIODS = 8
UNDATED_BLOCK = -1

# An ordered map: ``mapper(function, items)`` gives ``function(item)`` for each item, in order.
Mapper = Callable[[Callable[[Any], Any], list[Any]], Iterable[Any]]


@dataclass
class Block:
    """What clustering one block gives: each article's story number within the block (in the block's
    order) and its highest vector cosine to any article of the block met."""

    labels: np.ndarray
    nearest: np.ndarray


def block_numbers(articles: Sequence[Article]) -> np.ndarray:
    """The block of each article: its index period // :data:`BLOCK_PERIODS`, or :data:`UNDATED_BLOCK`."""
    days = np.array([day_number(a.published) for a in articles], dtype=np.float64)
    periods = period_numbers(days)
    return np.where(np.isnan(days), UNDATED_BLOCK, periods // BLOCK_PERIODS)


def count_block(articles: list[Article]) -> bytes:
    """The document frequencies of one block's words and keys (the first parallel round)."""
    lexicon = Lexicon()
    lexicon.count(articles)
    return lexicon.to_bytes()


def cluster_block(task: tuple[list[Article], bytes]) -> Block:
    """One block clustered as a corpus of its own, with the whole corpus's document frequencies (the
    second round): a block's own counts would make rare and common words out of a year's news alone, and
    cost 0.005 BCubed F1 against one pass in ``bench/blocks.py``, where the whole corpus's lose none."""
    articles, counts = task
    labels, clusterer = batch_clustering(articles, counted=_lexicon(counts))
    nearest = np.full(len(articles), np.nan, dtype=np.float32)
    # The clusterer's rows are in publication order.
    nearest[publication_order(articles)] = clusterer.profiles.nearest[: len(articles)]
    return Block(labels, nearest)


def _lexicon(data: bytes) -> Lexicon:
    lexicon = Lexicon.from_bytes(data)
    assert lexicon is not None  # made by this version a moment ago
    return lexicon


@dataclass
class Boundary:
    """The articles on either side of a block boundary that can be paired (within the horizon of the
    other side), with their nearest cosines, and the whole corpus's counts."""

    left: list[Article]
    right: list[Article]
    nearest: np.ndarray  # left's, then right's
    lexicon: bytes


def score_boundary(boundary: Boundary) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs (left row, right row, score) across ``boundary`` scoring at least ``batch.FLOOR``:
    each article's nearest neighbours on the other side, as the batch graph pairs them."""
    lexicon = _lexicon(boundary.lexicon)
    articles = [*boundary.left, *boundary.right]
    n_left = len(boundary.left)
    words = word_counts(articles)
    profiles = Profiles.empty(len(articles[0].vector), len(articles))
    rows = profiles.add_articles(articles, words, lexicon, count_keys=False)
    profiles.nearest[rows] = boundary.nearest
    left_rows, right_rows = rows[:n_left], rows[n_left:]
    found: list[tuple[np.ndarray, np.ndarray]] = []
    for ask, among in ((left_rows, right_rows), (right_rows, left_rows)):
        index = VectorIndex(profiles.vectors.shape[1])
        index.add(among, profiles.vectors[among], profiles.published[among])
        hits = index.search_many(profiles.vectors[ask], CANDIDATES, profiles.published[ask])
        found.append((np.repeat(ask, [len(h) for h in hits]), np.concatenate([np.zeros(0, np.int64), *hits])))
    i = np.concatenate([found[0][0], found[1][1]])  # left side
    j = np.concatenate([found[0][1], found[1][0]])  # right side
    pairs = np.unique(np.stack([i, j], axis=1), axis=0) if len(i) else np.zeros((0, 2), dtype=np.int64)
    i, j = pairs[:, 0], pairs[:, 1]
    cosine = vector_cosines(profiles, i, j)
    meet(profiles, i, j, cosine)
    scores = pair_scores(profiles, lexicon, i, j, cosine=cosine)
    kept = scores >= FLOOR
    return i[kept], j[kept] - n_left, scores[kept]


def _near(days: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Which of ``days`` are within the horizon of some day of ``other`` (every one if either side has
    an undated article)."""
    if np.isnan(days).any() or np.isnan(other).any():
        return np.ones(len(days), dtype=bool)
    return (days >= other.min() - HORIZON_DAYS) & (days <= other.max() + HORIZON_DAYS)


def cluster_in_blocks(articles: Sequence[Article], mapper: Mapper = map) -> tuple[np.ndarray, Lexicon]:
    """Story numbers of ``articles`` (in their order) and the counts of their words and keys, clustered
    block by block (``mapper`` runs the blocks, then the boundaries, in parallel)."""
    articles = list(articles)
    numbers = block_numbers(articles)
    blocks = sorted(set(numbers.tolist()))
    if len(blocks) <= 1:
        labels, clusterer = batch_clustering(articles)
        return labels, clusterer.lexicon
    members = [np.flatnonzero(numbers == b) for b in blocks]
    parts = [[articles[k] for k in m] for m in members]
    total = Lexicon()
    for counts in mapper(count_block, parts):
        total += _lexicon(counts)
    counts = total.to_bytes()
    done: list[Block] = list(mapper(cluster_block, [(part, counts) for part in parts]))
    labels = np.empty(len(articles), dtype=np.int64)
    nearest = np.empty(len(articles), dtype=np.float32)
    offset = 0
    for rows, block in zip(members, done, strict=True):
        labels[rows] = block.labels + offset
        nearest[rows] = block.nearest
        offset += int(block.labels.max()) + 1
    days = np.array([day_number(a.published) for a in articles], dtype=np.float64)
    # Undated articles (block -1, first) pair with every dated block; dated blocks with the next one
    # (a block spans four horizons, so no pair reaches past its neighbour).
    first = 1 if blocks[0] == UNDATED_BLOCK else 0
    sides = [(0, b) for b in range(1, len(blocks))] if first else []
    sides += [(a, a + 1) for a in range(first, len(blocks) - 1)]
    tasks, kept = [], []
    for a, b in sides:
        left = members[a][_near(days[members[a]], days[members[b]])]
        right = members[b][_near(days[members[b]], days[members[a]])]
        if len(left) and len(right):
            tasks.append(
                Boundary(
                    [articles[k] for k in left],
                    [articles[k] for k in right],
                    np.concatenate([nearest[left], nearest[right]]),
                    counts,
                )
            )
            kept.append((left, right))
    graph: Pairs = defaultdict(dict)
    for (left, right), (i, j, scores) in zip(kept, mapper(score_boundary, tasks), strict=True):
        for x, y, s in zip(left[i].tolist(), right[j].tolist(), scores.tolist(), strict=True):
            graph[x][y] = graph[y][x] = s
    return join(labels, graph), total
