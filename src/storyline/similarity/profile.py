"""What the similarity scorer needs to know about one article, computed once per article.

A pair is scored from two profiles; building a profile (sentence vectors, names, numbers, tone) is the
expensive part, scoring a pair of profiles is cheap. Sentence vectors come from the multilingual
Universal Sentence Encoder, so a German and an English report of one event are comparable. English
articles also get MiniLM sentence vectors: the English-only model separates English reports better
(bench/similarity.py, 5-fold CV Pearson on overall: en-en +0.009, all pairs +0.003, mean of six fold
seeds). They cost ~35 ms of one core per English article, about three times the USE vectors, and
nothing when the store passed in already caches them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from storyline.compare.framing import genre, tone
from storyline.enrich import enrich
from storyline.enrich.aliases import normalise_name
from storyline.enrich.embed import Embedder, get_embedder, normalise_rows
from storyline.enrich.entities import EntityExtractor, ner_quality
from storyline.enrich.sentences import split_sentences
from storyline.enrich.times import resolve_times
from storyline.model import Article
from storyline.store import Store

EMBEDDER = "use"  # multilingual: the SemEval pairs span eight languages, several of them cross-lingual
ENGLISH_EMBEDDER = "minilm"  # second opinion where both articles are English
LEAD_SENTENCES = 3  # headline and lede: what the article is about before background drifts in
# The opening words stand for the headline: scraped texts glue it to the first sentence, and their
# bodies are often cookie banners or page furniture that drown it in the sentence vectors.
OPENING_WORDS = 8

# NER labels grouped as the task's annotators were asked about them: where, and who.
_PLACE_LABELS = {"GPE", "LOC", "FAC"}
_PERSON_LABELS = {"PERSON"}
_ORG_LABELS = {"ORG", "NORP"}
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
_WORD = re.compile(r"[^\W\d_]{3,}")
_QUOTE_MARKS = re.compile(r"[\"“”„«»]")
_CHAR_GRAMS = 4


@dataclass
class EnglishVectors:
    """MiniLM vectors of an English article, in the same sentences as the profile's."""

    vectors: np.ndarray  # one L2-normalised row per sentence
    doc: np.ndarray  # mean of all sentence vectors, normalised
    lead: np.ndarray  # mean of the first LEAD_SENTENCES, normalised
    article: np.ndarray  # the enrichment's article vector (lede plus static vector of the whole text)


@dataclass
class Profile:
    id: str
    text_hash: str  # the article's content hash: the same text on both sides is a perfect match
    language: str | None
    sentences: list[str]
    vectors: np.ndarray  # one L2-normalised row per sentence
    doc: np.ndarray  # mean of all sentence vectors, normalised
    lead: np.ndarray  # mean of the first LEAD_SENTENCES, normalised
    opening: np.ndarray  # vector of the first OPENING_WORDS words
    english: EnglishVectors | None  # MiniLM vectors, English articles only
    ner_full: bool  # a statistical NER model ran (en, fr); elsewhere entity types are unknown
    names: dict[str, str]  # normalised name -> how the article writes it
    places: set[str]
    people: set[str]
    orgs: set[str]
    name_words: set[str]  # the words of all names: "Merkel" matches "Angela Merkel"
    numbers: set[str]
    years: set[str]
    months: set[str]  # "YYYY-MM" or "--MM" of the times the text names (English patterns)
    words: set[str]
    grams: set[str]  # character 4-grams of the case-folded text: language-agnostic lexical overlap
    word_count: int
    tone: float
    genre: str
    quote_rate: float  # quote marks per sentence
    question_rate: float


def _normalised_mean(rows: np.ndarray) -> np.ndarray:
    if not len(rows):
        return np.zeros(rows.shape[-1], dtype=np.float32)
    return normalise_rows(rows.mean(axis=0)[None, :])[0]


def _grams(text: str) -> set[str]:
    folded = re.sub(r"\s+", " ", text.casefold())
    return {folded[i : i + _CHAR_GRAMS] for i in range(len(folded) - _CHAR_GRAMS + 1)}


def _months(text: str, published: str | None) -> set[str]:
    return {t.value[:7] for t in resolve_times(text, published) if t.precision in ("day", "week", "month")}


def _titled_copy(article: Article) -> Article:
    """A copy without vectors (the article keeps those of the pipeline's own embedder) whose text opens
    with the title: the SemEval texts the model learned from open with their headline."""
    title = (article.title or "").strip()
    if not title or article.text.lstrip().startswith(title):
        sentences = article.sentences or split_sentences(article.text)
        return replace(article, sentences=sentences, vector=None, sentence_vectors=None)
    text = f"{title}\n\n{article.text}"
    # hash="" recomputes it: the vector cache is keyed by the text actually embedded.
    return replace(
        article, text=text, hash="", sentences=split_sentences(text), vector=None, sentence_vectors=None
    )


def _opening(text: str) -> str:
    return " ".join(text.split()[:OPENING_WORDS])


def _english_vectors(articles: list[Article], store: Store | None) -> list[EnglishVectors | None]:
    """MiniLM vectors for the English articles (``None`` for the others), cached in ``store``."""
    english = [replace(a, vector=None, sentence_vectors=None) for a in articles if a.language == "en"]
    if not english:
        return [None] * len(articles)
    embedder = get_embedder(ENGLISH_EMBEDDER)
    enrich(english, store=store, embedder=embedder)
    found = iter(english)
    out: list[EnglishVectors | None] = []
    for article in articles:
        if article.language != "en":
            out.append(None)
            continue
        copy = next(found)
        vectors = copy.sentence_vectors
        if vectors is None:
            vectors = np.zeros((0, embedder.dim), np.float32)
        article_vector = copy.vector if copy.vector is not None else np.zeros(embedder.dim, np.float32)
        out.append(
            EnglishVectors(
                vectors=vectors,
                doc=_normalised_mean(vectors),
                lead=_normalised_mean(vectors[:LEAD_SENTENCES]),
                article=article_vector,
            )
        )
    return out


def build_profiles(
    articles: Sequence[Article],
    embedder: Embedder | None = None,
    store: Store | None = None,
    extractor: EntityExtractor | None = None,
    advance: Callable[[int], None] | None = None,
) -> list[Profile]:
    """One profile per article. ``store`` caches sentence vectors by content hash, as enrichment does."""
    embedder = embedder or get_embedder(EMBEDDER)
    copies = [_titled_copy(a) for a in articles]
    enrich(copies, store=store, embedder=embedder, advance=advance)
    openings = embedder.embed([_opening(a.text) for a in copies])
    english = _english_vectors(copies, store)
    found = (extractor or EntityExtractor()).extract_batch(
        [a.text for a in copies], [a.language for a in copies]
    )
    profiles = []
    for original, article, mentions, opening, en in zip(
        articles, copies, found, openings, english, strict=True
    ):
        vectors = (
            article.sentence_vectors
            if article.sentence_vectors is not None
            else np.zeros((0, embedder.dim), np.float32)
        )
        names: dict[str, str] = {}
        typed: dict[str, set[str]] = {"place": set(), "person": set(), "org": set()}
        for m in mentions:
            key = normalise_name(m.text)
            if not key:
                continue
            names.setdefault(key, m.text)
            for kind, labels in (
                ("place", _PLACE_LABELS),
                ("person", _PERSON_LABELS),
                ("org", _ORG_LABELS),
            ):
                if m.label in labels:
                    typed[kind].add(key)
        n_sentences = max(len(article.sentences), 1)
        texts = [s.text for s in article.sentences]
        profiles.append(
            Profile(
                id=article.id,
                text_hash=original.hash,
                language=article.language,
                sentences=texts,
                vectors=vectors,
                doc=_normalised_mean(vectors),
                lead=_normalised_mean(vectors[:LEAD_SENTENCES]),
                opening=opening,
                english=en,
                ner_full=ner_quality(article.language) == "full",
                names=names,
                places=typed["place"],
                people=typed["person"],
                orgs=typed["org"],
                name_words={w for key in names for w in key.split() if len(w) > 2},
                numbers=set(_NUMBER.findall(article.text)),
                years=set(_YEAR.findall(article.text)),
                months=_months(article.text, article.published),
                words={w.casefold() for w in _WORD.findall(article.text)},
                grams=_grams(article.text),
                word_count=article.word_count,
                # No tone model for the language (tone None): a neutral tone, as the model was fitted.
                tone=tone(article) or 0.0,
                genre=genre(article),
                quote_rate=len(_QUOTE_MARKS.findall(article.text)) / n_sentences,
                question_rate=sum(s.rstrip().endswith("?") for s in texts) / n_sentences,
            )
        )
    return profiles
