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


# A kicker or breadcrumb is a few short words; a line of Chinese or Japanese has no spaces at all, so the
# characters are counted too.
_LABEL_CHARS = 30


def _is_label(line: str) -> bool:
    return (
        len(line.split()) <= 3
        and len(line) <= _LABEL_CHARS
        and not line.rstrip("\"'”’)」").endswith((".", "!", "?", "。", "！", "？"))
    )


_WORD = re.compile(r"\w+")
_ENDED = (".", "!", "?", "。", "！", "？")
_TITLE_OVERLAP = 0.6
# A rule of underscores ("___") in the second half of a text: what follows is the outlet's own note.
_RULE = re.compile(r"^_{3,}$")
# The outlet's requests at the very end of a page: subscribe, follow, share, sign up. (Not copyright lines:
# the gold bodies of bench/extract.py keep them as often as not.)
_PROMO = re.compile(
    r"\b(?:un)?subscrib|\bsign up\b|\bnewsletter\b|\bfollow (?:us|our|@)|\bfollow \S+ on (?:twitter|facebook)"
    r"|\bshare (?:it|this)\b|\b(?:click|tap) here\b",
    re.IGNORECASE,
)
_PROMO_WORDS = 60


def _repeats_title(line: str, title: str) -> bool:
    """A headline line that is the page title in another wording ("X | Outlet", a longer or shorter
    form): most of its words are the title's, and it is not a sentence."""
    words, title_words = set(_WORD.findall(line.lower())), set(_WORD.findall(title.lower()))
    if not words or not title_words or line.endswith(_ENDED):
        return False
    return len(words & title_words) >= _TITLE_OVERLAP * min(len(words), len(title_words))


def _trim(paragraphs: list[str], title: str) -> list[str]:
    """The article without what extraction keeps around it: before the first paragraph, the headline again,
    kickers and breadcrumbs; after the last, a closing rule and the outlet's requests."""
    while len(paragraphs) > 1 and (
        paragraphs[0] == title or _is_label(paragraphs[0]) or (title and _repeats_title(paragraphs[0], title))
    ):
        paragraphs = paragraphs[1:]
    for i in range(len(paragraphs) // 2, len(paragraphs)):
        if _RULE.match(paragraphs[i]):
            paragraphs = paragraphs[:i]
            break
    while (
        len(paragraphs) > 1 and len(paragraphs[-1].split()) <= _PROMO_WORDS and _PROMO.search(paragraphs[-1])
    ):
        paragraphs = paragraphs[:-1]
    return paragraphs


# Elements that never hold article text. Not nav/aside/footer/form: some pages put the whole article in a
# <form> (ASP.NET) or an <aside>, and trafilatura's own pruning handles the rest better than a blanket cut
# (bench/extract.py, tune half: recall 0.947 with them cut, 0.964 without).
_FURNITURE = ("script", "style", "noscript", "iframe", "svg", "button", "select")
# Blocks that, when nearly all their text is link text, are related-links lists, "Read more: <headline>"
# teasers and menus, not the article: dropped before extraction (chosen on the tune half of
# bench/extract.py: F1 0.965 -> 0.969; 0.6-0.9 and up to 50 words give the same).
_LINK_BLOCKS = ("p", "li", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "figcaption")
_LINK_SHARE = 0.8
_LINK_BLOCK_WORDS = 30


def _drop_link_blocks(tree: HtmlElement) -> None:
    for el in list(tree.iter(*_LINK_BLOCKS)):
        text = " ".join("".join(el.itertext()).split())
        if not text or len(text.split()) > _LINK_BLOCK_WORDS:
            continue
        linked = sum(len(" ".join("".join(a.itertext()).split())) for a in el.iter("a"))
        if linked >= _LINK_SHARE * len(text):
            el.drop_tree()


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
    _drop_link_blocks(tree)
    complete = bool(meta["title"] and meta["source"])
    doc = trafilatura.bare_extraction(
        tree,
        url=page_url,
        # Fast mode skips the second opinion of readability/jusText on every page (about a third of the
        # extraction time); trafilatura's own extractor still falls back to a baseline on empty results.
        fast=True,
        with_metadata=not complete,
        include_comments=False,
        # Tables hold article text on some pages (results, schedules); trafilatura keeps data tables only.
        include_tables=True,
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
    # A kicker above the headline names the section ("Opinion") where the page's metadata does not.
    section = meta.get("section")
    for line in paragraphs[:-1]:
        if line != title and not _is_label(line):
            break
        if line != title and not section:
            section = line
    paragraphs = _trim(paragraphs, title)
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
