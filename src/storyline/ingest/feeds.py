"""RSS 2.0, RSS 1.0 (RDF) and Atom feed files: one record per item or entry.

Parsed with lxml (no entity expansion, no network). Each item becomes a JSON-like record — title,
link → url, pubDate/published/updated → published, author, text from content:encoded / content /
description / summary with the HTML reduced to paragraphs, source = the feed's title — so it is
validated exactly as a JSON Lines record is.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

from lxml import etree
from lxml import html as lxml_html

from storyline.ingest.dates import normalise_date

_FEED_ROOT = re.compile(
    r"""\A\ufeff?\s*
    (?:<\?xml[^>]*\?>\s*|<!--.*?-->\s*|<\?[^>]*\?>\s*|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>\s*)*
    <(?:[A-Za-z_][\w.-]*:)?(rss|feed|RDF)[\s>/]""",
    re.DOTALL | re.VERBOSE,
)
_XML_ROOT = re.compile(
    r"\A\ufeff?\s*(?:<\?xml[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<([\w.:-]+)", re.S
)
_XML_DECL = re.compile(r"\A\ufeff?\s*<\?xml[^>]*\?>")
_BLOCK = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "tr",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "figure",
        "figcaption",
        "dd",
        "dt",
        "dl",
        "hr",
        "aside",
        "address",
    ]
)
_DROP = ("script", "style", "noscript", "iframe", "form", "object", "embed", "svg")
_SPACE = re.compile(r"\s+")
_BREAK = "\ue000"  # a private-use character: valid in XML, never in real text
_AUTHOR_IN_PARENS = re.compile(r"\(([^()]+)\)\s*$")


@dataclass
class FeedItem:
    number: int  # 1-based position among the feed's items/entries
    record: dict[str, str]  # a JSON-like record; "text" missing when the item has none


@dataclass
class Feed:
    title: str | None
    items: list[FeedItem] = field(default_factory=list)
    broken: str | None = None  # where malformed XML stopped a strict parse


def feed_root(text: str) -> str | None:
    """'rss', 'feed' or 'RDF' when ``text`` starts like a feed document."""
    match = _FEED_ROOT.match(text[:8192])
    return match.group(1) if match else None


def xml_root(text: str) -> str | None:
    match = _XML_ROOT.match(text[:8192])
    return match.group(1) if match else None


def html_to_paragraphs(fragment: str) -> str:
    """Text of an HTML fragment, block elements as paragraphs separated by blank lines."""
    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment and "&" not in fragment:
        return _plain_paragraphs(fragment)
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return _plain_paragraphs(fragment)
    for bad in list(root.iter(*_DROP)):
        bad.drop_tree()
    for el in root.iter():
        if not isinstance(el.tag, str):  # comments, processing instructions
            el.text = ""
            continue
        if el.text:
            el.text = _SPACE.sub(" ", el.text)
        if el.tail:
            el.tail = _SPACE.sub(" ", el.tail)
        if el.tag.lower() in _BLOCK:
            el.text = _BREAK + (el.text or "")
            el.tail = _BREAK + (el.tail or "")
    paragraphs = (p.strip() for p in root.text_content().split(_BREAK))
    return "\n\n".join(p for p in paragraphs if p)


def _plain_paragraphs(text: str) -> str:
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    return "\n\n".join(_SPACE.sub(" ", b).strip() for b in blocks if b.strip())


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if _local(c) == name]


def _child(el: etree._Element, *names: str) -> etree._Element | None:
    for name in names:
        for c in el:
            if _local(c) == name:
                return c
    return None


def _text(el: etree._Element | None) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


def _language(value: str | None) -> str | None:
    code = re.split(r"[-_]", (value or "").strip(), maxsplit=1)[0].lower()
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def _date(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    try:
        return normalise_date(parsedate_to_datetime(value).isoformat())
    except (TypeError, ValueError, IndexError):
        return normalise_date(value)


def _atom_text(el: etree._Element | None) -> str:
    """An Atom text construct (type text, html or xhtml) as paragraphs."""
    if el is None:
        return ""
    kind = (el.get("type") or "text").lower()
    if kind == "xhtml" or (len(el) and kind not in ("text", "html")):
        inner = (el.text or "") + "".join(
            etree.tostring(c, encoding="unicode", with_tail=True) for c in el if isinstance(c.tag, str)
        )
        return html_to_paragraphs(inner)
    if kind in ("html", "text/html"):
        return html_to_paragraphs(el.text or "")
    return _plain_paragraphs(_text(el))


def _item_id(value: str, stem: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    return f"{stem}-{hashlib.sha1(value.encode('utf-8')).hexdigest()[:10]}"


def _rss_item(item: etree._Element, stem: str, language: str | None) -> dict[str, str]:
    record: dict[str, str] = {}
    title = html_to_paragraphs(_text(_child(item, "title"))).replace("\n\n", " ")
    if title:
        record["title"] = title
    link = _text(_child(item, "link"))
    guid_el = _child(item, "guid")
    guid = _text(guid_el)
    if not link and guid.startswith(("http://", "https://")) and (guid_el.get("isPermaLink") != "false"):
        link = guid
    if link:
        record["url"] = link
    own_id = _item_id(guid or link, stem)
    if own_id:
        record["id"] = own_id
    for name in ("pubDate", "date", "issued", "published", "updated", "modified"):
        when = _date(_text(_child(item, name)))
        if when:
            record["published"] = when
            break
    author = _text(_child(item, "creator")) or _text(_child(item, "author"))
    in_parens = _AUTHOR_IN_PARENS.search(author)
    if in_parens:
        author = in_parens.group(1).strip()
    if author:
        record["author"] = author
    for name in ("encoded", "content", "description", "summary"):
        text = html_to_paragraphs(_text(_child(item, name)))
        if text:
            record["text"] = text
            break
    if language:
        record["language"] = language
    return record


def _atom_entry(
    entry: etree._Element, stem: str, language: str | None, feed_author: str | None
) -> dict[str, str]:
    record: dict[str, str] = {}
    title = _atom_text(_child(entry, "title")).replace("\n\n", " ")
    if title:
        record["title"] = title
    links = _children(entry, "link")
    alternate = next((lk for lk in links if lk.get("rel", "alternate") == "alternate"), None)
    href = (alternate if alternate is not None else links[0]).get("href") if links else None
    if href:
        record["url"] = href.strip()
    own_id = _item_id(_text(_child(entry, "id")) or (href or ""), stem)
    if own_id:
        record["id"] = own_id
    for name in ("published", "issued", "created", "updated", "modified"):
        when = _date(_text(_child(entry, name)))
        if when:
            record["published"] = when
            break
    author_el = _child(entry, "author")
    author = _text(_child(author_el, "name")) if author_el is not None else ""
    if author or feed_author:
        record["author"] = author or feed_author or ""
    for name in ("content", "summary"):
        text = _atom_text(_child(entry, name))
        if text:
            record["text"] = text
            break
    entry_language = _language(entry.get("{http://www.w3.org/XML/1998/namespace}lang")) or language
    if entry_language:
        record["language"] = entry_language
    return record


def parse_feed(text: str, stem: str) -> Feed:
    """The items of an RSS/Atom document (``text`` already decoded). Malformed XML is read as far as
    it goes, and :attr:`Feed.broken` says where it broke."""
    body = _XML_DECL.sub("", text, count=1).encode("utf-8")
    broken = None
    strict = etree.XMLParser(resolve_entities=False, no_network=True, encoding="utf-8", huge_tree=True)
    try:
        root = etree.fromstring(body, strict)
    except etree.XMLSyntaxError as exc:
        line = f" at line {exc.lineno}" if exc.lineno else ""
        broken = f"feed XML is malformed{line}: {exc.msg}; items after that point may be missing"
        loose = etree.XMLParser(
            resolve_entities=False, no_network=True, encoding="utf-8", recover=True, huge_tree=True
        )
        root = etree.fromstring(body, loose)
    if root is None:
        return Feed(None, broken=broken or "feed XML has no root element")
    kind = _local(root)
    if kind == "feed":
        title = _atom_text(_child(root, "title")).replace("\n\n", " ") or None
        language = _language(root.get("{http://www.w3.org/XML/1998/namespace}lang"))
        author_el = _child(root, "author")
        feed_author = _text(_child(author_el, "name")) if author_el is not None else None
        entries = _children(root, "entry")
        items = [
            FeedItem(n, _atom_entry(e, stem, language, feed_author or None)) for n, e in enumerate(entries, 1)
        ]
    else:
        channel = _child(root, "channel")
        meta = channel if channel is not None else root
        title = _text(_child(meta, "title")) or None
        language = _language(_text(_child(meta, "language")))
        entries = [el for el in root.iter() if _local(el) == "item"]
        items = [FeedItem(n, _rss_item(e, stem, language)) for n, e in enumerate(entries, 1)]
    if title:
        for item in items:
            item.record["source"] = title
    return Feed(title, items, broken)
