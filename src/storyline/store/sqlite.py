"""The embedded store: one SQLite file in WAL mode, schema versioned by ``PRAGMA user_version``.

Articles are keyed by id and unique by content hash, so re-ingesting the same text is a no-op.
Vectors are cached by (content hash, model) so that re-enrichment never re-embeds known text.

The clustering's document frequencies over the articles in stories (``cluster.score.Lexicon``) are kept
with the stories, so that a run adding articles need not read every stored text to count them. They are
kept with the number and a digest of the ids they cover, and handed out only for exactly those ids: the
caller counts afresh on anything else (a store of an older storyline, a run interrupted between saving
its stories and its counts, articles removed). Rewriting the mentions of an article in a story, which
its keys come from, drops them.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from storyline.model import Article, LedgerEntry, Mention, Sentence, Story

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
    # -- storylines (issue 20) ---------------------------------------------------------------------
    # 5: the storyline (thread of events) each story belongs to, so a store can be browsed by thread.
    """
    ALTER TABLE stories ADD COLUMN storyline TEXT;
    CREATE INDEX stories_storyline ON stories(storyline);
    """,
    # -- end of storylines -------------------------------------------------------------------------
]

SCHEMA_VERSION = len(MIGRATIONS)

_ARTICLE_COLUMNS = (
    "id",
    "hash",
    "origin",
    "title",
    "url",
    "source",
    "published",
    "language",
    "author",
    "text",
    "duplicate_of",
)


class StoreError(Exception):
    pass


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# Publication order, undated last: how articles() and catalogue() list the store. Ties go by id, which
# the input fixes, not by the second each article was ingested in: what follows (clustering, comparison)
# breaks ties by this order, so the same input gives the same stories however fast it was ingested.
_ARTICLE_ORDER = " ORDER BY published IS NULL, published, id"


def _digest(ids: Iterable[str]) -> tuple[int, str]:
    """How many ids, and a digest of the set (order does not matter)."""
    ordered = sorted(set(ids))
    return len(ordered), hashlib.sha256("\n".join(ordered).encode("utf-8")).hexdigest()


class Store:
    """A storyline database. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._migrate()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {version}, newer than this storyline ({SCHEMA_VERSION}); "
                "upgrade storyline"
            )
        if version == SCHEMA_VERSION:
            return
        # Rebuilding a table (SQLite's way to change constraints) needs foreign keys off meanwhile.
        self.db.execute("PRAGMA foreign_keys=OFF")
        try:
            for target in range(version, SCHEMA_VERSION):
                # executescript commits whatever is open first, so the script carries its own transaction.
                try:
                    self.db.executescript(
                        f"BEGIN;\n{MIGRATIONS[target]}\nPRAGMA user_version = {target + 1};\nCOMMIT;"
                    )
                except sqlite3.Error as exc:
                    if self.db.in_transaction:
                        self.db.execute("ROLLBACK")
                    raise StoreError(f"migrating {self.path} to schema {target + 1} failed: {exc}") from exc
            broken = self.db.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StoreError(f"{self.path}: {len(broken)} broken references after migration")
        finally:
            self.db.execute("PRAGMA foreign_keys=ON")

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- articles ---------------------------------------------------------------------------------

    def article_by_hash(self, hash_: str) -> Article | None:
        """The original (not a copy) with this content hash."""
        row = self.db.execute(
            "SELECT * FROM articles WHERE hash = ? AND duplicate_of IS NULL", (hash_,)
        ).fetchone()
        return self._article(row) if row else None

    def articles_with_hash(self, hash_: str) -> list[Article]:
        """Originals and copies with this content hash."""
        return [self._article(r) for r in self.db.execute("SELECT * FROM articles WHERE hash = ?", (hash_,))]

    def minhashes(self) -> Iterator[tuple[str, bytes]]:
        """(id, MinHash signature) of every original that has one."""
        for row in self.db.execute(
            "SELECT id, minhash FROM articles WHERE duplicate_of IS NULL AND minhash IS NOT NULL"
        ):
            yield row[0], row[1]

    def set_minhash(self, article_id: str, signature: bytes) -> None:
        self.db.execute("UPDATE articles SET minhash = ? WHERE id = ?", (signature, article_id))

    def has_article(self, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def add_article(self, article: Article) -> None:
        values = [getattr(article, c) for c in _ARTICLE_COLUMNS]
        self.db.execute(
            f"INSERT INTO articles ({', '.join(_ARTICLE_COLUMNS)}, ingested_at) "
            f"VALUES ({', '.join('?' * (len(_ARTICLE_COLUMNS) + 1))})",
            [*values, _now()],
        )

    def _article(self, row: sqlite3.Row) -> Article:
        return Article(**{c: row[c] for c in _ARTICLE_COLUMNS})

    def articles(self, ids: Iterable[str] | None = None, include_duplicates: bool = True) -> list[Article]:
        """Articles in publication order (undated last), with their sentences."""
        query = "SELECT * FROM articles"
        where = []
        if ids is not None:
            self._choose(ids)
            where.append("id IN (SELECT id FROM temp.chosen)")
        if not include_duplicates:
            where.append("duplicate_of IS NULL")
        if where:
            query += " WHERE " + " AND ".join(where)
        query += _ARTICLE_ORDER
        articles = [self._article(r) for r in self.db.execute(query)]
        spans: dict[str, list[tuple[int, int]]] = {}
        span_query = 'SELECT article_id, start, "end" FROM sentences'
        if ids is not None:
            span_query += " WHERE article_id IN (SELECT id FROM temp.chosen)"
        for row in self.db.execute(span_query + " ORDER BY article_id, idx"):
            spans.setdefault(row[0], []).append((row[1], row[2]))
        for a in articles:
            a.sentences = [Sentence(s, e, a.text[s:e]) for s, e in spans.get(a.id, [])]
        return articles

    def _choose(self, ids: Iterable[str]) -> None:
        """Fill this connection's table of chosen ids: any number of them (a run reads a window of a
        large store), where a query's own parameters are capped."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS chosen (id TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM temp.chosen")
        self.db.executemany("INSERT OR IGNORE INTO temp.chosen (id) VALUES (?)", ((i,) for i in ids))

    def catalogue(self) -> list[tuple[str, str | None, str | None]]:
        """(id, published, duplicate_of) of every article in the order of :meth:`articles`: what a run
        needs to know of the articles it does not read."""
        return [
            (r[0], r[1], r[2])
            for r in self.db.execute("SELECT id, published, duplicate_of FROM articles" + _ARTICLE_ORDER)
        ]

    def article(self, article_id: str) -> Article | None:
        found = self.articles([article_id])
        return found[0] if found else None

    def count_articles(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def save_mentions(self, article: Article) -> None:
        had = self.db.execute("DELETE FROM mentions WHERE article_id = ?", (article.id,)).rowcount
        if had or article.mentions:
            # The saved document frequencies counted this article's keys if it is in a story.
            self.db.execute(
                "DELETE FROM lexicon WHERE EXISTS (SELECT 1 FROM story_articles WHERE article_id = ?)",
                (article.id,),
            )
        self.db.executemany(
            'INSERT INTO mentions (article_id, kind, start, "end", label, value, key) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(article.id, m.kind, m.start, m.end, m.label, m.value, m.key) for m in article.mentions],
        )

    def has_mentions(self, article_id: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM mentions WHERE article_id = ? LIMIT 1", (article_id,)).fetchone()
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
            for r in self.db.execute(query, part):
                text = by_id[r["article_id"]].text[r["start"] : r["end"]]
                found.setdefault(r["article_id"], []).append(
                    Mention(r["kind"], r["start"], r["end"], text, r["label"], r["value"], r["key"])
                )
        for article_id, mentions in found.items():
            by_id[article_id].mentions = mentions

    def save_sentences(self, article: Article) -> None:
        self.db.execute("DELETE FROM sentences WHERE article_id = ?", (article.id,))
        self.db.executemany(
            'INSERT INTO sentences (article_id, idx, start, "end") VALUES (?, ?, ?, ?)',
            [(article.id, i, s.start, s.end) for i, s in enumerate(article.sentences)],
        )

    # -- vectors ----------------------------------------------------------------------------------

    def get_vectors(self, hash_: str, model: str, kind: str) -> np.ndarray | None:
        row = self.db.execute(
            "SELECT dim, data FROM vectors WHERE hash = ? AND model = ? AND kind = ?", (hash_, model, kind)
        ).fetchone()
        if row is None:
            return None
        return np.frombuffer(row["data"], dtype=np.float32).reshape(-1, row["dim"]).copy()

    def put_vectors(
        self, hash_: str, model: str, kind: str, vectors: np.ndarray, recipe: str | None = None
    ) -> None:
        """Cache the vectors of a text. With ``recipe`` (a prefix of ``kind``), the text's vectors of the
        same family (the kind up to its first colon) cached by another recipe are dropped: no later run
        reads them, and a store upgraded across recipes would otherwise keep a copy per recipe."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if recipe is not None:
            family = kind.split(":", 1)[0] + ":"
            self.db.execute(
                "DELETE FROM vectors WHERE hash = ? AND model = ? AND substr(kind, 1, ?) = ?"
                " AND substr(kind, 1, ?) != ?",
                (hash_, model, len(family), family, len(recipe), recipe),
            )
        self.db.execute(
            "INSERT OR REPLACE INTO vectors (hash, model, kind, dim, data) VALUES (?, ?, ?, ?, ?)",
            (hash_, model, kind, int(vectors.shape[-1]), vectors.tobytes()),
        )

    # -- stories ----------------------------------------------------------------------------------

    def replace_stories(self, stories: list[Story]) -> None:
        """Store a fresh clustering of the whole corpus (batch mode recomputes every story)."""
        with self.transaction():
            self.db.execute("DELETE FROM story_articles")
            self.db.execute("DELETE FROM stories")
            for story in stories:
                self._insert_story(story)

    def update_stories(self, stories: list[Story], removed: Iterable[str] = ()) -> None:
        """Store the stories that changed (streaming mode) and drop the ids in ``removed``; others stay."""
        with self.transaction():
            for story_id in {*removed, *(s.id for s in stories)}:
                self.db.execute("DELETE FROM story_articles WHERE story_id = ?", (story_id,))
                self.db.execute("DELETE FROM stories WHERE id = ?", (story_id,))
            for story in stories:
                self._insert_story(story)

    def _insert_story(self, story: Story) -> None:
        data = {
            k: v for k, v in story.__dict__.items() if k not in ("id", "title", "article_ids", "storyline")
        }
        self.db.execute(
            "INSERT INTO stories (id, title, data, updated_at, storyline) VALUES (?, ?, ?, ?, ?)",
            (story.id, story.title, json.dumps(data, ensure_ascii=False), _now(), story.storyline),
        )
        self.db.executemany(
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
        for row in self.db.execute(
            "SELECT sa.story_id, sa.article_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id"
            + (" WHERE sa.story_id = ?" if one else "")
            + " ORDER BY a.published IS NULL, a.published, a.id",
            args,
        ):
            members.setdefault(row[0], []).append(row[1])
        stories = []
        for row in self.db.execute(
            "SELECT id, title, data, storyline FROM stories" + (" WHERE id = ?" if one else ""), args
        ):
            data = json.loads(row["data"])
            story = Story(id=row["id"], title=row["title"], article_ids=members.get(row["id"], []), **data)
            story.storyline = row["storyline"]
            stories.append(story)
        return stories

    def set_storylines(self, storyline_of: dict[str, str]) -> None:
        """Set the storyline of each story id given (threads are re-read over every story each run)."""
        with self.transaction():
            self.db.executemany(
                "UPDATE stories SET storyline = ? WHERE id = ?",
                [(line, sid) for sid, line in storyline_of.items()],
            )

    def save_lexicon(self, ids: Iterable[str], data: bytes) -> None:
        """Keep the document frequencies (``Lexicon.to_bytes``) counted over the articles ``ids``."""
        count, digest = _digest(ids)
        self.db.execute(
            "INSERT OR REPLACE INTO lexicon (one, articles, digest, data, updated_at) VALUES (1, ?, ?, ?, ?)",
            (count, digest, data, _now()),
        )

    def lexicon(self, ids: Iterable[str]) -> bytes | None:
        """The document frequencies kept by :meth:`save_lexicon` if counted over exactly ``ids``."""
        row = self.db.execute("SELECT articles, digest, data FROM lexicon").fetchone()
        if row is None or (row["articles"], row["digest"]) != _digest(ids):
            return None
        return bytes(row["data"])

    # -- ledger -----------------------------------------------------------------------------------

    def record(self, run: str, entries: Iterable[LedgerEntry]) -> None:
        self.db.executemany(
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
            row = self.db.execute("SELECT run FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
            if row is None:
                return []
            run = row[0]
        return [
            LedgerEntry(
                r["input"],
                r["status"],
                r["article_id"],
                r["duplicate_of"],
                r["reason"],
                json.loads(r["warnings"]) if r["warnings"] else [],
            )
            for r in self.db.execute("SELECT * FROM ledger WHERE run = ? ORDER BY seq", (run,))
        ]
