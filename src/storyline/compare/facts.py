"""Which sentences of two sources state the same fact, learned.

Two sentences of different independent articles state one fact when they say the same thing (close
sentence vectors, shared content words) about the same things (shared names) with values that agree:
the same or compatible numbers, ages, dates and names. A sentence pair whose values clash (a conflict)
or that speaks of other values (another count, another day) states another fact, and a question states
none. A boosted-trees model over such features (:data:`FEATURES`) gives the probability; it is trained
by ``bench/train_facts.py`` on the gold shared facts of the hand-written stories' train split
(bench/data/compare) and shipped as ``facts.json``, with the cutoff chosen there by cross-validation
grouped by story. The cosine-and-anchor rule it replaces found a fifth of the gold pairs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import numpy as np

from storyline.cluster.trees import Trees
from storyline.compare.claims import SentenceClaims, Value
from storyline.compare.pairs import independent_similarities
from storyline.compare.slots import compatible_numbers
from storyline.enrich.times import compatible as compatible_times
from storyline.model import Article

NEAREST = 3  # each sentence is paired with this many closest sentences of the other article ...
MIN_COSINE = 0.3  # ... that are at least this close
FEATURES = (
    "cosine",
    "rank",  # the better of the two ranks (0: each is the other's closest)
    "mutual_best",
    "margin",  # cosine minus the next best cosine of either sentence
    "word_overlap",  # content words shared, over the shorter sentence's
    "word_jaccard",
    "names_shared",
    "names_only_one_side",
    "values_agreeing",
    "values_clashing",
    "values_unmatched",  # values of one sentence with nothing of their kind in the other
    "question",
    "quotation",
    "length_ratio",
    "min_words",
    "position_gap",  # how far apart in their articles the two sentences stand (share of the article)
)
_WORD = re.compile(r"[\w'’-]+")
_STOP = frozenset(
    {"the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with", "from"}
    | {"as", "that", "this", "is", "was", "were", "are", "be", "been", "has", "have", "had", "it", "its"}
    | {"he", "she", "they", "his", "her", "their", "who", "which", "said", "says", "will", "would"}
)
_QUOTE_MARKS = "\"“”'‘’«»"


@cache
def _model() -> dict[str, Any]:
    return json.loads(files("storyline.compare").joinpath("facts.json").read_text(encoding="utf-8"))


@cache
def _trees(doc: str) -> Trees:
    return Trees.from_json(doc)


@dataclass
class SentencePair:
    """Two sentences of different articles that may state one fact: (article, sentence) each."""

    a: tuple[int, int]
    b: tuple[int, int]
    features: np.ndarray
    probability: float = 0.0


def _content(text: str) -> set[str]:
    return {w.lower().strip("'’") for w in _WORD.findall(text) if w.lower() not in _STOP and len(w) > 1}


def _same_value(x: Value, y: Value) -> bool | None:
    """True: the values agree; False: they fill one slot and clash; None: they speak of different things."""
    if x.kind != y.kind:
        return None
    if x.kind in ("number", "age", "clock"):
        if x.kind == "number" and x.noun and y.noun and x.noun != y.noun:
            return True if x.number == y.number else None
        return compatible_numbers(x, y)
    if x.kind == "date":
        if x.time is None or y.time is None:
            return None
        return compatible_times(x.time, y.time)
    wx, wy = set(x.name.split()), set(y.name.split())
    return bool(wx and wy and (wx <= wy or wy <= wx)) or None


def _value_counts(sa: SentenceClaims, sb: SentenceClaims) -> tuple[int, int, int]:
    """(agreeing, clashing, unmatched) over the values of both sentences."""
    agreeing = clashing = unmatched = 0
    for mine, theirs in ((sa.values, sb.values), (sb.values, sa.values)):
        for x in mine:
            verdicts = [_same_value(x, y) for y in theirs]
            if any(v is True for v in verdicts):
                agreeing += 1
            elif any(v is False for v in verdicts):
                clashing += 1
            else:
                unmatched += 1
    return agreeing, clashing, unmatched


def _features(
    sa: SentenceClaims, sb: SentenceClaims, sim: np.ndarray, s: int, t: int, n: tuple[int, int]
) -> list[float]:
    row, col = sim[s], sim[:, t]
    cos = float(sim[s, t])
    rank = min(int((row > cos).sum()), int((col > cos).sum()))
    others = np.concatenate([np.delete(row, t), np.delete(col, s)])
    margin = cos - float(others.max()) if len(others) else cos
    wa, wb = _content(sa.text), _content(sb.text)
    shorter = max(1, min(len(wa), len(wb)))
    na, nb = sa.names, sb.names
    agreeing, clashing, unmatched = _value_counts(sa, sb)
    la, lb = len(sa.text.split()), len(sb.text.split())
    return [
        cos,
        float(rank),
        float(rank == 0 and int(row.argmax()) == t and int(col.argmax()) == s),
        margin,
        len(wa & wb) / shorter,
        len(wa & wb) / max(1, len(wa | wb)),
        float(len(na & nb)),
        float(len(na ^ nb)),
        float(agreeing),
        float(clashing),
        float(unmatched),
        float(any(x.text.rstrip(_QUOTE_MARKS + ")").endswith("?") for x in (sa, sb))),
        float(any(x.text.lstrip()[:1] in _QUOTE_MARKS for x in (sa, sb))),
        min(la, lb) / max(1, max(la, lb)),
        float(min(la, lb)),
        abs(s / max(1, n[0]) - t / max(1, n[1])),
    ]


def candidate_pairs(
    articles: list[Article], group: list[int], claims: list[list[SentenceClaims]]
) -> list[SentencePair]:
    """Sentence pairs of two independent articles worth scoring, with their features: each sentence with
    its :data:`NEAREST` closest in the other article, at least :data:`MIN_COSINE` close, prose only."""
    pairs = []
    for i, j, sim in independent_similarities(articles, group):
        near = np.zeros(sim.shape, dtype=bool)
        np.put_along_axis(near, np.argsort(-sim, axis=1)[:, :NEAREST], True, axis=1)
        np.put_along_axis(near, np.argsort(-sim, axis=0)[:NEAREST], True, axis=0)
        for s, t in zip(*np.nonzero(near & (sim >= MIN_COSINE)), strict=True):
            sa, sb = claims[i][s], claims[j][t]
            if sa.noise or sb.noise:
                continue
            features = _features(sa, sb, sim, int(s), int(t), sim.shape)
            pairs.append(SentencePair((i, int(s)), (j, int(t)), np.array(features, dtype=np.float64)))
    return pairs


def score(pairs: list[SentencePair], model: dict[str, Any] | None = None) -> None:
    """Set each pair's probability of stating one fact."""
    if not pairs:
        return
    model = model or _model()
    x = np.stack([p.features for p in pairs])
    probabilities = _trees(json.dumps(model["trees"])).probability(x)
    for p, prob in zip(pairs, probabilities, strict=True):
        p.probability = float(prob)


def same_fact_pairs(
    articles: list[Article], group: list[int], claims: list[list[SentenceClaims]]
) -> list[SentencePair]:
    """The pairs the model says state one fact, most probable first."""
    model = _model()
    pairs = candidate_pairs(articles, group, claims)
    score(pairs, model)
    return sorted((p for p in pairs if p.probability >= model["cutoff"]), key=lambda p: -p.probability)
