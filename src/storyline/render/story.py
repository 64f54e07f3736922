"""What a story page shows, worked out once from the contract's models (``storyline.contract``).

The HTML report, the web UI's story page and the Markdown report all render a :class:`StoryView`: the
same citation numbering, the same source labels, the same grouping of facts. Only where a citation
link points differs (a quote card in the report, a sentence of the source column on the web), so the
page passes a :data:`Linker`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from storyline.contract import (
    ArticleRef,
    Citation,
    Claim,
    Story,
    Storyline,
    TimeSpan,
)

ISO_DATE_LEN = 10
TONE_BAND = 0.2  # |tone| below this reads as neutral

# Where a citation links to: (article id, quote, citation number, mark) -> href. The mark says why the
# passage is cited ("cited", "unique", "conflict"), for a page that highlights its sources by reason.
Linker = Callable[[str, str, int, str], str]
Cited = Citation | Claim


def noun(count: int, word: str, many: str = "") -> str:
    """``word`` as ``count`` of it takes it: 1 story, 2 stories."""
    return word if count == 1 else many or word + "s"


def plural(count: int, word: str, many: str = "") -> str:
    return f"{count} {noun(count, word, many)}"


def short_date(value: str | None) -> str:
    """An ISO timestamp shortened to its date; anything else as it is."""
    raw = (value or "").strip()
    return raw[:ISO_DATE_LEN] if is_iso_date(raw) else raw


def is_iso_date(raw: str) -> bool:
    return len(raw) >= ISO_DATE_LEN and raw[4] == "-" and raw[7] == "-" and raw[:4].isdigit()


def span_of(span: TimeSpan | None) -> tuple[str, str] | None:
    if span is None or not (span.start or span.end):
        return None
    start, end = short_date(span.start), short_date(span.end)
    return (start or end, end or start)


def story_span(story: Story) -> tuple[str, str] | None:
    """The story's (first, last) dates: its ``time_span``, else its articles' publication dates."""
    found = span_of(story.time_span)
    if found is not None:
        return found
    dates = sorted(
        short_date(a.published) for a in story.articles if is_iso_date((a.published or "").strip())
    )
    return (dates[0], dates[-1]) if dates else None


def format_span(span: tuple[str, str] | None) -> str:
    """``start – end``, or one date when both are the same."""
    if span is None:
        return ""
    start, end = span
    return start if start == end else f"{start} – {end}"


def source_names(story: Story) -> list[str]:
    """The distinct named sources of a story, in article order."""
    return list(dict.fromkeys(name for a in story.articles if (name := (a.source or "").strip())))


def source_count(story: Story) -> int:
    """Independent sources: the engine's count, or the named sources where it counted none."""
    # A 0 next to sourced articles is a story that was never compared, not a story of no source.
    return story.source_count or len(source_names(story))


def unsourced_articles(stories: list[Story]) -> int:
    """Articles that name no source: reports count them apart rather than as zero sources."""
    return sum(not (a.source or "").strip() for story in stories for a in story.articles)


def tone_label(tone: float | None) -> str:
    """A tone in [-1, 1] in one word; empty when there is none."""
    if tone is None:
        return ""
    if tone <= -TONE_BAND:
        return "negative"
    if tone >= TONE_BAND:
        return "positive"
    return "neutral"


def format_tone(tone: float | None) -> str:
    return "" if tone is None else f"{tone:+.2f}"


def http_url(value: str | None) -> str | None:
    """The URL when it is safe to link (http or https, no whitespace or control characters)."""
    url = (value or "").strip()
    if not url.lower().startswith(("http://", "https://")):
        return None
    if any(char.isspace() or ord(char) < 32 for char in url):
        return None
    return url


def article_titles(stories: list[Story]) -> dict[str, str]:
    """Every article id of the document with its title (the ingest ledger names articles by them)."""
    titles: dict[str, str] = {}
    for story in stories:
        for article in story.articles:
            title = (article.title or "").strip()
            if title:
                titles.setdefault(article.id, title)
    return titles


def threads(storylines: list[Storyline], story_ids: list[str]) -> list[tuple[Storyline, list[int]]]:
    """The storylines of more than one story, each with its stories' numbers (1-based, in the report's
    order of ``story_ids``) in the storyline's time order."""
    number = {story_id: n for n, story_id in enumerate(story_ids, 1)}
    found = []
    for line in storylines:
        members = [number[i] for i in line.stories if i in number]
        if len(members) > 1:
            found.append((line, members))
    return found


class StoryIndex:
    """A story's articles by id, and one numbering of its citations shared by every section.

    The summary's citations are numbered first, so its markers start at 1; a quote cited again keeps
    the number it got first.
    """

    def __init__(self, story: Story) -> None:
        self.articles: dict[str, ArticleRef] = {}
        for article in story.articles:
            self.articles.setdefault(article.id, article)
        self.numbers: dict[tuple[str, str], int] = {}
        self.cited: list[tuple[int, str, str]] = []  # (number, article id, quote) in number order
        for citation in _citations(story):
            self.number(citation)

    def number(self, citation: Cited) -> int:
        key = (citation.article_id, citation.quote)
        if key not in self.numbers:
            self.numbers[key] = len(self.numbers) + 1
            self.cited.append((self.numbers[key], *key))
        return self.numbers[key]

    def label(self, article_id: str) -> str:
        """An article named by its source, else its title, else its id."""
        article = self.articles.get(article_id)
        for candidate in (article.source, article.title) if article else ():
            name = (candidate or "").strip()
            if name:
                return name
        return article_id.strip() or "unknown source"

    def title(self, article_id: str) -> str:
        article = self.articles.get(article_id)
        return ((article.title if article else None) or "").strip() or article_id


def _citations(story: Story) -> Iterator[Cited]:
    for sentence in story.summary:
        yield from sentence.citations
    for fact in [*story.shared, *story.unique]:
        yield from fact.citations
    for conflict in story.conflicts:
        yield from conflict.claims
    for entry in story.timeline:
        yield from entry.citations
    for update in story.updates:
        yield from update.claims


@dataclass(frozen=True)
class Cite:
    """A citation as a page shows it: a numbered link, with who said what as its tooltip."""

    number: int
    href: str
    label: str  # the cited article's source (or title)
    quote: str
    value: str = ""  # what a claim asserts ("12 km")

    @property
    def tip(self) -> str:
        return f"{self.label}: “{' '.join(self.quote.split())}”"


@dataclass(frozen=True)
class Passage:
    """A sentence or a fact, with the citations it rests on."""

    text: str
    cites: list[Cite]


@dataclass(frozen=True)
class FactGroup:
    source: str
    facts: list[Passage]


@dataclass(frozen=True)
class Disagreement:
    """A conflict (``kind`` its type) or an update (``kind`` "update"), with the claims of each source."""

    kind: str
    about: str
    claims: list[Cite]


@dataclass(frozen=True)
class FramingRow:
    article_id: str
    source: str
    href: str
    genre: str
    tone: str
    tone_label: str
    tone_note: str
    quoted: list[str]


@dataclass(frozen=True)
class Dated:
    date: str
    text: str
    cites: list[Cite]


@dataclass
class StoryView:
    story: Story
    number: int
    prefix: str  # what element ids of this story start with ("s2-" in the report, "" on its own page)
    title: str
    span: str
    facts: list[str]  # "3 articles", "2 sources", the span
    key_entities: list[str]
    summary: list[Passage]
    shared: list[Passage]
    unique: list[FactGroup]
    conflicts: list[Disagreement]
    updates: list[Disagreement]
    framing: list[FramingRow]
    timeline: list[Dated]
    index: StoryIndex


def story_view(
    story: Story,
    link: Linker,
    article_href: Callable[[str], str],
    number: int = 1,
    prefix: str = "",
) -> StoryView:
    """The view of ``story``: citations numbered and linked by ``link``, framing rows linking to
    ``article_href(article id)``."""
    index = StoryIndex(story)

    def cite(citation: Cited, mark: str = "cited") -> Cite:
        n = index.number(citation)
        value = citation.value if isinstance(citation, Claim) else ""
        href = link(citation.article_id, citation.quote, n, mark)
        return Cite(n, href, index.label(citation.article_id), citation.quote, value)

    groups: dict[str, list[Passage]] = {}
    for fact in story.unique:
        cites = [cite(c, "unique") for c in fact.citations]
        groups.setdefault(cites[0].label if cites else "unattributed", []).append(Passage(fact.claim, cites))
    span = format_span(story_span(story))
    return StoryView(
        story=story,
        number=number,
        prefix=prefix,
        title=story.title.strip() or f"Story {number}",
        span=span,
        facts=[plural(len(index.articles), "article"), plural(source_count(story), "source")]
        + ([span] if span else []),
        key_entities=[e for e in story.key_entities if e.strip()],
        summary=[Passage(s.text, [cite(c) for c in s.citations]) for s in story.summary],
        shared=[Passage(f.claim, [cite(c) for c in f.citations]) for f in story.shared],
        unique=[FactGroup(source, facts) for source, facts in groups.items()],
        conflicts=[
            Disagreement(c.type, c.about, [cite(k, "conflict") for k in c.claims]) for c in story.conflicts
        ],
        updates=[Disagreement("update", u.about, [cite(k) for k in u.claims]) for u in story.updates],
        framing=[
            FramingRow(
                article_id=f.article_id,
                source=index.label(f.article_id),
                href=article_href(f.article_id),
                genre=f.genre,
                tone=format_tone(f.tone),
                tone_label=tone_label(f.tone),
                tone_note=f.tone_note or "",
                quoted=[q for q in f.quoted_sources if q.strip()],
            )
            for f in story.framing
        ],
        timeline=[Dated(t.date, t.text, [cite(c) for c in t.citations]) for t in story.timeline],
        index=index,
    )
