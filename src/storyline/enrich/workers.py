"""Enrichment on every core: article vectors, sentences and mentions, in worker processes.

NER and the headline embedding are the two costs left once sentence vectors are deferred, and both
hold one core each per process (spaCy's parser loop is Python; onnxruntime is pinned to one thread
here), so throughput scales with processes, not threads. Workers are spawned, not forked: a forked
onnxruntime session can deadlock on thread pools its parent created. Each worker loads the models
once (~3 s), so small batches stay in-process.
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
# Articles per task: big enough to batch NER and embedding well, small enough to balance the workers.
CHUNK = 32


def _load_models() -> None:
    # One onnxruntime thread per worker: the workers already fill the cores.
    os.environ["STORYLINE_THREADS"] = "1"
    from storyline.enrich.annotate import default_extractor
    from storyline.enrich.embed import default_embedder
    from storyline.enrich.static import static_embedder

    default_embedder()
    static_embedder()
    default_extractor()


def _work(articles: list[Article]) -> list[Article]:
    enrich(articles, sentence_vectors=False)
    annotate(articles)
    return articles


def default_workers() -> int:
    return min(os.cpu_count() or 1, 4)


def enrich_chunks(articles: Sequence[Article], workers: int = 1) -> Iterator[list[Article]]:
    """Fill ``sentences``, ``vector`` and ``mentions`` of the articles in place (not sentence vectors),
    yielding them chunk by chunk as they are done, so the caller can save as it goes.

    What an article already has (vector, mentions) is kept.
    """
    chunks = [list(articles[start : start + CHUNK]) for start in range(0, len(articles), CHUNK)]
    if workers <= 1 or len(articles) < PARALLEL_FROM:
        for chunk in chunks:
            yield _work(chunk)
        return
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_load_models) as pool:
        for chunk, done in zip(chunks, pool.map(_work, chunks), strict=True):
            for article, result in zip(chunk, done, strict=True):
                article.sentences = result.sentences
                article.vector = result.vector
                article.mentions = result.mentions
            yield chunk
