"""Turning one JSON record into an :class:`Article`, or a reason why it cannot be one."""

from __future__ import annotations

import re
from typing import Any

from storyline.ingest.dates import normalise_date
from storyline.ingest.language import detect_language
from storyline.ingest.text import headline
from storyline.model import Article

_OPTIONAL_STRINGS = ("title", "url", "source", "language", "author", "section")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


class RecordError(ValueError):
    """A record that cannot become an article; the message is shown to the user as the reason."""


def without_lone_surrogates(obj: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """``obj`` with unpaired surrogates in its string values replaced by U+FFFD, and how many there were.

    ``json.loads`` pairs valid surrogate escapes into one character, so any left are unpaired.
    """
    replaced = 0
    cleaned: dict[str, Any] = {}
    for key, value in obj.items():
        if isinstance(value, str):
            value, n = _LONE_SURROGATE.subn("\ufffd", value)
            replaced += n
        cleaned[key] = value
    return (cleaned, replaced) if replaced else (obj, 0)


def title_from_text(text: str, limit: int = 120) -> str:
    """A display title for an untitled record: its first line that is not page furniture (else its first
    line), cut at a word boundary."""
    first = headline(text) or next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0] + "…"


def article_from_record(obj: Any, origin: str, fallback_id: str) -> Article:
    if not isinstance(obj, dict):
        raise RecordError(f"expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if text is None:
        raise RecordError("record has no 'text' field")
    if not isinstance(text, str):
        raise RecordError(f"'text' must be a string, got {type(text).__name__}")
    text = text.replace("\x00", "").strip()
    if not text:
        raise RecordError("'text' is empty")
    raw_id = obj.get("id", fallback_id)
    if not isinstance(raw_id, str | int) or isinstance(raw_id, bool) or str(raw_id).strip() == "":
        raise RecordError(f"'id' must be a non-empty string or integer, got {raw_id!r}")
    fields: dict[str, str | None] = {}
    for key in _OPTIONAL_STRINGS:
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise RecordError(f"'{key}' must be a string, got {type(value).__name__}")
        fields[key] = value.strip() or None if isinstance(value, str) else None
    return Article(
        id=str(raw_id).strip(),
        text=text,
        title=fields["title"] or title_from_text(text),
        url=fields["url"],
        source=fields["source"],
        published=normalise_date(obj.get("published")),
        language=fields["language"] or detect_language(text),
        author=fields["author"],
        section=fields["section"],
        origin=origin,
    )
