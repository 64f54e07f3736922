"""The one data model that flows through every stage.

Ingest creates an :class:`Article`; later stages only *add* to it (sentences, vectors, mentions).
A :class:`Story` groups articles and carries what comparison and summarisation found, in the
shape of the ``stories.json`` contract (``storyline.contract``); a :class:`Storyline` groups stories into
a thread over weeks.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Whitespace-collapsed, case-folded text: two copies that differ only in layout hash alike."""
    return _SPACE.sub(" ", text).strip().casefold()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Sentence:
    """A sentence as a span of its article's text, so a citation can quote it exactly."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Mention:
    """Something an article asserts, as a span of its text: an entity, a time, a quantity or a quote."""

    kind: str  # "entity" | "time" | "quantity" | "quote"
    start: int
    end: int
    text: str
    label: str | None = None  # entity type, time precision, what a quantity counts, kind of quote
    value: str | None = None  # normalised: ISO time, number, the quote's speaker
    key: str | None = None  # entities: the alias key shared by every name of one entity in a story


@dataclass
class Article:
    id: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None  # ISO 8601 date, YYYY-MM-DD
    language: str | None = None
    author: str | None = None
    section: str | None = None  # the outlet's own section label ("Opinion", "Analysis"), where it gives one
    origin: str = ""  # where the record came from: "path", "path#line 3", "archive.zip!member"
    hash: str = ""
    duplicate_of: str | None = None
    # Added by enrichment.
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    vector: np.ndarray | None = None
    sentence_vectors: np.ndarray | None = None

    def __post_init__(self) -> None:
        if not self.hash:
            self.hash = content_hash(self.text)

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    def summary(self) -> dict[str, Any]:
        """The article as it appears in a story of ``stories.json``."""
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published": self.published,
            "language": self.language,
        }


Status = Literal["ingested", "duplicate", "rejected"]


@dataclass
class LedgerEntry:
    """What became of one input record: every record ends as exactly one of these."""

    input: str
    status: Status
    article_id: str | None = None
    duplicate_of: str | None = None
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class FeedState:
    """A feed ``storyline watch`` polls, and what it remembers between polls."""

    url: str
    etag: str | None = None  # the validators of the last full answer, sent back as a conditional request
    last_modified: str | None = None
    last_polled: str | None = None  # ISO 8601 UTC times
    next_try: str | None = None  # not polled before this (the interval, or the backoff after failures)
    failures: int = 0  # consecutive failed polls
    last_error: str | None = None
    title: str | None = None


@dataclass
class Citation:
    article_id: str
    quote: str

    def to_dict(self) -> dict[str, str]:
        return {"article_id": self.article_id, "quote": self.quote}


@dataclass
class Story:
    id: str
    title: str
    article_ids: list[str]
    summary: list[dict[str, Any]] = field(default_factory=list)
    shared: list[dict[str, Any]] = field(default_factory=list)
    unique: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    framing: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    key_entities: list[str] = field(default_factory=list)
    time_span: dict[str, str] | None = None
    source_count: int = 0
    storyline: str | None = None  # the id of the Storyline it belongs to
    # A digest of the stored row the story was read from, set by the store (empty for a story not read
    # from one): a report keeps a story's rendering while it is unchanged (report/parts.py).
    revision: str = ""

    def comparison(self) -> dict[str, Any]:
        """The comparison block (``contract.Comparison``), as ``storyline compare`` writes it."""
        return {
            "shared": self.shared,
            "unique": self.unique,
            "conflicts": self.conflicts,
            "updates": self.updates,
            "framing": self.framing,
            "timeline": self.timeline,
        }

    def to_dict(self, articles: dict[str, Article]) -> dict[str, Any]:
        """The story as in ``stories.json`` (``contract.Story``)."""
        return {
            "id": self.id,
            "title": self.title,
            "storyline": self.storyline,
            "articles": [articles[a].summary() for a in self.article_ids if a in articles],
            # A story stored before summary sentences flagged disagreements flags none.
            "summary": [{"conflicts": [], **s} for s in self.summary],
            **self.comparison(),
            "key_entities": self.key_entities,
            "time_span": self.time_span,
            "source_count": self.source_count,
        }


@dataclass
class Storyline:
    """A thread of stories (events) over days or weeks: the collapse, the inquiry, the resignation."""

    id: str
    title: str
    story_ids: list[str]  # in time order
    time_span: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "stories": self.story_ids, "time_span": self.time_span}
