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


def _is_noise(line: str) -> bool:
    return bool(_NOISE.match(line))


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
