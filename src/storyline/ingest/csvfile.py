"""CSV (and TSV) files of articles: a header row naming the columns, one article per row.

``text`` is required (``body`` or ``content`` are accepted as the text column); ``id``, ``title``,
``url``, ``source``, ``published``, ``language`` and ``author`` are optional; other columns are ignored.
Each row becomes the same kind of record as a JSON Lines line, so validation is shared.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

TEXT_COLUMNS = ("text", "body", "content")
OPTIONAL_COLUMNS = ("id", "title", "url", "source", "published", "language", "author")
DELIMITERS = (",", "\t", ";", "|")
_COLUMN_NAME = re.compile(r"^[\w.-]{0,40}$")
# A last line after the file's own: a quoted field left open swallows it, which is how such a field is
# told from one closed on the last line (csv's lenient reader returns both without complaint).
_END = "\ue001end of file\ue001"
_UNCLOSED = "a quoted field opened here is never closed"


@dataclass
class CsvRow:
    line: int  # the physical line the row starts on (1-based)
    record: dict[str, str] | None = None  # the row as a JSON-like record, when it has text
    reason: str | None = None  # why the row cannot be an article
    own_id: str | None = None
    warning: str | None = None


def _columns(header_line: str, delimiter: str) -> list[str]:
    try:
        row = next(csv.reader([header_line], delimiter=delimiter), [])
    except csv.Error:
        return []
    return [cell.strip().lstrip("\ufeff").lower() for cell in row]


def sniff_delimiter(text: str, require_text_column: bool = True) -> str | None:
    """The delimiter of a CSV whose first line is a header naming a text column (None: not such a CSV)."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    if not first.strip() or len(first) > 4096:
        return None
    best, best_count = None, 1
    for delimiter in DELIMITERS:
        columns = _columns(first, delimiter)
        # Column names, not prose that happens to start with "Body, …": no spaces, not too long.
        named = all(_COLUMN_NAME.match(c) for c in columns)
        if named and any(c in TEXT_COLUMNS for c in columns) and len(columns) >= 2:
            return delimiter
        if len(columns) > best_count:
            best, best_count = delimiter, len(columns)
    return None if require_text_column else (best or ",")


def read_csv(text: str, delimiter: str, max_field: int) -> Iterator[CsvRow] | str:
    """The rows of a CSV text, or a reason the whole file cannot be read (no text column)."""
    if csv.field_size_limit() < max_field:
        csv.field_size_limit(max_field)
    lines = itertools.chain(io.StringIO(text.lstrip("\ufeff"), newline=""), ["\n", _END + "\n"])
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader, None)
        while header == []:  # blank lines above the header
            header = next(reader, None)
    except csv.Error as exc:
        return f"cannot read the CSV header: {exc}"
    if not header or header == [_END]:
        return "CSV file has no header row"
    if _END in header[-1]:
        return f"cannot read the CSV header: {_UNCLOSED}"
    columns = [c.strip().lower() for c in header]
    text_columns = [i for i, c in enumerate(columns) if c in TEXT_COLUMNS]
    if not text_columns:
        shown = ", ".join(repr(c) for c in columns[:12])
        return f"CSV header has no 'text', 'body' or 'content' column (columns: {shown})"
    return _rows(reader, columns, text_columns, reader.line_num)


def _rows(
    reader: Iterator[list[str]], columns: list[str], text_columns: list[int], header_line: int
) -> Iterator[CsvRow]:
    wanted = [(i, c) for i, c in enumerate(columns) if c in OPTIONAL_COLUMNS]
    text_name = columns[text_columns[0]]
    last_line = header_line
    while True:
        start = last_line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield CsvRow(start, reason=f"malformed CSV from here on, not read: {exc}")
            return
        last_line = reader.line_num  # type: ignore[attr-defined]
        if not row:
            continue  # a blank line is not a record
        if row == [_END]:
            return
        if _END in row[-1]:
            yield CsvRow(start, reason=f"malformed CSV from here on, not read: {_UNCLOSED}")
            return
        cells = [cell.strip() for cell in row]
        record = {name: cells[i] for i, name in wanted if i < len(cells) and cells[i]}
        own_id = record.get("id")
        text = next((cells[i] for i in text_columns if i < len(cells) and cells[i]), "")
        if not text:
            yield CsvRow(start, reason=f"row has no text (empty '{text_name}' column)", own_id=own_id)
            continue
        record["text"] = text
        warning = None
        if len(cells) > len(columns):
            warning = f"row has {len(cells) - len(columns)} more cells than the header; extra cells ignored"
        yield CsvRow(start, record=record, own_id=own_id, warning=warning)
