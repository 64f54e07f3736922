"""Numbers the typed readers leave out, with the word they count: "60 firefighters", "about 45 crews",
"a four-year deal", "The driver, 52,".

:func:`storyline.enrich.mentions.quantities` reads counts of the nouns it knows (tolls, people, homes),
money, percentages, speeds and distances. News counts anything ("40 firefighters", "nine turbines",
"a two-year deal"), and comparison needs every number a source states, so this module takes each number
no typed reader or time claimed, with its qualifier (``about``, ``up to``), its scale (``1.5 million``) and
the word it counts: the next word, or the noun after "of the". Which claims of two sources fill one slot
is learned (storyline.compare.slots) from the numbers' contexts, so a counted word need not be normalised
here. Ages of people named by a common noun ("the driver, 52", "a man aged 61") are read here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyline.enrich.mentions import _APPROX_BEFORE, _BOUNDS, _NOT_FRACTION, _NUMBER_WORDS, _number

_WORD_NUMBERS = "|".join(sorted((w for w in _NUMBER_WORDS if w != "a"), key=len, reverse=True))
_NUMERAL = re.compile(
    rf"(?<![\w.,/:-])(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?"
    # A number word ends its word ("Tens of thousands", "hundreds of" count no number) and begins no
    # fraction ("two-thirds of the voters").
    rf"|(?i:(?:{_WORD_NUMBERS})(?:[\s-](?:{_WORD_NUMBERS}|hundred|thousand))*)\b{_NOT_FRACTION})"
    r"(?:\s(?P<scale>(?i:million|billion|trillion|thousand|hundred)))?(?![\w.,]\d)"
)
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# "four-year deal", "two-week strike": a duration; the thing it qualifies is the word after.
_DURATION = re.compile(r"-(?P<unit>year|month|week|day|hour|minute|game|match|season)s?\b(?!-old)")
_AGE_APPOSITION = re.compile(r"\b(?P<who>[a-z]{3,}|[A-Z][\w'’-]+),\s+(?:aged\s+)?$")
_AGE_AGED = re.compile(r"\b(?P<who>[a-z]{3,}|[A-Z][\w'’-]+),?\s+aged\s+$")
_YEARS_OLD = re.compile(r"^[-\s]years?[-\s]old\b(?:\s(?P<who>[a-z]+))?")
# A time of day: "19:52 GMT", "8:20 am", "at 8.25", "3 p.m.": value in minutes after midnight.
_CLOCK = re.compile(
    r"(?<![\w.,:])(?P<h>2[0-3]|[01]?\d)(?!\d)(?:[:.](?P<m>[0-5]\d))?(?:\s*(?P<ampm>[ap]\.?\s?m\b\.?))?"
    r"(?:\s*(?:GMT|UTC|CET|local time|hrs|h\b))?",
    re.I,
)
_ROUGHLY_AT = re.compile(r"\b(?:shortly|just|soon)\s+(?:after|before)\s+$", re.I)
_AT = re.compile(r"\b(?:at|by|until|from|after|before)\s+(?:about\s+|around\s+|roughly\s+)?$", re.I)
_SKIP_AFTER = frozenset({"of", "the", "a", "an", "more", "other", "new", "extra", "additional", "further"})
_NOT_NOUNS = frozenset(
    {"and", "or", "to", "in", "on", "at", "by", "for", "with", "from", "as", "per", "than", "is", "was"}
    | {"were", "are", "be", "had", "has", "have", "will", "would", "who", "which", "that", "in", "all"}
)
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
# Units a count may be written in, to one base per dimension: "96 kilograms" and "110 kg" compare, and
# "30 centimetres" is "300 millimetres". Language data: the words, not the stories, decide.
UNITS: dict[str, tuple[str, float]] = {
    **dict.fromkeys(("mm", "millimetre", "millimetres", "millimeter", "millimeters"), ("m", 0.001)),
    **dict.fromkeys(("cm", "centimetre", "centimetres", "centimeter", "centimeters"), ("m", 0.01)),
    **dict.fromkeys(("m", "metre", "metres", "meter", "meters"), ("m", 1.0)),
    **dict.fromkeys(("km", "kilometre", "kilometres", "kilometer", "kilometers"), ("m", 1000.0)),
    **dict.fromkeys(("mile", "miles"), ("m", 1609.344)),
    **dict.fromkeys(("feet", "foot", "ft"), ("m", 0.3048)),
    **dict.fromkeys(("g", "gram", "grams"), ("kg", 0.001)),
    **dict.fromkeys(("kg", "kilogram", "kilograms", "kilo", "kilos"), ("kg", 1.0)),
    **dict.fromkeys(("tonne", "tonnes", "ton", "tons"), ("kg", 1000.0)),
    **dict.fromkeys(("minute", "minutes", "min"), ("s", 60.0)),
    **dict.fromkeys(("hour", "hours", "hrs"), ("s", 3600.0)),
    **dict.fromkeys(("day", "days"), ("s", 86400.0)),
    **dict.fromkeys(("week", "weeks"), ("s", 604800.0)),
    **dict.fromkeys(("month", "months"), ("s", 2629800.0)),
    **dict.fromkeys(("year", "years"), ("s", 31557600.0)),
    **dict.fromkeys(("hectare", "hectares", "ha"), ("m2", 10000.0)),
    **dict.fromkeys(("litre", "litres", "liter", "liters"), ("l", 1.0)),
}


@dataclass(frozen=True)
class Number:
    """A number a sentence states, with offsets into the sentence."""

    value: float
    noun: str | None  # the word it counts, lower case; "age" for an age
    approximate: bool
    bound: str | None  # "lower" (at least, more than) or "upper" (up to, fewer than)
    unit: str | None  # "years" for an age or a duration ("a four-year deal")
    who: str | None  # an age's holder, as written
    start: int
    end: int
    text: str

    def qualifiers(self) -> str | None:
        """What the stored mention keeps of the number besides value and noun (see :func:`qualifiers`)."""
        return qualifiers(self.approximate, self.bound, self.unit, self.who)


def qualifiers(approximate: bool, bound: str | None, unit: str | None, who: str | None) -> str | None:
    """A stored quantity's or number's mention key: "approx", "lower" or "upper", "unit=<unit>" and
    "who=<holder>" (an age's), comma-separated (read back by :func:`read_qualifiers`). Comparison reads
    these instead of parsing the text again."""
    parts = [
        "approx" if approximate else None,
        bound,
        f"unit={unit}" if unit else None,
        f"who={who}" if who else None,
    ]
    return ",".join(p for p in parts if p) or None


def read_qualifiers(key: str | None) -> tuple[bool, str | None, str | None, str | None]:
    """(approximate, bound, unit, who) from :func:`qualifiers`."""
    parts = (key or "").split(",")
    bound = next((p for p in parts if p in ("lower", "upper")), None)
    unit = next((p[5:] for p in parts if p.startswith("unit=")), None)
    who = next((p[4:] for p in parts if p.startswith("who=")), None)
    return "approx" in parts, bound, unit, who


def _counted(sentence: str, end: int) -> str | None:
    if re.match(r"\s*(?:per\s?cent|percent|%)", sentence[end:]):
        return "%"
    words = _WORD.findall(sentence[end : end + 40])
    # "60 of the firefighters": the noun after the partitive; "45 new buses": past one adjective.
    for word in words[:3]:
        lower = word.lower()
        if lower in _SKIP_AFTER:
            continue
        return None if lower in _NOT_NOUNS else lower.strip("'’")
    return None


def numbers(sentence: str, taken: list[tuple[int, int]] = ()) -> list[Number]:  # type: ignore[assignment]
    """Every number of the sentence outside the ``taken`` spans (what typed readers and times claimed)."""
    found = []
    taken = list(taken)
    for c in _CLOCK.finditer(sentence):
        if not (c.group("m") or c.group("ampm")) or any(s < c.end() and c.start() < e for s, e in taken):
            continue
        dotted = c.group("m") and sentence[c.start("m") - 1] == "."
        if dotted and not c.group("ampm") and not _AT.search(sentence[: c.start()]):
            continue  # "8.25" alone is a decimal; "at 8.25" a time
        hours = int(c.group("h")) % 12 if c.group("ampm") else int(c.group("h"))
        if (c.group("ampm") or "").lower().startswith("p"):
            hours += 12
        q = _APPROX_BEFORE.search(sentence, max(0, c.start() - 16), c.start())
        q = q or _ROUGHLY_AT.search(sentence, max(0, c.start() - 16), c.start())
        approximate = bool(q)
        start = q.start() if q else c.start()
        minutes = float(hours * 60 + int(c.group("m") or 0))
        text = sentence[start : c.end()].rstrip()
        found.append(
            Number(minutes, "clock", approximate, None, "clock", None, start, start + len(text), text)
        )
        taken.append((c.start(), c.end()))
    for m in _NUMERAL.finditer(sentence):
        start, end = m.start(), m.end()
        if any(s < end and start < e for s, e in taken):
            continue
        raw = m.group("num")
        try:
            value = _number(raw)
        except (KeyError, ValueError):
            continue
        if raw.isdigit() and len(raw) == 4 and 1800 <= value <= 2100 and not m.group("scale"):
            continue  # a year: the time reader's
        value *= _SCALES.get((m.group("scale") or "").lower(), 1)
        before = sentence[:start]
        q = _APPROX_BEFORE.search(sentence, max(0, start - 16), start)
        qualifier = " ".join(q.group("approx").lower().split()) if q else ""
        bound = _BOUNDS.get(qualifier)
        approximate = bool(q) and bound is None
        qstart = q.start() if q else start
        after = sentence[end:]
        noun, unit, who = _counted(sentence, end), None, None
        old = _YEARS_OLD.match(after)
        duration = _DURATION.match(after)
        aged = _AGE_AGED.search(before)
        apposed = aged or (_AGE_APPOSITION.search(before) if re.match(r"^\s*[,)]", after) else None)
        if old:
            noun, unit, who = "age", "years", old.group("who")
            end += old.end()
        elif duration:
            unit = duration.group("unit")
            end += duration.end()
            noun = _counted(sentence, end)
        elif apposed and raw.isdigit() and value < 120:
            noun, unit, who = "age", "years", apposed.group("who")
        found.append(
            Number(value, noun, approximate, bound, unit, who, qstart, end, sentence[qstart:end].rstrip(","))
        )
    return found
