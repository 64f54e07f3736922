"""A later report renders only the stories that changed, and reads exactly like one rendered afresh.

``storyline run`` and ``storyline report`` write the reports of a store through
``pipeline.write_store_reports``, which keeps each story's rendering beside the reports
(``OUT/.report-parts.db``) and renders again only stories that are new or changed. The stories here are
fictional and stored by hand (no models run): what is checked is that the files equal the ones the
renderers give for the whole document, whatever moved, and how many stories were rendered.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from storyline import pipeline
from storyline.model import Article, Story
from storyline.report import render_html, render_markdown
from storyline.report.parts import NUMBER_MARK, PartsCache
from storyline.store import Store, open_store


def article(id_: str, source: str, published: str, title: str) -> Article:
    return Article(id=id_, text=f"{title}.", title=title, source=source, published=published, language="en")


ARTICLES = [
    article("ferry-1", "Castria Post", "2031-05-02", "Ferry Velmora runs aground off Castria"),
    article("ferry-2", "Northern Wire", "2031-05-02", "Velmora ferry aground, 212 passengers safe"),
    article("ferry-3", "Aldmoor Herald", "2031-05-03", "Velmora refloated after a night on the reef"),
    article("inquiry-1", "Castria Post", "2031-05-20", "Inquiry into the Velmora grounding opens"),
    article("inquiry-2", "Northern Wire", "2031-05-21", "Velmora captain tells inquiry the chart was old"),
    article("fair-1", "Tech Ledger", "2031-06-11", "Castria book fair draws record crowds"),
]


def ferry_story() -> Story:
    """A story with every section filled in, citing its articles."""
    quote_a, quote_b = (
        "Ferry Velmora runs aground off Castria.",
        "Velmora ferry aground, 212 passengers safe.",
    )
    cite = [{"article_id": "ferry-1", "quote": quote_a}, {"article_id": "ferry-2", "quote": quote_b}]
    return Story(
        id="s-ferry",
        title="Ferry Velmora runs aground off Castria",
        article_ids=["ferry-1", "ferry-2", "ferry-3"],
        summary=[{"text": "The ferry Velmora ran aground off Castria.", "citations": cite, "conflicts": []}],
        shared=[{"claim": "The Velmora ran aground.", "citations": cite}],
        unique=[{"claim": "212 passengers were safe.", "citations": cite[1:]}],
        conflicts=[
            {
                "type": "number",
                "about": "passengers",
                "claims": [{**cite[0], "value": "200"}, {**cite[1], "value": "212"}],
            }
        ],
        timeline=[{"date": "2031-05-02", "text": "The Velmora ran aground.", "citations": cite[:1]}],
        key_entities=["Velmora", "Castria"],
        time_span={"start": "2031-05-02", "end": "2031-05-03"},
        source_count=3,
        storyline="l-velmora",
    )


def plain_story(story_id: str, title: str, article_ids: list[str], storyline: str | None = None) -> Story:
    return Story(id=story_id, title=title, article_ids=article_ids, source_count=1, storyline=storyline)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with open_store(tmp_path / "s.db") as opened:
        for a in ARTICLES:
            opened.add_article(a)
        opened.replace_stories(
            [
                ferry_story(),
                plain_story(
                    "s-inquiry", "Inquiry into the grounding opens", ["inquiry-1", "inquiry-2"], "l-velmora"
                ),
                plain_story("s-fair", "Book fair draws record crowds", ["fair-1"]),
            ]
        )
        yield opened


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the stories ``write_store_reports`` renders (rather than keeps), in order."""
    seen: list[str] = []
    real = pipeline.story_part

    def counting(story: Any, number: int | None = None) -> Any:
        seen.append(story.id)
        return real(story, number)

    monkeypatch.setattr(pipeline, "story_part", counting)
    return seen


def assert_fresh(store: Store, out: Path) -> None:
    """The files in ``out`` are those the renderers give for the store's whole document."""
    written = json.loads((out / "stories.json").read_text(encoding="utf-8"))
    doc = pipeline.stories_model(store).model_copy(update={"generated": written["generated"]})
    expected = json.dumps(doc.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    assert (out / "stories.json").read_text(encoding="utf-8") == expected
    assert (out / "report.md").read_text(encoding="utf-8") == render_markdown(doc)
    assert (out / "report.html").read_text(encoding="utf-8") == render_html(doc)


def test_a_second_report_renders_nothing_and_equals_a_fresh_one(
    store: Store, tmp_path: Path, rendered: list[str]
) -> None:
    out = tmp_path / "out"
    pipeline.write_store_reports(store, out)
    assert sorted(rendered) == ["s-fair", "s-ferry", "s-inquiry"]
    assert_fresh(store, out)
    rendered.clear()
    parts, files = pipeline.write_store_reports(store, out)
    assert rendered == [], "nothing changed: every story's part is kept"
    assert [p.id for p in parts] == ["s-ferry", "s-inquiry", "s-fair"], "the reports' order"
    assert [f.name for f in files] == ["stories.json", "report.md", "report.html"]
    assert_fresh(store, out)
    assert "Storylines" in (out / "report.md").read_text(encoding="utf-8"), "a thread of two events is listed"


def test_a_later_report_renders_the_new_and_changed_stories_and_renumbers_the_rest(
    store: Store, tmp_path: Path, rendered: list[str]
) -> None:
    out = tmp_path / "out"
    pipeline.write_store_reports(store, out)
    for a in [
        article("strike-1", "Castria Post", "2031-06-01", "Dock workers strike in Castria"),
        article("strike-2", "Northern Wire", "2031-06-01", "Castria docks shut by strike"),
        article("strike-3", "Aldmoor Herald", "2031-06-02", "Castria dock strike enters second day"),
        article("strike-4", "Tech Ledger", "2031-06-02", "Strike halts Castria port traffic"),
    ]:
        store.add_article(a)
    # The largest story comes first: every other story moves down one place.
    strike = plain_story("s-strike", "Dock workers strike in Castria", [f"strike-{k}" for k in range(1, 5)])
    fair = plain_story("s-fair", "Book fair closes with record crowds", ["fair-1"])
    store.update_stories([strike, fair])
    rendered.clear()
    parts, _ = pipeline.write_store_reports(store, out)
    assert sorted(rendered) == ["s-fair", "s-strike"], "the kept stories are numbered, not rendered"
    assert [p.id for p in parts] == ["s-strike", "s-ferry", "s-inquiry", "s-fair"]
    assert_fresh(store, out)
    with sqlite3.connect(out / PartsCache.FILE) as kept:
        assert kept.execute("SELECT count(*) FROM parts").fetchone()[0] == 4, "the old fair part is dropped"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="story-2"' in html and 'href="#s2-q1"' in html, "the ferry story's anchors follow its place"


def test_a_story_whose_text_holds_the_number_mark_is_rendered_with_its_number(
    store: Store, tmp_path: Path, rendered: list[str]
) -> None:
    out = tmp_path / "out"
    odd = plain_story("s-fair", f"Ticket {NUMBER_MARK} wins the fair's lottery", ["fair-1"])
    store.update_stories([odd])
    pipeline.write_store_reports(store, out)
    assert_fresh(store, out)
    rendered.clear()
    pipeline.write_store_reports(store, out)
    assert rendered == ["s-fair", "s-fair"], "rendered as the first, then at its place; never kept"
    assert_fresh(store, out)
    assert f"Ticket {NUMBER_MARK} wins" in (out / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("damage", [b"not a database at all", b""])
def test_a_damaged_parts_file_costs_a_full_rendering_not_a_wrong_report(
    store: Store, tmp_path: Path, rendered: list[str], damage: bytes
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / PartsCache.FILE).write_bytes(damage)
    pipeline.write_store_reports(store, out)
    assert len(rendered) == 3
    assert_fresh(store, out)


def test_storyline_report_writes_the_same_files_as_a_fresh_rendering(
    store: Store, tmp_path: Path, run_cli: Callable[..., Any]
) -> None:
    store.close()
    out = tmp_path / "cli-out"
    for _ in range(2):
        result = run_cli("report", "--out", str(out), "--db", str(tmp_path / "s.db"))
        assert result.exit_code == 0, result.output
    with open_store(tmp_path / "s.db") as reopened:
        assert_fresh(reopened, out)


def test_an_empty_store_reports_no_stories_as_a_fresh_rendering_does(tmp_path: Path) -> None:
    with open_store(tmp_path / "empty.db") as empty:
        parts, _ = pipeline.write_store_reports(empty, tmp_path / "out")
        assert parts == []
        assert_fresh(empty, tmp_path / "out")


def test_a_parts_file_of_another_layout_is_started_again_and_then_kept(
    store: Store, tmp_path: Path, rendered: list[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with sqlite3.connect(out / PartsCache.FILE) as old:
        old.execute("CREATE TABLE parts (key TEXT PRIMARY KEY, part TEXT NOT NULL)")
    pipeline.write_store_reports(store, out)
    rendered.clear()
    pipeline.write_store_reports(store, out)
    assert rendered == [], "the parts are kept in the new layout"
    assert_fresh(store, out)
