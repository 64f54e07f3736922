"""Where the parallel stages run: worker processes on this machine, or executors of a Spark cluster.

The pipeline (``storyline.pipeline``) decides what to read, enrich and rebuild, and keeps every decision
that needs the whole store (duplicates, streaming assignment, saving) on the driver; an engine only runs
the stage functions over independent pieces: parsing a file, enriching a chunk of articles, clustering a
block of publication time and scoring a boundary between blocks (``cluster.blocks``), building one story
from its members. Both engines run the same functions, so both give the same stories.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Protocol

from storyline.build import build_all
from storyline.cluster import cluster_and_count
from storyline.cluster.blocks import block_numbers
from storyline.cluster.score import Lexicon
from storyline.enrich import cache_sentence_vectors, cached_sentence_vectors
from storyline.enrich.workers import default_workers, enrich_chunks
from storyline.ingest.readers import Reader, Record
from storyline.model import Article, Story
from storyline.stages import Stages
from storyline.store import Store

# A task of story building: the indices of its groups, their stories, and the articles whose sentence
# vectors it computed.
Task = tuple[list[int], list[Story], list[Article]]
AUTO_WORKERS_FROM = 200  # files
# Blocks of publication time go to worker processes from this many articles: a block costs ~2 ms an
# article on one core, and starting the workers (spawned, each importing numpy, usearch, scikit-learn)
# a few seconds (bench/blocks.py: 1,260 articles in 4 blocks took 2.1 s in-process, 6.8 s on 2 workers).
PARALLEL_BLOCKS_FROM = 5000
MAX_AUTO_WORKERS = 4


class Engine(Protocol):
    def read(self, reader: Reader, paths: Sequence[str | Path]) -> Iterator[Record]:
        """Every record under ``paths``, in the order ``reader.read`` gives them."""
        ...

    def enrich(self, articles: Sequence[Article]) -> Iterator[list[Article]]:
        """Fill sentences, article vectors and mentions of ``articles`` in place, yielding them in chunks,
        in order, as they are done (so the caller saves as it goes)."""
        ...

    def cluster(self, articles: list[Article]) -> tuple[list[list[Article]], Lexicon]:
        """The articles' event stories and the counts of their words and keys, in batch: one pass for a
        corpus within a block of publication time, else block by block in parallel
        (:mod:`storyline.cluster.blocks`)."""
        ...

    def build(self, groups: list[list[Article]], max_words: int, store: Store | None) -> Iterator[Story]:
        """The story of each group, in order."""
        ...


class LocalEngine:
    """Worker processes on this machine: ``workers`` of them (0: chosen from the size of the work). What
    the workers spent per stage of story building is added to ``stages``."""

    def __init__(self, workers: int = 0, stages: Stages | None = None) -> None:
        self.workers = workers
        self.stages = stages if stages is not None else Stages()

    def read(self, reader: Reader, paths: Sequence[str | Path]) -> Iterator[Record]:
        workers = self.workers
        if workers == 0:
            # Worker processes take a second or two to start: worth it only for many files.
            many = reader.files(paths) >= AUTO_WORKERS_FROM
            workers = min(os.cpu_count() or 1, MAX_AUTO_WORKERS) if many else 1
        return reader.read(paths, workers=workers)

    def enrich(self, articles: Sequence[Article]) -> Iterator[list[Article]]:
        return enrich_chunks(articles, self.workers or default_workers())

    def cluster(self, articles: list[Article]) -> tuple[list[list[Article]], Lexicon]:
        workers = self.workers or default_workers()
        if (
            workers == 1
            or len(articles) < PARALLEL_BLOCKS_FROM
            or len(set(block_numbers(articles).tolist())) < 2
        ):
            return cluster_and_count(articles)
        # Spawned, as the enrichment workers are: forking a process that holds threads can deadlock.
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            return cluster_and_count(articles, pool.map)

    def build(self, groups: list[list[Article]], max_words: int, store: Store | None) -> Iterator[Story]:
        """Sentence vectors the store has cached are read here; the rest are computed with the stories
        (once per distinct sentence, batched across stories: :func:`storyline.build.build_all`) and cached
        as each task of stories comes back."""
        if store is not None:
            cached_sentence_vectors([a for g in groups for a in g], store)
        workers = self.workers or default_workers()
        return in_order(build_all(groups, max_words, workers, stages=self.stages), store)


def in_order(built: Iterable[Task], store: Store | None) -> Iterator[Story]:
    """The stories of tasks that finish in any order, in the order of their groups (as
    :meth:`Engine.build` promises); the sentence vectors each task computed are cached in ``store``."""
    done: dict[int, Story] = {}
    ready = 0
    for task, stories, computed in built:
        if store is not None and computed:
            with store.transaction():
                cache_sentence_vectors(computed, store)
        done.update(zip(task, stories, strict=True))
        while ready in done:
            yield done.pop(ready)
            ready += 1
