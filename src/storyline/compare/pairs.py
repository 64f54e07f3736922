"""The sentence similarities of every two independent articles of a story, which alignment, the shared-fact
model and the anchor rule all walk."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from storyline.model import Article


def independent_similarities(
    articles: list[Article], group: list[int]
) -> Iterator[tuple[int, int, np.ndarray]]:
    """``(i, j, sim)`` for each pair of articles ``i < j`` of different independence groups that both have
    sentence vectors; ``sim[s, t]`` is the cosine of sentence ``s`` of ``i`` and ``t`` of ``j``."""
    for i in range(len(articles)):
        for j in range(i + 1, len(articles)):
            va, vb = articles[i].sentence_vectors, articles[j].sentence_vectors
            if group[i] == group[j] or va is None or vb is None or not len(va) or not len(vb):
                continue
            yield i, j, va @ vb.T
