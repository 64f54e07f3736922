"""The tables of the BENCHMARKS.md page, made from bench/results.jsonl.

    python bench/page.py    # rewrite every benchmark's table on the page from the latest recorded runs

Each benchmark has one table on the page, between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``:
per measure, storyline's figure, the baseline measured in the same run, and the target, then the
command, date, machine and commit of the run it comes from. ``record()`` in common.py calls
:func:`update` after appending a run, so the page always shows the newest one; the history stays in
results.jsonl. What each measure picks out of a run is written below, per benchmark.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

Entry = dict[str, Any]
Row = list[str]

HEADER = ["measure", "storyline", "baseline (same run)", "target"]
STORES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}  # a run's backend names as the page prints them


def rows_of(entry: Entry, table: int = 0) -> list[dict[str, Any]]:
    """One table of a run as dicts keyed by its header; bold markers stripped from the cells."""
    found = entry["tables"][table]
    clean = [[c.strip("*") if isinstance(c, str) else c for c in row] for row in found["rows"]]
    return [dict(zip(found["header"], row, strict=True)) for row in clean]


def column(row: dict[str, Any], prefix: str) -> Any:
    """The cell whose header starts with ``prefix`` (headers carry run settings, e.g. the batch size)."""
    return next(v for k, v in row.items() if k.startswith(prefix))


def pick(rows: list[dict[str, Any]], **match: str) -> dict[str, Any]:
    return next(r for r in rows if all(r[k] == v for k, v in match.items()))


def _cluster(entries: list[Entry]) -> tuple[list[Row], list[Entry]]:
    run = entries[-1]
    rows = rows_of(run)
    out = []
    for label in ("ECB+ dev", "Multi-News dev"):
        of_set = [r for r in rows if r["set"] == label]
        tuned = " · ".join(
            f"{r['system'].split(' (')[0]} {r['BCubed F1']:.3f}"
            for r in of_set
            if "(baseline" in r["system"] and "CV" not in r["system"]
        )
        batch = pick(of_set, system="storyline batch (tuned here)")["BCubed F1"]
        held = next(r for r in of_set if r["system"].startswith("storyline batch,"))
        folds = held["system"].split(", ", 1)[1]
        base = next((r for r in of_set if r["system"].startswith("TF-IDF") and "CV" in r["system"]), None)
        if label == "ECB+ dev":
            target = "≥ 0.95"
        else:
            target = f"≥ {base['BCubed F1'] + 0.03:.3f} (baseline + 0.03)" if base else "baseline + 0.03"
        held_base = f"TF-IDF average-link {base['BCubed F1']:.3f}" if base else tuned
        out.append([f"BCubed F1, {label}, tuned on it", f"{batch:.3f}", tuned, ""])
        out.append([f"BCubed F1, {label}, {folds}", f"{held['BCubed F1']:.3f}", held_base, target])
        agreement = next((r for r in of_set if r["system"].startswith("agreement")), None)
        unsettled = next((r for r in of_set if r["system"].startswith("unsettled streaming")), None)
        if agreement and "CV" in folds and base:
            out.append(
                [
                    f"streaming against batch, {label} (BCubed F1)",
                    f"{agreement['BCubed F1']:.3f}",
                    f"streaming without settling {unsettled['BCubed F1']:.3f}" if unsettled else "",
                    "≥ 0.95",
                ]
            )
    return out, [run]


def _cluster_scale(entries: list[Entry]) -> tuple[list[Row], list[Entry]]:
    run = entries[-1]
    big = max(rows_of(run), key=lambda r: r["stored articles"])
    n = f"{big['stored articles']:,}"
    none = "none measured"
    return [
        [f"p99 of one assignment, {n} stored", f"{big['p99 ms']:.2f} ms", none, "≤ 20 ms"],
        [f"articles/s in batches, {n} stored", f"{column(big, 'articles/s (batches'):,}", none, "≥ 2,000"],
        [
            "same-event articles among the candidates",
            column(big, "same-event articles"),
            none,
            "",
        ],
        ["memory per indexed article", f"{big['bytes per indexed article']:,} bytes", none, "≤ 2 KB"],
    ], [run]


def _compare(entries: list[Entry]) -> tuple[list[Row], list[Entry]]:
    """The held-out parts only: the hand-written stories and the perturbation set, newest run of each."""
    used, out = [], []
    for which, label in (("written", "hand-written"), ("perturbed", "perturbation set")):
        runs = [e for e in entries if e["command"].endswith(f"--set {which} --split heldout")]
        if not runs:
            continue
        run = runs[-1]
        rows, notes = rows_of(run), run["notes"][-1]
        ours, rules = pick(rows, measure="conflicts"), pick(rows, measure="conflicts, rules alone (baseline)")
        out.append(
            [
                f"conflicts F1, {label} ({ours['gold']} conflicts)",
                f"{ours['F1']:.3f} (P {ours['precision']:.3f}, R {ours['recall']:.3f})",
                f"rules alone {rules['F1']:.3f}",
                "≥ 0.90",
            ]
        )
        shared = pick(rows, measure="shared-fact pairs")
        anchored = pick(rows, measure="shared-fact pairs, anchor rule (baseline)")
        out.append(
            [
                f"shared-fact pairs P / R, {label} ({shared['gold']} pairs)",
                f"{shared['precision']:.3f} / {shared['recall']:.3f}",
                f"anchor rule {anchored['precision']:.3f} / {anchored['recall']:.3f}",
                "≥ 0.90 / ≥ 0.80",
            ]
        )
        if which == "written":
            typed = re.search(r"type right for (\d+%)", notes)
            false = re.search(r"([\d.]+) false conflicts per 10 stories", notes)
            twice = re.search(r"one fact twice: (\d+), carrying a conflict unflagged: (\d+)", notes)
            updates = pick(rows, measure="updates")
            out.append(["conflict type right, of those found", typed.group(1) if typed else "?", "", "≥ 90%"])
            out.append(["false conflicts per 10 stories", false.group(1) if false else "?", "", "≤ 1"])
            out.append(["updates F1", f"{updates['F1']:.3f}", "", ""])
            if twice:
                out.append(["summary sentence pairs stating one fact twice", twice.group(1), "", "0"])
                unflagged = "gold conflicts a summary carries on both sides, unflagged"
                out.append([unflagged, twice.group(2), "", "0"])
        used.append(run)
    return out, used


def _enrich(entries: list[Entry]) -> tuple[list[Row], list[Entry]]:
    run = entries[-1]
    speed = rows_of(run, 0)
    trade = rows_of(run, 1)[0]
    two = pick(speed, component="end to end, 2 worker processes")["articles/s"]
    one = pick(speed, component="end to end, 1 process")["articles/s"]
    full = next(r for r in speed if r["component"].startswith("entities, full NER"))["articles/s"]
    trimmed = next(r for r in speed if r["component"].startswith("entities, NER on"))["articles/s"]
    return [
        ["600-word English articles/s, 2 worker processes", f"{two:.1f}", "", "≥ 25"],
        ["600-word English articles/s, 1 process", f"{one:.1f}", "", ""],
        ["NER articles/s, sentences that may hold a name", f"{trimmed:.1f}", f"full NER {full:.1f}", ""],
        ["entities found, against full NER", f"{trade['recall']:.3f} recall", "", ""],
    ], [run]


def _framing(entries: list[Entry]) -> tuple[list[Row], list[Entry]]:
    run = entries[-1]
    by_language = {r["language"]: r for r in rows_of(run)}

    def cells(languages: tuple[str, ...]) -> tuple[str, str]:
        ours = " / ".join(
            f"{by_language[k]['macro-F1 storyline']:.3f} ({by_language[k]['CV storyline']:.3f})"
            for k in languages
        )
        base = " / ".join(
            f"{by_language[k]['macro-F1 TF-IDF LR']:.3f} ({by_language[k]['CV TF-IDF LR']:.3f})"
            for k in languages
        )
        return ours, base

    genre = _note(run, r"^macro-F1 ([\d.]+) \((\d+)/(\d+) right\)")
    views = _note(run, r"^(\d+) own-view sentences of opinion pieces in (\d+) story summaries")
    return [
        ["subjectivity macro-F1, held out (CV), en / de", *cells(("en", "de")), "≥ 0.75 / ≥ 0.68, > TF-IDF"],
        ["… it / bg / ar", *cells(("it", "bg", "ar")), "≥ 0.68, > TF-IDF"],
        [
            f"genre macro-F1, demo gold ({genre.group(3) if genre else '?'} articles) · own views in "
            f"summaries ({views.group(2) if views else '?'} stories)",
            f"{genre.group(1) if genre else '?'} · {views.group(1) if views else '?'}",
            "",
            "≥ 0.85 · 0",
        ],
    ], [run]


def _ingest(entries: list[Entry]) -> tuple[list[Row], list[Entry]]:
    run = entries[-1]
    rows = rows_of(run)
    reference = next(r for r in rows if "(reference)" in r["what"])["records/s"]
    out = []
    # The page shows two processes (what `storyline ingest` uses on many files); results.jsonl has one too.
    for r in rows:
        if r["what"].startswith("storyline") and r["workers"] == 2:
            what = r["what"].removeprefix("storyline ingest ").strip("()")
            base = f"trafilatura alone {reference:.0f}" if r["input"] == "HTML" else ""
            store = STORES.get(r.get("store", "sqlite"), r.get("store", "sqlite"))
            out.append([f"{r['input']} records/s into {store}, {what}", f"{r['records/s']:.0f}", base, ""])
    return out, [run]


def _note(run: Entry, pattern: str) -> re.Match[str] | None:
    """The first match of ``pattern`` among a run's notes."""
    return next((m for n in run["notes"] if (m := re.search(pattern, n))), None)


def _run(entries: list[Entry]) -> tuple[list[Row], list[Entry]]:
    out, used = [], []
    whole = [e for e in entries if "--incremental" not in e["command"]]
    if whole:
        run = whole[-1]
        used.append(run)
        facts = {r["measure"]: r["value"] for r in rows_of(run, 1)}
        for kind in ("JSONL", "HTML"):
            rate = _note(run, rf"^{kind} end to end: ([\d.]+) articles/s")
            if rate is None:
                continue
            ref = _note(run, rf"^{kind} reference \(same run\): ingest alone ([\d.]+) articles/s")
            peak = _note(
                run,
                rf"^{kind} peak memory: all processes at once (\d+) MB.*this process (\d+) MB.*"
                r"with this process: (\d+) MB",
            )
            base = f"ingest alone {float(ref.group(1)):.0f}" if ref else ""
            out.append([f"articles/s end to end, dev mix as {kind}", rate.group(1), base, "≥ 25"])
            # Wall time depends on what else the host runs; CPU time far less.
            cpu = _note(run, rf"^{kind} CPU: ([\d.]+) core-seconds, ([\d.]+) articles per core-second")
            if cpu:
                out.append(
                    [f"articles per core-second, {kind}", cpu.group(2), "", "≥ 12.5 (25/s on 2 cores)"]
                )
            if peak:
                out.append(
                    [
                        f"peak memory, {kind} (all processes at once · main process · upper bound)",
                        f"{peak.group(1)} MB · {peak.group(2)} MB · {peak.group(3)} MB",
                        "",
                        "≤ 2,048 MB",
                    ]
                )
        out.append(["BCubed P / R / F1 of the stories, dev mix", str(facts["BCubed P / R / F1"]), "", ""])
        out.append(
            [
                "conflicts · shared facts · summary sentences",
                f"{facts['conflicts']} · {facts['shared facts']} · {facts['summary sentences']}",
                "",
                "",
            ]
        )
    later = [e for e in entries if "--incremental" in e["command"]]
    if later:
        run = later[-1]
        used.append(run)
        took = _note(run, r"^incremental end to end: ([\d.]+) s")
        size = _note(run, r"^incremental: (\d+) articles added to a store of (\d+) \(([\d,]+) originals")
        ref = _note(run, r"ingest alone of the \d+ into an empty store ([\d.]+) s")
        if took and size:
            out.append(
                [
                    f"seconds to add {size.group(1)} articles to a {int(size.group(2)):,}-article store "
                    f"({size.group(3)} originals)",
                    f"{took.group(1)} s",
                    f"ingest alone {ref.group(1)} s" if ref else "",
                    "≤ 5 s",
                ]
            )
    return out, used


def _serve_load(entries: list[Entry]) -> tuple[list[Row], list[Entry]]:
    run = entries[-1]
    rows = rows_of(run)
    out = []
    for store in dict.fromkeys(r.get("store", "sqlite") for r in rows):
        of_store = [r for r in rows if r.get("store", "sqlite") == store]
        load = pick(of_store, run="load")
        alone = pick(of_store, run="one client (baseline)")
        clients, name = load["clients"], STORES.get(store, store)
        out += [
            [
                f"p99 latency, {clients} clients, {name}",
                f"{load['p99 ms']:.1f} ms",
                f"one client {alone['p99 ms']:.1f} ms",
                "≤ 300 ms",
            ],
            [f"errors, {clients} clients, {name}", str(load["errors"]), str(alone["errors"]), "0"],
        ]
    return out, [run]


def _spark(entries: list[Entry]) -> tuple[list[Row], list[Entry]]:
    run = entries[-1]
    rows = rows_of(run)
    local = next(r for r in rows if r["run"].startswith("local"))
    spark = [r for r in rows if r["run"].startswith("spark")]
    widest = spark[-1]  # the master with the most cores, as the acceptance line names it
    master = widest["run"].removeprefix("spark ")
    masters = " · ".join(r["run"].removeprefix("spark ") for r in spark)
    return [
        [
            f"BCubed agreement with one machine's stories, {master}",
            f"{float(widest['agreement with local']):.3f}",
            "",
            "≥ 0.99",
        ],
        [f"same summary, stories with the same articles, {master}", str(widest["same summary"]), "", "all"],
        [
            f"articles/s end to end, {masters}",
            " · ".join(f"{r['articles/s']:.1f}" for r in spark),
            f"one machine {local['articles/s']:.1f}",
            "",
        ],
    ], [run]


def _blocks(entries: list[Entry]) -> tuple[list[Row], list[Entry]]:
    run = entries[-1]
    rows = rows_of(run)
    one = pick(rows, run="one pass")
    blocked = [r for r in rows if r["run"].startswith("blocks")]
    widest = blocked[-1]  # Spark's run when there is one, else the local engine's processes
    where = widest["run"].removeprefix("blocks, ")
    return [
        [
            f"BCubed agreement, blocks on {where} vs one process",
            f"{float(widest['agreement with blocks']):.3f}",
            "",
            "≥ 0.99",
        ],
        [
            "BCubed F1 vs gold, blocks of a year",
            f"{float(widest['BCubed F1 vs gold']):.3f}",
            f"one pass {float(one['BCubed F1 vs gold']):.3f}",
            "",
        ],
        ["BCubed agreement, blocks vs one pass", f"{float(widest['agreement with one pass']):.3f}", "", ""],
        [
            "seconds to cluster, " + " · ".join(r["run"].removeprefix("blocks, ") for r in blocked),
            " · ".join(f"{float(r['seconds']):.1f}" for r in blocked),
            f"one pass {float(one['seconds']):.1f}",
            "",
        ],
    ], [run]


def _similarity(entries: list[Entry]) -> tuple[list[Row], list[Entry]]:
    run = entries[-1]
    rows = rows_of(run, 1)
    out = []
    for pair, label, target in (
        ("all", "all language pairs", "≥ 0.82"),
        ("en-en", "English pairs", "≥ 0.88"),
    ):
        r = pick(rows, **{"language pair": pair})
        base = f"TF-IDF {r['TF-IDF cosine']:.3f} · MiniLM {r['MiniLM cosine']:.3f}"
        out.append([f"overall Pearson, {label} (5-fold CV)", f"{r['storyline overall']:.3f}", base, target])
    return out, [run]


def _summarize(entries: list[Entry]) -> tuple[list[Row], list[Entry]]:
    run = entries[-1]
    rows = rows_of(run)
    out = []
    for half, label in (("held-out", "held-out half"), ("all", "all clusters")):
        ours = pick(rows, half=half, system="storyline")
        lexrank = pick(rows, half=half, system="LexRank")
        lead = pick(rows, half=half, system="lead")
        out.append(
            [
                f"ROUGE-1, {label} ({ours['clusters']})",
                f"{ours['ROUGE-1']:.2f} ({ours['R-1 vs LexRank']:+.2f})",
                f"LexRank {lexrank['ROUGE-1']:.2f} · lead {lead['ROUGE-1']:.2f}",
                "≥ +3 over LexRank",
            ]
        )
    exact = re.search(r"\(([\d.]+ %)\)", run["notes"][-1])
    out.append(
        ["summary sentences quoting their sources exactly", exact.group(1) if exact else "?", "", "100 %"]
    )
    return out, [run]


HEADLINES: dict[str, Callable[[list[Entry]], tuple[list[Row], list[Entry]]]] = {
    "blocks": _blocks,
    "cluster": _cluster,
    "cluster_scale": _cluster_scale,
    "compare": _compare,
    "enrich": _enrich,
    "framing": _framing,
    "ingest": _ingest,
    "run": _run,
    "serve_load": _serve_load,
    "similarity": _similarity,
    "spark": _spark,
    "summarize": _summarize,
}


def render(bench: str, entries: list[Entry]) -> str:
    """The page's table for one benchmark from its recorded runs (oldest first), and where it comes from."""
    rows, used = HEADLINES[bench]([e for e in entries if e["bench"] == bench])
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines.append("")
    for run in used:
        lines.append(f"`{run['command']}` · {run['date']} · {run['machine']} · commit {run['commit']}  ")
    return "\n".join(lines).rstrip()


def marked(bench: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- bench:{bench} -->).*?(<!-- /bench:{bench} -->)", re.S)


def update(page: Path, entries: list[Entry], only: str | None = None) -> None:
    """Rewrite the benchmarks' tables on the page (or only ``only``'s); a page without a benchmark's
    markers is left as it is for that benchmark."""
    text = page.read_text(encoding="utf-8")
    for bench in [only] if only else HEADLINES:
        if bench in HEADLINES and any(e["bench"] == bench for e in entries):
            text = marked(bench).sub(
                lambda m, b=bench: f"{m.group(1)}\n{render(b, entries)}\n{m.group(2)}", text
            )
    page.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    from common import BENCHMARKS, read_results

    update(BENCHMARKS, read_results())
