"""HTML pages: trafilatura for the main text and metadata, htmldate (through it) for the date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlparse

import trafilatura

from storyline.ingest.dates import date_from_url, normalise_date


@dataclass
class ParsedHtml:
    title: str | None
    body: str
    published: str | None
    url: str | None
    source: str | None
    author: str | None
    language: str | None


# Outlets whose name cannot be read off their domain.
KNOWN_OUTLETS = {
    "apnews.com": "Associated Press",
    "bbc.co.uk": "BBC",
    "bbc.com": "BBC",
    "cnn.com": "CNN",
    "ft.com": "Financial Times",
    "nytimes.com": "The New York Times",
    "washingtonpost.com": "The Washington Post",
    "wsj.com": "The Wall Street Journal",
    "theguardian.com": "The Guardian",
    "reuters.com": "Reuters",
    "aljazeera.com": "Al Jazeera",
    "dw.com": "Deutsche Welle",
    "spiegel.de": "Der Spiegel",
    "lemonde.fr": "Le Monde",
    "elpais.com": "El País",
}
_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac", "or", "ne"}


def readable_domain(url: str | None) -> str | None:
    """A source name from a URL, the last resort: 'https://www.northgate-courier.example/x' -> 'Northgate
    Courier'; well-known outlets by their own name."""
    if not url:
        return None
    host = (urlparse(url).hostname or "").removeprefix("www.")
    if not host:
        return None
    parts = host.split(".")
    for i in range(len(parts) - 1):
        if ".".join(parts[i:]) in KNOWN_OUTLETS:
            return KNOWN_OUTLETS[".".join(parts[i:])]
    # The registered name: the label before the public suffix ("example.co.uk" -> "example").
    labels = parts[:-1] if len(parts) > 1 else parts
    if len(labels) > 1 and labels[-1] in _SECOND_LEVEL:
        labels = labels[:-1]
    name = labels[-1]
    return " ".join(word.capitalize() for word in re.split(r"[-_]+", name) if word) or host


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
        published=normalise_date(doc.date) or date_from_url(page_url),
        url=page_url,
        source=doc.sitename or readable_domain(page_url),
        author=doc.author or None,
        language=doc.language or None,
    )
