"""``storyline watch`` polls feeds over HTTP: a real server on loopback (http.server in a thread) serves
fictional feeds written for these tests, and records every request it gets.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storyline.store import Store, open_store
from storyline.watch import FetchError, Settings, fetch, poll

# Fictional items of a fictional outlet: (guid, title, text).
ITEMS = [
    (
        "lark-1",
        "Tollbridge at Marrow Ford closes for repairs",
        "The old tollbridge at Marrow Ford closed on Tuesday for six weeks of repairs to its stone piers. "
        "Drivers are sent round by the Kestle road, which adds about twenty minutes.",
    ),
    (
        "lark-2",
        "Orchard growers in Pellam expect a late harvest",
        "Apple growers around Pellam say a cold April has pushed the harvest back by two weeks. "
        "The cooperative still expects about 900 tonnes, close to last year's crop.",
    ),
    (
        "lark-3",
        "Pellam library reopens after flood",
        "The Pellam town library reopened its doors on Saturday, eight months after the river flooded "
        "its ground floor. Volunteers dried and sorted some 12,000 books.",
    ),
]
LATER = [
    (
        "lark-4",
        "Ferry service to Owlsey resumes",
        "The ferry between Harrow Quay and Owlsey island sailed again on Monday after a three-day strike by "
        "deck crews ended with a new pay agreement.",
    ),
    (
        "lark-5",
        "Marrow Ford market moves to the square",
        "The Thursday market of Marrow Ford will be held on the church square from next month while the "
        "market hall roof is replaced, the town council said.",
    ),
]
PAGE_TEXT = (
    "Councillors in Marrow Ford voted on Wednesday to keep the night bus running through the winter. "
    "The service, started as a trial in spring, carried more than 4,000 passengers in its first months. "
    "Opponents had argued that the money would be better spent on the day timetable, which has lost two "
    "routes since last year. The council will review the figures again in March."
)


def rss(items: list[tuple[str, str, str]], title: str = "The Larkspur Herald", link: str = "") -> str:
    entries = "".join(
        f"<item><title>{t}</title><guid isPermaLink='false'>{g}</guid>"
        f"<link>{link or 'https://larkspur-herald.example/' + g}</link>"
        f"<pubDate>Tue, 0{n + 1} Apr 2031 09:00:00 GMT</pubDate><description>{x}</description></item>"
        for n, (g, t, x) in enumerate(items)
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>{title}</title><language>en</language>{entries}</channel></rss>"
    )


class FeedServer:
    """Serves ``documents[path] = (body, content type)`` with an ETag and Last-Modified per version; answers
    a matching conditional request with 304; ``fail`` paths answer 500, ``slow`` paths sleep first."""

    def __init__(self) -> None:
        self.documents: dict[str, tuple[str, str]] = {}
        self.versions: dict[str, int] = {}
        self.fail: set[str] = set()
        self.slow: set[str] = set()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.answers: list[tuple[str, int]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers)))
                if self.path in server.slow:
                    time.sleep(1.5)
                if self.path in server.fail:
                    return self._answer(500)
                if self.path not in server.documents:
                    return self._answer(404)
                body, kind = server.documents[self.path]
                version = server.versions[self.path]
                etag = f'"v{version}"'
                modified = format_datetime(datetime(2031, 4, 1, tzinfo=UTC) + timedelta(hours=version), True)
                if self.headers.get("If-None-Match") == etag or (
                    "If-None-Match" not in self.headers and self.headers.get("If-Modified-Since") == modified
                ):
                    return self._answer(304)
                data = body.encode("utf-8")
                self.send_response(200)
                server.answers.append((self.path, 200))
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", modified)
                self.end_headers()
                self.wfile.write(data)

            def _answer(self, code: int) -> None:
                server.answers.append((self.path, code))
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def put(self, path: str, body: str, kind: str = "application/rss+xml; charset=utf-8") -> str:
        self.documents[path] = (body, kind)
        self.versions[path] = self.versions.get(path, 0) + 1
        return self.base + path

    def seen(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    feeds = FeedServer()
    thread = threading.Thread(target=feeds.httpd.serve_forever, daemon=True)
    thread.start()
    yield feeds
    feeds.httpd.shutdown()
    feeds.httpd.server_close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "watch.db") as s:
        yield s


FAST = Settings(every=timedelta(minutes=15), timeout=0.5)
T0 = datetime(2031, 4, 7, 12, 0, tzinfo=UTC)


def test_first_poll_stores_every_item_through_the_ledger(server: FeedServer, store: Store) -> None:
    store.add_feeds([server.put("/larkspur.xml", rss(ITEMS))])
    [result] = poll(store, FAST, now=T0)
    assert (result.status, result.new, result.seen) == ("updated", 3, 0)
    assert store.count_articles() == 3
    assert {a.title for a in store.articles()} == {t for _, t, _ in ITEMS}
    assert {a.source for a in store.articles()} == {"The Larkspur Herald"}
    assert [e.status for e in store.ledger()] == ["ingested"] * 3
    assert "storyline/" in server.seen("/larkspur.xml")[0]["User-Agent"]


def test_unchanged_second_poll_is_conditional_gets_304_and_stores_nothing(
    server: FeedServer, store: Store
) -> None:
    store.add_feeds([server.put("/larkspur.xml", rss(ITEMS))])
    poll(store, FAST, now=T0)
    [result] = poll(store, FAST, now=T0 + timedelta(minutes=15))
    second = server.seen("/larkspur.xml")[1]
    assert second["If-None-Match"] == '"v1"'
    assert "If-Modified-Since" in second
    assert server.answers[-1] == ("/larkspur.xml", 304)
    assert result.status == "unchanged" and result.new == 0
    assert store.count_articles() == 3


def test_poll_after_two_items_were_added_stores_exactly_those_two(server: FeedServer, store: Store) -> None:
    store.add_feeds([server.put("/larkspur.xml", rss(ITEMS))])
    poll(store, FAST, now=T0)
    before = {a.id for a in store.articles()}
    server.put("/larkspur.xml", rss(LATER + ITEMS))
    [result] = poll(store, FAST, now=T0 + timedelta(minutes=15))
    assert (result.status, result.new, result.seen) == ("updated", 2, 3)
    added = [a for a in store.articles() if a.id not in before]
    assert sorted(a.title for a in added) == sorted(t for _, t, _ in LATER)
    assert sorted(result.new_ids) == sorted(a.id for a in added)
    assert [e.status for e in store.ledger()] == ["ingested", "ingested"], "the seen items are not re-logged"


@pytest.mark.parametrize("trouble", ["fail", "slow"])
def test_failing_feed_is_reported_backs_off_and_is_retried_while_others_go_on(
    server: FeedServer, store: Store, trouble: str
) -> None:
    bad = server.put("/bad.xml", rss(LATER, title="The Owlsey Courier", link="https://owlsey.example/x"))
    getattr(server, trouble).add("/bad.xml")
    good = server.put("/larkspur.xml", rss(ITEMS))
    store.add_feeds([bad, good])
    failed, ok = poll(store, FAST, now=T0)
    assert failed.status == "failed"
    assert ("HTTP 500" if trouble == "fail" else "timed out") in (failed.error or "")
    assert (ok.status, ok.new) == ("updated", 3), "the other feed goes on"
    assert [f.failures for f in store.feeds()] == [1, 0]

    # Within its backoff the failing feed is not asked again.
    asked = len(server.seen("/bad.xml"))
    waiting, _ = poll(store, FAST, now=T0 + timedelta(minutes=1))
    assert waiting.status == "waiting"
    assert (failed.error or "") in (waiting.error or ""), "the wait names the failure"
    assert len(server.seen("/bad.xml")) == asked

    # After it, the feed is tried again and, the server mended, its items come in.
    getattr(server, trouble).discard("/bad.xml")
    retried, _ = poll(store, FAST, now=T0 + timedelta(minutes=16))
    assert (retried.status, retried.new) == ("updated", 2)
    assert store.feeds()[0].failures == 0
    assert store.count_articles() == 5


def test_backoff_doubles_with_each_failure_in_a_row(server: FeedServer, store: Store) -> None:
    url = server.put("/bad.xml", rss(ITEMS))
    server.fail.add("/bad.xml")
    store.add_feeds([url])
    now = T0
    waits = []
    for _ in range(3):
        [result] = poll(store, FAST, now=now)
        next_try = datetime.fromisoformat(result.next_try or "")
        waits.append(next_try - now)
        now = next_try + timedelta(seconds=1)
    assert waits == [timedelta(minutes=15), timedelta(minutes=30), timedelta(minutes=60)]


def test_feed_state_is_kept_in_the_store(server: FeedServer, tmp_path: Path) -> None:
    url = server.put("/larkspur.xml", rss(ITEMS))
    with open_store(tmp_path / "kept.db") as store:
        store.add_feeds([url, url])
        poll(store, FAST, now=T0)
    with open_store(tmp_path / "kept.db") as store:
        [state] = store.feeds()
        assert (state.url, state.etag, state.title) == (url, '"v1"', "The Larkspur Herald")
        assert state.last_polled == T0.isoformat()


def test_answers_over_the_size_limit_or_not_a_feed_are_failures(server: FeedServer, store: Store) -> None:
    big = server.put("/big.xml", rss(ITEMS * 20))
    page = server.put("/page.html", "<html><body><p>Not a feed.</p></body></html>", "text/html")
    store.add_feeds([big, page])
    too_big, not_feed = poll(store, Settings(max_bytes=2000, timeout=0.5), now=T0)
    assert too_big.status == "failed" and "over the limit" in (too_big.error or "")
    assert not_feed.status == "failed" and "not an RSS or Atom feed" in (not_feed.error or "")
    assert store.count_articles() == 0


def test_only_http_urls_are_fetched() -> None:
    with pytest.raises(FetchError, match="not an http"):
        fetch("file:///etc/passwd")


def test_fetch_pages_keeps_the_fuller_text_of_the_linked_page(server: FeedServer, store: Store) -> None:
    page = server.put(
        "/night-bus.html",
        "<html><head><title>Night bus stays</title></head><body><nav>Home | News</nav><article>"
        + "".join(f"<p>{s}.</p>" for s in PAGE_TEXT.rstrip(".").split(". "))
        + "</article></body></html>",
        "text/html; charset=utf-8",
    )
    item = [("lark-9", "Night bus stays", "Councillors voted to keep the night bus.")]
    store.add_feeds([server.put("/larkspur.xml", rss(item, link=page))])
    [result] = poll(store, Settings(fetch_pages=True, timeout=0.5), now=T0)
    assert result.new == 1
    [article] = store.articles()
    assert "4,000 passengers" in article.text
    assert "Home | News" not in article.text


@pytest.mark.slow
def test_watch_once_prints_new_stories_then_unchanged(server: FeedServer, run_cli, tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    url = server.put("/larkspur.xml", rss(ITEMS))
    first = run_cli("watch", url, "--db", db, "--once")
    assert first.exit_code == 0, first.explain()
    assert f"{url}: 3 new" in first.stdout
    assert first.stdout.count("new story") >= 1
    second = run_cli("watch", "--db", db, "--once")
    assert second.exit_code == 0, second.explain()
    assert f"{url}: unchanged" in second.stdout
    server.put("/larkspur.xml", rss(LATER + ITEMS))
    third = run_cli("watch", "--db", db, "--once")
    assert f"{url}: 2 new, 3 already stored" in third.stdout, third.explain()
    assert "new story" in third.stdout or "grown" in third.stdout


def test_a_feed_without_validators_is_fetched_in_full_but_its_known_items_are_not_stored_again(
    server: FeedServer, store: Store
) -> None:
    url = server.put("/plain.xml", rss(ITEMS))
    store.add_feeds([url])
    poll(store, FAST, now=T0)
    # The server forgets its validators: the next answer is a full 200 again.
    server.versions["/plain.xml"] += 1
    [result] = poll(store, FAST, now=T0 + timedelta(minutes=15))
    assert server.answers[-1] == ("/plain.xml", 200)
    assert (result.status, result.new, result.seen) == ("updated", 0, 3)
    assert store.count_articles() == 3


def test_a_schema_4_database_gains_the_feeds_table_and_keeps_its_articles(tmp_path: Path) -> None:
    import sqlite3

    from storyline.store.sqlite import MIGRATIONS, SCHEMA_VERSION

    path = tmp_path / "old.db"
    raw = sqlite3.connect(path)
    for n, script in enumerate(MIGRATIONS[:4], 1):
        raw.executescript(f"BEGIN;{script}PRAGMA user_version = {n};COMMIT;")
    raw.execute(
        "INSERT INTO articles (id, hash, origin, text, ingested_at) VALUES ('kept', 'h', 'x', 'Old.', 'now')"
    )
    raw.commit()
    raw.close()
    with open_store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.has_article("kept")
        assert store.feeds() == []


def test_watch_refuses_urls_it_would_not_fetch(invoke_cli, tmp_path: Path) -> None:
    listed = tmp_path / "feeds.txt"
    listed.write_text("# my feeds\nhttps://larkspur-herald.example/feed.xml\nftp://owlsey.example/feed\n")
    result = invoke_cli("watch", "--urls", listed, "--db", tmp_path / "w.db", "--once")
    assert result.exit_code == 2, result.explain()
    assert "ftp://owlsey.example/feed" in result.output
    assert invoke_cli("watch", "--db", tmp_path / "w.db", "--once", "--every", "5s").exit_code == 2
