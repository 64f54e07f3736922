"""Conflicts: the same slot filled with incompatible values by different independent sources.

Every value compared here is one enrichment stored (storyline.compare.claims): the typed quantities
and the other numbers with their qualifiers, ages with their holder, resolved times, and the entity
recogniser's people, organisations and places. Nothing is extracted from the text a second time.

Two kinds of slot:
- *story slots*, one value per story whatever sentence states it: a person's age, the event's toll
  (dead, injured, missing), who holds a titled role ("Finance Minister Petra Havel"), the day of a
  scheduled event ("the June 4 election", "the vote on Sunday"). Each independent article that states
  exactly one value takes part.
- *statement slots*: a number, date or name inside one statement that two sources both make
  (close sentence vectors). Dates are the enrichment's resolved times (storyline.enrich.times), so
  "on Sunday" and "January 11" compare as days; a name slot is a name each sentence has that the other
  article never uses, after the same words; its type is the entity label unless the name itself
  (organisation heads) or the words before it (place and person cues) say otherwise. A place is
  one slot when the same words lead to it ("a police station in Sellendorf", "a police station in the
  town of Varnholt") even where the sentences differ in other names too.

Sentences that are page furniture (photo credits, "Published on" stamps, headlines; storyline.compare.
noise) state nothing. Two spellings of a name ("Gaddafi" / "Gadhafi") and an abbreviation ("Minn." /
"Minnesota") are one name; contractions, pronouns, months and seasons are no names.

Values are compatible when one is approximate and close to the other ("about 2,000" vs "2,100"),
when one is a rounding of the other ("61.4 percent" vs "61 percent"), when a date is less precise
than the other ("November" vs "early November"), or when counts name the same thing in other words
("people" vs "residents"); numbers are compared as the slot model compares them
(storyline.compare.slots.compatible_numbers).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Any

import numpy as np

from storyline.compare.claims import SentenceClaims, Value, title_of
from storyline.compare.slots import abbreviates, compatible_numbers
from storyline.enrich.mentions import MONTHS
from storyline.enrich.times import TimeMention, compatible
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
_WORD = re.compile(r"[\w'’-]+")
_TWO_EVENTS = re.compile(
    r"\b(?:a|an|one|two|three|\d+)\s+(?:hours?|days?|weeks?|months?|years?)\s+(?:after|before|earlier|later)\b",
    re.I,
)

Hit = tuple[str, str, str, str]  # type, about, value in the first sentence, value in the second


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


def _role_holders(claims: SentenceClaims, words: frozenset[str]) -> Iterator[tuple[str, Holder, str]]:
    """(role, holder, as written) for each stored person the sentence gives a title ("Finance Minister
    Petra Havel"); ``words`` are every word of the article."""
    for v in claims.of("person"):
        titled = title_of(claims, v)
        if titled is None:
            continue
        role, name, start = titled
        parts = [p for p in name.split() if not p.endswith(".")]  # middle initials
        if not parts:
            continue
        first = parts[0].lower() if len(parts) > 1 else None
        surname = re.sub(r"['’]s$", "", parts[-1].lower())
        yield role, Holder(first, surname, words), claims.text[start : v.end]


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


def _times(claims: SentenceClaims) -> list[TimeMention]:
    return [v.time for v in claims.of("date") if v.time is not None]


def _story_slot_values(
    claims: list[SentenceClaims], words: frozenset[str], published: str | None
) -> Iterator[tuple[tuple[str, str], Any, str, str]]:
    """(slot, comparable value, value as written, quote) for each story-slot statement of an article."""
    for sentence in claims:
        if sentence.noise:
            continue  # a photo credit, a "Published on" stamp or a headline states no fact of the story
        for event, day in _event_dates(sentence.text, _times(sentence)):
            yield ("date", f"date of the {event}"), day, day.text, sentence.text
        for role, holder, text in _role_holders(sentence, words):
            yield ("person", f"name of the {role}"), holder, text, sentence.text
        for age in sentence.of("age", reader="quantity"):
            if age.holder:
                yield ("age", f"age of {age.holder}"), age, age.text, sentence.text
        if _other_toll(sentence.text, published):
            continue
        for q in sentence.of("number", reader="quantity"):
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
    return compatible_numbers(a, b)


def _story_slot_conflicts(
    articles: list[Article], group: list[int], claims: list[list[SentenceClaims]], words: list[frozenset[str]]
) -> list[dict[str, Any]]:
    by_slot: dict[tuple[str, str], list[tuple[Article, Any, str, str]]] = {}
    for i, article in enumerate(articles):
        if group[i] != i:
            continue
        stated: dict[tuple[str, str], list[tuple[Any, str, str]]] = {}
        for slot, value, text, quote in _story_slot_values(claims[i], words[i], article.published):
            stated.setdefault(slot, []).append((value, text, quote))
        for slot, values in stated.items():
            # An article giving two different values (an update, a comparison) is not one claim.
            if all(_same_value(values[0][0], v) for v, _, _ in values[1:]):
                by_slot.setdefault(slot, []).append((article, *values[0]))
    conflicts = []
    for (kind, about), found in by_slot.items():
        if any(not _same_value(found[0][1], other) for _, other, _, _ in found[1:]):
            conflicts.append(
                {
                    "type": kind,
                    "about": about,
                    "claims": [{"article_id": a.id, "quote": q, "value": t} for a, _, t, q in found],
                }
            )
    return conflicts


# -- statement slots --------------------------------------------------------------------------------


def _quantity_conflicts(sa: SentenceClaims, sb: SentenceClaims) -> list[Hit]:
    out = []
    qa, qb = sa.of("number", reader="quantity"), sb.of("number", reader="quantity")
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


def _date_conflicts(sa: SentenceClaims, sb: SentenceClaims) -> list[Hit]:
    # Times both sentences agree on ("on Monday" in both) are set aside; what is left must be one time
    # on each side to say unambiguously that the same event is dated differently.
    if _TWO_EVENTS.search(sa.text) or _TWO_EVENTS.search(sb.text):
        return []  # "on Wednesday, a day after the river burst its banks" dates two events
    ta, tb = _times(sa), _times(sb)
    ca, cb = [_comparable(t) for t in ta], [_comparable(t) for t in tb]
    left_a = [x for x, cx in zip(ta, ca, strict=True) if not any(compatible(cx, cy) for cy in cb)]
    left_b = [y for y, cy in zip(tb, cb, strict=True) if not any(compatible(cy, cx) for cx in ca)]
    if len(left_a) != 1 or len(left_b) != 1 or len(ta) != len(tb):
        return []
    # A day against a bare year ("on Tuesday" / "since 1962") is two different references, not one date.
    precisions = {left_a[0].precision, left_b[0].precision}
    if precisions - {"day", "week"} and len(precisions) > 1:
        return []
    return [("date", "date", left_a[0].text, left_b[0].text)]


def _bare_number_conflicts(sa: SentenceClaims, sb: SentenceClaims) -> list[Hit]:
    """Numbers no typed reader claimed ("won 31 of the 79 seats"), one on each side, in the same slot."""
    ba, bb = sa.of("number", reader="number"), sb.of("number", reader="number")
    if len(ba) != 1 or len(bb) != 1:
        return []
    x, y = ba[0], bb[0]
    after_a, after_b = sa.text[x.end :].split()[:2], sb.text[y.end :].split()[:2]
    # The same slot: the words after the number are the same ("31 of the" / "34 of the").
    if not after_a or after_a != after_b or compatible_numbers(x, y):
        return []
    counted = next((q.noun for q in sa.of("number", reader="quantity") if q.start > x.end), None)
    about = f"number of {counted}" if counted and after_a[0] == "of" else f"number ({' '.join(after_a)})"
    return [("number", about, x.text, y.text)]


def _name_kind(sentence: SentenceClaims, v: Value) -> str:
    """Person, place or organisation: the name itself and the words before it overrule the entity label
    where they are plain ("Calder Freight", "in Varnholt", "Minister Havel")."""
    if _ORG_HEAD.search(v.text):
        return "organisation"
    before = sentence.text[: v.start]
    if _PLACE_CUE.search(before):
        return "place"
    if _PERSON_CUE.search(before):
        return "person"
    return v.kind


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
    """A name that can name someone or something: not a contraction ("I'm", "I'll"), a pronoun, or a
    month, day or season on its own."""
    words = name.split()
    if len(words) != 1:
        return bool(words)
    return not (words[0] in _NOT_A_NAME or _CONTRACTION.search(words[0]))


def _own_names(sentence: SentenceClaims, other_article: set[str]) -> list[Value]:
    """The sentence's names (one per spelling) that the other article never uses."""
    seen: dict[str, Value] = {}
    for v in sentence.of("person", "organisation", "place"):
        if _name_like(v.name) and not any(_subsumes(v.name, o) for o in other_article):
            seen.setdefault(v.name, v)
    return list(seen.values())


def _name_conflicts(
    sa: SentenceClaims, names_a: set[str], sb: SentenceClaims, names_b: set[str]
) -> list[Hit]:
    # A name the other source uses too is part of its story, not a replacement for the other name: the
    # candidates are the names each sentence has that the other article (``names_a``, ``names_b``: every
    # name of each article) never uses.
    only_a, only_b = _own_names(sa, names_b), _own_names(sb, names_a)
    if len(only_a) != 1 or len(only_b) != 1:
        return _place_slot_conflicts(sa, only_a, sb, only_b)
    x, y = only_a[0], only_b[0]
    if abbreviates(sa, x, y) or abbreviates(sb, y, x):
        return []
    # The differing names must hold the same slot: the same words come before both.
    before_a, before_b = sa.text[: x.start].lower().split(), sb.text[: y.start].lower().split()
    if not before_a or before_a[-1:] != before_b[-1:]:
        return []
    kinds = {_name_kind(sa, x), _name_kind(sb, y)}
    kind = next((k for k in ("organisation", "place", "person") if k in kinds), "other")
    wx, wy = x.name.split(), y.name.split()
    if kind == "person" and len(wx) > 1 and len(wy) > 1 and wx[0] != wy[0]:
        return []  # a different first name too: more likely a different person than a misspelling
    about = {"place": "name of place", "organisation": "name of organisation"}.get(kind, "name")
    return [(kind, about, x.text, y.text)]


def _content_words(sentence: str, names_in: set[str]) -> set[str]:
    skip = {w for n in names_in for w in n.split()}
    words = {w.lower().strip("'’") for w in _WORD.findall(sentence)}
    return {w for w in words if len(w) > 2 and w not in _STOPWORDS and w not in skip and not w.isdigit()}


def _same_wording(sa: SentenceClaims, sb: SentenceClaims) -> bool:
    """The sentences say the same thing in the same words, names aside (see :data:`SAME_WORDING`)."""
    wa, wb = _content_words(sa.text, sa.names), _content_words(sb.text, sb.names)
    shorter = min(len(wa), len(wb))
    return bool(shorter) and len(wa & wb) / shorter >= SAME_WORDING


def _place_slot(sentence: SentenceClaims, v: Value) -> str | None:
    found = _PLACE_SLOT.search(sentence.text[: v.start])
    return found.group("head").lower() if found else None


def _place_slot_conflicts(
    sa: SentenceClaims, only_a: list[Value], sb: SentenceClaims, only_b: list[Value]
) -> list[Hit]:
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
    return [("place", "name of place", x.text, y.text)]


def same_subject(sa: SentenceClaims, sb: SentenceClaims) -> bool:
    """The sentences do not speak of different named things (a sentence naming none can be about any)."""
    na, nb = sa.names, sb.names
    if not na or not nb:
        return True
    return len(na & nb) / min(len(na), len(nb)) >= 0.5


def _statement_conflicts(
    articles: list[Article], group: list[int], claims: list[list[SentenceClaims]]
) -> list[dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    names = [{n for sentence in per for n in sentence.names} for per in claims]
    for i in range(len(articles)):
        for j in range(i + 1, len(articles)):
            a, b = articles[i], articles[j]
            # Copies say what their original says: only independent sources are compared.
            if group[i] != i or group[j] != j or a.sentence_vectors is None or b.sentence_vectors is None:
                continue
            sim = a.sentence_vectors @ b.sentence_vectors.T
            for s, t in zip(*np.nonzero(sim >= SAME_NAMED_STATEMENT), strict=True):
                sa, sb = claims[i][s], claims[j][t]
                if sa.noise or sb.noise:
                    continue
                score = float(sim[s, t])
                # Names and dates are checked only where the two sentences share their wording.
                worded = _same_wording(sa, sb)
                hits = _name_conflicts(sa, names[i], sb, names[j]) if worded else []
                if score >= SAME_STATEMENT and same_subject(sa, sb):
                    if worded:
                        hits += _date_conflicts(sa, sb)
                    if score >= SAME_NUMBERED_STATEMENT:
                        hits += _quantity_conflicts(sa, sb)
                        hits += _bare_number_conflicts(sa, sb)
                for kind, about, va, vb in hits:
                    entry = found.setdefault((kind, about), {"type": kind, "about": about, "claims": []})
                    cited = {c["article_id"] for c in entry["claims"]}
                    for art, sent, value in ((a, sa, va), (b, sb, vb)):
                        if art.id not in cited:
                            entry["claims"].append({"article_id": art.id, "quote": sent.text, "value": value})
                            cited.add(art.id)
    return list(found.values())


def find_conflicts(
    articles: list[Article], group: list[int], claims: list[list[SentenceClaims]]
) -> list[dict[str, Any]]:
    """Typed conflicts between independent articles (``group[i] == i`` marks an independent one), from
    the values stored for each sentence (``claims``, storyline.compare.claims.sentence_claims)."""
    words = [frozenset(w.lower() for w in _WORD.findall(a.text)) for a in articles]
    story = _story_slot_conflicts(articles, group, claims, words)
    statements = _statement_conflicts(articles, group, claims)
    return story + [c for c in statements if not any(_covers(d, c) for d in story)]


def _covers(wide: dict[str, Any], narrow: dict[str, Any]) -> bool:
    """The story-slot conflict ``wide`` already reports what the statement conflict ``narrow`` found."""
    stated = {(c["article_id"], c["value"].lower()) for c in wide["claims"]}
    return wide["type"] == narrow["type"] and all(
        any(a == c["article_id"] and c["value"].lower() in v for a, v in stated) for c in narrow["claims"]
    )
