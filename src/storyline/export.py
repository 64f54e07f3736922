"""``storyline export``: the store as flat tables for pandas, R or DuckDB (Parquet, CSV or JSON Lines).

Seven tables, one file each, their columns fixed by the schemas below (README "Export" documents them):
``articles``, ``stories``, ``story_articles``, ``claims`` (the typed mentions enrichment stored: entities,
times, quantities, quotes, with the sentence that holds each), ``conflicts`` (one row per conflicting
claim), ``citations`` (one row per quoted source sentence of a summary, shared, unique or timeline item)
and ``framing``. Everything is read through the store's public methods, so any backend exports alike.
"""

from __future__ import annotations

import bisect
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from storyline.model import Article, Story
from storyline.store import Store

FORMATS = ("parquet", "csv", "jsonl")
_EXTENSION = {"parquet": ".parquet", "csv": ".csv", "jsonl": ".jsonl"}
# Articles are read in chunks so that exporting a large store never holds every text at once.
_CHUNK = 1000
# The story sections whose items cite source sentences, and the field that holds each item's own text.
_CITING = (("summary", "text"), ("shared", "claim"), ("unique", "claim"), ("timeline", "text"))

_STR = pa.string()
_INT = pa.int64()
SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema(
        [
            ("id", _STR),
            ("source", _STR),
            ("url", _STR),
            ("published", _STR),
            ("language", _STR),
            ("story", _STR),
            ("storyline", _STR),
            ("title", _STR),
            ("author", _STR),
            ("duplicate_of", _STR),
            ("origin", _STR),
            ("words", _INT),
            ("text", _STR),
        ]
    ),
    "stories": pa.schema(
        [
            ("id", _STR),
            ("title", _STR),
            ("storyline", _STR),
            ("articles", _INT),
            ("source_count", _INT),
            ("start", _STR),
            ("end", _STR),
            ("conflicts", _INT),
            ("key_entities", pa.list_(_STR)),
            ("summary", _STR),
        ]
    ),
    "story_articles": pa.schema([("story_id", _STR), ("article_id", _STR), ("position", _INT)]),
    "claims": pa.schema(
        [
            ("article_id", _STR),
            ("sentence", _INT),
            ("kind", _STR),
            ("start", _INT),
            ("end", _INT),
            ("text", _STR),
            ("label", _STR),
            ("value", _STR),
            ("key", _STR),
        ]
    ),
    "conflicts": pa.schema(
        [
            ("story_id", _STR),
            ("conflict", _INT),
            ("type", _STR),
            ("about", _STR),
            ("article_id", _STR),
            ("quote", _STR),
            ("value", _STR),
        ]
    ),
    "citations": pa.schema(
        [
            ("story_id", _STR),
            ("section", _STR),
            ("item", _INT),
            ("text", _STR),
            ("article_id", _STR),
            ("quote", _STR),
        ]
    ),
    "framing": pa.schema(
        [
            ("story_id", _STR),
            ("article_id", _STR),
            ("genre", _STR),
            ("tone", pa.float64()),
            ("quoted_sources", pa.list_(_STR)),
        ]
    ),
}


def _sentence_of(article: Article) -> Any:
    """A function from a character offset to the index of the sentence holding it (None outside all)."""
    starts = [s.start for s in article.sentences]

    def find(offset: int) -> int | None:
        i = bisect.bisect_right(starts, offset) - 1
        return i if i >= 0 and offset < article.sentences[i].end else None

    return find


def _article_rows(store: Store, story_of: dict[str, str]) -> Iterator[tuple[dict[str, Any], list[dict]]]:
    """Each stored article's row, with the rows of its claims."""
    ids = [i for i, _, _ in store.catalogue()]
    for at in range(0, len(ids), _CHUNK):
        articles = store.articles(ids[at : at + _CHUNK])
        store.load_mentions(articles)
        for a in articles:
            row = {
                "id": a.id,
                "source": a.source,
                "url": a.url,
                "published": a.published,
                "language": a.language,
                "story": story_of.get(a.id),
                # Stories are not yet grouped into storylines (threads over weeks); the column is kept
                # so that analyses written now keep working when they are.
                "storyline": None,
                "title": a.title,
                "author": a.author,
                "duplicate_of": a.duplicate_of,
                "origin": a.origin,
                "words": a.word_count,
                "text": a.text,
            }
            sentence = _sentence_of(a)
            claims = [
                {
                    "article_id": a.id,
                    "sentence": sentence(m.start),
                    "kind": m.kind,
                    "start": m.start,
                    "end": m.end,
                    "text": m.text,
                    "label": m.label,
                    "value": m.value,
                    "key": m.key,
                }
                for m in a.mentions
            ]
            yield row, claims


def _story_rows(story: Story) -> dict[str, list[dict[str, Any]]]:
    span = story.time_span or {}
    return {
        "stories": [
            {
                "id": story.id,
                "title": story.title,
                "storyline": None,
                "articles": len(story.article_ids),
                "source_count": story.source_count,
                "start": span.get("start"),
                "end": span.get("end"),
                "conflicts": len(story.conflicts),
                "key_entities": list(story.key_entities),
                "summary": " ".join(s.get("text", "") for s in story.summary),
            }
        ],
        "story_articles": [
            {"story_id": story.id, "article_id": a, "position": n} for n, a in enumerate(story.article_ids)
        ],
        "conflicts": [
            {
                "story_id": story.id,
                "conflict": n,
                "type": c.get("type"),
                "about": c.get("about"),
                "article_id": claim.get("article_id"),
                "quote": claim.get("quote"),
                "value": None if claim.get("value") is None else str(claim["value"]),
            }
            for n, c in enumerate(story.conflicts)
            for claim in c.get("claims", [])
        ],
        "citations": [
            {
                "story_id": story.id,
                "section": section,
                "item": n,
                "text": item.get(field),
                "article_id": cite.get("article_id"),
                "quote": cite.get("quote"),
            }
            for section, field in _CITING
            for n, item in enumerate(getattr(story, section))
            for cite in item.get("citations", [])
        ],
        "framing": [
            {
                "story_id": story.id,
                "article_id": f.get("article_id"),
                "genre": f.get("genre"),
                "tone": f.get("tone"),
                "quoted_sources": list(f.get("quoted_sources", [])),
            }
            for f in story.framing
        ],
    }


def tables(store: Store) -> dict[str, pa.Table]:
    """Every export table of ``store`` as an Arrow table with its fixed schema."""
    stories = store.stories()
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
    story_of = {a: s.id for s in stories for a in s.article_ids}
    for article, claims in _article_rows(store, story_of):
        rows["articles"].append(article)
        rows["claims"] += claims
    for story in stories:
        for name, part in _story_rows(story).items():
            rows[name] += part
    return {name: pa.Table.from_pylist(rows[name], schema=SCHEMAS[name]) for name in SCHEMAS}


def _csv_ready(table: pa.Table) -> pa.Table:
    """CSV has no lists: list columns become JSON arrays as text."""
    for i, column in enumerate(table.schema):
        if pa.types.is_list(column.type):
            text = [None if v is None else json.dumps(v, ensure_ascii=False) for v in table[i].to_pylist()]
            table = table.set_column(i, column.name, pa.array(text, type=_STR))
    return table


def _write(table: pa.Table, fmt: str, path: Path) -> None:
    if fmt == "parquet":
        pq.write_table(table, path)
    elif fmt == "csv":
        pa_csv.write_csv(_csv_ready(table), path)
    else:
        with path.open("w", encoding="utf-8") as fh:
            for row in table.to_pylist():
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def export(store: Store, fmt: str, out: Path) -> dict[str, tuple[Path, int]]:
    """Write every table to ``out`` in ``fmt``; returns each table's file and row count.

    Each file is written beside its final name and renamed into place, so an export interrupted midway
    leaves the previous complete files (or none), never a truncated one.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format '{fmt}' (expected {', '.join(FORMATS)})")
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, table in tables(store).items():
        path = out / f"{name}{_EXTENSION[fmt]}"
        partial = path.with_name(path.name + ".partial")
        _write(table, fmt, partial)
        os.replace(partial, path)
        written[name] = (path, table.num_rows)
    return written
