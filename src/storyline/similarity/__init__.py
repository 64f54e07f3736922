"""Pairwise article similarity on the seven SemEval-2022 Task 8 dimensions (1 = very similar … 4 = very
dissimilar).

First version: each dimension is a fixed, monotone map of one interpretable signal (article-vector
cosine, best-aligned sentences, shared names, shared dates, tone difference, length ratio). It is not
yet learned from data; ``bench/similarity.py`` measures how far that gets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from storyline.compare.framing import genre, tone
from storyline.enrich.mentions import dates, names
from storyline.model import Article

TIME_HORIZON_DAYS = 30  # publication dates this far apart share no time
DIMENSIONS = ("overall", "geography", "entities", "time", "narrative", "style", "tone")


def _scale(signal: float, low: float, high: float) -> float:
    """Map a similarity signal onto 4 (at or below ``low``) … 1 (at or above ``high``)."""
    x = min(max((signal - low) / (high - low), 0.0), 1.0)
    return round(4.0 - 3.0 * x, 3)


def _jaccard(a: set[Any], b: set[Any]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def _names(article: Article) -> set[str]:
    return set().union(*(names(s.text) for s in article.sentences)) if article.sentences else set()


def _months(article: Article) -> set[tuple[int | None, int]]:
    return {(d.year, d.month) for s in article.sentences for d in dates(s.text, article.published)}


def _time_overlap(a: Article, b: Article) -> float:
    """Agreement of the months the articles mention and of their publication dates (0.5 when unknown)."""
    parts = []
    ma, mb = _months(a), _months(b)
    if ma or mb:
        parts.append(_jaccard(ma, mb))
    if a.published and b.published:
        gap = abs((date.fromisoformat(a.published) - date.fromisoformat(b.published)).days)
        parts.append(max(0.0, 1.0 - gap / TIME_HORIZON_DAYS))
    return sum(parts) / len(parts) if parts else 0.5


@dataclass
class Explanation:
    scores: dict[str, float]
    shared_names: list[str]
    only_first: list[str]
    only_second: list[str]
    closest_sentences: list[tuple[float, str, str]]
    genres: tuple[str, str]
    tones: tuple[float, float]


def score_pair(a: Article, b: Article) -> Explanation:
    """Both articles must be enriched (sentences and vectors)."""
    cosine = float(a.vector @ b.vector)
    sim = (
        a.sentence_vectors @ b.sentence_vectors.T
        if len(a.sentences) and len(b.sentences)
        else np.zeros((1, 1))
    )
    # Narrative: how much of each article has a counterpart sentence in the other.
    aligned = float((sim.max(axis=1).mean() + sim.max(axis=0).mean()) / 2)
    na, nb = _names(a), _names(b)
    entity_overlap = _jaccard(na, nb)
    time_overlap = _time_overlap(a, b)
    ta, tb = tone(a), tone(b)
    la, lb = len(a.text.split()), len(b.text.split())
    ga, gb = genre(a), genre(b)
    scores = {
        "overall": _scale(0.7 * cosine + 0.3 * aligned, 0.25, 0.80),
        "geography": _scale(0.5 * cosine + 0.5 * entity_overlap, 0.15, 0.60),
        "entities": _scale(entity_overlap, 0.02, 0.35),
        "time": _scale(0.5 * time_overlap + 0.5 * cosine, 0.15, 0.70),
        "narrative": _scale(aligned, 0.35, 0.80),
        "style": _scale(0.5 * min(la, lb) / max(la, lb, 1) + 0.5 * (ga == gb), 0.2, 1.0),
        "tone": _scale(1.0 - abs(ta - tb), 0.4, 1.0),
    }
    pairs = []
    if len(a.sentences) and len(b.sentences):
        for s in np.argsort(-sim.max(axis=1))[:3]:
            t = int(sim[s].argmax())
            pairs.append((round(float(sim[s, t]), 3), a.sentences[s].text, b.sentences[t].text))
    return Explanation(
        scores=scores,
        shared_names=sorted(na & nb)[:20],
        only_first=sorted(na - nb)[:20],
        only_second=sorted(nb - na)[:20],
        closest_sentences=pairs,
        genres=(ga, gb),
        tones=(ta, tb),
    )
