"""The server store: a PostgreSQL database (``postgresql://user@host:port/db``) through psycopg 3.

The tables are those of the SQLite store, with PostgreSQL's types (``BYTEA``, identity columns) and text
compared bytewise (``COLLATE "C"``) where the store orders by it, so both backends list articles in the
same order and give the same stories. The schema version is kept in ``storyline_schema``; migrations
run under an advisory lock, so processes opening a new database at once migrate it once.

Writers run at READ COMMITTED, side by side: two ingests of the same records meet at the unique keys
(id, and hash among originals), the later transaction fails, and :class:`StoreConflict` tells the
caller to redo its chunk, which then finds the records stored. Rewrites of one article's sentences and
mentions lock the article's row first; saves of stories are serialised by ``claim_stories``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from psycopg import errors

from storyline.store.base import StoreError, redact
from storyline.store.sql import SqlStore

# Each entry migrates the schema from version i to i + 1. Append, never edit a shipped one.
# Version 1 is the SQLite store's schema 5, created at once (no PostgreSQL store is older).
MIGRATIONS: list[str] = [
    """
    CREATE TABLE articles (
        id TEXT COLLATE "C" PRIMARY KEY,
        hash TEXT NOT NULL,
        origin TEXT NOT NULL,
        title TEXT, url TEXT, source TEXT, published TEXT COLLATE "C", language TEXT, author TEXT,
        text TEXT NOT NULL,
        duplicate_of TEXT COLLATE "C" REFERENCES articles(id),
        ingested_at TEXT NOT NULL,
        minhash BYTEA
    );
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX articles_hash ON articles(hash);
    CREATE UNIQUE INDEX articles_original_hash ON articles(hash) WHERE duplicate_of IS NULL;
    CREATE INDEX articles_duplicate_of ON articles(duplicate_of);
    CREATE TABLE sentences (
        article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        PRIMARY KEY (article_id, idx)
    );
    CREATE TABLE vectors (
        hash TEXT NOT NULL, model TEXT NOT NULL, kind TEXT NOT NULL,
        dim INTEGER NOT NULL, data BYTEA NOT NULL,
        PRIMARY KEY (hash, model, kind)
    );
    CREATE TABLE stories (
        id TEXT COLLATE "C" PRIMARY KEY, title TEXT NOT NULL, data TEXT NOT NULL, updated_at TEXT NOT NULL
    );
    CREATE TABLE story_articles (
        story_id TEXT COLLATE "C" NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id),
        PRIMARY KEY (story_id, article_id)
    );
    CREATE INDEX story_articles_article ON story_articles(article_id);
    CREATE TABLE ledger (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        run TEXT NOT NULL, input TEXT NOT NULL, status TEXT NOT NULL,
        article_id TEXT, duplicate_of TEXT, reason TEXT, warnings TEXT
    );
    CREATE INDEX ledger_run ON ledger(run);
    CREATE TABLE mentions (
        article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        kind TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        label TEXT, value TEXT, key TEXT
    );
    CREATE INDEX mentions_article ON mentions(article_id, kind);
    CREATE INDEX mentions_key ON mentions(key) WHERE key IS NOT NULL;
    CREATE TABLE lexicon (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        articles INTEGER NOT NULL, digest TEXT NOT NULL, data BYTEA NOT NULL, updated_at TEXT NOT NULL
    );
    CREATE TABLE story_state (one INTEGER PRIMARY KEY CHECK (one = 1), generation BIGINT NOT NULL);
    INSERT INTO story_state (one, generation) VALUES (1, 0);
    """,
    # 2: the feeds `storyline watch` polls, with the validators and backoff state of each.
    """
    CREATE TABLE feeds (
        url TEXT COLLATE "C" PRIMARY KEY,
        etag TEXT, last_modified TEXT, last_polled TEXT, next_try TEXT,
        failures INTEGER NOT NULL DEFAULT 0, last_error TEXT, title TEXT,
        added_at TEXT NOT NULL
    );
    """,
    # 3: the outlet's own section label of an article (article:section, a kicker), read by genre.
    """
    ALTER TABLE articles ADD COLUMN section TEXT;
    """,
    # 4: the storyline (thread of events) each story belongs to, so a store can be browsed by thread.
    """
    ALTER TABLE stories ADD COLUMN storyline TEXT COLLATE "C";
    CREATE INDEX stories_storyline ON stories(storyline);
    """,
    # 5: the LSH band keys of each original's MinHash signature, so that an ingest looks its near
    # duplicates up in the store instead of holding every signature in memory.
    """
    CREATE TABLE minhash_bands (
        key BIGINT NOT NULL, article_id TEXT COLLATE "C" NOT NULL, PRIMARY KEY (key, article_id)
    );
    CREATE INDEX minhash_bands_article ON minhash_bands(article_id);
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)

# pg_advisory_xact_lock key of migrations ("storylin" in ASCII): any fixed number would do.
_MIGRATION_LOCK = 0x73746F72796C696E
# Errors of a concurrent writer: the same key inserted meanwhile, a deadlock, a serialisation failure.
_CONFLICTS = (errors.UniqueViolation, errors.DeadlockDetected, errors.SerializationFailure)


class _Row(tuple):
    """A row that indexes by position and by column name, as sqlite3.Row does."""

    names: dict[str, int]

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self.names[key])
        return tuple.__getitem__(self, key)


def _row_factory(cursor: psycopg.Cursor[Any]) -> Any:
    names = {c.name: i for i, c in enumerate(cursor.description or [])}

    def make(values: Sequence[Any]) -> _Row:
        row = _Row(values)
        row.names = names
        return row

    return make


@functools.lru_cache(maxsize=512)
def _placeholders(sql: str) -> str:
    """The store's ``?`` placeholders as psycopg's ``%s`` (our SQL has no ``?`` or ``%`` of its own)."""
    return sql.replace("%", "%%").replace("?", "%s")


def _param(value: Any) -> Any:
    # PostgreSQL text cannot hold NUL; ingest strips it from texts, this catches the odd metadata field.
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


class PostgresStore(SqlStore):
    """A storyline database on a PostgreSQL server."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.location = redact(url)
        try:
            self.db = psycopg.connect(url, autocommit=True, row_factory=_row_factory)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to {self.location}: {str(exc).strip()}") from exc
        self._migrate()

    def close(self) -> None:
        self.db.close()

    def _migrate(self) -> None:
        try:
            with self.db.transaction():
                self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
                self.db.execute("CREATE TABLE IF NOT EXISTS storyline_schema (version INTEGER NOT NULL)")
                row = self.db.execute("SELECT version FROM storyline_schema").fetchone()
                if row is None:
                    self.db.execute("INSERT INTO storyline_schema (version) VALUES (0)")
                version = 0 if row is None else int(row[0])
                if version > SCHEMA_VERSION:
                    raise StoreError(
                        f"{self.location} has schema version {version}, newer than this storyline "
                        f"({SCHEMA_VERSION}); upgrade storyline"
                    )
                for target in range(version, SCHEMA_VERSION):
                    self.db.execute(MIGRATIONS[target])
                    self.db.execute("UPDATE storyline_schema SET version = %s", (target + 1,))
        except psycopg.Error as exc:
            raise StoreError(f"migrating {self.location} failed: {str(exc).strip()}") from exc

    @property
    def schema_version(self) -> int:
        return int(self._one("SELECT version FROM storyline_schema"))

    def revision(self) -> object:
        # What the server shows moves with these: each save of stories moves the generation, and each
        # ingest writes ledger rows in the transaction that adds its articles.
        row = self._execute(
            "SELECT (SELECT generation FROM story_state), (SELECT max(seq) FROM ledger)"
        ).fetchone()
        return (row[0], row[1])

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        return self.db.execute(_placeholders(sql), [_param(p) for p in params])

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = [[_param(p) for p in row] for row in rows]
        if batch:
            with self.db.cursor() as cursor:
                cursor.executemany(_placeholders(sql), batch)

    def _begin(self, write: bool) -> None:
        self.db.execute("BEGIN" if write else "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def _end(self, commit: bool) -> None:
        if self.db.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            self.db.execute("COMMIT" if commit else "ROLLBACK")

    def _conflict(self, exc: BaseException) -> bool:
        return isinstance(exc, _CONFLICTS)

    def _lock_article(self, article_id: str) -> None:
        self._execute("SELECT 1 FROM articles WHERE id = ? FOR UPDATE", (article_id,))

    def _choose(self, ids: Iterable[str]) -> list[Any]:
        return [list(dict.fromkeys(ids))]

    def _in_chosen(self, column: str) -> str:
        return f"{column} = ANY(?)"
