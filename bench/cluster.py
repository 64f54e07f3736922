"""Story clustering quality on the dev sets, with two baselines computed in the same run.

    python bench/cluster.py [--record] [--sweep] [--fit] [--repeats N]
    (--record appends the run to bench/results.jsonl and rewrites this benchmark's table in BENCHMARKS.md)

BCubed precision/recall/F1 and pairwise F1 on ECB+ dev (same-topic twin events) and Multi-News dev, for
the streaming driver (articles one at a time), the batch driver (stream + refine) and two baselines:
TF-IDF cosine with average-linkage agglomeration, and HDBSCAN over the article vectors. Then the
agreement of streaming with batch (BCubed of one against the other): the streaming driver settles the
stories each batch of 256 touched (StreamClusterer.settle), and the same stream unsettled is scored too.

Every constant of the clustering was tuned on these two sets, so the shipped rows are tuning-set figures.
The "5-fold CV" rows are the honest ones: the ECB+ topics (both twins of a topic together) and the
Multi-News events are dealt into ``--folds`` folds; the same-event model is fitted and the thresholds swept
on the other folds of both sets, the whole set is clustered with them and scored on the held-out fold's
articles only, for each fold in turn (so held-out articles meet as many distractors as in the shipped rows).
The TF-IDF baseline is cross-validated alike: the whole set clustered at each threshold of a grid, the
threshold best on the training folds' articles kept for the held-out fold (per set, its best choice).
Streaming and batch run ``--repeats`` times: the HNSW index is built on several threads, so candidates
(and so decisions) may vary from run to run; the spread column is max − min BCubed F1. Speed is
measured by bench/cluster_scale.py, not here.

``--headlines`` adds rows on a headline-only view of both sets (each article reduced to its first sentence,
as a feed that gives headlines alone would hold it): the shipped model (fitted on full texts) against
TF-IDF and vector average-link with their thresholds swept on that same view.

``--fit`` refits the shipped same-event model (cluster/model.json) on both whole sets; ``--sweep`` prints
F1 over thresholds. Entity/time/number mentions are cached in .bench-cache/cluster-mentions.pkl.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from itertools import combinations

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.cluster import HDBSCAN
from sklearn.feature_extraction.text import TfidfVectorizer

from common import CACHE, DATA, cached_mentions, dev_events, markdown_table, read_jsonl, record
from storyline.cluster import ATTACH, THRESHOLD, batch_labels, stream_labels
from storyline.cluster.batch import publication_order, refine, scored_pairs
from storyline.cluster.score import FEATURES, features, meet, profiles_of
from storyline.cluster.trees import MODEL_PATH, Trees, fit
from storyline.enrich import enrich
from storyline.enrich.annotate import annotate
from storyline.enrich.sentences import split_sentences
from storyline.model import Article
from storyline.store import open_store

SETS = {"ECB+ dev": "ecbplus", "Multi-News dev": "multinews"}
MENTIONS = CACHE / "cluster-mentions.pkl"
# Pairs the model learns from: those that compete in practice (far pairs are easy and never candidates),
# at most this many different-event pairs per set (sampled, weighted back up), each set weighted alike.
FIT_MIN_COSINE = 0.4
FIT_NEGATIVES = 40_000
SEED = 0
THRESHOLDS = (0.3, 0.4, 0.5, 0.6)
ATTACHES = (1.0, 0.1, 0.2, 0.3)
HEADLINE_THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
BASELINE_THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.05, 0.65, 0.05))

Labelled = tuple[list[Article], dict[str, str]]


def load(name: str) -> Labelled:
    articles, gold = dev_events(name)
    CACHE.mkdir(exist_ok=True)
    with open_store(CACHE / "vectors.db") as cache:
        t = time.perf_counter()
        enrich(articles, store=cache)
        print(f"{name}: enriched {len(articles)} articles in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    cached_mentions(articles, MENTIONS)
    return articles, gold


def folds_of(name: str, articles: list[Article], folds: int) -> np.ndarray:
    """The fold of each article: ECB+ topics (twins stay together) or Multi-News events dealt in turn."""
    topic = {g["id"]: g.get("topic", g["event"]) for g in read_jsonl(DATA / name / "gold.dev.jsonl")}
    names = sorted(set(topic.values()))
    return np.array([names.index(topic[a.id]) % folds for a in articles])


def bcubed_items(pred: dict[str, int], gold: dict[str, str]) -> dict[str, tuple[float, float]]:
    """BCubed precision and recall of each item."""
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    for item, label in pred.items():
        by_pred[label].add(item)
        by_gold[gold[item]].add(item)
    out = {}
    for item in pred:
        same_pred, same_gold = by_pred[pred[item]], by_gold[gold[item]]
        correct = len(same_pred & same_gold)
        out[item] = (correct / len(same_pred), correct / len(same_gold))
    return out


def averaged(items: dict[str, tuple[float, float]]) -> tuple[float, float, float]:
    p, r = (float(np.mean(column)) for column in zip(*items.values(), strict=True))
    return p, r, 2 * p * r / (p + r)


def bcubed(pred: dict[str, int], gold: dict[str, str]) -> tuple[float, float, float]:
    return averaged(bcubed_items(pred, gold))


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


def tfidf_runs(articles: list[Article]) -> list[dict[str, int]]:
    """TF-IDF cosine average-link labels of the whole set at each of :data:`BASELINE_THRESHOLDS`."""
    m = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform([a.text for a in articles])
    distance = np.clip(1 - (m @ m.T).toarray(), 0, None)
    np.fill_diagonal(distance, 0)
    tree = linkage(squareform(distance, checks=False), "average")
    return [labels_of(articles, fcluster(tree, t=1 - t, criterion="distance")) for t in BASELINE_THRESHOLDS]


def best_on(runs: list[dict[str, int]], gold: dict[str, str], items: set[str]) -> int:
    """The run of highest BCubed F1 over ``items`` (each scored within its whole-set clustering)."""
    f1s = [averaged({k: v for k, v in bcubed_items(run, gold).items() if k in items})[2] for run in runs]
    return int(np.argmax(f1s))


def hdbscan_labels(articles: list[Article]) -> dict[str, int]:
    vectors = np.stack([a.vector for a in articles])
    labels = HDBSCAN(min_cluster_size=2, metric="euclidean", copy=True).fit_predict(vectors)
    # Noise points are singleton stories.
    top = labels.max() + 1
    return labels_of(articles, np.array([lab if lab >= 0 else top + i for i, lab in enumerate(labels)]))


def headline_view(articles: list[Article]) -> list[Article]:
    """Each article as a headline-only feed item: its first sentence, as title and text."""
    heads = []
    for a in articles:
        first = split_sentences(a.text)
        head = first[0].text if first else a.text[:150]
        heads.append(Article(id=a.id, text=head, title=head, published=a.published, source=a.source))
    with open_store(CACHE / "headline-vectors.db") as cache:
        enrich(heads, store=cache, sentence_vectors=False)
    annotate(heads)
    return heads


def headline_rows(label: str, articles: list[Article], gold: dict[str, str]) -> list[list[object]]:
    heads = headline_view(articles)
    words = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform([a.text for a in heads])
    vectors = np.stack([a.vector for a in heads])
    rows = []
    for name, similar in (("TF-IDF", (words @ words.T).toarray()), ("MiniLM vector", vectors @ vectors.T)):
        runs = [(scores(labels_of(heads, agglomerate(similar, t)), gold), t) for t in HEADLINE_THRESHOLDS]
        best, t = max(runs, key=lambda run: run[0][2])
        rows.append([f"{label}, headlines only", f"{name} average-link (baseline, swept: {t})", *best, ""])
    rows.append(
        [
            f"{label}, headlines only",
            "storyline batch (shipped)",
            *scores(labels_of(heads, batch_labels(heads)), gold),
            "",
        ]
    )
    return rows


def training_pairs(articles: list[Article], gold: dict[str, str]) -> tuple[np.ndarray, ...]:
    """Features, same-event flags and weights of a set's near pairs (weights sum to 1 per set)."""
    profiles, lexicon = profiles_of(articles)
    i, j = np.triu_indices(len(articles), 1)
    events = np.array([gold[a.id] for a in articles])
    meet(profiles, i, j)  # as in the batch graph: every pair met
    x = features(profiles, lexicon, i, j)
    near = np.flatnonzero(x[:, 0] >= FIT_MIN_COSINE)
    same = events[i[near]] == events[j[near]]
    rng = np.random.default_rng(SEED)
    negatives = near[~same]
    kept = rng.choice(negatives, min(len(negatives), FIT_NEGATIVES), replace=False)
    rows = np.concatenate([near[same], kept])
    weight = np.concatenate([np.ones(same.sum()), np.full(len(kept), len(negatives) / max(len(kept), 1))])
    return x[rows], events[i[rows]] == events[j[rows]], weight / weight.sum()


def fit_model(sets: list[Labelled]) -> Trees:
    parts = [training_pairs(articles, gold) for articles, gold in sets]
    x, y, w = (np.concatenate(column) for column in zip(*parts, strict=True))
    return fit(x, y, w * len(y), list(FEATURES))


def sweep(sets: list[Labelled], model: Trees | None = None) -> list[tuple[float, float, float, list[float]]]:
    """Batch BCubed F1 over thresholds and singleton attachment (1.0 = off), best mean first:
    (mean F1, threshold, attach, F1 per set)."""
    # The whole-set graph does not depend on the stream's decisions (its pairs are met as candidates,
    # whatever story they join): scored once per set. The settled stream does (settling splits, merges
    # and attaches at the threshold and attach tried), as batch_labels streams it.
    graphs = []
    for articles, gold in sets:
        order = publication_order(articles)
        graphs.append((articles, gold, order, scored_pairs(stream_labels(articles, THRESHOLD, model)[1])))
    results = []
    for t in THRESHOLDS:
        for attach in ATTACHES:
            f1s = []
            for articles, gold, order, graph in graphs:
                start = stream_labels(articles, t, model, attach=attach)[0][order]
                labels = np.empty(len(articles), dtype=int)
                labels[order] = refine(start, graph, t, attach)
                f1s.append(bcubed(labels_of(articles, labels), gold)[2])
            results.append((float(np.mean(f1s)), t, attach, [round(f, 3) for f in f1s]))
    return sorted(results, key=lambda r: -r[0])


def cross_validated(
    sets: dict[str, Labelled], names: dict[str, str], folds: int
) -> dict[str, dict[str, list[object]]]:
    """Streaming and batch rows from models fitted, and thresholds swept, on the other folds of both sets,
    scored on the held-out one (see the module docstring). The whole set is clustered, so the held-out
    articles meet as many distractors as in the shipped rows; each article's BCubed precision and recall
    come from the fold that held it out, pairwise F1 from pairs held out together."""
    split = {label: folds_of(names[label], articles, folds) for label, (articles, _) in sets.items()}
    systems = ("streaming", "batch", "baseline")
    items: dict[str, dict[str, dict[str, tuple[float, float]]]] = {
        label: {system: {} for system in systems} for label in sets
    }
    pairs: dict[str, dict[str, list[float]]] = {label: {system: [] for system in systems} for label in sets}
    baseline = {label: tfidf_runs(articles) for label, (articles, _) in sets.items()}
    for held_out in range(folds):
        train = [
            ([a for a, h in zip(articles, split[label], strict=True) if h != held_out], gold)
            for label, (articles, gold) in sets.items()
        ]
        model = fit_model(train)
        _, threshold, attach, _ = sweep(train, model)[0]
        print(f"CV fold {held_out}: threshold {threshold}, attach {attach}", file=sys.stderr)
        for label, (articles, gold) in sets.items():
            kept = {a.id for a, h in zip(articles, split[label], strict=True) if h == held_out}
            # The baseline's threshold: the best on this set's training folds (its most favourable choice).
            tfidf = baseline[label][best_on(baseline[label], gold, {a.id for a in articles} - kept)]
            for system, pred in (
                (
                    "streaming",
                    labels_of(articles, stream_labels(articles, threshold, model, attach=attach)[0]),
                ),
                ("batch", labels_of(articles, batch_labels(articles, threshold, attach, model))),
                ("baseline", tfidf),
            ):
                items[label][system].update({k: v for k, v in bcubed_items(pred, gold).items() if k in kept})
                pairs[label][system].append(pairwise_f1({k: pred[k] for k in kept}, gold))
    return {
        label: {
            system: [*averaged(items[label][system]), float(np.mean(pairs[label][system]))]
            for system in systems
        }
        for label in sets
    }


def scores(pred: dict[str, int], gold: dict[str, str]) -> list[object]:
    p, r, f = bcubed(pred, gold)
    return [p, r, f, pairwise_f1(pred, gold), len(set(pred.values())), len(set(gold.values()))]


def repeated(
    fn: Callable[[list[Article]], np.ndarray], articles: list[Article], gold: dict[str, str], repeats: int
) -> tuple[dict[str, int], float]:
    """The first run's labels and the spread (max − min) of BCubed F1 over ``repeats`` runs."""
    runs = [labels_of(articles, fn(articles)) for _ in range(repeats)]
    f1s = [bcubed(run, gold)[2] for run in runs]
    return runs[0], max(f1s) - min(f1s)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--record", action="store_true", help="append the run to bench/results.jsonl and update BENCHMARKS.md"
    )
    parser.add_argument("--sweep", action="store_true", help="print F1 over thresholds (dev only)")
    parser.add_argument("--fit", action="store_true", help="refit and save cluster/model.json (dev only)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of streaming and batch (spread)")
    parser.add_argument("--folds", type=int, default=5, help="folds of the cross-validation")
    parser.add_argument("--headlines", action="store_true", help="add rows on a headline-only view")
    args = parser.parse_args()
    loaded = {label: load(name) for label, name in SETS.items()}
    if args.fit:
        fit_model(list(loaded.values())).save(MODEL_PATH)
        print(f"wrote {MODEL_PATH}", file=sys.stderr)
    if args.sweep:
        for mean, t, attach, f1s in sweep(list(loaded.values()))[:10]:
            print(f"mean F1 {mean:.4f} threshold {t} attach {attach} per set {f1s}", file=sys.stderr)
        print(f"shipped: threshold {THRESHOLD}, attach {ATTACH}", file=sys.stderr)
    t = time.perf_counter()
    held_out = cross_validated(loaded, SETS, args.folds)
    print(f"cross-validation: {time.perf_counter() - t:.0f}s", file=sys.stderr)
    rows = []
    for label, (articles, gold) in loaded.items():
        runs = tfidf_runs(articles)
        best = best_on(runs, gold, set(gold))
        swept = f"TF-IDF average-link (baseline, swept here: {BASELINE_THRESHOLDS[best]})"
        rows.append([label, swept, *scores(runs[best], gold), ""])
        rows.append([label, "MiniLM HDBSCAN (baseline)", *scores(hdbscan_labels(articles), gold), ""])
        streamed, spread = repeated(lambda a: stream_labels(a)[0], articles, gold, args.repeats)
        rows.append([label, "storyline streaming (tuned here)", *scores(streamed, gold), spread])
        batched, spread = repeated(batch_labels, articles, gold, args.repeats)
        rows.append([label, "storyline batch (tuned here)", *scores(batched, gold), spread])
        cv = held_out[label]
        rows.append([label, f"storyline streaming, {args.folds}-fold CV", *cv["streaming"], "", "", ""])
        rows.append([label, f"storyline batch, {args.folds}-fold CV", *cv["batch"], "", "", ""])
        rows.append(
            [label, f"TF-IDF average-link (baseline), {args.folds}-fold CV", *cv["baseline"], "", "", ""]
        )
        batch_as_gold = {k: str(v) for k, v in batched.items()}
        p, r, f = bcubed(streamed, batch_as_gold)
        agreement = pairwise_f1(streamed, batch_as_gold)
        rows.append([label, "agreement: streaming scored against batch", p, r, f, agreement, "", "", ""])
        # The same stream without settling (what streaming was before it settled), against the same batch.
        unsettled = labels_of(articles, stream_labels(articles, settle=False)[0])
        p, r, f = bcubed(unsettled, batch_as_gold)
        agreement = pairwise_f1(unsettled, batch_as_gold)
        rows.append([label, "unsettled streaming scored against batch", p, r, f, agreement, "", "", ""])
        if args.headlines:
            rows += headline_rows(label, articles, gold)
    header = ["set", "system", "BCubed P", "BCubed R", "BCubed F1", "pairwise F1", "clusters", "gold"]
    table = markdown_table([*header, f"F1 spread ({args.repeats} runs)"], rows)
    print(table)
    if args.record:
        record("Clustering (bench/cluster.py)", "python bench/cluster.py --record", table)


if __name__ == "__main__":
    main()
