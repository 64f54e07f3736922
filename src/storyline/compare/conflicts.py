"""Conflicts: the same slot filled with incompatible values by different independent sources.

Two kinds of slot:
- *story slots*, one value per story whatever sentence states it: a person's age, the event's toll
  (dead, injured, missing), who holds a titled role ("Finance Minister Petra Havel"), the day of a
  scheduled event ("the June 4 election", "the vote on Sunday"). Each independent article that states
  exactly one value takes part.
- *statement slots*: a number, date or name inside one statement that two sources both make
  (close sentence vectors). Dates are the enrichment's resolved times (storyline.enrich.times), so
  "on Sunday" and "January 11" compare as days; a name slot is a name each sentence has that the other
  article never uses, after the same words; its type comes from the name (organisation heads), the
  words before it (place and person cues) and the entity labels of the article's mentions. A place is
  one slot when the same words lead to it ("a police station in Sellendorf", "a police station in the
  town of Varnholt") even where the sentences differ in other names too.

Sentences that are page furniture (photo credits, "Published on" stamps, headlines; storyline.compare.
noise) state nothing. Two spellings of a name ("Gaddafi" / "Gadhafi") and an abbreviation ("Minn." /
"Minnesota") are one name; contractions, pronouns, months and seasons are no names.

Values are compatible when one is approximate and close to the other ("about 2,000" vs "2,100"),
when one is a rounding of the other ("61.4 percent" vs "61 percent"), when a date is less precise
than the other ("November" vs "early November"), or when counts name the same thing in other words
("people" vs "residents").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

import numpy as np

from storyline.compare.noise import is_noise
from storyline.enrich.aliases import normalise_name
from storyline.enrich.mentions import MONTHS, Quantity, ages, names, quantities
from storyline.enrich.times import TimeMention, compatible, resolve_times
from storyline.model import Article

SAME_STATEMENT = 0.70  # sentences this close make one statement twice
SAME_NUMBERED_STATEMENT = 0.80  # ... and for counts other than the toll, closer still
# A name slot is checked on looser matches: swapping the one name in a sentence lowers its cosine, and
# the slot test (same words before, names found nowhere in the other article) is strict on its own.
SAME_NAMED_STATEMENT = 0.60
APPROX_TOLERANCE = 0.10
SPELLING = 0.8  # similarity (difflib ratio) of two spellings of one name, at most a letter apart in length
# Two sentences give a name or a date of one statement only when they say the same thing around it: this
# share of the shorter sentence's content words (names aside) is in the longer one. Close sentences with
# a name of their own each ("a statement to NPR" / "a statement to Rolling Stone"), or a year each ("was
# arrested in 1999" / "was arrested in 2001, on other charges"), make two statements, not one. On the
# Multi-News dev clusters this and the rules beside it took reported conflicts from 34 to 8 (7 with
# the toll rules of _other_toll).
SAME_WORDING = 0.5
_STOPWORDS = frozenset(
    {"the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as"}
    | {"that", "this", "is", "was", "were", "are", "be", "been", "has", "have", "had", "it", "its", "he"}
    | {"she", "they", "his", "her", "their", "who", "which", "said", "says", "will", "would", "not", "no"}
)
_NOT_A_NAME = frozenset(
    {"i", "you", "we", "they", "he", "she", "it", "spring", "summer", "autumn", "fall", "winter"}
    | {m[:3] for m in MONTHS}
    | {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
)
_CONTRACTION = re.compile(r"['’](?:m|ll|re|ve|d|s|t)$")
TOLL = ("dead", "injured", "missing")
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
_TOLL_ASIDE = re.compile(
    r"\b(?:earlier this year|last (?:year|month)|years? ago|previous(?:ly)?|since"
    r"|nearly|almost|might|may have|could have|a separate|separately|elsewhere)\b",
    re.I,
)
_PLACE_CUE = re.compile(
    r"\b(?:in|at|near|from|to|into|outside|village of|town of|city of|region of|province of)\s+$", re.I
)
_PERSON_CUE = re.compile(
    r"\b(?:mr|mrs|ms|dr|minister|mayor|director|chief|executive|president|leader|spokesman|spokeswoman|"
    r"spokesperson|secretary|governor|judge|officer|chairman|chairwoman|ambassador|driver|captain)\.?\s+$",
    re.I,
)
# Words that make a name an organisation's whatever NER says ("Calder Freight", "Transport Workers Union").
_ORG_HEAD = re.compile(
    r"\b(?:logistics|freight|union|federation|bank|motors|group|ltd|inc|plc|corp|corporation|company|"
    r"association|council|party|alliance|league|agency|ministry|airlines?|lines|rail|railways?|systems|"
    r"mutual|insurance|holdings|partners|trust|foundation|institute|university|committee|commission|"
    r"coaches|textiles|chemicals|industries|energy|media|press|services|authority|club|stevedoring)$",
    re.I,
)
_LABEL_KIND = {"PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place", "ORG": "organisation"}
# A place named after these words, with the words before them, is where something is ("a police station
# in" X): the place slot of the statement.
_PLACE_SLOT = re.compile(
    r"(?P<head>[\w'’-]+)\s+(?:in|at|near|outside)\s+"
    r"(?:the\s+(?:town|city|village|region|province|district|port)\s+of\s+)?$",
    re.I,
)
# Events a story dates once ("the June 4 election", "the vote on Sunday"): a different day in another
# source contradicts it.
_EVENTS = "elections?|votes?|referend(?:um|a)|ballots?|polls?|summits?|hearings?|trials?|strikes?|walkouts?"
_EVENT_BEFORE_DATE = re.compile(
    rf"\b(?P<event>{_EVENTS})\s+(?:(?:was|were|is|are|will\s+be)\s+)?(?:held\s+)?on\s+$", re.I
)
_EVENT_AFTER_DATE = re.compile(rf"^\s+(?:[a-z]+\s+)?(?P<event>{_EVENTS})\b", re.I)
# ... unless the sentence speaks of another one of its kind ("the last election, on May 2").
_OTHER_EVENT = re.compile(
    r"\b(?:last|previous|next|upcoming|earlier|prior|former|first|second|another|other)\s+(?:[\w-]+\s+)?$",
    re.I,
)
_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})*(?:\.\d+)?(?![\w%])")
_APPROX_BEFORE = re.compile(r"\b(?:about|around|some|roughly|nearly|almost|approximately|close to)\s+$", re.I)

_ROLES = (
    "minister|mayor|director|chief executive|president|governor|secretary|chairman|chairwoman|ambassador|"
    "spokesman|spokeswoman|spokesperson|judge|commissioner|chancellor|leader|chief|prosecutor|captain"
)
# A title written before a name: "Finance Minister Petra Havel", "health minister Tomas Brandt".
_ROLE_HOLDER = re.compile(
    rf"\b(?:(?P<modifier>(?:[A-Z][\w-]*\s+){{0,3}}[A-Z][\w-]*['’]s|[A-Z][a-z]+|[a-z]+)\s+)?(?P<role>(?i:{_ROLES}))\s+"
    r"(?P<name>[A-Z][\w'’-]+(?:\s+(?:[A-Z]\.\s+)?[A-Z][\w'’-]+){0,2})"
)
# Words before a title that say nothing of which one it is ("the resignation of President X").
_NOT_MODIFIERS = frozenset({"of", "the", "a", "an", "to", "for", "by", "with", "as", "and", "at", "in", "on"})
_NOT_CURRENT = re.compile(
    r"\b(?:former|ex|then|late|previous|outgoing|incoming|new|acting)[\s-]+\S*\s*$", re.I
)
_WORD = re.compile(r"[\w'’-]+")
_TWO_EVENTS = re.compile(
    r"\b(?:a|an|one|two|three|\d+)\s+(?:hours?|days?|weeks?|months?|years?)\s+(?:after|before|earlier|later)\b",
    re.I,
)

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


@dataclass(frozen=True)
class Holder:
    """Who an article says holds a role ("Finance Minister Petra Havel"), and every word it uses."""

    first: str | None
    surname: str
    words: frozenset[str]

    def same_as(self, other: Holder) -> bool:
        """Not contradicting: the same surname, plainly different people (different first names), or
        a name the other article also uses (both sources know both people)."""
        if _spelling_variants(self.surname, other.surname):
            return True
        if self.surname in other.words or other.surname in self.words:
            return True
        return bool(self.first and other.first and self.first != other.first)


@lru_cache(maxsize=256)
def _text_words(text: str) -> frozenset[str]:
    """An article's words, lower-cased: read for every sentence of it compared (cached)."""
    return frozenset(w.lower() for w in _WORD.findall(text))


def _role_holders(article: Article, sentence: str) -> Iterator[tuple[str, Holder, str]]:
    words = _text_words(article.text)
    for m in _ROLE_HOLDER.finditer(sentence):
        if _NOT_CURRENT.search(sentence[: m.start()]):
            continue  # "former minister X" is not the minister now
        # "Sudan's president" and "South Sudan's president" are two roles; "of President" is one.
        modifier = (m.group("modifier") or "").lower()
        modifier = "" if modifier in _NOT_MODIFIERS else modifier
        role = f"{modifier} {m.group('role').lower()}".strip()
        parts = [p for p in m.group("name").split() if not p.endswith(".")]  # middle initials
        first = parts[0].lower() if len(parts) > 1 else None
        surname = re.sub(r"['’]s$", "", parts[-1].lower())
        yield role, Holder(first, surname, words), m.group(0)


def _event_dates(sentence: str, times: list[TimeMention]) -> Iterator[tuple[str, TimeMention]]:
    """(event, day) for each day the sentence gives a scheduled event: "the June 4 election", "the vote
    on Saturday, June 14". Times are the sentence's, with offsets into it."""
    for t in times:
        if t.precision != "day":
            continue
        before, after = sentence[: t.start], sentence[t.end :]
        found = _EVENT_BEFORE_DATE.search(before)
        event_start = found.start() if found else -1
        if not found and re.search(r"\bthe\s+$", before, re.I):
            found = _EVENT_AFTER_DATE.match(after)
            event_start = t.start
        if found and not _OTHER_EVENT.search(sentence[:event_start]):
            yield found.group("event").lower().rstrip("s"), _comparable(t)


def _story_slot_values(article: Article) -> Iterator[tuple[tuple[str, str], Any, str, str]]:
    """(slot, comparable value, value as written, quote) for each story-slot statement of the article."""
    for sentence, times in zip(article.sentences, _sentence_times(article), strict=True):
        if is_noise(sentence.text):
            continue  # a photo credit, a "Published on" stamp or a headline states no fact of the story
        for event, day in _event_dates(sentence.text, _shift(times, sentence.start)):
            yield ("date", f"date of the {event}"), day, day.text, sentence.text
        for role, holder, text in _role_holders(article, sentence.text):
            yield ("person", f"name of the {role}"), holder, text, sentence.text
        for age in ages(sentence.text):
            if age.who:
                yield ("age", f"age of {age.who}"), age.value, age.text, sentence.text
        if _other_toll(sentence.text, article.published):
            continue
        for q in quantities(sentence.text):
            if q.noun in TOLL:
                yield ("number", f"number of {q.noun}"), q, q.text, sentence.text


def _other_toll(sentence: str, published: str | None) -> bool:
    """The sentence's dead or injured are not this story's count: another, earlier event ("the 2004
    tsunami killed 230,000", "earlier this year, a gunman killed three"), another incident of the story
    ("in a separate attack, three were killed", "elsewhere, two died"), a hedge ("might have been two
    people killed", "two nearly killed"). "No one was killed" needs no rule here: it states no count."""
    if _TOLL_ASIDE.search(sentence):
        return True
    years = set(_YEAR.findall(sentence))
    # An undated article's years cannot be told from its own: any year named is taken as another event's.
    return bool(years - {published[:4]} if published else years)


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, Holder):
        return a.same_as(b)
    if isinstance(a, TimeMention):
        return compatible(a, b)
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


_MONTH = re.compile(r"\b(?:" + "|".join(MONTHS) + r")\b", re.IGNORECASE)


def _comparable(t: TimeMention) -> TimeMention:
    """A calendar date written without its year ("June 4") keeps only month and day: the year the
    resolver filled in is a guess from tense, and two sources may guess differently for one date."""
    if _MONTH.search(t.text) and not _YEAR.search(t.text) and not t.value.startswith("--"):
        return replace(t, value="--" + t.value[5:])
    return t


def _date_conflicts(sa: str, sb: str, ta: list[TimeMention], tb: list[TimeMention]) -> list[Hit]:
    # Times both sentences agree on ("on Monday" in both) are set aside; what is left must be one time
    # on each side to say unambiguously that the same event is dated differently.
    if _TWO_EVENTS.search(sa) or _TWO_EVENTS.search(sb):
        return []  # "on Wednesday, a day after the river burst its banks" dates two events
    ca, cb = [_comparable(t) for t in ta], [_comparable(t) for t in tb]
    left_a = [x for x, cx in zip(ta, ca, strict=True) if not any(compatible(cx, cy) for cy in cb)]
    left_b = [y for y, cy in zip(tb, cb, strict=True) if not any(compatible(cy, cx) for cx in ca)]
    if len(left_a) != 1 or len(left_b) != 1 or len(ta) != len(tb):
        return []
    # A day against a bare year ("on Tuesday" / "since 1962") is two different references, not one date.
    if {left_a[0].precision, left_b[0].precision} - {"day", "week"} and left_a[0].precision != left_b[
        0
    ].precision:
        return []
    return [("date", "date", left_a[0].text, left_b[0].text)]


def _bare_numbers(sentence: str, taken: list[tuple[int, int]]) -> list[re.Match[str]]:
    """Numbers no quantity or time reader claimed ("won 31 of the 79 seats")."""
    return [m for m in _NUMBER.finditer(sentence) if not any(s <= m.start() < e for s, e in taken)]


def _bare_number_conflicts(sa: str, sb: str, ta: list[TimeMention], tb: list[TimeMention]) -> list[Hit]:
    ba = _bare_numbers(
        sa, [(q.start, q.end) for q in quantities(sa, with_ages=True)] + [(t.start, t.end) for t in ta]
    )
    bb = _bare_numbers(
        sb, [(q.start, q.end) for q in quantities(sb, with_ages=True)] + [(t.start, t.end) for t in tb]
    )
    if len(ba) != 1 or len(bb) != 1:
        return []
    x, y = ba[0], bb[0]
    after_a, after_b = sa[x.end() :].split()[:2], sb[y.end() :].split()[:2]
    # The same slot: the words after the number are the same ("31 of the" / "34 of the").
    if not after_a or after_a != after_b:
        return []
    va, vb = (float(m.group().replace(",", "")) for m in (x, y))
    approximate = bool(_APPROX_BEFORE.search(sa[: x.start()]) or _APPROX_BEFORE.search(sb[: y.start()]))
    if va == vb or (approximate and abs(va - vb) <= APPROX_TOLERANCE * max(va, vb)):
        return []
    counted = next((q.noun for q in quantities(sa) if q.start > x.end()), None)
    about = f"number of {counted}" if counted and after_a[0] == "of" else f"number ({' '.join(after_a)})"
    return [("number", about, x.group(), y.group())]


def _name_kind(article: Article, sentence: str, name: str) -> str:
    """Person, place or organisation, from the name itself, the words before it and the NER label."""
    words = name.split()
    if _ORG_HEAD.search(name):
        return "organisation"
    before = _context(sentence, name)
    if _PLACE_CUE.search(before):
        return "place"
    labels = [
        m.label
        for m in article.mentions
        if m.kind == "entity" and m.key and set(words) <= set(normalise_name(m.text).split())
    ]
    votes = {"person": 0, "place": 0, "organisation": 0}
    for label in labels:
        kind = _LABEL_KIND.get(label or "")
        if kind:
            votes[kind] += 1
    if _PERSON_CUE.search(before):
        votes["person"] += len(labels) + 1
    best = max(votes, key=lambda k: votes[k])
    return best if votes[best] else "other"


def _context(sentence: str, name: str) -> str:
    idx = re.sub(r"[-\s]+", " ", sentence.lower()).find(name)
    return sentence[:idx] if idx >= 0 else ""


def _spelling_variants(x: str, y: str) -> bool:
    """Two spellings of one name ("Gaddafi" / "Gadhafi", "Mullin" / "Mullins", "O’Mara" / "O'Mara"): a
    transliteration or a typo is not a different person. "Falk" / "Falkner", "Brask" / "Braskin" and
    "Brandt" / "Brendel" stay different names."""
    wx, wy = x.replace("’", "'").split(), y.replace("’", "'").split()
    # Word by word: a shared first name must not make "Henrik Falk" a spelling of "Henrik Falkner".
    return len(wx) == len(wy) and all(
        a == b or (abs(len(a) - len(b)) <= 1 and SequenceMatcher(None, a, b).ratio() >= SPELLING)
        for a, b in zip(wx, wy, strict=True)
    )


def _subsumes(x: str, y: str) -> bool:
    """One name is the other shortened ("Ostrom" and "Lena Ostrom") or spelled another way: the same
    entity."""
    wx, wy = set(x.split()), set(y.split())
    return wx <= wy or wy <= wx or _spelling_variants(x, y)


def _name_like(name: str) -> bool:
    """A capitalised phrase that can name someone or something: not a contraction ("I'm", "I'll"), a
    pronoun, or a month, day or season on its own."""
    words = name.split()
    return not (len(words) == 1 and (words[0] in _NOT_A_NAME or _CONTRACTION.search(words[0])))


def _name_conflicts(a: Article, sa: str, b: Article, sb: str) -> list[Hit]:
    # A name the other source uses too is part of its story, not a replacement for the other name: the
    # candidates are the names each sentence has that the other article never uses.
    all_a, all_b = names(a.text), names(b.text)
    only_a = {n for n in names(sa) if _name_like(n) and not any(_subsumes(n, o) for o in all_b)}
    only_b = {n for n in names(sb) if _name_like(n) and not any(_subsumes(n, o) for o in all_a)}
    if len(only_a) != 1 or len(only_b) != 1:
        return _place_slot_conflicts(sa, only_a, sb, only_b)
    x, y = next(iter(only_a)), next(iter(only_b))
    if _abbreviates(sa, x, y) or _abbreviates(sb, y, x):
        return []
    # The differing names must hold the same slot: the same words come before both.
    before_a, before_b = _context(sa, x).lower().split(), _context(sb, y).lower().split()
    if not before_a or before_a[-1:] != before_b[-1:]:
        return []
    kinds = {_name_kind(a, sa, x), _name_kind(b, sb, y)}
    kind = next((k for k in ("organisation", "place", "person") if k in kinds), "other")
    if kind == "person" and len(x.split()) > 1 and len(y.split()) > 1 and x.split()[0] != y.split()[0]:
        return []  # a different first name too: more likely a different person than a misspelling
    about = {"place": "name of place", "organisation": "name of organisation"}.get(kind, "name")
    return [(kind, about, _as_written(sa, x), _as_written(sb, y))]


def _abbreviates(sentence: str, short: str, name: str) -> bool:
    """``short`` is written as an abbreviation of a word of ``name``: "Minn." for "Minnesota"."""
    written = _as_written(sentence, short)
    end = sentence.find(written) + len(written)
    return (
        written in sentence
        and sentence[end : end + 1] == "."
        and any(w.startswith(short) and w != short for w in name.split())
    )


def _content_words(sentence: str, names_in: set[str]) -> set[str]:
    skip = {w for n in names_in for w in n.split()}
    words = {w.lower().strip("'’") for w in _WORD.findall(sentence)}
    return {w for w in words if len(w) > 2 and w not in _STOPWORDS and w not in skip and not w.isdigit()}


def _same_wording(sa: str, names_a: set[str], sb: str, names_b: set[str]) -> bool:
    """The sentences say the same thing in the same words, names aside (see :data:`SAME_WORDING`)."""
    wa, wb = _content_words(sa, names_a), _content_words(sb, names_b)
    shorter = min(len(wa), len(wb))
    return bool(shorter) and len(wa & wb) / shorter >= SAME_WORDING


def _place_slot(sentence: str, name: str) -> str | None:
    found = _PLACE_SLOT.search(_context(sentence, name))
    return found.group("head").lower() if found else None


def _place_slot_conflicts(sa: str, only_a: set[str], sb: str, only_b: set[str]) -> list[Hit]:
    """Where each sentence has other names of its own too: one place on each side in the same slot."""
    pairs = [
        (x, y)
        for x in only_a
        for y in only_b
        if (slot := _place_slot(sa, x)) is not None and slot == _place_slot(sb, y)
    ]
    if len(pairs) != 1:
        return []
    x, y = pairs[0]
    return [("place", "name of place", _as_written(sa, x), _as_written(sb, y))]


def _as_written(sentence: str, name: str) -> str:
    idx = re.sub(r"[-\s]+", " ", sentence.lower()).find(name)
    return sentence[idx : idx + len(name)] if idx >= 0 else name.title()


def same_subject(sa: str, sb: str) -> bool:
    """The sentences do not speak of different named things (a sentence naming none can be about any)."""
    na, nb = names(sa), names(sb)
    if not na or not nb:
        return True
    return len(na & nb) / min(len(na), len(nb)) >= 0.5


def _sentence_times(article: Article) -> list[list[TimeMention]]:
    """The times of each sentence, resolved in the context of the whole article."""
    found = resolve_times(article.text, article.published)
    return [[t for t in found if s.start <= t.start < s.end] for s in article.sentences]


def _shift(times: list[TimeMention], offset: int) -> list[TimeMention]:
    return [replace(t, start=t.start - offset, end=t.end - offset) for t in times]


def _statement_conflicts(articles: list[Article], group: list[int]) -> list[dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    times = [_sentence_times(a) for a in articles]
    for i in range(len(articles)):
        for j in range(i + 1, len(articles)):
            a, b = articles[i], articles[j]
            # Copies say what their original says: only independent sources are compared.
            if group[i] != i or group[j] != j or a.sentence_vectors is None or b.sentence_vectors is None:
                continue
            sim = a.sentence_vectors @ b.sentence_vectors.T
            for s, t in zip(*np.nonzero(sim >= SAME_NAMED_STATEMENT), strict=True):
                sa, sb = a.sentences[s], b.sentences[t]
                if is_noise(sa.text) or is_noise(sb.text):
                    continue
                score = float(sim[s, t])
                ta, tb = _shift(times[i][s], sa.start), _shift(times[j][t], sb.start)
                # Names and dates are checked only where the two sentences share their wording.
                worded = _same_wording(sa.text, names(sa.text), sb.text, names(sb.text))
                hits = _name_conflicts(a, sa.text, b, sb.text) if worded else []
                if score >= SAME_STATEMENT and same_subject(sa.text, sb.text):
                    if worded:
                        hits += _date_conflicts(sa.text, sb.text, ta, tb)
                    if score >= SAME_NUMBERED_STATEMENT:
                        hits += _quantity_conflicts(sa.text, sb.text)
                        hits += _bare_number_conflicts(sa.text, sb.text, ta, tb)
                for kind, about, va, vb in hits:
                    entry = found.setdefault((kind, about), {"type": kind, "about": about, "claims": []})
                    cited = {c["article_id"] for c in entry["claims"]}
                    for art, sent, value in ((a, sa, va), (b, sb, vb)):
                        if art.id not in cited:
                            entry["claims"].append({"article_id": art.id, "quote": sent.text, "value": value})
                            cited.add(art.id)
    return list(found.values())


def find_conflicts(articles: list[Article], group: list[int]) -> list[dict[str, Any]]:
    """Typed conflicts between independent articles (``group[i] == i`` marks an independent one)."""
    story = _story_slot_conflicts(articles, group)
    return story + [c for c in _statement_conflicts(articles, group) if not any(_covers(d, c) for d in story)]


def _covers(wide: dict[str, Any], narrow: dict[str, Any]) -> bool:
    """The story-slot conflict ``wide`` already reports what the statement conflict ``narrow`` found."""
    stated = {(c["article_id"], c["value"].lower()) for c in wide["claims"]}
    return wide["type"] == narrow["type"] and all(
        any(a == c["article_id"] and c["value"].lower() in v for a, v in stated) for c in narrow["claims"]
    )
