"""Enrichment vectors: sentence spans, one vector per article, and sentence vectors when asked for.

The article vector (what clustering and story titles use) pools MiniLM over the lede — the first
sentences, up to five and about 60 words, and half the headline — and adds the static vector of the
whole text (``static.py``: every word, no 256-token window), both in MiniLM's space. Sentence vectors,
MiniLM over every sentence, cost ~0.3 core-seconds per 600-word article, more than the rest of
enrichment together; comparison needs them, clustering does not, so callers ask for them
(``sentence_vectors=True``, the default) only where articles are compared. ``bench/enrich.py`` measures
the speed and what the cheaper article vector costs in quality.

Backends with no static companion (multilingual USE) keep the older recipe: the mean of the first
``LEAD_SENTENCES`` sentence vectors plus half the headline's vector.

Vectors are cached in the store by content hash, model and kind; an article vector's kind also names
a digest of its headline, which the vector pools but the content hash leaves out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np

from storyline.enrich import static
from storyline.enrich.embed import Embedder, MiniLMEmbedder, default_embedder, normalise_rows
from storyline.enrich.sentences import SPLITTER, split_sentences
from storyline.model import Article
from storyline.store import Store

# Sentences pooled into the article vector: all of a typical article without the static vector, the
# lede with it (bench/enrich.py: same-event retrieval on the dev sets is as good as the 30-sentence pool).
LEAD_SENTENCES = 30
STATIC_LEAD_SENTENCES = 5
# ...and at most this many words of them (whole sentences; at least one): scraped text often has no
# sentence breaks, and MiniLM's cost grows with every token.
STATIC_LEAD_WORDS = 60
# Articles per embedding call: large enough for full batches, small enough for a smooth progress bar.
_CHUNK = 64
# Embedders whose vectors live in the space the static token vectors were distilled into.
_STATIC_SPACE = {MiniLMEmbedder.name, "st-all-MiniLM-L6-v2"}

__all__ = [
    "LEAD_SENTENCES",
    "STATIC_LEAD_SENTENCES",
    "Embedder",
    "cache_article_vectors",
    "cache_sentence_vectors",
    "cached_article_vectors",
    "cached_sentence_vectors",
    "default_embedder",
    "enrich",
    "split_sentences",
]


def _lead_vector(title_vec: np.ndarray | None, lead: np.ndarray) -> np.ndarray:
    pooled = lead.mean(axis=0) if len(lead) else np.zeros(lead.shape[-1], dtype=np.float32)
    if title_vec is not None:
        pooled = pooled + 0.5 * title_vec
    return normalise_rows(pooled[None, :])[0]


class _Vectors:
    """One chunk's worth of embedding, reading and filling the store's cache."""

    def __init__(self, embedder: Embedder, store: Store | None) -> None:
        self.embedder, self.store = embedder, store
        self.has_static = embedder.name in _STATIC_SPACE
        # The kind names the recipe, so a changed recipe never reads vectors cached by an older one.
        lede = f"lead{STATIC_LEAD_SENTENCES}w{STATIC_LEAD_WORDS}+{static.NAME}" if self.has_static else "lead"
        self.article_recipe = f"article:{lede}:split{SPLITTER}"
        self.sentence_kind = f"sentences:split{SPLITTER}"

    def article_kind(self, article: Article) -> str:
        """The article vector pools the headline, so one text under another headline is another vector;
        sentence vectors depend on the text alone and are keyed by it."""
        title = hashlib.sha256((article.title or "").encode("utf-8")).hexdigest()[:16]
        return f"{self.article_recipe}:title{title}"

    def fill_from_cache(self, articles: Sequence[Article]) -> None:
        for article in articles:
            if article.vector is None:
                found = self.cached(article, self.article_kind(article))
                if found is not None:
                    article.vector = found[0]

    def cached(self, article: Article, kind: str) -> np.ndarray | None:
        if self.store is None:
            return None
        return self.store.get_vectors(article.hash, self.embedder.name, kind)

    def put_sentences(self, article: Article) -> None:
        self._put(article, self.sentence_kind, article.sentence_vectors, self.sentence_kind)

    def put_article(self, article: Article) -> None:
        # Every headline's vector of the current recipe stays: the same text may run under several.
        self._put(article, self.article_kind(article), article.vector[None, :], f"{self.article_recipe}:")

    def _put(self, article: Article, kind: str, vectors: np.ndarray, recipe: str) -> None:
        if self.store is not None:
            self.store.put_vectors(article.hash, self.embedder.name, kind, vectors, recipe)

    def sentences(self, articles: list[Article], with_titles: bool) -> dict[str, np.ndarray]:
        """Fill ``sentence_vectors``; return the titles' vectors when asked for (the older recipe)."""
        for article in articles:
            if article.sentence_vectors is None:
                found = self.cached(article, self.sentence_kind)
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
            self.put_sentences(article)
        return {a.id: vectors[offset + i] for i, a in enumerate(titled)}

    def lede_size(self, article: Article) -> int:
        """How many of the article's first sentences its vector pools."""
        if not self.has_static:
            return min(LEAD_SENTENCES, len(article.sentences))
        words = 0
        for k, sentence in enumerate(article.sentences[:STATIC_LEAD_SENTENCES], start=1):
            words += len(sentence.text.split())
            if words >= STATIC_LEAD_WORDS:
                return k
        return min(STATIC_LEAD_SENTENCES, len(article.sentences))

    def leads(self, articles: list[Article]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Vectors of each article's lede sentences and of its headline, and nothing more."""
        titled = [a for a in articles if a.title]
        sizes = [self.lede_size(a) for a in articles]
        texts = [s.text for a, k in zip(articles, sizes, strict=True) for s in a.sentences[:k]]
        vectors = self.embedder.embed(texts + [a.title or "" for a in titled])
        offset, leads = 0, {}
        for article, k in zip(articles, sizes, strict=True):
            leads[article.id] = vectors[offset : offset + k]
            offset += k
        return leads, {a.id: vectors[offset + i] for i, a in enumerate(titled)}

    def articles(self, articles: list[Article], sentence_vectors: bool) -> None:
        self.fill_from_cache(articles)
        missing = [a for a in articles if a.vector is None]
        if sentence_vectors or not self.has_static:
            # With every sentence vector at hand, the lead costs nothing more.
            titles = self.sentences(articles, with_titles=True)
            leads = {a.id: a.sentence_vectors[: self.lede_size(a)] for a in missing}
        else:
            leads, titles = self.leads(missing)
        bodies = static.static_embedder().embed([a.text for a in missing]) if self.has_static else None
        for i, article in enumerate(missing):
            vector = _lead_vector(titles.get(article.id), leads[article.id])
            if bodies is not None:
                vector = normalise_rows((vector + bodies[i])[None, :])[0]
            article.vector = vector
            self.put_article(article)


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


def cached_sentence_vectors(
    articles: Sequence[Article], store: Store, embedder: Embedder | None = None
) -> None:
    """Set ``sentence_vectors`` of the (split) articles whose sentence vectors the store has cached."""
    vectors = _Vectors(embedder or default_embedder(), store)
    for article in articles:
        if article.sentence_vectors is None and article.sentences:
            found = vectors.cached(article, vectors.sentence_kind)
            if found is not None and len(found) == len(article.sentences):
                article.sentence_vectors = found


def cache_sentence_vectors(
    articles: Sequence[Article], store: Store, embedder: Embedder | None = None
) -> None:
    """Cache the articles' sentence vectors, computed elsewhere (e.g. by worker processes)."""
    vectors = _Vectors(embedder or default_embedder(), store)
    for article in articles:
        if article.sentence_vectors is not None:
            vectors.put_sentences(article)


def cache_article_vectors(
    articles: Sequence[Article], store: Store, embedder: Embedder | None = None
) -> None:
    """Cache the articles' vectors, computed elsewhere (e.g. by worker processes)."""
    vectors = _Vectors(embedder or default_embedder(), store)
    for article in articles:
        if article.vector is not None:
            vectors.put_article(article)
