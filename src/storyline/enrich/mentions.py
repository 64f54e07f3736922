"""What a sentence asserts, found by patterns: names, quantities, ages and dates.

A language-light extractor, cheap enough to run on every sentence and to recompute on demand, so
nothing here is stored. Languages: quantities, ages and dates are read from English wording (number
words, units, "aged 61", month names); digits with symbols ("€4.5m", "61.4%", "70 km/h") are found in
any language. :func:`names` works on any language written with capitalised names.

Dates come from :mod:`storyline.enrich.times` (which also resolves weekdays, "yesterday", "two months
later" ...); :func:`dates` keeps to the dates that name a month, as its callers expect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from storyline.enrich import times as _times

MONTHS = _times.MONTHS
_UNITS_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        [
            *_UNITS_WORDS,
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
_WORDS_RE = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
# Digits ("2,000", "2.1"), or words ("twenty-five", "two hundred", "a dozen").
_NUM = (
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    rf"|(?:(?:{_TENS})-(?:{'|'.join(_UNITS_WORDS[1:])})|{_WORDS_RE}"
    r"|a(?=\s+(?:hundred|thousand|dozen)\b))(?:\s+(?:hundred|thousand|dozen)\b)?"
)
_SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
_APPROX = (
    "about",
    "around",
    "nearly",
    "almost",
    "roughly",
    "approximately",
    "an estimated",
    "some",
    "just over",
    "just under",
    "well over",
    "over",
    "more than",
    "at least",
    "upwards of",
    "up to",
    "as many as",
    "no more than",
    "at most",
    "fewer than",
    "less than",
    "under",
)
_APPROX_RE = "|".join(a.replace(" ", r"\s+") for a in _APPROX)
_BOUNDS = {
    "over": "lower",
    "just over": "lower",
    "well over": "lower",
    "more than": "lower",
    "at least": "lower",
    "upwards of": "lower",
    "up to": "upper",
    "as many as": "upper",
    "no more than": "upper",
    "at most": "upper",
    "fewer than": "upper",
    "less than": "upper",
    "under": "upper",
    "just under": "upper",
}
_Q = ""  # qualifiers ("about", "at least") are read backwards from the number: see _APPROX_BEFORE
_APPROX_BEFORE = re.compile(rf"\b(?P<approx>{_APPROX_RE})\s+$", re.IGNORECASE)
# "No one", "no-one", "not one": nobody, not a count of 1 ("not one but two ferries" counts the two).
_NEGATED_ONE = re.compile(r"\b(?:no|not)[\s-]+$", re.IGNORECASE)
# "Eight people including three children were injured": the fate the subset's words carry is the whole's.
_SUBSET_BETWEEN = re.compile(r",?\s+(?:including|among them|among whom)\s+$", re.IGNORECASE)
_FATES = ("dead", "injured", "missing")
# "Eight people, among them three children, were injured", "..., died": the fate after the aside, which
# may go on past the subset ("among them four children and two teachers, died").
_FATE_AFTER = re.compile(
    r"(?:\s+and\s+[^,.;:]{1,40})?,\s+"
    r"(?:(?:were|are|have\s+been|had\s+been)\s+(?P<fate>killed|dead|injured|hurt|wounded|missing)"
    r"|(?:have\s+|had\s+)?(?P<died>died|perished))\b",
    re.IGNORECASE,
)
# "among them four children and two teachers": the aside may list several subsets.
_SUBSET_AND = re.compile(r",?\s+(?:and\s+)?$", re.IGNORECASE)
_VERB_BEFORE = re.compile(r"\b(?P<verb>killing|killed|kills|injuring|injured|wounding|wounded)\s+$", re.I)

_CURRENCY_SYMBOLS = {
    "us$": "USD",
    "a$": "AUD",
    "c$": "CAD",
    "hk$": "HKD",
    "€": "EUR",
    "$": "USD",
    "£": "GBP",
    "¥": "JPY",
    "₩": "KRW",
    "₹": "INR",
}
_CURRENCY_CODES = (
    "EUR",
    "USD",
    "GBP",
    "CHF",
    "SEK",
    "NOK",
    "DKK",
    "ISK",
    "CZK",
    "JPY",
    "KRW",
    "CNY",
    "INR",
    "RUB",
)
# A number word that begins a fraction ("two-thirds of the voters") counts nothing of its own.
_NOT_FRACTION = (
    r"(?![-‐‑](?i:quarters?)\b|[-‐‑\s](?i:thirds?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?)\b)"
)
# Where a number (or a sum of money) can start: every pattern below is tried only there.
_CANDIDATE = re.compile(
    rf"(?<![\d.,])\d|[€$£¥₩₹]|\b(?:US|A|C|HK)\$|\b(?:{'|'.join(_CURRENCY_CODES)})\b"
    rf"|\b(?i:{_WORDS_RE}|{_TENS}|half|a(?=\s+(?:quarter|percentage|percent|basis|hundred|thousand|dozen)\b))\b"
    + _NOT_FRACTION
)
_CURRENCY_WORDS = {
    "euro": "EUR",
    "dollar": "USD",
    "pound": "GBP",
    "pounds sterling": "GBP",
    "sterling": "GBP",
    "yen": "JPY",
    "won": "KRW",
    "yuan": "CNY",
    "renminbi": "CNY",
    "franc": "CHF",
    "swiss franc": "CHF",
    "crown": "crown",  # Swedish, Norwegian, Danish, Czech ...: the code is not in the word
    "krona": "SEK",
    "kronor": "SEK",
    "krone": "crown",
    "kroner": "crown",
    "rupee": "INR",
    "rouble": "RUB",
    "ruble": "RUB",
}
_CURRENCY_QUALIFIERS = {
    "us": "USD",
    "american": "USD",
    "canadian": "CAD",
    "australian": "AUD",
    "hong kong": "HKD",
    "swedish": "SEK",
    "norwegian": "NOK",
    "danish": "DKK",
    "czech": "CZK",
    "icelandic": "ISK",
    "south korean": "KRW",
    "korean": "KRW",
    "japanese": "JPY",
    "chinese": "CNY",
    "swiss": "CHF",
    "indian": "INR",
    "russian": "RUB",
}
# The noun a sum counts, by currency: "€4m" and "4 million euros" fill one slot.
_CURRENCY_NOUNS = {
    "EUR": "euros",
    "USD": "dollars",
    "AUD": "dollars",
    "CAD": "dollars",
    "HKD": "dollars",
    "GBP": "pounds",
    "JPY": "yen",
    "KRW": "won",
    "CNY": "yuan",
    "CHF": "francs",
    "INR": "rupees",
    "RUB": "roubles",
}
_QUALIFIER_RE = "|".join(q.replace(" ", r"\s+") for q in _CURRENCY_QUALIFIERS)
_SCALE_RE = r"(?P<scale>trillion|billion|million|thousand|bn|mln|mn|tn|m|b|k)\b"
_MONEY = re.compile(
    rf"{_Q}(?:(?P<sym>US\$|A\$|C\$|HK\$|[€$£¥₩₹]|(?:{'|'.join(_CURRENCY_CODES)})\s?)\s?(?P<num>{_NUM})"
    rf"(?:\s?{_SCALE_RE})?"
    rf"|(?P<num2>{_NUM})(?:\s?(?P<scale2>trillion|billion|million|thousand|bn|mln|m)\b)?\s+"
    rf"(?:(?P<qual>{_QUALIFIER_RE})\s+)?"
    r"(?P<word>pounds\s+sterling|swiss\s+francs?|euros?|dollars?|pounds?|sterling|yen|won|yuan|renminbi|francs?|"
    r"crowns?|kronor|krona|kroner|krone|rupees?|roubles?|rubles?)\b"
    rf"|(?P<num3>{_NUM})(?:\s?(?P<scale3>trillion|billion|million|thousand|bn|mln|m)\b)?\s*"
    rf"(?P<code>{'|'.join(_CURRENCY_CODES)})\b)",
    re.IGNORECASE,
)
_POINTS = re.compile(
    rf"{_Q}(?P<num>{_NUM}|half\s+a|a\s+quarter\s+of\s+a|three\s+quarters\s+of\s+a|a)\s+"
    r"(?:(?P<pp>percentage|percent(?:age)?|per\s+cent)\s+points?|(?P<bp>basis\s+points?|bps|bp)\b)",
    re.IGNORECASE,
)
_PERCENT = re.compile(rf"{_Q}(?P<num>{_NUM})\s*(?:%|percent\b|per\s+cent\b|pc\b)", re.IGNORECASE)
_SPEEDS = {
    "km/h": 1.0,
    "kmh": 1.0,
    "kph": 1.0,
    "km per hour": 1.0,
    "kilometres per hour": 1.0,
    "kilometers per hour": 1.0,
    "kilometres an hour": 1.0,
    "kilometers an hour": 1.0,
    "mph": 1.609344,
    "miles per hour": 1.609344,
    "miles an hour": 1.609344,
    "knots": 1.852,
    "m/s": 3.6,
    "metres per second": 3.6,
    "meters per second": 3.6,
}
_SPEED = re.compile(
    rf"{_Q}(?P<num>{_NUM})\s*-?\s*(?P<unit>km/h|kmh|kph|mph|knots|m/s|"
    r"(?:km|kilometres|kilometers|miles)\s+(?:per|an)\s+hour|(?:metres|meters)\s+per\s+second)(?![\w/])",
    re.IGNORECASE,
)
_DISTANCES = {
    "km": 1000.0,
    "kilometre": 1000.0,
    "kilometer": 1000.0,
    "mile": 1609.344,
    "nautical mile": 1852.0,
    "metre": 1.0,
    "meter": 1.0,
    "cm": 0.01,
    "centimetre": 0.01,
    "centimeter": 0.01,
    "foot": 0.3048,
    "feet": 0.3048,
    "ft": 0.3048,
    "yard": 0.9144,
}
_DISTANCE = re.compile(
    rf"{_Q}(?P<num>{_NUM})(?:\s+(?P<scale>million|thousand))?\s*-?\s*"
    r"(?P<unit>km|kilometres?|kilometers?|nautical\s+miles?|miles?|metres?|meters?|cm|centimetres?|"
    r"centimeters?|feet|foot|ft|yards?)\b(?!\s+(?:per|an)\s+hour|/)",
    re.IGNORECASE,
)
_COUNTED = (
    r"people|persons|residents|passengers|dead|deaths|fatalities|killed|injured|injuries|wounded|hurt|"
    r"missing|workers|employees|homes|houses|buildings|votes|seats|customers|users|accounts|records|points|"
    r"hectares|tonnes|tons|vehicles|cars|boats|children|students|pupils|officers|soldiers|troops|fans|"
    r"visitors|paintings|works|items|objects|animals|cattle|flights|trains|jobs|cases|members"
)
# "27 of the 61 seats": the part is the count the sentence reports, in the unit of the whole.
_PARTITIVE = re.compile(
    rf"{_Q}(?P<num>{_NUM})\s+(?:out\s+)?of\s+(?:the\s+|its\s+|their\s+|all\s+)?(?P<total>{_NUM})\s+"
    rf"(?:(?:[a-z]+-)?[a-z]+\s+){{0,2}}?(?P<noun>{_COUNTED})\b",
    re.IGNORECASE,
)
_SUBSET_NOUNS = {"dead", "injured", "missing", "people", "killed"}
_COUNT = re.compile(
    rf"{_Q}(?P<num>{_NUM})(?:\s+(?P<scale>million|billion|thousand))?\s+"
    # Up to two modifiers ("12 more people"), but not a partitive ("seven of the injured").
    rf"(?:(?!of\b|the\b)(?:[a-z]+-)?[a-z]+\s+){{0,2}}?(?P<noun>{_COUNTED})\b"
    # What happened to the people counted, when the sentence says it next: "14 people are dead".
    r"(?P<fate>(?:\s+(?:\w+\s+){0,2}?(?:were|are|was|have\s+been|had\s+been|remain|remained|are\s+still))?\s+"
    r"(?:killed|dead|died|injured|hurt|wounded|missing))?",
    re.IGNORECASE,
)
_ORDINAL_WORDS = {
    w: i + 1
    for i, w in enumerate(
        (
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
        )
    )
}
_ORDINAL = re.compile(
    r"\b(?:(?P<det>the|a|its|his|her|their|our|this|for\s+the)\s+(?P<word>"
    + "|".join(_ORDINAL_WORDS)
    + r")|(?P<digits>\d{1,4})(?P<suffix>st|nd|rd|th))\b(?:\s+(?P<noun>(?!of\b|and\b|in\b|on\b|at\b|to\b|by\b)"
    r"[a-z]+(?:-[a-z]+)?))?",
    re.IGNORECASE,
)
_MONTH_NEAR = re.compile(rf"^\s+(?:of\s+)?(?:{_times._MONTH_NAMES})\b|\b(?:{_times._MONTH_NAMES})\s+$")
_TOTAL_CUE = re.compile(r"\b(?:of|of the|out of|from)\s+$", re.IGNORECASE)
# Heads that count the same thing: "12 people" and "12 residents" are one slot.
_NOUN_CLASS = {
    "persons": "people",
    "residents": "people",
    "passengers": "people",
    "children": "people",
    "deaths": "dead",
    "fatalities": "dead",
    "died": "dead",
    "killed": "dead",
    "wounded": "injured",
    "hurt": "injured",
    "injuries": "injured",
    "houses": "homes",
    "tons": "tonnes",
    "employees": "workers",
    "cars": "vehicles",
    "troops": "soldiers",
    "pupils": "students",
}
_AGE = re.compile(
    r"(?P<name>[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+){0,3})(?:,\s(?:aged\s)?(?P<age>\d{1,3})(?=[,.;:)]|\s*$)"
    r"|\s\((?:aged\s)?(?P<agep>\d{1,3})\))"
    r"|(?:(?P<name3>[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+){0,3}),\s)?\b(?:aged|at\s+the\s+age\s+of|at\s+age)\s"
    r"(?P<age3>\d{1,3})\b"
    r"|(?P<age2>\d{1,3})[-\s]years?[-\s]old(?:\s(?P<noun2>[a-z]+))?"
)
_NOT_WHO = {"In", "On", "At", "By", "And", "But", "The", "Since", "From", "Of", "For", "About", "Aged"}


@dataclass(frozen=True)
class Quantity:
    """A number and what it counts or measures, normalised.

    ``kind`` says what sort of number it is: "count" (noun is the counted thing: "dead", "injured",
    "missing", "people", "homes" ...), "money" (noun "euros", "dollars" ..., ``currency`` an ISO 4217
    code, or "crown" where the word does not say whose crown), "percent" (unit "%"), "points"
    (percentage points, unit "pp": "50 basis points" is 0.5), "speed" (unit "km/h", mph and knots
    converted), "distance" (unit "m", converted), "ordinal" ("the second diplomat": value 2, noun
    "diplomat") and "age" (unit "years"). ``start``/``end`` are offsets into the sentence.
    """

    value: float
    noun: str  # normalised head noun: what is counted
    approximate: bool  # "about 2,000"
    text: str
    bound: str | None = None  # "lower" for "at least 12", "upper" for "up to 70"
    unit: str | None = None
    currency: str | None = None
    kind: str = "count"
    start: int = -1
    end: int = -1
    who: str | None = None  # an age's holder, as written ("Dalby")


@dataclass(frozen=True)
class Age:
    value: int
    who: str | None
    text: str
    start: int = -1
    end: int = -1


@dataclass(frozen=True)
class DateMention:
    """A date at the precision the text gives: year, month and day may each be unknown."""

    year: int | None
    month: int
    day: int | None
    fuzzy: bool  # "early November": compatible with any day in its part of the month
    text: str
    start: int = -1
    end: int = -1

    def iso(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}" + (f"-{self.day:02d}" if self.day else "")
        return f"{self.year:04d}-{self.month:02d}" + (f"-{self.day:02d}" if self.day else "")


def _number(raw: str) -> float:
    words = raw.lower().replace(",", "").replace("-", " ").split()
    if len(words) == 1 and words[0] not in _NUMBER_WORDS:
        return float(words[0])
    total = 0.0
    for word in words:
        if word in ("hundred", "thousand", "dozen"):
            total = (total or 1) * {"hundred": 100, "thousand": 1000, "dozen": 12}[word]
        elif word != "a":
            total += _NUMBER_WORDS[word]
    return total


def _qualifier(sentence: str, start: int) -> tuple[int, bool, str | None]:
    """Where the quantity starts with its qualifier, whether it is approximate, and its bound."""
    q = _APPROX_BEFORE.search(sentence, max(0, start - 16), start)
    if not q:
        return start, False, None
    qualifier = " ".join(q.group("approx").lower().split())
    bound = _BOUNDS.get(qualifier)
    return q.start(), bound is None, bound


def _money(sentence: str, m: re.Match[str]) -> Quantity | None:
    if m.group("sym"):
        sym = m.group("sym").strip()
        currency = _CURRENCY_SYMBOLS.get(sym.lower()) or sym.upper()
        num, scale = m.group("num"), m.group("scale")
    elif m.group("word"):
        word = " ".join(m.group("word").lower().split())
        key = word if word in _CURRENCY_WORDS else word.rstrip("s")
        currency = _CURRENCY_WORDS.get(key, _CURRENCY_WORDS.get(word, "crown"))
        qual = " ".join((m.group("qual") or "").lower().split())
        if qual and (currency in ("USD", "crown") or key == "franc"):
            currency = _CURRENCY_QUALIFIERS[qual]
        num, scale = m.group("num2"), m.group("scale2")
        if key == "won" and not scale and _number(num) < 1000:
            return None  # "3 won": more likely the verb
    else:
        currency = m.group("code").upper()
        num, scale = m.group("num3"), m.group("scale3")
    value = _number(num) * _SCALES.get((scale or "").lower(), 1)
    start, approximate, bound = _qualifier(sentence, m.start())
    noun = _CURRENCY_NOUNS.get(currency) or ("crowns" if currency in _CROWNS else currency.lower())
    return Quantity(
        value,
        noun,
        approximate,
        sentence[start : m.end()],
        bound,
        currency,
        currency,
        "money",
        start,
        m.end(),
    )


_CROWNS = {"crown", "SEK", "NOK", "DKK", "ISK", "CZK"}
_POINT_WORDS = {"half a": 0.5, "a quarter of a": 0.25, "three quarters of a": 0.75, "a": 1.0}


def _points(sentence: str, m: re.Match[str]) -> Quantity:
    raw = " ".join(m.group("num").lower().split())
    value = _POINT_WORDS[raw] if raw in _POINT_WORDS else _number(raw)
    if m.group("bp"):
        value /= 100
    start, approximate, bound = _qualifier(sentence, m.start())
    return Quantity(
        value,
        "percentage points",
        approximate,
        sentence[start : m.end()],
        bound,
        "pp",
        None,
        "points",
        start,
        m.end(),
    )


def _percent(sentence: str, m: re.Match[str]) -> Quantity:
    start, approximate, bound = _qualifier(sentence, m.start())
    value = _number(m.group("num"))
    return Quantity(
        value, "percent", approximate, sentence[start : m.end()], bound, "%", None, "percent", start, m.end()
    )


def _speed(sentence: str, m: re.Match[str]) -> Quantity:
    unit = " ".join(m.group("unit").lower().split())
    value = round(_number(m.group("num")) * _SPEEDS.get(unit, 1.0), 1)
    start, approximate, bound = _qualifier(sentence, m.start())
    return Quantity(
        value, "speed", approximate, sentence[start : m.end()], bound, "km/h", None, "speed", start, m.end()
    )


def _distance(sentence: str, m: re.Match[str]) -> Quantity:
    unit = " ".join(m.group("unit").lower().split())
    key = unit if unit in _DISTANCES else unit.rstrip("s")
    value = _number(m.group("num")) * _SCALES.get((m.group("scale") or "").lower(), 1)
    value = round(value * _DISTANCES.get(key, 1.0), 3)
    start, approximate, bound = _qualifier(sentence, m.start())
    return Quantity(
        value,
        "distance",
        approximate,
        sentence[start : m.end()],
        bound,
        "m",
        None,
        "distance",
        start,
        m.end(),
    )


def _counted(
    sentence: str, start: int, end: int, value: float, noun: str, approximate: bool, bound: str | None
) -> Quantity:
    """A count of ``noun`` spanning ``sentence[start:end]``."""
    return Quantity(value, noun, approximate, sentence[start:end], bound, None, None, "count", start, end)


def _partitive(sentence: str, m: re.Match[str]) -> Quantity | None:
    noun = _NOUN_CLASS.get(m.group("noun").lower(), m.group("noun").lower())
    if noun in _SUBSET_NOUNS:
        return None  # "seven of the 12 injured were children": a subset described, not a toll
    start, approximate, bound = _qualifier(sentence, m.start())
    return _counted(sentence, start, m.end(), _number(m.group("num")), noun, approximate, bound)


def _count(sentence: str, m: re.Match[str]) -> Quantity | None:
    start, approximate, bound = _qualifier(sentence, m.start())
    if _TOTAL_CUE.search(sentence, max(0, start - 12), start):
        return None  # "27 of the 61 seats": 61 is the whole, not the count the sentence reports
    verb = _VERB_BEFORE.search(sentence, max(0, start - 12), start)
    if verb:
        start = verb.start()
    value = _number(m.group("num")) * _SCALES.get((m.group("scale") or "").lower(), 1)
    noun = m.group("noun").lower()
    if m.group("fate"):
        noun = m.group("fate").split()[-1].lower()
    elif verb and noun in ("people", "persons", "passengers", "residents", "workers", "children"):
        noun = "dead" if verb.group("verb").lower().startswith("kill") else "injured"
    return _counted(sentence, start, m.end(), value, _NOUN_CLASS.get(noun, noun), approximate, bound)


_READERS = (
    (_MONEY, _money),
    (_POINTS, _points),
    (_PERCENT, _percent),
    (_SPEED, _speed),
    (_DISTANCE, _distance),
    (_PARTITIVE, _partitive),
    (_COUNT, _count),
)


def ordinals(sentence: str) -> list[Quantity]:
    """Ordinals with what they rank: "the second diplomat" (2, "diplomat"), "finished 3rd" (3, "ordinal")."""
    found = []
    for m in _ORDINAL.finditer(sentence):
        if m.group("digits"):
            if _MONTH_NEAR.search(sentence[m.end("suffix") : m.end("suffix") + 14]) or _MONTH_NEAR.search(
                sentence[max(0, m.start() - 12) : m.start()]
            ):
                continue  # "June 3rd", "3rd of June": a date
            value = int(m.group("digits"))
        else:
            value = _ORDINAL_WORDS[m.group("word").lower()]
        noun = (m.group("noun") or "").lower() or "ordinal"
        end = m.end() if m.group("noun") else m.end("word") if m.group("word") else m.end("suffix")
        start = m.start("word") if m.group("word") else m.start()
        found.append(
            Quantity(
                float(value), noun, False, sentence[start:end], None, "ordinal", None, "ordinal", start, end
            )
        )
    return found


def _is_nobody(sentence: str, candidate: re.Match[str]) -> bool:
    pos = candidate.start()
    return candidate.group().lower() == "one" and bool(_NEGATED_ONE.search(sentence, max(0, pos - 12), pos))


def _whole_fates(sentence: str, found: list[Quantity]) -> list[Quantity]:
    """Give a count of people the fate that its subset's words state ("Eight people including three
    children were injured": eight injured, three of them children), not the subset."""
    out = list(found)
    for k in range(1, len(out)):
        whole, part = out[k - 1], out[k]
        if whole.noun != "people" or not _SUBSET_BETWEEN.fullmatch(sentence, whole.end, part.start):
            continue
        last = k
        while last + 1 < len(out) and _SUBSET_AND.fullmatch(sentence, out[last].end, out[last + 1].start):
            last += 1
        after = _FATE_AFTER.match(sentence, out[last].end)
        fate = part.noun if part.noun in _FATES else after and ("dead" if after["died"] else after["fate"])
        fate = _NOUN_CLASS.get(fate.lower(), fate.lower()) if fate else None
        if fate in _FATES:
            out[k - 1] = replace(whole, noun=fate)
            out[k : last + 1] = [replace(q, noun="people") for q in out[k : last + 1]]
    return out


def quantities(sentence: str, *, with_ordinals: bool = False, with_ages: bool = False) -> list[Quantity]:
    """Counts, sums of money, percentages, percentage points, speeds and distances, in sentence order.

    Ordinals and ages are left out unless asked for (``with_ordinals``, ``with_ages``): callers that
    compare counts between sources should not mistake "the second diplomat" or an age for a count.
    """
    found: list[Quantity] = []
    taken_until = 0
    for c in _CANDIDATE.finditer(sentence):
        pos = c.start()
        if pos < taken_until or _is_nobody(sentence, c):
            continue
        for pattern, read in _READERS:
            m = pattern.match(sentence, pos)
            if m is None:
                continue
            q = read(sentence, m)
            if q is not None:
                found.append(q)
                taken_until = m.end()
                break
    found = _whole_fates(sentence, found)
    if with_ordinals:
        found += ordinals(sentence)
    if with_ages:
        found += [
            Quantity(float(a.value), "age", False, a.text, None, "years", None, "age", a.start, a.end, a.who)
            for a in ages(sentence)
        ]
    return sorted(found, key=lambda q: q.start)


def ages(sentence: str) -> list[Age]:
    """Ages: "Marta Olsen, 52," and "Olsen (52)" (who: "Olsen"), "aged 61", "the 34-year-old driver"."""
    found = []
    for m in _AGE.finditer(sentence):
        name = None
        if m.group("age") or m.group("agep"):
            age = int(m.group("age") or m.group("agep"))
            name = m.group("name")
        elif m.group("age3"):
            age = int(m.group("age3"))
            name = m.group("name3")
        else:
            age = int(m.group("age2"))
        who = None
        if name:
            words = [w for w in name.split() if w not in _NOT_WHO]
            if not words:
                continue
            who = words[-1]
        start = m.start("name3") if m.group("age3") and m.group("name3") else m.start()
        if 0 < age < 120:
            found.append(Age(age, who, sentence[start : m.end()].rstrip(","), start, m.end()))
    return found


def dates(sentence: str, published: str | None = None) -> list[DateMention]:
    """Month-level or finer dates that name their month or are written as ISO dates.

    The year is filled in from the article date when left out (see :mod:`storyline.enrich.times`);
    weekdays and "yesterday" are not included here, :func:`storyline.enrich.times.resolve_times` has them.
    """
    found = []
    for r in _times._resolve(sentence, published):
        if r.kind not in ("cal", "iso") or r.month is None:
            continue
        t = r.mention
        found.append(DateMention(r.year, r.month, r.day, t.fuzzy, t.text, t.start, t.end))
    return found
