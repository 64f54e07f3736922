"""Train the shared-fact model (src/storyline/compare/facts.json): which sentences of two sources state
one fact.

    python bench/train_facts.py [--perturbed]

Training pairs are the candidate sentence pairs (storyline.compare.facts.candidate_pairs) of the train
split of the hand-written stories (bench/data/compare; the held-out split is never read here): a pair is
positive when one gold shared fact lists both sentences, negative otherwise (a conflict's two sentences
are not a shared fact). With ``--perturbed``, the train part of bench/perturb.py's real sentence pairs is
added (kept as written: positive; with a value changed: negative), weighing as much as the written
stories together.

The probability cutoff is chosen by 5-fold cross-validation grouped by story, for the best F1 of the
pairs; the cross-validated figures are printed and stored in the artefact.
"""

from __future__ import annotations

import argparse
import json
import zlib
from itertools import combinations
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from compare_data import GoldStory, training_stories
from storyline.cluster.trees import fit as fit_trees
from storyline.compare.align import independence_groups
from storyline.compare.claims import sentence_claims
from storyline.compare.facts import FEATURES, candidate_pairs

ARTEFACT = Path(__file__).resolve().parent.parent / "src" / "storyline" / "compare" / "facts.json"


def gold_pairs(story: GoldStory) -> set[frozenset[tuple[int, int]]]:
    """(article index, sentence index) pairs of different articles that one gold shared fact lists."""
    index = {a.id: i for i, a in enumerate(story.articles)}
    found = set()
    for fact in story.shared:
        members = {(index[s["article"]], s["sentence"]) for s in fact["sentences"]}
        found |= {frozenset(p) for p in combinations(members, 2) if p[0][0] != p[1][0]}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--perturbed", action="store_true", help="add the train part of bench/perturb.py's pairs"
    )
    args = parser.parse_args()
    train = training_stories(args.perturbed)
    rows = []
    gold_total = covered = 0
    for story in train:
        group = independence_groups(story.articles)
        pairs = candidate_pairs(story.articles, group, sentence_claims(story.articles))
        gold = gold_pairs(story)
        keys = {frozenset((p.a, p.b)) for p in pairs}
        written = "cluster" not in story.raw
        if written:
            gold_total += len(gold)
            covered += len(gold & keys)
        # A perturbed pair and its kept twin come from one cluster: they stay in one fold. (crc32, not
        # hash(): the folds, and so the cutoff, are the same in every run.)
        fold_group = zlib.crc32(story.raw.get("cluster", story.slug).encode())
        rows += [(p.features, frozenset((p.a, p.b)) in gold, written, fold_group) for p in pairs]
    x = np.stack([r[0] for r in rows])
    y = np.array([r[1] for r in rows], dtype=int)
    written = np.array([r[2] for r in rows], dtype=bool)
    groups = np.array([r[3] for r in rows])
    weights = np.where(written, 1.0, written.sum() / max(1, (~written).sum()))
    print(
        f"{len(y)} candidate pairs, {int(y.sum())} positive; "
        f"candidates hold {covered}/{gold_total} gold pairs"
    )
    folds = list(GroupKFold(n_splits=5).split(x, y, groups))
    oof = np.zeros(len(y))
    for tr, te in folds:
        oof[te] = fit_trees(x[tr], y[tr], weights[tr], list(FEATURES)).probability(x[te])
    best = None
    for threshold in np.arange(0.1, 0.91, 0.025):
        # Scored on the written stories' pairs, against every gold pair (those no candidate holds too).
        pred = (oof >= threshold) & written
        tp = int((pred & (y == 1)).sum())
        p = tp / max(1, int(pred.sum()))
        r = tp / max(1, gold_total)
        f = 2 * p * r / (p + r) if p + r else 0.0
        if best is None or f > best["f1"]:
            best = {"threshold": round(float(threshold), 3), "precision": p, "recall": r, "f1": f}
    assert best is not None
    print("cross-validated, written pairs:", best)
    final = fit_trees(x, y, weights, list(FEATURES))
    artefact = {
        "about": "Shared-fact model of storyline.compare.facts, by bench/train_facts.py; do not edit.",
        "features": list(FEATURES),
        "trees": json.loads(final.to_json()),
        "cutoff": best["threshold"],
        "trained_on": {
            "stories": len(train),
            "pairs": len(y),
            "positive": int(y.sum()),
            "gold_pairs_written": gold_total,
            "gold_pairs_in_candidates": covered,
        },
        "cross_validated": {k: round(v, 4) if isinstance(v, float) else v for k, v in best.items()},
    }
    ARTEFACT.write_text(json.dumps(artefact) + "\n", encoding="utf-8")
    print(json.dumps({k: artefact[k] for k in ("trained_on", "cross_validated")}, indent=1))


if __name__ == "__main__":
    main()
