"""What the similarity scorer needs to know about one article, computed once per article.

A pair is scored from two profiles; building a profile (sentence vectors, names, numbers, tone) is the
expensive part, scoring a pair of profiles is cheap. Sentence vectors come from the multilingual
Universal Sentence Encoder, so a German and an English report of one event are comparable.
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
LEAD_SENTENCES = 3  # headline and lede: what the article is about before background drifts in

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
class Profile:
    id: str
    text_hash: str  # the article's content hash: the same text on both sides is a perfect match
    language: str | None
    sentences: list[str]
    vectors: np.ndarray  # one L2-normalised row per sentence
    doc: np.ndarray  # mean of all sentence vectors, normalised
    lead: np.ndarray  # mean of the first LEAD_SENTENCES, normalised
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
    found = (extractor or EntityExtractor()).extract_batch(
        [a.text for a in copies], [a.language for a in copies]
    )
    profiles = []
    for original, article, mentions in zip(articles, copies, found, strict=True):
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
                tone=tone(article),
                genre=genre(article),
                quote_rate=len(_QUOTE_MARKS.findall(article.text)) / n_sentences,
                question_rate=sum(s.rstrip().endswith("?") for s in texts) / n_sentences,
            )
        )
    return profiles
