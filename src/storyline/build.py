"""Building stories from their articles, with no store: the processes the local engine runs them on.

:func:`storyline.pipeline.plan_stories` decides, reading the store, which stories to build and from which
articles; everything here works on those articles alone: :func:`sentence_vectors` for the articles of
many stories at once, then per story :func:`storyline.story.build_story` (comparison, summary, cast).
:func:`build_all` runs them in worker processes when there is enough to build, each loading its models
once (``storyline.engine.LocalEngine.build``; the Spark engine runs ``build_story`` on its executors).

Sentence vectors are the largest cost. They are computed once per distinct sentence text (a syndicated
copy repeats its original's sentences; so do articles ingest found duplicates of another) and in batches
across stories; MiniLM's vectors do not depend on how texts are batched, so neither choice changes a
vector. The store caches them (the caller reads and fills that cache: :func:`storyline.enrich.
cached_sentence_vectors` and :func:`storyline.pipeline.cache_sentence_vectors`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing import get_context

import numpy as np

from storyline.enrich import split_sentences
from storyline.enrich.embed import Embedder, default_embedder
from storyline.model import Article, Story
from storyline.stages import Stages
from storyline.story import build_story
from storyline.summarize import DEFAULT_MAX_WORDS

# Below this many articles to build, starting worker processes (each loads its models, ~3 core-seconds)
# costs more than it saves.
PARALLEL_FROM = 200
# Articles per task: enough to batch the sentence vectors of several small stories together, few enough
# that the last tasks of a run keep every worker busy.
TASK_ARTICLES = 24


def sentence_vectors(articles: Sequence[Article], embedder: Embedder | None = None) -> list[Article]:
    """Fill ``sentence_vectors`` of the articles that lack them, each distinct sentence embedded once;
    the articles whose vectors were computed here (for the caller to cache)."""
    todo = [a for a in articles if a.sentence_vectors is None]
    for article in todo:
        if not article.sentences:
            article.sentences = split_sentences(article.text)
    if not todo:
        return []
    embedder = embedder or default_embedder()
    row: dict[str, int] = {}
    for article in todo:
        for sentence in article.sentences:
            row.setdefault(sentence.text, len(row))
    vectors = embedder.embed(list(row)) if row else np.zeros((0, embedder.dim), np.float32)
    for article in todo:
        rows = [row[s.text] for s in article.sentences]
        article.sentence_vectors = vectors[rows] if rows else np.zeros((0, embedder.dim), np.float32)
    return todo


Built = tuple[list[Story], list[Article], Stages]


def build_stories(groups: list[list[Article]], max_words: int = DEFAULT_MAX_WORDS) -> Built:
    """The stories of ``groups`` (the members of each), their sentence vectors computed for all groups
    at once; also the articles whose sentence vectors were computed, and the time each stage took."""
    stages = Stages()
    with stages.time("vectors", sum(len(g) for g in groups)):
        computed = sentence_vectors([a for g in groups for a in g])
    return [build_story(g, max_words, stages=stages) for g in groups], computed, stages


def tasks(groups: list[list[Article]]) -> list[list[int]]:
    """The groups (by index) cut into tasks of about ``TASK_ARTICLES`` articles, largest stories first so
    that no long story is left for the end."""
    order = sorted(range(len(groups)), key=lambda g: -len(groups[g]))
    found: list[list[int]] = []
    size = 0
    for g in order:
        if not found or size + len(groups[g]) > TASK_ARTICLES:
            found.append([])
            size = 0
        found[-1].append(g)
        size += len(groups[g])
    return found


def _load_models() -> None:
    from threadpoolctl import threadpool_limits

    # One onnxruntime and one BLAS thread per worker: the workers already fill the cores.
    os.environ["STORYLINE_THREADS"] = "1"
    threadpool_limits(1)
    default_embedder()


def build_task(groups: list[list[Article]], max_words: int) -> Built:
    """:func:`build_stories` in another process (a worker here, or a Spark executor): what it returns
    travels back pickled, so of the articles only their sentences and vectors are kept."""
    stories, computed, stages = build_stories(groups, max_words)
    for article in computed:
        article.text, article.mentions = "", []
    return stories, computed, stages


def take_vectors(by_id: dict[str, Article], computed: list[Article]) -> list[Article]:
    """Set the sentences and sentence vectors another process computed (``computed``, pickled copies)
    on the caller's own articles (``by_id``); those articles."""
    mine = []
    for article in computed:
        own = by_id[article.id]
        own.sentences, own.sentence_vectors = article.sentences, article.sentence_vectors
        mine.append(own)
    return mine


def build_all(
    groups: list[list[Article]],
    max_words: int = DEFAULT_MAX_WORDS,
    workers: int = 1,
    advance: Callable[[int], None] | None = None,
    stages: Stages | None = None,
) -> Iterator[tuple[list[int], list[Story], list[Article]]]:
    """Build the stories of ``groups`` on ``workers`` processes (in this one below ``PARALLEL_FROM``
    articles), yielding task by task the indices of its groups, their stories and the members whose
    sentence vectors were computed (their vectors set on the caller's articles too)."""
    stages = stages or Stages()
    advance = advance or (lambda _n: None)
    cut = tasks(groups)
    if workers <= 1 or sum(len(g) for g in groups) < PARALLEL_FROM:
        for task in cut:
            stories, computed, done = build_stories([groups[g] for g in task], max_words)
            stages.merge(done)
            advance(len(task))
            yield task, stories, computed
        return
    by_id = {a.id: a for g in groups for a in g}
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_load_models) as pool:
        pending: dict[Future[Built], list[int]] = {
            pool.submit(build_task, [groups[g] for g in task], max_words): task for task in cut
        }
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                task = pending.pop(future)
                stories, computed, done = future.result()
                stages.merge(done)
                advance(len(task))
                yield task, stories, take_vectors(by_id, computed)
