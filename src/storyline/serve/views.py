"""View models of the web pages: what a template needs, worked out in Python so templates stay dumb.

A story page renders the story view the HTML report renders (:mod:`storyline.render.story`), through the
same macros; what is the web page's own is the source columns (the articles' full text, side by side)
and the charts. Element ids are built from positions only (``c2`` for the second source column,
``c2-s5`` for its sixth sentence), never from article ids, which are untrusted. A citation links to the
sentence of the source column that contains its quote, and marks that sentence with why it is cited.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import quote as urlquote
from urllib.parse import urlencode

from storyline.contract import ArticleRef, Framing, Story
from storyline.model import Article
from storyline.render.story import StoryIndex, StoryView, format_tone, http_url, story_view, tone_label

from .catalog import Snapshot, StoryEntry

MAX_DAY_BARS = 45  # a longer story gets one coverage bar per publication date instead of per day
CHART_W, CHART_H = 320, 120


def story_href(story_id: str) -> str:
    return "/stories/" + urlquote(story_id, safe="")


def article_href(article_id: str) -> str:
    return "/articles/" + urlquote(article_id, safe="")


def entity_href(entity: str) -> str:
    return "/?" + urlencode({"entity": entity})


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
    meta: ArticleRef
    href: str
    url: str | None
    genre: str
    tone: str
    tone_label: str
    sentences: list[SentenceView]


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
    view: StoryView
    columns: list[ColumnView]
    coverage: list[Bar]
    tones: list[Bar]


class _Linker:
    """Links a citation to the sentence of its source column that holds the quote, marking it."""

    def __init__(self, columns: list[ColumnView], articles: dict[str, Article]) -> None:
        self.column = {c.meta.id: c for c in columns}
        self.articles = articles

    def __call__(self, article_id: str, quote: str, _number: int, mark: str) -> str:
        column = self.column.get(article_id)
        article = self.articles.get(article_id)
        if column is None or article is None:
            return article_href(article_id)
        found = locate(article, quote)
        for i in found:
            column.sentences[i].marks.add(mark)
        return f"#{column.sentences[found[0]].anchor}" if found else f"#{column.anchor}"


def _column(number: int, meta: ArticleRef, article: Article | None, framing: Framing | None) -> ColumnView:
    anchor = f"c{number}"
    sentences = []
    if article is not None:
        sentences = [
            SentenceView(f"{anchor}-s{i}", article.text[start:end])
            for i, (start, end) in enumerate(spans(article))
        ]
    tone = framing.tone if framing is not None else None
    return ColumnView(
        number=number,
        anchor=anchor,
        meta=meta,
        href=article_href(meta.id),
        url=http_url(meta.url),
        genre=framing.genre if framing is not None else "",
        tone=format_tone(tone),
        tone_label=tone_label(tone),
        sentences=sentences,
    )


def _coverage(articles: list[ArticleRef]) -> list[Bar]:
    """Articles per day (per publication date for long stories), as bars of a small chart."""
    counts = Counter(a.published[:10] for a in articles if (a.published or "")[:10])
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


def _tones(story: Story, index: StoryIndex) -> list[Bar]:
    """Mean tone per source, as bars left (negative) or right (positive) of a centre line."""
    by_source: dict[str, list[float]] = defaultdict(list)
    for item in story.framing:
        if item.tone is not None:
            by_source[index.label(item.article_id)].append(item.tone)
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
    story = entry.story
    framing_of: dict[str, Framing] = {}
    for item in story.framing:
        framing_of.setdefault(item.article_id, item)
    columns = [
        _column(n, meta, snapshot.articles.get(meta.id), framing_of.get(meta.id))
        for n, meta in enumerate(story.articles, 1)
    ]
    view = story_view(story, _Linker(columns, snapshot.articles), article_href)
    return StoryPage(
        view=view,
        columns=columns,
        coverage=_coverage(story.articles),
        tones=_tones(story, view.index),
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
