"""Story clustering quality on the dev sets, with two baselines computed in the same run.

    python bench/cluster.py [--record] [--sweep] [--fit]

BCubed precision/recall/F1 and pairwise F1 on ECB+ dev (same-topic twin events) and Multi-News dev, for
the streaming driver (articles one at a time), the batch driver (stream + refine) and two baselines:
TF-IDF cosine with average-linkage agglomeration, and HDBSCAN over the article vectors. The last row
of each set is the agreement of streaming with batch (BCubed of one against the other).
``--fit`` refits the logistic same-event score on the near pairs of both sets; ``--sweep`` prints F1 over
thresholds. Both are tuning on these dev sets, which is why every figure here is a dev (tuning) figure.
Entity/time/number mentions are cached in .bench-cache/cluster-mentions.pkl (by content hash).
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from collections import defaultdict
from itertools import combinations

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.cluster import HDBSCAN
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from common import CACHE, dev_events, markdown_table, record
from storyline.cluster import ATTACH, THRESHOLD, batch_labels, stream_labels
from storyline.cluster.batch import publication_order, refine, scored_pairs
from storyline.cluster.score import FEATURES, WEIGHTS, features, profiles_of
from storyline.enrich import enrich
from storyline.enrich.annotate import annotate
from storyline.model import Article
from storyline.store import Store

# Every constant of the clustering was tuned on these two sets: their figures are tuning-set figures.
SETS = {"ECB+ dev (tuning set)": "ecbplus", "Multi-News dev (tuning set)": "multinews"}
MENTIONS = CACHE / "cluster-mentions.pkl"
FIT_MIN_COSINE = 0.3


def load(name: str) -> tuple[list[Article], dict[str, str]]:
    articles, gold = dev_events(name)
    CACHE.mkdir(exist_ok=True)
    with Store(CACHE / "vectors.db") as cache:
        t = time.perf_counter()
        enrich(articles, store=cache)
        print(f"{name}: enriched {len(articles)} articles in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    known = pickle.loads(MENTIONS.read_bytes()) if MENTIONS.exists() else {}
    for a in articles:
        a.mentions = known.get(a.hash, [])
    if annotate(articles):
        known.update({a.hash: a.mentions for a in articles})
        MENTIONS.write_bytes(pickle.dumps(known))
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


def batch(articles: list[Article]) -> dict[str, int]:
    return labels_of(articles, batch_labels(articles))


def streaming(articles: list[Article]) -> dict[str, int]:
    return labels_of(articles, stream_labels(articles)[0])


def tfidf_labels(articles: list[Article]) -> dict[str, int]:
    m = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform([a.text for a in articles])
    return labels_of(articles, agglomerate((m @ m.T).toarray(), 0.2))


def hdbscan_labels(articles: list[Article]) -> dict[str, int]:
    vectors = np.stack([a.vector for a in articles])
    labels = HDBSCAN(min_cluster_size=2, metric="euclidean", copy=True).fit_predict(vectors)
    # Noise points are singleton stories.
    top = labels.max() + 1
    return labels_of(articles, np.array([lab if lab >= 0 else top + i for i, lab in enumerate(labels)]))


def fit(sets: dict[str, tuple[list[Article], dict[str, str]]]) -> None:
    """Logistic regression over the pairs of each set that compete in practice (vector cosine at least
    FIT_MIN_COSINE: far pairs are easy and never candidates), the sets weighted alike; prints WEIGHTS."""
    xs, ys, ws = [], [], []
    for articles, gold in sets.values():
        profiles, lexicon = profiles_of(articles)
        i, j = np.triu_indices(len(articles), 1)
        x = features(profiles, lexicon, i, j)
        near = x[:, 0] >= FIT_MIN_COSINE
        same = np.array([gold[articles[a].id] == gold[articles[b].id] for a, b in zip(i, j, strict=True)])
        xs.append(x[near])
        ys.append(same[near])
        ws.append(np.full(int(near.sum()), 1.0 / near.sum()))
    y = np.concatenate(ys)
    model = LogisticRegression(max_iter=3000).fit(np.vstack(xs), y, sample_weight=np.concatenate(ws) * len(y))
    weights = [round(float(w), 2) for w in [*model.coef_[0], model.intercept_[0]]]
    print(dict(zip([*FEATURES, "intercept"], weights, strict=True)), file=sys.stderr)
    print(f"WEIGHTS = np.array({weights})  # shipped: {WEIGHTS.tolist()}", file=sys.stderr)


def sweep(sets: dict[str, tuple[list[Article], dict[str, str]]]) -> None:
    """Batch BCubed F1 over thresholds and singleton attachment (1.0 = off); best mean first."""
    prepared = []
    for articles, gold in sets.values():
        order = publication_order(articles)
        prepared.append((articles, gold, order))
    results = []
    for t in np.arange(0.2, 0.625, 0.05):
        graphs = []
        for articles, gold, order in prepared:
            streamed, clusterer = stream_labels(articles, float(t))
            graphs.append((articles, gold, order, streamed[order], scored_pairs(clusterer)))
        for attach in (1.0, 0.05, 0.1, 0.15, 0.2):
            f1s = []
            for articles, gold, order, start, graph in graphs:
                labels = np.empty(len(articles), dtype=int)
                labels[order] = refine(start, graph, float(t), attach)
                f1s.append(bcubed(labels_of(articles, labels), gold)[2])
            results.append((float(np.mean(f1s)), round(float(t), 3), attach, [round(f, 3) for f in f1s]))
    results.sort(key=lambda r: -r[0])
    for mean, t, attach, f1s in results[:10]:
        print(f"mean F1 {mean:.4f} threshold {t} attach {attach} per set {f1s}", file=sys.stderr)
    print(f"shipped: threshold {THRESHOLD}, attach {ATTACH}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--record", action="store_true", help="append the table to BENCHMARKS.md")
    parser.add_argument("--sweep", action="store_true", help="print F1 over thresholds (dev only)")
    parser.add_argument("--fit", action="store_true", help="refit the score's logistic weights (dev only)")
    args = parser.parse_args()
    rows = []
    loaded = {label: load(name) for label, name in SETS.items()}
    if args.fit:
        fit(loaded)
    if args.sweep:
        sweep(loaded)
    systems = {
        "TF-IDF agglomerative (baseline)": tfidf_labels,
        "MiniLM HDBSCAN (baseline)": hdbscan_labels,
        "storyline streaming": streaming,
        "storyline batch (stream + refine)": batch,
    }
    for label, (articles, gold) in loaded.items():
        found = {}
        for system, fn in systems.items():
            t = time.perf_counter()
            pred = found[system] = fn(articles)
            # Timings go to stderr only: on a shared machine they are not worth recording.
            print(f"{label}, {system}: {time.perf_counter() - t:.2f}s", file=sys.stderr)
            p, r, f = bcubed(pred, gold)
            clusters, events = len(set(pred.values())), len(set(gold.values()))
            rows.append([label, system, p, r, f, pairwise_f1(pred, gold), clusters, events])
        batch_as_gold = {k: str(v) for k, v in found["storyline batch (stream + refine)"].items()}
        p, r, f = bcubed(found["storyline streaming"], batch_as_gold)
        agreement = pairwise_f1(found["storyline streaming"], batch_as_gold)
        rows.append([label, "agreement: streaming scored against batch", p, r, f, agreement, "", ""])
    header = ["set", "system", "BCubed P", "BCubed R", "BCubed F1", "pairwise F1", "clusters", "gold"]
    table = markdown_table(header, rows)
    print(table)
    if args.record:
        record("Clustering (bench/cluster.py)", "python bench/cluster.py --record", table)


if __name__ == "__main__":
    main()
