"""The Python API, for notebooks and apps: the jobs of the command line as functions that return the
models ``stories.json`` is made of (:mod:`storyline.contract`) or the engine's own articles
(:class:`storyline.model.Article`).

Import it as ``import storyline`` (the package forwards these names lazily); the README's "Python API"
section is its guide. Each function wraps the stage the command line runs, so both give the same answer.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storyline import pipeline
from storyline.cluster import cluster_articles as _cluster
from storyline.compare import compare as _compare
from storyline.contract import Comparison, StoriesDocument, Story, SummarySentence
from storyline.enrich import enrich
from storyline.enrich.annotate import annotate
from storyline.ingest import Ingestor, IngestResult, Reader
from storyline.ingest.readers import Record, record_from_json
from storyline.model import Article
from storyline.store import Store, open_store
from storyline.summarize import DEFAULT_MAX_WORDS
from storyline.summarize import summarize as _summarize

# What the functions take: files or folders (every format ``storyline run`` reads), article records
# (mappings with at least "text"; "id", "title", "source", "url", "published", "language", "author"
# as in a JSON Lines file), or articles.
Item = str | Path | Mapping[str, Any] | Article

__all__ = [
    "cluster_articles",
    "compare_articles",
    "document",
    "open_store",
    "read",
    "run",
    "stories",
    "summarize_articles",
]


def _record(item: Mapping[str, Any] | Article, n: int) -> Record:
    origin = f"record {n}"
    if isinstance(item, Article):
        return Record(origin, article=item, article_id=item.id)
    return record_from_json(dict(item), origin, f"record-{n}")


def _path(item: str | Path) -> Path:
    path = Path(item)
    if not path.exists():
        raise FileNotFoundError(f"no such file or folder: {path}")
    return path


def _warn_rejected(result: IngestResult) -> None:
    for entry in result.rejected:
        warnings.warn(f"rejected {entry.input}: {entry.reason}", stacklevel=3)


def read(items: Iterable[Item]) -> list[Article]:
    """The articles in ``items``, in input order: files and folders read as ``storyline run`` reads
    them, records made into articles, a copy of an earlier text left out. A record that cannot be read
    is skipped with a warning saying why."""
    reader, ingestor = Reader(), Ingestor()
    for n, item in enumerate(items, 1):
        if isinstance(item, Mapping | Article):
            ingestor.add(_record(item, n))
        else:
            ingestor.add_all(reader.read([_path(item)]))
    _warn_rejected(ingestor.result)
    return list(ingestor.result.articles)


def _enriched(articles: list[Article]) -> list[Article]:
    # Sentences, vectors and mentions: what clustering and comparison read. Done once per article.
    enrich(articles)
    annotate(articles)
    return articles


def cluster_articles(articles: Iterable[Item]) -> list[list[Article]]:
    """``articles`` grouped into stories, one group per event (every article in exactly one group), as
    ``storyline cluster`` groups them."""
    return _cluster(_enriched(read(articles)))


def compare_articles(articles: Iterable[Item]) -> Comparison:
    """What the sources of one story agree on, report alone, contradict and update, how each frames it,
    and its timeline, as ``storyline compare`` writes it. Every quote is an exact span of an article."""
    return Comparison.model_validate(_compare(_enriched(read(articles))).block)


def summarize_articles(articles: Iterable[Item], max_words: int = DEFAULT_MAX_WORDS) -> list[SummarySentence]:
    """A summary of one story in about ``max_words`` words, each sentence citing the source sentences
    it rests on, as ``storyline summarize`` writes it."""
    found = _enriched(read(articles))
    if not found:
        return []
    return [SummarySentence.model_validate(s) for s in _summarize(_compare(found), max_words)]


def run(
    items: Iterable[Item], db: str | Path | None = None, max_words: int = DEFAULT_MAX_WORDS
) -> list[Story]:
    """The main job, as ``storyline run``: store ``items`` in the database ``db`` (a file path or a
    ``postgresql://`` URL; a temporary one that is deleted afterwards when None), bring its stories up to
    date, and return every story it holds. Run it again with new items and the same ``db``, and they join
    the stories already there."""
    if db is None:
        with tempfile.TemporaryDirectory(prefix="storyline-") as folder:
            return run(items, Path(folder) / "storyline.db", max_words)
    paths, records = [], []
    for n, item in enumerate(items, 1):
        if isinstance(item, Mapping | Article):
            records.append(_record(item, n))
        else:
            paths.append(_path(item))
    with open_store(db) as store:
        # One run in the ledger: ``document(store).ingest`` tells what became of every item.
        run_id = datetime.now(UTC).isoformat()
        result = pipeline.ingest_paths(store, paths, run_id=run_id) if paths else IngestResult()
        if records:
            pipeline.store_records(store, Ingestor(store), records, run_id, result)
        _warn_rejected(result)
        pipeline.update_stories(store, max_words=max_words)
        return stories(store)


def document(store: Store) -> StoriesDocument:
    """The ``stories.json`` document of the store: its stories, storylines and ingest ledger."""
    return pipeline.stories_model(store)


def stories(store: Store) -> list[Story]:
    """The stories of the store, largest first, as ``stories.json`` lists them."""
    return document(store).stories
