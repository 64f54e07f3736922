"""Times a text mentions, resolved against the article's date.

Language: English only (month and weekday names, "yesterday", "two months later", "early November" ...).
Other languages find nothing here; no dateparser call is made, so this runs on every sentence.

What is found and how it resolves (``published`` is the article's date, ISO ``YYYY-MM-DD``):

- absolute dates: "June 14, 2025", "14 June 2025", "Jan. 5, 2020", "2025-06-14", "March 2019", "in 2016";
- a month without a year: the most recent such month not after the article ("in November" in January
  2019 is November 2018), or the next one when the clause speaks of the future ("will open in March");
  "November last year", "March next year", "next March", "last March";
- weekdays: "on Thursday" is the most recent Thursday on or before the article date (news convention),
  or the next one in a future clause ("will vote on Thursday"); "next Tuesday" the following one,
  "last Tuesday" the one before;
- deictic words: yesterday, today, tonight, last night, tomorrow, this/last/next week, month, year,
  earlier this month, later this year, (over) the weekend;
- offsets: "two weeks ago", "a year ago" (from the article date); "two months later", "three days
  earlier", "the next day", "the following week" (from the previous time in the same text when there
  is one, else from the article date);
- fuzzy times: "early/mid/late November", "around June 10", "the end of March", "this spring".

A :class:`TimeMention` carries its value at the precision the text gives ("2019", "2018-11",
"2019-01-03", ISO week "2018-W52"); :func:`compatible` says whether two mentions can name the same time.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

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
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
PRECISIONS = ("day", "week", "month", "year")  # finest first
_RANK = {p: i for i, p in enumerate(PRECISIONS)}
_ABBR = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_SMALL_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
    "a few": 3,
    "several": 3,
}
_SEASON_MID = {"spring": 4, "summer": 7, "autumn": 10, "fall": 10, "winter": 1}
_PARTS = {
    "early": "early",
    "the beginning of": "early",
    "the start of": "early",
    "mid": "mid",
    "mid-": "mid",
    "the middle of": "mid",
    "late": "late",
    "the end of": "late",
}

_MONTH_NAMES = "|".join(m.capitalize() for m in MONTHS)
_ABBR_NAMES = "|".join(a.capitalize() for a in sorted(_ABBR, key=len, reverse=True))
_WEEKDAY_NAMES = "|".join(d.capitalize() for d in WEEKDAYS)
_YEAR = r"(?:1[89]|20)\d\d"
_PART = r"(?i:early|mid-|mid|late|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of|the\s+end\s+of)"
_APPROX = r"(?i:around|about|approximately|roughly|circa|some|nearly|almost|more\s+than|over|less\s+than)"
_COUNT = (
    r"(?i:\d{1,3}|a\s+couple\s+of|a\s+few|several|an?|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve)"
)

_COUNTED = (
    r"(?:more\s+|new\s+|other\s+)?(?:people|persons|residents|workers|homes|jobs|troops|soldiers|votes|seats|"
    r"students|children|cases|deaths|members|units|tonnes|tons|euros|dollars|pounds|crowns|kilometres|miles|"
    r"metres|cars|vehicles|words|pages|items)\b"
)
_TIME = re.compile(
    # 1. ISO dates: 2025-06-14, 2025-06.
    rf"(?P<iso>\b(?P<iso_y>{_YEAR})-(?P<iso_m>0[1-9]|1[0-2])(?:-(?P<iso_d>0[1-9]|[12]\d|3[01]))?\b(?!-\d))"
    # 2. Calendar dates naming a month: "Thursday, June 14, 2025", "14 June", "early November last year".
    rf"|(?P<cal>\b(?:(?:(?i:on)\s+)?(?P<cal_wd>{_WEEKDAY_NAMES}),?\s+)?"
    rf"(?:(?P<cal_approx>{_APPROX})\s+)?"
    rf"(?:(?P<cal_rel>(?i:next|last|this|past|coming))\s+)?"
    rf"(?:(?P<cal_part>{_PART})\s*)?"
    rf"(?:(?P<cal_d1>0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<cal_m1>{_MONTH_NAMES}|{_ABBR_NAMES})\b\.?"
    rf"|\b(?P<cal_m2>{_MONTH_NAMES}|{_ABBR_NAMES})\b\.?"
    r"(?:\s+(?P<cal_d2>0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\b(?![,.]\d|\s*(?:%|percent|per\s+cent)))?)"
    rf"(?:,?\s+(?P<cal_y>{_YEAR})\b(?![,.]\d))?"
    r"(?P<cal_yrel>\s+(?i:last|next|this)\s+year)?)"
    # 3. Seasons: "this spring", "last winter", "summer 2019".
    rf"|(?P<season>\b(?:(?P<sea_rel>(?i:this|last|next|past|coming|in\s+the|in|during\s+the|during|"
    rf"early|late|mid-|by\s+the))\s+)?\b(?P<sea>(?i:spring|summer|autumn|fall|winter))\b"
    rf"(?:\s+(?:of\s+)?(?P<sea_y>{_YEAR})\b)?)"
    # 4. Years after a cue: "in 2016", "since 1998", "early 2016".
    rf"|(?P<year>\b(?P<yr_cue>(?i:in|since|by|until|till|from|to|before|after|during|through|throughout|"
    rf"between|and|or|of|early|late|mid-|mid|the\s+end\s+of|the\s+start\s+of|the\s+beginning\s+of))\s+"
    rf"(?P<yr>{_YEAR})\b(?!['’]s|[,.]\d|-\d|\s*(?:%|percent|per\s+cent)|\s+{_COUNTED}))"
    # 5. Offsets: "two weeks ago", "three days later", "about a year earlier".
    rf"|(?P<off>\b(?:(?P<off_approx>{_APPROX})\s+)?\b(?P<off_n>{_COUNT})\s+(?P<off_u>(?i:days?|weeks?|months?|"
    r"years?|decades?))\s+(?P<off_dir>(?i:ago|later|earlier|afterwards|previously|before(?=\s*[,.;:!?)]|$)|"
    r"after(?=\s*[,.;:!?)]|$)|on(?=\s*[,.;:!?)]|$))))"
    # 6. Next / previous day, week ... from the anchor: "the next day", "the following month".
    r"|(?P<seq>\b(?i:the\s+(?:(?P<seq_f>next|following)\s+(?P<seq_fu>day|morning|evening|night|week|month|year)"
    r"|(?P<seq_b>previous|preceding)\s+(?P<seq_bu>day|week|month|year)|day\s+(?P<seq_a>before|after)"
    r"(?=\s*[,.;:!?)]|$))))"
    # 7. Weekdays: "on Thursday", "next Tuesday", "Saturday's fire".
    rf"|(?P<wday>\b(?:(?P<wd_rel>(?i:next|last|this|past|coming|on))\s+)?\b(?P<wd>{_WEEKDAY_NAMES})\b)"
    # 8. Deictic words.
    r"|(?P<deixis>\b(?i:(?P<dx_day>the\s+day\s+before\s+yesterday|yesterday|today|tonight|tomorrow|"
    r"last\s+night|this\s+(?:morning|afternoon|evening))"
    r"|(?P<dx_wkend>(?:over|at|during)\s+the\s+weekend|last\s+weekend|this\s+weekend)"
    r"|(?:(?P<dx_mod>earlier|later)\s+)?(?P<dx_rel>this|last|next|past)\s+(?P<dx_u>week|month|year))\b)"
)
# Every time mention holds one of these; the full pattern is only tried around them.
_CORE = re.compile(
    rf"\d+|\b(?:{_MONTH_NAMES}|{_ABBR_NAMES}|{_WEEKDAY_NAMES}|(?i:spring|summer|autumn|fall|winter|yesterday|"
    r"today|tonight|tomorrow|night|morning|afternoon|evening|weekend|days?|weeks?|months?|years?|decades?))\b"
)
_WORD_START = re.compile(r"\b\w")
_WINDOW_END = re.compile(r"[,.;:!?)\n]")
_FUTURE = re.compile(
    r"\b(?:will|won['’]t|shall|(?:is|are|was|were)\s+(?:due|set|scheduled|expected|planned|going)|"
    r"plans?\s+to|intends?\s+to|to\s+be\s+held|from\s+next|until\s+next|upcoming)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[.;:!?,]")
_MONTH_CUE = re.compile(r"\b(?:in|since|until|till|by|of|last|next|this|early|late|mid|from|to|on)\s+$", re.I)


@dataclass(frozen=True)
class TimeMention:
    """A time the text names, at the precision it gives.

    ``value`` is ISO-like: "2019", "2018-11", "2019-01-03", an ISO week "2018-W52" (precision "week"),
    or "--11" / "--11-03" when the year is unknown (no article date to resolve against).
    ``relative`` is true when the value was worked out from the article's date or from an earlier time
    in the text (including a year filled in for "in November"); ``fuzzy`` when the text hedges ("early",
    "around", a season). ``part`` narrows a fuzzy month or year: "early", "mid", "late" or "season".
    """

    start: int
    end: int
    text: str
    value: str
    precision: str  # "day" | "week" | "month" | "year"
    fuzzy: bool = False
    relative: bool = False
    part: str | None = None

    @property
    def year(self) -> int | None:
        return None if self.value.startswith("--") else int(self.value[:4])

    def span(self, year: int | None = None) -> tuple[date, date] | None:
        """First and last day this mention can mean, widened for fuzzy mentions.

        ``year`` stands in for an unknown year; None when it is unknown and not given.
        """
        return _span(self, year)


@dataclass(frozen=True)
class _Resolved:
    """A mention with the pieces callers such as :func:`storyline.enrich.mentions.dates` need."""

    mention: TimeMention
    kind: str  # which pattern found it: iso, cal, season, year, off, seq, wday, deixis
    year: int | None
    month: int | None
    day: int | None
    anchor: date | None  # a representative day, to count later offsets from


def _parse_date(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def _shift_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def _shift(d: date, unit: str, n: int) -> date:
    if unit == "day":
        return d + timedelta(days=n)
    if unit == "week":
        return d + timedelta(weeks=n)
    if unit == "month":
        return _shift_months(d, n)
    if unit == "decade":
        return _shift_months(d, 120 * n)
    return _shift_months(d, 12 * n)


def _value(d: date, precision: str) -> str:
    if precision == "day":
        return d.isoformat()
    if precision == "week":
        year, week, _ = d.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if precision == "month":
        return f"{d.year:04d}-{d.month:02d}"
    return f"{d.year:04d}"


def _coarser(a: str, b: str) -> str:
    return a if _RANK[a] >= _RANK[b] else b


def _future(text: str, start: int) -> bool:
    """The clause before ``start`` speaks of the future ("will", "is due to", "next")."""
    window = text[max(0, start - 90) : start]
    breaks = list(_CLAUSE_BREAK.finditer(window))
    if breaks:
        window = window[breaks[-1].end() :]
    return bool(_FUTURE.search(window))


def _month_number(raw: str) -> int:
    key = raw.lower().rstrip(".")
    return MONTHS.index(key) + 1 if key in MONTHS else _ABBR[key]


def _part_anchor(year: int, month: int, part: str | None) -> date:
    return date(year, month, {"early": 5, "mid": 15, "late": 25}.get(part or "", 1))


def _calendar(m: re.Match[str], text: str, base: date | None) -> _Resolved | None:
    raw_month = m.group("cal_m1") or m.group("cal_m2")
    month = _month_number(raw_month)
    is_abbr = raw_month.lower() in _ABBR and raw_month.lower() not in MONTHS
    day_raw = m.group("cal_d1") or m.group("cal_d2")
    day = int(day_raw) if day_raw else None
    year = int(m.group("cal_y")) if m.group("cal_y") else None
    part = _PARTS.get(" ".join((m.group("cal_part") or "").lower().split())) if m.group("cal_part") else None
    rel = (m.group("cal_rel") or "").lower()
    yrel = (m.group("cal_yrel") or "").split()
    approx = bool(m.group("cal_approx"))
    bare = day is None and year is None and not part and not rel and not yrel and not approx
    start = m.start("cal")
    if is_abbr and day is None:
        return None  # "Mar" or "Dec" alone is too often something else
    if bare and raw_month in ("May", "March", "June", "August") and not _MONTH_CUE.search(text, 0, start):
        after = text[m.end() : m.end() + 2]
        if raw_month == "May" or (after[:1] == " " and after[1:2].isupper()):
            return None  # "May I ask", "March on", "June Carter"
    if day is not None and day > calendar.monthrange(year or 2000, month)[1]:
        day = None
    relative = False
    if year is None and base is not None:
        relative = True
        if yrel:
            year = base.year + {"last": -1, "next": 1}.get(yrel[0].lower(), 0)
        elif rel == "next" or rel == "coming":
            year = base.year if month > base.month else base.year + 1
        elif rel in ("last", "past"):
            year = base.year if month < base.month else base.year - 1
        elif rel == "this":
            year = base.year
        elif _future(text, start):
            year = base.year if (month, day or 31) >= (base.month, base.day) else base.year + 1
        else:
            year = base.year if (month, day or 1) <= (base.month, base.day) else base.year - 1
    fuzzy = bool(part) or approx
    if day is not None:
        precision = "day"
        part = None
    else:
        precision = "month"
    if year is None:
        value = f"--{month:02d}" + (f"-{day:02d}" if day else "")
        anchor = None
    else:
        anchor = date(year, month, day) if day else _part_anchor(year, month, part)
        value = _value(anchor, precision)
    begin = m.start("cal_wd") if m.group("cal_wd") else m.start("cal")
    end = m.end("cal")
    while end > begin and text[end - 1] in ". ":
        end -= 1  # the full stop after "November." ends the sentence, not the date
    if is_abbr and text[end : end + 1] == "." and m.group("cal_m2") and not day_raw:
        end += 1
    mention = TimeMention(begin, end, text[begin:end], value, precision, fuzzy, relative, part)
    return _Resolved(mention, "cal", year, month, day, anchor)


def _season_occurrences(base: date) -> list[int]:
    return [base.year + k for k in (-2, -1, 0, 1)]


def _season(m: re.Match[str], text: str, base: date | None) -> _Resolved | None:
    season = m.group("sea").lower()
    rel = " ".join((m.group("sea_rel") or "").lower().split())
    year_raw = m.group("sea_y")
    if not rel and not year_raw:
        return None  # "spring" alone: a noun ("a hot spring") as often as a time
    if season == "fall" and not year_raw and rel not in ("this", "last", "next", "in the", "during the"):
        return None  # "prices fall"
    mid = _SEASON_MID[season]
    relative = False
    if year_raw:
        year = int(year_raw)
    elif base is None:
        return None
    else:
        relative = True
        here = base.year * 12 + base.month - 1
        # Each occurrence of the season as (first month, middle month) indices.
        occ = [(y * 12 + mid - 1 - 1, y * 12 + mid - 1) for y in _season_occurrences(base)]
        if rel in ("this",):
            _first, middle = min(occ, key=lambda o: abs(o[1] - here))
        elif rel in ("last", "past"):
            _first, middle = max(o for o in occ if o[0] + 2 < here)
        elif rel in ("next", "coming"):
            _first, middle = min(o for o in occ if o[0] > here)
        elif _future(text, m.start("season")):
            _first, middle = min(o for o in occ if o[0] + 2 >= here)
        else:
            _first, middle = max(o for o in occ if o[0] <= here)
        year = middle // 12
    part = "season"
    anchor = date(year, mid, 15)
    start = m.start("sea") if rel in ("in", "in the", "during", "during the", "by the") else m.start("season")
    mention = TimeMention(
        start,
        m.end("season"),
        text[start : m.end("season")],
        _value(anchor, "month"),
        "month",
        True,
        relative,
        part,
    )
    return _Resolved(mention, "season", year, mid, None, anchor)


def _year(m: re.Match[str], text: str) -> _Resolved:
    cue = " ".join(m.group("yr_cue").lower().split())
    part = _PARTS.get(cue)
    start = m.start("yr_cue") if part else m.start("yr")
    year = int(m.group("yr"))
    anchor = date(year, {"early": 2, "mid": 6, "late": 10}.get(part or "", 1), 1)
    mention = TimeMention(
        start, m.end("yr"), text[start : m.end("yr")], f"{year:04d}", "year", bool(part), False, part
    )
    return _Resolved(mention, "year", year, None, None, anchor)


_UNIT_PRECISION = {"day": "day", "week": "week", "month": "month", "year": "year", "decade": "year"}


def _offset(m: re.Match[str], text: str, base: date | None, anchor: _Resolved | None) -> _Resolved | None:
    n_raw = " ".join(m.group("off_n").lower().split())
    n = int(n_raw) if n_raw.isdigit() else _SMALL_NUMBERS[n_raw]
    unit = m.group("off_u").lower().rstrip("s")
    direction = m.group("off_dir").lower()
    fuzzy = bool(m.group("off_approx")) or n_raw in ("a few", "several", "a couple of")
    sign = -1 if direction in ("ago", "earlier", "previously", "before") else 1
    precision = _UNIT_PRECISION[unit]
    if direction == "ago" or anchor is None:
        if base is None:
            return None
        origin = base
    else:
        origin = anchor.anchor
        precision = _coarser(precision, anchor.mention.precision)
        fuzzy = fuzzy or anchor.mention.fuzzy
    assert origin is not None
    when = _shift(origin, unit, sign * n)
    mention = TimeMention(
        m.start("off"), m.end("off"), m.group("off"), _value(when, precision), precision, fuzzy, True
    )
    return _Resolved(mention, "off", when.year, when.month, when.day if precision == "day" else None, when)


def _sequence(m: re.Match[str], base: date | None, anchor: _Resolved | None) -> _Resolved | None:
    if m.group("seq_f"):
        unit, sign = m.group("seq_fu").lower(), 1
    elif m.group("seq_b"):
        unit, sign = m.group("seq_bu").lower(), -1
    else:
        unit, sign = "day", 1 if m.group("seq_a").lower() == "after" else -1
    unit = "day" if unit in ("morning", "evening", "night") else unit
    precision, fuzzy = _UNIT_PRECISION[unit], False
    if anchor is not None:
        origin = anchor.anchor
        precision = _coarser(precision, anchor.mention.precision)
        fuzzy = anchor.mention.fuzzy
    elif base is not None:
        origin = base
    else:
        return None
    assert origin is not None
    when = _shift(origin, unit, sign)
    mention = TimeMention(
        m.start("seq"), m.end("seq"), m.group("seq"), _value(when, precision), precision, fuzzy, True
    )
    return _Resolved(mention, "seq", when.year, when.month, when.day if precision == "day" else None, when)


def _weekday(m: re.Match[str], text: str, base: date | None) -> _Resolved | None:
    if base is None:
        return None
    target = WEEKDAYS.index(m.group("wd").lower())
    rel = (m.group("wd_rel") or "").lower()
    back = (base.weekday() - target) % 7  # days back to the most recent one, 0 = the article's day
    if rel == "next":
        delta = (target - base.weekday()) % 7 or 7
    elif rel in ("last", "past"):
        delta = -(back or 7)
    elif rel in ("coming",) or _future(text, m.start("wday")):
        delta = (target - base.weekday()) % 7
    else:
        delta = -back
    when = base + timedelta(days=delta)
    start = m.start("wd") if rel == "on" else m.start("wday")
    mention = TimeMention(
        start, m.end("wday"), text[start : m.end("wday")], when.isoformat(), "day", False, True
    )
    return _Resolved(mention, "wday", when.year, when.month, when.day, when)


def _deixis(m: re.Match[str], base: date | None) -> _Resolved | None:
    if base is None:
        return None
    fuzzy = False
    if m.group("dx_day"):
        word = " ".join(m.group("dx_day").lower().split())
        offset = {"yesterday": -1, "last night": -1, "tomorrow": 1, "the day before yesterday": -2}.get(
            word, 0
        )
        when, precision = base + timedelta(days=offset), "day"
    elif m.group("dx_wkend"):
        back = (base.weekday() - 5) % 7  # the most recent Saturday
        word = m.group("dx_wkend").lower()
        if "this" in word and _future(m.string, m.start("dx_wkend")):
            back = -((5 - base.weekday()) % 7)
        when, precision, fuzzy = base - timedelta(days=back), "week", False
    else:
        unit = m.group("dx_u").lower()
        rel = m.group("dx_rel").lower()
        when = _shift(base, unit, {"last": -1, "past": -1, "next": 1}.get(rel, 0))
        precision = _UNIT_PRECISION[unit]
    mention = TimeMention(
        m.start("deixis"), m.end("deixis"), m.group("deixis"), _value(when, precision), precision, fuzzy, True
    )
    return _Resolved(mention, "deixis", when.year, when.month, when.day if precision == "day" else None, when)


def _matches(text: str) -> list[re.Match[str]]:
    """The matches ``_TIME.finditer`` would give, tried only at word starts just before a core word.

    Every mention holds a core word (a digit, a month, a weekday, "yesterday", "weeks" ...) and starts
    at most a few words before it, so trying the big pattern there finds the same mentions far faster.
    """
    found = []
    pos = 0
    for core in _CORE.finditer(text):
        if core.end() <= pos:
            continue
        # The window ends at punctuation, where "$" in the pattern means what the punctuation would.
        stop = _WINDOW_END.search(text, core.end() + 24, core.end() + 160)
        hi = stop.start() if stop else core.end() + 160
        for word in _WORD_START.finditer(text, max(pos, core.start() - 48), core.start() + 1):
            if word.start() < pos:
                continue
            m = _TIME.match(text, word.start(), hi)
            if m is not None:
                found.append(m)
                pos = m.end()
                if pos > core.start():
                    break
        pos = max(pos, core.end())
    return found


def _resolve(text: str, published: str | None) -> list[_Resolved]:
    base = _parse_date(published)
    found: list[_Resolved] = []
    anchor: _Resolved | None = None  # the latest time in the text with a known year
    for m in _matches(text):
        hit: _Resolved | None
        if m.group("iso"):
            y, mo = int(m.group("iso_y")), int(m.group("iso_m"))
            d = int(m.group("iso_d")) if m.group("iso_d") else None
            if d is not None and d > calendar.monthrange(y, mo)[1]:
                continue
            when = date(y, mo, d or 1)
            precision = "day" if d else "month"
            mention = TimeMention(m.start(), m.end(), m.group(0), _value(when, precision), precision)
            hit = _Resolved(mention, "iso", y, mo, d, when)
        elif m.group("cal"):
            hit = _calendar(m, text, base)
        elif m.group("season"):
            hit = _season(m, text, base)
        elif m.group("year"):
            hit = _year(m, text)
        elif m.group("off"):
            hit = _offset(m, text, base, anchor)
        elif m.group("seq"):
            hit = _sequence(m, base, anchor)
        elif m.group("wday"):
            hit = _weekday(m, text, base)
        else:
            hit = _deixis(m, base)
        if hit is None:
            continue
        found.append(hit)
        if hit.anchor is not None:
            anchor = hit
    return found


def resolve_times(text: str, published: str | None = None) -> list[TimeMention]:
    """Every time ``text`` names, in order, resolved against ``published`` (the article's date).

    Offsets ("two months later") count from the previous time found in the same text when there is
    one, else from the article date; times that need an article date and have none are left out.
    Offsets are character offsets into ``text``.
    """
    return [r.mention for r in _resolve(text, published)]


def _span(t: TimeMention, year: int | None = None) -> tuple[date, date] | None:
    value = t.value
    if value.startswith("--"):
        if year is None:
            return None
        value = f"{year:04d}{value[1:]}"
    if t.precision == "day":
        first = last = date.fromisoformat(value)
        slack = 3 if t.fuzzy else 0
    elif t.precision == "week":
        y, w = value.split("-W")
        first = date.fromisocalendar(int(y), int(w), 1)
        last = first + timedelta(days=6)
        slack = 3 if t.fuzzy else 0
    elif t.precision == "month":
        y, mo = int(value[:4]), int(value[5:7])
        first, last = date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1])
        if t.part == "early":
            last = date(y, mo, 10)
        elif t.part == "mid":
            first, last = date(y, mo, 11), date(y, mo, 20)
        elif t.part == "late":
            first = date(y, mo, 21)
        slack = (31 if t.part == "season" else 5 if t.part else 15) if t.fuzzy else 0
    else:
        y = int(value[:4])
        first, last = date(y, 1, 1), date(y, 12, 31)
        if t.part == "early":
            last = date(y, 4, 30)
        elif t.part == "mid":
            first, last = date(y, 5, 1), date(y, 8, 31)
        elif t.part == "late":
            first = date(y, 9, 1)
        slack = (45 if t.part else 180) if t.fuzzy else 0
    return first - timedelta(days=slack), last + timedelta(days=slack)


def compatible(a: TimeMention, b: TimeMention) -> bool:
    """The two mentions can name the same time: their spans overlap.

    A coarser mention contains the finer ("November" and "November 3"; "last week" and a day in that
    week); fuzzy mentions are widened ("early November" reaches a few days either side of Nov 1-10,
    "this spring" a month either side of April). Two different days are incompatible. A mention
    without a year takes the other's year.
    """
    ya, yb = a.year, b.year
    sa = _span(a, ya if ya is not None else (yb if yb is not None else 2000))
    sb = _span(b, yb if yb is not None else (ya if ya is not None else 2000))
    if sa is None or sb is None:
        return True
    return sa[0] <= sb[1] and sb[0] <= sa[1]
