"""Enrichment throughput for ~600-word English articles, per component and end to end, and what the
cheaper article vector costs in quality.

    python bench/enrich.py [--articles 400] [--workers 2] [--record]
    (--record appends the run to bench/results.jsonl and rewrites this benchmark's table in BENCHMARKS.md)

Articles are the English Multi-News dev texts from ../shared/data, each cut to its first 600 words.
Each component runs over all articles on its own (models loaded beforehand); "core-ms/article" is the
CPU time of this process and of its finished worker processes, which other load on the machine
changes much less than the wall-clock rate. End to end is what `storyline run` does before clustering
(sentences, article vectors, entities with aliases, times, quantities, quotes), in one process and on
``--workers`` processes, including their start-up (their core-ms include it). Sentence vectors are not
part of it: comparison computes them for the articles it compares; their rate is reported on its own
row.

The trade: NER reads only the sentences that may hold a name (``entities.name_regions``). Its entities
are compared with full NER's (every sentence) on these articles and on the English ECB+ dev texts:
recall and precision of exact (start, end, label) matches.

Quality: same-event retrieval with the article vectors on ECB+ dev and Multi-News dev — for each
article, every other article ranked by cosine; mean average precision of the ones reporting the same
event (gold labels). The previous recipe (mean of the first 30 MiniLM sentence vectors + half the
headline's vector) is measured in the same run. The new recipe was chosen looking at these two dev sets.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable

import numpy as np

from common import CACHE, DATA, dev_events, markdown_table, read_jsonl, record
from storyline.enrich import _lead_vector, enrich, split_sentences
from storyline.enrich.annotate import default_extractor
from storyline.enrich.embed import default_embedder
from storyline.enrich.entities import EntityExtractor, Mention
from storyline.enrich.mentions import quantities
from storyline.enrich.quotes import find_quotes
from storyline.enrich.static import static_embedder
from storyline.enrich.times import resolve_times
from storyline.enrich.workers import enrich_chunks
from storyline.model import Article
from storyline.store import open_store

WORDS = 600


def articles(n: int) -> list[Article]:
    """Ingested as `storyline` would (the headline is the first line), then cut to ``WORDS`` words."""
    from storyline.ingest.records import article_from_record  # not at the top: see common.dev_events

    found = []
    for i, row in enumerate(read_jsonl(DATA / "multinews" / "articles.dev.jsonl")):
        words = row["text"].split()
        if len(words) >= WORDS:
            article = article_from_record(row, f"multinews#{i}", str(i))
            text = " ".join(article.text.split()[:WORDS])
            found.append(
                Article(id=article.id, title=article.title, text=text, language="en", published="2019-01-05")
            )
        if len(found) == n:
            break
    return found


def cpu_seconds() -> float:
    """CPU time of this process and of its child processes that have ended."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(fn: Callable[[], object], n: int) -> tuple[float, float]:
    """(articles per wall-clock second, CPU milliseconds per article, worker processes included)."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    fn()
    return n / (time.perf_counter() - wall), 1000 * (cpu_seconds() - cpu) / n


def entity_trade(extractor: EntityExtractor, corpora: dict[str, list[Article]]) -> list[list[object]]:
    """Entities of NER on the sentences that may hold a name against full NER's, per corpus."""
    rows: list[list[object]] = []
    for label, corpus in corpora.items():
        texts = [a.text for a in corpus]
        spans = [[(s.start, s.end) for s in split_sentences(t)] for t in texts]
        full = extractor.extract_batch(texts, ["en"] * len(texts))
        trimmed = extractor.extract_batch(texts, ["en"] * len(texts), spans)

        def keys(found: list[Mention]) -> set[tuple[int, int, str]]:
            return {(m.start, m.end, m.label) for m in found}

        matched = sum(len(keys(f) & keys(t)) for f, t in zip(full, trimmed, strict=True))
        n_full, n_trimmed = sum(map(len, full)), sum(map(len, trimmed))
        rows.append([label, len(corpus), n_full, n_trimmed, matched / n_full, matched / n_trimmed])
    return rows


def fresh(corpus: list[Article]) -> list[Article]:
    return [
        Article(id=a.id, title=a.title, text=a.text, language=a.language, published=a.published)
        for a in corpus
    ]


def mean_average_precision(vectors: np.ndarray, events: list[str]) -> float:
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    labels = np.array(events)
    scores = []
    for i in range(len(labels)):
        relevant = labels == labels[i]
        relevant[i] = False
        if not relevant.any():
            continue
        hits = relevant[np.argsort(-sims[i])][: len(labels) - 1]
        precision_at_hits = np.cumsum(hits)[hits] / (np.flatnonzero(hits) + 1)
        scores.append(float(precision_at_hits.mean()))
    return float(np.mean(scores))


def retrieval_quality() -> list[list[object]]:
    rows = []
    embedder = default_embedder()
    for label, name in (("ECB+ dev", "ecbplus"), ("Multi-News dev", "multinews")):
        corpus, gold = dev_events(name)
        CACHE.mkdir(exist_ok=True)
        with open_store(CACHE / "vectors.db") as cache:
            enrich(corpus, store=cache)  # sentence vectors too: the previous recipe pools them
        titles = embedder.embed([a.title or "" for a in corpus])
        previous = np.stack(
            [
                _lead_vector(t if a.title else None, a.sentence_vectors)
                for a, t in zip(corpus, titles, strict=True)
            ]
        )
        current = np.stack([a.vector for a in corpus])
        events = [gold[a.id] for a in corpus]
        rows.append(
            [
                label,
                len(corpus),
                mean_average_precision(previous, events),
                mean_average_precision(current, events),
            ]
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--record", action="store_true", help="append the run to bench/results.jsonl and update BENCHMARKS.md"
    )
    args = parser.parse_args()
    corpus = articles(args.articles)
    n = len(corpus)
    sentences = [split_sentences(a.text) for a in corpus]
    texts = [s.text for sents in sentences for s in sents]
    embedder, extractor, static = default_embedder(), default_extractor(), static_embedder()
    embedder.embed(texts[:8])  # load the models before timing
    extractor.extract_batch([corpus[0].text], ["en"])

    def end_to_end(workers: int) -> None:
        for _chunk in enrich_chunks(fresh(corpus), workers):
            pass

    spans = [[(s.start, s.end) for s in sents] for sents in sentences]
    components: list[tuple[str, Callable[[], object]]] = [
        ("sentences", lambda: [split_sentences(a.text) for a in corpus]),
        (
            f"article vectors ({embedder.name} over lede + headline, whole-text static)",
            lambda: enrich(fresh(corpus), embedder=embedder, sentence_vectors=False),
        ),
        ("whole-text static vectors (part of the above)", lambda: static.embed([a.text for a in corpus])),
        (
            "entities, full NER (spaCy en_core_web_sm, ner pipe only)",
            lambda: extractor.extract_batch([a.text for a in corpus], ["en"] * n),
        ),
        (
            "entities, NER on sentences that may hold a name (used)",
            lambda: extractor.extract_batch([a.text for a in corpus], ["en"] * n, spans),
        ),
        ("times", lambda: [resolve_times(a.text, a.published) for a in corpus]),
        ("quantities", lambda: [quantities(s.text, with_ages=True) for sents in sentences for s in sents]),
        ("quotes", lambda: [find_quotes(a.text) for a in corpus]),
        ("**end to end, 1 process**", lambda: end_to_end(1)),
        (
            f"**end to end, {args.workers} worker processes**",
            lambda: end_to_end(args.workers),
        ),
        (
            f"sentence vectors, at comparison time ({len(texts) / n:.0f} sentences/article)",
            lambda: embedder.embed(texts),
        ),
    ]
    rows = [[name, *timed(fn, n)] for name, fn in components]
    speed = markdown_table(["component", "articles/s", "core-ms/article"], rows)
    print(speed)
    ecb, _gold = dev_events("ecbplus")
    trade = markdown_table(
        ["texts", "articles", "entities, full NER", "entities, trimmed", "recall", "precision"],
        entity_trade(
            extractor,
            {f"Multi-News dev, {WORDS} words": corpus, "ECB+ dev": [a for a in ecb if a.language == "en"]},
        ),
    )
    print()
    print(trade)
    quality = markdown_table(
        ["set", "articles", "MAP, previous article vector", "MAP, current article vector"],
        retrieval_quality(),
    )
    print()
    print(quality)
    if args.record:
        record(
            "Enrichment throughput (bench/enrich.py)",
            f"python bench/enrich.py --articles {args.articles} --workers {args.workers} --record",
            f"{n} articles of {WORDS} words.\n\n{speed}\n\n"
            f"What NER on name-bearing sentences only costs, against full NER:\n\n{trade}\n\n"
            f"Same-event retrieval with the article vectors:\n\n{quality}",
        )


if __name__ == "__main__":
    main()
