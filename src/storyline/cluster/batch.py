"""Batch clustering: the streaming decision over a whole corpus, then a refinement pass.

1. Stream: every article in publication order, as :mod:`storyline.cluster.stream` would see it,
   settling the stories each batch touched as it goes (``StreamClusterer.settle``).
2. Refine with the whole corpus known (:mod:`storyline.cluster.refine`): split stories whose members fall
   apart under average linkage, merge stories whose average link reaches the threshold, and let each
   article left alone join the story it links to best if that reaches ``ATTACH``.

Pairs are all pairs up to ``DENSE_LIMIT`` articles, else each article's nearest neighbours.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyline.cluster.refine import (
    ATTACH,
    DENSE_LIMIT,
    FLOOR,
    THRESHOLD,
    Pairs,
    _attach,
    _merge,
    _split,
    graph_among,
    join,
    refine,
)
from storyline.cluster.score import Lexicon
from storyline.cluster.stream import BATCH, StreamClusterer
from storyline.cluster.trees import Trees
from storyline.model import Article

__all__ = [
    "ATTACH",
    "DENSE_LIMIT",
    "FLOOR",
    "Pairs",
    "_attach",
    "_merge",
    "_split",
    "batch_clustering",
    "batch_labels",
    "join",
    "publication_order",
    "refine",
    "scored_pairs",
    "stream_labels",
]


def scored_pairs(clusterer: StreamClusterer) -> Pairs:
    """Symmetric sparse graph of same-event scores between the clusterer's articles."""
    return graph_among(
        clusterer.profiles, clusterer.lexicon, clusterer.index, np.arange(len(clusterer)), clusterer.model
    )


def publication_order(articles: Sequence[Article]) -> list[int]:
    return sorted(range(len(articles)), key=lambda k: (articles[k].published or "9999", articles[k].id))


def stream_labels(
    articles: Sequence[Article],
    threshold: float = THRESHOLD,
    model: Trees | None = None,
    counted: Lexicon | None = None,
    settle: bool = True,
    attach: float = ATTACH,
    batch: int = BATCH,
) -> tuple[np.ndarray, StreamClusterer]:
    """Story numbers of the articles (in their given order) as the streaming driver assigns them,
    ``batch`` at a time in publication order, settling after each batch unless ``settle`` is off
    (with the shipped same-event model unless ``model`` is given; ``counted``: document frequencies
    that count these articles already, see :class:`StreamClusterer`)."""
    if not articles:
        return np.zeros(0, dtype=int), StreamClusterer(1, threshold, model=model, counted=counted)
    order = publication_order(articles)
    clusterer = StreamClusterer(
        len(articles[0].vector), threshold, model=model, counted=counted, attach=attach
    )
    clusterer.add_all([articles[k] for k in order], batch, settle)
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
    # Streamed as the streaming driver does, settling as it goes; the refinement then settles the whole
    # corpus at once, so that a stream differs from the batch only by what that last pass changes.
    streamed, clusterer = stream_labels(articles, threshold, model, counted, attach=attach)
    if len(articles) < 2:
        return streamed, clusterer
    order = publication_order(articles)
    graph = scored_pairs(clusterer)
    # The graph is in stream (publication) order; map back to the caller's order at the end.
    refined = refine(streamed[order], graph, threshold, attach)
    labels = np.empty(len(articles), dtype=int)
    labels[order] = refined
    return labels, clusterer
