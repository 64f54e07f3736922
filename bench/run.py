"""The main job end to end: ``storyline run`` on the dev mix of ../shared/data, stage by stage.

    python bench/run.py [--limit 1260] [--html] [--record]
    python bench/run.py --incremental 10000 [--add 10]
    (--record appends the run to bench/results.jsonl and rewrites this benchmark's table in BENCHMARKS.md)

Input: the ECB+ and Multi-News dev articles (about 1,260) as one JSON Lines file, the records as the data
holds them (id, text, and title, url, published where given), written to a temporary folder; ``--html``
also runs them as news pages (the pages bench/ingest.py builds). The job is the one ``storyline run``
does (``pipeline.run_job``: ingest, enrich, cluster, sentence vectors, compare, summarise, storylines,
report) into a fresh SQLite store, in this process with its worker processes, on every core.

Printed: per stage its items, wall seconds, CPU seconds (this process and its workers), rate and the
high-water memory of the process that ran it at its end; stages that run in worker processes (vectors,
compare, summarise) are summed over the workers. Peak memory is the most that all of the job's processes
held at once (their RSS summed, which counts a shared library once per process, sampled:
:class:`TreeMemory`; a spike shorter than a sample can be missed; their PSS summed beside it, which
splits shared pages, also with processes outside the job), and beside it the high-water marks of
this process and of the largest story-building worker (ru_maxrss, each its own) with their sum if every
worker peaked together with this process (an upper bound). The same-run reference is ingest alone (the
first stage, into another fresh store). Quality in the same block, so that a speed-up that changes results
shows: BCubed F1 of the stories against the gold events (articles the ingest found duplicates of another
sit in their original's story), conflicts, shared facts and summary sentences.

``--incremental N`` measures a later run instead: a store of N articles made once from the dev texts
(each text under a new id; later copies of a text keep a random 3/5 of its sentences, so that most are
originals ingest stores as such, and are dated a year apart so that copies never share a story) is
cached in .bench-cache (a whole-mix run leaves its store there, which serves N = its size); a copy of
it then gets ``--add`` new articles (English texts of the SemEval pairs, which the mix does not hold)
by ``storyline run`` into the folder where the store's reports were written before (as a later run
finds it), timed end to end and per stage.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from common import CACHE, DATA, markdown_table, read_jsonl, record
from storyline.stages import Stages, cpu_seconds

# The pipeline, bench/cluster.py and bench/ingest.py are imported where used, not here: worker processes
# are spawned and re-import this module, and would pay for them before their first article.

SETS = ("ecbplus", "multinews")
ORDER = ["ingest", "enrich", "cluster", "vectors", "compare", "summarise", "storylines", "report"]
HEADER = ["stage", "items", "seconds", "core-seconds", "items/s", "share", "peak MB"]
TARGET_RATE = 25.0
TARGET_PEAK_MB = 2048
# Seconds between two samples of the memory of the job's processes.
SAMPLE_S = 0.1
# The share of a text's sentences a later copy keeps in the --incremental store.
KEEP = 0.6


def records(limit: int | None = None) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The dev records of both sets and the gold event of each id (the sets' ids do not overlap)."""
    rows, gold = [], {}
    for name in SETS:
        # A limit takes the first records of each set alike (ECB+ lists its records topic by topic).
        rows += list(read_jsonl(DATA / name / "articles.dev.jsonl"))[: limit // len(SETS) if limit else None]
        gold |= {g["id"]: f"{name}:{g['event']}" for g in read_jsonl(DATA / name / "gold.dev.jsonl")}
    return rows, {r["id"]: gold[r["id"]] for r in rows}


def write_jsonl(rows: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


class TreeMemory(threading.Thread):
    """The highest memory this process and all its descendants (worker processes) held at once: their
    proportional set sizes (PSS, shared pages split between the processes that share them, so a library
    mapped by every worker counts once) summed, sampled every :data:`SAMPLE_S` seconds while running."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_mb = 0.0  # PSS summed
        self.peak_rss_mb = 0.0  # RSS summed: shared pages counted in every process that maps them
        self.stopped = threading.Event()

    @staticmethod
    def _tree() -> list[int]:
        parent: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    # The field after the parenthesised command name, which may hold spaces.
                    parent[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
        tree, todo = [], [os.getpid()]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += [child for child, up in parent.items() if up == pid]
        return tree

    @staticmethod
    def _sizes_kb(pid: int) -> tuple[int, int]:
        """(PSS, RSS) of a process in kB; nothing for one gone meanwhile."""
        found = {}
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                name, _, rest = line.partition(":")
                if name in ("Pss", "Rss"):
                    found[name] = int(rest.split()[0])
        except (OSError, ValueError, IndexError):
            pass
        return found.get("Pss", 0), found.get("Rss", 0)

    def run(self) -> None:
        while not self.stopped.wait(SAMPLE_S):
            sizes = [self._sizes_kb(pid) for pid in self._tree()]
            self.peak_mb = max(self.peak_mb, sum(p for p, _ in sizes) / 1024)
            self.peak_rss_mb = max(self.peak_rss_mb, sum(r for _, r in sizes) / 1024)

    def stop(self) -> tuple[float, float]:
        """The peaks (PSS summed, RSS summed) in MB."""
        self.stopped.set()
        self.join()
        return self.peak_mb, self.peak_rss_mb


def peak_mb(stages: Stages) -> tuple[float, float]:
    """High-water resident memory of this process and of the largest story-building worker, in MB (the
    workers report their own, ``stages.peak_mb``; enrichment workers report nothing and are not in it)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = max((stages.stages[n].peak_mb for n in ("vectors", "compare") if n in stages.stages), default=0)
    return own, worker


def quality(doc: dict[str, Any], gold: dict[str, str]) -> dict[str, Any]:
    from cluster import bcubed

    story_of = {a["id"]: n for n, s in enumerate(doc["stories"]) for a in s["articles"]}
    for dup in doc["ingest"]["duplicates"]:
        if dup.get("duplicate_of") in story_of:
            story_of[dup["id"]] = story_of[dup["duplicate_of"]]
    scored = {i: story_of[i] for i in gold if i in story_of}
    p, r, f1 = bcubed(scored, gold)
    stories = doc["stories"]
    return {
        "articles placed": f"{len(scored)} of {len(gold)}",
        "stories": len(stories),
        "BCubed P / R / F1": f"{p:.3f} / {r:.3f} / {f1:.3f}",
        "conflicts": sum(len(s["conflicts"]) for s in stories),
        "updates": sum(len(s.get("updates", [])) for s in stories),
        "shared facts": sum(len(s["shared"]) for s in stories),
        "unique facts": sum(len(s["unique"]) for s in stories),
        "summary sentences": sum(len(s["summary"]) for s in stories),
        "summary citations": sum(len(x["citations"]) for s in stories for x in s["summary"]),
    }


def stage_rows(stages: Stages, total: float, cpu: float, articles: int) -> list[list[Any]]:
    names = [n for n in ORDER if n in stages.stages] + [n for n in stages.stages if n not in ORDER]
    rows = []
    for name in names:
        stage = stages.stages[name]
        rate = f"{stage.rate:,.1f}" if stage.rate else ""
        share = f"{100 * stage.seconds / total:.0f} %"
        peak = f"{stage.peak_mb:.0f}"
        rows.append([name, stage.items, f"{stage.seconds:.2f}", f"{stage.cpu:.2f}", rate, share, peak])
    rate = f"**{articles / total:.1f}**"
    rows.append(["**end to end**", articles, f"{total:.2f}", f"{cpu:.2f}", rate, "100 %", ""])
    return rows


def timed_run(
    inputs: list[Path], out: Path, db: Path
) -> tuple[float, float, Stages, dict[str, Any], tuple[float, float]]:
    """Wall seconds, CPU seconds (this process and its workers), the stages, the stories document and
    the peak memory of all the job's processes at once (MB, :class:`TreeMemory`)."""
    from storyline.ingest import Reader
    from storyline.pipeline import run_job
    from storyline.store import open_store

    stages = Stages()
    memory = TreeMemory()
    memory.start()
    with open_store(db) as store:
        start, cpu = time.perf_counter(), cpu_seconds()
        run_job(store, inputs, out, reader=Reader(), stages=stages)
        elapsed, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    peak = memory.stop()
    return elapsed, cpu, stages, json.loads((out / "stories.json").read_text(encoding="utf-8")), peak


def leave_reports(db: Path, out: Path) -> None:
    """The reports (and their kept parts) a previous run into ``out`` left: a later run writes there.
    Written by ``storyline report`` in a process of its own, so that this one starts as a later run's."""
    command = [sys.executable, "-m", "storyline", "report", "--out", str(out), "--db", str(db)]
    subprocess.run(command, check=True, capture_output=True)


def timed_ingest(inputs: list[Path], db: Path) -> tuple[float, int]:
    from storyline.ingest import Reader
    from storyline.pipeline import ingest_paths
    from storyline.store import open_store

    with open_store(db) as store:
        start = time.perf_counter()
        result = ingest_paths(store, inputs, reader=Reader(), workers=0)
        elapsed = time.perf_counter() - start
    return elapsed, result.ingested + len(result.duplicates)


def end_to_end(args: argparse.Namespace) -> str:
    rows, gold = records(args.limit)
    blocks = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        jsonl = root / "dev-mix.jsonl"
        write_jsonl(rows, jsonl)
        inputs = {"JSONL": [jsonl]}
        if args.html:
            from ingest import page

            pages = root / "pages"
            pages.mkdir()
            for i, row in enumerate(rows):
                (pages / f"report-{i:05d}.html").write_text(page(i, row["text"]), encoding="utf-8")
            inputs["HTML"] = [pages]
        results = {}
        for kind, paths in inputs.items():
            elapsed, cpu, stages, doc, tree = timed_run(paths, root / f"out-{kind}", root / f"run-{kind}.db")
            own, child = peak_mb(stages)
            results[kind] = (elapsed, cpu, stages, doc, own, child, tree)
        # The store of the whole mix serves --incremental of its size.
        if not args.limit:
            CACHE.mkdir(exist_ok=True)
            shutil.copy(root / "run-JSONL.db", cached_store(len(rows)))
        reference = {kind: timed_ingest(paths, root / f"ingest-{kind}.db") for kind, paths in inputs.items()}
    for kind, (elapsed, cpu, stages, doc, own, child, tree) in results.items():
        n = len(rows)
        ref_s, ref_n = reference[kind]
        table = markdown_table(HEADER, stage_rows(stages, elapsed, cpu, n))
        workers = os.cpu_count() or 1
        facts = quality(doc, gold) if kind == "JSONL" else {"stories": len(doc["stories"])}
        quality_table = markdown_table(["measure", "value"], [[k, v] for k, v in facts.items()])
        blocks.append(
            f"{kind}: {n} dev articles (ECB+ + Multi-News), `storyline run` end to end on {workers} cores\n\n"
            f"{table}\n\n"
            f"{kind} reference (same run): ingest alone {ref_n / ref_s:.1f} articles/s ({ref_s:.2f} s)\n"
            f"{kind} peak memory: all processes at once {tree[1]:.0f} MB (RSS summed, sampled every "
            f"{SAMPLE_S} s; target ≤ {TARGET_PEAK_MB} MB; PSS summed {tree[0]:.0f} MB); "
            f"this process {own:.0f} MB, largest story-building "
            f"worker {child:.0f} MB (their sum if every worker peaked with this process: "
            f"{own + workers * child:.0f} MB)\n"
            f"{kind} end to end: {n / elapsed:.1f} articles/s (target ≥ {TARGET_RATE:.0f})\n"
            f"{kind} CPU: {cpu:.1f} core-seconds, {n / cpu:.1f} articles per core-second "
            f"(on {workers} cores with nothing else running, at best {workers * n / cpu:.1f} articles/s; "
            f"load average {os.getloadavg()[0]:.1f} at the end)\n\n"
            f"{quality_table}"
        )
    return "\n\n".join(blocks)


def copies(rows: list[dict[str, Any]], size: int) -> list[dict[str, Any]]:
    """``size`` records made from the dev texts, each an original of its own: copy 0 of a text is the
    text; copy c > 0 keeps a random ``KEEP`` share of its sentences (seeded by text and copy, never all of
    them) and is dated c years after the first (or after 2000-01-01 for an undated text), so that most
    copies are new texts to ingest rather than near duplicates, and clustering keeps copies apart."""
    from storyline.enrich.sentences import split_sentences

    out = []
    for n in range(size):
        c, row = divmod(n, len(rows))
        text = rows[row]["text"]
        if c:
            spans = split_sentences(text)
            rng = random.Random(f"{row}:{c}")
            keep = min(len(spans) - 1, max(1, round(KEEP * len(spans))))
            chosen = sorted(rng.sample(range(len(spans)), keep)) if len(spans) > 1 else [0]
            text = " ".join(text[spans[i].start : spans[i].end].strip() for i in chosen)
        base = rows[row].get("published") or "2000-01-01"
        year = int(base[:4]) + c
        out.append(
            {
                **rows[row],
                "id": f"{rows[row]['id']}~{c}",
                "text": text,
                "published": f"{year:04d}{base[4:10]}",
            }
        )
    return out


def cached_store(size: int) -> Path:
    return CACHE / f"run-store-{size}-distinct.db"


def newcomers(count: int) -> list[dict[str, Any]]:
    """``count`` English news texts the dev mix does not hold (the first texts of SemEval's English pairs):
    new originals, not copies ingest would link to a stored text."""
    found = []
    for pair in read_jsonl(DATA / "semeval8" / "pairs.dev.jsonl"):
        if pair["lang1"] == "en" and len(found) < count:
            found.append(
                {"id": f"semeval-{pair['pair_id']}", "text": pair["text1"], "published": "2020-04-01"}
            )
    return found


def store_size(db: Path) -> tuple[int, int]:
    """The originals (articles no duplicate of another) and stories of a store."""
    from storyline.store import open_store

    with open_store(db) as store:
        originals = sum(1 for _, _, copy_of in store.catalogue() if copy_of is None)
        return originals, len(store.stories())


def incremental(args: argparse.Namespace) -> str:
    rows, _ = records()
    base, added = copies(rows, args.incremental), newcomers(args.add)
    cached = cached_store(args.incremental)
    CACHE.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build_s = None
        if not cached.is_file():
            write_jsonl(base, root / "base.jsonl")
            build_s, _, _, _, _ = timed_run([root / "base.jsonl"], root / "base-out", root / "base.db")
            shutil.copy(root / "base.db", cached)
        db = root / "store.db"
        shutil.copy(cached, db)
        originals, stories = store_size(db)
        write_jsonl(added, root / "added.jsonl")
        leave_reports(db, root / "out")
        elapsed, cpu, stages, doc, tree = timed_run([root / "added.jsonl"], root / "out", db)
        ref_s, _ = timed_ingest([root / "added.jsonl"], root / "ingest-only.db")
    table = markdown_table(HEADER, stage_rows(stages, elapsed, cpu, len(added)))
    built = "cached" if build_s is None else f"built in {build_s:.0f} s"
    return (
        f"incremental: {len(added)} articles added to a store of {len(base)} ({originals:,} originals, "
        f"{stories:,} stories; {built}), `storyline run` end to end\n\n{table}\n\n"
        f"incremental reference (same run): ingest alone of the {len(added)} into an empty store "
        f"{ref_s:.2f} s\n"
        f"incremental end to end: {elapsed:.2f} s (target ≤ 5 s), {cpu:.2f} core-seconds; "
        f"peak memory of all processes at once {tree[1]:.0f} MB (RSS summed); "
        f"stories now {len(doc['stories'])}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N/2 records of each set")
    parser.add_argument("--html", action="store_true", help="also run the records as HTML pages")
    parser.add_argument("--incremental", type=int, default=0, help="store size for the incremental run")
    parser.add_argument("--add", type=int, default=10, help="articles the incremental run adds")
    parser.add_argument(
        "--record", action="store_true", help="append the run to bench/results.jsonl and update BENCHMARKS.md"
    )
    args = parser.parse_args()
    text = incremental(args) if args.incremental else end_to_end(args)
    print(text)
    if args.record:
        command = "python " + " ".join(["bench/run.py", *sys.argv[1:]])
        record("End to end (bench/run.py)", command, text)


if __name__ == "__main__":
    main()
