"""What every store offers (:class:`Store`), the errors it raises, and the helpers the backends share.

Nothing outside ``storyline.store`` sees a driver or writes SQL: transactions, consistent reads and change
detection are methods of the store like any read or write.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Protocol

import numpy as np

from storyline.model import Article, FeedState, LedgerEntry, Story


class StoreError(Exception):
    """A database that cannot be opened, migrated or written, with a message the user can act on."""


class StoreConflict(StoreError):
    """Another writer got there first (a unique key taken meanwhile, a deadlock, stories saved by
    another run). Nothing of the transaction was kept; doing the work again from a fresh read succeeds."""


class StoriesChanged(StoreConflict):
    """The stories were saved by another run since this one read them."""


_PASSWORD = re.compile(r"(://[^:/@]*):[^@/]*@")


def redact(location: str) -> str:
    """A database URL without its password, for messages (a path is unchanged)."""
    return _PASSWORD.sub(r"\1:***@", location)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def digest(ids: Iterable[str]) -> tuple[int, str]:
    """How many ids, and a digest of the set (order does not matter)."""
    ordered = sorted(set(ids))
    return len(ordered), hashlib.sha256("\n".join(ordered).encode("utf-8")).hexdigest()


class Store(Protocol):
    """A storyline database: articles and their enrichment, a vector cache, stories and a ledger.

    Backends: :class:`storyline.store.sqlite.SQLiteStore` (a file) and
    :class:`storyline.store.postgres.PostgresStore` (a server); :func:`storyline.store.open_store` picks
    one from a path or URL. Use as a context manager or call :meth:`close`.
    """

    location: str  # what the user named, for messages (a URL without its password)

    def __enter__(self) -> Store: ...
    def __exit__(self, *exc: object) -> None: ...
    def close(self) -> None: ...

    @property
    def schema_version(self) -> int: ...

    # -- transactions and change detection --
    def transaction(self) -> AbstractContextManager[None]:
        """Writes inside commit together or not at all. Re-entrant: an inner one joins the outer.
        A conflicting concurrent write raises :class:`StoreConflict` (after rolling back)."""
        ...

    def read(self) -> AbstractContextManager[None]:
        """Reads inside see one committed state of the database (a snapshot)."""
        ...

    def revision(self) -> object:
        """A value that differs after any other connection commits an ingest (articles come with their
        ledger entries) or stories."""
        ...

    # -- articles --
    def article_by_hash(self, hash_: str) -> Article | None: ...
    def articles_with_hash(self, hash_: str) -> list[Article]: ...
    def set_minhash(self, article_id: str, signature: bytes, bands: Sequence[int]) -> None: ...
    def near_duplicate_candidates(self, bands: Sequence[int]) -> list[tuple[str, bytes]]: ...
    def unbanded_minhashes(self) -> list[tuple[str, bytes]]: ...
    def has_article(self, article_id: str) -> bool: ...
    def add_article(self, article: Article) -> None: ...
    def articles(
        self, ids: Iterable[str] | None = None, include_duplicates: bool = True
    ) -> list[Article]: ...
    def catalogue(self) -> list[tuple[str, str | None, str | None]]: ...
    def article(self, article_id: str) -> Article | None: ...
    def count_articles(self) -> int: ...
    def save_mentions(self, article: Article) -> None: ...
    def has_mentions(self, article_id: str) -> bool: ...
    def load_mentions(self, articles: list[Article]) -> None: ...
    def save_sentences(self, article: Article) -> None: ...

    # -- vectors --
    def get_vectors(self, hash_: str, model: str, kind: str) -> np.ndarray | None: ...
    def put_vectors(
        self, hash_: str, model: str, kind: str, vectors: np.ndarray, recipe: str | None = None
    ) -> None: ...

    # -- stories (derived state: see stale()) --
    def replace_stories(self, stories: list[Story]) -> None: ...
    def update_stories(self, stories: list[Story], removed: Iterable[str] = ()) -> None: ...
    def stories(self) -> list[Story]: ...
    def story(self, story_id: str) -> Story | None: ...
    def stories_generation(self) -> int:
        """Moves on each save of stories: what a run read its stories at."""
        ...

    def claim_stories(self, generation: int) -> None:
        """Inside a transaction, before saving stories computed from what was read at ``generation``:
        raises :class:`StoriesChanged` if another run saved stories since."""
        ...

    def stale(self) -> bool:
        """Whether the stories lag the articles: an article in no story, or a story older than one of
        its articles."""
        ...

    def outdated_stories(self) -> set[str]:
        """Ids of the stories older than one of their articles."""
        ...

    def save_lexicon(self, ids: Iterable[str], data: bytes) -> None: ...
    def lexicon(self, ids: Iterable[str]) -> bytes | None: ...

    # -- ledger --
    def record(self, run: str, entries: Iterable[LedgerEntry]) -> None: ...
    def ledger(self, run: str | None = None) -> list[LedgerEntry]: ...
    def set_storylines(self, storyline_of: dict[str, str]) -> None: ...
    def add_feeds(self, urls: Iterable[str]) -> int: ...
    def feeds(self) -> list[FeedState]: ...
    def save_feed(self, feed: FeedState) -> None: ...
