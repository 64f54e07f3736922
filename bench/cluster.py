"""Story clustering quality on the dev sets, with two baselines computed in the same run.

    python bench/cluster.py [--record] [--sweep]

BCubed precision/recall/F1 and pairwise F1 on ECB+ dev (same-topic twin events) and Multi-News dev.
Baselines: TF-IDF cosine with average-linkage agglomeration, and HDBSCAN over the article vectors.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections import defaultdict
from itertools import combinations

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.cluster import HDBSCAN
from sklearn.feature_extraction.text import TfidfVectorizer

from common import CACHE, DATA, markdown_table, read_jsonl, record
from storyline.cluster import (
    ATTACH,
    THRESHOLD,
    W_NAMES,
    W_TFIDF,
    W_VECTOR,
    assign,
    cluster_articles,
    combine,
    signals,
)
from storyline.enrich import enrich
from storyline.ingest.records import article_from_record
from storyline.model import Article
from storyline.store import Store

SETS = {"ECB+ dev": "ecbplus", "Multi-News dev": "multinews"}


def load(name: str) -> tuple[list[Article], dict[str, str]]:
    folder = DATA / name
    gold = {g["id"]: g["event"] for g in read_jsonl(folder / "gold.dev.jsonl")}
    articles = [
        article_from_record(r, f"{name}#{i}", str(i))
        for i, r in enumerate(read_jsonl(folder / "articles.dev.jsonl"))
    ]
    CACHE.mkdir(exist_ok=True)
    with Store(CACHE / "vectors.db") as cache:
        t = time.perf_counter()
        enrich(articles, store=cache)
        print(f"{name}: enriched {len(articles)} articles in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    return articles, gold


def bcubed(pred: dict[str, int], gold: dict[str, str]) -> tuple[float, float, float]:
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    for item, label in pred.items():
        by_pred[label].add(item)
        by_gold[gold[item]].add(item)
    p = r = 0.0
    for item in pred:
        same_pred, same_gold = by_pred[pred[item]], by_gold[gold[item]]
        correct = len(same_pred & same_gold)
        p += correct / len(same_pred)
        r += correct / len(same_gold)
    p, r = p / len(pred), r / len(pred)
    return p, r, 2 * p * r / (p + r)


def pairwise_f1(pred: dict[str, int], gold: dict[str, str]) -> float:
    items = list(pred)
    tp = fp = fn = 0
    for a, b in combinations(items, 2):
        same_p, same_g = pred[a] == pred[b], gold[a] == gold[b]
        tp += same_p and same_g
        fp += same_p and not same_g
        fn += same_g and not same_p
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def agglomerate(similarity: np.ndarray, threshold: float) -> np.ndarray:
    distance = np.clip(1 - similarity, 0, None)
    np.fill_diagonal(distance, 0)
    return fcluster(
        linkage(squareform(distance, checks=False), "average"), t=1 - threshold, criterion="distance"
    )


def labels_of(articles: list[Article], labels: np.ndarray) -> dict[str, int]:
    return {a.id: int(label) for a, label in zip(articles, labels, strict=True)}


def storyline_labels(articles: list[Article], threshold: float | None = None) -> dict[str, int]:
    groups = cluster_articles(articles) if threshold is None else cluster_articles(articles, threshold)
    return {a.id: g for g, members in enumerate(groups) for a in members}


def tfidf_labels(articles: list[Article]) -> dict[str, int]:
    m = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform([a.text for a in articles])
    return labels_of(articles, agglomerate((m @ m.T).toarray(), 0.2))


def hdbscan_labels(articles: list[Article]) -> dict[str, int]:
    vectors = np.stack([a.vector for a in articles])
    labels = HDBSCAN(min_cluster_size=2, metric="euclidean", copy=True).fit_predict(vectors)
    # Noise points are singleton stories.
    top = labels.max() + 1
    return labels_of(articles, np.array([lab if lab >= 0 else top + i for i, lab in enumerate(labels)]))


def print_sweep(sets: dict[str, tuple[list[Article], dict[str, str], tuple[np.ndarray, ...]]]) -> None:
    """Grid over signal weights, threshold and singleton attachment (1.0 = off); best mean BCubed F1 first."""
    results = []
    grid = itertools.product(
        itertools.product((0.3, 0.45, 0.6), (0.2, 0.35, 0.5), (0.0, 0.1, 0.2)),
        np.arange(0.25, 0.475, 0.025),
        (1.0, 0.25, 0.28, 0.31, 0.34, 0.37),
    )
    for weights, t, attach in grid:
        f1s = []
        for articles, gold, sig in sets.values():
            pred = labels_of(articles, assign(combine(*sig, weights=weights), t, attach=attach))
            f1s.append(bcubed(pred, gold)[2])
        results.append((float(np.mean(f1s)), weights, round(float(t), 3), attach, [round(f, 3) for f in f1s]))
    results.sort(key=lambda r: -r[0])
    for mean, weights, t, attach, f1s in results[:10]:
        print(
            f"mean F1 {mean:.4f} weights {weights} threshold {t} attach {attach} per set {f1s}",
            file=sys.stderr,
        )
    print(
        f"shipped: weights {(W_VECTOR, W_TFIDF, W_NAMES)}, threshold {THRESHOLD}, attach {ATTACH}",
        file=sys.stderr,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--record", action="store_true", help="append the table to BENCHMARKS.md")
    parser.add_argument("--sweep", action="store_true", help="print F1 over a range of thresholds (dev only)")
    args = parser.parse_args()
    rows = []
    sweep: dict[str, tuple[list[Article], dict[str, str], tuple[np.ndarray, ...]]] = {}
    for label, name in SETS.items():
        articles, gold = load(name)
        if args.sweep:
            sweep[label] = (articles, gold, signals(articles))
        systems = {
            "TF-IDF agglomerative (baseline)": tfidf_labels,
            "MiniLM HDBSCAN (baseline)": hdbscan_labels,
            "storyline": storyline_labels,
        }
        for system, fn in systems.items():
            t = time.perf_counter()
            pred = fn(articles)
            elapsed = time.perf_counter() - t
            p, r, f = bcubed(pred, gold)
            rows.append(
                [
                    label,
                    system,
                    p,
                    r,
                    f,
                    pairwise_f1(pred, gold),
                    len(set(pred.values())),
                    len(set(gold.values())),
                    f"{elapsed:.2f}s",
                ]
            )
    if args.sweep:
        print_sweep(sweep)
    header = ["set", "system", "BCubed P", "BCubed R", "BCubed F1", "pairwise F1", "clusters", "gold", "time"]
    table = markdown_table(header, rows)
    print(table)
    if args.record:
        record("Clustering (bench/cluster.py)", "python bench/cluster.py --record", table)


if __name__ == "__main__":
    main()
