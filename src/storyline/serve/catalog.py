"""The server's read model: every story and article of the store, held in memory and rebuilt when the
database changes.

Reads go through the store's public API only (``Store.stories()``, ``Store.articles()``, in one
``Store.read()`` so that a snapshot is one committed state), so the server does not depend on how or
where stories are persisted. A change is noticed with ``Store.revision()`` on a connection of our own: it
moves whenever another connection (an ingest through the API, or ``storyline ingest`` in another
process) commits. It is asked at most every ``RECHECK_S`` seconds: on a database server that question is a
round trip, and asked by every request it would cost more than the page (each request would wait its
turn on the one probe connection). An ingest through this server's own API is seen at once
(:meth:`Catalog.changed`); one by another process within ``RECHECK_S``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from pydantic import BaseModel

from storyline.cluster.storylines import gather
from storyline.contract import Story, TimeSpan
from storyline.model import Article, Storyline
from storyline.render.story import source_count, source_names, story_span
from storyline.store import open_store

RECHECK_S = 0.5


class StoryItem(BaseModel):
    """A story as ``GET /api/stories`` and the story list page show it."""

    id: str
    title: str
    article_count: int
    source_count: int
    sources: list[str]
    time_span: TimeSpan | None
    key_entities: list[str]
    conflict_count: int
    storyline: str | None


@dataclass
class StoryEntry:
    """One story as ``stories.json`` shows it, with what the list filters look at."""

    story: Story
    span: tuple[str, str] | None
    sources: list[str]
    haystack: str  # casefolded title, article titles, summary and entities: what text search scans
    entities: list[str]

    @property
    def id(self) -> str:
        return self.story.id

    def listing(self) -> StoryItem:
        return StoryItem(
            id=self.id,
            title=self.story.title,
            article_count=len(self.story.articles),
            source_count=source_count(self.story),
            sources=self.sources,
            time_span=TimeSpan(start=self.span[0], end=self.span[1]) if self.span else None,
            key_entities=self.entities,
            conflict_count=len(self.story.conflicts),
            storyline=self.story.storyline,
        )


@dataclass
class Filters:
    """What ``GET /api/stories`` and the story list page can narrow the stories by."""

    q: str = ""
    entity: str = ""
    source: str = ""
    since: str = ""  # ISO dates: the story's span must overlap [since, until]
    until: str = ""
    storyline: str = ""  # a storyline's id: its stories only, in time order

    def match(self, story: StoryEntry) -> bool:
        if self.storyline and story.story.storyline != self.storyline:
            return False
        if self.q and not all(word in story.haystack for word in self.q.casefold().split()):
            return False
        if self.entity and not any(self.entity.casefold() in e.casefold() for e in story.entities):
            return False
        if self.source and self.source.casefold() not in {s.casefold() for s in story.sources}:
            return False
        if self.since or self.until:
            if story.span is None:
                return False
            start, end = story.span
            if self.since and end < self.since:
                return False
            if self.until and start > self.until:
                return False
        return True


@dataclass
class Snapshot:
    """Everything the server shows, as of one version of the database."""

    stories: list[StoryEntry]
    articles: dict[str, Article]
    story_of: dict[str, str]  # article id -> story id
    storylines: dict[str, Storyline] = field(default_factory=dict)
    by_id: dict[str, StoryEntry] = field(init=False)
    # Rendered pages of this version; they depend on nothing but the data, so they can be kept.
    pages: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {s.id: s for s in self.stories}

    def search(self, filters: Filters) -> list[StoryEntry]:
        found = [s for s in self.stories if filters.match(s)]
        line = self.storylines.get(filters.storyline)
        if line is not None:
            # A storyline reads as its events in time order, not largest first.
            order = {sid: k for k, sid in enumerate(line.story_ids)}
            found.sort(key=lambda s: order.get(s.id, len(order)))
        return found

    def storyline_of(self, story: StoryEntry) -> Storyline | None:
        return self.storylines.get(story.story.storyline or "")

    def all_sources(self) -> list[str]:
        return sorted({s for story in self.stories for s in story.sources}, key=str.casefold)

    def all_entities(self) -> list[str]:
        return sorted({e for story in self.stories for e in story.entities}, key=str.casefold)


def entry_of(story: Story) -> StoryEntry:
    """The story with what the list filters look at worked out."""
    entities = [e for e in story.key_entities if e.strip()]
    parts = [story.title, *entities]
    parts += [a.title or "" for a in story.articles]
    parts += [s.text for s in story.summary]
    return StoryEntry(
        story=story,
        span=story_span(story),
        sources=source_names(story),
        haystack=" ".join(parts).casefold(),
        entities=entities,
    )


def load_snapshot(location: str) -> Snapshot:
    with open_store(location) as store, store.read():
        articles = {a.id: a for a in store.articles()}
        stories = store.stories()
    # Read as the contract's stories: what the API returns and what the pages render.
    entries = [entry_of(Story.model_validate(s.to_dict(articles))) for s in stories]
    story_of = {a: s.id for s in stories for a in s.article_ids}
    return Snapshot(entries, articles, story_of, {line.id: line for line in gather(stories)})


class Catalog:
    """Hands out the current :class:`Snapshot`, rebuilding it after the database has changed."""

    def __init__(self, location: str) -> None:
        self.location = location
        # Opening the probe creates (or migrates) the database.
        self._probe = open_store(location)
        self._lock = threading.Lock()
        self._version: object = None
        self._snapshot: Snapshot | None = None
        self._checked = float("-inf")  # time.monotonic() of the last look at the revision

    def close(self) -> None:
        self._probe.close()

    def changed(self) -> None:
        """This server wrote to the database: the next snapshot looks at the revision again."""
        with self._lock:
            self._checked = float("-inf")

    def snapshot(self) -> Snapshot:
        with self._lock:
            now = time.monotonic()
            if self._snapshot is not None and now - self._checked < RECHECK_S:
                return self._snapshot
            self._checked = now
            version = self._probe.revision()
            if self._snapshot is None or version != self._version:
                self._snapshot = load_snapshot(self.location)
                self._version = version
            return self._snapshot
