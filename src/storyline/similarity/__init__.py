"""Pairwise article similarity on the seven SemEval-2022 Task 8 dimensions (1 = very similar … 4 = very
dissimilar), with an explanation a person can check.

Each article becomes a :class:`~storyline.similarity.profile.Profile` (multilingual sentence vectors,
names, places, dates, numbers, tone, genre); a pair of profiles becomes a symmetric feature vector
(``features.py``); a gradient-boosted model per dimension, trained on the SemEval dev pairs by
``bench/similarity.py --train`` and shipped as ``model.json``, turns it into scores (``model.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from storyline.model import Article
from storyline.similarity.explain import Explanation, explain
from storyline.similarity.features import feature_matrix
from storyline.similarity.model import Model, shipped_model
from storyline.similarity.profile import Profile, build_profiles
from storyline.store import Store

DIMENSIONS = ("overall", "geography", "entities", "time", "narrative", "style", "tone")

__all__ = [
    "DIMENSIONS",
    "Explanation",
    "Profile",
    "build_profiles",
    "score_pair",
    "score_pairs",
    "score_profiles",
]


def score_profiles(pairs: Sequence[tuple[Profile, Profile]], model: Model | None = None) -> list[Explanation]:
    """Scores and explanations for pairs of already built profiles (the cheap part)."""
    if not pairs:
        return []
    model = model or shipped_model()
    predicted = model.predict(feature_matrix(list(pairs), model.features))
    results = []
    for (p, q), row in zip(pairs, predicted, strict=True):
        scores = {d: round(float(row[model.dimensions.index(d)]), 3) for d in DIMENSIONS}
        if p.text_hash == q.text_hash:
            # The same text is, by the scale's definition, as similar as can be on every dimension.
            scores = dict.fromkeys(DIMENSIONS, 1.0)
        results.append(explain(p, q, scores))
    return results


def score_pairs(
    pairs: Sequence[tuple[Article, Article]],
    store: Store | None = None,
    advance: Callable[[int], None] | None = None,
) -> list[Explanation]:
    """Score article pairs; each distinct article is profiled once. ``store`` caches sentence vectors."""
    distinct: dict[int, Article] = {}
    for a, b in pairs:
        distinct.setdefault(id(a), a)
        distinct.setdefault(id(b), b)
    profiles = dict(
        zip(distinct, build_profiles(list(distinct.values()), store=store, advance=advance), strict=True)
    )
    return score_profiles([(profiles[id(a)], profiles[id(b)]) for a, b in pairs])


def score_pair(a: Article, b: Article) -> Explanation:
    return score_pairs([(a, b)])[0]
