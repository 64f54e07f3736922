"""View models of the web pages: what a template needs, worked out in Python so templates stay dumb.

Element ids are built from positions only (``c2`` for the second source column, ``c2-s5`` for its
sixth sentence), never from article ids, which are untrusted. A citation links to the sentence of the
source column that contains its quote.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote as urlquote

from storyline.model import Article
from storyline.report.markdown import (
    StoryIndex,
    dicts,
    format_span,
    format_tone,
    http_url,
    strings,
    text,
    tone_label,
    tone_value,
)

from .catalog import Snapshot, StoryEntry

# The story page's own sections; any other key a newer engine adds is shown as it is, under "More".
KNOWN_KEYS = {
    "id",
    "title",
    "articles",
    "summary",
    "shared",
    "unique",
    "conflicts",
    "framing",
    "timeline",
    "key_entities",
    "time_span",
    "source_count",
}
MAX_DAY_BARS = 45  # a longer story gets one coverage bar per publication date instead of per day
CHART_W, CHART_H = 320, 120


def story_href(story_id: str) -> str:
    return "/stories/" + urlquote(story_id, safe="")


def article_href(article_id: str) -> str:
    return "/articles/" + urlquote(article_id, safe="")


def locate(article: Article, quote: str) -> list[int]:
    """Indices of the article's sentences that the quote spans (whitespace may differ); [] if absent."""
    words = quote.split()
    if not words:
        return []
    found = re.search(r"\s+".join(map(re.escape, words)), article.text)
    if found is None:
        return []
    return [i for i, (start, end) in enumerate(spans(article)) if start < found.end() and end > found.start()]


def spans(article: Article) -> list[tuple[int, int]]:
    """Sentence spans; an article stored before enrichment counts as one sentence."""
    return [(s.start, s.end) for s in article.sentences] or [(0, len(article.text))]


@dataclass
class SentenceView:
    anchor: str
    text: str
    marks: set[str] = field(default_factory=set)  # "conflict", "unique", "cited"

    @property
    def css(self) -> str:
        return " ".join(sorted(self.marks))


@dataclass
class ColumnView:
    number: int
    anchor: str
    meta: dict[str, Any]
    href: str
    url: str | None
    genre: str
    tone: str
    tone_label: str
    sentences: list[SentenceView]


@dataclass
class Cite:
    number: int
    href: str
    label: str
    quote: str
    value: str = ""  # a conflicting claim's value


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    tip: str
    css: str = ""


@dataclass
class StoryPage:
    entry: StoryEntry
    title: str
    span: str
    key_entities: list[str]
    summary: list[dict[str, Any]]  # {"text", "cites": [Cite]}
    conflicts: list[dict[str, Any]]  # {"type", "about", "claims": [Cite]}
    framing: list[dict[str, Any]]  # per source
    unique: list[dict[str, Any]]  # {"source", "facts": [{"claim", "cites"}]}
    shared: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    columns: list[ColumnView]
    coverage: list[Bar]
    tones: list[Bar]
    extra: dict[str, Any]


class _Citer:
    """Turns citations into numbered links to the source sentence, marking that sentence."""

    def __init__(
        self, story: dict[str, Any], columns: list[ColumnView], articles: dict[str, Article]
    ) -> None:
        self.index = StoryIndex(story)
        self.column = {c.meta["id"]: c for c in columns}
        self.articles = articles

    def cite(self, citation: dict[str, Any], mark: str = "cited") -> Cite:
        article_id, quote = text(citation.get("article_id")), text(citation.get("quote"))
        number = self.index.number(citation)
        label = self.index.label(article_id)
        column = self.column.get(article_id)
        article = self.articles.get(article_id)
        if column is None or article is None:
            href = article_href(article_id)
        else:
            found = locate(article, quote)
            for i in found:
                column.sentences[i].marks.add(mark)
            href = f"#{column.sentences[found[0]].anchor}" if found else f"#{column.anchor}"
        return Cite(number, href, label, quote, text(citation.get("value")))

    def cites(self, item: dict[str, Any], key: str = "citations", mark: str = "cited") -> list[Cite]:
        return [self.cite(c, mark) for c in dicts(item.get(key))]


def _column(
    number: int, meta: dict[str, Any], article: Article | None, framing: dict[str, Any]
) -> ColumnView:
    anchor = f"c{number}"
    sentences = []
    if article is not None:
        sentences = [
            SentenceView(f"{anchor}-s{i}", article.text[start:end])
            for i, (start, end) in enumerate(spans(article))
        ]
    return ColumnView(
        number=number,
        anchor=anchor,
        meta=meta,
        href=article_href(text(meta.get("id"))),
        url=http_url(meta.get("url")),
        genre=text(framing.get("genre")),
        tone=format_tone(framing.get("tone")) if "tone" in framing else "",
        tone_label=tone_label(framing.get("tone")),
        sentences=sentences,
    )


def _coverage(articles: list[dict[str, Any]]) -> list[Bar]:
    """Articles per day (per publication date for long stories), as bars of a small chart."""
    counts = Counter(text(a.get("published"))[:10] for a in articles if text(a.get("published"))[:10])
    try:
        days = sorted(date.fromisoformat(d) for d in counts)
    except ValueError:
        return []
    if not days:
        return []
    span = (days[-1] - days[0]).days + 1
    axis = [days[0] + timedelta(n) for n in range(span)] if span <= MAX_DAY_BARS else days
    peak = max(counts.values())
    slot = CHART_W / len(axis)
    bars = []
    for n, day in enumerate(axis):
        count = counts.get(day.isoformat(), 0)
        height = (CHART_H - 20) * count / peak
        tip = f"{day.isoformat()}: {count} article{'s' if count != 1 else ''}"
        bars.append(
            Bar(n * slot + slot * 0.1, CHART_H - 14 - height, slot * 0.8, height, day.strftime("%d %b"), tip)
        )
    return bars


def _tones(framing: list[dict[str, Any]], index: StoryIndex) -> list[Bar]:
    """Mean tone per source, as bars left (negative) or right (positive) of a centre line."""
    by_source: dict[str, list[float]] = defaultdict(list)
    for item in framing:
        tone = tone_value(item.get("tone"))
        if tone is not None:
            by_source[index.label(item.get("article_id"))].append(max(-1.0, min(1.0, tone)))
    row = 18
    half = CHART_W / 2 - 70  # room for the source names on the left
    centre = 140 + half
    bars = []
    for n, (source, tones) in enumerate(sorted(by_source.items())):
        mean = sum(tones) / len(tones)
        width = abs(mean) * half
        x = centre if mean >= 0 else centre - width
        bars.append(
            Bar(x, n * row + 4, max(width, 1.0), row - 6, source, f"{source}: {mean:+.2f}", tone_label(mean))
        )
    return bars


def story_page(snapshot: Snapshot, entry: StoryEntry) -> StoryPage:
    story = entry.data
    framing_of = {text(f.get("article_id")): f for f in dicts(story.get("framing"))}
    columns = [
        _column(
            n, meta, snapshot.articles.get(text(meta.get("id"))), framing_of.get(text(meta.get("id")), {})
        )
        for n, meta in enumerate(dicts(story.get("articles")), 1)
    ]
    citer = _Citer(story, columns, snapshot.articles)
    summary = [{"text": text(s.get("text")), "cites": citer.cites(s)} for s in dicts(story.get("summary"))]
    conflicts = [
        {
            "type": text(c.get("type")),
            "about": text(c.get("about")),
            "claims": citer.cites(c, "claims", "conflict"),
        }
        for c in dicts(story.get("conflicts"))
    ]
    unique_by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for fact in dicts(story.get("unique")):
        cites = citer.cites(fact, mark="unique")
        source = cites[0].label if cites else "unknown source"
        unique_by_source[source].append({"claim": text(fact.get("claim")), "cites": cites})
    framing = [
        {
            "source": citer.index.label(f.get("article_id")),
            "href": article_href(text(f.get("article_id"))),
            "genre": text(f.get("genre")),
            "tone": format_tone(f.get("tone")),
            "tone_label": tone_label(f.get("tone")),
            "quoted": strings(f.get("quoted_sources")),
        }
        for f in dicts(story.get("framing"))
    ]
    return StoryPage(
        entry=entry,
        title=text(story.get("title")) or "Untitled story",
        span=format_span(entry.span),
        key_entities=entry.entities,
        summary=summary,
        conflicts=conflicts,
        framing=framing,
        unique=[{"source": s, "facts": f} for s, f in sorted(unique_by_source.items())],
        shared=[{"claim": text(f.get("claim")), "cites": citer.cites(f)} for f in dicts(story.get("shared"))],
        timeline=[
            {"date": text(t.get("date")), "text": text(t.get("text")), "cites": citer.cites(t)}
            for t in dicts(story.get("timeline"))
        ],
        columns=columns,
        coverage=_coverage(dicts(story.get("articles"))),
        tones=_tones(dicts(story.get("framing")), citer.index),
        extra={k: v for k, v in story.items() if k not in KNOWN_KEYS},
    )


@dataclass
class ArticlePage:
    article: Article
    url: str | None
    story: StoryEntry | None
    sentences: list[SentenceView]


def article_page(snapshot: Snapshot, article: Article) -> ArticlePage:
    story_id = snapshot.story_of.get(article.id)
    return ArticlePage(
        article=article,
        url=http_url(article.url),
        story=snapshot.by_id.get(story_id) if story_id else None,
        sentences=[SentenceView(f"s{i}", article.text[s:e]) for i, (s, e) in enumerate(spans(article))],
    )
