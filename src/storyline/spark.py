"""`storyline run --engine spark`: the parallel stages on Apache Spark, the same functions as on one machine.

Spark runs what needs no view of the whole store: parsing each file (``readers.read_file``), enriching
chunks of articles (``workers.enrich_chunk``), clustering each block of publication time and scoring the
pairs across each boundary (``cluster.blocks``), and building each story from its members
(``story.build_story``). The driver keeps what does: deciding duplicates and storing records with their
ledger, joining the blocks' stories, assigning a later run's articles to stories, threading storylines,
and saving, all through the store, as a single-machine run does. Executors load the models once per
Python worker (Spark reuses its workers).

pyspark is an optional extra (``pip install 'storyline[spark]'``); it needs Java 17 or newer.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from storyline.build import Built, build_task, take_vectors, tasks
from storyline.cluster import cluster_and_count
from storyline.cluster.score import Lexicon
from storyline.engine import in_order
from storyline.enrich import cached_sentence_vectors
from storyline.enrich.workers import enrich_chunk, load_models, take_results
from storyline.enrich.workers import tasks as enrich_tasks
from storyline.ingest.readers import Reader, Record, read_file
from storyline.model import Article, Story
from storyline.store import Store

INSTALL = "pip install 'storyline[spark]'"
# Tasks per core in one wave of work: enough that no core idles while another finishes its last task.
TASKS_PER_CORE = 4

Parsed = tuple[int, list[Record]]  # a file's place among the units, and its records


class SparkUnavailable(RuntimeError):
    """pyspark is not installed, or Spark could not start (no Java, a master that does not answer)."""


def _parse(limits: dict[str, int], item: tuple[int, str]) -> Parsed:
    index, path = item
    return index, read_file(limits, path)


def _enrich(item: tuple[int, list[Article]]) -> tuple[int, list[Article]]:
    load_models()  # once per Python worker: the models are cached after the first call
    index, chunk = item
    return index, enrich_chunk(chunk)


class SparkEngine:
    """A Spark session on ``master`` (``local[N]``, ``spark://host:7077``, ``yarn``, ``k8s://...``)."""

    def __init__(self, master: str = "local[*]", config: dict[str, str] | None = None) -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:
            raise SparkUnavailable(f"--engine spark needs pyspark, which is not installed: {INSTALL}") from (
                exc
            )
        # Executors on this machine run this interpreter, which has storyline; on a cluster the
        # executors' Python must have it installed too (see the README).
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = SparkSession.builder.master(master).appName("storyline")
        # Our own progress bars show the stages; Spark's console bars would draw over them.
        quiet = {"spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false"}
        for key, value in {**quiet, **(config or {})}.items():
            builder = builder.config(key, value)
        try:
            self.session = builder.getOrCreate()
        except Exception as exc:  # Spark's errors come from the JVM gateway as many types
            raise SparkUnavailable(f"Spark did not start on {master}: {exc}") from exc
        self.context = self.session.sparkContext
        self.context.setLogLevel("ERROR")
        self.cores = self.context.defaultParallelism

    def close(self) -> None:
        self.session.stop()

    def __enter__(self) -> SparkEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _map(self, items: list[Any], function: Any) -> Iterator[Any]:
        """``function`` over ``items`` on the executors, one task per item, results in order.

        Items go in waves of a few tasks per core, each wave collected whole: the caller saves and shows
        progress as waves finish, and the driver never holds more than a wave's results.
        (``toLocalIterator`` would run one partition at a time.)
        """
        wave = self.cores * TASKS_PER_CORE
        for start in range(0, len(items), wave):
            batch = list(enumerate(items[start : start + wave]))
            done = self.context.parallelize(batch, len(batch)).map(function).collect()
            yield from (result for _index, result in sorted(done, key=lambda pair: pair[0]))

    def read(self, reader: Reader, paths: Sequence[str | Path]) -> Iterator[Record]:
        units = list(reader.units(paths))
        files = [(i, str(path)) for i, (kind, path) in enumerate(units) if kind == "file"]
        limits = reader.limits()
        # Many files per task: a task costs milliseconds to schedule, a small file less to parse.
        per_task = max(1, len(files) // (self.cores * 8))
        batches = [files[start : start + per_task] for start in range(0, len(files), per_task)]

        def parse_batch(item: tuple[int, list[tuple[int, str]]]) -> tuple[int, list[Parsed]]:
            return item[0], [_parse(limits, f) for f in item[1]]

        parsed = (pair for batch in self._map(batches, parse_batch) for pair in batch)
        pending = next(parsed, None)
        for i, unit in enumerate(units):
            if pending is not None and pending[0] == i:
                yield from pending[1]
                pending = next(parsed, None)
            else:  # stdin and paths that are not files are read here, in turn
                yield from reader.read_unit(unit)

    def enrich(self, articles: Sequence[Article]) -> Iterator[list[Article]]:
        chunks = enrich_tasks(articles, self.cores)
        for chunk, done in zip(chunks, self._map(chunks, _enrich), strict=True):
            yield take_results(chunk, done)

    def cluster(self, articles: list[Article]) -> tuple[list[list[Article]], Lexicon]:
        """As :meth:`LocalEngine.cluster`: each block of publication time, then each boundary between
        blocks, is a task on the executors; the driver joins the blocks' stories."""

        def mapper(function: Callable[[Any], Any], items: list[Any]) -> Iterator[Any]:
            return self._map(items, lambda item: (item[0], function(item[1])))

        return cluster_and_count(articles, mapper)

    def build(self, groups: list[list[Article]], max_words: int, store: Store | None) -> Iterator[Story]:
        """As :meth:`LocalEngine.build`: the same tasks (several small stories, their sentence vectors
        batched), each run on an executor; the vectors come back to be cached in ``store``."""
        if store is not None:
            cached_sentence_vectors([a for g in groups for a in g], store)
        cut = tasks(groups)

        def build(item: tuple[int, list[list[Article]]]) -> tuple[int, Built]:
            load_models()
            return item[0], build_task(item[1], max_words)

        by_id = {a.id: a for g in groups for a in g}
        built = self._map([[groups[g] for g in task] for task in cut], build)
        return in_order(
            (
                (task, stories, take_vectors(by_id, computed))
                for task, (stories, computed, _stages) in zip(cut, built, strict=True)
            ),
            store,
        )
