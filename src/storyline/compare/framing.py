"""How an outlet frames the event: genre (report, opinion, analysis), tone, and whom it lets speak.

Every sentence is first given a voice: *attributed* (a quote or a statement the article credits to
someone: said, told, according to) or the author's *own*; an own sentence is *subjective* when the
subjectivity model (storyline.enrich.subjectivity) reads it as the author's view.

Genre follows what the sentences are, after the page's own label where the outlet gives one (an
"Opinion" section or kicker, a byline "Editorial", ``/opinion/`` in the URL):

- opinion: the author speaks for themself: at least ``OPINION_OWN`` of the own sentences are subjective,
  or ``OPINION_SHARE`` of all sentences are, or the piece argues (first person, "should", "must") in at
  least ``ARGUE_SHARE`` of its own sentences;
- analysis: the own sentences explain (because, means, could, likely, analysts, the question) in at
  least ``EXPLAIN_SHARE`` of them (the subjectivity data reads hedged explanation as objective, so
  explanation is told by its words);
- report: otherwise: own sentences state facts, judgements are attributed.

The constants were set from the subjectivity model's behaviour on its CV folds (about a quarter of
objective news sentences read as subjective, so a report's own voice scores up to ~0.3) and checked on
the fictional articles of tests/test_framing.py; the demo corpus only measures them (bench/framing.py).

Tone is VADER's compound score over the own sentences, with the sentences that drive it; VADER reads
English only, so another language gets ``tone: null`` and a note instead of a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from storyline.compare.noise import is_noise
from storyline.enrich.quotes import find_quotes, speakers
from storyline.enrich.subjectivity import SubjectivityError, model_for, subjectivity
from storyline.model import Article

OPINION_OWN = 0.5
OPINION_SHARE = 0.4
ARGUE_SHARE = 0.2
MIN_ARGUING = 2
EXPLAIN_SHARE = 0.4
TONE_SENTENCES = 3  # sentences shown as driving the tone
MIN_OWN_WORDS = 4  # an own sentence needs this many words outside quotation marks to carry a view

_QUOTED = re.compile(r"[\"“][^\"”]{0,400}[\"”]")
_WORDS = re.compile(r"\w+")
_OPINION_LABEL = re.compile(
    r"\b(?:editorial|opinion|comment(?:ary)?|column(?:ist)?|op-ed|leader|viewpoint|our view|blog)\b", re.I
)
_ANALYSIS_LABEL = re.compile(r"\b(?:analysis|explainer|explained|what we know|q&a|fact ?check)\b", re.I)
# Arguing: the author's "I"/"we" or "you", and what ought to happen.
_ARGUE = re.compile(
    r"\b(?:I|we|our|us|you|your|must|should|ought|needs? to|has to|have to|let us|let's|it is time)\b|!",
    re.IGNORECASE,
)
_EXPLAIN = re.compile(
    r"\b(?:because|means?|meaning|why|how|could|may|might|likely|unlikely|suggests?|indicates?|"
    r"implications?|in other words|the question|scenarios?|expect\w*|forecast\w*|trend|compared with|"
    r"analysts?|economists?|experts?|data show\w*|risk\w*|depends? on|whether)\b",
    re.IGNORECASE,
)
# A statement credited to someone, where the quote patterns find no speaker ("..., the fire service said").
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|told|tells|according to|stated|announced|confirmed|in a statement|reported|added)\b",
    re.I,
)
_LANGUAGE_TONE = {"en"}  # what VADER's lexicon covers


@dataclass(frozen=True)
class Voices:
    """Per sentence of an article: attributed or own, and the own sentences' probability of a view."""

    attributed: list[bool]
    subjective: list[float | None]  # None: attributed, too short outside quotes, or no model for the language
    threshold: float

    def own(self) -> list[int]:
        return [k for k, p in enumerate(self.subjective) if p is not None]

    def own_view(self) -> list[int]:
        return [k for k, p in enumerate(self.subjective) if p is not None and p >= self.threshold]


_voices_cache: dict[tuple[str, str | None], Voices] = {}


def _own_words(sentence: str) -> str:
    return _QUOTED.sub(" ", sentence)


def _prose(sentence: str) -> bool:
    """A sentence of the text, not page furniture or a headline line: neither carries the author's voice."""
    return not is_noise(sentence) and sentence.rstrip("\"'”’)").endswith((".", "!", "?", "…", ":"))


def _block_quotes(article: Article) -> list[tuple[int, int]]:
    """Spans of paragraphs a blog or column quotes without quotation marks: the paragraph after one that
    ends with a colon ("Bloomberg pointed out in a later analysis:")."""
    spans, offset = [], 0
    paragraphs = article.text.split("\n\n")
    for i, paragraph in enumerate(paragraphs):
        start = offset
        offset += len(paragraph) + 2
        if i and paragraphs[i - 1].rstrip().endswith(":") and paragraph.strip():
            spans.append((start, start + len(paragraph)))
    return spans


def voices(article: Article) -> Voices:
    """Which sentences are the author's own and how likely each states the author's view (cached per
    article text: genre is read by comparison and by the similarity model)."""
    key = (article.hash, article.language)
    if key in _voices_cache:
        return _voices_cache[key]
    sentences = article.sentences
    spans = [(q.start, q.end) for q in find_quotes(article.text)] + _block_quotes(article)
    attributed = [
        any(a < s.end and b > s.start for a, b in spans) or bool(_ATTRIBUTION.search(s.text))
        for s in sentences
    ]
    own = [
        k
        for k, s in enumerate(sentences)
        if not attributed[k] and _prose(s.text) and len(_WORDS.findall(_own_words(s.text))) >= MIN_OWN_WORDS
    ]
    subjective: list[float | None] = [None] * len(sentences)
    threshold = 1.0
    try:
        vectors = article.sentence_vectors
        minilm = vectors[own] if vectors is not None and len(vectors) == len(sentences) else None
        scores = subjectivity([sentences[k].text for k in own], article.language, minilm)
        threshold = model_for(article.language).threshold(article.language)
        for k, p in zip(own, scores, strict=True):
            subjective[k] = float(p)
    except SubjectivityError:
        pass  # no model for the language: genre falls back to the page's labels and the cue words
    found = Voices(attributed, subjective, threshold)
    if len(_voices_cache) > 4096:
        _voices_cache.clear()
    _voices_cache[key] = found
    return found


def _label(article: Article) -> str | None:
    own_labels = " ".join(x for x in (article.section, article.author) if x)
    url = re.sub(r"[/_.-]+", " ", article.url or "")
    for text in (own_labels, url, article.title or ""):
        if _OPINION_LABEL.search(text):
            return "opinion"
        if _ANALYSIS_LABEL.search(text):
            return "analysis"
    return None


def genre(article: Article) -> str:
    label = _label(article)
    if label:
        return label
    if not article.sentences:
        return "report"
    v = voices(article)
    texts = [s.text for s in article.sentences]
    own = [k for k, a in enumerate(v.attributed) if not a and _prose(texts[k])] or list(range(len(texts)))
    scored = v.own()
    view = len(v.own_view())
    own_share = view / len(scored) if scored else 0.0
    share = view / len(texts)
    argued = sum(bool(_ARGUE.search(_own_words(texts[k]))) for k in own)
    # One modal sentence is no argument: reports say what "should" happen next ("Trams should run from
    # 2029"); an opinion piece argues in several.
    argue = argued / len(own) if argued >= MIN_ARGUING else 0.0
    # A question the author puts to the reader structures an explanation ("Why do grain stores burn?").
    explain = sum(bool(_EXPLAIN.search(_own_words(texts[k]))) or "?" in texts[k] for k in own) / len(own)
    if own_share >= OPINION_OWN or share >= OPINION_SHARE or argue >= ARGUE_SHARE:
        return "opinion"
    if explain >= EXPLAIN_SHARE:
        return "analysis"
    return "report"


@cache
def _vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def tone_of(article: Article) -> dict[str, Any]:
    """``tone`` (mean compound score of the own sentences, -1…1), the sentences that drive it most, and a
    ``tone_note`` where the language is one VADER does not read (tone then null)."""
    language = article.language or "en"
    if language not in _LANGUAGE_TONE:
        return {
            "tone": None,
            "tone_sentences": [],
            "tone_note": f"no tone model for language '{language}' (VADER reads English only)",
        }
    v = voices(article) if article.sentences else None
    texts = [s.text for s in article.sentences] or [article.text]
    picked = [k for k in range(len(texts)) if v is None or not v.attributed[k]] or list(range(len(texts)))
    scores = np.array([_vader().polarity_scores(_own_words(texts[k]))["compound"] for k in picked])
    if not len(scores):
        return {"tone": 0.0, "tone_sentences": [], "tone_note": None}
    mean = float(scores.mean())
    # The sentences pulling the mean the way it goes: the strongest of its sign.
    order = np.argsort(-scores if mean >= 0 else scores)
    drivers = [
        texts[picked[i]] for i in order[:TONE_SENTENCES] if scores[i] != 0 and (scores[i] > 0) == (mean >= 0)
    ]
    return {"tone": round(mean, 3), "tone_sentences": drivers, "tone_note": None}


def tone(article: Article) -> float | None:
    return tone_of(article)["tone"]


def quoted_voices(article: Article) -> list[dict[str, str]]:
    """The people and organisations the article quotes or credits with a statement, each with its first
    quote, in order of first mention (unnamed sources and nationalities are no voice)."""
    names = speakers(article.text)
    first: dict[str, str] = {}
    for q in find_quotes(article.text):
        for name in names:
            if q.speaker and (q.speaker == name or set(q.speaker.split()) <= set(name.split())):
                first.setdefault(name, q.text)
    return [{"name": name, "quote": first.get(name, "")} for name in names]


def own_views(article: Article) -> list[str]:
    """The author's own subjective sentences: they belong to the framing panel, not to the facts."""
    if not article.sentences:
        return []
    return [article.sentences[k].text for k in voices(article).own_view()]


def framing(article: Article) -> dict[str, Any]:
    voiced = quoted_voices(article)
    return {
        "article_id": article.id,
        "genre": genre(article),
        **tone_of(article),
        "quoted_sources": [v["name"] for v in voiced],
        "voices": voiced,
        "own_views": own_views(article),
    }
