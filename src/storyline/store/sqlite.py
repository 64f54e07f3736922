"""The embedded store: one SQLite file in WAL mode, schema versioned by ``PRAGMA user_version``.

Writers take the write lock when their transaction begins (``BEGIN IMMEDIATE``) and keep their
transactions short; a second writer (another ``storyline ingest``) waits up to ``BUSY_TIMEOUT_S`` for it
instead of failing with "database is locked". Readers are never blocked (WAL) and see committed data only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from storyline.store.base import StoreError
from storyline.store.sql import SqlStore

# The longest a writer waits for another's transaction (the longest one writes a chunk of records).
BUSY_TIMEOUT_S = 120.0

# Each entry migrates the schema from version i to i + 1. Append, never edit a shipped one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        origin TEXT NOT NULL,
        title TEXT, url TEXT, source TEXT, published TEXT, language TEXT, author TEXT,
        text TEXT NOT NULL,
        duplicate_of TEXT REFERENCES articles(id),
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX articles_published ON articles(published);
    CREATE TABLE sentences (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        PRIMARY KEY (article_id, idx)
    );
    CREATE TABLE vectors (
        hash TEXT NOT NULL, model TEXT NOT NULL, kind TEXT NOT NULL,
        dim INTEGER NOT NULL, data BLOB NOT NULL,
        PRIMARY KEY (hash, model, kind)
    );
    CREATE TABLE stories (
        id TEXT PRIMARY KEY, title TEXT NOT NULL, data TEXT NOT NULL, updated_at TEXT NOT NULL
    );
    CREATE TABLE story_articles (
        story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        article_id TEXT NOT NULL REFERENCES articles(id),
        PRIMARY KEY (story_id, article_id)
    );
    CREATE INDEX story_articles_article ON story_articles(article_id);
    CREATE TABLE ledger (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        run TEXT NOT NULL, input TEXT NOT NULL, status TEXT NOT NULL,
        article_id TEXT, duplicate_of TEXT, reason TEXT
    );
    CREATE INDEX ledger_run ON ledger(run);
    """,
    # 2: syndicated copies are stored beside their original (same text, another outlet), so the hash is
    # unique among originals only; MinHash signatures for near-duplicate search; ledger warnings.
    """
    CREATE TABLE articles_v2 (
        id TEXT PRIMARY KEY,
        hash TEXT NOT NULL,
        origin TEXT NOT NULL,
        title TEXT, url TEXT, source TEXT, published TEXT, language TEXT, author TEXT,
        text TEXT NOT NULL,
        duplicate_of TEXT REFERENCES articles(id),
        ingested_at TEXT NOT NULL,
        minhash BLOB
    );
    INSERT INTO articles_v2 (id, hash, origin, title, url, source, published, language, author, text,
                             duplicate_of, ingested_at)
        SELECT id, hash, origin, title, url, source, published, language, author, text,
               duplicate_of, ingested_at
        FROM articles;
    DROP TABLE articles;
    ALTER TABLE articles_v2 RENAME TO articles;
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX articles_hash ON articles(hash);
    CREATE UNIQUE INDEX articles_original_hash ON articles(hash) WHERE duplicate_of IS NULL;
    CREATE INDEX articles_duplicate_of ON articles(duplicate_of);
    ALTER TABLE ledger ADD COLUMN warnings TEXT;
    """,
    # 3: what enrichment found in each article.
    """
    CREATE TABLE mentions (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        kind TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        label TEXT, value TEXT, key TEXT
    );
    CREATE INDEX mentions_article ON mentions(article_id, kind);
    CREATE INDEX mentions_key ON mentions(key) WHERE key IS NOT NULL;
    """,
    # 4: the clustering's document frequencies over the articles in stories (one row at most).
    """
    CREATE TABLE lexicon (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        articles INTEGER NOT NULL, digest TEXT NOT NULL, data BLOB NOT NULL, updated_at TEXT NOT NULL
    );
    """,
    # 5: a counter moved by each save of stories, so that two runs saving stories at once notice
    # (``claim_stories``); the second computes them again from what the first saved.
    """
    CREATE TABLE story_state (one INTEGER PRIMARY KEY CHECK (one = 1), generation INTEGER NOT NULL);
    INSERT INTO story_state (one, generation) VALUES (1, 0);
    """,
    # 6: the feeds `storyline watch` polls, with the validators and backoff state of each.
    """
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        etag TEXT, last_modified TEXT, last_polled TEXT, next_try TEXT,
        failures INTEGER NOT NULL DEFAULT 0, last_error TEXT, title TEXT,
        added_at TEXT NOT NULL
    );
    """,
    # 7: the outlet's own section label of an article (article:section, a kicker), read by genre.
    """
    ALTER TABLE articles ADD COLUMN section TEXT;
    """,
    # 8: the storyline (thread of events) each story belongs to, so a store can be browsed by thread.
    """
    ALTER TABLE stories ADD COLUMN storyline TEXT;
    CREATE INDEX stories_storyline ON stories(storyline);
    """,
    # 9: the LSH band keys of each original's MinHash signature, so that an ingest looks its near
    # duplicates up in the store instead of holding every signature in memory.
    """
    CREATE TABLE minhash_bands (
        key INTEGER NOT NULL, article_id TEXT NOT NULL, PRIMARY KEY (key, article_id)
    );
    CREATE INDEX minhash_bands_article ON minhash_bands(article_id);
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def _statements(script: str) -> Iterator[str]:
    """The statements of a migration, one by one (``executescript`` would commit the open transaction)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            if statement.strip(" \n;"):
                yield statement
            statement = ""
    if statement.strip():
        raise ValueError(f"unterminated statement in a migration: {statement.strip()[:80]}")


class SQLiteStore(SqlStore):
    """A storyline database in one SQLite file. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.location = str(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # The server hands one connection between its threads, one at a time.
            self.db = sqlite3.connect(
                self.path, isolation_level=None, timeout=BUSY_TIMEOUT_S, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._migrate()

    def close(self) -> None:
        self.db.close()

    def _migrate(self) -> None:
        version = self.schema_version
        self._check_version(version)
        if version == SCHEMA_VERSION:
            return
        # Rebuilding a table (SQLite's way to change constraints) needs foreign keys off meanwhile.
        self.db.execute("PRAGMA foreign_keys=OFF")
        try:
            # Under the write lock, read the version again: another process may have migrated meanwhile.
            self.db.execute("BEGIN IMMEDIATE")
            try:
                version = self.schema_version
                self._check_version(version)
                for target in range(version, SCHEMA_VERSION):
                    try:
                        for statement in _statements(MIGRATIONS[target]):
                            self.db.execute(statement)
                    except sqlite3.Error as exc:
                        raise StoreError(
                            f"migrating {self.path} to schema {target + 1} failed: {exc}"
                        ) from exc
                    self.db.execute(f"PRAGMA user_version = {target + 1}")
                broken = self.db.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise StoreError(f"{self.path}: {len(broken)} broken references after migration")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        finally:
            self.db.execute("PRAGMA foreign_keys=ON")

    def _check_version(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {version}, newer than this storyline ({SCHEMA_VERSION}); "
                "upgrade storyline"
            )

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def revision(self) -> object:
        # Moves whenever another connection commits (an ingest through the API, or another process).
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.db.execute(sql, params)

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.db.executemany(sql, rows)

    def _begin(self, write: bool) -> None:
        # A deferred write transaction that read first cannot take the lock once another writer
        # committed (SQLITE_BUSY at once, whatever the timeout): writers lock up front.
        self.db.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    def _end(self, commit: bool) -> None:
        if self.db.in_transaction:
            self.db.execute("COMMIT" if commit else "ROLLBACK")

    def _choose(self, ids: Iterable[str]) -> list[Any]:
        # This connection's table of chosen ids: any number of them (a run reads a window of a large
        # store), where a query's own parameters are capped.
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS chosen (id TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM temp.chosen")
        self.db.executemany("INSERT OR IGNORE INTO temp.chosen (id) VALUES (?)", ((i,) for i in ids))
        return []

    def _in_chosen(self, column: str) -> str:
        return f"{column} IN (SELECT id FROM temp.chosen)"
