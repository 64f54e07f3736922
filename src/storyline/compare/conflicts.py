"""Conflicts: the same slot filled with incompatible values by different independent sources.

Slots are compared only between sentences that talk about the same thing (close vectors). Values
are compatible when one is approximate and close to the other ("about 2,000" vs "2,100"), when a date
is less precise than the other ("November" vs "early November"), or when counts name the same thing
in other words ("people" vs "residents").
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from storyline.enrich.mentions import ages, dates, names, quantities
from storyline.model import Article

SAME_TOPIC = 0.55  # sentences this close may fill the same slot
SAME_STATEMENT = 0.70  # ... and this close are one statement told twice (names and dates must agree)
APPROX_TOLERANCE = 0.10
_PLACE_CUE = re.compile(r"\b(?:in|at|near|from|to|into|outside)\s+$", re.IGNORECASE)


def _compatible_numbers(a: Any, b: Any) -> bool:
    if a.value == b.value:
        return True
    if a.approximate or b.approximate:
        return abs(a.value - b.value) <= APPROX_TOLERANCE * max(a.value, b.value)
    return False


def _quantity_conflicts(sa: str, sb: str) -> list[tuple[str, str, str, str]]:
    out = []
    qa, qb = quantities(sa), quantities(sb)
    for x in qa:
        same_noun = [y for y in qb if y.noun == x.noun]
        # Only a slot each side fills once is unambiguous ("12 dead ... 3 dead children" is not).
        if len(same_noun) == 1 and sum(q.noun == x.noun for q in qa) == 1:
            y = same_noun[0]
            if not _compatible_numbers(x, y):
                out.append(("number", f"number of {x.noun}", x.text, y.text))
    return out


def _age_conflicts(sa: str, sb: str) -> list[tuple[str, str, str, str]]:
    out = []
    for x in ages(sa):
        for y in ages(sb):
            if x.value != y.value and (x.who == y.who or x.who is None or y.who is None):
                who = x.who or y.who
                out.append(("age", f"age of {who}" if who else "age", x.text, y.text))
    return out


def _date_conflicts(sa: str, sb: str, pa: str | None, pb: str | None) -> list[tuple[str, str, str, str]]:
    da, db = dates(sa, pa), dates(sb, pb)
    if len(da) != 1 or len(db) != 1:
        return []
    x, y = da[0], db[0]
    if (x.year, x.month) != (y.year, y.month) and x.year and y.year:
        if x.fuzzy or y.fuzzy:
            return []
        return [("date", "date", x.text, y.text)]
    if x.day and y.day and x.day != y.day and (x.year, x.month) == (y.year, y.month):
        return [("date", "date", x.text, y.text)]
    return []


def _context(sentence: str, name: str) -> str:
    idx = sentence.lower().replace("-", " ").find(name)
    return sentence[:idx] if idx >= 0 else ""


def _name_conflicts(sa: str, sb: str) -> list[tuple[str, str, str, str]]:
    na, nb = names(sa), names(sb)
    only_a, only_b = na - nb, nb - na
    if len(only_a) != 1 or len(only_b) != 1 or len(na & nb) < 1:
        return []
    x, y = next(iter(only_a)), next(iter(only_b))
    # The differing names must hold the same slot: same preceding word in both sentences.
    before_a, before_b = _context(sa, x).split()[-1:], _context(sb, y).split()[-1:]
    if before_a != before_b:
        return []
    kind = "place" if _PLACE_CUE.search(_context(sa, x)) else "person"
    first_a, first_b = x.split(), y.split()
    if kind == "person" and len(first_a) > 1 and first_a[0] != first_b[0]:
        return []
    return [(kind, f"name of {kind}" if kind == "place" else "name", x.title(), y.title())]


def find_conflicts(articles: list[Article], group: list[int]) -> list[dict[str, Any]]:
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for i in range(len(articles)):
        for j in range(i + 1, len(articles)):
            if group[i] == group[j]:
                continue
            a, b = articles[i], articles[j]
            if a.sentence_vectors is None or b.sentence_vectors is None:
                continue
            sim = a.sentence_vectors @ b.sentence_vectors.T
            for s, t in zip(*np.nonzero(sim >= SAME_TOPIC), strict=True):
                sa, sb = a.sentences[s], b.sentences[t]
                hits = _quantity_conflicts(sa.text, sb.text) + _age_conflicts(sa.text, sb.text)
                if sim[s, t] >= SAME_STATEMENT:
                    hits += _date_conflicts(sa.text, sb.text, a.published, b.published)
                    hits += _name_conflicts(sa.text, sb.text)
                for kind, about, va, vb in hits:
                    key = (kind, about, "|".join(sorted((va.lower(), vb.lower()))))
                    entry = found.setdefault(key, {"type": kind, "about": about, "claims": []})
                    seen = {c["article_id"] for c in entry["claims"]}
                    for art, sent, value in ((a, sa, va), (b, sb, vb)):
                        if art.id not in seen:
                            entry["claims"].append({"article_id": art.id, "quote": sent.text, "value": value})
                            seen.add(art.id)
    return list(found.values())
