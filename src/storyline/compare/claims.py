"""Claims as data: the typed values each sentence of an article states, read from what enrichment stored.

A :class:`Value` is one number, age, time or name of a sentence, taken from the article's mentions
(storyline.enrich.annotate), never extracted again here: quantities and numbers (with what they count,
their qualifier, unit and an age's holder, stored in the mention's key), ages, resolved times, and
people, organisations and places. Comparison (rules, slot model, alignment) and the summary read these
and nothing else of the kind; whether a sentence is page furniture is decided here once too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from storyline.compare.noise import is_noise
from storyline.enrich.aliases import normalise_name
from storyline.enrich.times import TimeMention
from storyline.enrich.values import read_qualifiers
from storyline.model import Article, Mention

ENTITY_KINDS = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place"}
_FUZZY = re.compile(r"\b(?P<part>early|mid|late|end of|beginning of|around|about)\b", re.I)
_PARTS = {"early": "early", "beginning of": "early", "mid": "mid", "late": "late", "end of": "late"}


_ROLES = (
    "minister|mayor|director|chief executive|president|governor|secretary|chairman|chairwoman|ambassador|"
    "spokesman|spokeswoman|spokesperson|judge|commissioner|chancellor|leader|chief|prosecutor|captain"
)
# A title written before a person's name: "Finance Minister Petra Havel", "health minister Tomas Brandt".
_ROLE_BEFORE = re.compile(
    rf"\b(?:(?P<modifier>(?:[A-Z][\w-]*\s+){{0,3}}[A-Z][\w-]*['’]s|[A-Z][a-z]+|[a-z]+)\s+)?(?P<role>(?i:{_ROLES}))\s+$"
)
# ... or inside the name's span, where the entity recogniser took the title with it.
_ROLE_IN_NAME = re.compile(rf"^(?:(?i:{_ROLES}))\s+(?=[A-Z])")
# Words before a title that say nothing of which one it is ("the resignation of President X").
_NOT_MODIFIERS = frozenset({"of", "the", "a", "an", "to", "for", "by", "with", "as", "and", "at", "in", "on"})
_NOT_CURRENT = re.compile(
    r"\b(?:former|ex|then|late|previous|outgoing|incoming|new|acting)[\s-]+\S*\s*$", re.I
)


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
    time: TimeMention | None = None  # a date's, with offsets into the sentence
    key: str | None = None  # an entity's alias key: every name of one entity in the article
    reader: str = ""  # the mention kind read: "quantity" (a typed reader's), "number", "time", "entity"
    holder: str | None = None  # an age's holder as written ("Dalby", "driver")

    def describe(self) -> dict[str, Any]:
        """What is known of the value, for ``storyline show``: kind, text and the fields that are set."""
        found: dict[str, Any] = {"kind": self.kind, "text": self.text}
        if self.number is not None:
            found["number"] = self.number
        if self.time is not None:
            found |= {"time": self.time.value, "precision": self.time.precision}
        extra = {"counts": self.noun, "bound": self.bound, "unit": self.unit, "holder": self.holder}
        found |= {k: v for k, v in extra.items() if v and not (k == "counts" and self.kind == "age")}
        if self.approximate:
            found["approximate"] = True
        return found

    @cached_property
    def name(self) -> str:
        """An entity's name, spelling-free ("Jo Song-gil" → "jo song gil")."""
        return normalise_name(self.text)


@dataclass
class SentenceClaims:
    """The values of one sentence of one article."""

    article: int
    sentence: int
    text: str
    values: list[Value]
    noise: bool = False  # page furniture (storyline.compare.noise): it states no fact

    def of(self, *kinds: str, reader: str | None = None) -> list[Value]:
        """The values of these kinds (all when none given), of one reader when given."""
        return [
            v
            for v in self.values
            if (not kinds or v.kind in kinds) and (reader is None or v.reader == reader)
        ]

    @property
    def names(self) -> set[str]:
        """The sentence's names of people, organisations and places, spelling-free."""
        return {v.name for v in self.values if v.kind in ENTITY_KINDS.values() and v.name}


def _number_value(m: Mention, offset: int) -> Value | None:
    try:
        value = float(m.value or "")
    except ValueError:
        return None
    approximate, bound, unit, who = read_qualifiers(m.key)
    kind = {"age": "age", "clock": "clock"}.get(m.label or "", "number")
    start, end = m.start - offset, m.end - offset
    return Value(
        kind, m.text, start, end, value, m.label, approximate, bound, unit, reader=m.kind, holder=who
    )


def _time_value(m: Mention, offset: int) -> Value | None:
    if not m.value or m.label not in ("day", "week", "month", "year"):
        return None
    fuzzy = _FUZZY.search(m.text)
    part = _PARTS.get(fuzzy.group("part").lower()) if fuzzy else None
    start, end = m.start - offset, m.end - offset
    time = TimeMention(start, end, m.text, m.value, m.label, fuzzy=bool(fuzzy), part=part)
    return Value("date", m.text, start, end, time=time, reader="time")


def _entity_value(m: Mention, offset: int) -> Value | None:
    kind = ENTITY_KINDS.get(m.label or "")
    if kind is None or m.value == "role":
        return None  # a nationality, a work of art; "the diplomat" (a reference, not a name)
    return Value(kind, m.text, m.start - offset, m.end - offset, key=m.key, reader="entity")


_READERS = {"quantity": _number_value, "number": _number_value, "time": _time_value, "entity": _entity_value}


def sentence_claims(articles: list[Article]) -> list[list[SentenceClaims]]:
    """Per article, per sentence: the values stored for it."""
    out = []
    for a, article in enumerate(articles):
        per = [SentenceClaims(a, k, s.text, [], is_noise(s.text)) for k, s in enumerate(article.sentences)]
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


def title_of(sentence: SentenceClaims, person: Value) -> tuple[str, str, int] | None:
    """(role, name without the title, start of the title) where the sentence gives a stored person a
    current title: "Finance Minister Petra Havel" is ("finance minister", "Petra Havel", ...); "Sudan's
    president" and "South Sudan's president" are two roles. None for no title, or "former minister X"."""
    before, name = sentence.text[: person.start], person.text
    inside = _ROLE_IN_NAME.match(name)
    if inside:  # the entity recogniser took the title with the name
        before, name = before + inside.group(0), name[inside.end() :]
    m = _ROLE_BEFORE.search(before)
    if m is None or _NOT_CURRENT.search(before[: m.start()]):
        return None
    modifier = (m.group("modifier") or "").lower()
    modifier = "" if modifier in _NOT_MODIFIERS else modifier
    return f"{modifier} {m.group('role').lower()}".strip(), name, m.start()
