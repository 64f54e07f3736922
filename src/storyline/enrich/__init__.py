"""Enrichment: sentence spans and vectors for each article, cached in the store by content hash."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from storyline.enrich.embed import Embedder, default_embedder, normalise_rows
from storyline.enrich.sentences import split_sentences
from storyline.model import Article
from storyline.store import Store

# The article vector pools the title and the opening sentences: the lede carries the event,
# later paragraphs drift into background that other stories share.
LEAD_SENTENCES = 30
_BATCH_ARTICLES = 16

__all__ = ["LEAD_SENTENCES", "Embedder", "default_embedder", "enrich", "split_sentences"]


def _article_vector(title_vec: np.ndarray | None, sentence_vecs: np.ndarray) -> np.ndarray:
    lead = sentence_vecs[:LEAD_SENTENCES]
    pooled = lead.mean(axis=0) if len(lead) else np.zeros(sentence_vecs.shape[-1], dtype=np.float32)
    if title_vec is not None:
        pooled = pooled + 0.5 * title_vec
    return normalise_rows(pooled[None, :])[0]


def enrich(
    articles: Sequence[Article],
    store: Store | None = None,
    embedder: Embedder | None = None,
    advance: Callable[[int], None] | None = None,
) -> None:
    """Fill ``sentences``, ``sentence_vectors`` and ``vector`` of each article in place.

    ``store`` serves as the vector cache (keyed by content hash and model); saving the articles
    themselves is the caller's business.
    """
    todo: list[Article] = []
    for article in articles:
        if not article.sentences:
            article.sentences = split_sentences(article.text)
        if article.vector is not None and article.sentence_vectors is not None:
            if advance:
                advance(1)
            continue
        if store is not None:
            emb_name = (embedder or default_embedder()).name
            cached = store.get_vectors(article.hash, emb_name, "sentences")
            vec = store.get_vectors(article.hash, emb_name, "article")
            if cached is not None and vec is not None and len(cached) == len(article.sentences):
                article.sentence_vectors, article.vector = cached, vec[0]
                if advance:
                    advance(1)
                continue
        todo.append(article)
    if not todo:
        return
    embedder = embedder or default_embedder()
    for b in range(0, len(todo), _BATCH_ARTICLES):
        batch = todo[b : b + _BATCH_ARTICLES]
        texts: list[str] = []
        for article in batch:
            texts += [s.text for s in article.sentences]
            texts.append(article.title or "")
        vectors = embedder.embed(texts)
        offset = 0
        for article in batch:
            n = len(article.sentences)
            article.sentence_vectors = vectors[offset : offset + n]
            title_vec = vectors[offset + n] if article.title else None
            offset += n + 1
            article.vector = _article_vector(title_vec, article.sentence_vectors)
            if store is not None:
                store.put_vectors(article.hash, embedder.name, "sentences", article.sentence_vectors)
                store.put_vectors(article.hash, embedder.name, "article", article.vector[None, :])
        if advance:
            advance(len(batch))
