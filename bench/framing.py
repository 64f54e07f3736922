"""Framing: sentence subjectivity, genre, and own views kept out of summaries.

    python bench/framing.py [--skip-subjectivity] [--record]
    (--record appends the run to bench/results.jsonl and rewrites this benchmark's table in BENCHMARKS.md)

1. Subjectivity macro-F1 per language on the held-out fifth of ../shared/data/subjectivity
   (bench/subjectivity_train.held_out; never used to train or choose anything), for the shipped model
   and, from the same run, a TF-IDF baseline: character 2-5-gram TF-IDF and a logistic regression per
   language, trained on the same non-held-out rows (C by five-fold CV on them, balanced classes). Beside
   each, the five-fold CV figure on those rows: the shipped model's settings (C, n-gram scale, threshold)
   refitted per fold, and the baseline at its chosen C. Both were chosen on those same folds, so the CV
   figures lean a little high; the held-out one is the headline.
2. Genre macro-F1 over report / opinion / analysis on demo/gold.csv (an acceptance measure: nothing is
   tuned on the demo), with the genre of every article of the reference pair (../shared/samples/seed-pair),
   neither of which is a report.
3. Own views in summaries: per story (the demo's gold events; the reference pair as one story), the
   own-voice subjective sentences of its opinion pieces that the summary cites, when the story also has
   a report. The target is none.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections import defaultdict
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, SHARED, markdown_table, record
from storyline.compare import compare
from storyline.enrich import enrich
from storyline.enrich.subjectivity import MODEL_PATH, label, subjectivity
from storyline.ingest import Reader
from storyline.model import Article
from storyline.summarize import summarize
from subjectivity_train import (
    FOLDS,
    LANGUAGES,
    design,
    fold,
    held_out,
    load,
    macro_f1,
    ngrams,
    out_of_fold,
    vectors,
    with_ngrams,
)

GENRES = ("report", "opinion", "analysis")
BASELINE_C = (0.3, 1.0, 3.0, 10.0)


def tfidf_baseline(train: list[dict], test: list[dict]) -> tuple[np.ndarray, float]:
    """Predicted SUBJ (0/1) for ``test`` by a char-n-gram TF-IDF logistic regression fitted on ``train``,
    and its CV macro-F1 on ``train`` at the C chosen there."""

    def fit(rows: list[dict], c: float) -> tuple[TfidfVectorizer, LogisticRegression]:
        vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
        x = vectoriser.fit_transform([r["text"] for r in rows])
        y = [r["label"] == "SUBJ" for r in rows]
        return vectoriser, LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(x, y)

    def cv(c: float) -> float:
        predicted, gold = [], []
        for f in range(FOLDS):
            inner = [r for r in train if fold(r["id"]) != f]
            outer = [r for r in train if fold(r["id"]) == f]
            vectoriser, model = fit(inner, c)
            predicted += list(model.predict(vectoriser.transform([r["text"] for r in outer])))
            gold += [r["label"] == "SUBJ" for r in outer]
        return float(f1_score(gold, predicted, average="macro"))

    scores = {c: cv(c) for c in BASELINE_C}
    c = max(scores, key=scores.__getitem__)
    vectoriser, model = fit(train, c)
    return model.predict(vectoriser.transform([r["text"] for r in test])).astype(int), scores[c]


def shipped_cv(train: list[dict], language: str) -> float:
    """Five-fold CV macro-F1 on ``train`` of the shipped model's settings for ``language``."""
    settings = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["models"][language]
    dense, y = design(train, tuple(settings["embedders"]))
    x = with_ngrams(dense, ngrams([r["text"] for r in train]), settings.get("ngram_scale", 0.0))
    p = out_of_fold(x, y, np.array([fold(r["id"]) for r in train]), settings["C"])
    return macro_f1(y, p, settings["thresholds"][language])


def subjectivity_table() -> tuple[str, dict[str, tuple[float, float]]]:
    rows = load()
    minilm = dict(zip([r["id"] for r in rows], vectors(rows, "minilm"), strict=True))
    results: dict[str, tuple[float, float]] = {}
    table = []
    for language in LANGUAGES:
        mine = [r for r in rows if r["language"] == language]
        train = [r for r in mine if not held_out(r["id"])]
        test = [r for r in mine if held_out(r["id"])]
        gold = np.array([r["label"] == "SUBJ" for r in test], dtype=int)
        p = subjectivity([r["text"] for r in test], language, np.vstack([minilm[r["id"]] for r in test]))
        ours = np.array([label(float(x), language) == "SUBJ" for x in p], dtype=int)
        base, cv_base = tfidf_baseline(train, test)
        f_ours = float(f1_score(gold, ours, average="macro"))
        f_base = float(f1_score(gold, base, average="macro"))
        results[language] = (f_ours, f_base)
        row = [language, len(train), len(test), f_ours, f_base, f"{f_ours - f_base:+.3f}"]
        table.append([*row, round(shipped_cv(train, language), 3), round(cv_base, 3)])
    header = [
        "language",
        "train",
        "held out",
        "macro-F1 storyline",
        "macro-F1 TF-IDF LR",
        "margin",
        "CV storyline",
        "CV TF-IDF LR",
    ]
    return markdown_table(header, table), results


def demo_articles() -> tuple[list[Article], dict[str, tuple[str, str]]]:
    """The demo's articles, enriched, and per article id its gold (event, genre)."""
    corpus = ROOT / "demo" / "corpus"
    with (ROOT / "demo" / "gold.csv").open(encoding="utf-8", newline="") as fh:
        gold = {row["origin"]: (row["event"], row["genre"]) for row in csv.DictReader(fh)}
    articles, truth = [], {}
    for item in Reader().read([corpus]):
        a = item.article
        if a is None:
            continue
        relative = item.origin.replace("\\", "/").rsplit("demo/corpus/", 1)[-1]
        key = f"{relative.split('#', 1)[0]}#{a.id}" if "#" in relative else relative
        if key in gold:
            articles.append(a)
            truth[a.id] = gold[key]
    enrich(articles)
    return articles, truth


def reference_pair() -> list[Article]:
    folder = SHARED / "samples" / "seed-pair"
    with (folder / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        manifest = list(csv.DictReader(fh))
    articles = [
        Article(
            id=row["file"],
            text=(folder / row["file"]).read_text(encoding="utf-8"),
            source=row["source"],
            language=row["language"],
        )
        for row in manifest
    ]
    enrich(articles)
    return articles


def views_in_summary(articles: list[Article]) -> list[str]:
    """Own-voice subjective sentences of the story's opinion pieces that its summary cites, when the story
    also has a report."""
    comparison = compare(articles)
    framing = {f["article_id"]: f for f in comparison.block["framing"]}
    if not any(f["genre"] == "report" for f in framing.values()):
        return []
    views = {(i, s) for i, f in framing.items() if f["genre"] == "opinion" for s in f["own_views"]}
    cited = {(c["article_id"], c["quote"]) for entry in summarize(comparison) for c in entry["citations"]}
    return sorted(q for _, q in cited & views)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--skip-subjectivity", action="store_true", help="only the genre and summary checks")
    parser.add_argument(
        "--record", action="store_true", help="append the run to bench/results.jsonl and update BENCHMARKS.md"
    )
    args = parser.parse_args()
    if args.record and args.skip_subjectivity:
        parser.error("--record needs the subjectivity figures")
    printed = io.StringIO()
    with redirect_stdout(printed):
        report(args.skip_subjectivity)
    print(printed.getvalue(), end="")
    if args.record:
        record("Framing: subjectivity and genre", "python bench/framing.py --record", printed.getvalue())


def report(skip_subjectivity: bool) -> None:
    """Print the three measures as Markdown."""
    if not skip_subjectivity:
        table, _ = subjectivity_table()
        print("## Subjectivity, held-out fifth\n\n" + table + "\n")

    articles, truth = demo_articles()
    by_id = {a.id: a for a in articles}
    predicted = {f["article_id"]: f["genre"] for a in articles for f in [compare([a]).block["framing"][0]]}
    gold_genres = [truth[i][1] for i in predicted]
    guessed = [predicted[i] for i in predicted]
    macro = f1_score(gold_genres, guessed, labels=list(GENRES), average="macro")
    right = sum(g == p for g, p in zip(gold_genres, guessed, strict=True))
    print(f"## Genre on demo/gold.csv\n\nmacro-F1 {macro:.3f} ({right}/{len(guessed)} right)\n")
    confusion = [
        [g] + [sum(1 for i in predicted if truth[i][1] == g and predicted[i] == p) for p in GENRES]
        for g in GENRES
    ]
    print(markdown_table(["gold \\ predicted", *GENRES], confusion) + "\n")
    for i in predicted:
        if predicted[i] != truth[i][1]:
            print(f"- {i}: gold {truth[i][1]}, predicted {predicted[i]} ({by_id[i].title})")

    pair = reference_pair()
    pair_framing = compare(pair).block["framing"]
    print("\n## Reference pair\n")
    for f, a in zip(pair_framing, pair, strict=True):
        print(f"- {a.source}: {f['genre']}; voices {f['quoted_sources']}")

    stories: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        stories[truth[a.id][0]].append(a)
    stories["reference pair"] = pair
    print("\n## Own views of opinion pieces in summaries of stories with a report\n")
    total = 0
    for name, members in sorted(stories.items()):
        leaked = views_in_summary(members)
        total += len(leaked)
        for quote in leaked:
            print(f"- {name}: {quote}")
    print(f"{total} own-view sentences of opinion pieces in {len(stories)} story summaries")


if __name__ == "__main__":
    main()
