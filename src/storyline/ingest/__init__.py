"""Ingest: read records, give each article a unique id, drop exact duplicates, keep a ledger.

The same :class:`Ingestor` serves the store-backed commands (``run``, ``ingest``) and the
store-less contract commands (``cluster``, ``compare`` …), so both treat bad input alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from storyline.ingest.readers import Reader, Record
from storyline.model import Article, LedgerEntry
from storyline.store import Store

__all__ = ["IngestResult", "Ingestor", "Reader", "Record"]


@dataclass
class IngestResult:
    entries: list[LedgerEntry] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)  # newly ingested, in input order

    @property
    def ingested(self) -> int:
        return sum(e.status == "ingested" for e in self.entries)

    @property
    def rejected(self) -> list[LedgerEntry]:
        return [e for e in self.entries if e.status == "rejected"]

    @property
    def duplicates(self) -> list[LedgerEntry]:
        return [e for e in self.entries if e.status == "duplicate"]

    def to_dict(self) -> dict[str, Any]:
        """The ``ingest`` block of ``stories.json``."""
        return {
            "ingested": self.ingested,
            "duplicates": [{"id": e.article_id, "duplicate_of": e.duplicate_of} for e in self.duplicates],
            "rejected": [{"input": e.input, "reason": e.reason} for e in self.rejected],
        }


class Ingestor:
    """Decides the fate of each record. With a store, duplicates are also found among stored articles."""

    def __init__(self, store: Store | None = None) -> None:
        self.store = store
        self._by_hash: dict[str, str] = {}
        self._origin_by_id: dict[str, str] = {}
        self.result = IngestResult()

    def _known_hash(self, hash_: str) -> str | None:
        found = self._by_hash.get(hash_)
        if found is None and self.store is not None:
            found = self.store.article_by_hash(hash_)
        return found

    def _id_taken(self, article_id: str) -> bool:
        return article_id in self._origin_by_id or (
            self.store is not None and self.store.has_article(article_id)
        )

    def add(self, record: Record) -> LedgerEntry:
        entry = self._decide(record)
        self.result.entries.append(entry)
        return entry

    def add_all(self, records: Iterable[Record]) -> IngestResult:
        for record in records:
            self.add(record)
        return self.result

    def _decide(self, record: Record) -> LedgerEntry:
        article = record.article
        if article is None:
            return LedgerEntry(
                record.origin,
                "rejected",
                article_id=record.article_id,
                reason=record.reason or "unreadable record",
            )
        original = self._known_hash(article.hash)
        if original is not None:
            return LedgerEntry(record.origin, "duplicate", article_id=article.id, duplicate_of=original)
        if self._id_taken(article.id):
            if "#" in record.origin:
                # A record's own id is the user's key; silently renaming it would break their joins.
                first = self._origin_by_id.get(article.id, "the store")
                return LedgerEntry(
                    record.origin,
                    "rejected",
                    article_id=article.id,
                    reason=f"id '{article.id}' already used by a different article ({first})",
                )
            # Files named alike in different folders: keep both, with a numbered id.
            base, n = article.id, 2
            while self._id_taken(f"{base}-{n}"):
                n += 1
            article.id = f"{base}-{n}"
        self._by_hash[article.hash] = article.id
        self._origin_by_id[article.id] = record.origin
        if self.store is not None:
            self.store.add_article(article)
        self.result.articles.append(article)
        return LedgerEntry(record.origin, "ingested", article_id=article.id)
