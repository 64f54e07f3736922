"""The stages wired together: the batch driver behind ``storyline run`` and the contract commands."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from storyline.cluster import StreamClusterer
from storyline.cluster.index import within_reach
from storyline.cluster.score import Lexicon, day_number
from storyline.cluster.storylines import gather, thread_ids, threaded_again
from storyline.contract import StoriesDocument
from storyline.contract import Story as ContractStory
from storyline.engine import Engine, LocalEngine
from storyline.enrich import cache_article_vectors, cached_article_vectors
from storyline.ingest import Ingestor, IngestResult, Reader
from storyline.ingest.readers import Record
from storyline.model import Article, Story
from storyline.report.html import html_page
from storyline.report.markdown import markdown_page
from storyline.report.parts import NUMBER_MARK, PartsCache, StoryPart, part_key, story_part
from storyline.stages import Stages, started
from storyline.store import Store, StoreConflict, StoreError
from storyline.summarize import DEFAULT_MAX_WORDS

Advance = Callable[[int], None]
ProgressFactory = Callable[[str, int], Advance]
COMMIT_EVERY = 500
# Tries at a write that concurrent writers conflicted with (each try starts from a fresh read).
WRITE_ATTEMPTS = 5


def _no_progress(_description: str, _total: int) -> Advance:
    return lambda _n: None


def ingest_paths(
    store: Store,
    paths: Sequence[str | Path],
    progress: ProgressFactory = _no_progress,
    reader: Reader | None = None,
    run_id: str | None = None,
    workers: int = 1,
    engine: Engine | None = None,
) -> IngestResult:
    """Read every record under ``paths`` into the store, committing every ``COMMIT_EVERY`` records.

    Each commit holds its records *and* their ledger entries, so an ingest killed at any point leaves
    a consistent store, and running it again completes it: what was committed is then found again
    as already ingested, the rest goes in. Records are read before their transaction opens, so a
    transaction only decides and writes (another writer waits for it briefly). Files are parsed by
    ``engine`` (default: ``workers`` processes here, 0 choosing from the number of files); what is stored
    is decided here, in order.
    """
    reader = reader or Reader()
    run_id = run_id or datetime.now(UTC).isoformat()
    engine = engine or LocalEngine(workers)
    advance = progress("Ingesting", reader.files(paths))
    last_file = None
    result = IngestResult()
    ingestor = Ingestor(store)
    chunk: list[Record] = []
    for record in engine.read(reader, paths):
        chunk.append(record)
        file_origin = record.origin.split("#", 1)[0].split("!", 1)[0]
        if file_origin != last_file:
            advance(1)
            last_file = file_origin
        if len(chunk) >= COMMIT_EVERY:
            ingestor = store_records(store, ingestor, chunk, run_id, result)
            chunk = []
    if chunk:
        store_records(store, ingestor, chunk, run_id, result)
    return result


def store_records(
    store: Store, ingestor: Ingestor, records: list[Record], run_id: str, result: IngestResult
) -> Ingestor:
    """Decide and store ``records`` with their ledger entries in one transaction, adding them to ``result``.

    Another writer storing the same records at the same moment makes the transaction fail at a unique
    key (:class:`StoreConflict`); it is then done again with a fresh ingestor (the failed one remembers
    articles that were rolled back), which finds those records stored. The ingestor to go on with.
    """
    for _attempt in range(WRITE_ATTEMPTS):
        # Deciding renames and links articles: each attempt decides on untouched records.
        attempt = copy.deepcopy(records)
        taken = len(ingestor.result.articles)
        try:
            with store.transaction():
                entries = [ingestor.add(record) for record in attempt]
                store.record(run_id, entries)
        except StoreConflict:
            ingestor = Ingestor(store)
            continue
        result.entries += entries
        result.articles += ingestor.result.articles[taken:]
        return ingestor
    raise StoreError(f"{store.location}: other writers kept conflicting with this ingest; run it again")


def read_stored(store: Store, ids: Iterable[str] | None = None) -> list[Article]:
    """Articles of the store (all, or those of ``ids``) with what enrichment saved of them: sentences,
    article vectors and mentions."""
    articles = store.articles(ids)
    store.load_mentions(articles)
    cached_article_vectors(articles, store)
    return articles


def enrich_stored(
    store: Store,
    progress: ProgressFactory = _no_progress,
    workers: int = 0,
    ids: Iterable[str] | None = None,
    stages: Stages | None = None,
    engine: Engine | None = None,
) -> list[Article]:
    """All articles of the store (originals and copies), or those of ``ids``, with sentences, article
    vectors and mentions (sentence vectors come later, with comparison: ``build_planned``).

    What is new is enriched by ``engine`` (default: ``workers`` processes, 0: one per core) and saved chunk
    by chunk, so an interrupted run keeps what it finished.
    """
    stages = stages or Stages()
    since = started()
    articles = read_stored(store, ids)
    todo = [a for a in articles if a.vector is None or not a.mentions]
    unsplit = {a.id for a in todo if not a.sentences}
    unannotated = {a.id for a in todo if not a.mentions}
    advance = progress("Enriching", len(todo))
    for chunk in (engine or LocalEngine(workers)).enrich(todo):
        with store.transaction():
            cache_article_vectors(chunk, store)
            for article in chunk:
                if article.id in unsplit:
                    store.save_sentences(article)
                if article.id in unannotated:
                    store.save_mentions(article)
        advance(len(chunk))
    stages.done("enrich", since, len(todo))
    return articles


@dataclass
class StoryPlan:
    """What one try of :func:`update_stories` builds and saves, decided from the store.

    ``groups`` are the members of each story to build (read in full, enriched). ``batch``: the first run,
    whose stories replace every stored one; otherwise the built stories replace those of ``removed``.
    ``lexicon`` (with the originals it counts, ``lexicon_ids``) is saved with the stories when set.
    """

    generation: int
    groups: list[list[Article]]
    batch: bool = False
    removed: set[str] = field(default_factory=set)
    lexicon: Lexicon | None = None
    lexicon_ids: list[str] = field(default_factory=list)
    read: dict[str, Article] | None = None  # the articles read, when they are all the store's
    storylines: bool = True  # whether the storylines need threading again


def plan_stories(
    store: Store,
    progress: ProgressFactory = _no_progress,
    stages: Stages | None = None,
    engine: Engine | None = None,
) -> StoryPlan:
    """Which stories to build and from which articles: the planner of :func:`update_stories`.

    The first time (no stories yet) the whole store is clustered in batch. Afterwards, articles not yet in
    a story are assigned in publication order to an existing story or start a new one (streaming), and the
    stories they touched are settled by the batch rule (:meth:`StreamClusterer.settle`): a stored article
    may move to another story, stories may merge or split, so that run after run the stories converge to
    what the batch would make of every article. Only the stories that gained or lost articles (or are
    older than one of their articles) are built again, the others are kept as stored; a story's id follows
    its earliest article, so one that keeps it keeps its id.

    A later run reads in full only the articles not yet in a story, the stored ones within reach of
    theirs (what :meth:`StreamClusterer.load` takes in) and the members of the stories it rebuilds; of
    the rest, ids, dates and stories. The document frequencies of the originals in stories, which the
    clustering reads, are kept in the store by each run; where they do not cover exactly the stored
    originals (a store of an older storyline, say), they are counted again from every one.
    """
    stages = stages or Stages()
    engine = engine or LocalEngine()
    generation = store.stories_generation()
    existing = store.stories()
    if not existing:
        articles = enrich_stored(store, progress, stages=stages, engine=engine)
        # Copies join their original's story: they widen coverage but add no independent report.
        originals = [a for a in articles if a.duplicate_of is None]
        with stages.time("cluster", len(originals)):
            groups, lexicon = engine.cluster(originals)
        group_of = {a.id: g for g, members in enumerate(groups) for a in members}
        for article in articles:
            if article.duplicate_of is not None and article.duplicate_of in group_of:
                groups[group_of[article.duplicate_of]].append(article)
        # Largest first, the order the local engine builds them in (its progress then moves steadily);
        # the saved stories are sorted anyway.
        groups.sort(key=len, reverse=True)
        # Every original is in a story now, and the batch has counted them all.
        return StoryPlan(
            generation,
            groups,
            batch=True,
            lexicon=lexicon,
            lexicon_ids=[a.id for a in originals],
            read={a.id: a for a in articles},
        )
    story_of = {a: s.id for s in existing for a in s.article_ids}
    catalogue = store.catalogue()
    known = [(i, day) for i, day, copy_of in catalogue if copy_of is None and i in story_of]
    fresh = [(i, day) for i, day, copy_of in catalogue if copy_of is None and i not in story_of]
    near = within_reach(
        np.array([day_number(day) for _, day in known]),
        np.array([day_number(day) for _, day in fresh]),
        hops=2,
    )
    window = [i for (i, _), taken in zip(known, near, strict=True) if taken]
    # What is not yet in a story (copies too) is enriched here; the window was, on joining its story.
    pending = [i for i, _, _ in catalogue if i not in story_of]
    read = {
        a.id: a for a in enrich_stored(store, progress, ids=[*window, *pending], stages=stages, engine=engine)
    }
    new = [read[i] for i, _ in fresh]
    members: dict[str, list[str]] = {s.id: [] for s in existing}
    for i, _, _ in catalogue:
        if i in story_of:
            members[story_of[i]].append(i)
    labels = {sid: n for n, sid in enumerate(members)}
    names = list(members)
    # Stories older than one of their articles are built again from what is stored now.
    changed: set[str] = store.outdated_stories() & set(members)
    plan = StoryPlan(generation, [], storylines=any(s.storyline is None for s in existing))
    since = started()
    if new:
        clusterer = StreamClusterer(len(new[0].vector))
        known_ids = [i for i, _ in known]
        kept = store.lexicon(known_ids)
        lexicon = None if kept is None else Lexicon.from_bytes(kept)
        if lexicon is None:
            # Their words, headlines and mentions: all that the counts read.
            stored = store.articles(known_ids)
            store.load_mentions(stored)
            lexicon = Lexicon()
            lexicon.count(stored)
        taken = clusterer.load(
            [read[i] for i in window], [labels[story_of[i]] for i in window], around=new, lexicon=lexicon
        )
        loaded = [window[k] for k in taken]
        clusterer.stories = max(clusterer.stories, len(names))
        # Settling as it goes: stored articles that the newcomers show to belong elsewhere move there.
        clusterer.add_all(new, settle=True)
        decided = clusterer.story_labels().tolist()
        for i, label in zip([*loaded, *(a.id for a in new)], decided, strict=True):
            while label >= len(names):
                names.append(f"new-{len(names)}")
                members[names[-1]] = []
            if story_of.get(i) == names[label]:
                continue
            if i in story_of:
                members[story_of[i]].remove(i)
                changed.add(story_of[i])
            members[names[label]].append(i)
            story_of[i] = names[label]
            changed.add(names[label])
        # The clusterer counted the newcomers on top of the stored articles: every original in a story.
        plan.lexicon, plan.lexicon_ids = clusterer.lexicon, [*known_ids, *(a.id for a in new)]
    # Copies join their original's story, and move with it: they widen coverage but add no independent
    # report.
    for i, _, copy_of in catalogue:
        if copy_of is None or copy_of not in story_of or story_of.get(i) == story_of[copy_of]:
            continue
        if i in story_of:
            members[story_of[i]].remove(i)
            changed.add(story_of[i])
        story_of[i] = story_of[copy_of]
        members[story_of[i]].append(i)
        changed.add(story_of[i])
    stages.done("cluster", since, len(new))
    unread = [i for sid in changed for i in members[sid] if i not in read]
    read |= {a.id: a for a in read_stored(store, unread)}
    # A story whose every article moved to others is only removed.
    plan.groups = [[read[i] for i in members[sid]] for sid in sorted(changed) if members[sid]]
    # A story's id follows its earliest article, so an earlier newcomer renames it.
    plan.removed = changed & set(labels)
    plan.storylines = plan.storylines or bool(changed)
    return plan


def build_planned(
    store: Store,
    plan: StoryPlan,
    progress: ProgressFactory = _no_progress,
    max_words: int = DEFAULT_MAX_WORDS,
    engine: Engine | None = None,
    stages: Stages | None = None,
) -> list[Story]:
    """The stories of ``plan``, built by ``engine`` (default: worker processes here,
    :meth:`LocalEngine.build`), which may read and fill the store's cache of sentence vectors."""
    stages = stages or Stages()
    since = started()
    advance = progress("Comparing stories", len(plan.groups))
    built = []
    for story in (engine or LocalEngine()).build(plan.groups, max_words, store):
        built.append(story)
        advance(1)
    stages.done("build stories", since, len(plan.groups))
    return built


def save_planned(store: Store, plan: StoryPlan, stories: list[Story], stages: Stages | None = None) -> None:
    """Save the stories built for ``plan`` with their lexicon in one transaction (failing with
    :class:`StoreConflict` should another run have saved stories since the plan was made), then thread
    the storylines."""
    stages = stages or Stages()
    if plan.batch:
        stories = sorted(stories, key=lambda s: (-len(s.article_ids), s.title))
    if plan.batch or stories:
        with store.transaction():
            store.claim_stories(plan.generation)
            if plan.batch:
                store.replace_stories(stories)
            else:
                store.update_stories(stories, removed=plan.removed)
            if plan.lexicon is not None:
                store.save_lexicon(plan.lexicon_ids, plan.lexicon.to_bytes())
    if plan.storylines:
        with stages.time("storylines", len(stories)):
            update_storylines(store, plan.read, None if plan.batch else {s.id for s in stories})


def update_stories(
    store: Store,
    progress: ProgressFactory = _no_progress,
    max_words: int = DEFAULT_MAX_WORDS,
    stages: Stages | None = None,
    engine: Engine | None = None,
) -> None:
    """Bring the store's stories up to date (``store.stories()`` reads them): plan them from the store
    (:func:`plan_stories`), build them without it (:func:`build_planned`), save them
    (:func:`save_planned`).

    Stories are derived from the articles and saved in one transaction with the counts they were
    clustered with, so a run killed at any point leaves the previous stories, and the next run (which
    finds articles in no story: ``store.stale()``) builds what the killed one would have. Should another
    run save stories between this run's reading and saving, this run starts again from what that one
    saved (``claim_stories``). Enrichment and story building run on ``engine`` (default: this machine).
    """
    stages = stages or Stages()
    engine = engine or LocalEngine()
    for _attempt in range(WRITE_ATTEMPTS):
        try:
            plan = plan_stories(store, progress, stages, engine)
            stories = build_planned(store, plan, progress, max_words, engine, stages)
            save_planned(store, plan, stories, stages)
            return
        except StoreConflict:
            continue
    raise StoreError(f"{store.location}: other runs kept saving stories meanwhile; run again")


def update_storylines(
    store: Store, read: dict[str, Article] | None = None, changed: Collection[str] | None = None
) -> None:
    """Thread the stored stories into storylines, read off their articles' headlines (their vectors cached
    in the store): a new event may join an old thread, or link two. All of them (``changed`` None: the
    first run), or those a later run's ``changed`` stories can reach (:func:`threaded_again`); threads
    out of reach keep theirs."""
    stories = store.stories()
    if changed is not None:
        day = {i: day_number(published) for i, published, _ in store.catalogue()}
        outlines = [(s.id, [day[i] for i in s.article_ids], s.storyline) for s in stories]
        again = threaded_again(outlines, changed)
        stories = [s for s in stories if s.id in again]
    if not stories:
        return
    read = read or {}
    unread = [i for s in stories for i in s.article_ids if i not in read]
    if unread:
        read = {**read, **{a.id: a for a in store.articles(unread)}}
    groups = [[read[i] for i in s.article_ids] for s in stories]
    with store.transaction():
        lines = thread_ids(groups, [s.id for s in stories], store)
    store.set_storylines({s.id: line for s, line in zip(stories, lines, strict=True)})


def stories_model(store: Store, ingest: dict[str, Any] | None = None) -> StoriesDocument:
    """The ``stories.json`` document of everything in the store, as the contract's model."""
    articles = {a.id: a for a in store.articles()}
    if ingest is None:
        result = IngestResult(entries=store.ledger())
        ingest = result.to_dict()
    stories = store.stories()
    doc = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "storylines": [line.to_dict() for line in gather(stories)],
        "stories": [s.to_dict(articles) for s in stories],
        "ingest": ingest,
    }
    # Checked against the contract on the way out: a field gone missing or added fails here, not in a
    # consumer of stories.json.
    return StoriesDocument.model_validate(doc)


def stories_document(store: Store, ingest: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``stories.json`` document (``contract.StoriesDocument``) for everything in the store, as JSON."""
    return stories_model(store, ingest).model_dump(mode="json")


def write_store_reports(
    store: Store, out: Path, ingest: dict[str, Any] | None = None
) -> tuple[list[StoryPart], list[Path]]:
    """Write ``stories.json``, ``report.md`` and ``report.html`` of everything in the store into ``out``;
    the stories' parts (each story as the reports show it, in order) and the files.

    The parts of stories unchanged since the last report into ``out`` are kept there
    (:class:`~storyline.report.parts.PartsCache`) and only the others are rendered, reading only their
    articles: a later run that changed a few stories of thousands renders those few. The files are the
    same as rendering every story afresh (``render_html``, ``render_markdown``; a test checks).
    """
    out.mkdir(parents=True, exist_ok=True)
    if ingest is None:
        ingest = IngestResult(entries=store.ledger()).to_dict()
    stories = store.stories()
    # Checked against the contract on the way out, like every story below: a field gone missing or
    # added fails here, not in a consumer of stories.json.
    head = StoriesDocument.model_validate(
        {
            "generated": datetime.now(UTC).isoformat(timespec="seconds"),
            "storylines": [line.to_dict() for line in gather(stories)],
            "stories": [],
            "ingest": ingest,
        }
    )
    cache = PartsCache(out)
    keys = [part_key(s.revision) for s in stories]
    kept = cache.get(keys)
    todo = [i for s, key in zip(stories, keys, strict=True) if key not in kept for i in s.article_ids]
    articles = {a.id: a for a in store.articles(todo)} if todo else {}
    new: dict[str, StoryPart] = {}
    numbered = []
    for n, (story, key) in enumerate(zip(stories, keys, strict=True), 1):
        part = kept.get(key)
        if part is None:
            shown = ContractStory.model_validate(story.to_dict(articles))
            part = new[key] = story_part(shown)
            if part.number != NUMBER_MARK:  # its text holds the mark: rendered as the first, not kept
                part = story_part(shown, n)
        numbered.append(part.numbered(n))
    cache.keep(keys, new)
    cache.close()
    body = json.dumps(head.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    listing = [body]
    if numbered:
        # The stories' objects go where the head lists none, each as its part holds it.
        before, after = body.split('\n  "stories": [],', 1)
        objects = [piece for p in numbered for piece in (",\n    ", p.json)][1:]
        listing = [before, '\n  "stories": [\n    ', *objects, "\n  ],", after]
    files = {
        out / "stories.json": listing,
        out / "report.md": markdown_page(head, numbered),
        out / "report.html": html_page(head, numbered),
    }
    for path, pieces in files.items():
        with path.open("w", encoding="utf-8") as fh:
            fh.writelines(pieces)
    return numbered, list(files)


def run_job(
    store: Store,
    paths: Sequence[str | Path],
    out: Path,
    progress: ProgressFactory = _no_progress,
    reader: Reader | None = None,
    max_words: int = DEFAULT_MAX_WORDS,
    engine: Engine | None = None,
    stages: Stages | None = None,
) -> tuple[IngestResult, list[StoryPart], list[Path]]:
    """The main job (``storyline run``): ingest ``paths``, bring the stories up to date, write the reports
    to ``out``; each stage timed into ``stages``. The ingest result, the stories as reported (in the
    reports' order) and the files."""
    stages = stages or Stages()
    engine = engine or LocalEngine(0, stages)
    since = started()
    result = ingest_paths(store, paths, progress, reader=reader, engine=engine)
    stages.done("ingest", since, result.ingested + len(result.duplicates))
    update_stories(store, progress, max_words, stages, engine)
    with stages.time("report"):
        parts, files = write_store_reports(store, out, result.to_dict())
    stages.stages["report"].items = len(parts)
    return result, parts, files
