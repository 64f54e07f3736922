"""Pair similarity on SemEval-2022 Task 8 dev, 5-fold cross-validated, with two baselines in the same run.

    python bench/similarity.py [--record] [--train]
    (--record appends the run to bench/results.jsonl and rewrites this benchmark's table in BENCHMARKS.md)

Pearson correlation with the gold scores for every dimension, overall and per language pair, of the
learned scorer's out-of-fold predictions. Every fold fits its own tree ensembles on its training pairs
only (the features themselves learn nothing from the data). Baselines, unsupervised: TF-IDF cosine and
MiniLM article-vector cosine (as distances, 1 − cosine, so that they correlate positively with the
1 = similar … 4 scale). It also prints the scoring throughput once articles are profiled (not recorded:
it depends on the machine's load).

``--train`` fits the model on every dev pair and writes the shipped artefact
(``src/storyline/similarity/model.json``); the same data and seed give the same file.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict

import numpy as np
from scipy.stats import pearsonr
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import KFold

from common import CACHE, DATA, markdown_table, read_jsonl, record
from storyline.enrich import enrich
from storyline.enrich.embed import get_embedder
from storyline.model import Article
from storyline.similarity import DIMENSIONS, Profile, score_profiles
from storyline.similarity.features import feature_matrix, pair_features
from storyline.similarity.model import MODEL_PATH, SEED, fit
from storyline.similarity.profile import build_profiles
from storyline.store import open_store

PAIRS = DATA / "semeval8" / "pairs.dev.jsonl"
FOLDS = 5


def load() -> tuple[list[dict], list[Article], list[tuple[int, int]]]:
    """The pairs, their distinct articles, and each pair's two article indices."""
    rows = list(read_jsonl(PAIRS))
    articles: list[Article] = []
    index: dict[str, int] = {}
    pairs = []
    for row in rows:
        ends = []
        for k in (1, 2):
            article = Article(id=f"{row['pair_id']}/{k}", text=row[f"text{k}"], language=row[f"lang{k}"])
            if article.hash not in index:
                index[article.hash] = len(articles)
                articles.append(article)
            ends.append(index[article.hash])
        pairs.append((ends[0], ends[1]))
    return rows, articles, pairs


def profile(articles: list[Article]) -> list[Profile]:
    CACHE.mkdir(exist_ok=True)
    t = time.perf_counter()
    with open_store(CACHE / "similarity-vectors.db") as cache:
        profiles = build_profiles(articles, store=cache)
    print(f"profiles: {len(articles)} articles in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    return profiles


def throughput(pairs: list[tuple[Profile, Profile]]) -> None:
    """Pairs per second once the articles are profiled: features, shipped model and explanation.
    Printed, not recorded: the figure depends on the machine's load."""
    t = time.perf_counter()
    score_profiles(pairs)
    elapsed = time.perf_counter() - t
    print(f"scoring: {len(pairs)} profiled pairs in {elapsed:.2f}s ({len(pairs) / elapsed:.0f} pairs/s)")


def baselines(articles: list[Article], pairs: list[tuple[int, int]]) -> dict[str, np.ndarray]:
    """Distances (1 − cosine) of the two unsupervised baselines, one per pair."""
    tfidf = TfidfVectorizer(sublinear_tf=True).fit_transform([a.text for a in articles])
    copies = [Article(id=a.id, text=a.text, language=a.language) for a in articles]
    with open_store(CACHE / "similarity-vectors.db") as cache:
        enrich(copies, store=cache, embedder=get_embedder("minilm"))
    return {
        "TF-IDF cosine": np.array([1 - float(tfidf[i].multiply(tfidf[j]).sum()) for i, j in pairs]),
        "MiniLM cosine": np.array([1 - float(copies[i].vector @ copies[j].vector) for i, j in pairs]),
    }


def cross_validate(x: np.ndarray, y: np.ndarray, names: list[str]) -> np.ndarray:
    """Out-of-fold predictions: each fold's model never sees its test pairs."""
    predicted = np.zeros_like(y)
    for train, test in KFold(FOLDS, shuffle=True, random_state=SEED).split(x):
        predicted[test] = fit(x[train], y[train], names, list(DIMENSIONS)).predict(x[test])
    return predicted


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    return float(pearsonr(a, b)[0]) if len(a) > 2 else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--record", action="store_true", help="append the run to bench/results.jsonl and update BENCHMARKS.md"
    )
    parser.add_argument("--train", action="store_true", help="fit on all dev pairs, write the shipped model")
    args = parser.parse_args()

    rows, articles, pairs = load()
    profiles = profile(articles)
    profiled = [(profiles[i], profiles[j]) for i, j in pairs]
    names = list(pair_features(*profiled[0]))
    x = feature_matrix(profiled, names)
    y = np.array([[row[d] for d in DIMENSIONS] for row in rows], dtype=np.float64)
    if args.train:
        model = fit(x, y, names, list(DIMENSIONS))
        model.save(MODEL_PATH)
        print(f"wrote {MODEL_PATH} ({MODEL_PATH.stat().st_size:,} bytes)", file=sys.stderr)
        return

    throughput(profiled)
    predicted = cross_validate(x, y, names)
    base = baselines(articles, pairs)
    langs = np.array([f"{row['lang1']}-{row['lang2']}" for row in rows])

    dim_rows = [
        [d, pearson(predicted[:, k], y[:, k]), *(pearson(b, y[:, k]) for b in base.values())]
        for k, d in enumerate(DIMENSIONS)
    ]
    dim_table = markdown_table(["dimension", "storyline (5-fold CV)", *base], dim_rows)

    overall = DIMENSIONS.index("overall")
    groups: dict[str, list[int]] = defaultdict(list)
    for i, lang in enumerate(langs):
        groups[lang].append(i)
    lang_rows = [["all", len(langs), *(pearson(predicted[:, overall], y[:, overall]),)]]
    lang_rows[0] += [pearson(b, y[:, overall]) for b in base.values()]
    for lang, idx in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        ix = np.array(idx)
        lang_rows.append(
            [lang, len(ix), pearson(predicted[ix, overall], y[ix, overall])]
            + [pearson(b[ix], y[ix, overall]) for b in base.values()]
        )
    lang_table = markdown_table(["language pair", "pairs", "storyline overall", *base], lang_rows)

    per_lang_dims = markdown_table(
        ["language pair", *DIMENSIONS],
        [
            [
                lang,
                *(pearson(predicted[np.array(idx), k], y[np.array(idx), k]) for k in range(len(DIMENSIONS))),
            ]
            for lang, idx in sorted(groups.items(), key=lambda kv: -len(kv[1]))
        ],
    )
    print(dim_table, lang_table, per_lang_dims, sep="\n\n")
    if args.record:
        table = (
            f"SemEval-2022 Task 8 dev ({len(rows)} pairs), {FOLDS}-fold CV (seed {SEED}), Pearson r.\n\n"
            f"{dim_table}\n\nOverall, per language pair:\n\n{lang_table}\n\n"
            f"Every dimension, per language pair (storyline):\n\n{per_lang_dims}"
        )
        record("Similarity (SemEval-2022 Task 8)", "python bench/similarity.py --record", table)


if __name__ == "__main__":
    main()
