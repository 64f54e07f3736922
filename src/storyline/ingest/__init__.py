"""Ingest: read records, give each article a unique id, drop exact duplicates, keep a ledger.

The same :class:`Ingestor` serves the store-backed commands (``run``, ``ingest``) and the
store-less contract commands (``cluster``, ``compare`` …), so both treat bad input alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from storyline.ingest.dedup import NearDuplicateIndex, signature
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
    """Decides the fate of each record. With a store, duplicates are also found among stored articles.

    - the same text again (same outlet, or no outlet given): a *duplicate*, not stored again;
    - the same or nearly the same text from another outlet (a syndicated wire story) or nearly the same
      text at all: stored as a *copy* with ``duplicate_of`` its original, so coverage counts the outlet
      but comparison counts one independent report.
    """

    def __init__(self, store: Store | None = None) -> None:
        self.store = store
        self._by_hash: dict[str, Article] = {}
        self._by_id: dict[str, Article] = {}
        self._with_hash: dict[str, list[Article]] = {}  # originals and copies taken in by this run
        self._origin_by_id: dict[str, str] = {}
        self._near = NearDuplicateIndex(store)
        self.result = IngestResult()

    def _same_text_same_outlet(self, article: Article) -> Article | None:
        """An article already taken in with this text from this outlet; without a named outlet, any."""
        known = list(self._with_hash.get(article.hash, []))
        if self.store is not None:
            known += self.store.articles_with_hash(article.hash)
        outlet = (article.source or "").casefold()
        return next((k for k in known if not outlet or (k.source or "").casefold() == outlet), None)

    def _original_with_hash(self, hash_: str) -> Article | None:
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
        entry.warnings = list(record.warnings)
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
        seen = self._same_text_same_outlet(article)
        if seen is not None:
            return LedgerEntry(
                record.origin,
                "duplicate",
                article_id=article.id,
                duplicate_of=seen.duplicate_of or seen.id,
                reason=f"same text from the same outlet as '{seen.id}', already ingested",
            )
        original = self._original_with_hash(article.hash)
        minhash = signature(article.text) if original is None else None
        if original is None and minhash is not None:
            near = self._near.find(minhash.hashvalues)
            if near is not None:
                original = self._original_with_id(near[0])
        if self._id_taken(article.id):
            if record.article_id is not None:
                # A record's own id is the user's key; silently renaming it would break their joins.
                first = self._origin_by_id.get(article.id, "the store")
                return LedgerEntry(
                    record.origin,
                    "rejected",
                    article_id=article.id,
                    reason=f"id '{article.id}' already used by a different article ({first})",
                )
            # An id made up from a file name (files, or records without ids, named alike in different
            # folders): keep both, with a numbered id.
            base, n = article.id, 2
            while self._id_taken(f"{base}-{n}"):
                n += 1
            article.id = f"{base}-{n}"
        self._origin_by_id[article.id] = record.origin
        self._with_hash.setdefault(article.hash, []).append(article)
        if original is not None:
            article.duplicate_of = original.id
        else:
            self._by_hash[article.hash] = article
            self._by_id[article.id] = article
        if self.store is not None:
            self.store.add_article(article)
        if minhash is not None and original is None:
            self._near.add(article.id, minhash.hashvalues)
        self.result.articles.append(article)
        if original is None:
            return LedgerEntry(record.origin, "ingested", article_id=article.id)
        how = "same text" if original.hash == article.hash else "nearly the same text"
        return LedgerEntry(
            record.origin,
            "duplicate",
            article_id=article.id,
            duplicate_of=original.id,
            reason=f"syndicated copy: {how} as '{original.id}' ({original.source or 'unknown outlet'})",
        )

    def _original_with_id(self, article_id: str) -> Article | None:
        found = self._by_id.get(article_id)
        if found is None and self.store is not None:
            found = self.store.article(article_id)
        return found
