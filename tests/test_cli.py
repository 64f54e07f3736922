"""End-to-end tests of the ``storyline`` command line, written against the contracts in ARCHITECTURE.md.

They read top to bottom as a tour of the tool:

1. the main job over the demo corpus (``storyline run demo/corpus --out DIR``) and what stories.json holds;
2. a real pair of articles from ../shared/samples/seed-pair;
3. the database commands (``ingest``, ``stories``, ``show``, ``report``, ``rejects``) and idempotent ingest;
4. exit codes;
5. the store-less contract commands (``cluster``, ``similarity``, ``summarize``, ``compare``), first on small
   fictional inputs written here, then on the first lines of each file in ../shared/data.

Tests that run the full pipeline or read ../shared are marked ``slow``. Quotes are checked against the
article text the tool stored (``articles.text`` in the SQLite database) or against the input documents;
"exact" means an exact substring once runs of whitespace are collapsed to one space.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import DEMO_GOLD, CliResult, DemoRun, storyline

RunCli = Callable[..., CliResult]

# -- the contract, as data --------------------------------------------------------------------------------

ARTICLE_KEYS = {"id", "title", "source", "url", "published", "language"}
CITATION_KEYS = {"article_id", "quote"}
SUMMARY_SENTENCE_KEYS = {"text", "citations", "conflicts"}  # conflicts: the sides it states
FACT_KEYS = {"claim", "citations"}
CONFLICT_KEYS = {"type", "about", "claims"}
CONFLICT_CLAIM_KEYS = {"article_id", "quote", "value"}
FRAMING_KEYS = {
    "article_id",
    "genre",
    "tone",
    "tone_sentences",
    "tone_note",
    "quoted_sources",
    "voices",
    "own_views",
}
TIMELINE_KEYS = {"date", "text", "citations"}
BLOCK_KEYS = {"shared", "unique", "conflicts", "updates", "framing", "timeline"}
STORY_KEYS = {"id", "title", "storyline", "articles", "summary"} | BLOCK_KEYS
INGEST_KEYS = {"ingested", "duplicates", "rejected"}
CONFLICT_TYPES = {"number", "date", "age", "person", "place", "organisation", "other"}
GENRES = {"report", "opinion", "analysis"}
SIMILARITY_DIMENSIONS = ("overall", "geography", "entities", "time", "narrative", "style", "tone")
TIMELINE_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")  # a day, a month or a year

DEMO_GOLD_EVENTS = 9
DEMO_ARTICLES = 44  # every line of demo/gold.csv; the 45th record (the bad JSONL line) is rejected

SHARED_SUBSET_LINES = 12  # lines taken from each ../shared/data file: enough to mean something, still fast


# -- helpers ----------------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Collapse whitespace, as the contract allows when comparing a quote with its article."""
    return " ".join(text.split())


def article_texts(db: Path) -> dict[str, str]:
    """Article id -> stored text, read straight from the SQLite database the command wrote."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return dict(con.execute("SELECT id, text FROM articles"))


def article_origins(db: Path) -> dict[str, str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return dict(con.execute("SELECT id, origin FROM articles"))


def stored_vectors(db: Path) -> dict[tuple[str, str, str], bytes]:
    """(content hash, model, kind) -> the raw float32 bytes of the vectors the store cached."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        rows = con.execute("SELECT hash, model, kind, data FROM vectors")
        return {(h, m, k): data for h, m, k, data in rows}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_jsonl(path: Path, rows: list[dict[str, Any]], raw_lines: tuple[str, ...] = ()) -> Path:
    """Write ``rows`` as JSON Lines, then ``raw_lines`` verbatim (for deliberately broken input)."""
    lines = [json.dumps(row, ensure_ascii=False) for row in rows] + list(raw_lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def head_lines(source: Path, n: int, target: Path) -> Path:
    """Copy the first ``n`` lines of a (large) JSONL file to ``target``."""
    with source.open(encoding="utf-8") as fh:
        lines = [line for _, line in zip(range(n), fh, strict=False)]
    target.write_text("".join(lines), encoding="utf-8")
    return target


def citations_of(block: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """Every (section, article_id, quote) a story or a comparison block cites, conflicts included."""
    for section in ("summary", "shared", "unique", "timeline"):
        for item in block.get(section, []):
            for citation in item["citations"]:
                yield section, citation["article_id"], citation["quote"]
    for conflict in block["conflicts"]:
        for claim in conflict["claims"]:
            yield "conflicts", claim["article_id"], claim["quote"]


def assert_quotes_exact(block: dict[str, Any], texts: dict[str, str], where: str) -> int:
    """Each quote is an exact span of the text of the article it names; returns how many were checked."""
    normalised = {article_id: normalise(text) for article_id, text in texts.items()}
    checked = 0
    for section, article_id, quote in citations_of(block):
        assert article_id in normalised, f"{where} {section}: cites unknown article {article_id!r}"
        assert normalise(quote), f"{where} {section}: empty quote from {article_id}"
        assert normalise(quote) in normalised[article_id], (
            f"{where} {section}: quote is not a span of {article_id}: {quote!r}"
        )
        checked += 1
    return checked


def assert_keys(obj: Any, expected: set[str], where: str) -> None:
    assert isinstance(obj, dict), f"{where}: expected an object, got {type(obj).__name__}"
    assert set(obj) == expected, f"{where}: keys {sorted(obj)} differ from the contract's {sorted(expected)}"


def assert_citations(citations: Any, article_ids: set[str], where: str) -> None:
    assert isinstance(citations, list) and citations, f"{where}: needs a non-empty list of citations"
    for i, citation in enumerate(citations):
        assert_keys(citation, CITATION_KEYS, f"{where}.citations[{i}]")
        assert citation["article_id"] in article_ids, (
            f"{where}: cites {citation['article_id']!r}, not a member"
        )
        assert isinstance(citation["quote"], str) and citation["quote"].strip()


def assert_summary_sentences(sentences: Any, article_ids: set[str], where: str) -> None:
    """Summary sentences: ``[{"text", "citations": [{"article_id", "quote"}, ...]}]``, each one cited."""
    assert isinstance(sentences, list)
    for i, sentence in enumerate(sentences):
        assert_keys(sentence, SUMMARY_SENTENCE_KEYS, f"{where}[{i}]")
        assert isinstance(sentence["text"], str) and sentence["text"].strip(), f"{where}[{i}]: empty text"
        assert_citations(sentence["citations"], article_ids, f"{where}[{i}]")


def assert_comparison_block(block: dict[str, Any], article_ids: set[str], where: str) -> None:
    """The shared / unique / conflicts / framing / timeline block of contract 1 (and contract 5)."""
    for i, fact in enumerate(block["shared"]):
        assert_keys(fact, FACT_KEYS, f"{where}.shared[{i}]")
        assert isinstance(fact["claim"], str) and fact["claim"].strip()
        assert_citations(fact["citations"], article_ids, f"{where}.shared[{i}]")
        cited = {c["article_id"] for c in fact["citations"]}
        assert len(cited) >= 2, f"{where}.shared[{i}]: a shared fact must cite two articles, cites {cited}"
    for i, fact in enumerate(block["unique"]):
        assert_keys(fact, FACT_KEYS, f"{where}.unique[{i}]")
        assert isinstance(fact["claim"], str) and fact["claim"].strip()
        assert_citations(fact["citations"], article_ids, f"{where}.unique[{i}]")
        cited = {c["article_id"] for c in fact["citations"]}
        assert len(cited) == 1, f"{where}.unique[{i}]: a unique fact comes from one article, cites {cited}"
    for i, conflict in enumerate(block["conflicts"]):
        assert_keys(conflict, CONFLICT_KEYS, f"{where}.conflicts[{i}]")
        assert conflict["type"] in CONFLICT_TYPES, f"{where}.conflicts[{i}]: type {conflict['type']!r}"
        assert isinstance(conflict["about"], str)
        assert len(conflict["claims"]) >= 2, f"{where}.conflicts[{i}]: a conflict needs two claims"
        for j, claim in enumerate(conflict["claims"]):
            assert_keys(claim, CONFLICT_CLAIM_KEYS, f"{where}.conflicts[{i}].claims[{j}]")
            assert claim["article_id"] in article_ids
        assert len({c["article_id"] for c in conflict["claims"]}) >= 2, (
            f"{where}.conflicts[{i}]: an article cannot conflict only with itself"
        )
    for i, framing in enumerate(block["framing"]):
        assert_keys(framing, FRAMING_KEYS, f"{where}.framing[{i}]")
        assert framing["article_id"] in article_ids
        assert framing["genre"] in GENRES, f"{where}.framing[{i}]: genre {framing['genre']!r}"
        assert isinstance(framing["tone"], int | float) or framing["tone_note"]
        assert isinstance(framing["quoted_sources"], list)
        assert all(isinstance(s, str) for s in framing["quoted_sources"])
    assert Counter(f["article_id"] for f in block["framing"]) == Counter(article_ids), (
        f"{where}: framing should describe each article once"
    )
    for i, entry in enumerate(block["timeline"]):
        assert_keys(entry, TIMELINE_KEYS, f"{where}.timeline[{i}]")
        assert TIMELINE_DATE.match(entry["date"]), f"{where}.timeline[{i}]: date {entry['date']!r}"
        assert isinstance(entry["text"], str) and entry["text"].strip()
        assert_citations(entry["citations"], article_ids, f"{where}.timeline[{i}]")


def gold_events_by_article(run: DemoRun) -> dict[str, str]:
    """Article id -> gold event for every line of demo/gold.csv that the run accounted for.

    Gold origins are relative to demo/corpus; a JSONL record's gold origin is
    ``feeds/articles.jsonl#<record id>``. Stored articles are matched through the origin the database
    records. An ingest duplicate (a wire copy with the same body, say) is not stored: it is matched by id,
    a JSONL record keeping its own id and a file taking its file name without extension.
    """
    with DEMO_GOLD.open(encoding="utf-8", newline="") as fh:
        gold = {row["origin"]: row["event"] for row in csv.DictReader(fh)}
    events = {}
    for article_id, origin in article_origins(run.db).items():
        relative = origin.replace("\\", "/").rsplit("demo/corpus/", 1)[-1]
        key = f"{relative.split('#', 1)[0]}#{article_id}" if "#" in relative else relative
        if key in gold:
            events[article_id] = gold[key]
    gold_by_id = {(o.split("#", 1)[1] if "#" in o else Path(o).stem): e for o, e in gold.items()}
    for duplicate in run.doc["ingest"]["duplicates"]:
        if duplicate["id"] in gold_by_id:
            events.setdefault(duplicate["id"], gold_by_id[duplicate["id"]])
    return events


def story_of_each_article(run: DemoRun) -> dict[str, str]:
    """Article id -> story id; an ingest duplicate belongs to the story of its original."""
    story_of = {a["id"]: s["id"] for s in run.stories for a in s["articles"]}
    for duplicate in run.doc["ingest"]["duplicates"]:
        if duplicate["duplicate_of"] in story_of:
            story_of.setdefault(duplicate["id"], story_of[duplicate["duplicate_of"]])
    return story_of


# -- fictional inputs -------------------------------------------------------------------------------------
# Two invented events: three outlets on a tram vote in Port Ellery, one on panda cubs in Hollin.

HARBOUR_1 = {
    "id": "harbour-1",
    "title": "Port Ellery council approves harbour tram line",
    "source": "Ellery Gazette",
    "published": "2026-03-02",
    "language": "en",
    "text": (
        "The city council of Port Ellery approved a new tram line to the harbour on Monday. "
        "Councillors voted 31 to 4 in favour of the 12 km line, which will cost 240 million crowns. "
        'Mayor Ida Brandvold said construction would begin in September. "This line connects the harbour '
        'to the rest of the city," she said. The first trams are expected to run in 2029.'
    ),
}
HARBOUR_2 = {
    "id": "harbour-2",
    "title": "Harbour tram gets green light in Port Ellery",
    "source": "Coastal Times",
    "published": "2026-03-03",
    "language": "en",
    "text": (
        "Port Ellery's council voted on Monday to build a tram line to the harbour. "
        "The 12 km line was approved by 31 votes to 4 and will cost 240 million crowns, the city said. "
        "Mayor Ida Brandvold told reporters that work would start in September. "
        "Opposition councillor Tomas Lind called the project too expensive. "
        "Trams should run on the line from 2029."
    ),
}
HARBOUR_3 = {
    "id": "harbour-3",
    "title": "Port Ellery backs harbour tram despite cost worries",
    "source": "Ellery Evening News",
    "published": "2026-03-03",
    "language": "en",
    "text": (
        "Councillors in Port Ellery backed a harbour tram line on Monday by 31 votes to 4. "
        "Mayor Ida Brandvold said construction would begin in September and cost 240 million crowns. "
        "Councillor Tomas Lind warned that the budget was too tight. "
        '"The city cannot afford another overrun," Lind said. The line is due to open in 2029.'
    ),
}
PANDA = {
    "id": "panda-1",
    "title": "Twin panda cubs born at Hollin zoo",
    "source": "Hollin Daily",
    "published": "2026-05-10",
    "language": "en",
    "text": (
        "Two giant panda cubs were born at the Hollin Zoological Garden on Saturday night, the zoo said on "
        "Sunday. The mother, Mei Lan, is doing well, according to head keeper Oskar Veen. The cubs weigh "
        "about 150 grams each and will not be shown to visitors until autumn. It is the first panda birth "
        "in the zoo's 90-year history."
    ),
}
HARBOUR = [HARBOUR_1, HARBOUR_2, HARBOUR_3]
NO_TEXT_RECORD = {"id": "no-text", "title": "A record without a body", "source": "Ellery Gazette"}
NOT_JSON = "this line is not JSON"


# =========================================================================================================
# 1. The main job over the demo corpus
# =========================================================================================================


@pytest.mark.slow
def test_demo_run_exits_0_and_writes_the_three_reports(demo_run: DemoRun) -> None:
    """``storyline run demo/corpus --out DIR`` succeeds although one record is rejected."""
    assert demo_run.result.exit_code == 0, demo_run.result.explain()
    for name in ("stories.json", "report.html", "report.md"):
        path = demo_run.out_dir / name
        assert path.is_file() and path.stat().st_size > 0, f"{name} missing or empty"
    html = (demo_run.out_dir / "report.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    # Self-contained: no scripts, style sheets or images fetched from elsewhere.
    assert not re.search(r"<(script|img|iframe)\b[^>]*\bsrc\s*=\s*[\"']?(https?:)?//", html, re.I)
    assert not re.search(r"<link\b[^>]*\bhref\s*=\s*[\"']?(https?:)?//", html, re.I)
    markdown = (demo_run.out_dir / "report.md").read_text(encoding="utf-8")
    assert demo_run.stories[0]["title"] in markdown


@pytest.mark.slow
def test_demo_stories_json_follows_the_contract(demo_run: DemoRun) -> None:
    """stories.json has every key of contract 1, and every record inside has exactly the contract's fields.

    Extra keys are tolerated only on the document (e.g. ``generated``) and on a story (e.g. ``time_span``).
    """
    doc = demo_run.doc
    assert {"storylines", "stories", "ingest"} <= set(doc)
    assert isinstance(doc["stories"], list) and doc["stories"]
    for story in doc["stories"]:
        where = f"story {story.get('id')}"
        assert set(story) >= STORY_KEYS, f"{where}: missing {sorted(STORY_KEYS - set(story))}"
        assert isinstance(story["id"], str) and story["id"]
        assert isinstance(story["title"], str) and story["title"].strip()
        assert story["articles"], f"{where}: a story without articles"
        for i, article in enumerate(story["articles"]):
            assert_keys(article, ARTICLE_KEYS, f"{where}.articles[{i}]")
            assert isinstance(article["id"], str) and article["id"]
        member_ids = {a["id"] for a in story["articles"]}
        assert len(member_ids) == len(story["articles"]), f"{where}: an article is listed twice"
        assert story["summary"], f"{where}: empty summary"
        assert_summary_sentences(story["summary"], member_ids, f"{where}.summary")
        assert_comparison_block(story, member_ids, where)
    assert len({s["id"] for s in doc["stories"]}) == len(doc["stories"]), "story ids must be unique"

    ingest = doc["ingest"]
    assert_keys(ingest, INGEST_KEYS, "ingest")
    assert isinstance(ingest["ingested"], int)
    for i, duplicate in enumerate(ingest["duplicates"]):
        assert_keys(duplicate, {"id", "duplicate_of"}, f"ingest.duplicates[{i}]")
    for i, rejected in enumerate(ingest["rejected"]):
        assert_keys(rejected, {"input", "reason"}, f"ingest.rejected[{i}]")


@pytest.mark.slow
def test_demo_conflict_types_and_genres_come_from_the_contract_vocabulary(demo_run: DemoRun) -> None:
    types = {c["type"] for s in demo_run.stories for c in s["conflicts"]}
    genres = {f["genre"] for s in demo_run.stories for f in s["framing"]}
    assert types <= CONFLICT_TYPES, f"unknown conflict types {types - CONFLICT_TYPES}"
    assert genres <= GENRES, f"unknown genres {genres - GENRES}"
    # The demo has 28 reports and 9 opinion pieces: both genres should be recognised somewhere.
    assert {"report", "opinion"} <= genres


@pytest.mark.slow
def test_demo_every_quote_is_an_exact_span_of_its_article(demo_run: DemoRun) -> None:
    texts = article_texts(demo_run.db)
    checked = sum(assert_quotes_exact(s, texts, f"story {s['id']}") for s in demo_run.stories)
    assert checked > len(demo_run.stories), "expected many citations across the demo stories"


@pytest.mark.slow
def test_demo_every_summary_sentence_cites_a_source(demo_run: DemoRun) -> None:
    for story in demo_run.stories:
        for sentence in story["summary"]:
            assert sentence["citations"], f"story {story['id']}: uncited sentence {sentence['text']!r}"


@pytest.mark.slow
def test_demo_key_entities_are_names_not_possessives(demo_run: DemoRun) -> None:
    # The demo's central bank is often written "the Bank of Castria's decision": the cast shows the name.
    cast = [e for story in demo_run.stories for e in story["key_entities"]]
    assert any("Bank of Castria" in e for e in cast)
    assert not [e for e in cast if e.endswith(("'s", "’s"))]


def test_demo_bad_jsonl_line_is_rejected_with_a_reason_about_text(demo_run: DemoRun) -> None:
    """The last line of feeds/articles.jsonl has no ``text``: reported in ingest.rejected, not fatal."""
    ingest = demo_run.doc["ingest"]
    # Every other record is ingested, or recognised as a copy of one (the wire story is republished).
    assert ingest["ingested"] + len(ingest["duplicates"]) == DEMO_ARTICLES
    assert len(ingest["rejected"]) == 1, ingest["rejected"]
    [rejected] = ingest["rejected"]
    assert "articles.jsonl" in rejected["input"]
    assert "text" in rejected["reason"].lower()
    titles = {a["title"] for s in demo_run.stories for a in s["articles"]}
    assert "Velmora harbour reopens to fishing boats" not in titles


@pytest.mark.slow
def test_demo_every_gold_article_is_in_exactly_one_story(demo_run: DemoRun) -> None:
    """Each of the 44 gold articles is listed in exactly one story; the wire story's syndicated copies are
    reported as duplicates of their original and listed in the original's story."""
    events = gold_events_by_article(demo_run)
    assert len(events) == DEMO_ARTICLES, "every line of demo/gold.csv should match an article"
    placed = Counter(a["id"] for s in demo_run.stories for a in s["articles"])
    missing = set(events) - set(placed)
    assert not missing, f"in no story: {sorted(missing)}"
    assert max(placed.values()) == 1, f"in several stories: {[a for a, n in placed.items() if n > 1]}"
    story_of = story_of_each_article(demo_run)
    duplicates = {d["id"]: d["duplicate_of"] for d in demo_run.doc["ingest"]["duplicates"]}
    assert len(duplicates) >= 2, "the wire story's copies should be found as duplicates"
    for copy, original in duplicates.items():
        assert story_of[copy] == story_of[original], f"{copy} is not in its original's story"
        assert events[copy] == events[original], f"{copy} is called a copy of an article on another event"


@pytest.mark.slow
def test_demo_no_story_mixes_two_gold_events(demo_run: DemoRun) -> None:
    """Purity 1.0, including the twin factory fires in Brennick and Torvale."""
    events = gold_events_by_article(demo_run)
    story_of = story_of_each_article(demo_run)
    events_per_story: dict[str, Counter[str]] = defaultdict(Counter)
    for article_id, event in events.items():
        events_per_story[story_of.get(article_id, "(no story)")][event] += 1
    mixed = {story: dict(counts) for story, counts in events_per_story.items() if len(counts) > 1}
    assert not mixed, f"stories mixing gold events: {mixed}"


@pytest.mark.slow
def test_demo_each_gold_event_is_mostly_in_one_story(
    demo_run: DemoRun, record_property: Callable[[str, object], None]
) -> None:
    """Each event's largest story holds at least half of its articles; the story count is reported."""
    events = gold_events_by_article(demo_run)
    story_of = story_of_each_article(demo_run)
    stories_per_event: dict[str, Counter[str]] = defaultdict(Counter)
    for article_id, event in events.items():
        stories_per_event[event][story_of.get(article_id, "(no story)")] += 1
    assert len(stories_per_event) == DEMO_GOLD_EVENTS

    record_property("demo_stories", len(demo_run.stories))
    record_property("demo_gold_events", DEMO_GOLD_EVENTS)
    print(f"demo: {len(demo_run.stories)} stories for {DEMO_GOLD_EVENTS} gold events")
    for event, stories in sorted(stories_per_event.items()):
        total, largest = sum(stories.values()), max(stories.values())
        print(f"  {event}: {total} articles in {len(stories)} stories, largest holds {largest}")
        assert largest * 2 >= total, f"{event} is scattered: {dict(stories)}"


# =========================================================================================================
# 2. A real pair of articles: ../shared/samples/seed-pair
# =========================================================================================================

SEED_DONGA_TITLE = "N. Korean defectors reveal the vulnerability of the regime"
SEED_HOTAIR_TITLE = "Defection: Where in the world is North Korea's ambassador to Italy?"
SEED_NOISE = ("Go to contents", "Trending on")


@pytest.fixture(scope="module")
def seed_pair(shared_dir: Path) -> Path:
    folder = shared_dir / "samples" / "seed-pair"
    if not folder.is_dir():
        pytest.skip(f"../shared is absent: no seed pair at {folder}")
    return folder


@pytest.fixture(scope="module")
def seed_run(seed_pair: Path, tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    out_dir = tmp_path_factory.mktemp("seed-pair") / "out"
    result = storyline("run", seed_pair, "--out", out_dir)
    assert result.exit_code == 0, result.explain()
    doc = json.loads((out_dir / "stories.json").read_text(encoding="utf-8"))
    return DemoRun(result, out_dir, doc)


@pytest.mark.slow
def test_seed_pair_is_one_story_with_both_articles(seed_run: DemoRun) -> None:
    """Two outlets on the same defection: one story, titles from the text, sources from manifest.csv."""
    assert seed_run.doc["ingest"]["ingested"] == 2
    assert seed_run.doc["ingest"]["rejected"] == []
    assert len(seed_run.stories) == 1, [s["title"] for s in seed_run.stories]
    articles = {a["title"]: a for a in seed_run.stories[0]["articles"]}
    assert set(articles) == {SEED_DONGA_TITLE, SEED_HOTAIR_TITLE}
    donga, hotair = articles[SEED_DONGA_TITLE], articles[SEED_HOTAIR_TITLE]
    assert donga["source"] == "Dong-A Ilbo"
    assert hotair["source"] == "Hot Air"
    assert donga["published"] == "2019-01-05"
    assert donga["language"] == hotair["language"] == "en"
    origins = article_origins(seed_run.db)
    assert Path(origins[donga["id"]]).name.startswith("000_"), "the Dong-A Ilbo article is file 000_..."


@pytest.mark.slow
def test_seed_pair_summary_and_shared_facts_cite_exact_quotes(seed_run: DemoRun) -> None:
    [story] = seed_run.stories
    both = {a["id"] for a in story["articles"]}
    assert story["summary"]
    assert_summary_sentences(story["summary"], both, "seed summary")
    assert_quotes_exact(story, article_texts(seed_run.db), "seed story")
    assert any({c["article_id"] for c in fact["citations"]} == both for fact in story["shared"]), (
        "at least one shared fact should cite both articles"
    )


@pytest.mark.slow
def test_seed_pair_stored_text_has_no_page_furniture(seed_pair: Path, seed_run: DemoRun) -> None:
    """Navigation lines of the scraped pages are in the raw files but not in the stored articles."""
    raw = "".join(p.read_text(encoding="utf-8") for p in sorted(seed_pair.glob("*.txt")))
    assert any(noise in raw for noise in SEED_NOISE), "the raw files should contain the noise lines"
    for article_id, text in article_texts(seed_run.db).items():
        for noise in SEED_NOISE:
            assert noise not in text, f"{article_id}: stored text still has {noise!r}"


# =========================================================================================================
# 3. The database commands, and ingesting the same corpus twice
# =========================================================================================================


class Ingested:
    """A database that ingested demo/corpus twice, with the reports written after each ingest."""

    def __init__(self, root: Path) -> None:
        self.db = root / "demo.db"
        self.first = storyline("ingest", "demo/corpus", "--db", self.db)
        self.stored_first = set(article_texts(self.db)) if self.db.is_file() else set()
        self.report_first = storyline("report", "--db", self.db, "--out", root / "after-first")
        self.doc_first = json.loads((root / "after-first" / "stories.json").read_text(encoding="utf-8"))
        self.second = storyline("ingest", "demo/corpus", "--db", self.db)
        self.report_dir = root / "after-second"
        self.report_second = storyline("report", "--db", self.db, "--out", self.report_dir)
        self.doc = json.loads((self.report_dir / "stories.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Ingested:
    return Ingested(tmp_path_factory.mktemp("ingest-twice"))


@pytest.mark.slow
def test_ingest_twice_the_second_time_everything_is_a_duplicate(ingested: Ingested) -> None:
    assert ingested.first.exit_code == 0, ingested.first.explain()
    assert ingested.second.exit_code == 0, ingested.second.explain()
    # The report's ingest block describes the last ingest.
    ingest = ingested.doc["ingest"]
    assert ingest["ingested"] == 0
    assert len(ingest["rejected"]) == 1
    stored = set(article_texts(ingested.db))
    assert stored == ingested.stored_first, "nothing new was stored"
    copies_first_time = {d["id"] for d in ingested.doc_first["ingest"]["duplicates"]}
    assert len(ingest["duplicates"]) == DEMO_ARTICLES
    assert {d["id"] for d in ingest["duplicates"]} == stored | copies_first_time
    assert {d["duplicate_of"] for d in ingest["duplicates"]} <= stored


@pytest.mark.slow
def test_ingest_twice_leaves_the_stories_unchanged(ingested: Ingested) -> None:
    def membership(doc: dict[str, Any]) -> dict[str, set[str]]:
        return {s["id"]: {a["id"] for a in s["articles"]} for s in doc["stories"]}

    assert ingested.doc["stories"], "the ingest should have built stories"
    assert membership(ingested.doc) == membership(ingested.doc_first)


@pytest.mark.slow
def test_report_writes_the_three_files_from_the_database(ingested: Ingested) -> None:
    assert ingested.report_second.exit_code == 0, ingested.report_second.explain()
    for name in ("stories.json", "report.html", "report.md"):
        assert (ingested.report_dir / name).is_file()
        assert name in ingested.report_second.stdout  # "Wrote .../stories.json, ..."


@pytest.mark.slow
def test_stories_lists_every_story(ingested: Ingested, run_cli: RunCli) -> None:
    result = run_cli("stories", "--db", ingested.db)
    assert result.exit_code == 0, result.explain()
    for story in ingested.doc["stories"]:
        assert story["id"] in result.stdout


@pytest.mark.slow
def test_show_a_story_prints_its_title_and_summary(ingested: Ingested, run_cli: RunCli) -> None:
    story = ingested.doc["stories"][0]
    result = run_cli("show", story["id"], "--db", ingested.db)
    assert result.exit_code == 0, result.explain()
    assert normalise(story["title"]) in normalise(result.stdout)

    as_json = run_cli("show", story["id"], "--db", ingested.db, "--json")
    assert as_json.exit_code == 0, as_json.explain()
    data = json.loads(as_json.stdout)
    assert data["id"] == story["id"]
    assert set(data) >= STORY_KEYS
    assert {a["id"] for a in data["articles"]} == {a["id"] for a in story["articles"]}


@pytest.mark.slow
def test_show_an_article_prints_its_title_and_text(ingested: Ingested, run_cli: RunCli) -> None:
    texts = article_texts(ingested.db)
    result = run_cli("show", "dc-0001", "--db", ingested.db)
    assert result.exit_code == 0, result.explain()
    assert "Velmora ferry" in result.stdout
    assert "Halvern Broadcasting Service" in result.stdout

    as_json = run_cli("show", "dc-0001", "--db", ingested.db, "--json")
    assert as_json.exit_code == 0, as_json.explain()
    data = json.loads(as_json.stdout)
    assert data["id"] == "dc-0001"
    assert data["text"] == texts["dc-0001"]
    assert data["published"] == "2025-03-15"
    # The values comparison reads, by sentence: each one an exact span of its sentence.
    assert data["claims"], "no stored claims shown"
    for claim in data["claims"]:
        assert claim["quote"] in data["text"]
        assert all(v["text"] in claim["quote"] for v in claim["values"])
    assert "claims by sentence" in result.stdout


@pytest.mark.slow
def test_show_an_unknown_id_exits_1_with_a_clear_message(ingested: Ingested, run_cli: RunCli) -> None:
    result = run_cli("show", "no-such-thing", "--db", ingested.db)
    assert result.exit_code == 1, result.explain()
    assert "no-such-thing" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_rejects_lists_the_bad_line_with_its_reason(ingested: Ingested, run_cli: RunCli) -> None:
    result = run_cli("rejects", "--db", ingested.db)
    assert result.exit_code == 0, result.explain()
    assert "articles.jsonl" in result.stdout
    assert "text" in result.stdout


@pytest.mark.slow
def test_two_runs_on_the_same_input_give_the_same_stories_and_vectors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rerun's stories.json differs from the first run's only in its time stamp, and the vectors behind
    it are bit-identical. The first run on a machine distils the static token vectors, later ones read
    them from the disk cache in the home directory: an empty home makes this test's first run that one
    (~30 s more)."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("STORYLINE_CACHE", raising=False)  # the cache would live there instead
    articles = write_jsonl(tmp_path / "corpus" / "articles.jsonl", [*HARBOUR, PANDA])
    runs = []
    for name in ("first", "second"):
        result = storyline("run", articles.parent, "--out", tmp_path / name)
        assert result.exit_code == 0, result.explain()
        doc = json.loads((tmp_path / name / "stories.json").read_text(encoding="utf-8"))
        doc.pop("generated")
        runs.append((doc, stored_vectors(tmp_path / name / "storyline.db")))
    (first, first_vectors), (second, second_vectors) = runs
    assert first_vectors, "the run should have cached article vectors"
    differ = [key[2] for key, data in first_vectors.items() if second_vectors.get(key) != data]
    assert not differ, f"{len(differ)} of {len(first_vectors)} cached vectors differ, e.g. {differ[0]}"
    assert first == second


# =========================================================================================================
# 4. Exit codes: 0 success, 2 bad usage, 1 failure (or a rejected record under --strict)
# =========================================================================================================


def test_strict_turns_a_rejected_record_into_exit_1(tmp_path: Path, run_cli: RunCli) -> None:
    articles = write_jsonl(tmp_path / "articles.jsonl", [HARBOUR_1, NO_TEXT_RECORD])
    lenient = run_cli("cluster", "--input", articles, "--output", tmp_path / "a.jsonl")
    assert lenient.exit_code == 0, lenient.explain()

    strict = run_cli("cluster", "--input", articles, "--output", tmp_path / "b.jsonl", "--strict")
    assert strict.exit_code == 1, strict.explain()
    assert "--strict" in strict.stderr
    assert "Traceback" not in strict.output


@pytest.mark.slow
def test_strict_main_job_exits_1_but_still_writes_the_reports(tmp_path: Path, run_cli: RunCli) -> None:
    articles = write_jsonl(tmp_path / "articles.jsonl", [HARBOUR_1, NO_TEXT_RECORD])
    result = run_cli("run", articles, "--out", tmp_path / "out", "--strict")
    assert result.exit_code == 1, result.explain()
    assert (tmp_path / "out" / "stories.json").is_file()


@pytest.mark.parametrize("command", [["stories"], ["show", "some-id"], ["similar", "some-id", "other-id"]])
def test_a_db_that_is_not_sqlite_exits_1_with_a_clear_message(
    command: list[str], tmp_path: Path, run_cli: RunCli
) -> None:
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("shopping list: bread, milk\n", encoding="utf-8")
    result = run_cli(*command, "--db", not_a_db)
    assert result.exit_code == 1, result.explain()
    assert "error: cannot open database" in result.stderr and "not a database" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "command", [["stories"], ["rejects"], ["show", "some-id"], ["entities"], ["report", "--out", "out"]]
)
def test_a_command_that_reads_a_db_does_not_create_a_mistyped_one(
    command: list[str], tmp_path: Path, run_cli: RunCli
) -> None:
    typo = tmp_path / "stroyline.db"
    result = run_cli(*[str(tmp_path / a) if a == "out" else a for a in command], "--db", typo)
    assert result.exit_code == 1, result.explain()
    assert f"no database at {typo}" in result.stderr
    assert not typo.exists()


def test_a_damaged_db_exits_1_with_a_clear_message(tmp_path: Path, run_cli: RunCli) -> None:
    """The header is intact, so the database opens; the tables' pages behind it are garbage."""
    from storyline.store import open_store

    db = tmp_path / "damaged.db"
    open_store(db).close()
    data = db.read_bytes()
    db.write_bytes(data[:4096] + b"\xff" * (len(data) - 4096))
    result = run_cli("stories", "--db", db)
    assert result.exit_code == 1, result.explain()
    assert "malformed" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["stories", "--no-such-option"], id="unknown option"),
        pytest.param(["no-such-command"], id="unknown command"),
        pytest.param(["show"], id="missing argument"),
        pytest.param(["run", "demo/corpus"], id="run without --out"),
    ],
)
def test_bad_usage_exits_2(args: list[str], invoke_cli: RunCli) -> None:
    result = invoke_cli(*args)
    assert result.exit_code == 2, result.explain()


def test_bad_usage_exits_2_from_the_console_script(run_cli: RunCli) -> None:
    result = run_cli("stories", "--no-such-option")
    assert result.exit_code == 2, result.explain()
    assert "--no-such-option" in result.stderr


def test_the_console_script_entry_point_imports_nothing_of_the_pipeline() -> None:
    # Spawned enrichment workers re-import the console script: they must not load the pipeline with it.
    code = "import sys, storyline.console; print(sorted(m for m in sys.modules if m.startswith('storyline')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "['storyline', 'storyline.console']"


@pytest.mark.parametrize("command", ["cluster", "similarity", "summarize", "compare"])
def test_missing_input_file_exits_2(command: str, tmp_path: Path, invoke_cli: RunCli) -> None:
    result = invoke_cli(command, "--input", tmp_path / "missing.jsonl", "--output", tmp_path / "out")
    assert result.exit_code == 2, result.explain()
    assert "does not exist" in result.output
    assert not (tmp_path / "out").exists()


def test_max_words_below_the_minimum_is_bad_usage(tmp_path: Path, invoke_cli: RunCli) -> None:
    clusters = write_jsonl(tmp_path / "c.jsonl", [{"cluster_id": "c", "documents": [HARBOUR_1]}])
    result = invoke_cli(
        "summarize", "--input", clusters, "--output", tmp_path / "s.jsonl", "--max-words", "3"
    )
    assert result.exit_code == 2, result.explain()


# =========================================================================================================
# 5a. Contract commands on small fictional inputs
# =========================================================================================================


def test_cluster_writes_one_line_per_input_line_in_order(tmp_path: Path, run_cli: RunCli) -> None:
    """Contract 2: ``{"id", "story", "storyline"}`` per line; a rejected line gets ``"story": null`` and an
    error."""
    copy = {**HARBOUR_1, "id": "harbour-1-copy", "source": "Syndicated"}
    articles = write_jsonl(
        tmp_path / "articles.jsonl", [*HARBOUR, PANDA, copy, NO_TEXT_RECORD], raw_lines=(NOT_JSON,)
    )
    output = tmp_path / "assignments.jsonl"
    result = run_cli("cluster", "--input", articles, "--output", output)
    assert result.exit_code == 0, result.explain()

    lines = read_jsonl(output)
    assert len(lines) == 7
    assert [line["id"] for line in lines[:5]] == [
        "harbour-1",
        "harbour-2",
        "harbour-3",
        "panda-1",
        "harbour-1-copy",
    ]
    for line in lines[:5]:
        assert set(line) == {"id", "story", "storyline"} and isinstance(line["story"], str)
        assert isinstance(line["storyline"], str) and line["storyline"].startswith("l-")
    story = {line["id"]: line["story"] for line in lines[:5]}
    thread = {line["id"]: line["storyline"] for line in lines[:5]}
    assert thread["harbour-1"] == thread["harbour-2"] == thread["harbour-1-copy"], "one story, one thread"
    assert thread["panda-1"] != thread["harbour-1"], "panda cubs are not the tram vote's thread"
    assert story["harbour-1"] == story["harbour-2"] == story["harbour-3"], "one tram vote, one story"
    assert story["panda-1"] != story["harbour-1"], "panda cubs are another story"
    assert story["harbour-1-copy"] == story["harbour-1"], "an exact copy joins its original's story"
    for line in lines[5:]:
        assert line["story"] is None and line["storyline"] is None
        assert isinstance(line["error"], str) and line["error"]
    assert "text" in lines[5]["error"]


def test_cluster_keeps_the_id_of_a_rejected_record(tmp_path: Path, run_cli: RunCli) -> None:
    """A user joins assignments back to their input by id, so a rejected record should keep its own."""
    articles = write_jsonl(tmp_path / "articles.jsonl", [HARBOUR_1, NO_TEXT_RECORD])
    output = tmp_path / "assignments.jsonl"
    assert run_cli("cluster", "--input", articles, "--output", output).exit_code == 0
    rejected = read_jsonl(output)[1]
    assert rejected["story"] is None
    assert rejected["id"] == "no-text"


def test_similarity_scores_seven_dimensions_on_the_1_to_4_scale(tmp_path: Path, run_cli: RunCli) -> None:
    """Contract 3: identical texts are very similar (1), unrelated events far apart (towards 4)."""
    pairs = [
        {
            "pair_id": "same",
            "text1": HARBOUR_1["text"],
            "text2": HARBOUR_1["text"],
            "lang1": "en",
            "lang2": "en",
        },
        {"pair_id": "same-event", "text1": HARBOUR_1["text"], "text2": HARBOUR_3["text"]},
        {"pair_id": "other-event", "text1": HARBOUR_1["text"], "text2": PANDA["text"]},
    ]
    output = tmp_path / "scores.jsonl"
    result = run_cli(
        "similarity", "--input", write_jsonl(tmp_path / "pairs.jsonl", pairs), "--output", output
    )
    assert result.exit_code == 0, result.explain()

    scores = {line["pair_id"]: line for line in read_jsonl(output)}
    assert list(scores) == ["same", "same-event", "other-event"]
    for pair_id, line in scores.items():
        assert set(line) == {"pair_id", *SIMILARITY_DIMENSIONS}
        for dimension in SIMILARITY_DIMENSIONS:
            assert 1 <= line[dimension] <= 4, f"{pair_id}.{dimension} = {line[dimension]}"
    assert scores["same"]["overall"] == pytest.approx(1.0, abs=0.25)
    assert scores["same"]["overall"] <= scores["same-event"]["overall"] < scores["other-event"]["overall"]
    assert scores["other-event"]["overall"] >= 2.5


def test_similarity_reports_a_bad_pair_without_failing(tmp_path: Path, run_cli: RunCli) -> None:
    pairs = [
        {"pair_id": "ok", "text1": HARBOUR_1["text"], "text2": HARBOUR_2["text"]},
        {"pair_id": "empty", "text1": "", "text2": PANDA["text"]},
    ]
    output = tmp_path / "scores.jsonl"
    result = run_cli(
        "similarity", "--input", write_jsonl(tmp_path / "pairs.jsonl", pairs), "--output", output
    )
    assert result.exit_code == 0, result.explain()
    ok, bad = read_jsonl(output)
    assert ok["pair_id"] == "ok" and 1 <= ok["overall"] <= 4
    assert bad["overall"] is None and bad["error"]


def test_subjectivity_labels_each_line_and_reports_bad_lines_in_place(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """One output line per input line, in order: SUBJ / OBJ with a score, or a null label with the reason."""
    lines = [
        json.dumps({"id": "view", "text": "This shameful decision must be reversed before it ruins us all."}),
        json.dumps(
            {
                "id": "fact",
                "text": "The council voted 12 to 3 on Tuesday to close the library.",
                "language": "en",
            }
        ),
        json.dumps(
            {"id": "de", "text": "Der Stadtrat hat am Dienstag beschlossen, die Bibliothek zu schließen."}
        ),
        "{not json",
        json.dumps({"id": "empty", "text": "   "}),
        json.dumps({"text": "No id on this line."}),
        json.dumps({"id": "lang", "text": "A sentence with a numeric language.", "language": 7}),
        json.dumps(["a", "list"]),
    ]
    source = tmp_path / "sentences.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = tmp_path / "labels.jsonl"
    result = run_cli("subjectivity", "--input", source, "--output", output)
    assert result.exit_code == 0, result.explain()
    out = read_jsonl(output)
    assert [o["id"] for o in out] == ["view", "fact", "de", None, "empty", None, "lang", None]
    view, fact, german, *bad = out
    assert set(view) == {"id", "label", "score"}
    assert view["label"] == "SUBJ" and fact["label"] == "OBJ" and german["label"] in ("SUBJ", "OBJ")
    assert 0 <= fact["score"] < view["score"] <= 1
    for line in bad:
        assert line["label"] is None and line["score"] is None and line["error"], line
    assert "invalid JSON" in bad[0]["error"] and "text" in bad[1]["error"] and "id" in bad[2]["error"]
    assert "language" in bad[3]["error"] and "JSON object" in bad[4]["error"]
    strict = run_cli("subjectivity", "--input", source, "--output", tmp_path / "again.jsonl", "--strict")
    assert strict.exit_code == 1 and "5 sentence record(s) rejected" in strict.output


def test_similarity_rejects_a_pair_whose_language_is_not_a_string(tmp_path: Path, run_cli: RunCli) -> None:
    pairs = [
        {"pair_id": "ok", "text1": HARBOUR_1["text"], "text2": HARBOUR_2["text"]},
        {"pair_id": "numeric-lang", "text1": HARBOUR_1["text"], "text2": PANDA["text"], "lang1": 5},
    ]
    output = tmp_path / "scores.jsonl"
    result = run_cli(
        "similarity", "--input", write_jsonl(tmp_path / "pairs.jsonl", pairs), "--output", output
    )
    assert result.exit_code == 0, result.explain()
    ok, bad = read_jsonl(output)
    assert 1 <= ok["overall"] <= 4
    assert bad["pair_id"] == "numeric-lang" and bad["overall"] is None and "lang1" in bad["error"]


def test_summarize_cites_exact_quotes_within_the_word_limit(tmp_path: Path, run_cli: RunCli) -> None:
    """Contract 4: ``summary`` is the cited sentences joined by a space, at most --max-words words."""
    clusters = [
        {"cluster_id": "tram", "documents": HARBOUR},
        {"cluster_id": "panda", "documents": [{"id": PANDA["id"], "text": PANDA["text"]}]},
    ]
    output = tmp_path / "summaries.jsonl"
    result = run_cli(
        "summarize",
        "--input",
        write_jsonl(tmp_path / "clusters.jsonl", clusters),
        "--output",
        output,
        "--max-words",
        "40",
    )
    assert result.exit_code == 0, result.explain()

    rows = read_jsonl(output)
    assert [row["cluster_id"] for row in rows] == ["tram", "panda"]
    for row, cluster in zip(rows, clusters, strict=True):
        documents = {d["id"]: d["text"] for d in cluster["documents"]}
        assert set(row) == {"cluster_id", "summary", "sentences"}
        assert row["sentences"], f"{row['cluster_id']}: empty summary"
        assert_summary_sentences(row["sentences"], set(documents), row["cluster_id"])
        assert row["summary"] == " ".join(s["text"] for s in row["sentences"])
        assert len(row["summary"].split()) <= 40
        assert_quotes_exact({"summary": row["sentences"], "conflicts": []}, documents, row["cluster_id"])


def test_summarize_treats_each_cluster_on_its_own(tmp_path: Path, run_cli: RunCli) -> None:
    """A document may recur in another cluster, and document ids need only be unique within a cluster."""
    clusters = [
        {"cluster_id": "tram", "documents": [HARBOUR_1, {**PANDA, "id": "doc-1"}]},
        {"cluster_id": "tram-again", "documents": [HARBOUR_1]},
        {"cluster_id": "panda", "documents": [{**PANDA, "id": "doc-1"}]},
        {"cluster_id": "tram-renumbered", "documents": [{**HARBOUR_2, "id": "doc-1"}]},
    ]
    output = tmp_path / "summaries.jsonl"
    result = run_cli(
        "summarize", "--input", write_jsonl(tmp_path / "clusters.jsonl", clusters), "--output", output
    )
    assert result.exit_code == 0, result.explain()
    assert "rejected" not in result.stderr
    rows = read_jsonl(output)
    assert [row["cluster_id"] for row in rows] == ["tram", "tram-again", "panda", "tram-renumbered"]
    for row, cluster in zip(rows, clusters, strict=True):
        documents = {d["id"]: d["text"] for d in cluster["documents"]}
        assert row["sentences"], f"{row['cluster_id']}: empty summary"
        assert_quotes_exact({"summary": row["sentences"], "conflicts": []}, documents, row["cluster_id"])


def test_summarize_rejects_a_cluster_record_without_a_usable_id(tmp_path: Path, run_cli: RunCli) -> None:
    clusters = [
        {"cluster_id": None, "documents": [HARBOUR_1]},
        {"cluster_id": {"nested": 1}, "documents": [HARBOUR_1]},
        {"documents": [HARBOUR_1]},
        {"cluster_id": "tram", "documents": [HARBOUR_1]},
    ]
    output = tmp_path / "summaries.jsonl"
    result = run_cli(
        "summarize", "--input", write_jsonl(tmp_path / "clusters.jsonl", clusters), "--output", output
    )
    assert result.exit_code == 0, result.explain()
    assert [row["cluster_id"] for row in read_jsonl(output)] == ["tram"]
    assert result.stderr.count("record has no 'cluster_id'") == 3


@pytest.mark.parametrize("command", ["similarity", "summarize"])
def test_input_is_decoded_like_ingest_input(command: str, tmp_path: Path, run_cli: RunCli) -> None:
    """A UTF-8 byte-order mark is not part of the first record, and a stray Latin-1 byte is replaced
    (with a warning) instead of stopping the command."""
    record = (
        {"pair_id": "café", "text1": HARBOUR_1["text"], "text2": HARBOUR_2["text"]}
        if command == "similarity"
        else {"cluster_id": "café", "documents": [HARBOUR_1]}
    )
    first = json.dumps(record, ensure_ascii=False).encode("utf-8").replace("é".encode(), b"\xe9")
    second = json.dumps({**record, "pair_id" if command == "similarity" else "cluster_id": "plain"})
    source = tmp_path / "input.jsonl"
    source.write_bytes(b"\xef\xbb\xbf" + first + b"\n" + second.encode("utf-8") + b"\n")
    output = tmp_path / "output.jsonl"
    result = run_cli(command, "--input", source, "--output", output)
    assert result.exit_code == 0, result.explain()
    assert "invalid bytes replaced" in result.stderr
    ids = [row.get("pair_id", row.get("cluster_id")) for row in read_jsonl(output)]
    assert ids == ["caf\ufffd", "plain"]
    assert all("error" not in row for row in read_jsonl(output))


@pytest.mark.parametrize("command", ["similarity", "summarize"])
def test_an_unpaired_surrogate_in_an_id_is_replaced_not_fatal(
    command: str, tmp_path: Path, run_cli: RunCli
) -> None:
    """JSON allows a lone ``\\ud800``, but UTF-8 output cannot hold it: it becomes U+FFFD."""
    key = "pair_id" if command == "similarity" else "cluster_id"
    record = (
        {"text1": HARBOUR_1["text"], "text2": HARBOUR_2["text"]}
        if command == "similarity"
        else {"documents": [HARBOUR_1]}
    )
    lone = json.dumps({key: "PLACEHOLDER", **record}).replace("PLACEHOLDER", "odd\\ud800")
    source = write_jsonl(tmp_path / "input.jsonl", [{key: "plain", **record}], raw_lines=(lone,))
    output = tmp_path / "output.jsonl"
    result = run_cli(command, "--input", source, "--output", output)
    assert result.exit_code == 0, result.explain()
    assert [row[key] for row in read_jsonl(output)] == ["plain", "odd\ufffd"]


def test_compare_writes_the_story_block_for_one_story(tmp_path: Path, run_cli: RunCli) -> None:
    """Contract 5: a JSON object with exactly shared / unique / conflicts / updates / framing / timeline."""
    output = tmp_path / "comparison.json"
    articles = write_jsonl(tmp_path / "articles.jsonl", HARBOUR)
    result = run_cli("compare", "--input", articles, "--output", output)
    assert result.exit_code == 0, result.explain()

    block = json.loads(output.read_text(encoding="utf-8"))
    assert set(block) == BLOCK_KEYS
    ids = {a["id"] for a in HARBOUR}
    assert_comparison_block(block, ids, "comparison")
    assert_quotes_exact(block, {a["id"]: a["text"] for a in HARBOUR}, "comparison")
    assert block["shared"], "three reports of one council vote share facts"
    assert {f["genre"] for f in block["framing"]} == {"report"}


# =========================================================================================================
# 5b. Contract commands on the first lines of each file in ../shared/data
# =========================================================================================================


def shared_subset(shared_dir: Path, relative: str, tmp_path: Path, n: int = SHARED_SUBSET_LINES) -> Path:
    source = shared_dir / "data" / relative
    if not source.is_file():
        pytest.skip(f"../shared is absent: no {source}")
    return head_lines(source, n, tmp_path / Path(relative).name)


@pytest.mark.slow
@pytest.mark.parametrize("relative", ["ecbplus/articles.dev.jsonl", "multinews/articles.dev.jsonl"])
def test_cluster_on_shared_articles(relative: str, shared_dir: Path, tmp_path: Path, run_cli: RunCli) -> None:
    articles = shared_subset(shared_dir, relative, tmp_path)
    with articles.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(NO_TEXT_RECORD) + "\n")
    inputs = read_jsonl(articles)
    output = tmp_path / "assignments.jsonl"
    result = run_cli("cluster", "--input", articles, "--output", output)
    assert result.exit_code == 0, result.explain()

    lines = read_jsonl(output)
    assert len(lines) == len(inputs)
    assert [line["id"] for line in lines[:-1]] == [record["id"] for record in inputs[:-1]]
    assert all(isinstance(line["story"], str) for line in lines[:-1])
    assert lines[-1]["story"] is None and lines[-1]["error"]


@pytest.mark.slow
def test_similarity_on_shared_pairs(shared_dir: Path, tmp_path: Path, run_cli: RunCli) -> None:
    pairs = shared_subset(shared_dir, "semeval8/pairs.dev.jsonl", tmp_path)
    output = tmp_path / "scores.jsonl"
    result = run_cli("similarity", "--input", pairs, "--output", output)
    assert result.exit_code == 0, result.explain()

    lines = read_jsonl(output)
    assert [line["pair_id"] for line in lines] == [str(p["pair_id"]) for p in read_jsonl(pairs)]
    for line in lines:
        assert set(line) == {"pair_id", *SIMILARITY_DIMENSIONS}
        for dimension in SIMILARITY_DIMENSIONS:
            assert 1 <= line[dimension] <= 4, f"{line['pair_id']}.{dimension} = {line[dimension]}"


@pytest.mark.slow
def test_summarize_on_shared_clusters(shared_dir: Path, tmp_path: Path, run_cli: RunCli) -> None:
    clusters = shared_subset(shared_dir, "multinews/clusters.dev.jsonl", tmp_path)
    output = tmp_path / "summaries.jsonl"
    result = run_cli("summarize", "--input", clusters, "--output", output, "--max-words", "100")
    assert result.exit_code == 0, result.explain()

    inputs = read_jsonl(clusters)
    rows = read_jsonl(output)
    assert [row["cluster_id"] for row in rows] == [str(c["cluster_id"]) for c in inputs]
    for row, cluster in zip(rows, inputs, strict=True):
        documents = {d["id"]: d["text"] for d in cluster["documents"]}
        assert set(row) == {"cluster_id", "summary", "sentences"}
        assert row["sentences"], f"{row['cluster_id']}: empty summary"
        assert_summary_sentences(row["sentences"], set(documents), row["cluster_id"])
        assert row["summary"] == " ".join(s["text"] for s in row["sentences"])
        assert len(row["summary"].split()) <= 100, row["cluster_id"]
        assert_quotes_exact({"summary": row["sentences"], "conflicts": []}, documents, row["cluster_id"])


@pytest.mark.slow
def test_compare_on_shared_articles(shared_dir: Path, tmp_path: Path, run_cli: RunCli) -> None:
    articles = shared_subset(shared_dir, "ecbplus/articles.dev.jsonl", tmp_path)
    output = tmp_path / "comparison.json"
    result = run_cli("compare", "--input", articles, "--output", output)
    assert result.exit_code == 0, result.explain()

    block = json.loads(output.read_text(encoding="utf-8"))
    assert set(block) == BLOCK_KEYS
    inputs = read_jsonl(articles)
    assert_comparison_block(block, {a["id"] for a in inputs}, "comparison")
    assert_quotes_exact(block, {a["id"]: a["text"] for a in inputs}, "comparison")
