"""Enrichment throughput: articles/s for ~600-word English articles, per component and end to end.

    python bench/enrich.py [--articles 200] [--record]

Articles are the English Multi-News dev texts from ../shared/data, each cut to its first 600 words. Each
component runs over all articles on its own (models loaded beforehand), then the whole enrichment as
`storyline run` does it (sentences, sentence and article vectors, entities with aliases, times,
quantities, quotes) on fresh copies.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from common import DATA, markdown_table, read_jsonl, record
from storyline.enrich import enrich, split_sentences
from storyline.enrich.annotate import annotate, default_extractor
from storyline.enrich.embed import default_embedder
from storyline.enrich.mentions import quantities
from storyline.enrich.quotes import find_quotes
from storyline.enrich.times import resolve_times
from storyline.model import Article

WORDS = 600


def articles(n: int) -> list[Article]:
    found = []
    for row in read_jsonl(DATA / "multinews" / "articles.dev.jsonl"):
        words = row["text"].split()
        if len(words) >= WORDS:
            text = " ".join(words[:WORDS])
            found.append(Article(id=row["id"], text=text, language="en", published="2019-01-05"))
        if len(found) == n:
            break
    return found


def timed(fn: Callable[[], object], n: int) -> float:
    start = time.perf_counter()
    fn()
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--record", action="store_true", help="append the table to BENCHMARKS.md")
    args = parser.parse_args()
    corpus = articles(args.articles)
    n = len(corpus)
    sentences = [split_sentences(a.text) for a in corpus]
    texts = [s.text for sents in sentences for s in sents]
    embedder, extractor = default_embedder(), default_extractor()
    embedder.embed(texts[:8])  # load the models before timing
    extractor.extract_batch([corpus[0].text], ["en"])
    rows = [
        ["sentences", timed(lambda: [split_sentences(a.text) for a in corpus], n)],
        [
            f"sentence vectors ({embedder.name}, {len(texts) / n:.0f} sentences/article)",
            timed(lambda: embedder.embed(texts), n),
        ],
        [
            "entities (spaCy en_core_web_sm, ner pipe only)",
            timed(lambda: extractor.extract_batch([a.text for a in corpus], ["en"] * n), n),
        ],
        ["times", timed(lambda: [resolve_times(a.text, a.published) for a in corpus], n)],
        [
            "quantities",
            timed(lambda: [quantities(s.text, with_ages=True) for sents in sentences for s in sents], n),
        ],
        ["quotes", timed(lambda: [find_quotes(a.text) for a in corpus], n)],
    ]
    fresh = [Article(id=a.id, text=a.text, language=a.language, published=a.published) for a in corpus]
    rows.append(
        ["end to end (enrich + annotate, one process)", timed(lambda: (enrich(fresh), annotate(fresh)), n)]
    )
    table = markdown_table(["component", "articles/s"], rows)
    print(table)
    if args.record:
        record(
            "Enrichment throughput (bench/enrich.py)",
            f"python bench/enrich.py --articles {args.articles} --record",
            table,
        )


if __name__ == "__main__":
    main()
