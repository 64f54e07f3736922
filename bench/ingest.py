"""Ingest throughput: HTML pages/s and JSONL records/s into a fresh store, SQLite and PostgreSQL, without NLP.

    python bench/ingest.py [--pages 1200] [--backends sqlite,postgresql] [--record]
    (--record appends the run to bench/results.jsonl and rewrites this benchmark's table in BENCHMARKS.md)

Inputs are built at run time from the article texts of ../shared/data (Multi-News and ECB+ dev): each text
becomes a news page with the furniture real pages carry (head metadata and scripts, a navigation menu, a
"most read" box, a footer with many links, a cookie notice) — about 14 KB of HTML, and a heavier variant of
about 60 KB with six times the scripts and menus, closer to what big news sites serve — and a JSONL record.
The furniture sits in <nav>, <aside> and <footer> elements, which ingest cuts before extraction; sites that
build menus from plain <div>s cost more per page than these.
Measured: read + extract (trafilatura) + metadata (page tags, htmldate) + language + exact and near-duplicate
detection + commit, with 1 and with 2 worker processes. On PostgreSQL the store is a database on a local
server this script starts (Debian's package, as the tests do: initdb and pg_ctl in a temporary folder),
reached over TCP on loopback; each run gets a new, empty database. As a reference in the same run:
trafilatura's bare extraction with its own full metadata on the same pages, one process.
"""

from __future__ import annotations

import argparse
import html
import json
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

import trafilatura

from common import DATA, markdown_table, postgres_server, read_jsonl, record
from storyline.ingest import Reader
from storyline.pipeline import ingest_paths
from storyline.store import open_store

NAV = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(40))
FOOTER = "".join(f'<a href="/about/{i}">About link {i}</a> ' for i in range(60))
SCRIPT = "<script>" + "window.dataLayer = window.dataLayer || [];" * 120 + "</script>"


def texts(limit: int) -> list[str]:
    found = []
    for name in ("multinews", "ecbplus"):
        for row in read_jsonl(DATA / name / "articles.dev.jsonl"):
            found.append(row["text"])
    return found[:limit]


def page(i: int, text: str, furniture: int = 1) -> str:
    nav, script = NAV * furniture, SCRIPT * furniture
    paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n") if p.strip())
    day = f"2019-{1 + i % 12:02d}-{1 + i % 28:02d}"
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Report {i} | The Bench Courier</title>{script}<meta property="og:title" content="Report {i}">
<meta property="og:site_name" content="The Bench Courier"><meta name="author" content="Staff {i % 17}">
<meta property="article:published_time" content="{day}T08:00:00Z">
<link rel="canonical" href="https://www.bench-courier.example/news/{day}/report-{i}"></head>
<body><header><nav><ul>{nav}</ul></nav></header><main><article><h1>Report {i}</h1>
<div class="byline">By Staff {i % 17}</div>{paragraphs}</article>
<aside><h2>Most read</h2><ul>{nav}</ul></aside></main>
<footer>{FOOTER}<p>We use cookies to improve your experience.</p></footer></body></html>"""


def timed_ingest(paths: list[Path], workers: int, db: Path | str) -> tuple[float, int]:
    with open_store(db) as store:
        start = time.perf_counter()
        result = ingest_paths(store, paths, reader=Reader(), workers=workers)
        elapsed = time.perf_counter() - start
    return elapsed, result.ingested + len(result.duplicates)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=1200, help="number of pages / records (max ~1260)")
    parser.add_argument(
        "--record", action="store_true", help="append the run to bench/results.jsonl and update BENCHMARKS.md"
    )
    parser.add_argument(
        "--backends",
        default="sqlite,postgresql",
        help="stores to ingest into, comma-separated [sqlite,postgresql]",
    )
    args = parser.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if unknown := set(backends) - {"sqlite", "postgresql"}:
        parser.error(f"unknown backend(s): {', '.join(sorted(unknown))} (choose from sqlite, postgresql)")
    corpus = texts(args.pages)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pages_dir, heavy_dir = root / "pages", root / "heavy"
        for folder, furniture in ((pages_dir, 1), (heavy_dir, 6)):
            folder.mkdir()
            for i, text in enumerate(corpus):
                (folder / f"report-{i:05d}.html").write_text(page(i, text, furniture), encoding="utf-8")
        jsonl = root / "records.jsonl"
        with jsonl.open("w", encoding="utf-8") as fh:
            for i, text in enumerate(corpus):
                fh.write(json.dumps({"id": f"r{i}", "text": text, "source": f"Outlet {i % 9}"}) + "\n")
        size = {
            d: sum(p.stat().st_size for p in d.iterdir()) / len(corpus) / 1024 for d in (pages_dir, heavy_dir)
        }

        raw = [p.read_text(encoding="utf-8") for p in sorted(pages_dir.iterdir())]
        start = time.perf_counter()
        for doc in raw:
            trafilatura.bare_extraction(doc, with_metadata=True, include_comments=False, include_tables=False)
        reference = len(raw) / (time.perf_counter() - start)
        rows.append(
            [
                "HTML",
                "none",
                "trafilatura bare_extraction + metadata only (reference)",
                1,
                len(raw),
                reference,
            ]
        )

        with postgres_server() if "postgresql" in backends else nullcontext() as server:
            for backend in backends:
                if backend == "postgresql" and server is None:
                    print("PostgreSQL is not installed (apt-get install postgresql): its rows are left out")
                    continue

                def new_db(name: str, backend: str = backend) -> Path | str:
                    return root / f"{name}.db" if backend == "sqlite" else server.new_database()

                for folder in (pages_dir, heavy_dir):
                    for workers in (1, 2):
                        elapsed, n = timed_ingest([folder], workers, new_db(f"{folder.name}-{workers}"))
                        what = f"storyline ingest ({size[folder]:.0f} KB pages)"
                        rows.append(["HTML", backend, what, workers, n, n / elapsed])
                for workers in (1, 2):
                    elapsed, n = timed_ingest([jsonl], workers, new_db(f"jsonl-{workers}"))
                    rows.append(
                        ["JSONL", backend, "storyline ingest (language detected)", workers, n, n / elapsed]
                    )
    table = markdown_table(["input", "store", "what", "workers", "records", "records/s"], rows)
    print(table)
    if args.record:
        record(
            "Ingest throughput (bench/ingest.py)",
            f"python bench/ingest.py --pages {args.pages} --backends {','.join(backends)} --record",
            table,
        )


if __name__ == "__main__":
    main()
