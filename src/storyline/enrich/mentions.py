"""What a sentence asserts, found by patterns: names, quantities, ages and dates.

A first, language-light extractor (English patterns for quantities and dates). It is cheap enough
to recompute on demand, so nothing here is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH_RE = "|".join(m.capitalize() for m in MONTHS)
_NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
} | {
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
}
_APPROX = "|".join(
    (
        "about",
        "around",
        "nearly",
        "almost",
        "roughly",
        "approximately",
        "some",
        "over",
        "more than",
        "at least",
        "up to",
        "fewer than",
        "less than",
    )
)
_QUANTITY = re.compile(
    r"(?:(?P<verb>killing|killed|kills|injuring|injured|wounding|wounded)\s+)?"
    rf"(?:(?P<approx>{_APPROX})\s+)?(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|"
    rf"{'|'.join(_NUMBER_WORDS)})(?:\s+(?P<scale>million|billion|thousand))?\s+"
    # Up to two modifiers ("12 more people"), but not a partitive ("seven of the injured").
    r"(?:(?!of\b|the\b)(?:[a-z]+-)?[a-z]+\s+){0,2}?(?P<noun>people|persons|residents|passengers|dead|deaths|killed|injured|"
    r"wounded|hurt|missing|workers|employees|homes|houses|buildings|votes|seats|customers|users|accounts|"
    r"records|percent|per cent|points|euros|dollars|pounds|crowns|kilometres|kilometers|miles|metres|meters|"
    r"hectares|tonnes|tons|vehicles|cars|boats|children|students|officers|soldiers|troops|fans|visitors|"
    r"paintings|works|items|objects|animals|cattle|flights|trains)\b"
    # What happened to the people counted, when the sentence says it next: "14 people are dead".
    r"(?P<fate>(?:\s+(?:\w+\s+){0,2}?(?:were|are|was|have been|had been))?\s+"
    r"(?:killed|dead|died|injured|hurt|wounded|missing))?",
    re.IGNORECASE,
)
_BOUNDS = {
    "over": "lower",
    "more than": "lower",
    "at least": "lower",
    "up to": "upper",
    "fewer than": "upper",
    "less than": "upper",
}
_TOTAL_CUE = re.compile(r"\b(?:of|of the|out of|from)\s+$", re.IGNORECASE)
# Heads that count the same thing: "12 people" and "12 residents" are one slot.
_NOUN_CLASS = {
    "persons": "people",
    "residents": "people",
    "passengers": "people",
    "children": "people",
    "deaths": "dead",
    "died": "dead",
    "killed": "dead",
    "wounded": "injured",
    "hurt": "injured",
    "houses": "homes",
    "per cent": "percent",
    "kilometers": "kilometres",
    "meters": "metres",
    "tons": "tonnes",
    "employees": "workers",
    "cars": "vehicles",
    "troops": "soldiers",
}
_AGE = re.compile(
    r"(?P<name>[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+){0,3}),\s(?P<age>\d{1,3}),"
    r"|(?P<age2>\d{1,3})-year-old(?:\s(?P<noun2>[a-z]+))?"
)
_DATE = re.compile(
    rf"(?:(?P<mod>early|mid|late|mid-)\s*)?\b(?P<month>{_MONTH_RE})\b\.?"
    r"(?:\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?!,\d))?"
    rf"(?:,?\s+(?P<year>(?:19|20)\d{{2}}))?(?P<last>\s+last\s+year)?"
)
_MAY_AS_MONTH = re.compile(r"\b(?:in|since|until|till|by|of|last|next|this|early|late|mid|from|to)\s+$", re.I)
_NAME = re.compile(r"\b[A-Z][\w'’-]*(?:\s+(?:of|de|la|van|von|al|bin|the)?\s*[A-Z][\w'’-]*)*")
_NOT_NAMES = {
    "the",
    "a",
    "an",
    "in",
    "on",
    "at",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "this",
    "that",
    "these",
    "those",
    "but",
    "and",
    "or",
    "if",
    "when",
    "while",
    "after",
    "before",
    "as",
    "for",
    "by",
    "with",
    "from",
    "to",
    "his",
    "her",
    "its",
    "their",
    "our",
    "there",
    "here",
    "what",
    "who",
    "why",
    "how",
    "one",
    "some",
    "mr",
    "mrs",
    "ms",
    "dr",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "yesterday",
    "today",
    "tomorrow",
    "last",
    "next",
    "earlier",
    "later",
    "just",
    "even",
    "perhaps",
    "still",
    *MONTHS,
}


@dataclass(frozen=True)
class Quantity:
    value: float
    noun: str  # normalised head noun: what is counted
    approximate: bool  # "about 2,000"
    text: str
    bound: str | None = None  # "lower" for "at least 12", "upper" for "up to 70"


@dataclass(frozen=True)
class Age:
    value: int
    who: str | None
    text: str


@dataclass(frozen=True)
class DateMention:
    """A date at the precision the text gives: year, month and day may each be unknown."""

    year: int | None
    month: int
    day: int | None
    fuzzy: bool  # "early November": compatible with any day in its part of the month
    text: str

    def iso(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}" + (f"-{self.day:02d}" if self.day else "")
        return f"{self.year:04d}-{self.month:02d}" + (f"-{self.day:02d}" if self.day else "")


def _number(raw: str) -> float:
    raw = raw.lower().replace(",", "")
    return float(_NUMBER_WORDS.get(raw, raw))


def quantities(sentence: str) -> list[Quantity]:
    found = []
    for m in _QUANTITY.finditer(sentence):
        if _TOTAL_CUE.search(sentence, 0, m.start()):
            continue  # "27 of the 61 seats": 61 is the whole, not the count the sentence reports
        value = _number(m.group("num"))
        scale = (m.group("scale") or "").lower()
        value *= {"thousand": 1e3, "million": 1e6, "billion": 1e9}.get(scale, 1)
        noun = m.group("noun").lower()
        if m.group("fate"):
            noun = m.group("fate").split()[-1].lower()
        elif m.group("verb") and noun in (
            "people",
            "persons",
            "passengers",
            "residents",
            "workers",
            "children",
        ):
            noun = "dead" if m.group("verb").lower().startswith("kill") else "injured"
        qualifier = (m.group("approx") or "").lower()
        bound = _BOUNDS.get(qualifier)
        approximate = bool(qualifier) and bound is None
        found.append(Quantity(value, _NOUN_CLASS.get(noun, noun), approximate, m.group(0), bound))
    return found


def ages(sentence: str) -> list[Age]:
    found = []
    for m in _AGE.finditer(sentence):
        if m.group("age"):
            age = int(m.group("age"))
            who = m.group("name").split()[-1]
        else:
            age = int(m.group("age2"))
            who = None
        if 0 < age < 120:
            found.append(Age(age, who, m.group(0).rstrip(",")))
    return found


def dates(sentence: str, published: str | None = None) -> list[DateMention]:
    """Month-level or finer dates, with the year filled in from the article date when left out."""
    base = date.fromisoformat(published) if published else None
    found = []
    for m in _DATE.finditer(sentence):
        month = MONTHS.index(m.group("month").lower()) + 1
        day = int(m.group("day")) if m.group("day") else None
        if day is not None and not 1 <= day <= 31:
            day = None
        year = int(m.group("year")) if m.group("year") else None
        bare_may = m.group("month") == "May" and day is None and year is None and not m.group("mod")
        if bare_may and not _MAY_AS_MONTH.search(sentence, 0, m.start()):
            continue  # "May I ask …": the verb, capitalised at a sentence start
        if year is None and base is not None:
            # An undated month in a news story is the most recent one not after the article.
            year = base.year if (month, day or 1) <= (base.month, base.day) else base.year - 1
            if m.group("last"):
                year = base.year - 1
        found.append(DateMention(year, month, day, bool(m.group("mod")), m.group(0).strip().rstrip(".")))
    return found


def names(sentence: str) -> set[str]:
    """Capitalised name-like phrases, normalised ("Jo Song-gil" and "Jo Song Gil" alike)."""
    keys = set()
    for m in _NAME.finditer(sentence):
        words = [w for w in re.split(r"[\s-]+", m.group(0)) if w]
        if m.start() == len(sentence) - len(sentence.lstrip(" \"'“‘(")) and len(words) == 1:
            continue  # one capitalised word opening a sentence is usually just the first word

        while words and words[0].lower() in _NOT_NAMES:
            words = words[1:]
        if not words or (len(words) == 1 and len(words[0]) < 3):
            continue
        keys.add(" ".join(re.sub(r"['’]s$", "", w.lower()).strip("'’") for w in words))
    return keys
