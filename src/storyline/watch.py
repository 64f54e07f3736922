"""``storyline watch``: poll RSS/Atom feeds and take their new items in, the only network access storyline
makes, and only to the URLs its user names.

Each poll is a conditional request (``If-None-Match`` / ``If-Modified-Since`` from the feed's last full
answer), with a timeout over the whole download, a size limit and a User-Agent that says who asks. A feed
that fails (an HTTP error, a timeout, a body that is not a feed) is reported and backs off — it rests one
interval after its first failure, two after its second, four after its third, up to a day — while the
others go on. An item whose id (from its guid or link) is already stored is not new and is left out; the new
ones go through the normal ingest (ids, duplicates, syndicated copies, ledger), and the stories are then
updated incrementally. A feed's items, its ledger entries and its new state are committed together, so a
poll killed midway is simply done again by the next one.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import urlparse

from storyline.ingest import Ingestor
from storyline.ingest.encoding import charset_from_content_type, declared_charset, decode_bytes
from storyline.ingest.feeds import feed_root, parse_feed
from storyline.ingest.html import parse_html
from storyline.ingest.readers import DEFAULT_MAX_HTML_BYTES, Record, feed_records
from storyline.model import FeedState, LedgerEntry, Story
from storyline.store import Store

DEFAULT_TIMEOUT_S = 20.0
DEFAULT_MAX_FEED_BYTES = 10_000_000
DEFAULT_EVERY = timedelta(minutes=15)
MAX_BACKOFF = timedelta(days=1)
_CHUNK = 65536
_ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, */*;q=0.1"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _user_agent() -> str:
    try:
        own = version("storyline")
    except PackageNotFoundError:
        own = "dev"
    return f"storyline/{own} (news feed monitor; polls only the feeds its user follows)"


USER_AGENT = _user_agent()


class FetchError(Exception):
    """Why a URL gave nothing usable, in words a user can act on."""


@dataclass
class Fetched:
    status: int  # 200, or 304 when the conditional request found nothing changed
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    charset: str | None = None


def check_url(url: str) -> str | None:
    """Why ``url`` cannot be watched, or None: only absolute http(s) URLs are fetched."""
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"'{url}' is not an http:// or https:// URL"
    return None


def fetch(
    url: str,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
    max_bytes: int = DEFAULT_MAX_FEED_BYTES,
    accept: str = _ACCEPT,
) -> Fetched:
    """GET ``url``, conditionally when validators are given. ``timeout`` bounds the whole exchange (a
    server that trickles bytes does not hold a poll forever); a body over ``max_bytes`` is refused."""
    bad = check_url(url)
    if bad:
        raise FetchError(bad)
    headers = {"User-Agent": USER_AGENT, "Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as resp:
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"answer is {int(declared):,} bytes, over the limit of {max_bytes:,}")
            body = bytearray()
            while chunk := resp.read(_CHUNK):
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(f"answer is over the limit of {max_bytes:,} bytes")
                if time.monotonic() > deadline:
                    raise FetchError(f"timed out after {timeout:g} s")
            return Fetched(
                200,
                bytes(body),
                resp.headers.get("ETag"),
                resp.headers.get("Last-Modified"),
                charset_from_content_type(resp.headers.get("Content-Type")),
            )
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(304)
        raise FetchError(f"HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise FetchError(f"timed out after {timeout:g} s") from exc
        raise FetchError(f"cannot reach {urlparse(url).hostname}: {reason}") from exc
    except TimeoutError as exc:
        raise FetchError(f"timed out after {timeout:g} s") from exc
    except (OSError, ValueError) as exc:  # connection reset midway, a malformed header …
        raise FetchError(f"{type(exc).__name__}: {exc}") from exc


def _text(fetched: Fetched) -> str:
    declared = declared_charset(fetched.body) or fetched.charset
    return decode_bytes(fetched.body, declared=declared).text.replace("\x00", "")


def _stem(url: str) -> str:
    """The prefix of the ids of a feed's items: its host, so that one outlet's item carried by two of its
    feeds (front page and world, say) has one id."""
    return _UNSAFE.sub("-", urlparse(url).hostname or "feed").strip("-") or "feed"


@dataclass
class Settings:
    every: timedelta = DEFAULT_EVERY
    timeout: float = DEFAULT_TIMEOUT_S
    max_bytes: int = DEFAULT_MAX_FEED_BYTES
    fetch_pages: bool = False
    max_html_bytes: int = DEFAULT_MAX_HTML_BYTES


@dataclass
class FeedPoll:
    """What one feed gave in one round."""

    url: str
    status: str  # "updated" (a full answer), "unchanged" (304), "failed", "waiting" (backing off)
    new: int = 0  # items stored (originals and syndicated copies)
    seen: int = 0  # items already stored, left out
    duplicates: int = 0  # the same text again
    rejected: list[LedgerEntry] = field(default_factory=list)
    error: str | None = None
    next_try: str | None = None
    new_ids: list[str] = field(default_factory=list)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def backoff(failures: int, every: timedelta) -> timedelta:
    """How long a feed rests after its ``failures``-th failure in a row: one interval, then doubling."""
    return max(every, min(every * 2 ** (failures - 1), MAX_BACKOFF))


def _with_page(record: Record, settings: Settings) -> Record:
    """The item with the text of the page it links to, where that page gives more than the feed did."""
    article = record.article
    if article is None or not article.url or check_url(article.url):
        return record
    try:
        page = fetch(
            article.url,
            timeout=settings.timeout,
            max_bytes=settings.max_html_bytes,
            accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
        )
    except FetchError as exc:
        record.warnings.append(f"linked page not fetched ({exc}); kept the feed's text")
        return record
    parsed = parse_html(_text(page), url=article.url)
    if parsed is None or len(parsed.body.split()) <= article.word_count:
        return record
    # hash="" makes the Article compute the hash of its new text.
    record.article = dataclasses.replace(
        article,
        text=parsed.body,
        hash="",
        published=article.published or parsed.published,
        author=article.author or parsed.author,
    )
    return record


def _poll_feed(
    store: Store, ingestor: Ingestor, state: FeedState, settings: Settings, run: str, now: datetime
) -> FeedPoll:
    state.last_polled = _iso(now)
    try:
        fetched = fetch(state.url, state.etag, state.last_modified, settings.timeout, settings.max_bytes)
        text = _text(fetched) if fetched.status == 200 else ""
        if fetched.status == 200 and not feed_root(text):
            raise FetchError("the answer is not an RSS or Atom feed")
    except FetchError as exc:
        state.failures += 1
        state.last_error = str(exc)
        state.next_try = _iso(now + backoff(state.failures, settings.every))
        store.save_feed(state)
        return FeedPoll(state.url, "failed", error=str(exc), next_try=state.next_try)
    state.failures, state.last_error, state.next_try = 0, None, None
    if fetched.status == 304:
        store.save_feed(state)
        return FeedPoll(state.url, "unchanged")
    feed = parse_feed(text, _stem(state.url))
    poll = FeedPoll(state.url, "updated")
    entries = []
    with store.transaction():
        for record in feed_records(feed, state.url, _stem(state.url)):
            if record.article is not None and record.article_id and store.has_article(record.article.id):
                poll.seen += 1
                continue
            if settings.fetch_pages:
                record = _with_page(record, settings)
            entry = ingestor.add(record)
            entries.append(entry)
            if entry.status == "rejected":
                poll.rejected.append(entry)
            elif entry.status == "duplicate" and entry.reason and entry.reason.startswith("same text"):
                poll.duplicates += 1
            else:
                poll.new += 1
                poll.new_ids.append(entry.article_id or "")
        store.record(run, entries)
        state.etag, state.last_modified = fetched.etag, fetched.last_modified
        state.title = feed.title or state.title
        store.save_feed(state)
    return poll


def poll(store: Store, settings: Settings, now: datetime | None = None) -> list[FeedPoll]:
    """One round over every followed feed that is not backing off. Never raises for a feed's failure."""
    now = now or datetime.now(UTC)
    run = f"watch {_iso(now)}"
    ingestor = Ingestor(store)
    results = []
    for state in store.feeds():
        if state.next_try and datetime.fromisoformat(state.next_try) > now:
            results.append(
                FeedPoll(
                    state.url,
                    "waiting",
                    error=f"backing off after {state.failures} failure(s): {state.last_error}",
                    next_try=state.next_try,
                )
            )
            continue
        results.append(_poll_feed(store, ingestor, state, settings, run, now))
    return results


# -- what changed in the stories ----------------------------------------------------------------------


@dataclass
class Changes:
    new_stories: list[Story] = field(default_factory=list)
    grown: list[tuple[Story, int]] = field(default_factory=list)  # (story, articles it gained)
    new_conflicts: list[tuple[Story, dict[str, Any]]] = field(default_factory=list)


def _conflict_key(conflict: dict[str, Any]) -> str:
    return json.dumps(conflict, sort_keys=True, ensure_ascii=False)


def snapshot(stories: Iterable[Story]) -> tuple[set[str], set[str]]:
    """The articles in stories, and the conflicts found, before an update."""
    stories = list(stories)
    return (
        {a for s in stories for a in s.article_ids},
        {_conflict_key(c) for s in stories for c in s.conflicts},
    )


def changes(before: tuple[set[str], set[str]], after: list[Story]) -> Changes:
    """New stories (none of their articles was in a story), grown ones, and conflicts not found before.
    Story ids follow their earliest article, so stories are matched by their articles, not their ids."""
    storied, conflicts = before
    found = Changes()
    for story in after:
        gained = sum(a not in storied for a in story.article_ids)
        if gained == len(story.article_ids):
            found.new_stories.append(story)
        elif gained:
            found.grown.append((story, gained))
        found.new_conflicts += [(story, c) for c in story.conflicts if _conflict_key(c) not in conflicts]
    return found
