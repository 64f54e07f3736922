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
from typing import Any

from storyline.cluster.storylines import gather
from storyline.model import Article, Storyline
from storyline.report.markdown import source_count, source_names, story_span, strings, text
from storyline.store import open_store

RECHECK_S = 0.5


@dataclass
class StoryEntry:
    """One story as ``stories.json`` shows it, with what the list filters look at."""

    data: dict[str, Any]
    span: tuple[str, str] | None
    sources: list[str]
    haystack: str  # casefolded title, article titles, summary and entities: what text search scans
    entities: list[str]

    @property
    def id(self) -> str:
        return str(self.data["id"])

    def listing(self) -> dict[str, Any]:
        """The story as an item of ``GET /api/stories``."""
        return {
            "id": self.id,
            "title": text(self.data.get("title")),
            "article_count": len(self.data.get("articles") or []),
            "source_count": source_count(self.data),
            "sources": self.sources,
            "time_span": {"start": self.span[0], "end": self.span[1]} if self.span else None,
            "key_entities": self.entities,
            "conflict_count": len(self.data.get("conflicts") or []),
            "storyline": self.data.get("storyline"),
        }


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
        if self.storyline and story.data.get("storyline") != self.storyline:
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
        return self.storylines.get(str(story.data.get("storyline")))

    def all_sources(self) -> list[str]:
        return sorted({s for story in self.stories for s in story.sources}, key=str.casefold)

    def all_entities(self) -> list[str]:
        return sorted({e for story in self.stories for e in story.entities}, key=str.casefold)


def _entry(data: dict[str, Any]) -> StoryEntry:
    entities = strings(data.get("key_entities"))
    parts = [text(data.get("title")), *entities]
    parts += [text(a.get("title")) for a in data.get("articles") or []]
    parts += [text(s.get("text")) for s in data.get("summary") or [] if isinstance(s, dict)]
    return StoryEntry(
        data=data,
        span=story_span(data),
        sources=source_names(data),
        haystack=" ".join(parts).casefold(),
        entities=entities,
    )


def load_snapshot(location: str) -> Snapshot:
    with open_store(location) as store, store.read():
        articles = {a.id: a for a in store.articles()}
        stories = store.stories()
    entries = [_entry(s.to_dict(articles)) for s in stories]
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
