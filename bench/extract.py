"""Article-body extraction on real news pages: storyline's HTML reader against plain trafilatura, same run.

Data: ``../shared/data/extraction/`` — 98 pages of the Zyte (scrapinghub) article-extraction benchmark with
their gold ``articleBody``. The measure is the benchmark's own: per page, word 4-gram shingles (tokens are
``\\w+`` runs, case kept) of the extracted body against the gold body, true/false positives and negatives
counted with multiplicity and normalised by their sum; precision and recall are averaged over the pages
(a page counts towards precision only if something was predicted or expected, towards recall likewise) and
F1 is taken of the two means.

The pages are split in two halves by a hash of their key: extraction was tuned looking only at the
``tune`` half; the ``held`` half is reported beside it and was never inspected.

    python bench/extract.py                # the table: tune / held / all, both extractors
    python bench/extract.py --worst 10     # also the tune half's worst pages for storyline
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DATA
from storyline.ingest.encoding import declared_charset, decode_bytes
from storyline.ingest.html import parse_html

FOLDER = DATA / "extraction"
_TOKEN = re.compile(r"\w+")
Counts = tuple[float, float, float]


def half(key: str) -> str:
    """'tune' or 'held', fixed by the key (no page moves between halves from run to run)."""
    return "tune" if int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 2 == 0 else "held"


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def page_counts(gold: str, predicted: str) -> Counts:
    """(tp, fp, fn) over shingles, normalised to sum to 1 so that long pages weigh no more than short."""
    expected, found = shingles(gold), shingles(predicted)
    tp = sum((expected & found).values())
    fp = sum((found - expected).values())
    fn = sum((expected - found).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def scores(counts: list[Counts]) -> tuple[float, float, float]:
    """(precision, recall, F1) as the benchmark computes them."""
    precision = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0)
    return precision, recall, 2 * precision * recall / (precision + recall)


def page_f1(c: Counts) -> float:
    p, r = _precision(*c), _recall(*c)
    return 2 * p * r / (p + r) if p + r else 0.0


def storyline_body(html: str, url: str) -> str:
    parsed = parse_html(html, url=url)
    return parsed.body if parsed else ""


def trafilatura_body(html: str, url: str) -> str:
    # Plain trafilatura as the benchmark runs it: its defaults, comments left out.
    return trafilatura.extract(html, url=url, include_comments=False) or ""


EXTRACTORS = {"storyline": storyline_body, "trafilatura": trafilatura_body}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--tune-only", action="store_true", help="measure the tune half only (what tuning may look at)"
    )
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages of the tune half")
    args = parser.parse_args()
    gold = json.loads((FOLDER / "gold.dev.json").read_text(encoding="utf-8"))
    counts: dict[str, dict[str, Counts]] = {name: {} for name in EXTRACTORS}
    empty: dict[str, list[str]] = {name: [] for name in EXTRACTORS}
    seconds = dict.fromkeys(EXTRACTORS, 0.0)
    if args.tune_only:
        gold = {k: v for k, v in gold.items() if half(k) == "tune"}
    for key, item in sorted(gold.items()):
        data = (FOLDER / "pages" / f"{key}.html").read_bytes()
        html = decode_bytes(data, declared=declared_charset(data)).text
        for name, extract in EXTRACTORS.items():
            started = time.perf_counter()
            body = extract(html, item.get("url"))
            seconds[name] += time.perf_counter() - started
            counts[name][key] = page_counts(item.get("articleBody", ""), body)
            if not body.strip() and item.get("articleBody", "").strip():
                empty[name].append(key)
    halves = {"tune": [k for k in gold if half(k) == "tune"], "held": [k for k in gold if half(k) == "held"]}
    halves["all"] = list(gold)
    print(f"{len(gold)} pages ({len(halves['tune'])} tune, {len(halves['held'])} held out)\n")
    print(f"{'extractor':<12} {'half':<5} {'pages':>5} {'precision':>9} {'recall':>7} {'F1':>6}")
    for name in EXTRACTORS:
        for part, keys in halves.items():
            if not keys:
                continue
            p, r, f = scores([counts[name][k] for k in keys])
            print(f"{name:<12} {part:<5} {len(keys):>5} {p:>9.3f} {r:>7.3f} {f:>6.3f}")
    print()
    for name in EXTRACTORS:
        print(
            f"{name}: {seconds[name] / len(gold) * 1000:.0f} ms/page; pages with no text: {len(empty[name])}"
        )
        for key in empty[name]:
            print(f"  {half(key)} {key[:16]} {gold[key].get('url')}")
    if args.worst:
        print(f"\nworst {args.worst} tune pages for storyline (P, R, F1):")
        tune = sorted(halves["tune"], key=lambda k: page_f1(counts["storyline"][k]))
        for key in tune[: args.worst]:
            c = counts["storyline"][key]
            p, r, f = _precision(*c), _recall(*c), page_f1(c)
            t = page_f1(counts["trafilatura"][key])
            print(f"  {p:.2f} {r:.2f} {f:.2f} (trafilatura {t:.2f})  {key[:16]}  {gold[key].get('url')}")


if __name__ == "__main__":
    main()
