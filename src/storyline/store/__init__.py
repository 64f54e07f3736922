"""Stores: SQLite is the default (and, for now, the only) backend."""

from storyline.store.sqlite import SCHEMA_VERSION, Store, StoreError

__all__ = ["SCHEMA_VERSION", "Store", "StoreError"]
