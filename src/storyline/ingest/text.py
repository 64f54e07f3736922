"""Plain-text pages as scrapers save them: a title line, page furniture, dateline metadata, body.

The title is the first line that is not page noise; a repeated title, "Posted …/Updated …" lines
(turned into the publication date) and navigation/share/trending lines around the body are dropped.
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


def _is_furniture(line: str) -> bool:
    """A line no headline looks like: page noise, a time stamp, a share bar, a credit in brackets or a
    breadcrumb trail."""
    words = line.casefold().split()
    return (
        _is_noise(line)
        or _is_stamp(line)
        or (bool(words) and all(w.strip(".:|") in _SHARE_WORDS for w in words))
        or (line[0] in "([" and line[-1] in ")]")
        or bool(_BREADCRUMB.search(line) and len(words) <= 6)
    )


def headline(text: str) -> str | None:
    """The first line of a text that can be its headline, or None when every line looks like page
    furniture: what an untitled record (JSONL, CSV, feed item) shows as its title."""
    for line in text.splitlines():
        line = line.replace("\u00a0", " ").strip()
        if not line or _is_furniture(line):
            continue
        dateline = _DATELINE.match(line)
        if dateline and normalise_date(dateline.group("when")):
            continue
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
        if not line or _is_noise(line):
            continue
        dateline = _DATELINE.match(line)
        if dateline and not body:
            when = normalise_date(dateline.group("when"))
            if when:
                if dateline.group("kind").lower() in ("posted", "published", "date"):
                    published = published or when
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
