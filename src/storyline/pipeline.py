"""The stages wired together: the batch driver behind ``storyline run`` and the contract commands."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storyline.cluster import cluster_articles, make_story
from storyline.compare import compare
from storyline.enrich import enrich
from storyline.enrich.aliases import normalise_name
from storyline.enrich.annotate import annotate, story_entities
from storyline.ingest import Ingestor, IngestResult, Reader
from storyline.model import Article, LedgerEntry, Story
from storyline.report import render_html, render_markdown
from storyline.store import Store
from storyline.summarize import DEFAULT_MAX_WORDS, summarize

Advance = Callable[[int], None]
ProgressFactory = Callable[[str, int], Advance]
KEY_ENTITIES = 8
COMMIT_EVERY = 500
AUTO_WORKERS_FROM = 200  # files
MAX_AUTO_WORKERS = 4


def _no_progress(_description: str, _total: int) -> Advance:
    return lambda _n: None


def ingest_paths(
    store: Store,
    paths: Sequence[str | Path],
    progress: ProgressFactory = _no_progress,
    reader: Reader | None = None,
    run_id: str | None = None,
    workers: int = 1,
) -> IngestResult:
    """Read every record under ``paths`` into the store, committing every ``COMMIT_EVERY`` records.

    Each commit holds its records *and* their ledger entries, so an ingest killed at any point leaves
    a consistent store, and running it again completes it: what was committed is then found again
    as already ingested, the rest goes in.
    """
    reader = reader or Reader()
    ingestor = Ingestor(store)
    run_id = run_id or datetime.now(UTC).isoformat()
    files = reader.files(paths)
    if workers == 0:
        # Worker processes take a second or two to start: worth it only for many files.
        workers = min(os.cpu_count() or 1, MAX_AUTO_WORKERS) if files >= AUTO_WORKERS_FROM else 1
    advance = progress("Ingesting", files)
    last_file = None
    pending: list[LedgerEntry] = []
    store.db.execute("BEGIN")
    try:
        for record in reader.read(paths, workers=workers):
            pending.append(ingestor.add(record))
            file_origin = record.origin.split("#", 1)[0].split("!", 1)[0]
            if file_origin != last_file:
                advance(1)
                last_file = file_origin
            if len(pending) >= COMMIT_EVERY:
                store.record(run_id, pending)
                store.db.execute("COMMIT")
                store.db.execute("BEGIN")
                pending = []
        store.record(run_id, pending)
        store.db.execute("COMMIT")
    except BaseException:
        store.db.execute("ROLLBACK")
        raise
    return ingestor.result


def key_entities(articles: list[Article]) -> list[str]:
    """The story's cast: entities (aliases merged across articles) that most sources name."""
    # Named by more than one source when the story has several: not one outlet's aside.
    floor = 2 if len({a.source or a.id for a in articles}) > 1 else 1
    cast = []
    for row in story_entities(articles):
        if row["sources"] >= floor:
            proper = [n for n in row["names"] if n[:1].isupper() and not n.lower().startswith("the ")]
            # The name that spells the key ("North Korea", not "North Korean"), else the fullest one.
            cast.append(max(proper or row["names"], key=lambda n: (normalise_name(n) == row["key"], len(n))))
    return cast[:KEY_ENTITIES]


def build_story(members: list[Article], max_words: int = DEFAULT_MAX_WORDS) -> Story:
    story = make_story(members)
    comparison = compare(members)
    for key, value in comparison.block.items():
        setattr(story, key, value)
    story.summary = summarize(comparison, max_words)
    # Syndicated copies of one wire story are one independent source.
    story.source_count = len(
        {comparison.articles[g].source or comparison.articles[g].id for g in comparison.group}
    )
    story.key_entities = key_entities(members)
    return story


def build_stories(
    articles: list[Article], progress: ProgressFactory = _no_progress, max_words: int = DEFAULT_MAX_WORDS
) -> list[Story]:
    # Copies join their original's story: they widen coverage but add no independent report.
    originals = [a for a in articles if a.duplicate_of is None]
    groups = cluster_articles(originals)
    group_of = {a.id: g for g, members in enumerate(groups) for a in members}
    for article in articles:
        if article.duplicate_of is not None and article.duplicate_of in group_of:
            groups[group_of[article.duplicate_of]].append(article)
    advance = progress("Comparing stories", len(groups))
    stories = []
    for group in groups:
        stories.append(build_story(group, max_words))
        advance(1)
    stories.sort(key=lambda s: (-len(s.article_ids), s.title))
    return stories


def enrich_stored(store: Store, progress: ProgressFactory = _no_progress) -> list[Article]:
    """All articles of the store (originals and copies), enriched; what is new is saved."""
    articles = store.articles()
    unsplit = [a for a in articles if not a.sentences]
    store.load_mentions(articles)
    advance = progress("Embedding", len(articles))
    with store.transaction():
        enrich(articles, store=store, advance=advance)
        for article in unsplit:
            store.save_sentences(article)
    unannotated = [a for a in articles if not a.mentions]
    advance = progress("Finding mentions", len(unannotated))
    with store.transaction():
        for article in annotate(unannotated, advance=advance):
            store.save_mentions(article)
    return articles


def update_stories(
    store: Store, progress: ProgressFactory = _no_progress, max_words: int = DEFAULT_MAX_WORDS
) -> list[Story]:
    """Recluster the whole store and save the stories (batch mode)."""
    articles = enrich_stored(store, progress)
    stories = build_stories(articles, progress, max_words)
    store.replace_stories(stories)
    return stories


def stories_document(store: Store, ingest: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``stories.json`` document for everything in the store."""
    articles = {a.id: a for a in store.articles()}
    if ingest is None:
        result = IngestResult(entries=store.ledger())
        ingest = result.to_dict()
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "stories": [s.to_dict(articles) for s in store.stories()],
        "ingest": ingest,
    }


def write_reports(doc: dict[str, Any], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    files = {
        out / "stories.json": json.dumps(doc, ensure_ascii=False, indent=2) + "\n",
        out / "report.md": render_markdown(doc),
        out / "report.html": render_html(doc),
    }
    for path, content in files.items():
        path.write_text(content, encoding="utf-8")
    return list(files)
