"""Conflict detection on the hand-written fixture stories: precision, recall, F1, and false alarms on
compatible wordings.

    python bench/conflicts.py [--split dev|heldout|all] [--verbose]

A development aid while working on the conflict rules, not on the BENCHMARKS.md page: these are the
stories the rules were written against, so their figures say little about stories storyline has not seen
(bench/compare.py measures those).

The stories and their gold are in tests/fixtures/compare/ (fictional; see the README there). A reported
conflict is correct when its type is the gold type and two of its claims carry the two gold values
(each gold value a case-insensitive substring of the reported ``value``). A reported conflict that
matches no gold conflict is a false positive; when its values are a pair the gold lists as compatible,
it is also counted under "on compatible wordings" (the target there is zero). "untyped" scores the
same matching without the type.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from common import ROOT, markdown_table
from storyline.compare import compare
from storyline.enrich import enrich
from storyline.enrich.annotate import annotate

sys.path.insert(0, str(ROOT / "tests"))  # the fixture loader is the one the tests use
from planted import articles_of, planted_stories


def _carries(conflict: dict[str, Any], pair: list[str]) -> bool:
    values = [c["value"].lower() for c in conflict["claims"]]
    first, second = (v.lower() for v in pair)
    return any(
        first in x and second in y for i, x in enumerate(values) for j, y in enumerate(values) if i != j
    )


def score(found: list[dict[str, Any]], gold: dict[str, Any], typed: bool = True) -> dict[str, int]:
    """True positives, false positives, false negatives and false alarms on compatible wordings."""
    matched: set[int] = set()
    fp = compatible = 0
    for conflict in found:
        hit = next(
            (
                g
                for g, want in enumerate(gold["conflicts"])
                if g not in matched
                and (not typed or want["type"] == conflict["type"])
                and _carries(conflict, want["values"])
            ),
            None,
        )
        if hit is None:
            fp += 1
            compatible += any(_carries(conflict, pair) for pair in gold["compatible"])
        else:
            matched.add(hit)
    return {
        "tp": len(matched),
        "fp": fp,
        "fn": len(gold["conflicts"]) - len(matched),
        "compatible": compatible,
    }


def prf(counts: dict[str, int]) -> tuple[float, float, float]:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run(stories: list[dict[str, Any]], verbose: bool = False) -> dict[str, dict[str, int]]:
    totals = {k: {"tp": 0, "fp": 0, "fn": 0, "compatible": 0} for k in ("typed", "untyped")}
    articles = [a for s in stories for a in s["articles"]]
    enrich(articles)
    annotate(articles)
    for story in stories:
        found = compare(story["articles"]).block["conflicts"]
        for kind in totals:
            for k, v in score(found, story["gold"], typed=kind == "typed").items():
                totals[kind][k] += v
        if verbose:
            print(f"{story['story']}: {score(found, story['gold'])}")
            for c in found:
                print(f"   {c['type']:<12} {c['about']!r}: {[x['value'] for x in c['claims']]}")
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", choices=["dev", "heldout", "all"], default="dev")
    parser.add_argument("--verbose", action="store_true", help="print every story's conflicts")
    args = parser.parse_args()
    stories = [{**s, "articles": articles_of(s)} for s in planted_stories(args.split)]
    totals = run(stories, args.verbose)
    rows = []
    for kind, counts in totals.items():
        p, r, f = prf(counts)
        gold = counts["tp"] + counts["fn"]
        rows.append(
            [args.split, kind, len(stories), gold, counts["tp"], counts["fp"], p, r, f, counts["compatible"]]
        )
    header = ["split", "match", "stories", "gold", "tp", "fp", "precision", "recall", "F1", "on compatible"]
    heldout = ", ".join(s["story"] for s in planted_stories("heldout"))
    table = (
        markdown_table(header, rows) + f"\n\nHeld out (run once, after the rules were written): {heldout}."
    )
    print(table)


if __name__ == "__main__":
    main()
