"""The store's queries, written once for both backends.

The SQL here is what SQLite and PostgreSQL both understand (``INSERT ... ON CONFLICT``, ``EXISTS``,
``ORDER BY x IS NULL``), with ``?`` placeholders; a backend runs it through :meth:`SqlStore._execute`
and supplies what differs: connecting, migrations, transactions, passing a large set of ids
(:meth:`SqlStore._choose`), per-article write locks and change detection.

Articles are keyed by id and unique by content hash among originals, so re-ingesting the same text is a
no-op. Vectors are cached by (content hash, model) so that re-enrichment never re-embeds known text.

The clustering's document frequencies over the articles in stories (``cluster.score.Lexicon``) are kept
with the stories, so that a run adding articles need not read every stored text to count them. They are
kept with the number and a digest of the ids they cover, and handed out only for exactly those ids: the
caller counts afresh on anything else (a store of an older storyline, articles removed). Rewriting the
mentions of an article in a story, which its keys come from, drops them.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from storyline.model import Article, FeedState, LedgerEntry, Mention, Sentence, Story
from storyline.store.base import StoreConflict, StoreError, StoriesChanged, digest, now

ARTICLE_COLUMNS = (
    "id",
    "hash",
    "origin",
    "title",
    "url",
    "source",
    "published",
    "language",
    "author",
    "section",
    "text",
    "duplicate_of",
)

# Publication order, undated last: how articles() and catalogue() list the store. Ties go by id, which
# the input fixes, not by the second each article was ingested in: what follows (clustering, comparison)
# breaks ties by this order, so the same input gives the same stories however fast it was ingested.
# (PostgreSQL compares these columns bytewise, COLLATE "C", as SQLite does.)
ARTICLE_ORDER = " ORDER BY published IS NULL, published, id"


class SqlStore(ABC):
    """The queries of :class:`storyline.store.Store` over a DB-API connection ``self.db``."""

    location: str
    db: Any

    def __init__(self) -> None:
        self._depth = 0  # nesting of transaction() / read()

    # -- what a backend supplies ------------------------------------------------------------------

    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; the cursor (iterable rows that index by position and by column name)."""

    @abstractmethod
    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    @abstractmethod
    def _choose(self, ids: Iterable[str]) -> list[Any]:
        """Make ``ids`` (any number of them) the chosen set; the parameters :meth:`_in_chosen` takes."""

    @abstractmethod
    def _in_chosen(self, column: str) -> str:
        """The condition that ``column`` is one of the chosen ids."""

    @abstractmethod
    def _begin(self, write: bool) -> None: ...

    @abstractmethod
    def _end(self, commit: bool) -> None: ...

    def _conflict(self, exc: BaseException) -> bool:
        """Whether ``exc`` is a concurrent writer's doing (worth a retry)."""
        return False

    def _lock_article(self, article_id: str) -> None:
        """Hold off other writers of this article's sentences and mentions until commit (a backend whose
        writers take one lock for the whole database has nothing more to do)."""
        return None

    @abstractmethod
    def close(self) -> None: ...

    @property
    @abstractmethod
    def schema_version(self) -> int: ...

    @abstractmethod
    def revision(self) -> object: ...

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions -----------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._begin(write=True)
        self._depth = 1
        try:
            yield
        except BaseException as exc:
            self._depth = 0
            self._end(commit=False)
            if self._conflict(exc):
                raise StoreConflict(f"{self.location}: a concurrent write conflicted ({exc})") from exc
            raise
        self._depth = 0
        try:
            self._end(commit=True)
        except Exception as exc:
            if self._conflict(exc):
                raise StoreConflict(f"{self.location}: a concurrent write conflicted ({exc})") from exc
            raise

    @contextmanager
    def read(self) -> Iterator[None]:
        if self._depth:
            yield
            return
        self._begin(write=False)
        self._depth = 1
        try:
            yield
        finally:
            self._depth = 0
            self._end(commit=True)

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self._execute(sql, params).fetchone()
        return None if row is None else row[0]

    # -- articles ---------------------------------------------------------------------------------

    def article_by_hash(self, hash_: str) -> Article | None:
        """The original (not a copy) with this content hash."""
        row = self._execute(
            "SELECT * FROM articles WHERE hash = ? AND duplicate_of IS NULL", (hash_,)
        ).fetchone()
        return self._article(row) if row else None

    def articles_with_hash(self, hash_: str) -> list[Article]:
        """Originals and copies with this content hash."""
        return [self._article(r) for r in self._execute("SELECT * FROM articles WHERE hash = ?", (hash_,))]

    def set_minhash(self, article_id: str, signature: bytes, bands: Sequence[int]) -> None:
        """Keep an original's MinHash signature, findable by each of its LSH band keys."""
        self._execute("UPDATE articles SET minhash = ? WHERE id = ?", (signature, article_id))
        self._executemany(
            "INSERT INTO minhash_bands (key, article_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(key, article_id) for key in bands],
        )

    def near_duplicate_candidates(self, bands: Sequence[int]) -> list[tuple[str, bytes]]:
        """(id, signature) of the originals that share one of the LSH band keys ``bands``."""
        marks = ", ".join("?" * len(bands))
        # Only originals are banded, so no test of duplicate_of: with one, SQLite's planner walks the index
        # of originals instead of looking the band keys up (2–4 ms a lookup in a 3,000-article store).
        rows = self._execute(
            "SELECT id, minhash FROM articles WHERE id IN "
            f"(SELECT article_id FROM minhash_bands WHERE key IN ({marks})) ORDER BY id",
            list(bands),
        ).fetchall()
        return [(row[0], bytes(row[1])) for row in rows]

    def unbanded_minhashes(self) -> list[tuple[str, bytes]]:
        """(id, signature) of the originals whose signature has no band keys yet (stored before there
        were any): to be banded once."""
        rows = self._execute(
            "SELECT id, minhash FROM articles a WHERE duplicate_of IS NULL AND minhash IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM minhash_bands b WHERE b.article_id = a.id)"
        ).fetchall()
        return [(row[0], bytes(row[1])) for row in rows]

    def has_article(self, article_id: str) -> bool:
        return self._execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def add_article(self, article: Article) -> None:
        values = [getattr(article, c) for c in ARTICLE_COLUMNS]
        self._execute(
            f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}, ingested_at) "
            f"VALUES ({', '.join('?' * (len(ARTICLE_COLUMNS) + 1))})",
            [*values, now()],
        )

    def _article(self, row: Any) -> Article:
        return Article(**{c: row[c] for c in ARTICLE_COLUMNS})

    def articles(self, ids: Iterable[str] | None = None, include_duplicates: bool = True) -> list[Article]:
        """Articles in publication order (undated last), with their sentences."""
        query, span_query = "SELECT * FROM articles", 'SELECT article_id, start, "end" FROM sentences'
        where: list[str] = []
        params: list[Any] = []
        span_params: list[Any] = []
        if ids is not None:
            params = self._choose(ids)
            where.append(self._in_chosen("id"))
            span_query += " WHERE " + self._in_chosen("article_id")
            span_params = list(params)
        if not include_duplicates:
            where.append("duplicate_of IS NULL")
        if where:
            query += " WHERE " + " AND ".join(where)
        with self.read():
            articles = [self._article(r) for r in self._execute(query + ARTICLE_ORDER, params).fetchall()]
            spans: dict[str, list[tuple[int, int]]] = {}
            for row in self._execute(span_query + " ORDER BY article_id, idx", span_params).fetchall():
                spans.setdefault(row[0], []).append((row[1], row[2]))
        for a in articles:
            a.sentences = [Sentence(s, e, a.text[s:e]) for s, e in spans.get(a.id, [])]
        return articles

    def catalogue(self) -> list[tuple[str, str | None, str | None]]:
        """(id, published, duplicate_of) of every article in the order of :meth:`articles`: what a run
        needs to know of the articles it does not read."""
        return [
            (r[0], r[1], r[2])
            for r in self._execute("SELECT id, published, duplicate_of FROM articles" + ARTICLE_ORDER)
        ]

    def article(self, article_id: str) -> Article | None:
        found = self.articles([article_id])
        return found[0] if found else None

    def count_articles(self) -> int:
        return int(self._one("SELECT count(*) FROM articles"))

    def save_mentions(self, article: Article) -> None:
        self._lock_article(article.id)
        had = self._execute("DELETE FROM mentions WHERE article_id = ?", (article.id,)).rowcount
        if had or article.mentions:
            # The saved document frequencies counted this article's keys if it is in a story.
            self._execute(
                "DELETE FROM lexicon WHERE EXISTS (SELECT 1 FROM story_articles WHERE article_id = ?)",
                (article.id,),
            )
        self._executemany(
            'INSERT INTO mentions (article_id, kind, start, "end", label, value, key) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(article.id, m.kind, m.start, m.end, m.label, m.value, m.key) for m in article.mentions],
        )

    def has_mentions(self, article_id: str) -> bool:
        return (
            self._execute("SELECT 1 FROM mentions WHERE article_id = ? LIMIT 1", (article_id,)).fetchone()
            is not None
        )

    def load_mentions(self, articles: list[Article]) -> None:
        """Fill ``mentions`` of each article from the store (text spans are cut from the article text)."""
        by_id = {a.id: a for a in articles}
        found: dict[str, list[Mention]] = {}
        ids = list(by_id)
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            query = (
                f"SELECT * FROM mentions WHERE article_id IN ({', '.join('?' * len(part))}) ORDER BY start"
            )
            for r in self._execute(query, part).fetchall():
                text = by_id[r["article_id"]].text[r["start"] : r["end"]]
                found.setdefault(r["article_id"], []).append(
                    Mention(r["kind"], r["start"], r["end"], text, r["label"], r["value"], r["key"])
                )
        for article_id, mentions in found.items():
            by_id[article_id].mentions = mentions

    def save_sentences(self, article: Article) -> None:
        self._lock_article(article.id)
        self._execute("DELETE FROM sentences WHERE article_id = ?", (article.id,))
        self._executemany(
            'INSERT INTO sentences (article_id, idx, start, "end") VALUES (?, ?, ?, ?)',
            [(article.id, i, s.start, s.end) for i, s in enumerate(article.sentences)],
        )

    # -- vectors ----------------------------------------------------------------------------------

    def get_vectors(self, hash_: str, model: str, kind: str) -> np.ndarray | None:
        row = self._execute(
            "SELECT dim, data FROM vectors WHERE hash = ? AND model = ? AND kind = ?", (hash_, model, kind)
        ).fetchone()
        if row is None:
            return None
        return np.frombuffer(bytes(row["data"]), dtype=np.float32).reshape(-1, row["dim"]).copy()

    def put_vectors(
        self, hash_: str, model: str, kind: str, vectors: np.ndarray, recipe: str | None = None
    ) -> None:
        """Cache the vectors of a text. With ``recipe`` (a prefix of ``kind``), the text's vectors of the
        same family (the kind up to its first colon) cached by another recipe are dropped: no later run
        reads them, and a store upgraded across recipes would otherwise keep a copy per recipe."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if recipe is not None:
            family = kind.split(":", 1)[0] + ":"
            self._execute(
                "DELETE FROM vectors WHERE hash = ? AND model = ? AND substr(kind, 1, ?) = ?"
                " AND substr(kind, 1, ?) != ?",
                (hash_, model, len(family), family, len(recipe), recipe),
            )
        self._execute(
            "INSERT INTO vectors (hash, model, kind, dim, data) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (hash, model, kind) DO UPDATE SET dim = excluded.dim, data = excluded.data",
            (hash_, model, kind, int(vectors.shape[-1]), vectors.tobytes()),
        )

    # -- stories ----------------------------------------------------------------------------------

    def replace_stories(self, stories: list[Story]) -> None:
        """Store a fresh clustering of the whole corpus (batch mode recomputes every story)."""
        with self.transaction():
            self._bump_generation()
            self._execute("DELETE FROM story_articles")
            self._execute("DELETE FROM stories")
            for story in stories:
                self._insert_story(story)

    def update_stories(self, stories: list[Story], removed: Iterable[str] = ()) -> None:
        """Store the stories that changed (streaming mode) and drop the ids in ``removed``; others stay."""
        with self.transaction():
            self._bump_generation()
            for story_id in {*removed, *(s.id for s in stories)}:
                self._execute("DELETE FROM story_articles WHERE story_id = ?", (story_id,))
                self._execute("DELETE FROM stories WHERE id = ?", (story_id,))
            for story in stories:
                self._insert_story(story)

    def set_storylines(self, storyline_of: dict[str, str]) -> None:
        """Set the storyline of each story id given (threads are read again over every story each run)."""
        with self.transaction():
            self._executemany(
                "UPDATE stories SET storyline = ? WHERE id = ?",
                [(line, sid) for sid, line in storyline_of.items()],
            )

    def _bump_generation(self) -> None:
        self._execute("UPDATE story_state SET generation = generation + 1")

    def stories_generation(self) -> int:
        return int(self._one("SELECT generation FROM story_state"))

    def claim_stories(self, generation: int) -> None:
        # One statement checks and moves the generation: a second claimer waits for the first to
        # commit (SQLite: the write lock; PostgreSQL: the row lock) and then finds it moved.
        moved = self._execute(
            "UPDATE story_state SET generation = generation + 1 WHERE generation = ?", (generation,)
        ).rowcount
        if moved != 1:
            raise StoriesChanged(f"{self.location}: the stories were saved by another run meanwhile")

    def _insert_story(self, story: Story) -> None:
        data = {
            k: v
            for k, v in story.__dict__.items()
            if k not in ("id", "title", "article_ids", "storyline", "revision")
        }
        self._execute(
            "INSERT INTO stories (id, title, data, updated_at, storyline) VALUES (?, ?, ?, ?, ?)",
            (story.id, story.title, json.dumps(data, ensure_ascii=False), now(), story.storyline),
        )
        self._executemany(
            "INSERT INTO story_articles (story_id, article_id) VALUES (?, ?)",
            [(story.id, a) for a in story.article_ids],
        )

    def stories(self) -> list[Story]:
        """Every story, the largest first; each story's articles in publication order."""
        stories = self._stories()
        stories.sort(key=lambda s: (-len(s.article_ids), s.title))
        return stories

    def story(self, story_id: str) -> Story | None:
        found = self._stories(story_id)
        return found[0] if found else None

    def _stories(self, story_id: str | None = None) -> list[Story]:
        """All stories, or the one of ``story_id`` (read alone: a story page need not read them all)."""
        one = story_id is not None
        args = (story_id,) if one else ()
        members: dict[str, list[str]] = {}
        with self.read():
            for row in self._execute(
                "SELECT sa.story_id, sa.article_id FROM story_articles sa "
                "JOIN articles a ON a.id = sa.article_id"
                + (" WHERE sa.story_id = ?" if one else "")
                + " ORDER BY a.published IS NULL, a.published, a.id",
                args,
            ).fetchall():
                members.setdefault(row[0], []).append(row[1])
            rows = self._execute(
                "SELECT id, title, data, storyline FROM stories" + (" WHERE id = ?" if one else ""), args
            ).fetchall()
        stories = []
        for row in rows:
            data = json.loads(row["data"])
            story = Story(id=row["id"], title=row["title"], article_ids=members.get(row["id"], []), **data)
            story.storyline = row["storyline"]
            # Articles do not change once stored: their ids stand for what the story shows of them.
            fields = [row["id"], row["title"], row["data"], row["storyline"] or "", *story.article_ids]
            story.revision = hashlib.sha256("\0".join(fields).encode("utf-8")).hexdigest()
            stories.append(story)
        return stories

    def stale(self) -> bool:
        unassigned = self._one(
            "SELECT count(*) FROM articles a "
            "WHERE NOT EXISTS (SELECT 1 FROM story_articles sa WHERE sa.article_id = a.id)"
        )
        return bool(unassigned) or bool(self.outdated_stories())

    def outdated_stories(self) -> set[str]:
        return {
            r[0]
            for r in self._execute(
                "SELECT DISTINCT s.id FROM stories s JOIN story_articles sa ON sa.story_id = s.id "
                "JOIN articles a ON a.id = sa.article_id WHERE a.ingested_at > s.updated_at"
            )
        }

    def save_lexicon(self, ids: Iterable[str], data: bytes) -> None:
        """Keep the document frequencies (``Lexicon.to_bytes``) counted over the articles ``ids``."""
        count, ids_digest = digest(ids)
        self._execute(
            "INSERT INTO lexicon (one, articles, digest, data, updated_at) VALUES (1, ?, ?, ?, ?)"
            " ON CONFLICT (one) DO UPDATE SET articles = excluded.articles, digest = excluded.digest,"
            " data = excluded.data, updated_at = excluded.updated_at",
            (count, ids_digest, data, now()),
        )

    def lexicon(self, ids: Iterable[str]) -> bytes | None:
        """The document frequencies kept by :meth:`save_lexicon` if counted over exactly ``ids``."""
        row = self._execute("SELECT articles, digest, data FROM lexicon").fetchone()
        if row is None or (row["articles"], row["digest"]) != digest(ids):
            return None
        return bytes(row["data"])

    # -- ledger -----------------------------------------------------------------------------------

    def record(self, run: str, entries: Iterable[LedgerEntry]) -> None:
        self._executemany(
            "INSERT INTO ledger (run, input, status, article_id, duplicate_of, reason, warnings) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    run,
                    e.input,
                    e.status,
                    e.article_id,
                    e.duplicate_of,
                    e.reason,
                    json.dumps(e.warnings, ensure_ascii=False) if e.warnings else None,
                )
                for e in entries
            ],
        )

    def ledger(self, run: str | None = None) -> list[LedgerEntry]:
        if run is None:
            run = self._one("SELECT run FROM ledger ORDER BY seq DESC LIMIT 1")
            if run is None:
                return []
        return [
            LedgerEntry(
                r["input"],
                r["status"],
                r["article_id"],
                r["duplicate_of"],
                r["reason"],
                json.loads(r["warnings"]) if r["warnings"] else [],
            )
            for r in self._execute("SELECT * FROM ledger WHERE run = ? ORDER BY seq", (run,)).fetchall()
        ]

    # -- feeds (`storyline watch`) ------------------------------------------------------------------
    # One table (SQLite migration 6, PostgreSQL migration 2), FeedState in and out.

    _FEED_FIELDS = ("etag", "last_modified", "last_polled", "next_try", "failures", "last_error", "title")

    def add_feeds(self, urls: Iterable[str]) -> int:
        """Start following ``urls`` (already followed ones are left as they are); how many are new."""
        added = 0
        for url in urls:
            added += self._execute(
                "INSERT INTO feeds (url, added_at) VALUES (?, ?) ON CONFLICT (url) DO NOTHING", (url, now())
            ).rowcount
        return added

    def feeds(self) -> list[FeedState]:
        """Every followed feed, in the order they were added."""
        rows = self._execute("SELECT * FROM feeds ORDER BY added_at, url").fetchall()
        return [FeedState(r["url"], *(r[f] for f in self._FEED_FIELDS)) for r in rows]

    def save_feed(self, feed: FeedState) -> None:
        """Keep what the last poll of a followed feed learnt."""
        self._execute(
            f"UPDATE feeds SET {', '.join(f'{f} = ?' for f in self._FEED_FIELDS)} WHERE url = ?",
            [*(getattr(feed, f) for f in self._FEED_FIELDS), feed.url],
        )

    # -- end of feeds -------------------------------------------------------------------------------


__all__ = ["ARTICLE_COLUMNS", "SqlStore", "StoreError"]
