"""WARC and WARC.gz files, as Common Crawl's news crawl writes them, read with warcio.

Only ``response`` records are candidate articles: HTML (or plain-text) payloads with a 2xx status
are handed back for parsing; other responses come back with the reason they are not articles
(content type, status, size). Request, metadata, warcinfo, revisit and resource records are not
articles and are skipped. A truncated or corrupt file yields what could be read, then one break
saying where it stopped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from warcio.archiveiterator import ArchiveIterator

from storyline.ingest.archives import read_limited
from storyline.ingest.encoding import charset_from_content_type

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain",)
_DRAIN = 1 << 16


@dataclass
class WarcItem:
    number: int  # 1-based position among all the file's records
    uri: str | None
    kind: str  # "html", "text" or "reject"
    payload: bytes = b""
    charset: str | None = None
    reason: str | None = None


@dataclass
class WarcBreak:
    after: int  # records read before the break
    reason: str


class _Iterator(ArchiveIterator):  # type: ignore[misc]
    """Remembers, before warcio closes the stream, whether a gzip member was cut short."""

    truncated_gzip = False
    truncated_header = False
    _started = False

    def _next_record(self, next_line: bytes | None) -> object:
        first, self._started = not self._started, True
        try:
            return super()._next_record(next_line)
        except EOFError:
            # warcio takes end-of-file inside a record's headers for a clean end of the file.
            if first or (next_line and next_line.strip()):
                self.truncated_header = True
            raise

    def close(self) -> None:
        decompressor = getattr(self.reader, "decompressor", None) if self.reader else None
        if decompressor is not None and not getattr(decompressor, "eof", True):
            self.truncated_gzip = True
        super().close()


def _media_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def _limit_reason(what: str, limit: int, option: str) -> str:
    return f"{what} is over the {limit:,}-byte limit (raise it with {option})"


def _classify(record: object, number: int, max_html_bytes: int, max_text_bytes: int) -> WarcItem:
    uri = record.rec_headers.get_header("WARC-Target-URI")  # type: ignore[attr-defined]
    http = record.http_headers  # type: ignore[attr-defined]
    if http is not None:
        status = http.get_statuscode() or ""
        content_type = http.get_header("Content-Type")
    else:
        status = "200"
        content_type = record.rec_headers.get_header("Content-Type")  # type: ignore[attr-defined]
    media = _media_type(content_type)
    if not status.startswith("2"):
        return WarcItem(number, uri, "reject", reason=f"HTTP status {status or 'missing'}, not a page")
    if media in _HTML_TYPES or media in _TEXT_TYPES or not media:
        kind = "text" if media in _TEXT_TYPES else "html"
        limit = max_text_bytes if kind == "text" else max_html_bytes
        payload = read_limited(record.content_stream(), limit)  # type: ignore[attr-defined]
        if len(payload) > limit:
            what = "HTML page" if kind == "html" else "text payload"
            option = "--max-html-bytes" if kind == "html" else "--max-bytes"
            return WarcItem(number, uri, "reject", reason=_limit_reason(what, limit, option))
        if not media and b"<" not in payload[:4096]:
            return WarcItem(number, uri, "reject", reason="response has no Content-Type and is not HTML")
        return WarcItem(number, uri, kind, payload, charset_from_content_type(content_type))
    return WarcItem(number, uri, "reject", reason=f"response is {media}, not an HTML or text page")


def iter_warc(fileobj: IO[bytes], max_html_bytes: int, max_text_bytes: int) -> Iterator[WarcItem | WarcBreak]:
    """Candidate articles of a WARC stream, in order, then a :class:`WarcBreak` if the file is damaged."""
    number = 0
    iterator = _Iterator(fileobj, arc2warc=True)
    try:
        for record in iterator:
            number += 1
            if record.rec_headers.get_header("Content-Length") is None:
                # warcio reads a header block cut short by the end of the file as a record.
                yield WarcBreak(number - 1, f"WARC is truncated or corrupt in the headers of record {number}")
                return
            if record.rec_type != "response":
                item = None
            else:
                try:
                    item = _classify(record, number, max_html_bytes, max_text_bytes)
                except Exception as exc:  # a broken chunked/gzip payload: this record only
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    item = WarcItem(number, uri, "reject", reason=f"cannot read the payload: {exc}")
            # Read the rest of the record so that a cut-short one is noticed.
            raw = record.raw_stream
            while raw.read(_DRAIN):
                pass
            if getattr(raw, "limit", 0) > 0:
                if item is not None and item.kind != "reject":
                    item.kind, item.reason = "reject", "record is truncated"
                if item is not None:
                    yield item
                yield WarcBreak(number, f"WARC is truncated inside record {number}")
                return
            if item is not None:
                yield item
    except Exception as exc:  # ArchiveLoadFailed, zlib.error, or warcio tripping over damaged headers
        where = f"after record {number}" if number else "at its start"
        yield WarcBreak(number, f"WARC is corrupt or truncated {where}: {type(exc).__name__}: {exc}")
        return
    if iterator.truncated_header:
        yield WarcBreak(number, f"WARC is truncated in the headers of record {number + 1}")
    elif iterator.truncated_gzip:
        yield WarcBreak(number, f"WARC.gz is truncated after record {number} (a gzip member is cut short)")
