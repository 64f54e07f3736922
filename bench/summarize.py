"""Cited multi-document summaries on Multi-News (dev sample): ROUGE against the human summaries, with a
LexRank and a lead baseline over the same sentence split, and the share of exact citations.

    python bench/summarize.py [--max-words 250] [--limit N] [--half tuning] [--record]
    (--record appends the run to bench/results.jsonl and rewrites this benchmark's table in BENCHMARKS.md)

Reads ../shared/data/multinews/clusters.dev.jsonl and reports it in two halves, split by the parity of
sha256(cluster_id): the *tuning* half, on which the summariser's constants were chosen, and the
*held-out* half, which informed nothing (its margin over LexRank is the honest figure), and all together.
Try changes with `--half tuning`, which never scores the held-out half.

All three systems pick sentences from the articles' sentence split (storyline.enrich.split_sentences)
under the same word budget and the same sentence-length limits as storyline's summariser:

- storyline: `summarize(compare(articles), max_words)`, as `storyline summarize` runs it (its sentences
  are lightly compressed: datelines and asides in brackets dropped, storyline.summarize.compress);
- LexRank (Erkan & Radev 2004): TF-IDF cosine graph of the cluster's sentences, edges above 0.1,
  PageRank by power iteration (damping 0.85), best-ranked first, skipping a sentence whose cosine to
  one already chosen exceeds 0.5;
- lead: the documents' first sentences in turn, then their second ones, and so on.

ROUGE-1/2/L are F1 ×100 from `rouge-score` (Porter stemming; ROUGE-L at summary level over sentences,
"rougeLsum"); "words" is the mean summary length. The last line is the share of storyline's summary
sentences whose every citation is an exact span of its article (whitespace collapsed) and whose text
keeps, in order, only words and marks of its first citation (compression deletes, it never rewrites).
Sentence vectors are cached in .bench-cache/.
"""

from __future__ import annotations

import argparse
import hashlib
import re
from collections.abc import Callable

import numpy as np
from rouge_score import rouge_scorer
from sklearn.feature_extraction.text import TfidfVectorizer

from common import CACHE, DATA, markdown_table, read_jsonl, record
from storyline.compare import compare
from storyline.enrich import enrich
from storyline.enrich.sentences import SPLITTER
from storyline.model import Article, Sentence
from storyline.summarize import MAX_WORDS_PER_SENTENCE, MIN_WORDS, summarize

LEXRANK_THRESHOLD = 0.1
LEXRANK_DAMPING = 0.85
LEXRANK_REDUNDANT = 0.5
# Named by the sentence splitter: vectors of sentences split another way are not reused.
VECTOR_CACHE = CACHE / f"summarize-vectors-split{SPLITTER}.npz"
_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+|[^\w\s]")

Picker = Callable[[list[Article], int], list[str]]


def load_clusters(limit: int | None) -> list[tuple[str, list[Article], str]]:
    clusters = []
    for row in read_jsonl(DATA / "multinews" / "clusters.dev.jsonl"):
        docs = [Article(id=d["id"], text=d["text"], language="en") for d in row["documents"]]
        clusters.append((row["cluster_id"], docs, row["summary"]))
        if limit and len(clusters) == limit:
            break
    return clusters


def enrich_cached(articles: list[Article]) -> None:
    """Embed once; later runs read the sentence vectors back by content hash."""
    cached = dict(np.load(VECTOR_CACHE)) if VECTOR_CACHE.exists() else {}
    todo = [a for a in articles if f"s:{a.hash}" not in cached]
    enrich(todo)
    for a in todo:
        cached[f"s:{a.hash}"], cached[f"a:{a.hash}"] = a.sentence_vectors, a.vector
    for a in articles:
        if a.sentence_vectors is None:
            enrich([a], embedder=_NoEmbedder(cached[f"s:{a.hash}"], cached[f"a:{a.hash}"]))
    if todo:
        CACHE.mkdir(exist_ok=True)
        np.savez(VECTOR_CACHE, **cached)


class _NoEmbedder:
    """Hands cached vectors to ``enrich`` so sentences and vectors are set exactly as it sets them."""

    name = "cache"

    def __init__(self, sentences: np.ndarray, article: np.ndarray) -> None:
        self.sentences, self.article = sentences, article

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.vstack([self.sentences, self.article[None, :]])


def _fits(sentence: Sentence) -> bool:
    n = len(sentence.text.split())
    return MIN_WORDS <= n <= MAX_WORDS_PER_SENTENCE


def _fill(
    order: list[Sentence], max_words: int, redundant: Callable[[Sentence, list[Sentence]], bool]
) -> list[str]:
    chosen: list[Sentence] = []
    words = 0
    for s in order:
        n = len(s.text.split())
        if not _fits(s) or words + n > max_words or redundant(s, chosen):
            continue
        chosen.append(s)
        words += n
    return [s.text for s in chosen]


def lexrank(articles: list[Article], max_words: int) -> list[str]:
    sentences = [s for a in articles for s in a.sentences]
    if not sentences:
        return []
    tfidf = TfidfVectorizer(stop_words="english").fit_transform([s.text for s in sentences])
    sim = (tfidf @ tfidf.T).toarray()
    adjacency = (sim > LEXRANK_THRESHOLD).astype(float)
    degree = adjacency.sum(axis=1, keepdims=True)
    transition = adjacency / np.maximum(degree, 1)
    n = len(sentences)
    rank = np.full(n, 1 / n)
    for _ in range(100):
        new = (1 - LEXRANK_DAMPING) / n + LEXRANK_DAMPING * transition.T @ rank
        if np.abs(new - rank).sum() < 1e-8:
            break
        rank = new
    index = {id(s): k for k, s in enumerate(sentences)}
    order = [sentences[k] for k in np.argsort(-rank, kind="stable")]

    def redundant(s: Sentence, chosen: list[Sentence]) -> bool:
        return any(sim[index[id(s)], index[id(c)]] > LEXRANK_REDUNDANT for c in chosen)

    return _fill(order, max_words, redundant)


def lead(articles: list[Article], max_words: int) -> list[str]:
    depth = max((len(a.sentences) for a in articles), default=0)
    order = [a.sentences[k] for k in range(depth) for a in articles if k < len(a.sentences)]
    return _fill(order, max_words, lambda _s, _c: False)


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _deletes_only(text: str, quote: str) -> bool:
    """True when ``text`` is ``quote`` with some words and marks left out (none changed or added)."""
    tokens = iter(_TOKEN.findall(quote))
    return all(token in tokens for token in _TOKEN.findall(text))


def half(cluster_id: str) -> str:
    """ "tuning" or "held-out", fixed by the cluster's id alone."""
    return "tuning" if int(hashlib.sha256(cluster_id.encode()).hexdigest(), 16) % 2 == 0 else "held-out"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--max-words", type=int, default=250)
    parser.add_argument("--limit", type=int, default=None, help="only the first N clusters")
    parser.add_argument("--half", choices=("tuning", "held-out"), help="score one half only")
    parser.add_argument(
        "--record", action="store_true", help="append the run to bench/results.jsonl and update BENCHMARKS.md"
    )
    args = parser.parse_args()
    clusters = [c for c in load_clusters(args.limit) if args.half in (None, half(c[0]))]
    enrich_cached([a for _, docs, _ in clusters for a in docs])
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    systems = ("storyline", "LexRank", "lead")
    # Per cluster and system: ROUGE-1/2/L and the summary's length in words.
    scores: dict[str, list[list[float]]] = {system: [] for system in systems}
    halves = [half(cluster_id) for cluster_id, _, _ in clusters]
    sentences = valid = 0
    for _, docs, reference in clusters:
        texts = {a.id: _normal(a.text) for a in docs}
        summary = summarize(compare(docs), args.max_words)
        sentences += len(summary)
        valid += sum(
            bool(s["citations"])
            and all(_normal(c["quote"]) in texts[c["article_id"]] for c in s["citations"])
            and _deletes_only(s["text"], s["citations"][0]["quote"])
            for s in summary
        )
        picks = {
            "storyline": [s["text"] for s in summary],
            "LexRank": lexrank(docs, args.max_words),
            "lead": lead(docs, args.max_words),
        }
        for system, chosen in picks.items():
            result = scorer.score(reference, "\n".join(chosen))
            rouge = [100 * result[k].fmeasure for k in ("rouge1", "rouge2", "rougeLsum")]
            scores[system].append([*rouge, sum(len(t.split()) for t in chosen)])
    rows = []
    for part in (args.half,) if args.half else ("held-out", "tuning", "all"):
        keep = [i for i, h in enumerate(halves) if part in (h, "all")]
        if not keep:
            continue
        means = {system: np.mean([scores[system][i] for i in keep], axis=0) for system in systems}
        for system in systems:
            r1, r2, rl, words = means[system]
            margin = f"{r1 - means['LexRank'][0]:+.2f}" if system == "storyline" else ""
            rows.append(
                [part, system, len(keep), f"{r1:.2f}", f"{r2:.2f}", f"{rl:.2f}", margin, f"{words:.0f}"]
            )
    header = ["half", "system", "clusters", "ROUGE-1", "ROUGE-2", "ROUGE-L", "R-1 vs LexRank", "words"]
    table = markdown_table(header, rows)
    table += "\n\nstoryline summary sentences whose every citation is an exact quote and whose text is"
    table += f" its first quote less some words: {valid}/{sentences}"
    table += f" ({100 * valid / max(sentences, 1):.1f} %)"
    print(table)
    if args.record:
        record(
            f"Summaries on Multi-News dev ({args.max_words} words)",
            f"python bench/summarize.py --max-words {args.max_words}"
            + (f" --half {args.half}" if args.half else ""),
            table,
        )


if __name__ == "__main__":
    main()
