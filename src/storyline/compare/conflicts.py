"""Conflicts: the same slot filled with incompatible values by different independent sources.

Two kinds of slot:
- *story slots*, one value per story whatever sentence states it: a person's age, the event's toll
  (dead, injured, missing). Each independent article that states exactly one value takes part.
- *statement slots*: a number, date or name inside one statement that two sources both make
  (close sentence vectors, the same named subjects).

Values are compatible when one is approximate and close to the other ("about 2,000" vs "2,100"),
when one is a rounding of the other ("61.4 percent" vs "61 percent"), when a date is less precise
than the other ("November" vs "early November"), or when counts name the same thing in other words
("people" vs "residents").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from storyline.enrich.mentions import Quantity, ages, dates, names, quantities
from storyline.model import Article

SAME_STATEMENT = 0.70  # sentences this close make one statement twice
SAME_NUMBERED_STATEMENT = 0.80  # ... and for counts other than the toll, closer still
APPROX_TOLERANCE = 0.10
TOLL = ("dead", "injured", "missing")
_PLACE_CUE = re.compile(r"\b(?:in|at|near|from|to|into|outside)\s+$", re.IGNORECASE)

Hit = tuple[str, str, str, str]  # type, about, value in the first sentence, value in the second


def _decimals(value: float) -> int:
    text = f"{value:g}"
    return len(text.split(".")[1]) if "." in text else 0


def _within_bound(bounded: Quantity, other: Quantity) -> bool:
    if other.bound == bounded.bound:
        return True  # "at least 12" and "more than 10" can both hold
    return other.value >= bounded.value if bounded.bound == "lower" else other.value <= bounded.value


def compatible_numbers(a: Quantity, b: Quantity) -> bool:
    if a.value == b.value:
        return True
    if a.bound or b.bound:
        return _within_bound(a, b) if a.bound else _within_bound(b, a)
    if a.approximate or b.approximate:
        return abs(a.value - b.value) <= APPROX_TOLERANCE * max(a.value, b.value)
    coarse = min(_decimals(a.value), _decimals(b.value))
    return _decimals(a.value) != _decimals(b.value) and round(a.value, coarse) == round(b.value, coarse)


# -- story slots ------------------------------------------------------------------------------------


def _story_slot_values(article: Article) -> Iterator[tuple[tuple[str, str], Any, str, str]]:
    """(slot, comparable value, value as written, quote) for each story-slot statement of the article."""
    for sentence in article.sentences:
        for age in ages(sentence.text):
            if age.who:
                yield ("age", f"age of {age.who}"), age.value, age.text, sentence.text
        for q in quantities(sentence.text):
            if q.noun in TOLL:
                yield ("number", f"number of {q.noun}"), q, q.text, sentence.text


def _same_value(a: Any, b: Any) -> bool:
    return compatible_numbers(a, b) if isinstance(a, Quantity) else a == b


def _story_slot_conflicts(articles: list[Article], group: list[int]) -> list[dict[str, Any]]:
    by_slot: dict[tuple[str, str], list[tuple[Article, Any, str, str]]] = {}
    for i, article in enumerate(articles):
        if group[i] != i:
            continue
        stated: dict[tuple[str, str], list[tuple[Any, str, str]]] = {}
        for slot, value, text, quote in _story_slot_values(article):
            stated.setdefault(slot, []).append((value, text, quote))
        for slot, values in stated.items():
            # An article giving two different values (an update, a comparison) is not one claim.
            if all(_same_value(values[0][0], v) for v, _, _ in values[1:]):
                by_slot.setdefault(slot, []).append((article, *values[0]))
    conflicts = []
    for (kind, about), claims in by_slot.items():
        if any(not _same_value(claims[0][1], other) for _, other, _, _ in claims[1:]):
            conflicts.append(
                {
                    "type": kind,
                    "about": about,
                    "claims": [{"article_id": a.id, "quote": q, "value": t} for a, _, t, q in claims],
                }
            )
    return conflicts


# -- statement slots --------------------------------------------------------------------------------


def _quantity_conflicts(sa: str, sb: str) -> list[Hit]:
    out = []
    qa, qb = quantities(sa), quantities(sb)
    for x in qa:
        if x.noun in TOLL:
            continue  # a story slot
        same_noun = [y for y in qb if y.noun == x.noun]
        # Only a slot each side fills once is unambiguous.
        if len(same_noun) == 1 and sum(q.noun == x.noun for q in qa) == 1:
            y = same_noun[0]
            if not compatible_numbers(x, y):
                out.append(("number", f"number of {x.noun}", x.text, y.text))
    return out


def _date_conflicts(sa: str, sb: str, pa: str | None, pb: str | None) -> list[Hit]:
    da, db = dates(sa, pa), dates(sb, pb)
    if len(da) != 1 or len(db) != 1:
        return []
    x, y = da[0], db[0]
    if not (x.year and y.year):
        return []
    if (x.year, x.month) != (y.year, y.month):
        return [] if x.fuzzy or y.fuzzy else [("date", "date", x.text, y.text)]
    if x.day and y.day and x.day != y.day:
        return [("date", "date", x.text, y.text)]
    return []


def _context(sentence: str, name: str) -> str:
    idx = sentence.lower().replace("-", " ").find(name)
    return sentence[:idx] if idx >= 0 else ""


def _name_conflicts(sa: str, sb: str) -> list[Hit]:
    na, nb = names(sa), names(sb)
    only_a, only_b = na - nb, nb - na
    if len(only_a) != 1 or len(only_b) != 1 or not na & nb:
        return []
    x, y = next(iter(only_a)), next(iter(only_b))
    # The differing names must hold the same slot: the same word precedes both.
    before_a, before_b = _context(sa, x), _context(sb, y)
    if before_a.split()[-1:] != before_b.split()[-1:]:
        return []
    kind = "place" if _PLACE_CUE.search(before_a) else "person"
    if kind == "person" and len(x.split()) > 1 and x.split()[0] != y.split()[0]:
        return []  # a different first name too: more likely a different person than a misspelling
    return [(kind, "name of place" if kind == "place" else "name", x.title(), y.title())]


def same_subject(sa: str, sb: str) -> bool:
    """The sentences speak of the same named things (or both name none)."""
    na, nb = names(sa), names(sb)
    if not na or not nb:
        return not na and not nb
    return len(na & nb) / min(len(na), len(nb)) >= 0.5


def _statement_conflicts(articles: list[Article], group: list[int]) -> list[dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    checks: list[tuple[float, Callable[[str, str, str | None, str | None], list[Hit]]]] = [
        (SAME_NUMBERED_STATEMENT, lambda a, b, _pa, _pb: _quantity_conflicts(a, b)),
        (SAME_STATEMENT, _date_conflicts),
        (SAME_STATEMENT, lambda a, b, _pa, _pb: _name_conflicts(a, b)),
    ]
    for i in range(len(articles)):
        for j in range(i + 1, len(articles)):
            a, b = articles[i], articles[j]
            if group[i] == group[j] or a.sentence_vectors is None or b.sentence_vectors is None:
                continue
            sim = a.sentence_vectors @ b.sentence_vectors.T
            for s, t in zip(*np.nonzero(sim >= SAME_STATEMENT), strict=True):
                sa, sb = a.sentences[s], b.sentences[t]
                if not same_subject(sa.text, sb.text):
                    continue
                for floor, check in checks:
                    if sim[s, t] < floor:
                        continue
                    for kind, about, va, vb in check(sa.text, sb.text, a.published, b.published):
                        entry = found.setdefault((kind, about), {"type": kind, "about": about, "claims": []})
                        cited = {c["article_id"] for c in entry["claims"]}
                        for art, sent, value in ((a, sa, va), (b, sb, vb)):
                            if art.id not in cited:
                                entry["claims"].append(
                                    {"article_id": art.id, "quote": sent.text, "value": value}
                                )
                                cited.add(art.id)
    return list(found.values())


def find_conflicts(articles: list[Article], group: list[int]) -> list[dict[str, Any]]:
    """Typed conflicts between independent articles (``group[i] == i`` marks an independent one)."""
    return _story_slot_conflicts(articles, group) + _statement_conflicts(articles, group)
