"""Render a ``stories.json`` document (:class:`~storyline.contract.StoriesDocument`) as one
self-contained HTML5 page, through the templates the web UI uses (``templates/report.html``).

The page works offline: its CSS is inline, it has no script and loads nothing. Element ids are built
from positions only (``story-2``, ``s2-a1``, ``s2-q3``), never from article ids, which are untrusted;
autoescape escapes every value. A citation links to its quote in the source's card, highlighted with
the CSS ``:target`` selector, and a strict Content-Security-Policy forbids scripts and remote resources
as a second line of defence.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from storyline.contract import StoriesDocument, Story
from storyline.render import TEMPLATES, environment
from storyline.render.story import (
    FramingRow,
    StoryView,
    format_span,
    http_url,
    noun,
    short_date,
    span_of,
    story_view,
    threads,
)
from storyline.report.parts import StoryPart, numbered_parts

# Where the stories' parts go in the rendered page: text no escaped value can contain (autoescape turns
# every "<" of data into "&lt;").
_TOC, _SECTIONS = "<!--storyline:toc-->", "<!--storyline:sections-->"
# No script is ever emitted, so the policy can forbid scripts and every remote resource outright.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


@dataclass(frozen=True)
class Card:
    """One source of a story: the article, its framing, and the passages the story cites from it."""

    anchor: str
    title: str
    url: str | None  # http(s) only: linked
    unlinked_url: str  # any other URL, shown as text
    source: str
    published: str
    language: str
    framing: FramingRow | None
    quotes: list[tuple[int, str, str]]  # (citation number, element id, quote)


@cache
def _template() -> jinja2.Template:
    return environment().get_template("report.html")


@cache
def _css() -> Markup:
    # Our own stylesheet, not data: it goes in as it is.
    return Markup((TEMPLATES / "report.css").read_text(encoding="utf-8"))


def _view(story: Story, number: int) -> StoryView:
    prefix = f"s{number}-"
    position = {article_id: k for k, article_id in enumerate(dict.fromkeys(a.id for a in story.articles), 1)}

    def card_of(article_id: str) -> str:
        k = position.get(article_id)
        return f"#{prefix}a{k}" if k else f"#story-{number}"

    return story_view(story, lambda _a, _q, n, _m: f"#{prefix}q{n}", card_of, number, prefix)


def _cards(view: StoryView) -> list[Card]:
    framing: dict[str, FramingRow] = {}
    for row in view.framing:
        framing.setdefault(row.article_id, row)
    quotes: dict[str, list[tuple[int, str, str]]] = {}
    for number, article_id, quote in view.index.cited:
        quotes.setdefault(article_id, []).append((number, f"{view.prefix}q{number}", quote))
    cards = []
    for k, (article_id, article) in enumerate(view.index.articles.items(), 1):
        url = (article.url or "").strip()
        cards.append(
            Card(
                anchor=f"{view.prefix}a{k}",
                title=(article.title or "").strip() or "(untitled)",
                url=http_url(url),
                unlinked_url=url if url and http_url(url) is None else "",
                source=(article.source or "").strip() or "unknown source",
                published=short_date(article.published),
                language=(article.language or "").strip().upper(),
                framing=framing.get(article_id),
                quotes=quotes.get(article_id, []),
            )
        )
    # A citation may point at an article the story does not list: its quotes stay reachable.
    unlisted = [a for a in quotes if a not in view.index.articles]
    for k, article_id in enumerate(unlisted, len(cards) + 1):
        cards.append(
            Card(
                anchor=f"{view.prefix}a{k}",
                title=f"Unlisted article {article_id}",
                url=None,
                unlinked_url="",
                source="unknown source",
                published="",
                language="",
                framing=framing.get(article_id),
                quotes=quotes[article_id],
            )
        )
    return cards


@cache
def _story_macros() -> Any:
    return environment().get_template("_report_story.html").module


def story_html(story: Story, number: int) -> tuple[str, str]:
    """The story's line in the report's contents and its section, as the ``number``-th story."""
    view = _view(story, number)
    macros = _story_macros()
    return str(macros.toc(view)), str(macros.section(view, _cards(view))).strip("\n")


def render_html(doc: StoriesDocument) -> str:
    """The whole document as a single self-contained HTML page."""
    return "".join(html_page(doc, numbered_parts(doc.stories)))


def html_page(doc: StoriesDocument, parts: list[StoryPart]) -> list[str]:
    """The page of ``doc``'s storylines and ingest ledger with its stories' ``parts``, numbered in order
    (``doc.stories`` is not read: a later run keeps most parts rather than the stories), as the pieces
    that make it up: the parts go in as they are, never copied into one string (a report of thousands
    of stories is a hundred megabytes)."""
    articles = sum(p.cards for p in parts)
    sources = {name for p in parts for name in p.sources}
    conflicts = sum(p.conflicts for p in parts)
    stats = [
        (len(parts), noun(len(parts), "story", "stories")),
        (articles, noun(articles, "article")),
        (len(sources), noun(len(sources), "source")),
        (conflicts, noun(conflicts, "conflict")),
    ]
    unsourced = sum(p.unsourced for p in parts)
    if unsourced:
        stats.insert(3, (unsourced, noun(unsourced, "article") + " without a source"))
    stats.append((doc.ingest.ingested, "ingested"))
    lines = [
        (
            line.title.strip() or "Storyline",
            format_span(span_of(line.time_span)),
            [(n, parts[n - 1].title.strip() or f"Story {n}", format_span(parts[n - 1].span)) for n in ns],
        )
        for line, ns in threads(doc.storylines, [p.id for p in parts])
    ]
    titles: dict[str, str] = {}
    for part in parts:
        for article_id, title in part.titles.items():
            titles.setdefault(article_id, title)
    page = _template().render(
        ingest=doc.ingest,
        csp=CSP,
        css=_css(),
        generated=doc.generated.strip(),
        stats=stats,
        listed=bool(parts),
        toc=Markup(_TOC),
        sections=Markup(_SECTIONS),
        threads=lines,
        titles=titles,
    )
    # A report of no stories has no contents list to fill.
    head, rest = page.split(_TOC, 1) if parts else ("", page)
    middle, tail = rest.split(_SECTIONS, 1)
    sections = [piece for p in parts for piece in (p.html_section, "\n")]
    return [head, *(p.html_toc for p in parts), middle, *sections, tail.removeprefix("\n")]
