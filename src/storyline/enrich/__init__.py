"""Enrichment vectors: sentence spans, one vector per article, and sentence vectors when asked for.

The article vector (what clustering and story titles use) is MiniLM over the headline — the event in a
dozen words — plus the static vector of the whole text (``static.py``: every word, no 256-token window),
both in MiniLM's space. Sentence vectors, MiniLM over every sentence, cost ~0.3 core-seconds per 600-word
article, more than the rest of enrichment together; comparison needs them, clustering does not, so
callers ask for them (``sentence_vectors=True``, the default) only where articles are compared.
``bench/enrich.py`` measures both the speed and what the cheaper article vector costs in quality.

Backends with no static companion (multilingual USE) keep the older recipe: the mean of the first
``LEAD_SENTENCES`` sentence vectors plus half the headline's vector.

Vectors are cached in the store by content hash, model and kind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from storyline.enrich import static
from storyline.enrich.embed import Embedder, MiniLMEmbedder, default_embedder, normalise_rows
from storyline.enrich.sentences import split_sentences
from storyline.model import Article
from storyline.store import Store

LEAD_SENTENCES = 30
# Articles per embedding call: large enough for full batches, small enough for a smooth progress bar.
_CHUNK = 64
# Embedders whose vectors live in the space the static token vectors were distilled into.
_STATIC_SPACE = {MiniLMEmbedder.name, "st-all-MiniLM-L6-v2"}

__all__ = [
    "LEAD_SENTENCES",
    "Embedder",
    "cache_article_vectors",
    "cached_article_vectors",
    "default_embedder",
    "enrich",
    "split_sentences",
]


def _head(article: Article) -> str:
    """The text that names the event: the headline, else the first sentence."""
    if article.title:
        return article.title
    return article.sentences[0].text if article.sentences else article.text[:300]


def _lead_vector(title_vec: np.ndarray | None, sentence_vecs: np.ndarray) -> np.ndarray:
    lead = sentence_vecs[:LEAD_SENTENCES]
    pooled = lead.mean(axis=0) if len(lead) else np.zeros(sentence_vecs.shape[-1], dtype=np.float32)
    if title_vec is not None:
        pooled = pooled + 0.5 * title_vec
    return normalise_rows(pooled[None, :])[0]


class _Vectors:
    """One chunk's worth of embedding, reading and filling the store's cache."""

    def __init__(self, embedder: Embedder, store: Store | None) -> None:
        self.embedder, self.store = embedder, store
        self.has_static = embedder.name in _STATIC_SPACE
        self.article_kind = f"article:{static.NAME}" if self.has_static else "article"

    def fill_from_cache(self, articles: Sequence[Article]) -> None:
        for article in articles:
            if article.vector is None and (found := self.cached(article, self.article_kind)) is not None:
                article.vector = found[0]

    def cached(self, article: Article, kind: str) -> np.ndarray | None:
        if self.store is None:
            return None
        return self.store.get_vectors(article.hash, self.embedder.name, kind)

    def put(self, article: Article, kind: str, vectors: np.ndarray) -> None:
        if self.store is not None:
            self.store.put_vectors(article.hash, self.embedder.name, kind, vectors)

    def sentences(self, articles: list[Article], with_titles: bool) -> dict[str, np.ndarray]:
        """Fill ``sentence_vectors``; return the titles' vectors when asked for (the older recipe)."""
        for article in articles:
            if article.sentence_vectors is None:
                found = self.cached(article, "sentences")
                if found is not None and len(found) == len(article.sentences):
                    article.sentence_vectors = found
        unsplit = [a for a in articles if a.sentence_vectors is None]
        titled = [a for a in articles if with_titles and a.vector is None and a.title]
        texts = [s.text for a in unsplit for s in a.sentences] + [a.title or "" for a in titled]
        vectors = self.embedder.embed(texts) if texts else np.zeros((0, self.embedder.dim), np.float32)
        offset = 0
        for article in unsplit:
            article.sentence_vectors = vectors[offset : offset + len(article.sentences)]
            offset += len(article.sentences)
            self.put(article, "sentences", article.sentence_vectors)
        return {a.id: vectors[offset + i] for i, a in enumerate(titled)}

    def articles(self, articles: list[Article], sentence_vectors: bool) -> None:
        self.fill_from_cache(articles)
        missing = [a for a in articles if a.vector is None]
        if not self.has_static:
            # The older recipe pools sentence vectors, so those are computed whatever was asked.
            titles = self.sentences(articles, with_titles=True)
            for article in missing:
                article.vector = _lead_vector(titles.get(article.id), article.sentence_vectors)
        else:
            if sentence_vectors:
                self.sentences(articles, with_titles=False)
            if missing:
                heads = self.embedder.embed([_head(a) for a in missing])
                bodies = static.static_embedder().embed([a.text for a in missing])
                for article, vector in zip(missing, normalise_rows(heads + bodies), strict=True):
                    article.vector = vector
        for article in missing:
            self.put(article, self.article_kind, article.vector[None, :])


def enrich(
    articles: Sequence[Article],
    store: Store | None = None,
    embedder: Embedder | None = None,
    advance: Callable[[int], None] | None = None,
    sentence_vectors: bool = True,
) -> None:
    """Fill ``sentences`` and ``vector`` of each article in place, and ``sentence_vectors`` when asked.

    ``store`` serves as the vector cache (keyed by content hash, model and kind); saving the articles
    themselves is the caller's business.
    """
    for article in articles:
        if not article.sentences:
            article.sentences = split_sentences(article.text)
    todo = [a for a in articles if a.vector is None or (sentence_vectors and a.sentence_vectors is None)]
    if advance and len(todo) < len(articles):
        advance(len(articles) - len(todo))
    if not todo:
        return
    vectors = _Vectors(embedder or default_embedder(), store)
    for start in range(0, len(todo), _CHUNK):
        chunk = todo[start : start + _CHUNK]
        vectors.articles(chunk, sentence_vectors)
        if advance:
            advance(len(chunk))


def cached_article_vectors(
    articles: Sequence[Article], store: Store, embedder: Embedder | None = None
) -> None:
    """Set ``vector`` of the articles whose vector the store has cached; compute nothing."""
    _Vectors(embedder or default_embedder(), store).fill_from_cache(articles)


def cache_article_vectors(
    articles: Sequence[Article], store: Store, embedder: Embedder | None = None
) -> None:
    """Cache the articles' vectors, computed elsewhere (e.g. by worker processes)."""
    vectors = _Vectors(embedder or default_embedder(), store)
    for article in articles:
        if article.vector is not None:
            vectors.put(article, vectors.article_kind, article.vector[None, :])
