"""Plain-text pages as scrapers save them: a title line, page furniture, dateline metadata, body.

The title is the first line that can be a headline, by the rule that also titles untitled records:
not page furniture (noise, time stamps, share bars, bracketed credits, breadcrumbs) nor a dated
"Posted …" line. A repeated title, "Posted …/Updated …" lines (turned into the publication date), the
furniture above the body and navigation/share/trending lines around it are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyline.ingest.dates import normalise_date

# Lines that belong to the page, not the article. Matched against a whole stripped line.
_NOISE = re.compile(
    r"""^(?:
        go\ to\ (?:contents?|main\ content|top)
      | skip\ to\ (?:main\ )?content
      | (?:main\ )?menu | navigation | search | home | close
      | advertisement | sponsored(?:\ content)? | ad
      | share(?:\ this(?:\ (?:article|story|page))?)?(?:\ on\ \w+)?
      | (?:subscribe|sign\ up)\b.{0,60}
      | sign\ in | log\ in | register
      | follow\ us\b.{0,60}
      | trending\b.{0,60}
      | (?:read|see)\ (?:more|also)\b.{0,60}
      | related(?:\ (?:articles|stories|content))?
      | comments?(?:\ \(\d+\))?
      | print | email | facebook | twitter | x | linkedin | whatsapp
      | (?:all\ )?rights\ reserved.{0,60} | ©.{0,80} | copyright\b.{0,80}
    )[\s.:!|]*$""",
    re.IGNORECASE | re.VERBOSE,
)
_DATELINE = re.compile(
    r"^(?P<kind>posted|published|updated|last\ updated|modified|date)\s*(?:on|:)?\s*(?P<when>.{6,60})$",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass
class ParsedText:
    title: str | None
    body: str
    published: str | None


# A time stamp on a line of its own: "May 3rd, 2013 2: 00pm EDT", "05 / 02 / 2013", "UPDATED 11:32 a.m.".
_STAMP_WORDS = re.compile(
    r"^(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?"
    r"|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|[ap]|m|am|pm|at|on|by|first|last|originally"
    r"|posted|published|updated|modified|date|st|nd|rd|th"
    r"|et|est|edt|ct|cst|cdt|mt|mst|mdt|pt|pst|pdt|gmt|utc|bst|cet|cest)$",  # time zones
    re.IGNORECASE,
)
# Share bars and breadcrumbs: "share tweet pin email", "English >> World".
_SHARE_WORDS = frozenset(
    ("share", "tweet", "pin", "email", "print", "comment", "comments", "save", "facebook", "twitter")
)
_BREADCRUMB = re.compile(r"\s(?:>>|›)\s")


def _is_noise(line: str) -> bool:
    return bool(_NOISE.match(line))


def _is_stamp(line: str) -> bool:
    words = re.findall(r"[^\W\d_]+", line)
    return any(c.isdigit() for c in line) and all(_STAMP_WORDS.match(w) for w in words)


def _is_share_bar(line: str) -> bool:
    words = line.casefold().split()
    return bool(words) and all(w.strip(".:|") in _SHARE_WORDS for w in words)


def _is_furniture(line: str) -> bool:
    """A line no headline looks like: page noise, a time stamp, a share bar, a credit in brackets or a
    breadcrumb trail."""
    return (
        _is_noise(line)
        or _is_stamp(line)
        or _is_share_bar(line)
        or (line[0] in "([" and line[-1] in ")]")
        or bool(_BREADCRUMB.search(line) and len(line.split()) <= 6)
    )


def _dateline(line: str) -> tuple[str, str] | None:
    """The kind ("posted", "updated", ...) and the date of a "Posted …/Updated …" line that holds one."""
    match = _DATELINE.match(line)
    when = normalise_date(match.group("when")) if match else None
    return (match.group("kind").lower(), when) if match and when else None


def _is_header(line: str) -> bool:
    """A line that can stand above a headline but never be one: page furniture or a dated "Posted …" line.
    Plain-text pages and untitled records choose their title by this one rule."""
    return _is_furniture(line) or _dateline(line) is not None


def headline(text: str) -> str | None:
    """The first line of a text that can be its headline, or None when every line looks like page
    furniture: what an untitled record (JSONL, CSV, feed item) shows as its title."""
    for line in text.splitlines():
        line = line.replace("\u00a0", " ").strip()
        if line and not _is_header(line):
            return line
    return None


def parse_text(raw: str) -> ParsedText:
    """Split a scraped plain-text page into title, clean body (paragraphs joined by blank lines) and date."""
    lines = [line.strip() for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    # Non-breaking spaces left by scrapers make "noise" lines look like content.
    lines = [line.replace("\u00a0", " ").strip() for line in lines]
    title: str | None = None
    published: str | None = None
    body: list[str] = []
    for line in lines:
        # A share bar is never prose, wherever it stands, like the lone "Share" that is noise.
        if not line or _is_noise(line) or _is_share_bar(line):
            continue
        if not body and _is_header(line):
            # Above the body a time stamp, a photo credit or a breadcrumb is page header, not story; a
            # bare stamp gives no publication date, as page headers often show the day it was scraped.
            dateline = _dateline(line)
            if dateline and dateline[0] in ("posted", "published", "date"):
                published = published or dateline[1]
            continue
        if title is None:
            title = line
            continue
        if line == title and not body:
            continue
        body.append(line)
    if not body and title:
        # A one-line text is all title and all body.
        body = [title]
    return ParsedText(title=title, body="\n\n".join(body), published=published)
