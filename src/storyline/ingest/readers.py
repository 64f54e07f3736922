"""Walking the user's paths and reading every record in them: files, folders, JSON Lines, stdin.

Every input record comes out as a :class:`Record`: an article, or the reason it could not be one.
Nothing is skipped silently except the ``manifest.csv`` metadata files themselves.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from storyline.ingest.dates import normalise_date
from storyline.ingest.html import parse_html
from storyline.ingest.language import detect_language
from storyline.ingest.records import RecordError, article_from_record
from storyline.ingest.text import parse_text
from storyline.model import Article

MANIFEST = "manifest.csv"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
CODEPAGE_TIE = 0.05

_JSON_EXT = {".jsonl", ".ndjson", ".json"}
_HTML_EXT = {".html", ".htm", ".xhtml"}
_TEXT_EXT = {".txt", ".text"}
_HTML_SNIFF = re.compile(rb"<!doctype html|<html[\s>]|<body[\s>]|<article[\s>]", re.IGNORECASE)
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Record:
    origin: str
    article: Article | None = None
    reason: str | None = None
    article_id: str | None = None  # the record's own id, kept when the record is rejected
    warnings: list[str] = field(default_factory=list)  # read, but not cleanly (e.g. invalid bytes replaced)


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 by BOM, else charset-normalizer's best guess."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    matches = list(from_bytes(data[:200_000]))
    if not matches:
        return data.decode("cp1252", errors="replace")
    encoding = matches[0].encoding
    # Western single-byte text fits several code pages about equally well; on the web it is
    # overwhelmingly Windows-1252 (which WHATWG also uses for "latin-1"), so that wins a near tie.
    western = next((m for m in matches if m.encoding == "cp1252"), None)
    if western is not None and western.chaos <= matches[0].chaos + CODEPAGE_TIE:
        encoding = "cp1252"
    return data.decode(encoding, errors="replace")


def record_from_json(obj: object, origin: str, fallback_id: str) -> Record:
    try:
        return Record(origin, article=article_from_record(obj, origin, fallback_id))
    except RecordError as exc:
        own_id = obj.get("id") if isinstance(obj, dict) else None
        return Record(
            origin, reason=str(exc), article_id=str(own_id) if isinstance(own_id, str | int) else None
        )


def _is_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in head


def file_id(path: Path) -> str:
    return _ID_UNSAFE.sub("-", path.stem).strip("-") or "article"


def _walk(folder: Path) -> list[Path]:
    """Files under ``folder`` in a stable order, skipping hidden ones and manifests."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.name != MANIFEST
        and not any(x.startswith(".") for x in p.relative_to(folder).parts)
    )


def _load_manifest(folder: Path) -> dict[str, dict[str, str]]:
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {row["file"]: row for row in csv.DictReader(fh) if row.get("file")}


class Reader:
    """Reads paths into records. One instance per ingest run (it caches manifests)."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._manifests: dict[Path, dict[str, dict[str, str]]] = {}

    def read(self, paths: Sequence[str | Path]) -> Iterator[Record]:
        for raw in paths:
            if str(raw) == "-":
                yield from self._read_bytes(sys.stdin.buffer.read(), "<stdin>", "stdin", {})
                continue
            path = Path(raw)
            if path.is_dir():
                for child in _walk(path):
                    yield from self._read_file(child)
            elif path.is_file():
                yield from self._read_file(path)
            else:
                yield Record(str(path), reason="no such file or directory")

    def files(self, paths: Sequence[str | Path]) -> int:
        """How many files :meth:`read` will open (for progress bars)."""
        count = 0
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                count += sum(1 for _ in _walk(path))
            else:
                count += 1
        return count

    def _manifest_row(self, path: Path) -> dict[str, str]:
        folder = path.parent.resolve()
        if folder not in self._manifests:
            self._manifests[folder] = _load_manifest(folder)
        return self._manifests[folder].get(path.name, {})

    def _read_file(self, path: Path) -> Iterator[Record]:
        origin = str(path)
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                yield Record(origin, reason=f"file is {size:,} bytes, over the {self.max_bytes:,}-byte limit")
                return
            data = path.read_bytes()
        except OSError as exc:
            yield Record(origin, reason=f"cannot read file: {exc.strerror or exc}")
            return
        yield from self._read_bytes(
            data, origin, file_id(path), self._manifest_row(path), path.suffix.lower()
        )

    def _read_bytes(
        self, data: bytes, origin: str, default_id: str, meta: dict[str, str], ext: str = ""
    ) -> Iterator[Record]:
        if _is_binary(data):
            yield Record(origin, reason="binary file (contains NUL bytes); not a text, HTML or JSON file")
            return
        text = decode(data)
        stripped = text.lstrip()
        if not stripped:
            yield Record(origin, reason="file is empty or whitespace only")
            return
        if ext in _JSON_EXT or (not ext and stripped[0] in "{["):
            yield from self._read_json(text, origin, default_id, ext == ".json")
        elif ext in _HTML_EXT or (ext not in _TEXT_EXT and _HTML_SNIFF.search(data[:4096])):
            yield self._read_html(text, origin, default_id, meta)
        elif ext in _TEXT_EXT or not ext or ext in (".md",):
            yield self._read_text(text, origin, default_id, meta)
        else:
            yield Record(
                origin, reason=f"unsupported file type '{ext}' (expected .txt, .html, .jsonl or .json)"
            )

    def _read_json(self, text: str, origin: str, stem: str, whole: bool) -> Iterator[Record]:
        if whole:
            try:
                doc = json.loads(text)
            except json.JSONDecodeError as exc:
                yield Record(
                    origin, reason=f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
                )
                return
            items = doc if isinstance(doc, list) else [doc]
            for i, obj in enumerate(items, 1):
                yield record_from_json(obj, f"{origin}#{i}", f"{stem}-{i}")
            return
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            where = f"{origin}#line {lineno}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Record(where, reason=f"invalid JSON: {exc.msg} at column {exc.colno}")
                continue
            yield record_from_json(obj, where, f"{stem}-{lineno}")

    def _read_text(self, text: str, origin: str, article_id: str, meta: dict[str, str]) -> Record:
        parsed = parse_text(text.replace("\x00", ""))
        return self._file_article(origin, article_id, meta, parsed.body, parsed.title, parsed.published)

    def _read_html(self, text: str, origin: str, article_id: str, meta: dict[str, str]) -> Record:
        parsed = parse_html(text, url=meta.get("url") or None)
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
        )

    @staticmethod
    def _file_article(
        origin: str,
        article_id: str,
        meta: dict[str, str],
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
            origin=origin,
        )
        return Record(origin, article=article)
