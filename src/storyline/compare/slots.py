"""Which values of two sources fill the same slot, learned; and which of those cannot both be true.

Two values of different independent articles (a number and a number, an age and an age, a date and a
date, a name and a name) fill one slot when their contexts say the same thing: the sentences are close,
each is the other's closest partner in its article, the words around each value (the value itself left
out) are close, the counted nouns are near-synonyms ("crews" / "firefighters", "deal" / "contract") or one
side's noun is written in the other sentence, the sentences share their other names, both stand early
in their articles. A model over such features (:data:`FEATURES`; boosted trees or a logistic regression,
whichever cross-validates better) gives the probability; it is trained by ``bench/train_slots.py`` on the
hand-written stories' train split (bench/data/compare) with the perturbation set's train part, and
shipped as ``slots.json``. Two features say how far apart the values are (their ratio; a name the other
article also uses): most differing values of two sources are two slots, and the cutoff is chosen on the
conflicts found, so what they cost in conflicts is measured.

Aligned values that are incompatible are a conflict; compatible ones are not: rounding and hedges
("about 60" / "nearly 60", "more than 200" / "230", "31,000" / "31,450"), units ("5 km" / "5,000
metres"), a share or sum against a bare count, a part of a total or an increment ("one of three people",
"five more bodies"), a coarser time ("March" / "March 3"), a part of a name ("Voss" / "Dr. Lena Voss"), a
name the other source also uses, a person's name against a place's or an organisation's.
A number that rises in a later article is an update, not a conflict.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any

import numpy as np

from storyline.cluster.trees import Trees
from storyline.compare.claims import SentenceClaims, Value, sentence_claims, title_of
from storyline.enrich.aliases import normalise_name
from storyline.enrich.mentions import _WORDS_RE
from storyline.enrich.times import compatible as compatible_times
from storyline.enrich.values import UNITS
from storyline.model import Article

APPROX_TOLERANCE = 0.10  # "about 60" holds for 54-66
SPELLING = 0.8  # difflib ratio of two spellings of one name
MIN_SENTENCE_COSINE = 0.1  # pairs of sentences further apart state different things: not scored
UPDATE_HOURS = 3.0  # a later article this much later that gives a higher count updates it
CLOCK_SLACK = 15  # minutes either side of "shortly after 8:20", "about 8.25"
CONTEXT_WORDS = 6
RELATED = 0.4  # ... and with every sentence at least this close
NEAREST = 3  # each sentence is paired with this many closest sentences of the other article
ENTITY = ("person", "organisation", "place")
FEATURES = (
    "sentence_cosine",
    "context_cosine",
    "left_cosine",
    "right_cosine",
    "noun_same",
    "noun_cosine",
    "same_dimension",
    "log_ratio",
    "same_kind_a",
    "same_kind_b",
    "same_rank",
    "word_overlap",
    "other_names_shared",
    "in_other_article",
    "same_label",
    "is_number",
    "is_age",
    "is_date",
    "is_entity",
    "sentence_rank_a",
    "sentence_rank_b",
    "lead",
    "noun_in_other",
)
_WORD = re.compile(r"[\w'’-]+")
_PART = re.compile(
    rf"\s+(?:(?:more|additional|further|extra|other)\b"
    rf"|of\s+(?:the\s+|its\s+|their\s+)?(?:\d|(?i:{_WORDS_RE})\b|them\b|those\b|whom\b))"
)
_STOP = frozenset(
    {"the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with", "from"}
    | {"as", "that", "this", "is", "was", "were", "are", "be", "been", "has", "have", "had", "it", "its"}
    | {"he", "she", "they", "his", "her", "their", "who", "which", "said", "says", "will", "would"}
    | {"not", "no"}
)


@cache
def _model() -> dict[str, Any]:
    return json.loads(files("storyline.compare").joinpath("slots.json").read_text(encoding="utf-8"))


@dataclass
class Pair:
    """Two values of different articles that may fill one slot."""

    a: SentenceClaims
    b: SentenceClaims
    x: Value
    y: Value
    features: np.ndarray
    probability: float = 0.0
    known: bool = False  # a name of one side is used by the other article too: both know it


# A sentence's words and a value's context are read once per pair the sentence is in: cached
# (bench/run.py, profile of the dev mix).
@lru_cache(maxsize=1 << 16)
def _content(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(text) if w.lower() not in _STOP and not w[0].isdigit())


def _window(text: str, value: Value) -> tuple[str, str]:
    return _window_at(text, value.start, value.end)


@lru_cache(maxsize=1 << 16)
def _window_at(text: str, start: int, end: int) -> tuple[str, str]:
    before = _WORD.findall(text[:start])[-CONTEXT_WORDS:]
    after = _WORD.findall(text[end:])[:CONTEXT_WORDS]
    return " ".join(before), " ".join(after)


def _magnitude(v: Value) -> tuple[str | None, float | None]:
    """(dimension, value in its base unit) of a number: "30 cm" is ("m", 0.3)."""
    if v.number is None:
        return None, None
    for word in (v.unit, v.noun):
        if word and word.lower() in UNITS:
            dim, factor = UNITS[word.lower()]
            return dim, v.number * factor
    return v.unit, v.number


def _class(v: Value) -> str:
    return "entity" if v.kind in ENTITY else v.kind


def _words(article: Article) -> set[str]:
    """The article's words, each also without a possessive ending, as :func:`normalise_name` writes
    names ("St Oriel's" is "st oriel")."""
    words = {w.lower() for w in _WORD.findall(article.text)}
    return words | {re.sub(r"['’]s$", "", w) for w in words}


def _named_in(value: Value, words: set[str]) -> bool:
    """Every word of the name is used by the other article: it knows this one too."""
    name = normalise_name(value.text).split()
    return bool(name) and all(w in words for w in name)


class _Vectors:
    """Static vectors of short texts (contexts, nouns), computed once per text."""

    def __init__(self) -> None:
        from storyline.enrich.static import static_embedder

        self.embedder = static_embedder()
        self.cache: dict[str, np.ndarray] = {}

    def prepare(self, texts: set[str]) -> None:
        todo = sorted(t for t in texts if t not in self.cache)
        if todo:
            for text, vector in zip(todo, self.embedder.embed(todo), strict=True):
                self.cache[text] = vector

    def cosine(self, x: str, y: str) -> float:
        if not x or not y:
            return 0.0
        return float(self.cache[x] @ self.cache[y])


def _nearest(sim: np.ndarray) -> np.ndarray:
    """Sentence pairs worth scoring: each sentence with its :data:`NEAREST` closest in the other article
    (a fact is stated once or twice per article), above :data:`MIN_SENTENCE_COSINE`."""
    near = np.zeros(sim.shape, dtype=bool)
    rows = np.argsort(-sim, axis=1)[:, :NEAREST]
    cols = np.argsort(-sim, axis=0)[:NEAREST]
    np.put_along_axis(near, rows, True, axis=1)
    np.put_along_axis(near, cols, True, axis=0)
    return (near & (sim >= MIN_SENTENCE_COSINE)) | (sim >= RELATED)


def candidate_pairs(
    articles: list[Article], group: list[int], claims: list[list[SentenceClaims]] | None = None
) -> list[Pair]:
    """Every pair of same-class values of two independent articles' sentences, with its features
    (``claims``: the articles' :func:`sentence_claims`, read here when not given)."""
    claims = claims if claims is not None else sentence_claims(articles)
    words = [_words(a) for a in articles]
    raw: list[tuple[SentenceClaims, SentenceClaims, Value, Value, float, int, int, float]] = []
    for i in range(len(articles)):
        for j in range(i + 1, len(articles)):
            if group[i] != i or group[j] != j:
                continue
            va, vb = articles[i].sentence_vectors, articles[j].sentence_vectors
            if va is None or vb is None or not len(va) or not len(vb):
                continue
            sim = va @ vb.T
            # How a sentence pair ranks among each sentence's partners: a fact is stated once or twice
            # per article, so the closest partner is the likeliest restatement whatever the cosine.
            row_rank = np.argsort(np.argsort(-sim, axis=1), axis=1)
            col_rank = np.argsort(np.argsort(-sim, axis=0), axis=0)
            for s, t in zip(*np.nonzero(_nearest(sim)), strict=True):
                sa, sb = claims[i][s], claims[j][t]
                if not sa.values or not sb.values or sa.noise or sb.noise:
                    continue
                cos = float(sim[s, t])
                ranks = (int(row_rank[s, t]), int(col_rank[s, t]))
                # News leads with the event: a pair of early sentences is likelier one slot.
                lead = max(s / len(va), t / len(vb))
                raw += [
                    (sa, sb, x, y, cos, *ranks, lead)
                    for x in sa.values
                    for y in sb.values
                    if _class(x) == _class(y)
                ]
    if not raw:
        return []
    vectors = _Vectors()
    texts = set()
    for sa, sb, x, y, *_ in raw:
        for s, v in ((sa, x), (sb, y)):
            left, right = _window(s.text, v)
            texts |= {left, right, f"{left} {right}".strip(), v.noun or ""}
    vectors.prepare({t for t in texts if t})
    pairs = []
    for sa, sb, x, y, cos, rank_a, rank_b, lead in raw:
        (la, ra), (lb, rb) = _window(sa.text, x), _window(sb.text, y)
        same_a = [v for v in sa.values if _class(v) == _class(x)]
        same_b = [v for v in sb.values if _class(v) == _class(y)]
        dim_x, mag_x = _magnitude(x)
        dim_y, mag_y = _magnitude(y)
        # How far apart the values are: most pairs of differing values of two sources are two slots.
        log_ratio = (
            min(3.0, abs(math.log10(mag_x) - math.log10(mag_y)))
            if mag_x and mag_y and mag_x > 0 and mag_y > 0
            else 0.0
        )
        names_a = {v.key or v.text for v in sa.values if v.kind in ENTITY and v is not x}
        names_b = {v.key or v.text for v in sb.values if v.kind in ENTITY and v is not y}
        # The words of each sentence without its value: equal names must not make the sentences closer.
        ca = _content(sa.text[: x.start] + " " + sa.text[x.end :])
        cb = _content(sb.text[: y.start] + " " + sb.text[y.end :])
        entity = x.kind in ENTITY
        in_other = entity and (_named_in(x, words[sb.article]) or _named_in(y, words[sa.article]))
        # The counted word of one side written in the other sentence, attached to its value or not.
        noun_in_other = bool(x.noun and x.noun.lower() in cb) or bool(y.noun and y.noun.lower() in ca)
        features = np.array(
            [
                cos,
                vectors.cosine(f"{la} {ra}".strip(), f"{lb} {rb}".strip()),
                vectors.cosine(la, lb),
                vectors.cosine(ra, rb),
                float(bool(x.noun) and x.noun == y.noun),
                vectors.cosine(x.noun or "", y.noun or ""),
                float(dim_x == dim_y),
                log_ratio,
                float(len(same_a)),
                float(len(same_b)),
                float(same_a.index(x) == same_b.index(y)),
                len(ca & cb) / max(1, min(len(ca), len(cb))),
                len(names_a & names_b) / max(1, min(len(names_a), len(names_b)))
                if names_a and names_b
                else 0.0,
                float(in_other),
                float(x.kind == y.kind),
                float(x.kind == "number"),
                float(x.kind == "age"),
                float(x.kind == "date"),
                float(entity),
                float(min(rank_a, NEAREST)),
                float(min(rank_b, NEAREST)),
                lead,
                float(noun_in_other),
            ],
            dtype=np.float64,
        )
        pairs.append(Pair(sa, sb, x, y, features, known=bool(in_other)))
    return pairs


def score(pairs: list[Pair], model: dict[str, Any] | None = None) -> None:
    """Set each pair's probability of filling one slot."""
    if not pairs:
        return
    model = model or _model()
    x = np.stack([p.features for p in pairs])
    z = (x - np.array(model["mean"])) / np.array(model["scale"])
    if model["kind"] == "trees":
        probabilities = _trees(json.dumps(model["trees"])).probability(z)
    else:
        probabilities = 1 / (1 + np.exp(-(z @ np.array(model["coef"]) + model["intercept"])))
    for p, prob in zip(pairs, probabilities, strict=True):
        p.probability = float(prob)


@cache
def _trees(doc: str) -> Trees:
    return Trees.from_json(doc)


# -- compatibility ----------------------------------------------------------------------------------


def _decimals(value: float) -> int:
    text = f"{value:g}"
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def _rounds_to(whole: float, other: float) -> bool:
    """``whole`` is ``other`` rounded to its trailing zeros, and keeps at least two significant digits:
    "31,000 runners" for 31,450; not "1,000" for 1,400 nor "300" for 340, which say another count."""
    if whole <= 0 or whole != int(whole):
        return False
    digits = str(int(whole))
    zeros = len(digits) - len(digits.rstrip("0"))
    return zeros >= 2 and len(digits) - zeros >= 2 and abs(other - whole) < 0.5 * 10**zeros


def compatible_numbers(x: Value, y: Value) -> bool:
    dx, a = _magnitude(x)
    dy, b = _magnitude(y)
    if a is None or b is None:
        return True
    if dx != dy:
        # Different dimensions measure different things; so do a number with a unit (a share, a sum, a
        # distance) and a bare count: "a premium of 35 percent" and "worth 4.65 per share".
        return True
    if math.isclose(a, b, rel_tol=1e-9):
        return True
    for bounded, other, ov in ((x, y, b), (y, x, a)):
        if bounded.bound and other.bound != bounded.bound:
            bv = a if bounded is x else b
            return ov >= bv if bounded.bound == "lower" else ov <= bv
    if x.bound and x.bound == y.bound:
        return True
    if x.approximate or y.approximate:
        return abs(a - b) <= APPROX_TOLERANCE * max(abs(a), abs(b))
    whole_x, whole_y = (x.number, y.number) if x.unit == y.unit else (a, b)
    if _rounds_to(whole_x or 0, whole_y or 0) or _rounds_to(whole_y or 0, whole_x or 0):
        return True
    coarse = min(_decimals(x.number or 0), _decimals(y.number or 0))
    return _decimals(x.number or 0) != _decimals(y.number or 0) and round(a, coarse) == round(b, coarse)


def _spelling(x: str, y: str) -> bool:
    wx, wy = x.split(), y.split()
    return len(wx) == len(wy) and all(
        a == b or (abs(len(a) - len(b)) <= 1 and SequenceMatcher(None, a, b).ratio() >= SPELLING)
        for a, b in zip(wx, wy, strict=True)
    )


def abbreviates(sentence: SentenceClaims, short: Value, name: Value) -> bool:
    """``short`` is written as an abbreviation of a word of ``name``: "Minn." for "Minnesota"."""
    return sentence.text[short.end : short.end + 1] == "." and any(
        w.startswith(short.name) and w != short.name for w in name.name.split()
    )


def compatible_names(x: Value, y: Value, pair: Pair, articles: list[Article]) -> bool:
    """One entity, or two the sources both know: a part of the name, a spelling, an abbreviation, the
    same alias key, or a name the other article uses too."""
    nx, ny = x.name, y.name
    wx, wy = set(nx.split()), set(ny.split())
    if not wx or not wy or wx <= wy or wy <= wx or _spelling(nx, ny) or (x.key and x.key == y.key):
        return True
    if abbreviates(pair.a, x, y) or abbreviates(pair.b, y, x):
        return True
    if x.kind == y.kind == "person":
        # Titled differently ("Tarrow's president" / "North Tarrow's president"): two roles, two people.
        tx, ty = title_of(pair.a, x), title_of(pair.b, y)
        if tx and ty and tx[0] != ty[0]:
            return True
    return pair.known


def _named(holder: str | None) -> bool:
    """An age's holder written as a name ("Olsen"), not as a role ("driver")."""
    return bool(holder) and holder[0].isupper()


def _part(sentence: SentenceClaims, v: Value) -> bool:
    """The number counts a part of a total or an increment, not the total: "one of three people",
    "three of them", "five more bodies"."""
    return bool(_PART.match(sentence.text, v.end))


def compatible_values(pair: Pair, articles: list[Article]) -> bool:
    x, y = pair.x, pair.y
    if x.kind in ("number", "age"):
        if x.kind == "number" and (_part(pair.a, x) or _part(pair.b, y)):
            return True
        if x.kind == "age" and _named(x.holder) and _named(y.holder) and x.holder != y.holder:
            return True  # "Marta Olsen, 52" and "Britta Lund, 45": two people's ages
        return compatible_numbers(x, y)
    if x.kind == "clock":
        slack = CLOCK_SLACK if x.approximate or y.approximate else 0
        return abs((x.number or 0) - (y.number or 0)) <= slack
    if x.kind == "date":
        return x.time is None or y.time is None or compatible_times(x.time, y.time)
    if "person" in (x.kind, y.kind) and x.kind != y.kind:
        return True  # a person's name and a place's or an organisation's fill no one slot
    return compatible_names(x, y, pair, articles)


def _hours(published: str | None) -> float | None:
    if not published:
        return None
    try:
        stamp = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=datetime.now().astimezone().tzinfo)
    return stamp.timestamp() / 3600


def _running_count(v: Value) -> bool:
    """A whole number of things, with no unit: what a developing story can raise (the dead, the
    cases, the homes without power); a measure (a magnitude, a share, a sum, a weight) it cannot."""
    return v.number is not None and v.number == int(v.number) and _magnitude(v)[0] is None


def is_update(pair: Pair, articles: list[Article]) -> bool:
    """A count that a later article gives higher: the story moved on (a toll rose), no contradiction."""
    if pair.x.kind != "number" or not (_running_count(pair.x) and _running_count(pair.y)):
        return False
    ha, hb = _hours(articles[pair.a.article].published), _hours(articles[pair.b.article].published)
    if ha is None or hb is None or abs(ha - hb) < UPDATE_HOURS:
        return False
    (_, early), (_, late) = (
        (_magnitude(pair.x), _magnitude(pair.y)) if ha < hb else (_magnitude(pair.y), _magnitude(pair.x))
    )
    return early is not None and late is not None and late > early


# -- conflicts and updates --------------------------------------------------------------------------


def _about(x: Value) -> str:
    if x.kind == "number":
        return f"number of {x.noun}" if x.noun and x.noun != "%" else "number"
    if x.kind == "age":
        return "age"
    if x.kind in ("date", "clock"):
        return "date" if x.kind == "date" else "time of day"
    return f"name of {x.kind}" if x.kind != "person" else "name"


def _type(x: Value, y: Value) -> str:
    if x.kind in ("number", "age", "date", "clock"):
        return "date" if x.kind == "clock" else x.kind
    kinds = {x.kind, y.kind}
    return next(k for k in ("organisation", "place", "person") if k in kinds)


def _claim(articles: list[Article], s: SentenceClaims, v: Value) -> dict[str, str]:
    return {"article_id": articles[s.article].id, "quote": s.text, "value": v.text}


def slot_findings(
    articles: list[Article],
    group: list[int],
    claims: list[list[SentenceClaims]] | None = None,
    model: dict[str, Any] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Pair]]:
    """Conflicts and updates between independent articles, and every candidate pair, scored."""
    model = model or _model()
    pairs = candidate_pairs(articles, group, claims)
    score(pairs, model)
    return (*findings(articles, pairs, model["cutoff"]), pairs)


def findings(
    articles: list[Article], pairs: list[Pair], cutoff: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The conflicts and updates of scored pairs at a probability cutoff (bench/train_slots.py chooses
    the cutoff by running this on cross-validated probabilities)."""
    aligned = [p for p in pairs if p.probability >= cutoff]
    # A value fills one slot per other article: its most probable partner there, and mutually so.
    best: dict[tuple[int, int, int, int], Pair] = {}
    for p in aligned:
        for node, other in (
            ((p.a.article, p.a.sentence, p.x.start), p.b.article),
            ((p.b.article, p.b.sentence, p.y.start), p.a.article),
        ):
            key = (*node, other)
            if key not in best or best[key].probability < p.probability:
                best[key] = p
    chosen = [
        p
        for p in aligned
        if best[(p.a.article, p.a.sentence, p.x.start, p.b.article)] is p
        and best[(p.b.article, p.b.sentence, p.y.start, p.a.article)] is p
    ]
    # One conflict per slot: pairs sharing a value are one slot stated by several sources.
    root: dict[tuple[int, int, int], tuple[int, int, int]] = {}

    def find(n: tuple[int, int, int]) -> tuple[int, int, int]:
        while root.setdefault(n, n) != n:
            n = root[n]
        return n

    clashing = [(p, is_update(p, articles)) for p in chosen if not compatible_values(p, articles)]
    for p, _ in clashing:
        root[find((p.b.article, p.b.sentence, p.y.start))] = find((p.a.article, p.a.sentence, p.x.start))
    conflicts: dict[tuple[int, int, int], dict[str, Any]] = {}
    updates: dict[tuple[int, int, int], dict[str, Any]] = {}
    for p, update in sorted(clashing, key=lambda c: -c[0].probability):
        target = updates if update else conflicts
        entry = target.setdefault(
            find((p.a.article, p.a.sentence, p.x.start)),
            {"type": _type(p.x, p.y), "about": _about(p.x), "claims": []},
        )
        cited = {c["article_id"] for c in entry["claims"]}
        for s, v in ((p.a, p.x), (p.b, p.y)):
            if articles[s.article].id not in cited:
                entry["claims"].append(_claim(articles, s, v))
                cited.add(articles[s.article].id)
    found_updates = [{"about": u["about"], "claims": u["claims"]} for u in updates.values()]
    for u in found_updates:
        order = {a.id: _hours(a.published) or 0.0 for a in articles}
        u["claims"].sort(key=lambda c: order[c["article_id"]])
    return list(conflicts.values()), found_updates
