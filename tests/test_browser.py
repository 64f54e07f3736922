"""The web UI in a real browser: Debian's Chromium driven by Playwright, against a real uvicorn server.

Skipped, with the reason, where no Chromium is installed (``.ci/run`` installs it with apt-get). The
browser never downloads anything: Playwright is pointed at the system executable, background
networking is off, and the pages load only from the local server.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from storyline.serve import create_app
from test_serve import HOSTILE_TITLE, served_db

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) is not installed")

CHROMIUM = os.environ.get("STORYLINE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).is_file():
    pytest.skip(
        f"no Chromium at {CHROMIUM}: install Debian's `chromium` package (apt-get install chromium) or set "
        "STORYLINE_CHROMIUM to a Chromium executable",
        allow_module_level=True,
    )

SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "story-page.png"
STARTUP_TIMEOUT_S = 30

__all__ = ["served_db"]  # the session fixture that builds the store, shared with test_serve.py


@pytest.fixture(scope="module")
def base_url(served_db: Path) -> Iterator[str]:
    """A uvicorn server over the test store, on a free loopback port, for the module's tests."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(served_db), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: sync_api.Browser) -> Iterator[sync_api.Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def open_story(page: sync_api.Page, base_url: str, word: str) -> None:
    """From the story list, follow the link to the story titled with ``word``."""
    page.goto(base_url + "/")
    page.locator("ol.stories h2 a", has_text=word).first.click()
    page.wait_for_url("**/stories/**")
    sync_api.expect(page.locator("h1")).to_contain_text(word)


def test_the_list_shows_every_story_and_searches(page: sync_api.Page, base_url: str) -> None:
    page.goto(base_url + "/")
    everything = page.locator("li.story-item").count()
    assert everything >= 3
    page.fill("input[name=q]", "timber yard")
    page.click("button[type=submit]")
    sync_api.expect(page.locator("#count")).to_contain_text(f"of {everything} stories")
    titles = page.locator("li.story-item h2").all_inner_texts()
    assert titles and len(titles) < everything
    assert any("Hollvik" in t for t in titles)


def test_a_citation_highlights_its_source_sentence(page: sync_api.Page, base_url: str) -> None:
    open_story(page, base_url, "Dunmere")
    cites = page.locator(".summary a.cite")
    assert cites.count() > 0
    for n in range(min(cites.count(), 4)):
        cite = cites.nth(n)
        target_id = cite.get_attribute("href").removeprefix("#")
        quote = cite.get_attribute("title").split(": “", 1)[1].rstrip("”")
        cite.click()
        sentence = page.locator(f"[id='{target_id}']")
        sync_api.expect(sentence).to_have_class(re.compile(r"\bhl\b"))
        sync_api.expect(sentence).to_be_in_viewport()
        assert page.locator(".sentence.hl").count() == 1
        # The highlighted sentence is (the start of) the quoted span of the source article.
        said = " ".join(sentence.inner_text().split())
        assert said in " ".join(quote.split()) or " ".join(quote.split()) in said


def test_hostile_markup_runs_nothing(page: sync_api.Page, base_url: str) -> None:
    page.goto(base_url + "/articles/hostile-1")
    story_href = page.locator("a[href^='/stories/']").first.get_attribute("href")
    for path in ("/articles/hostile-1", story_href, "/?q=hollvik", "/"):
        page.goto(base_url + path)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__pwned") == "undefined", f"a payload ran on {path}"
        assert page.locator("img, iframe, svg:not(.chart)").count() == 0, f"markup injected on {path}"
    page.goto(base_url + "/articles/hostile-1")
    sync_api.expect(page.locator("h1")).to_have_text(HOSTILE_TITLE)  # shown as the text it is
    assert page.locator("a[href^='javascript:']").count() == 0


def test_screenshot_of_the_story_page(page: sync_api.Page, base_url: str) -> None:
    open_story(page, base_url, "Dunmere")
    page.locator(".summary a.cite").first.click()
    page.evaluate("window.scrollTo(0, 0)")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000
