"""Cross-source comparison on the hand-written stories: conflicts, updates, shared facts, summaries.

    python bench/compare.py [--split train|heldout|all] [--verbose] [--record]

The stories (bench/data/compare/stories-*.jsonl, fictional; format in FORMAT.md there) carry gold
conflicts, compatible wordings of every kind, updates and an exhaustive list of shared facts, each as
(article, sentence, value). The held-out split (every third story) is scored once per change and never
tuned on.

- A reported conflict is right when two of its claims are those of a gold conflict: the same article and
  the same sentence, or a value overlapping the gold value. The type must match for "typed".
  A reported conflict that matches none is a false alarm, counted by what it hit: a compatible wording
  (by kind), an update, or nothing listed.
- Updates are matched the same way.
- Shared facts are scored as pairs of sentences of different articles that one reported fact cites,
  against the pairs of the gold facts.
- Summaries (at the default budget) fail a story when two of their sentences are one gold shared fact, or
  when they carry both sides of a gold conflict in separate sentences that flag no conflict.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from itertools import combinations
from typing import Any

from common import markdown_table, record
from compare_data import GoldStory, stories
from perturb import OUT as PERTURBED
from storyline.compare import claim_citations, compare, representative
from storyline.compare.align import align, anchored_pairs
from storyline.compare.conflicts import find_conflicts
from storyline.enrich import enrich
from storyline.enrich.annotate import annotate
from storyline.summarize import summarize


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _sentence_index(story: GoldStory) -> dict[tuple[str, str], int]:
    return {(a.id, _norm(s.text)): k for a in story.articles for k, s in enumerate(a.sentences)}


def _locate(story: GoldStory, index: dict[tuple[str, str], int], article_id: str, quote: str) -> int | None:
    found = index.get((article_id, _norm(quote)))
    if found is not None:
        return found
    article = next((a for a in story.articles if a.id == article_id), None)
    if article is None:
        return None
    # A quote spanning sentences (a quotation unit) or a part of one: the first sentence it overlaps.
    q = _norm(quote)
    for k, s in enumerate(article.sentences):
        t = _norm(s.text)
        if t in q or q in t:
            return k
    return None


def _claim_hits(reported: dict[str, Any], gold: dict[str, Any], k: int | None) -> bool:
    """The reported claim is the gold one: same article, and the same sentence or an overlapping value."""
    if reported["article_id"] != gold["article"]:
        return False
    value, want = _norm(reported.get("value") or ""), _norm(gold.get("value") or "")
    return k == gold["sentence"] or bool(value and want and (value in want or want in value))


def _matches(found: dict[str, Any], gold: dict[str, Any], story: GoldStory, index: dict) -> bool:
    located = [(c, _locate(story, index, c["article_id"], c["quote"])) for c in found["claims"]]
    hit = set()
    for g, want in enumerate(gold["claims"]):
        for c, k in located:
            if _claim_hits(c, want, k):
                hit.add(g)
                break
    return len(hit) >= 2


def score_story(story: GoldStory, block: dict[str, Any]) -> dict[str, Any]:
    index = _sentence_index(story)
    out: Counter[str] = Counter()
    alarms: Counter[str] = Counter()
    matched: set[int] = set()
    for conflict in block["conflicts"]:
        hit = next(
            (
                g
                for g, want in enumerate(story.conflicts)
                if g not in matched and _matches(conflict, want, story, index)
            ),
            None,
        )
        if hit is None:
            out["fp"] += 1
            kind = next((c["kind"] for c in story.compatible if _matches(conflict, c, story, index)), None)
            if kind is None and any(_matches(conflict, u, story, index) for u in story.updates):
                kind = "update"
            alarms[kind or "unlisted"] += 1
        else:
            matched.add(hit)
            out["tp"] += 1
            out["typed"] += conflict["type"] == story.conflicts[hit]["type"]
    out["fn"] = len(story.conflicts) - len(matched)
    found_updates = {
        g
        for u in block.get("updates", [])
        for g, want in enumerate(story.updates)
        if _matches(u, want, story, index)
    }
    out["update_tp"] = len(found_updates)
    out["update_fn"] = len(story.updates) - len(found_updates)
    out["update_fp"] = sum(
        not any(_matches(u, want, story, index) for want in story.updates) for u in block.get("updates", [])
    )
    gold_pairs = set()
    for fact in story.shared:
        members = {(x["article"], x["sentence"]) for x in fact["sentences"]}
        gold_pairs |= {frozenset(p) for p in combinations(members, 2) if p[0][0] != p[1][0]}
    reported_pairs = set()
    for fact in block["shared"]:
        members = {
            (c["article_id"], _locate(story, index, c["article_id"], c["quote"])) for c in fact["citations"]
        }
        reported_pairs |= {frozenset(p) for p in combinations(members, 2) if p[0][0] != p[1][0]}
    out["shared_tp"] = len(reported_pairs & gold_pairs)
    out["shared_fp"] = len(reported_pairs - gold_pairs)
    out["shared_fn"] = len(gold_pairs - reported_pairs)
    return {"counts": out, "alarms": alarms}


def summary_failures(story: GoldStory, sentences: list[dict[str, Any]]) -> tuple[int, int]:
    """(sentence pairs stating one gold shared fact, gold conflicts carried on both sides unflagged)."""
    index = _sentence_index(story)
    cited = [
        {(c["article_id"], _locate(story, index, c["article_id"], c["quote"])) for c in s["citations"]}
        for s in sentences
    ]
    facts = [{(x["article"], x["sentence"]) for x in f["sentences"]} for f in story.shared]
    twice = sum(
        1 for x, y in combinations(range(len(cited)), 2) if any(cited[x] & f and cited[y] & f for f in facts)
    )
    unflagged = 0
    for conflict in story.conflicts:
        sides = [(c["article"], c["sentence"]) for c in conflict["claims"]]
        holders = [{n for n, c in enumerate(cited) if side in c} for side in sides]
        flagged = any(s.get("conflicts") for s in sentences)
        if all(holders) and not set.intersection(*holders) and not flagged:
            unflagged += 1
    return twice, unflagged


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run(split: str, verbose: bool = False, which: str = "written") -> tuple[str, dict[str, Any]]:
    chosen = stories(split, [PERTURBED] if which == "perturbed" else None)
    articles = [a for s in chosen for a in s.articles]
    enrich(articles)
    annotate(articles)
    totals: Counter[str] = Counter()
    baseline: Counter[str] = Counter()
    alarms: Counter[str] = Counter()
    twice = unflagged = 0
    started = time.perf_counter()
    for story in chosen:
        comparison = compare(story.articles)
        result = score_story(story, comparison.block)
        # The baseline measured in the same run: the conflict rules alone (compare.conflicts).
        ruled = find_conflicts(comparison.articles, comparison.group, comparison.values)
        baseline.update(score_story(story, {**comparison.block, "conflicts": ruled})["counts"])
        # ... and the shared facts of the anchor rule the learned alignment replaced.
        anchored, _ = align(comparison.articles, comparison.values, anchored_pairs)
        shared = [
            {"citations": claim_citations(comparison.articles, c)}
            for c in anchored
            if representative(c, comparison.centrality, comparison.articles, comparison.values)
        ]
        counted = score_story(story, {**comparison.block, "shared": shared})["counts"]
        baseline.update({f"anchored_{k}": v for k, v in counted.items() if k.startswith("shared_")})
        summary = summarize(comparison)
        t, u = summary_failures(story, summary)
        twice, unflagged = twice + t, unflagged + u
        totals.update(result["counts"])
        alarms.update(result["alarms"])
        if verbose:
            counts, alarmed = dict(result["counts"]), dict(result["alarms"])
            print(f"== {story.slug} {counts} alarms={alarmed} twice={t} unflagged={u}")
            for c in comparison.block["conflicts"]:
                print(f"   {c['type']:<12} {c['about']!r}: {[x['value'] for x in c['claims']]}")
            for c in comparison.block.get("updates", []):
                print(f"   update {c['about']!r}: {[x['value'] for x in c['claims']]}")
    elapsed = time.perf_counter() - started
    p, r, f = prf(totals["tp"], totals["fp"], totals["fn"])
    sp, sr, sf = prf(totals["shared_tp"], totals["shared_fp"], totals["shared_fn"])
    up, ur, uf = prf(totals["update_tp"], totals["update_fp"], totals["update_fn"])
    typed = totals["typed"] / totals["tp"] if totals["tp"] else 0.0
    gold_compatible = Counter(c["kind"] for s in chosen for c in s.compatible)
    figures = {
        "split": split,
        "stories": len(chosen),
        "conflict_precision": p,
        "conflict_recall": r,
        "conflict_f1": f,
        "type_right": typed,
        "false_conflicts_per_10_stories": 10 * totals["fp"] / max(1, len(chosen)),
        "shared_precision": sp,
        "shared_recall": sr,
        "update_f1": uf,
        "summary_twice": twice,
        "summary_unflagged": unflagged,
        "compare_seconds_per_story": elapsed / max(1, len(chosen)),
    }
    bp, br, bf = prf(baseline["tp"], baseline["fp"], baseline["fn"])
    figures["baseline_conflict_f1"] = bf
    ap, ar, af = prf(
        baseline["anchored_shared_tp"], baseline["anchored_shared_fp"], baseline["anchored_shared_fn"]
    )
    figures["baseline_shared_precision"], figures["baseline_shared_recall"] = ap, ar
    rows = [
        [
            "conflicts, rules alone (baseline)",
            baseline["tp"] + baseline["fn"],
            baseline["tp"],
            baseline["fp"],
            bp,
            br,
            bf,
        ],
        ["conflicts", totals["tp"] + totals["fn"], totals["tp"], totals["fp"], p, r, f],
        [
            "updates",
            totals["update_tp"] + totals["update_fn"],
            totals["update_tp"],
            totals["update_fp"],
            up,
            ur,
            uf,
        ],
        [
            "shared-fact pairs, anchor rule (baseline)",
            baseline["anchored_shared_tp"] + baseline["anchored_shared_fn"],
            baseline["anchored_shared_tp"],
            baseline["anchored_shared_fp"],
            ap,
            ar,
            af,
        ],
        [
            "shared-fact pairs",
            totals["shared_tp"] + totals["shared_fn"],
            totals["shared_tp"],
            totals["shared_fp"],
            sp,
            sr,
            sf,
        ],
    ]
    table = markdown_table(["measure", "gold", "found", "false", "precision", "recall", "F1"], rows)
    table += (
        f"\n\n{len(chosen)} {which} stories ({split}); conflict type right for {typed:.0%} of those found; "
        f"{figures['false_conflicts_per_10_stories']:.1f} false conflicts per 10 stories; "
        "false alarms by kind: "
        + ", ".join(f"{k} {alarms[k]}/{gold_compatible.get(k, '-')}" for k in sorted(alarms, key=str))
        + f"; summaries stating one fact twice: {twice}, carrying a conflict unflagged: {unflagged}; "
        f"compare + summary {1000 * figures['compare_seconds_per_story']:.0f} ms per story."
    )
    return table, figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", choices=["train", "heldout", "all"], default="train")
    parser.add_argument(
        "--set",
        choices=["written", "perturbed"],
        default="written",
        help="the hand-written stories, or the perturbation set of bench/perturb.py",
    )
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--record", action="store_true", help="record the figures")
    args = parser.parse_args()
    table, _ = run(args.split, args.verbose, args.set)
    print(table)
    if args.record:
        record(
            f"Comparison ({args.set})",
            f"python bench/compare.py --set {args.set} --split {args.split}",
            table,
        )


if __name__ == "__main__":
    main()
