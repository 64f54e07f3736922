"""A multi-document extractive summary in which every sentence cites the source sentences it rests on.

Sentences are chosen whole from the sources, so every citation quotes an exact span. Facts that
several independent sources share come first (most widely attested first); then the most central
remaining sentences. A sentence too close to one already chosen is skipped as redundant.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from storyline.compare import Comparison, claim_citations, representative
from storyline.compare.align import anchors

DEFAULT_MAX_WORDS = 120
REDUNDANT = 0.72
MIN_WORDS = 5
MAX_WORDS_PER_SENTENCE = 60


def summarize(comparison: Comparison, max_words: int = DEFAULT_MAX_WORDS) -> list[dict[str, Any]]:
    articles, centrality = comparison.articles, comparison.centrality
    candidates: list[tuple[tuple[int, int], list[dict[str, str]]]] = []
    for claim in comparison.claims:
        candidates.append((representative(claim, centrality), claim_citations(articles, claim)))
    claimed = {m for c in comparison.claims for m in c.members}
    # Central, early and concrete first: news puts the event in its first sentences, and a sentence
    # that names no one and no number or date rarely carries a fact.
    rest = [
        (
            float(centrality[a][k])
            - 0.02 * k
            + (0.1 if anchors(article.sentences[k].text, article.published) else 0),
            (a, k),
        )
        for a, article in enumerate(articles)
        for k in range(len(article.sentences))
        if (a, k) not in claimed
    ]
    for _, (a, k) in sorted(rest, reverse=True):
        candidates.append(((a, k), [{"article_id": articles[a].id, "quote": articles[a].sentences[k].text}]))
    chosen: list[np.ndarray] = []
    summary: list[dict[str, Any]] = []
    words = 0
    for (a, k), citations in candidates:
        sentence = articles[a].sentences[k]
        n = len(sentence.text.split())
        if n < MIN_WORDS or n > MAX_WORDS_PER_SENTENCE or words + n > max_words:
            continue
        if sentence.text.rstrip("\"'”’)").endswith(("?", ":")):
            continue  # questions and lead-ins to a quotation state no fact of their own
        vec = articles[a].sentence_vectors[k]
        if any(float(vec @ other) >= REDUNDANT for other in chosen):
            continue
        summary.append({"text": sentence.text, "citations": citations})
        chosen.append(vec)
        words += n
    return summary
