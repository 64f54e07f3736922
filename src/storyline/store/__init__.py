"""Stores: one interface (:class:`Store`), two backends, chosen by :func:`open_store` from what the user
names: a file path is SQLite (the default), ``postgresql://user@host:port/db`` is a PostgreSQL server.

Adding a table (or any schema change) is a migration on both backends, appended, never edited once shipped:

1. SQLite: append a script to ``MIGRATIONS`` in ``sqlite.py`` (its index + 1 is the new ``user_version``).
2. PostgreSQL: append the same change, in PostgreSQL's types, to ``MIGRATIONS`` in ``postgres.py``
   (``BLOB`` is ``BYTEA``, ``INTEGER PRIMARY KEY AUTOINCREMENT`` is ``BIGINT GENERATED ALWAYS AS IDENTITY
   PRIMARY KEY``, text the store orders by is ``COLLATE "C"``).
3. Its queries go in ``sql.py`` if both backends understand them (``?`` placeholders, ``INSERT ... ON
   CONFLICT`` rather than ``INSERT OR REPLACE``), else as a method each backend implements; declare the
   new methods on :class:`Store` in ``base.py``.
4. Run ``tests/test_store.py``: it runs every store test on both backends.

The two version counters are independent (PostgreSQL's schema 1 is SQLite's 5).
"""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path

from storyline.store.base import Store, StoreConflict, StoreError, StoriesChanged, redact
from storyline.store.sqlite import SCHEMA_VERSION, SQLiteStore

__all__ = [
    "SCHEMA_VERSION",
    "SQLiteStore",
    "Store",
    "StoreConflict",
    "StoreError",
    "StoriesChanged",
    "database_errors",
    "exists",
    "is_url",
    "open_store",
    "redact",
]

_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_POSTGRES = ("postgresql", "postgres")


def is_url(location: str | Path) -> bool:
    """Whether ``location`` names a database by URL (``scheme://...``) rather than by file path."""
    return isinstance(location, str) and _URL.match(location) is not None


def _sqlite_path(location: str | Path) -> Path | None:
    if not is_url(location):
        return Path(location)
    if str(location).startswith("sqlite://"):
        return Path(str(location).removeprefix("sqlite://"))
    return None


def open_store(location: str | Path) -> Store:
    """The store at ``location``: a file path or ``sqlite:///path`` (SQLite, created if missing), or
    ``postgresql://user[:password]@host[:port]/db`` (the database must exist; its tables are created).

    A URL of any other scheme is a :class:`StoreError`, never taken for a file name.
    """
    path = _sqlite_path(location)
    if path is not None:
        return SQLiteStore(path)
    scheme = _URL.match(str(location)).group(1)  # type: ignore[union-attr]
    if scheme.lower() in _POSTGRES:
        from storyline.store.postgres import PostgresStore  # the driver loads only for a server

        return PostgresStore(str(location))
    raise StoreError(
        f"unsupported database URL scheme '{scheme}://': use a file path (SQLite) or postgresql://user@host:port/db"
    )


def exists(location: str | Path) -> bool:
    """Whether there is a database at ``location`` to read (a server database is there to connect to)."""
    path = _sqlite_path(location)
    return path is None or path.exists()


def database_errors() -> tuple[type[BaseException], ...]:
    """The drivers' own errors, as they surface from a database damaged past what opening checks."""
    found: list[type[BaseException]] = [sqlite3.DatabaseError]
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None:
        found.append(psycopg.Error)
    return tuple(found)
