"""``storyline export`` writes the store as tables (Parquet, CSV, JSON Lines) that read back with pyarrow.

A small store built by hand checks the values of each table; the demo run checks that every table's row
count matches the store and ``stories.json``, in every format.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from storyline.export import SCHEMAS, export
from storyline.model import Article, Mention, Sentence, Story
from storyline.store import Store, open_store

BRIDGE = "The Velmora bridge reopened on Monday. Repairs cost 4 million crowns."
FERRY = "A ferry ran aground off Skarholm. Nobody was hurt."


def read_back(path: Path) -> pa.Table:
    if path.suffix == ".parquet":
        return pq.read_table(path)
    if path.suffix == ".csv":
        return pa_csv.read_csv(path)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return pa.Table.from_pylist(rows)


@pytest.fixture
def small_store(tmp_path: Path):
    with open_store(tmp_path / "small.db") as store:
        bridge = Article(id="bridge", text=BRIDGE, title="Bridge reopens", source="Velmora Post")
        bridge.sentences = [Sentence(0, 38, BRIDGE[:38]), Sentence(39, len(BRIDGE), BRIDGE[39:])]
        bridge.mentions = [
            Mention("entity", 4, 11, "Velmora", "GPE", None, "velmora"),
            Mention("quantity", 52, 68, "4 million crowns", "money", "4000000"),
        ]
        ferry = Article(id="ferry", text=FERRY, source="Island Voice", published="2031-05-02")
        for article in (bridge, ferry):
            store.add_article(article)
            store.save_sentences(article)
            store.save_mentions(article)
        conflict = {
            "type": "number",
            "about": "cost",
            "claims": [
                {"article_id": "bridge", "quote": BRIDGE[39:], "value": 4000000},
                {"article_id": "other", "quote": "It cost 5 million.", "value": 5000000},
            ],
        }
        story = Story(
            id="s-bridge",
            title="Bridge reopens",
            article_ids=["bridge"],
            summary=[{"text": BRIDGE[:38], "citations": [{"article_id": "bridge", "quote": BRIDGE[:38]}]}],
            conflicts=[conflict],
            framing=[{"article_id": "bridge", "genre": "report", "tone": 0.1, "quoted_sources": ["Ada"]}],
            key_entities=["Velmora"],
            source_count=1,
        )
        store.replace_stories([story])
        yield store


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_each_table_reads_back_with_its_documented_columns(small_store: Store, tmp_path: Path, fmt: str):
    written = export(small_store, fmt, tmp_path / "out")
    assert set(written) == set(SCHEMAS)
    for name, (path, rows) in written.items():
        table = read_back(path)
        if rows:
            assert table.column_names == SCHEMAS[name].names, name
        assert table.num_rows == rows, name
    assert not list((tmp_path / "out").glob("*.partial")), "no half-written file is left"


def test_articles_carry_their_story_and_a_null_storyline(small_store: Store, tmp_path: Path) -> None:
    export(small_store, "parquet", tmp_path)
    rows = {r["id"]: r for r in pq.read_table(tmp_path / "articles.parquet").to_pylist()}
    assert rows["bridge"]["story"] == "s-bridge"
    assert rows["ferry"]["story"] is None, "an article in no story says so"
    assert rows["bridge"]["storyline"] is None
    assert rows["ferry"]["published"] == "2031-05-02"
    assert rows["bridge"]["text"] == BRIDGE


def test_claims_name_the_sentence_that_holds_them(small_store: Store, tmp_path: Path) -> None:
    export(small_store, "parquet", tmp_path)
    claims = pq.read_table(tmp_path / "claims.parquet").to_pylist()
    by_text = {c["text"]: c for c in claims}
    assert by_text["Velmora"]["sentence"] == 0
    assert by_text["4 million crowns"]["sentence"] == 1
    assert by_text["4 million crowns"]["label"] == "money"
    assert by_text["4 million crowns"]["value"] == "4000000"


def test_conflicts_have_one_row_per_claim_and_citations_one_per_quote(
    small_store: Store, tmp_path: Path
) -> None:
    export(small_store, "csv", tmp_path)
    conflicts = pa_csv.read_csv(tmp_path / "conflicts.csv").to_pylist()
    assert [(c["conflict"], c["article_id"], str(c["value"])) for c in conflicts] == [
        (0, "bridge", "4000000"),
        (0, "other", "5000000"),
    ]
    citations = pa_csv.read_csv(tmp_path / "citations.csv").to_pylist()
    assert [(c["section"], c["article_id"], c["quote"]) for c in citations] == [
        ("summary", "bridge", BRIDGE[:38])
    ]
    stories = pa_csv.read_csv(tmp_path / "stories.csv").to_pylist()
    assert json.loads(stories[0]["key_entities"]) == ["Velmora"], "lists are JSON arrays in CSV"


def test_export_of_a_missing_database_is_an_error_and_creates_nothing(run_cli, tmp_path: Path) -> None:
    result = run_cli("export", "--db", tmp_path / "typo.db", "--out", tmp_path / "out")
    assert result.exit_code == 1, result.explain()
    assert "no database" in result.stderr
    assert not (tmp_path / "typo.db").exists()


def test_export_rejects_an_unknown_format(invoke_cli, small_store: Store, tmp_path: Path) -> None:
    result = invoke_cli("export", "--db", small_store.path, "--format", "xlsx", "--out", tmp_path / "o")
    assert result.exit_code == 2, result.explain()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_demo_export_row_counts_match_the_store_and_stories_json(demo_run, run_cli, tmp_path, fmt) -> None:
    out = tmp_path / fmt
    result = run_cli("export", "--db", demo_run.db, "--format", fmt, "--out", out)
    assert result.exit_code == 0, result.explain()
    table = {name: read_back(out / f"{name}.{fmt}") for name in SCHEMAS}
    stories = demo_run.stories
    with open_store(demo_run.db) as store:
        articles = store.articles()
        store.load_mentions(articles)
        assert table["articles"].num_rows == store.count_articles()
        assert table["claims"].num_rows == sum(len(a.mentions) for a in articles)
    assert table["stories"].num_rows == len(stories)
    assert table["story_articles"].num_rows == sum(len(s["articles"]) for s in stories)
    assert table["conflicts"].num_rows == sum(len(c["claims"]) for s in stories for c in s["conflicts"])
    assert table["framing"].num_rows == sum(len(s["framing"]) for s in stories)
    cited = sum(
        len(item["citations"])
        for s in stories
        for key in ("summary", "shared", "unique", "timeline")
        for item in s[key]
    )
    assert table["citations"].num_rows == cited
    in_story = {a["id"]: s["id"] for s in stories for a in s["articles"]}
    exported = dict(
        zip(table["articles"]["id"].to_pylist(), table["articles"]["story"].to_pylist(), strict=True)
    )
    assert {k: v for k, v in exported.items() if v is not None} == in_story
