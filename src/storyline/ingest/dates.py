"""Publication dates: any reasonable written date to ISO 8601 (YYYY-MM-DD); never one read against
today's clock."""

from __future__ import annotations

import re
from datetime import date, datetime

import dateparser

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
# "January. 05, 2019" (a Korean-site habit): the dot after the month defeats parsers.
_MONTH_DOT = re.compile(r"\b([A-Za-z]{3,9})\.(?=\s*\d)")
# Only dates that say when by themselves: "yesterday", "3 hours ago", "Monday", "May 5" or a bare "2024"
# would be read against today's clock, giving an archive the day it was ingested (and a new one each run).
_SETTINGS = {
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "STRICT_PARSING": False,
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
    "REQUIRE_PARTS": ["year", "month"],
}


def normalise_date(value: object) -> str | None:
    """An ISO date for ``value`` (a string, date or datetime), or None when it is not a date."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip().rstrip(",;")
    if not text:
        return None
    match = _ISO.match(text)
    if match:
        try:
            return date(*map(int, match.groups())).isoformat()
        except ValueError:
            return None
    text = _MONTH_DOT.sub(r"\1", text)
    parsed = dateparser.parse(text, languages=["en"], settings=_SETTINGS)
    return parsed.date().isoformat() if parsed else None


_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")


def date_from_url(url: str | None) -> str | None:
    """The date news sites put in their paths: ``/2019/01/05/`` or ``/2019-01-05-``."""
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    try:
        return date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None
