"""HTML pages: trafilatura for the main text and metadata, htmldate (through it) for the date."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

import trafilatura

from storyline.ingest.dates import normalise_date


@dataclass
class ParsedHtml:
    title: str | None
    body: str
    published: str | None
    url: str | None
    source: str | None
    author: str | None
    language: str | None


def readable_domain(url: str | None) -> str | None:
    """'https://www.northgate-courier.example/x' -> 'northgate-courier.example' (a source of last resort)."""
    if not url:
        return None
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.") or None


def _is_label(line: str) -> bool:
    return len(line.split()) <= 3 and not line.rstrip("\"'”’)").endswith((".", "!", "?"))


def parse_html(raw: str, url: str | None = None) -> ParsedHtml | None:
    """Main text and metadata of a page, or None when the page has no extractable article text."""
    doc = trafilatura.bare_extraction(
        raw,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        # original_date: the first publication, not the last edit.
        date_extraction_params={"original_date": True, "extensive_search": True},
    )
    if doc is None or not (doc.text or "").strip():
        return None
    # trafilatura separates paragraphs with single newlines; blank lines keep them apart downstream.
    paragraphs = [line.strip() for line in doc.text.split("\n") if line.strip()]
    title = (doc.title or "").strip()
    # Before the first paragraph: the <h1> repeating the title, and kickers or breadcrumbs ("News").
    while len(paragraphs) > 1 and (paragraphs[0] == title or _is_label(paragraphs[0])):
        paragraphs = paragraphs[1:]
    body = "\n\n".join(paragraphs)
    page_url = doc.url or url
    return ParsedHtml(
        title=doc.title or None,
        body=body,
        published=normalise_date(doc.date),
        url=page_url,
        source=doc.sitename or readable_domain(page_url),
        author=doc.author or None,
        language=doc.language or None,
    )
