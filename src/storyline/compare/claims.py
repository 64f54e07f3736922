"""Claims as data: the typed values each sentence of an article states, read from what enrichment stored.

A :class:`Value` is one number, age, time or name of a sentence, taken from the article's mentions
(storyline.enrich.annotate), never extracted again here: quantities and numbers (with what they count,
their qualifier and unit), ages, resolved times, and people, organisations and places. What the stored
label and value do not carry (the qualifier "about", a bound "up to", a unit) is read off the mention's
own span, which includes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyline.enrich.mentions import quantities
from storyline.enrich.times import TimeMention
from storyline.enrich.values import read_qualifiers
from storyline.model import Article, Mention

ENTITY_KINDS = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place"}
_FUZZY = re.compile(r"\b(?P<part>early|mid|late|end of|beginning of|around|about)\b", re.I)
_PARTS = {"early": "early", "beginning of": "early", "mid": "mid", "late": "late", "end of": "late"}


@dataclass(frozen=True)
class Value:
    """One value a sentence states; offsets are into the sentence."""

    # "number" | "age" | "clock" (a time of day, in minutes) | "date" | "person" | "organisation" | "place"
    kind: str
    text: str
    start: int
    end: int
    number: float | None = None
    noun: str | None = None  # what a number counts ("firefighters"), an age's holder
    approximate: bool = False
    bound: str | None = None  # "lower" | "upper"
    unit: str | None = None  # "%", "km/h", "years", a currency code
    time: TimeMention | None = None
    key: str | None = None  # an entity's alias key: every name of one entity in the article


@dataclass
class SentenceClaims:
    """The values of one sentence of one article."""

    article: int
    sentence: int
    text: str
    values: list[Value]


def _number_value(m: Mention, offset: int) -> Value | None:
    try:
        value = float(m.value or "")
    except ValueError:
        return None
    start, end = m.start - offset, m.end - offset
    if m.kind == "quantity":
        read = next(iter(quantities(m.text, with_ages=m.label == "age")), None)
        approximate, bound = (read.approximate, read.bound) if read else (False, None)
        unit = (read.currency or read.unit) if read else None
    else:
        approximate, bound, unit = read_qualifiers(m.key)
    kind = {"age": "age", "clock": "clock"}.get(m.label or "", "number")
    return Value(kind, m.text, start, end, value, m.label, approximate, bound, unit)


def _time_value(m: Mention, offset: int) -> Value | None:
    if not m.value or m.label not in ("day", "week", "month", "year"):
        return None
    fuzzy = _FUZZY.search(m.text)
    part = _PARTS.get(fuzzy.group("part").lower()) if fuzzy else None
    time = TimeMention(m.start, m.end, m.text, m.value, m.label, fuzzy=bool(fuzzy), part=part)
    return Value("date", m.text, m.start - offset, m.end - offset, time=time)


def _entity_value(m: Mention, offset: int) -> Value | None:
    kind = ENTITY_KINDS.get(m.label or "")
    if kind is None or m.value == "role":
        return None  # a nationality, a work of art; "the diplomat" (a reference, not a name)
    return Value(kind, m.text, m.start - offset, m.end - offset, key=m.key)


_READERS = {"quantity": _number_value, "number": _number_value, "time": _time_value, "entity": _entity_value}


def sentence_claims(articles: list[Article]) -> list[list[SentenceClaims]]:
    """Per article, per sentence: the values stored for it."""
    out = []
    for a, article in enumerate(articles):
        per = [SentenceClaims(a, k, s.text, []) for k, s in enumerate(article.sentences)]
        starts = [s.start for s in article.sentences]
        k = 0
        for m in sorted(article.mentions, key=lambda m: m.start):
            read = _READERS.get(m.kind)
            if read is None:
                continue
            while k + 1 < len(starts) and starts[k + 1] <= m.start:
                k += 1
            if not article.sentences or not article.sentences[k].start <= m.start < article.sentences[k].end:
                continue
            value = read(m, article.sentences[k].start)
            if value is not None:
                per[k].values.append(value)
        out.append(per)
    return out
