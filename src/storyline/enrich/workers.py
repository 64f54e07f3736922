"""Enrichment on every core: article vectors, sentences and mentions, in worker processes.

NER and the lede and headline embedding are the two costs left once sentence vectors are deferred,
and both hold one core each per process (spaCy's parser loop holds the GIL; onnxruntime and BLAS are
pinned to one thread here), so throughput scales with processes, not threads. Workers are spawned,
not forked: a forked onnxruntime session can deadlock on thread pools its parent created. Each worker
loads the models once (~1.5 core-seconds), so small batches stay in-process.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from storyline.enrich import enrich
from storyline.enrich.annotate import annotate
from storyline.model import Article

# Below this many articles, starting workers costs more than it saves.
PARALLEL_FROM = 200
# Articles per task: big enough to batch NER and embedding well...
CHUNK = 32
# ...and smaller tasks at the end, so that no worker idles while another finishes a whole chunk
# (a chunk is ~2 core-seconds; a run of 270 articles is 9 chunks).
TAIL_CHUNK = 8


def load_models() -> None:
    """Load the enrichment models of this process once, each on one thread (a worker's or an executor's)."""
    from threadpoolctl import threadpool_limits

    from storyline.enrich.annotate import default_extractor
    from storyline.enrich.embed import default_embedder
    from storyline.enrich.static import static_embedder

    # One onnxruntime thread and one BLAS thread (spaCy's matrix products; numpy is loaded by now) per
    # worker: the workers already fill the cores, and idle threads spin.
    os.environ["STORYLINE_THREADS"] = "1"
    threadpool_limits(1)
    default_embedder()
    static_embedder()
    default_extractor()


def enrich_chunk(articles: list[Article]) -> list[Article]:
    """What a worker does with one task: sentences, article vectors and mentions (no sentence vectors)."""
    enrich(articles, sentence_vectors=False)
    annotate(articles)
    return articles


def default_workers() -> int:
    return min(os.cpu_count() or 1, 4)


def tasks(articles: Sequence[Article], workers: int) -> list[list[Article]]:
    """``CHUNK`` articles per task while every worker has more than one chunk left, ``TAIL_CHUNK`` after."""
    found, start, n = [], 0, len(articles)
    while start < n:
        size = CHUNK if n - start > workers * CHUNK else TAIL_CHUNK
        found.append(list(articles[start : start + size]))
        start += size
    return found


def enrich_chunks(articles: Sequence[Article], workers: int = 1) -> Iterator[list[Article]]:
    """Fill ``sentences``, ``vector`` and ``mentions`` of the articles in place (not sentence vectors),
    yielding them chunk by chunk as they are done, so the caller can save as it goes.

    What an article already has (vector, mentions) is kept.
    """
    if workers <= 1 or len(articles) < PARALLEL_FROM:
        for start in range(0, len(articles), CHUNK):
            yield enrich_chunk(list(articles[start : start + CHUNK]))
        return
    chunks = tasks(articles, workers)
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=load_models) as pool:
        for chunk, done in zip(chunks, pool.map(enrich_chunk, chunks), strict=True):
            yield take_results(chunk, done)


def take_results(chunk: list[Article], done: list[Article]) -> list[Article]:
    """Copy what another process enriched (``done``, pickled copies) into the caller's own articles."""
    for article, result in zip(chunk, done, strict=True):
        article.sentences = result.sentences
        article.vector = result.vector
        article.mentions = result.mentions
    return chunk
