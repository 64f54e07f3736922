"""What a person can check behind a pair's scores: what the two articles share and where they differ."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from storyline.similarity.features import similarity_matrix
from storyline.similarity.profile import Profile

CLOSEST = 3  # sentence pairs shown
LISTED = 15  # items shown per list


@dataclass
class Explanation:
    """Scores (1 = very similar … 4 = very dissimilar) and the evidence behind them.

    ``shared``, ``only_first`` and ``only_second`` map "places", "entities", "dates" and "numbers" to
    what both articles name, or only one. Places are typed only where NER ran (English, French);
    elsewhere "entities" holds every capitalised name.
    """

    scores: dict[str, float]
    shared: dict[str, list[str]] = field(default_factory=dict)
    only_first: dict[str, list[str]] = field(default_factory=dict)
    only_second: dict[str, list[str]] = field(default_factory=dict)
    closest_sentences: list[tuple[float, str, str]] = field(default_factory=list)
    genres: tuple[str, str] = ("report", "report")
    tones: tuple[float, float] = (0.0, 0.0)
    languages: tuple[str | None, str | None] = (None, None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scores": self.scores,
            "shared": self.shared,
            "only_first": self.only_first,
            "only_second": self.only_second,
            "closest_sentences": [
                {"similarity": s, "first": a, "second": b} for s, a, b in self.closest_sentences
            ],
            "genres": list(self.genres),
            "tones": list(self.tones),
            "languages": list(self.languages),
        }


def _groups(p: Profile, places: set[str]) -> dict[str, dict[str, str]]:
    """Normalised key -> how the article writes it, per group."""
    return {
        "places": {k: v for k, v in p.names.items() if k in places},
        "entities": {k: v for k, v in p.names.items() if k not in places},
        "dates": {m: m for m in p.months} | {y: y for y in p.years},
        "numbers": {n: n for n in p.numbers if n not in p.years},
    }


def explain(p: Profile, q: Profile, scores: dict[str, float]) -> Explanation:
    # A name NER calls a place on one side is a place on both: "Hollvik" should not be listed as a
    # place only the first names and an entity only the second names.
    places = p.places | q.places
    groups_p, groups_q = _groups(p, places), _groups(q, places)
    shared, only_p, only_q = {}, {}, {}
    for group, found_p in groups_p.items():
        found_q = groups_q[group]
        shared[group] = sorted(found_p[k] for k in found_p.keys() & found_q.keys())[:LISTED]
        only_p[group] = sorted(found_p[k] for k in found_p.keys() - found_q.keys())[:LISTED]
        only_q[group] = sorted(found_q[k] for k in found_q.keys() - found_p.keys())[:LISTED]
    closest = []
    if p.sentences and q.sentences:
        sim = similarity_matrix(p, q)
        for i in np.argsort(-sim.max(axis=1), kind="stable")[:CLOSEST]:
            j = int(sim[i].argmax())
            closest.append((round(float(sim[i, j]), 3), p.sentences[i], q.sentences[j]))
    return Explanation(
        scores=scores,
        shared=shared,
        only_first=only_p,
        only_second=only_q,
        closest_sentences=closest,
        genres=(p.genre, q.genre),
        tones=(p.tone, q.tone),
        languages=(p.language, q.language),
    )
