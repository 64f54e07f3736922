"""The feature vector of a pair of profiles.

Every feature is symmetric in the two articles (a mean, min, max, overlap or absolute difference), so the
learned scores are symmetric by construction.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from storyline.similarity.profile import EnglishVectors, Profile

# Languages with a one-hot column: the eight of the SemEval dev file. Annotators of each language used
# the scale a little differently; an unseen language gets zeros and the shared weights.
LANGUAGES = ("en", "de", "es", "tr", "pl", "ar", "fr")
_THRESHOLDS = (0.5, 0.6, 0.7, 0.8)


def _jaccard(a: set[Any], b: set[Any]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _containment(a: set[Any], b: set[Any]) -> float:
    """Shared share of the smaller set: a short article fully contained in a long one scores 1."""
    smaller = min(len(a), len(b))
    return len(a & b) / smaller if smaller else 0.0


def _overlap(prefix: str, a: set[Any], b: set[Any]) -> dict[str, float]:
    return {
        f"{prefix}_jaccard": _jaccard(a, b),
        f"{prefix}_containment": _containment(a, b),
        f"{prefix}_shared": float(np.log1p(len(a & b))),
        f"{prefix}_none": float(not a and not b),
    }


def _sentence_similarities(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if not len(a) or not len(b):
        return np.zeros((1, 1), dtype=np.float32)
    return a @ b.T


def similarity_matrix(p: Profile, q: Profile) -> np.ndarray:
    return _sentence_similarities(p.vectors, q.vectors)


def _alignment(sim: np.ndarray, prefix: str = "") -> dict[str, float]:
    best_p, best_q = sim.max(axis=1), sim.max(axis=0)
    top = np.sort(sim, axis=None)[::-1]
    features = {
        "align_mean": float(best_p.mean() + best_q.mean()) / 2,
        "align_min": float(min(best_p.mean(), best_q.mean())),
        "align_max": float(top[0]),
        "align_top3": float(top[:3].mean()),
        "align_all": float(sim.mean()),
    }
    for t in _THRESHOLDS:
        features[f"covered_{int(t * 100)}"] = float((best_p >= t).mean() + (best_q >= t).mean()) / 2
    return {prefix + k: v for k, v in features.items()}


_NO_ENGLISH = EnglishVectors(
    np.zeros((0, 1), np.float32), np.zeros(1, np.float32), np.zeros(1, np.float32), np.zeros(1, np.float32)
)


def _english(p: EnglishVectors | None, q: EnglishVectors | None) -> dict[str, float]:
    """MiniLM's view where both articles are English; zeros and the flag off elsewhere, so the trees
    learn these columns from English pairs only."""
    both = p is not None and q is not None
    if p is None or q is None:
        p = q = _NO_ENGLISH
    sim = _sentence_similarities(p.vectors, q.vectors)
    features = {
        "en_doc_cosine": float(p.doc @ q.doc),
        "en_lead_cosine": float(p.lead @ q.lead),
        "en_article_cosine": float(p.article @ q.article),
        "en_head_cosine": float(sim[0, 0]),
        **_alignment(sim, "en_"),
    }
    return {"english": float(both), **{k: v * both for k, v in features.items()}}


def _sides(name: str, x: float, y: float) -> dict[str, float]:
    return {f"{name}_min": min(x, y), f"{name}_max": max(x, y), f"{name}_diff": abs(x - y)}


def pair_features(p: Profile, q: Profile) -> dict[str, float]:
    if (p.text_hash, p.id) > (q.text_hash, q.id):
        # One order for both: a matrix product and its transpose may differ in the last float bits.
        p, q = q, p
    sim = similarity_matrix(p, q)
    both_full = p.ner_full and q.ner_full
    features = {
        "doc_cosine": float(p.doc @ q.doc),
        "lead_cosine": float(p.lead @ q.lead),
        "lead_doc_cosine": float(p.lead @ q.doc + q.lead @ p.doc) / 2,
        "head_cosine": float(sim[0, 0]),
        "opening_cosine": float(p.opening @ q.opening),
        **_alignment(sim),
        **_english(p.english, q.english),
        **_overlap("grams", p.grams, q.grams),
        **_overlap("words", p.words, q.words),
        **_overlap("names", set(p.names), set(q.names)),
        **_overlap("name_words", p.name_words, q.name_words),
        **_overlap("numbers", p.numbers, q.numbers),
        **_overlap("years", p.years, q.years),
        **_overlap("months", p.months, q.months),
        # Typed entities only where NER ran on both sides; elsewhere the columns stay 0 and the flag says so.
        "ner_full": float(both_full),
        **{
            k: v * both_full
            for kind, a, b in (
                ("places", p.places, q.places),
                ("people", p.people, q.people),
                ("orgs", p.orgs, q.orgs),
            )
            for k, v in _overlap(kind, a, b).items()
        },
        # Length as a ratio only: absolute lengths tied scores to the dev file's scraping (short texts
        # there are mostly cut-off pages) and cost 0.01 of CV Pearson to drop.
        "log_words_diff": abs(np.log1p(p.word_count) - np.log1p(q.word_count)),
        "log_sentences_diff": abs(np.log1p(len(p.sentences)) - np.log1p(len(q.sentences))),
        **_sides("tone", p.tone, q.tone),
        **_sides("quote_rate", p.quote_rate, q.quote_rate),
        **_sides("question_rate", p.question_rate, q.question_rate),
        "same_genre": float(p.genre == q.genre),
        "same_language": float(p.language == q.language),
        **{f"lang_{code}": ((p.language == code) + (q.language == code)) / 2 for code in LANGUAGES},
    }
    return {k: float(v) for k, v in features.items()}


def feature_matrix(pairs: list[tuple[Profile, Profile]], names: list[str] | None = None) -> np.ndarray:
    """One row per pair, columns in the order of ``names`` (by default, of :func:`pair_features`)."""
    rows = [pair_features(p, q) for p, q in pairs]
    names = names or (list(rows[0]) if rows else [])
    return np.array([[row[n] for n in names] for row in rows], dtype=np.float64).reshape(
        len(rows), len(names)
    )
