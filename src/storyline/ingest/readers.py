"""Walking the user's paths and reading every record in them.

Formats, each recognised by content as well as by extension: plain text, HTML, JSON Lines, JSON
arrays, CSV/TSV, RSS and Atom feeds, WARC / WARC.gz, zip and tar archives (nested too), single
gzip/bz2/xz-compressed files, and stdin (``-``) holding any of these.

Every input record comes out as exactly one :class:`Record`: an article, or the reason it could not
be one, with an origin naming the file and the line, item, record or archive member. Nothing is
skipped silently except ``manifest.csv`` metadata files, hidden files, and WARC records that are not
responses (requests, metadata, warcinfo). Nothing reads more than ``max_bytes`` into memory.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath
from typing import IO, Any

from storyline.ingest.archives import (
    ZIP_DOCUMENT_EXT,
    ArchiveError,
    Listing,
    container_kind,
    decompressor,
    is_hidden,
    list_tar,
    list_zip,
    read_limited,
)
from storyline.ingest.csvfile import read_csv, sniff_delimiter
from storyline.ingest.dates import normalise_date
from storyline.ingest.encoding import CODEPAGE_TIE, binary_kind, declared_charset, decode, decode_bytes
from storyline.ingest.feeds import Feed, feed_root, parse_feed, xml_root
from storyline.ingest.html import parse_html
from storyline.ingest.language import detect_language
from storyline.ingest.records import RecordError, article_from_record, without_lone_surrogates
from storyline.ingest.text import parse_text
from storyline.ingest.warc import WarcBreak, iter_warc
from storyline.model import Article

__all__ = ["CODEPAGE_TIE", "DEFAULT_MAX_BYTES", "DEFAULT_MAX_HTML_BYTES", "Reader", "Record", "decode"]

MANIFEST = "manifest.csv"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_HTML_BYTES = 5 * 1024 * 1024
# Unless set, an archive may expand to this many times the per-file limit in all (zip-bomb guard).
ARCHIVE_EXPANSION = 20
MAX_NESTING = 4
PARALLEL_WINDOW = 4  # files in flight per worker

_JSONL_EXT = {".jsonl", ".ndjson"}
_CSV_EXT = {".csv", ".tsv"}
_FEED_EXT = {".xml", ".rss", ".atom"}
_HTML_EXT = {".html", ".htm", ".xhtml"}
_TEXT_EXT = {".txt", ".text", ".md"}
_COMPRESSION_EXT = {".gz", ".bz2", ".xz"}
_HTML_SNIFF = re.compile(r"<!doctype html|<html[\s>]|<body[\s>]|<article[\s>]", re.IGNORECASE)
# A JSON document or JSON Lines: "[{", "[\"", "[]", "{\"", "{}" … (not prose such as "[Updated] …").
_JSON_SNIFF = re.compile(r'\A\ufeff?\s*(?:\[\s*[\[{"\]\d-]|\{\s*["}])')
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SUPPORTED = "text, HTML, JSON Lines, JSON, CSV, RSS/Atom, WARC, zip or tar"


@dataclass
class Record:
    origin: str
    article: Article | None = None
    reason: str | None = None
    article_id: str | None = None  # the record's own id (None when the reader made one up), kept if rejected
    warnings: list[str] = field(default_factory=list)  # read, but not cleanly (e.g. invalid bytes replaced)


class _Budget:
    """Bytes an archive (with everything nested in it) may still expand to."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.used = 0

    @property
    def exhausted(self) -> bool:
        return self.used > self.total

    def take(self, n: int) -> bool:
        self.used += n
        return not self.exhausted


@dataclass(frozen=True)
class _Source:
    """Where bytes being read came from: what a reject cites (``origin``), the file name they had, their
    manifest row, how deep in archives they sit, and the budget of the outermost archive."""

    origin: str
    name: str
    meta: dict[str, str]
    depth: int
    budget: _Budget

    def inside(self, origin: str, name: str, meta: dict[str, str]) -> _Source:
        """A member of this archive, or the content of this compressed file."""
        return _Source(origin, name, meta, self.depth + 1, self.budget)


def record_from_json(obj: object, origin: str, fallback_id: str) -> Record:
    warnings: list[str] = []
    if isinstance(obj, dict):
        obj, replaced = without_lone_surrogates(obj)
        if replaced:
            # JSON lets "\ud800" stand alone, but such a string cannot be hashed, stored or written out.
            s = "s" if replaced != 1 else ""
            warnings.append(f"{replaced} unpaired surrogate escape{s} (\\ud800-\\udfff) replaced with U+FFFD")
    try:
        article = article_from_record(obj, origin, fallback_id)
    except RecordError as exc:
        own_id = obj.get("id") if isinstance(obj, dict) else None
        return Record(
            origin,
            reason=str(exc),
            article_id=str(own_id) if isinstance(own_id, str | int) else None,
            warnings=warnings,
        )
    own = article.id if isinstance(obj, dict) and "id" in obj else None
    return Record(origin, article=article, article_id=own, warnings=warnings)


def file_id(path: PurePath) -> str:
    return _ID_UNSAFE.sub("-", path.stem).strip("-") or "article"


def _over(what: str, size: int | None, limit: int, option: str) -> str:
    sized = f" is {size:,} bytes," if size is not None else ""
    return f"{what}{sized} over the {limit:,}-byte limit (raise it with {option})"


def _walk(folder: Path) -> list[Path]:
    """Everything under ``folder`` but its subfolders, in a stable order, skipping hidden entries and
    manifests. Broken links, links to folders and FIFOs are kept, so that they are reported, not lost."""
    return sorted(
        p
        for p in folder.rglob("*")
        if (p.is_symlink() or not p.is_dir())
        and p.name != MANIFEST
        and not any(x.startswith(".") for x in p.relative_to(folder).parts)
    )


def _unit_kind(path: Path) -> str:
    """How :meth:`Reader.read_unit` treats a path that is not stdin."""
    if path.is_file():
        return "file"
    if path.is_symlink():
        return "folder link" if path.is_dir() else "broken link"
    return "other" if path.exists() else "missing"


def _parse_manifest(text: str) -> dict[str, dict[str, str]]:
    try:
        return {row["file"]: row for row in csv.DictReader(io.StringIO(text)) if row.get("file")}
    except csv.Error:
        return {}


def _load_manifest(folder: Path) -> dict[str, dict[str, str]]:
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    try:
        return _parse_manifest(decode(path.read_bytes()))
    except OSError:
        return {}


def _strip_compression(name: str) -> str:
    path = PurePosixPath(name)
    if path.suffix.lower() == ".tgz":
        return str(path.with_suffix(".tar"))
    return str(path.with_suffix("")) if path.suffix.lower() in _COMPRESSION_EXT else name


def _at_least_one(records: Iterable[Record], origin: str, reason: str) -> Iterator[Record]:
    """Pass ``records`` through; a source that gave none is still accounted for, with ``reason``."""
    empty = True
    for record in records:
        empty = False
        yield record
    if empty:
        yield Record(origin, reason=reason)


def read_file(limits: dict[str, int], path: str) -> list[Record]:
    """The records of one file, read by a new :class:`Reader` with ``limits`` (in a worker process or on a
    Spark executor)."""
    return list(Reader(**limits)._guarded(Path(path)))


def feed_records(feed: Feed, origin: str, stem: str) -> Iterator[Record]:
    """One record per item of a parsed feed (a file's, or one ``storyline watch`` fetched), and one for
    where the feed broke or that it has no items."""
    for item in feed.items:
        where = f"{origin}#item {item.number}"
        if not item.record.get("text"):
            yield Record(
                where,
                reason="feed item has no text (no content, description or summary)",
                article_id=item.record.get("id"),
            )
            continue
        yield record_from_json(item.record, where, f"{stem}-{item.number}")
    if feed.broken:
        yield Record(origin, reason=feed.broken)
    elif not feed.items:
        yield Record(origin, reason="feed has no items")


class Reader:
    """Reads paths into records. One instance per ingest run (it caches manifests).

    ``max_bytes`` bounds every file, archive member, decompressed file and stdin; ``max_html_bytes``
    bounds HTML pages (extraction is the slow part); ``max_archive_bytes`` bounds what one archive may
    expand to in all (default: ``ARCHIVE_EXPANSION`` times ``max_bytes``).
    """

    def __init__(
        self,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_html_bytes: int = DEFAULT_MAX_HTML_BYTES,
        max_archive_bytes: int | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.max_html_bytes = max_html_bytes
        self.max_archive_bytes = (
            max_archive_bytes if max_archive_bytes is not None else ARCHIVE_EXPANSION * max_bytes
        )
        self._manifests: dict[Path, dict[str, dict[str, str]]] = {}

    # -- walking ----------------------------------------------------------------------------------

    def read(self, paths: Sequence[str | Path], workers: int = 1) -> Iterator[Record]:
        """Every record under ``paths``, in order. With ``workers`` > 1 files are parsed in that many
        processes; the records come out in the same order as with one."""
        units = self.units(paths)
        if workers <= 1:
            for unit in units:
                yield from self.read_unit(unit)
        else:
            yield from self._read_parallel(units, workers)

    def files(self, paths: Sequence[str | Path]) -> int:
        """How many files :meth:`read` will open (for progress bars); an archive counts as one."""
        return sum(1 for _ in self.units(paths))

    @staticmethod
    def units(paths: Sequence[str | Path]) -> Iterator[tuple[str, Path]]:
        """What :meth:`read` opens, in order, each with its kind ("file", "stdin", "missing", ...): an engine
        that parses files elsewhere hands each file unit there and the others to :meth:`read_unit`."""
        for raw in paths:
            if str(raw) == "-":
                yield "stdin", Path("-")
                continue
            path = Path(raw)
            if path.is_dir():
                for child in _walk(path):
                    yield _unit_kind(child), child
            elif path.name != MANIFEST or not path.is_file():
                yield _unit_kind(path), path

    def read_unit(self, unit: tuple[str, Path]) -> Iterator[Record]:
        kind, path = unit
        if kind == "stdin":
            yield from self._read_stdin()
        elif kind == "missing":
            yield Record(str(path), reason="no such file or directory")
        elif kind == "broken link":
            yield Record(str(path), reason="broken symbolic link (its target does not exist)")
        elif kind == "folder link":
            yield Record(str(path), reason="symbolic link to a folder, not followed (give the folder itself)")
        elif kind == "other":
            yield Record(str(path), reason="not a regular file or folder")
        else:
            yield from self._guarded(path)

    def limits(self) -> dict[str, int]:
        """The size limits, as keyword arguments of a new :class:`Reader` (one in another process)."""
        return {
            "max_bytes": self.max_bytes,
            "max_html_bytes": self.max_html_bytes,
            "max_archive_bytes": self.max_archive_bytes,
        }

    def _read_parallel(self, units: Iterator[tuple[str, Path]], workers: int) -> Iterator[Record]:
        limits = self.limits()
        pool = ProcessPoolExecutor(max_workers=workers)
        pending: deque[tuple[tuple[str, Path], Future[list[Record]] | None]] = deque()
        try:
            exhausted = False
            while True:
                while not exhausted and len(pending) < workers * PARALLEL_WINDOW:
                    unit = next(units, None)
                    if unit is None:
                        exhausted = True
                    elif unit[0] == "file":
                        pending.append((unit, pool.submit(read_file, limits, str(unit[1]))))
                    else:
                        pending.append((unit, None))  # stdin and missing paths: read here, in turn
                if not pending:
                    return
                unit, future = pending.popleft()
                if future is None:
                    yield from self.read_unit(unit)
                    continue
                try:
                    records = future.result()
                except Exception as exc:  # a worker died (e.g. out of memory): say so, go on
                    records = [Record(str(unit[1]), reason=f"reading failed: {type(exc).__name__}: {exc}")]
                yield from records
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _manifest_row(self, path: Path) -> dict[str, str]:
        folder = path.parent.resolve()
        if folder not in self._manifests:
            self._manifests[folder] = _load_manifest(folder)
        return self._manifests[folder].get(path.name, {})

    # -- files, stdin, containers -----------------------------------------------------------------

    def _guarded(self, path: Path) -> Iterator[Record]:
        """A file's records; a bug in a parser becomes a rejection, never a crash of the whole run."""
        try:
            yield from _at_least_one(self._read_file(path), str(path), "no records found in the file")
        except Exception as exc:
            yield Record(str(path), reason=f"reading failed: {type(exc).__name__}: {exc}")

    def _read_file(self, path: Path) -> Iterator[Record]:
        origin = str(path)
        try:
            size = path.stat().st_size
            fh = path.open("rb")
        except OSError as exc:
            yield Record(origin, reason=f"cannot read file: {exc.strerror or exc}")
            return
        with fh:
            try:
                head = fh.read(1024)
                kind = container_kind(head)
                ext = path.suffix.lower()
                if not kind:
                    if size > self.max_bytes:
                        yield Record(origin, reason=_over("file", size, self.max_bytes, "--max-bytes"))
                        return
                    if ext in _HTML_EXT and size > self.max_html_bytes:
                        yield Record(origin, reason=self._html_too_big(size))
                        return
                    fh.seek(0)
                    data = read_limited(fh, self.max_bytes)
            except OSError as exc:
                yield Record(origin, reason=f"cannot read file: {exc.strerror or exc}")
                return
            if kind:
                # Containers are streamed from disk; the limits apply to each member or record.
                fh.seek(0)
                source = _Source(
                    origin, path.name, self._manifest_row(path), 0, _Budget(self.max_archive_bytes)
                )
                yield from self._read_container(fh, kind, source)
                return
        if len(data) > self.max_bytes:  # the file grew while we looked
            yield Record(origin, reason=_over("file", None, self.max_bytes, "--max-bytes"))
            return
        yield from self._read_bytes(data, origin, file_id(path), self._manifest_row(path), ext)

    def _read_stdin(self) -> Iterator[Record]:
        origin = "<stdin>"
        stream = getattr(sys.stdin, "buffer", sys.stdin)
        try:
            data: bytes | str = read_limited(stream, self.max_bytes)
        except (OSError, ValueError) as exc:
            yield Record(origin, reason=f"cannot read stdin: {exc}")
            return
        if isinstance(data, str):
            data = data.encode("utf-8")
        if len(data) > self.max_bytes:
            yield Record(origin, reason=_over("stdin", None, self.max_bytes, "--max-bytes"))
            return
        try:
            yield from _at_least_one(
                self._read_blob(data, _Source(origin, "", {}, 0, _Budget(self.max_archive_bytes)), "stdin"),
                origin,
                "no records found on stdin",
            )
        except Exception as exc:
            yield Record(origin, reason=f"reading failed: {type(exc).__name__}: {exc}")

    def _read_blob(self, data: bytes, source: _Source, default_id: str | None = None) -> Iterator[Record]:
        """Bytes already in memory (an archive member, stdin, a decompressed file), sniffed by content."""
        kind = container_kind(data[:1024])
        if kind:
            yield from self._read_container(io.BytesIO(data), kind, source)
            return
        name = source.name
        path = PurePosixPath(name or "stdin")
        ext = path.suffix.lower() if name else ""
        yield from self._read_bytes(data, source.origin, default_id or file_id(path), source.meta, ext)

    def _read_container(self, fh: IO[bytes], kind: str, source: _Source) -> Iterator[Record]:
        origin, name = source.origin, source.name
        if source.depth > MAX_NESTING:
            yield Record(origin, reason=f"archives nested more than {MAX_NESTING} deep; not read")
            return
        ext = PurePosixPath(name).suffix.lower()
        if kind in ("gzip", "bz2", "xz"):
            try:
                inner = container_kind(decompressor(kind, fh).read(1024))
            except Exception as exc:
                yield Record(origin, reason=f"corrupt {kind} file: {type(exc).__name__}: {exc}")
                return
            fh.seek(0)
            if inner == "tar":
                kind = "tar"
            elif inner == "warc":
                stream = fh if kind == "gzip" else decompressor(kind, fh)  # warcio reads gzip itself
                yield from self._read_warc(stream, origin, name)
                return
            else:
                yield from self._read_compressed(fh, kind, source)
                return
        if kind == "warc":
            yield from self._read_warc(fh, origin, name)
            return
        if kind == "zip" and ext in ZIP_DOCUMENT_EXT:
            yield Record(
                origin, reason=f"{ZIP_DOCUMENT_EXT[ext]} ('{ext}') is not supported; save it as text or HTML"
            )
            return
        try:
            listing = list_zip(fh, self.max_bytes) if kind == "zip" else list_tar(fh, self.max_bytes)
        except ArchiveError as exc:
            yield Record(origin, reason=str(exc))
            return
        yield from _at_least_one(
            self._read_archive(listing, source), origin, "archive holds no article files"
        )

    def _read_compressed(self, fh: IO[bytes], kind: str, source: _Source) -> Iterator[Record]:
        """One compressed file (``articles.jsonl.gz``): decompressed in memory, bounded."""
        origin = source.origin
        try:
            data = read_limited(decompressor(kind, fh), self.max_bytes)
        except Exception as exc:
            yield Record(origin, reason=f"corrupt {kind} file: {type(exc).__name__}: {exc}")
            return
        if len(data) > self.max_bytes:
            yield Record(origin, reason=_over("decompressed file", None, self.max_bytes, "--max-bytes"))
            return
        if not source.budget.take(len(data)):
            yield Record(origin, reason=self._archive_too_big())
            return
        yield from self._read_blob(data, source.inside(origin, _strip_compression(source.name), source.meta))

    def _archive_too_big(self) -> str:
        return (
            f"not read: the archive expands beyond its {self.max_archive_bytes:,}-byte total limit "
            "(a zip bomb, or raise the limit with --max-bytes)"
        )

    def _read_archive(self, listing: Listing, source: _Source) -> Iterator[Record]:
        origin, budget = source.origin, source.budget
        if listing.document:
            yield Record(origin, reason=f"{listing.document}, not an archive of articles; not supported")
            return
        manifests = {folder: _parse_manifest(decode(data)) for folder, data in listing.manifests.items()}
        for member in listing.members:
            path = PurePosixPath(member.name)
            if (path.name == MANIFEST and not member.problem) or is_hidden(member.name):
                continue
            where = f"{origin}!{member.name}"
            if member.problem:
                yield Record(where, reason=member.problem)
                continue
            if budget.exhausted:
                yield Record(where, reason=self._archive_too_big())
                continue
            if member.size > self.max_bytes:
                yield Record(
                    where, reason=_over("archive member", member.size, self.max_bytes, "--max-bytes")
                )
                continue
            try:
                with listing.opener(member) as stream:  # type: ignore[misc]
                    data = read_limited(stream, self.max_bytes)
            except Exception as exc:
                yield Record(where, reason=f"cannot read archive member: {type(exc).__name__}: {exc}")
                continue
            if len(data) > self.max_bytes:
                yield Record(where, reason=_over("archive member", None, self.max_bytes, "--max-bytes"))
                continue
            if not budget.take(len(data)):
                yield Record(where, reason=self._archive_too_big())
                continue
            meta = manifests.get(str(path.parent), {}).get(path.name, {})
            yield from _at_least_one(
                self._read_blob(data, source.inside(where, member.name, meta)),
                where,
                "no records found in the archive member",
            )
        if listing.broken:
            yield Record(origin, reason=listing.broken)

    def _read_warc(self, stream: IO[bytes], origin: str, name: str) -> Iterator[Record]:
        inner = PurePosixPath(_strip_compression(name or "stdin"))
        stem = file_id(inner.with_suffix("") if inner.suffix.lower() == ".warc" else inner)
        found = False
        for item in iter_warc(stream, self.max_html_bytes, self.max_bytes):
            found = True
            if isinstance(item, WarcBreak):
                yield Record(origin, reason=item.reason)
                continue
            where = f"{origin}#record {item.number}" + (f" ({item.uri})" if item.uri else "")
            if item.kind == "reject":
                yield Record(where, reason=item.reason)
                continue
            decoded = decode_bytes(item.payload, declared=item.charset or declared_charset(item.payload))
            text = decoded.text.replace("\x00", "")
            article_id = f"{stem}-{item.number}"
            try:
                if item.kind == "html":
                    record = self._read_html(text, where, article_id, {}, url=item.uri)
                else:
                    record = self._read_text(text, where, article_id, {"url": item.uri or ""})
            except Exception as exc:
                record = Record(where, reason=f"cannot parse the page: {type(exc).__name__}: {exc}")
            record.warnings = [*decoded.warnings, *record.warnings]
            yield record
        if not found:
            yield Record(origin, reason="WARC holds no HTTP response records")

    # -- one file's bytes -------------------------------------------------------------------------

    def _html_too_big(self, size: int | None) -> str:
        return _over("HTML page", size, self.max_html_bytes, "--max-html-bytes")

    def _read_bytes(
        self, data: bytes, origin: str, default_id: str, meta: dict[str, str], ext: str = ""
    ) -> Iterator[Record]:
        binary = binary_kind(data)
        if binary:
            what = binary if binary.startswith("binary file") else f"binary file ({binary})"
            yield Record(origin, reason=f"{what}; not a {_SUPPORTED} file")
            return
        decoded = decode_bytes(data, declared=declared_charset(data))
        text, warnings = decoded.text, list(decoded.warnings)
        nuls = text.count("\x00")
        if nuls:
            text = text.replace("\x00", "")
            warnings.append(f"{nuls} NUL byte{'s' if nuls != 1 else ''} removed")
        if not text.strip():
            yield Record(origin, reason="file is empty or whitespace only")
            return
        kind = self._format(text, ext)
        if kind == "html" and len(data) > self.max_html_bytes:
            records: Iterable[Record] = [Record(origin, reason=self._html_too_big(len(data)))]
        elif kind == "jsonl":
            records = self._read_jsonl(text, origin, default_id)
        elif kind == "json":
            records = self._read_json(text, origin, default_id, ext == ".json")
        elif kind == "csv":
            records = self._read_csv(text, origin, default_id, ext)
        elif kind == "feed":
            records = self._read_feed(text, origin, default_id)
        elif kind == "html":
            records = [self._read_html(text, origin, default_id, meta)]
        elif kind == "text":
            records = [self._read_text(text, origin, default_id, meta)]
        else:
            records = [Record(origin, reason=kind)]
        for record in records:
            if warnings:
                record.warnings = [*warnings, *record.warnings]
            yield record

    @staticmethod
    def _format(text: str, ext: str) -> str:
        """'jsonl', 'json', 'csv', 'feed', 'html', 'text', or the reason the file is not supported."""
        if ext in _JSONL_EXT:
            return "jsonl"
        if ext == ".json":
            return "json"
        if ext in _CSV_EXT:
            return "csv"
        if ext in _FEED_EXT:
            if feed_root(text):
                return "feed"
            root = xml_root(text)
            shown = f"root element <{root}>" if root else "no XML root element"
            return f"XML document with {shown} is not an RSS or Atom feed"
        if ext in _HTML_EXT:
            return "html"
        if ext in _TEXT_EXT:
            return "text"
        if not ext and _JSON_SNIFF.match(text):
            return "json"
        if feed_root(text):
            return "feed"
        if _HTML_SNIFF.search(text[:4096]):
            return "html"
        if ext:
            return f"unsupported file type '{ext}' (expected {_SUPPORTED})"
        if sniff_delimiter(text):
            return "csv"
        return "text"

    # -- formats ----------------------------------------------------------------------------------

    def _read_json(self, text: str, origin: str, stem: str, declared: bool) -> Iterator[Record]:
        """A JSON document (an array of records, or one record); JSON Lines that merely look like one
        (a ``.json`` file of lines, or JSON on stdin) are read line by line."""
        stripped = text.lstrip("\ufeff \t\r\n")
        if not declared and stripped.startswith("{"):
            first = stripped.split("\n", 1)[0]
            try:
                json.loads(first)
                yield from self._read_jsonl(text, origin, stem)
                return
            except json.JSONDecodeError:
                pass
        try:
            doc = json.loads(stripped)
        except json.JSONDecodeError as exc:
            if exc.msg == "Extra data" or (not declared and stripped.startswith("{")):
                yield from self._read_jsonl(text, origin, stem)
                return
            yield Record(origin, reason=f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
            return
        items = doc if isinstance(doc, list) else [doc]
        if not items:
            yield Record(origin, reason="JSON array is empty")
        for i, obj in enumerate(items, 1):
            yield record_from_json(obj, f"{origin}#{i}", f"{stem}-{i}")

    @staticmethod
    def _read_jsonl(text: str, origin: str, stem: str) -> Iterator[Record]:
        # Only "\n" ends a line: JSON strings may hold U+2028 and other characters splitlines() splits on.
        for lineno, line in enumerate(text.lstrip("\ufeff").split("\n"), 1):
            if not line.strip():
                continue
            where = f"{origin}#line {lineno}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Record(where, reason=f"invalid JSON: {exc.msg} at column {exc.colno}")
                continue
            yield record_from_json(obj, where, f"{stem}-{lineno}")

    def _read_csv(self, text: str, origin: str, stem: str, ext: str) -> Iterator[Record]:
        delimiter = "\t" if ext == ".tsv" else sniff_delimiter(text, require_text_column=False) or ","
        rows = read_csv(text, delimiter, self.max_bytes)
        if isinstance(rows, str):
            yield Record(origin, reason=rows)
            return
        found = False
        for row in rows:
            found = True
            where = f"{origin}#line {row.line}"
            if row.record is None:
                yield Record(where, reason=row.reason, article_id=row.own_id)
                continue
            record = record_from_json(row.record, where, f"{stem}-{row.line}")
            if row.warning:
                record.warnings.append(row.warning)
            yield record
        if not found:
            yield Record(origin, reason="CSV file has a header but no rows")

    @staticmethod
    def _read_feed(text: str, origin: str, stem: str) -> Iterator[Record]:
        yield from feed_records(parse_feed(text, stem), origin, stem)

    def _read_text(self, text: str, origin: str, article_id: str, meta: dict[str, str]) -> Record:
        parsed = parse_text(text.replace("\x00", ""))
        return self._file_article(origin, article_id, meta, parsed.body, parsed.title, parsed.published)

    def _read_html(
        self, text: str, origin: str, article_id: str, meta: dict[str, str], url: str | None = None
    ) -> Record:
        parsed = parse_html(text, url=meta.get("url") or url or None)
        if parsed is None:
            return Record(origin, reason="HTML page has no extractable article text")
        return self._file_article(
            origin,
            article_id,
            meta,
            parsed.body,
            parsed.title,
            parsed.published,
            url=parsed.url,
            source=parsed.source,
            author=parsed.author,
            language=parsed.language,
            section=parsed.section,
        )

    @staticmethod
    def _file_article(
        origin: str,
        article_id: str,
        meta: dict[str, Any],
        body: str,
        title: str | None,
        published: str | None,
        **found: str | None,
    ) -> Record:
        if not body.strip():
            return Record(origin, reason="no article text after removing page noise")
        # The manifest is the user's word, so it wins over what was found in the page.
        language = meta.get("language") or found.get("language") or detect_language(body)
        article = Article(
            id=article_id,
            text=body,
            title=title,
            url=meta.get("url") or found.get("url"),
            source=meta.get("source") or found.get("source"),
            published=normalise_date(meta.get("published")) or published,
            language=language,
            author=found.get("author"),
            section=found.get("section"),
            origin=origin,
        )
        return Record(origin, article=article)
