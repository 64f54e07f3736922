"""The ``storyline`` command line.

Exit codes: 0 success (rejected records are reported, not fatal), 1 failure (or a rejected record
under ``--strict``), 2 bad usage.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from storyline import pipeline
from storyline.cluster import cluster_articles, story_id
from storyline.cluster.storylines import thread_ids
from storyline.compare import compare as compare_story
from storyline.compare.claims import sentence_claims
from storyline.contract import Comparison, Conflict, StoriesDocument
from storyline.contract import Story as StoryModel
from storyline.engine import Engine, LocalEngine
from storyline.enrich import enrich
from storyline.enrich.annotate import annotate, story_entities
from storyline.enrich.subjectivity import SubjectivityError
from storyline.enrich.subjectivity import label as subjectivity_label
from storyline.enrich.subjectivity import subjectivity as sentence_subjectivity
from storyline.ingest import Ingestor, IngestResult, Reader
from storyline.ingest.encoding import decode_bytes
from storyline.ingest.language import detect_language
from storyline.ingest.readers import DEFAULT_MAX_BYTES, DEFAULT_MAX_HTML_BYTES, record_from_json
from storyline.ingest.records import without_lone_surrogates
from storyline.model import Article
from storyline.render.story import story_span
from storyline.report import render_story_markdown
from storyline.report.parts import StoryPart
from storyline.similarity import DIMENSIONS, Explanation, score_pairs
from storyline.stages import Stages
from storyline.store import Store, StoreError, database_errors, is_url, open_store, redact
from storyline.store import exists as store_exists
from storyline.summarize import DEFAULT_MAX_WORDS
from storyline.summarize import summarize as summarize_comparison

app = typer.Typer(
    name="storyline",
    help="Turn news articles from many outlets into stories: which articles cover the same event, what the "
    "sources agree on, where they differ, how each frames it, and a summary citing its sources. Offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)
out = Console()

# A file path (SQLite) or a server URL (postgresql://user@host:port/db): a string, since a Path would
# fold the URL's '//'.
DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="STORYLINE_DB",
        help="SQLite database file (created if missing) or postgresql://user@host:port/db.",
    ),
]
# Commands that only read a database: a mistyped path is an error, not a new empty database.
ExistingDbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="STORYLINE_DB",
        help="SQLite database file (made by `ingest` or `run`) or postgresql://user@host:port/db.",
    ),
]
StrictOption = Annotated[bool, typer.Option("--strict", help="Exit 1 if any input record is rejected.")]
MaxBytesOption = Annotated[
    int, typer.Option("--max-bytes", help="Reject files (and archive members) larger than this.", min=1)
]
MaxHtmlOption = Annotated[
    int,
    typer.Option("--max-html-bytes", help="Reject HTML pages larger than this (extraction is slow).", min=1),
]
WorkersOption = Annotated[
    int,
    typer.Option("--workers", help="Processes that parse files; 0 = one per core for large inputs.", min=0),
]
InputOption = Annotated[
    Path,
    typer.Option("--input", "-i", help="JSON Lines input file.", exists=True, dir_okay=False, readable=True),
]
OutputOption = Annotated[
    Path, typer.Option("--output", "-o", help="Output file (JSON Lines unless stated).", dir_okay=False)
]
DEFAULT_DB = "storyline.db"


class Failure(Exception):
    """An error the user can act on; printed without a traceback, exit 1."""


def _progress_shown() -> bool:
    return err.is_terminal or "STORYLINE_PROGRESS" in os.environ


class RateColumn(ProgressColumn):
    """Items a second of a stage so far (its items done over its time)."""

    def render(self, task: Task) -> Text:
        elapsed = task.finished_time if task.finished else task.elapsed
        if not elapsed or not task.completed:
            return Text("")
        return Text(f"{task.completed / elapsed:,.1f}/s", style="progress.data.speed")


def _stages_table(stages: Stages) -> Table:
    table = Table(title="Stages", box=box.SIMPLE_HEAD)
    for column in ("stage", "items", "seconds", "items/s"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for name, stage in stages.stages.items():
        rate = stage.rate
        table.add_row(name, str(stage.items), f"{stage.seconds:.2f}", "" if rate is None else f"{rate:,.1f}")
    return table


@contextmanager
def progress_bars() -> Iterator[pipeline.ProgressFactory]:
    progress = Progress(
        TextColumn("{task.description:<18}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=not _progress_shown(),
    )

    def factory(description: str, total: int) -> pipeline.Advance:
        task = progress.add_task(description, total=total)
        return lambda n: progress.advance(task, n)

    with progress:
        yield factory


def _open_existing(db: str) -> Store:
    if not store_exists(db):
        raise Failure(
            f"no database at {db}: `storyline ingest PATH... --db {db}` or `storyline run` makes one"
        )
    return _open_store(db)


def _open_store(db: str | Path) -> Store:
    if not is_url(db) and Path(db).is_dir():
        raise Failure(f"--db {db} is a folder; name a database file in it")
    try:
        return open_store(db)
    except StoreError as exc:
        raise Failure(str(exc)) from exc
    except database_errors() as exc:  # not SQLite at all, or a damaged header
        raise Failure(f"cannot open database {db}: {exc}") from exc


class EngineName(StrEnum):
    local = "local"
    spark = "spark"


@contextmanager
def _engine(name: EngineName, master: str, workers: int, stages: Stages | None = None) -> Iterator[Engine]:
    if name is EngineName.local:
        yield LocalEngine(workers, stages)
        return
    from storyline.spark import SparkEngine, SparkUnavailable

    try:
        spark = SparkEngine(master)
    except SparkUnavailable as exc:
        raise Failure(str(exc)) from exc
    with spark:
        yield spark


def _ingest_table(result: IngestResult) -> Table:
    table = Table(title="Ingest", show_header=True)
    for column in ("ingested", "duplicates", "rejected", "warnings"):
        table.add_column(column, justify="right")
    warned = sum(bool(e.warnings) for e in result.entries)
    table.add_row(str(result.ingested), str(len(result.duplicates)), str(len(result.rejected)), str(warned))
    return table


def _report_rejects(result: IngestResult, limit: int = 10) -> None:
    for entry in result.rejected[:limit]:
        err.print(f"[yellow]rejected[/] {entry.input}: {entry.reason}", highlight=False)
    if len(result.rejected) > limit:
        err.print(f"… and {len(result.rejected) - limit} more (see `storyline rejects`)")


# A story as storyline's tables list it: id, title, articles, sources, (first, last) date, conflicts.
StoryRow = tuple[str, str, int, int, "tuple[str, str] | None", int]


def _doc_rows(doc: StoriesDocument) -> list[StoryRow]:
    return [
        (s.id, s.title, len(s.articles), s.source_count, story_span(s), len(s.conflicts)) for s in doc.stories
    ]


def _part_rows(parts: list[StoryPart]) -> list[StoryRow]:
    return [(p.id, p.title, p.articles, p.source_count, p.span, p.conflicts) for p in parts]


def _stories_table(rows: list[StoryRow]) -> Table:
    table = Table(title=f"Stories ({len(rows)})", box=box.SIMPLE_HEAD, expand=True)
    table.add_column("id", no_wrap=True, min_width=12)
    table.add_column("title", overflow="ellipsis", no_wrap=True, ratio=1)
    table.add_column("arts", justify="right", min_width=4)
    table.add_column("srcs", justify="right", min_width=4)
    table.add_column("dates", no_wrap=True, min_width=14)
    table.add_column("confl", justify="right", min_width=5)
    for sid, title, articles, sources, span, conflicts in rows:
        if span is None:
            dates = "—"
        elif span[0] == span[1]:
            dates = span[0]
        else:
            dates = f"{span[0]} +{(date.fromisoformat(span[1]) - date.fromisoformat(span[0])).days}d"
        table.add_row(sid, title, str(articles), str(sources), dates, str(conflicts))
    return table


def _check_paths(paths: list[Path]) -> None:
    """A path that does not exist is a typo on the command line, not a bad record: usage error."""
    missing = [str(p) for p in paths if str(p) != "-" and not p.exists()]
    if missing:
        raise typer.BadParameter(f"no such file or directory: {', '.join(missing)}", param_hint="PATHS")


def _check_strict(result: IngestResult, strict: bool) -> None:
    if strict and result.rejected:
        raise Failure(f"{len(result.rejected)} input record(s) rejected (--strict)")


@app.command()
def run(
    paths: Annotated[list[Path], typer.Argument(help="Files, folders (recursively) or '-' for stdin.")],
    out_dir: Annotated[
        Path,
        typer.Option("--out", "-o", help="Folder for stories.json, report.html, report.md.", file_okay=False),
    ],
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="STORYLINE_DB",
            help="Database file or postgresql://user@host:port/db (default: OUT/storyline.db).",
        ),
    ] = None,
    max_words: Annotated[int, typer.Option(help="Words per story summary.", min=10)] = DEFAULT_MAX_WORDS,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    max_html_bytes: MaxHtmlOption = DEFAULT_MAX_HTML_BYTES,
    workers: WorkersOption = 0,
    strict: StrictOption = False,
    engine: Annotated[
        EngineName,
        typer.Option(
            help="Where parsing, enrichment and story building run: 'local' (processes on this machine) "
            "or 'spark' (Apache Spark; needs pip install 'storyline[spark]').",
        ),
    ] = EngineName.local,
    master: Annotated[
        str,
        typer.Option(
            help="With --engine spark: the Spark master, e.g. local[4], spark://host:7077, yarn, k8s://...",
        ),
    ] = "local[*]",
) -> None:
    """Read the articles in PATHS, group them into stories, compare the sources, summarise each story, and
    write stories.json, report.html and report.md (with --engine spark also Parquet tables in OUT/tables)."""
    _check_paths(paths)
    reader = Reader(max_bytes=max_bytes, max_html_bytes=max_html_bytes)
    stages = Stages()
    with (
        _engine(engine, master, workers, stages) as runner,
        _open_store(db or out_dir / "storyline.db") as store,
        progress_bars() as progress,
    ):
        result, parts, files = pipeline.run_job(
            store, paths, out_dir, progress, reader, max_words, runner, stages
        )
        if engine is EngineName.spark:
            from storyline.export import export as export_tables  # pyarrow: loaded only when asked for

            export_tables(store, "parquet", out_dir / "tables")
    if _progress_shown():
        err.print(_stages_table(stages))
    out.print(_stories_table(_part_rows(parts)))
    out.print(_ingest_table(result))
    _report_rejects(result)
    out.print("Wrote " + ", ".join(str(f) for f in files), highlight=False)
    _check_strict(result, strict)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files, folders (recursively) or '-' for stdin.")],
    db: DbOption = DEFAULT_DB,
    skip_stories: Annotated[
        bool,
        typer.Option(
            "--skip-stories",
            help="Only load the articles; stories are rebuilt by the next run or "
            "ingest without this flag (for bulk loads in several steps).",
        ),
    ] = False,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    max_html_bytes: MaxHtmlOption = DEFAULT_MAX_HTML_BYTES,
    workers: WorkersOption = 0,
    strict: StrictOption = False,
) -> None:
    """Add articles to the database and update the stories (a text already stored is not stored twice)."""
    _check_paths(paths)
    reader = Reader(max_bytes=max_bytes, max_html_bytes=max_html_bytes)
    with _open_store(db) as store, progress_bars() as progress:
        result = pipeline.ingest_paths(store, paths, progress, reader=reader, workers=workers)
        # Not only after new articles: a run killed before its stories were saved left them stale.
        if not skip_stories and store.stale():
            pipeline.update_stories(store, progress)
    out.print(_ingest_table(result))
    _report_rejects(result)
    _check_strict(result, strict)


@app.command()
def rejects(db: ExistingDbOption = DEFAULT_DB) -> None:
    """List the records the last ingest rejected, with the reason for each."""
    with _open_existing(db) as store:
        entries = [e for e in store.ledger() if e.status == "rejected"]
    table = Table(title=f"Rejected ({len(entries)})")
    table.add_column("input")
    table.add_column("reason")
    for entry in entries:
        table.add_row(entry.input, entry.reason or "")
    out.print(table)


@app.command()
def stories(db: ExistingDbOption = DEFAULT_DB) -> None:
    """List the stories in the database."""
    with _open_existing(db) as store:
        doc = pipeline.stories_model(store)
    out.print(_stories_table(_doc_rows(doc)))


@app.command()
def show(
    item: Annotated[str, typer.Argument(help="A story id (from `storyline stories`) or an article id.")],
    db: ExistingDbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a readable view.")] = False,
) -> None:
    """Show one story (summary, shared facts, conflicts, framing) or one article."""
    with _open_existing(db) as store:
        story = store.story(item)
        if story is not None:
            articles = {a.id: a for a in store.articles(story.article_ids)}
            shown = StoryModel.model_validate(story.to_dict(articles))
            if as_json:
                out.print_json(shown.model_dump_json())
            else:
                out.print(Markdown(render_story_markdown(shown)))
            return
        article = store.article(item)
        if article is None:
            raise Failure(f"no story or article with id '{item}' in {db}")
        store.load_mentions([article])
    # What comparison reads of each sentence (storyline.compare.claims).
    claims = [
        {"sentence": c.sentence, "quote": c.text, "values": [v.describe() for v in c.values]}
        for c in sentence_claims([article])[0]
        if c.values
    ]
    if as_json:
        data = {
            **article.summary(),
            "mentions": [
                {"kind": m.kind, "text": m.text, "label": m.label, "value": m.value, "key": m.key}
                for m in article.mentions
            ],
            "origin": article.origin,
            "author": article.author,
            "duplicate_of": article.duplicate_of,
            "words": article.word_count,
            "sentences": len(article.sentences),
            "text": article.text,
            "claims": claims,
        }
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    out.print(
        f"[bold]{article.title}[/] — {article.source or '?'}, {article.published or 'undated'}, "
        f"{article.language or '?'}, {article.word_count} words"
        + (f", by {article.author}" if article.author else "")
    )
    out.print(article.text, highlight=False)
    for kind in ("entity", "time", "quantity", "number", "quote"):
        found = [m for m in article.mentions if m.kind == kind]
        if found:
            out.print(f"\n[bold]{kind}s[/] ({len(found)})")
            for m in found:
                detail = " · ".join(str(v) for v in (m.label, m.value, m.key) if v)
                out.print(f"  {m.text[:100]}  [dim]{detail}[/]", highlight=False)
    if claims:
        out.print(f"\n[bold]claims by sentence[/] ({len(claims)})")
    for claim in claims:
        out.print(f"  {claim['sentence']}: {claim['quote'][:100]}", highlight=False)
        for v in claim["values"]:
            detail = " · ".join(f"{k} {v[k]}" for k in v if k not in ("kind", "text"))
            out.print(f"      {v['kind']}: {v['text']}  [dim]{detail}[/]", highlight=False)


@app.command()
def entities(
    story: Annotated[str | None, typer.Argument(help="A story id; all stories when left out.")] = None,
    db: ExistingDbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option(help="Rows per story.", min=1)] = 15,
) -> None:
    """Who and what each story is about: entities with their aliases merged across articles, and how many
    sources name each."""
    with _open_existing(db) as store:
        chosen = [store.story(story)] if story else store.stories()
        if story and chosen[0] is None:
            raise Failure(f"no story with id '{story}' in {db}")
        for item in chosen:
            assert item is not None
            articles = store.articles(item.article_ids)
            store.load_mentions(articles)
            table = Table(title=f"{item.title} ({item.id})", box=box.SIMPLE_HEAD)
            for column in ("entity", "type", "sources", "mentions", "names"):
                table.add_column(column, overflow="fold")
            for row in story_entities(articles)[:limit]:
                table.add_row(
                    row["key"],
                    row["label"],
                    str(row["sources"]),
                    str(row["mentions"]),
                    ", ".join(row["names"]),
                )
            out.print(table)


@app.command()
def report(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the reports.", file_okay=False)],
    db: ExistingDbOption = DEFAULT_DB,
) -> None:
    """Write stories.json, report.html and report.md for what is in the database."""
    with _open_existing(db) as store:
        _, files = pipeline.write_store_reports(store, out_dir)
    out.print("Wrote " + ", ".join(str(f) for f in files), highlight=False)


@app.command()
def export(
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the table files.", file_okay=False)
    ],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="parquet, csv or jsonl (one file per table).")
    ] = "parquet",
    db: ExistingDbOption = DEFAULT_DB,
) -> None:
    """Write the database as tables for analysis: articles, stories, story_articles, claims, conflicts,
    citations, framing (columns in the README)."""
    from storyline.export import FORMATS
    from storyline.export import export as export_tables

    if fmt not in FORMATS:
        raise typer.BadParameter(f"'{fmt}' is not one of {', '.join(FORMATS)}", param_hint="--format")
    with _open_existing(db) as store:
        written = export_tables(store, fmt, out_dir)
    table = Table(title=f"Exported ({fmt})", box=box.SIMPLE_HEAD)
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("file")
    for name, (path, rows) in written.items():
        table.add_row(name, str(rows), str(path))
    out.print(table)


_DURATION = re.compile(r"(\d+)\s*([smhd]?)")
_UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def _duration(value: str) -> timedelta:
    match = _DURATION.fullmatch(value.strip().lower())
    if not match:
        raise typer.BadParameter(
            f"'{value}' is not a duration such as 90s, 15m, 2h or 1d", param_hint="--every"
        )
    seconds = int(match.group(1)) * _UNIT_S[match.group(2)]
    if seconds < 60:
        raise typer.BadParameter("feeds are polled at most once a minute", param_hint="--every")
    return timedelta(seconds=seconds)


def _feed_urls(urls: list[str], urls_file: Path | None) -> list[str]:
    from storyline.watch import check_url

    found = list(urls)
    if urls_file is not None:
        lines = decode_bytes(urls_file.read_bytes()).text.splitlines()
        found += [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    for url in found:
        bad = check_url(url)
        if bad:
            raise typer.BadParameter(bad, param_hint="URLS")
    return found


def _print_round(results: list[Any], found: Any) -> None:
    for r in results:
        if r.status == "updated":
            extra = "".join(
                f", {n} {what}"
                for n, what in ((r.duplicates, "duplicate"), (len(r.rejected), "rejected"))
                if n
            )
            out.print(f"{r.url}: {r.new} new, {r.seen} already stored{extra}", highlight=False)
        elif r.status == "unchanged":
            out.print(f"{r.url}: unchanged", highlight=False)
        else:
            verb = "failed" if r.status == "failed" else "skipped"
            err.print(f"[yellow]{verb}[/] {r.url}: {r.error}; next try after {r.next_try}", highlight=False)
        for entry in r.rejected:
            err.print(f"[yellow]rejected[/] {entry.input}: {entry.reason}", highlight=False)
    if found is None:
        return
    for story in found.new_stories:
        out.print(f"new story {story.id}: {story.title} ({len(story.article_ids)} articles)", highlight=False)
    for story, gained in found.grown:
        out.print(
            f"grown {story.id}: {story.title} (+{gained}, {len(story.article_ids)} articles)", highlight=False
        )
    for story, found_conflict in found.new_conflicts:
        conflict = Conflict.model_validate(found_conflict)
        values = " vs ".join(claim.value for claim in conflict.claims)
        out.print(
            f"new conflict in {story.id}: {conflict.about} ({conflict.type}): {values}", highlight=False
        )


@app.command()
def watch(
    urls: Annotated[
        list[str] | None, typer.Argument(help="RSS/Atom feed URLs to follow (kept in the database).")
    ] = None,
    urls_file: Annotated[
        Path | None,
        typer.Option(
            "--urls",
            help="A file of feed URLs, one a line ('#' starts a comment).",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
    every: Annotated[
        str, typer.Option(help="Time between rounds (90s, 15m, 2h, 1d); failing feeds back off.")
    ] = "15m",
    once: Annotated[bool, typer.Option("--once", help="Poll once and exit (for cron).")] = False,
    fetch_pages: Annotated[
        bool, typer.Option("--fetch-pages", help="Also fetch each new item's page and keep its fuller text.")
    ] = False,
    timeout: Annotated[
        float, typer.Option(help="Seconds a feed (or page) may take to answer.", min=0.1)
    ] = 20.0,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", help="Refuse feeds larger than this.", min=1)
    ] = 10_000_000,
    max_html_bytes: MaxHtmlOption = DEFAULT_MAX_HTML_BYTES,
) -> None:
    """Follow RSS/Atom feeds: poll them (conditional requests, backoff after errors), store their new items,
    update the stories and print what changed. The only command that uses the network."""
    from storyline.watch import Settings, changes, poll, snapshot

    interval = _duration(every)
    found_urls = _feed_urls(urls or [], urls_file)
    settings = Settings(interval, timeout, max_bytes, fetch_pages, max_html_bytes)
    with _open_store(db) as store:
        store.add_feeds(found_urls)
        if not store.feeds():
            raise typer.BadParameter("no feeds to watch: give URLs or --urls FILE", param_hint="URLS")
        try:
            while True:
                started = time.monotonic()
                results = poll(store, settings)
                found = None
                if any(r.new for r in results):
                    before = snapshot(store.stories())
                    with progress_bars() as progress:
                        pipeline.update_stories(store, progress)
                    found = changes(before, store.stories())
                _print_round(results, found)
                polled = [r for r in results if r.status != "waiting"]
                if once:
                    if polled and all(r.status == "failed" for r in polled):
                        raise Failure("every feed polled failed")
                    return
                time.sleep(max(0.0, interval.total_seconds() - (time.monotonic() - started)))
        except KeyboardInterrupt:
            err.print("stopped")


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="STORYLINE_TOKEN",
            help="Bearer token for POST /api/articles (better set STORYLINE_TOKEN: the command line is "
            "visible to other users). Without one, the API is read-only.",
            show_default=False,
        ),
    ] = None,
    max_body_bytes: Annotated[int, typer.Option(help="Largest request body accepted.", min=1)] = 5_000_000,
) -> None:
    """Serve the web UI and the JSON API (docs at /docs) over the database."""
    # The web stack loads only for this command, so the others start without it.
    import uvicorn

    from storyline.serve import create_app

    err.print(f"Serving {redact(db)} on http://{host}:{port}/ ({'writable' if token else 'read-only'} API)")
    uvicorn.run(create_app(db, token, max_body_bytes), host=host, port=port, log_level="info")


# -- contract commands: JSON Lines in, JSON Lines out, no database ---------------------------------------


def _read_articles(path: Path) -> tuple[IngestResult, list[tuple[str, Article | None, str | None]]]:
    """Every input line with its fate: the article (or its original, for a duplicate) or the reason."""
    ingestor = Ingestor()
    rows: list[tuple[str, Article | None, str | None]] = []
    by_id: dict[str, Article] = {}
    for record in Reader().read([path]):
        entry = ingestor.add(record)
        if entry.status == "ingested" and record.article is not None:
            by_id[record.article.id] = record.article
            rows.append((record.article.id, record.article, None))
        elif entry.status == "duplicate":
            rows.append((entry.article_id or "", by_id.get(entry.duplicate_of or ""), None))
        else:
            rows.append((entry.article_id or "", None, entry.reason))
    return ingestor.result, rows


def _read_lines(path: Path) -> list[tuple[int, str]]:
    """The non-blank lines of a JSONL file with their numbers, decoded as ingest decodes files (a BOM,
    UTF-16, invalid bytes replaced with a warning) rather than failing on the first bad byte."""
    decoded = decode_bytes(path.read_bytes())
    for warning in decoded.warnings:
        err.print(f"[yellow]warning[/] {path}: {warning}", highlight=False)
    return [(n, line) for n, line in enumerate(decoded.text.splitlines(), 1) if line.strip()]


def _json_object(line: str) -> dict[str, Any]:
    """A JSON object with unpaired surrogate escapes replaced: they could not be written out again."""
    obj = json.loads(line)
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
    return without_lone_surrogates(obj)[0]


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


@app.command()
def cluster(input: InputOption, output: OutputOption, strict: StrictOption = False) -> None:
    """Group the articles of a JSON Lines file into stories: one {"id", "story"} line per input line."""
    result, rows = _read_articles(input)
    articles = list(result.articles)
    with progress_bars() as progress:
        enrich(articles, advance=progress("Enriching", len(articles)))
        # The same-event score reads people, places, dates and numbers.
        annotate(articles, advance=progress("Finding mentions", len(articles)))
    groups = cluster_articles(articles)
    story_ids = [story_id(group) for group in groups]
    story_of: dict[str, tuple[str, str]] = {}
    for group, sid, line in zip(groups, story_ids, thread_ids(groups, story_ids), strict=True):
        story_of.update({a.id: (sid, line) for a in group})
    lines = []
    for article_id, article, reason in rows:
        if article is None:
            lines.append({"id": article_id or None, "story": None, "storyline": None, "error": reason})
        else:
            sid, line = story_of[article.id]
            lines.append({"id": article_id, "story": sid, "storyline": line})
    _write_jsonl(output, lines)
    threads = len({line for _, line in story_of.values()})
    err.print(f"{len(story_of)} articles in {len(groups)} stories, {threads} storylines → {output}")
    _report_rejects(result)
    _check_strict(result, strict)


@app.command()
def similarity(input: InputOption, output: OutputOption, strict: StrictOption = False) -> None:
    """Score pairs of texts from a JSON Lines file on seven dimensions (overall, geography, entities, time,
    narrative, style, tone), from 1 = very similar to 4 = very dissimilar."""
    rows = [_pair_row(line, f"{input}#line {lineno}") for lineno, line in _read_lines(input)]
    pairs = [row.articles for row in rows if row.articles]
    with progress_bars() as progress:
        results = iter(score_pairs(pairs, advance=progress("Profiling", 2 * len(pairs))))
    lines = []
    for row in rows:
        if row.articles:
            lines.append({"pair_id": row.pair_id, **next(results).scores})
        else:
            err.print(f"[yellow]rejected[/] {row.origin}: {row.error}", highlight=False)
            lines.append({"pair_id": row.pair_id, **dict.fromkeys(DIMENSIONS), "error": row.error})
    _write_jsonl(output, lines)
    bad = sum(row.articles is None for row in rows)
    err.print(f"{len(lines) - bad} pairs scored → {output}")
    if strict and bad:
        raise Failure(f"{bad} pair record(s) rejected (--strict)")


@app.command()
def subjectivity(input: InputOption, output: OutputOption, strict: StrictOption = False) -> None:
    """Label sentences SUBJ (the author's own view) or OBJ: reads {"id", "text", "language"?} lines, writes
    {"id", "label", "score"} per line (score: the probability of SUBJ)."""
    rows = [_sentence_row(line, f"{input}#line {lineno}") for lineno, line in _read_lines(input)]
    by_language: dict[str | None, list[_SentenceRow]] = {}
    for row in rows:
        if row.error is None:
            by_language.setdefault(row.language, []).append(row)
    for language, group in by_language.items():
        try:
            scores = sentence_subjectivity([row.text for row in group], language)
        except SubjectivityError as exc:
            for row in group:
                row.error = str(exc)
            continue
        for row, score in zip(group, scores, strict=True):
            row.score = round(float(score), 4)
            row.label = subjectivity_label(row.score, language)
    lines = []
    for row in rows:
        if row.error is None:
            lines.append({"id": row.id, "label": row.label, "score": row.score})
        else:
            err.print(f"[yellow]rejected[/] {row.origin}: {row.error}", highlight=False)
            lines.append({"id": row.id, "label": None, "score": None, "error": row.error})
    _write_jsonl(output, lines)
    bad = sum(row.error is not None for row in rows)
    err.print(f"{len(lines) - bad} sentences labelled → {output}")
    if strict and bad:
        raise Failure(f"{bad} sentence record(s) rejected (--strict)")


@dataclass
class _SentenceRow:
    origin: str
    id: str | None
    text: str = ""
    language: str | None = None
    error: str | None = None
    label: str | None = None
    score: float | None = None


def _sentence_row(line: str, origin: str) -> _SentenceRow:
    try:
        obj = _json_object(line)
    except json.JSONDecodeError as exc:
        return _SentenceRow(origin, None, error=f"invalid JSON: {exc.msg} at column {exc.colno}")
    except ValueError as exc:
        return _SentenceRow(origin, None, error=str(exc))
    sentence_id = str(obj["id"]) if isinstance(obj.get("id"), str | int) else None
    if sentence_id is None:
        return _SentenceRow(origin, None, error="record has no 'id'")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return _SentenceRow(origin, sentence_id, error="'text' must be a non-empty string")
    language = obj.get("language")
    if language is not None and not (isinstance(language, str) and language.strip()):
        return _SentenceRow(origin, sentence_id, error="'language' must be a language code (a string)")
    # Not given: detected; too short to tell is read as English, the language most news here is in.
    language = language.strip().lower() if language else detect_language(text)
    return _SentenceRow(origin, sentence_id, text=text, language=language)


@dataclass
class _PairRow:
    origin: str
    pair_id: str | None
    articles: tuple[Article, Article] | None = None
    error: str | None = None


def _pair_row(line: str, origin: str) -> _PairRow:
    try:
        obj = _json_object(line)
    except json.JSONDecodeError as exc:
        return _PairRow(origin, None, error=f"invalid JSON: {exc.msg} at column {exc.colno}")
    except ValueError as exc:
        return _PairRow(origin, None, error=str(exc))
    pair_id = str(obj["pair_id"]) if isinstance(obj.get("pair_id"), str | int) else None
    if pair_id is None:
        return _PairRow(origin, None, error="record has no 'pair_id'")
    texts = [obj.get("text1"), obj.get("text2")]
    if not all(isinstance(t, str) and t.strip() for t in texts):
        return _PairRow(origin, pair_id, error="'text1' and 'text2' must be non-empty strings")
    if not all(isinstance(obj.get(f"lang{k}"), str | None) for k in (1, 2)):
        return _PairRow(origin, pair_id, error="'lang1' and 'lang2' must be language codes (strings)")
    a, b = (
        Article(id=f"{pair_id}/{k}", text=str(t), language=obj.get(f"lang{k}"))
        for k, t in enumerate(texts, 1)
    )
    return _PairRow(origin, pair_id, (a, b))


def _one_article(item: str, db: str) -> Article:
    """A file holding one article, else an article id stored in ``db``."""
    path = Path(item)
    if path.is_file():
        records = list(Reader().read([path]))
        found = [r.article for r in records if r.article is not None]
        if len(found) != 1:
            reasons = "".join(f"; {r.reason}" for r in records if r.reason)
            raise Failure(f"{item} holds {len(found)} articles, not one{reasons}")
        return found[0]
    if is_url(db) or Path(db).is_file():
        with _open_store(db) as store:
            article = store.article(item)
        if article is not None:
            return article
    raise Failure(f"'{item}' is neither a file nor an article id in {db}")


def _print_explanation(result: Explanation) -> None:
    for group in result.shared:
        out.print(f"\n[bold]{group}[/]")
        for label, items in (
            ("both", result.shared[group]),
            ("only first", result.only_first[group]),
            ("only second", result.only_second[group]),
        ):
            out.print(f"  {label:<12} {', '.join(items) or '—'}", highlight=False)
    out.print("\n[bold]closest sentences[/]")
    for sim, first, second in result.closest_sentences:
        out.print(f"  {sim:.2f}  {first[:160]}\n        {second[:160]}", highlight=False)
    out.print(
        f"\n[bold]genre[/] {result.genres[0]} / {result.genres[1]}   "
        f"[bold]tone[/] {result.tones[0]:+.2f} / {result.tones[1]:+.2f}"
    )


@app.command()
def similar(
    first: Annotated[str, typer.Argument(help="A file holding one article, or a stored article id.")],
    second: Annotated[str, typer.Argument(help="A file holding one article, or a stored article id.")],
    db: DbOption = DEFAULT_DB,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show shared and differing places, names, dates, sentences.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (scores and explanation).")] = False,
) -> None:
    """Score how similar two articles are on seven dimensions (1 very similar … 4 very dissimilar)."""
    result = score_pairs([(_one_article(first, db), _one_article(second, db))])[0]
    if as_json:
        out.print_json(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    table = Table(box=box.SIMPLE)
    for dim in DIMENSIONS:
        table.add_column(dim, justify="right")
    table.add_row(*(f"{result.scores[d]:.2f}" for d in DIMENSIONS))
    out.print(table)
    if explain:
        _print_explanation(result)


@app.command()
def summarize(
    input: InputOption,
    output: OutputOption,
    max_words: Annotated[int, typer.Option(help="Words per summary.", min=10)] = 250,
    strict: StrictOption = False,
) -> None:
    """Write a summary of each group of articles in a JSON Lines file of {cluster_id, documents}, every
    sentence citing the source sentences it comes from."""
    clusters: list[tuple[str, list[Article]]] = []
    rejected = 0
    for lineno, line in _read_lines(input):
        try:
            cid, docs = _cluster_record(line)
        except ValueError as exc:
            rejected += 1
            err.print(
                f"[yellow]rejected[/] {input}#line {lineno}: bad cluster record: {exc}", highlight=False
            )
            continue
        # Clusters are independent: a document may recur in another cluster, ids may repeat across them.
        ingestor = Ingestor()
        members = []
        for i, doc in enumerate(docs):
            record = record_from_json(doc, f"{input}#line {lineno} document {i}", f"{cid}-{i}")
            entry = ingestor.add(record)
            if entry.status == "ingested" and record.article is not None:
                members.append(record.article)
            elif entry.status == "rejected":
                rejected += 1
                err.print(f"[yellow]rejected[/] {entry.input}: {entry.reason}", highlight=False)
        clusters.append((cid, members))
    rows = []
    with progress_bars() as progress:
        advance = progress("Enriching", sum(len(m) for _, m in clusters))
        for batch in _unique_id_batches(clusters):
            enrich(batch, advance=advance)
        advance = progress("Summarising", len(clusters))
        for cid, members in clusters:
            sentences = summarize_comparison(compare_story(members), max_words) if members else []
            rows.append(
                {"cluster_id": cid, "summary": " ".join(s["text"] for s in sentences), "sentences": sentences}
            )
            advance(1)
    _write_jsonl(output, rows)
    err.print(f"{len(rows)} summaries → {output}")
    if strict and rejected:
        raise Failure(f"{rejected} record(s) rejected (--strict)")


def _cluster_record(line: str) -> tuple[str, list[Any]]:
    try:
        obj = _json_object(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc.msg} at column {exc.colno}") from exc
    cid = obj.get("cluster_id")
    if not isinstance(cid, str | int):
        raise ValueError("record has no 'cluster_id' (a string or a number)")
    docs = obj.get("documents")
    if not isinstance(docs, list):
        raise ValueError("'documents' must be a list of articles")
    return str(cid), docs


def _unique_id_batches(clusters: list[tuple[str, list[Article]]]) -> Iterator[list[Article]]:
    """The clusters' articles in as few batches as keep ids unique: enrich matches vectors by id."""
    batch: list[Article] = []
    ids: set[str] = set()
    for _, members in clusters:
        member_ids = {a.id for a in members}
        if ids & member_ids:
            yield batch
            batch, ids = [], set()
        batch += members
        ids |= member_ids
    if batch:
        yield batch


@app.command()
def compare(
    input: InputOption,
    output: Annotated[Path, typer.Option("--output", "-o", help="Output JSON file.", dir_okay=False)],
    strict: StrictOption = False,
) -> None:
    """Compare the articles of a JSON Lines file as reports of one story: the facts they share, the facts
    only one reports, where they contradict each other, how each frames it, and a timeline, as JSON."""
    result, _ = _read_articles(input)
    articles = list(result.articles)
    with progress_bars() as progress:
        enrich(articles, advance=progress("Enriching", len(articles)))
        # Entity labels tell a place from a person or an organisation in a name conflict.
        annotate(articles, advance=progress("Finding mentions", len(articles)))
    block = Comparison.model_validate(compare_story(articles).block).model_dump(mode="json")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(block, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    err.print(f"{len(articles)} articles compared → {output}")
    _report_rejects(result)
    _check_strict(result, strict)


def _error(message: str) -> None:
    # Escaped: a message quotes paths and commands ("storyline[spark]") that are not Rich markup; not
    # wrapped, so a path or a command in it can be copied whole.
    err.print(f"[red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)


def main() -> None:
    try:
        app()
    except (Failure, StoreError) as exc:
        _error(str(exc))
        sys.exit(1)
    except database_errors() as exc:
        # A database damaged past its header opens, then fails on the first page read.
        _error(f"reading the database failed: {exc}")
        sys.exit(1)


if __name__ == "__main__":
    main()
