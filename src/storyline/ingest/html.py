"""HTML pages: trafilatura for the main text, htmldate for the date, the page's own tags for metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlparse

import trafilatura
from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html

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
    section: str | None = None  # the page's own section: article:section, else a kicker ("Opinion")


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


_FURNITURE = (
    "script",
    "style",
    "noscript",
    "nav",
    "aside",
    "footer",
    "form",
    "iframe",
    "svg",
    "button",
    "select",
)


def _first(tree: HtmlElement, *xpaths: str) -> str | None:
    for xpath in xpaths:
        for value in tree.xpath(xpath):
            text = " ".join(str(value).split())
            if text:
                return text
    return None


def _meta(tree: HtmlElement, url: str | None) -> dict[str, str | None]:
    """What a news page declares about itself in its head (Open Graph, article:*, canonical link)."""
    title = _first(
        tree,
        '//meta[@property="og:title"]/@content',
        '//meta[@name="twitter:title"]/@content',
        "//h1//text()",
        "//title/text()",
    )
    return {
        "title": title,
        "source": _first(
            tree, '//meta[@property="og:site_name"]/@content', '//meta[@name="application-name"]/@content'
        ),
        "author": _first(
            tree,
            '//meta[@name="author"]/@content',
            '//meta[@property="article:author"]/@content',
            '//*[@rel="author"]//text()',
        ),
        "url": _first(tree, '//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content') or url,
        "language": _first(tree, "/html/@lang"),
        "section": _first(tree, '//meta[@property="article:section"]/@content'),
    }


def parse_html(raw: str, url: str | None = None) -> ParsedHtml | None:
    """Main text and metadata of a page, or None when the page has no extractable article text.

    The page is parsed once. Title, outlet and author come from the tags a news page declares in its
    head when it has them; only a page without them pays for trafilatura's full metadata heuristics
    (half of its run time on a typical page). The date is always htmldate's, first publication first.
    """
    tree = load_html(raw)
    if tree is None:
        return None
    meta = _meta(tree, url)
    page_url = meta["url"]
    published = normalise_date(find_date(tree, url=page_url, original_date=True, extensive_search=False))
    # Page furniture never holds the article; cutting it in C first spares trafilatura's XPath pruning
    # (most of its time on a heavy page) from walking hundreds of menu links.
    etree.strip_elements(tree, *_FURNITURE, with_tail=False)
    complete = bool(meta["title"] and meta["source"])
    doc = trafilatura.bare_extraction(
        tree,
        url=page_url,
        # Fast mode skips the second opinion of readability/jusText on every page (about a third of the
        # extraction time); trafilatura's own extractor still falls back to a baseline on empty results.
        fast=True,
        with_metadata=not complete,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"original_date": True, "extensive_search": True},
    )
    if doc is None or not (doc.text or "").strip():
        return None
    if not complete:
        meta = {
            key: meta[key] or getattr(doc, attr, None)
            for key, attr in (
                ("title", "title"),
                ("source", "sitename"),
                ("author", "author"),
                ("url", "url"),
                ("language", "language"),
            )
        }
        page_url = meta["url"] or page_url
        published = published or normalise_date(doc.date)
    # trafilatura separates paragraphs with single newlines; blank lines keep them apart downstream.
    paragraphs = [line.strip() for line in doc.text.split("\n") if line.strip()]
    title = (meta["title"] or "").strip()
    # Before the first paragraph: the <h1> repeating the title, and kickers or breadcrumbs ("News").
    section = meta.get("section")
    while len(paragraphs) > 1 and (paragraphs[0] == title or _is_label(paragraphs[0])):
        if paragraphs[0] != title and not section:
            section = paragraphs[0]  # a kicker above the headline names the section ("Opinion")
        paragraphs = paragraphs[1:]
    return ParsedHtml(
        title=title or None,
        body="\n\n".join(paragraphs),
        published=published or date_from_url(page_url),
        url=page_url,
        source=meta["source"] or readable_domain(page_url),
        author=meta["author"],
        language=meta["language"],
        section=(section or "").strip() or None,
    )
