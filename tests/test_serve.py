"""``storyline serve``: the JSON API and the web pages, through FastAPI's in-process test client.

One small store is built per test session from fictional articles (tests/fictional.py) plus one
article whose title, text, outlet and URL carry hostile markup. Tests that write get their own copy.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from fictional import article, dunmere_fire, hollvik_fire, kessel_election
from storyline import contract, pipeline
from storyline.ingest import Ingestor
from storyline.ingest.readers import Record
from storyline.model import Article
from storyline.serve import catalog, create_app
from storyline.store import open_store

TOKEN = "s3cret-token-for-tests"
# Each payload would set window.__pwned if the page let it run; the browser test checks the flag.
HOSTILE_TITLE = 'Hollvik fire <script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'
HOSTILE_SOURCE = "Evil <svg onload=window.__pwned=1> Gazette"
HOSTILE_URL = "javascript:window.__pwned=1"
HOSTILE_TEXT = (
    "The Bergstrand timber yard in Hollvik burned for nine hours on Saturday night, "
    'fire chief Oskar Lind said <img src=x onerror="window.__pwned=1">. '
    "Firefighters from Hollvik fought the blaze at the timber yard until dawn "
    "<script>window.__pwned=1</script>. Residents said the smoke "
    "\"</span><iframe srcdoc='<script>parent.__pwned=1</script>'>\" hung over Hollvik."
)
TARN_TEXT = (
    "The old stone bridge at Tarnby was closed to traffic on Friday after engineers found a crack in its "
    "central arch. The county council said the closure would last at least a month."
)
RAW_PAYLOADS = ("<script>window.__pwned", "<img src=x", "<svg onload", "<iframe", 'href="javascript:')


def hostile_article() -> Article:
    hostile = article("hostile-1", HOSTILE_SOURCE, "2031-03-03", HOSTILE_TITLE, HOSTILE_TEXT)
    hostile.url = HOSTILE_URL
    return hostile


def build_store(path: Path) -> Path:
    """A store with the fictional stories and the hostile article, ingested and clustered."""
    articles = [*hollvik_fire(), *dunmere_fire(), *kessel_election(), hostile_article()]
    with open_store(path) as store:
        ingestor = Ingestor(store)
        with store.transaction():
            entries = [ingestor.add(Record(f"test#{a.id}", article=a)) for a in articles]
            store.record("test", entries)
        pipeline.update_stories(store)
    return path


def copy_store(source: Path, target: Path) -> Path:
    """A consistent copy of a WAL database (the backup API copies committed pages only)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


@pytest.fixture(scope="session")
def served_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("serve") / "stories.db")


@pytest.fixture(scope="module")
def client(served_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(served_db)) as test_client:
        yield test_client


@pytest.fixture
def writable(served_db: Path, tmp_path: Path) -> Iterator[TestClient]:
    """A client over a private copy of the store, started with a token."""
    with TestClient(create_app(copy_store(served_db, tmp_path / "copy.db"), token=TOKEN)) as test_client:
        yield test_client


@dataclass
class Listing:
    total: int
    ids: list[str]
    items: list[dict[str, Any]]


def list_stories(client: TestClient, **params: Any) -> Listing:
    response = client.get("/api/stories", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    return Listing(body["total"], [s["id"] for s in body["stories"]], body["stories"])


def story_about(client: TestClient, word: str) -> dict[str, Any]:
    """The story whose title names ``word`` (each fictional event has its own place name)."""
    found = [s for s in list_stories(client, limit=100).items if word.lower() in s["title"].lower()]
    assert found, f"no story titled with {word!r}"
    return found[0]


# -- reading ------------------------------------------------------------------------------------


def test_the_list_holds_every_story_of_the_store(client: TestClient, served_db: Path) -> None:
    with open_store(served_db) as store:
        stored = {s.id for s in store.stories()}
    listing = list_stories(client, limit=100)
    assert listing.total == len(stored)
    assert set(listing.ids) == stored


def test_text_search_finds_the_story_about_a_place_and_not_the_others(client: TestClient) -> None:
    hollvik = story_about(client, "Hollvik")
    dunmere = story_about(client, "Dunmere")
    found = list_stories(client, q="timber yard")
    assert hollvik["id"] in found.ids
    assert dunmere["id"] not in found.ids


def test_entity_filter_keeps_only_stories_naming_that_entity(client: TestClient) -> None:
    dunmere = story_about(client, "Dunmere")
    assert dunmere["key_entities"], "the Dunmere story names no key entity"
    entity = dunmere["key_entities"][0]
    found = list_stories(client, entity=entity)
    assert dunmere["id"] in found.ids
    assert all(any(entity.lower() in e.lower() for e in s["key_entities"]) for s in found.items)


def test_source_filter_keeps_only_stories_covered_by_that_outlet(client: TestClient) -> None:
    found = list_stories(client, source="radio nord")
    assert found.total > 0
    assert all("Radio Nord" in s["sources"] for s in found.items)
    assert story_about(client, "Hollvik")["id"] in found.ids


def test_date_range_keeps_stories_that_overlap_it(client: TestClient) -> None:
    # The Dunmere fire is reported in April 2031, the Hollvik fire in early March.
    found = list_stories(client, since="2031-04-01", until="2031-04-30")
    assert story_about(client, "Dunmere")["id"] in found.ids
    assert story_about(client, "Hollvik")["id"] not in found.ids


def test_pages_of_one_story_add_up_to_the_whole_list(client: TestClient) -> None:
    whole = list_stories(client, limit=100)
    pages = [list_stories(client, limit=1, offset=n) for n in range(whole.total)]
    assert [p.ids[0] for p in pages] == whole.ids
    assert all(p.total == whole.total for p in pages)
    assert list_stories(client, limit=1, offset=whole.total).ids == []


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"since": "soon"}])
def test_bad_list_parameters_are_refused(client: TestClient, params: dict[str, Any]) -> None:
    assert client.get("/api/stories", params=params).status_code == 422


def test_a_story_cites_exact_spans_of_its_articles(client: TestClient) -> None:
    story_id = story_about(client, "Hollvik")["id"]
    story = client.get(f"/api/stories/{story_id}").json()
    assert {"articles", "summary", "shared", "unique", "conflicts", "framing", "timeline"} <= set(story)
    texts = {a["id"]: client.get(f"/api/articles/{a['id']}").json()["text"] for a in story["articles"]}
    citations = [c for s in story["summary"] for c in s["citations"]]
    assert citations, "the summary cites nothing"
    for citation in citations:
        assert " ".join(citation["quote"].split()) in " ".join(texts[citation["article_id"]].split())


def test_an_article_tells_its_story_and_sentences(client: TestClient) -> None:
    body = client.get("/api/articles/hollvik-1").json()
    assert body["source"] == "North Herald"
    assert body["story"] == story_about(client, "Hollvik")["id"]
    assert body["sentences"][0]["text"].startswith("A fire destroyed")
    assert all(body["text"][s["start"] : s["end"]] == s["text"] for s in body["sentences"])


@pytest.mark.parametrize(
    "path", ["/api/stories/s-nope", "/api/articles/nope", "/stories/s-nope", "/articles/x"]
)
def test_unknown_ids_are_404(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


# -- similarity ---------------------------------------------------------------------------------


def test_similarity_scores_seven_dimensions_and_ranks_the_same_event_closer(client: TestClient) -> None:
    hollvik, other_hollvik = hollvik_fire()[:2]
    election = kessel_election()[0]

    def score(a: Article, b: Article) -> dict[str, Any]:
        response = client.post("/api/similarity", json={"text1": a.text, "text2": b.text})
        assert response.status_code == 200, response.text
        return response.json()

    same, different = score(hollvik, other_hollvik), score(hollvik, election)
    dimensions = ("overall", "geography", "entities", "time", "narrative", "style", "tone")
    assert all(1.0 <= same[d] <= 4.0 for d in dimensions)
    assert same["overall"] < different["overall"]  # 1 = very similar … 4 = very dissimilar


@pytest.mark.parametrize(
    "body", [{"text1": "  ", "text2": "x"}, {"text1": "x"}, {"text1": "a", "text2": "b", "x": 1}]
)
def test_similarity_refuses_incomplete_pairs(client: TestClient, body: dict[str, Any]) -> None:
    assert client.post("/api/similarity", json=body).status_code == 422


# -- writing ------------------------------------------------------------------------------------

NEW_ARTICLE = {
    "id": "hollvik-5",
    "source": "Fjord Post",
    "published": "2031-03-04",
    "title": "Hollvik timber yard fire: owner counts the cost",
    "text": "The Bergstrand timber yard in Hollvik was destroyed by fire on Saturday night. "
    "Fire chief Oskar Lind said dry pine stacks let the fire spread. "
    "The owner of the yard said the 25 workers would be paid while it is rebuilt.",
}


def test_posting_without_a_token_is_401(writable: TestClient) -> None:
    response = writable.post("/api/articles", json=NEW_ARTICLE)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_posting_with_a_wrong_token_is_403(writable: TestClient) -> None:
    response = writable.post("/api/articles", json=NEW_ARTICLE, headers={"Authorization": "Bearer guess"})
    assert response.status_code == 403


def test_a_server_started_without_a_token_refuses_every_write(client: TestClient) -> None:
    response = client.post("/api/articles", json=NEW_ARTICLE, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 403


def test_a_posted_article_joins_its_story_at_once(writable: TestClient) -> None:
    hollvik = story_about(writable, "Hollvik")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = writable.post("/api/articles", json=[NEW_ARTICLE, {"text": " "}], headers=auth)
    assert response.status_code == 422  # a blank text fails validation before anything is stored
    response = writable.post("/api/articles", json=[NEW_ARTICLE], headers=auth)
    assert response.status_code == 201, response.text
    fates = {a["id"]: a for a in response.json()["articles"]}
    assert fates["hollvik-5"]["status"] == "ingested"
    story_id = fates["hollvik-5"]["story"]
    members = [a["id"] for a in writable.get(f"/api/stories/{story_id}").json()["articles"]]
    assert {"hollvik-1", "hollvik-5"} <= set(members)
    assert hollvik["article_count"] < len(members)
    again = writable.post("/api/articles", json=NEW_ARTICLE, headers=auth).json()
    assert again["articles"][0]["status"] == "duplicate"


def test_what_another_process_commits_is_served_within_the_recheck_interval(
    served_db: Path, tmp_path: Path
) -> None:
    db = copy_store(served_db, tmp_path / "copy.db")
    with TestClient(create_app(db)) as client:
        before = list_stories(client).total
        with open_store(db) as store:  # another connection, as `storyline ingest` in another process
            ingestor = Ingestor(store)
            newcomer = article("tarn-1", "The Tarnby Post", "2031-05-02", "Tarnby bridge closed", TARN_TEXT)
            with store.transaction():
                store.record("elsewhere", [ingestor.add(Record("elsewhere#tarn-1", article=newcomer))])
            pipeline.update_stories(store)
        time.sleep(catalog.RECHECK_S * 2)
        assert list_stories(client).total == before + 1


# -- the pages in a browser: lenient where the API is strict -------------------------------------


def shown_count(html: str) -> str:
    found = re.search(r'<p class="muted" id="count">([^<]*)</p>', html)
    assert found, "the list page shows no count"
    return found.group(1)


def notices(html: str) -> list[str]:
    return re.findall(r'<p class="notice" role="status">([^<]*)</p>', html)


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"page": "abc"}, "Page ignored"),
        ({"page": "0"}, "Page ignored"),
        ({"page": "100001"}, "Page ignored"),
        ({"page": "1_0"}, "Page ignored"),
        ({"q": "timber " * 40}, "Search ignored"),
        ({"entity": "x" * 201}, "Entity ignored"),
        ({"source": "x" * 201}, "Source ignored"),
        ({"since": "2031-03-011"}, "From ignored"),
        ({"until": "2031-13-45"}, "To ignored"),
    ],
)
def test_the_list_page_ignores_a_bad_parameter_and_says_so(
    client: TestClient, params: dict[str, str], notice: str
) -> None:
    """Where the API answers 422 in JSON, a browser user gets the whole list and a line saying what was
    ignored."""
    response = client.get("/", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert [n for n in notices(response.text) if n.startswith(notice)], notices(response.text)
    assert shown_count(response.text) == shown_count(client.get("/").text)


def test_good_or_blank_list_parameters_bring_no_notice(client: TestClient) -> None:
    params = {"q": "", "page": "", "since": "2031-04-01", "until": " ", "source": "Radio Nord"}
    response = client.get("/", params=params)
    assert response.status_code == 200
    assert notices(response.text) == []


def test_a_notice_belongs_to_the_request_that_earned_it(served_db: Path) -> None:
    # A fresh app: its cache of rendered pages starts empty, so the bad request is rendered first.
    with TestClient(create_app(served_db)) as fresh:
        assert notices(fresh.get("/", params={"page": "abc"}).text)
        assert notices(fresh.get("/").text) == []


@pytest.mark.parametrize(
    "path", ["/nowhere", "/stories/", "/stories/a%2Fb", "/articles/", "/favicon.ico", "/static/nothing.css"]
)
def test_a_path_no_page_serves_gets_the_html_not_found_page(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Back to the stories" in response.text


@pytest.mark.parametrize("path", ["/api", "/api/nowhere", "/api/stories/a%2Fb", "/api/stories/s-nope"])
def test_the_api_answers_not_found_in_json(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json()["detail"]


@pytest.mark.parametrize("path", ["/", "/?q=hollvik", "/stories/{hollvik}", "/articles/hollvik-1", "/docs"])
def test_pages_answer_head_as_get_does_without_a_body(client: TestClient, path: str) -> None:
    path = path.format(hollvik=story_about(client, "Hollvik")["id"])
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))
    assert head.content == b""


# Runs static/app.js with just enough of a DOM to record which sentence ids it looks up.
APP_JS_HARNESS = """
const [file, hash] = process.argv.slice(1);  // node -e: no script name in argv
const handlers = {};
const looked = [];
const document = {
  addEventListener: (type, fn) => { handlers[type] = fn; },
  getElementById: (id) => { looked.push(id); return null; },
  querySelectorAll: () => [],
};
const page = { document, location: { hash }, history: { replaceState() {} } };
require("vm").runInNewContext(require("fs").readFileSync(file, "utf8"), page);
handlers.DOMContentLoaded();
const link = { getAttribute: () => hash };
handlers.click({ target: { closest: () => link }, preventDefault() {} });
console.log(JSON.stringify(looked));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="no node to run static/app.js")
@pytest.mark.parametrize(("fragment", "looked_up"), [("#s%2D1", ["s-1", "s-1"]), ("#%E0", []), ("#%", [])])
def test_the_page_script_survives_a_fragment_that_is_not_percent_encoding(
    client: TestClient, tmp_path: Path, fragment: str, looked_up: list[str]
) -> None:
    """Opened at an address ending in a broken fragment, or clicking a link to one, the script looks up
    no sentence instead of throwing."""
    script = tmp_path / "app.js"
    script.write_text(client.get("/static/app.js").text)
    node = ["node", "-e", APP_JS_HARNESS, str(script), fragment]
    run = subprocess.run(node, capture_output=True, text=True, timeout=30, check=False)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == looked_up


# -- limits and traversal -----------------------------------------------------------------------


def test_a_body_over_the_limit_is_413_before_anything_else(served_db: Path) -> None:
    with TestClient(create_app(served_db, token=TOKEN, max_body_bytes=1_000)) as small:
        big = {"text1": "word " * 400, "text2": "word"}
        assert small.post("/api/similarity", json=big).status_code == 413
        assert small.post("/api/articles", json={"text": "x" * 2_000}).status_code == 413


def test_a_chunked_body_over_the_limit_is_413(served_db: Path) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text1": "'
        for _ in range(50):
            yield b"word " * 100
        yield b'", "text2": "x"}'

    with TestClient(create_app(served_db, max_body_bytes=10_000)) as small:
        response = small.post(
            "/api/similarity", content=chunks(), headers={"content-type": "application/json"}
        )
        assert response.status_code == 413


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../../pyproject.toml",
        "/static/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%2f..%2f..%2fpyproject.toml",
        "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd",
        "/static//etc/passwd",
    ],
)
def test_static_files_never_leave_their_folder(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "[project]" not in response.text and "root:" not in response.text


def test_static_files_are_served(client: TestClient) -> None:
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")
    assert "addEventListener" in client.get("/static/app.js").text


# -- escaping and headers -----------------------------------------------------------------------


def hostile_pages(client: TestClient) -> dict[str, str]:
    story_id = client.get("/api/articles/hostile-1").json()["story"]
    assert story_id, "the hostile article belongs to no story"
    paths = ["/", "/?q=hollvik", f"/stories/{story_id}", "/articles/hostile-1", "/docs"]
    return {path: client.get(path).text for path in paths}


def test_hostile_markup_is_shown_as_text_on_every_page(client: TestClient) -> None:
    for path, html in hostile_pages(client).items():
        for payload in RAW_PAYLOADS:
            assert payload not in html, f"{path} carries {payload!r} unescaped"
    article_page = client.get("/articles/hostile-1").text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in article_page
    assert "Evil &lt;svg onload=window.__pwned=1&gt; Gazette" in article_page


class ScriptFinder(HTMLParser):
    """Collects what a browser would run: script elements and event-handler attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))
        self.handlers += [f"<{tag} {name}>" for name, _ in attrs if name.startswith("on")]


def test_pages_run_no_inline_script(client: TestClient) -> None:
    for path, html in hostile_pages(client).items():
        finder = ScriptFinder()
        finder.feed(html)
        assert finder.scripts == [{"src": "/static/app.js", "defer": None}], path
        assert finder.handlers == [], path


@pytest.mark.parametrize("path", ["/", "/api/stories", "/static/app.js", "/nowhere"])
def test_every_response_carries_a_strict_content_security_policy(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["x-content-type-options"] == "nosniff"


def test_citations_on_the_story_page_point_at_sentences_on_the_page(client: TestClient) -> None:
    story_id = story_about(client, "Dunmere")["id"]
    html = client.get(f"/stories/{story_id}").text
    targets = re.findall(r'class="cite" href="#([^"]+)"', html)
    assert targets, "no citation links"
    ids = set(re.findall(r'id="([^"]+)"', html))
    assert set(targets) <= ids


def test_api_docs_list_every_endpoint(client: TestClient) -> None:
    html = client.get("/docs").text
    for path in ("/api/stories", "/api/stories/{story_id}", "/api/similarity", "/api/articles"):
        assert f"<code>{path}</code>" in html
    assert 'href="/schema"' in html


def test_the_stories_schema_is_served_at_schema(client: TestClient) -> None:
    response = client.get("/schema")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/schema+json")
    assert response.json() == contract.schema()


def test_a_story_from_the_api_is_a_story_of_the_published_schema(client: TestClient) -> None:
    story = client.get(f"/api/stories/{story_about(client, 'Dunmere')['id']}").json()
    schema = contract.schema()
    story_schema = {"$schema": schema["$schema"], "$defs": schema["$defs"], **schema["$defs"]["Story"]}
    assert list(jsonschema_rs.validator_for(story_schema).iter_errors(story)) == []
    # The OpenAPI document describes a story with the same fields, all required.
    openapi = client.get("/openapi.json").json()["components"]["schemas"]["Story"]
    assert set(openapi["required"]) == set(openapi["properties"]) == set(schema["$defs"]["Story"]["required"])


# -- the OpenAPI schema, fuzzed -----------------------------------------------------------------

EXAMPLES_PER_OPERATION = 15


def test_the_api_keeps_to_its_openapi_schema(served_db: Path, tmp_path: Path) -> None:
    """Schemathesis generates requests from /openapi.json, valid and invalid, and checks each answer:
    no server error, a declared status code, content type and headers, a body matching its schema."""
    # A private copy with a token: the fuzzer only ever sends wrong tokens, yet must touch no shared store.
    app = create_app(copy_store(served_db, tmp_path / "copy.db"), token=TOKEN)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 5

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case: Any) -> None:
            case.call_and_validate()

        conforms()
