"""The Python API (``import storyline``), for notebooks and apps: each test shows one function on a
small fictional corpus and what it gives back, the same models ``stories.json`` is made of.

The README's "Python API" example is run as it is written, so the documentation cannot drift from the
code.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

import storyline
from fictional import dunmere_fire, ferry_reports, hollvik_fire
from storyline.contract import Comparison, Story, SummarySentence

README = Path(__file__).resolve().parents[1] / "README.md"


def records(articles: list[Any]) -> list[dict[str, Any]]:
    """Articles as the records a JSON Lines file holds: what an app passes in."""
    return [{k: v for k, v in asdict(a).items() if k in {"id", "text", "title", "source", "published"}}
            for a in articles]  # fmt: skip


def readme_example() -> str:
    section = README.read_text(encoding="utf-8").split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    assert found, "the README's Python API section has no python code block"
    return found.group(1)


def test_the_readme_example_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    exec(compile(readme_example(), "README.md", "exec"), {"__name__": "__readme__"})
    printed = capsys.readouterr().out

    assert (tmp_path / "velby.db").is_file()
    assert "[['library-1'], ['tram-1', 'tram-2']]" in printed, "the two tram reports are one event"
    assert "number conflict about number of injured" in printed
    assert "3 articles ingested" in printed


def test_import_storyline_loads_nothing_heavy() -> None:
    # The command line's worker processes import the package first: it must not pull in the engine.
    code = "import json, sys, storyline; print(json.dumps([m for m in sys.modules if 'storyline' in m]))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout) == ["storyline"]


def test_read_makes_articles_of_records_and_files_and_leaves_out_copies(tmp_path: Path) -> None:
    first, second = records(hollvik_fire()[:2])
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps(second) + "\n", encoding="utf-8")
    copy = {**first, "id": "hollvik-copy"}  # the same text again, from the same outlet

    articles = storyline.read([first, feed, copy])

    assert [a.id for a in articles] == [first["id"], second["id"]]
    assert articles[0].source == first["source"] and articles[0].text == first["text"]


def test_read_skips_a_record_it_cannot_read_with_a_warning_saying_why() -> None:
    with pytest.warns(UserWarning, match="record 2"):
        articles = storyline.read([records(hollvik_fire())[0], {"id": "empty", "title": "No text"}])
    assert len(articles) == 1


def test_read_refuses_a_path_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        storyline.read([tmp_path / "missing.jsonl"])


def test_cluster_articles_puts_each_event_in_a_group_of_its_own() -> None:
    hollvik, dunmere = records(hollvik_fire()), records(dunmere_fire())

    groups = storyline.cluster_articles(hollvik + dunmere)

    assert sorted(sorted(a.id for a in group) for group in groups) == sorted(
        [sorted(r["id"] for r in hollvik), sorted(r["id"] for r in dunmere)]
    )


def test_compare_articles_gives_the_comparison_of_the_contract() -> None:
    articles = ferry_reports()  # two reports of one ferry accident that disagree on the toll
    texts = {a.id: a.text for a in articles}

    comparison = storyline.compare_articles(articles)

    assert isinstance(comparison, Comparison)
    assert {c.type for c in comparison.conflicts} >= {"number"}
    number = next(c for c in comparison.conflicts if c.type == "number")
    assert {claim.article_id for claim in number.claims} == {"gazette", "courier"}
    # Every quote is a span of the article it names.
    for fact in comparison.shared:
        assert all(c.quote in texts[c.article_id] for c in fact.citations)


def test_summarize_articles_cites_the_source_sentences_of_every_sentence() -> None:
    articles = hollvik_fire()
    texts = {a.id: a.text for a in articles}

    summary = storyline.summarize_articles(records(articles), max_words=60)

    assert summary and all(isinstance(s, SummarySentence) for s in summary)
    assert sum(len(s.text.split()) for s in summary) <= 60 + 40  # one sentence may run over the budget
    for sentence in summary:
        assert sentence.citations
        assert all(c.quote in texts[c.article_id] for c in sentence.citations)


def test_run_keeps_its_stories_in_the_database_and_later_items_join_them(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    hollvik = records(hollvik_fire())

    first = storyline.run(hollvik[:-1] + records(dunmere_fire()), db=db)
    later = storyline.run(hollvik[-1:], db=db)

    assert all(isinstance(s, Story) for s in first) and len(first) == 2
    grown = next(s for s in later if any(a.id == hollvik[0]["id"] for a in s.articles))
    assert {a.id for a in grown.articles} == {r["id"] for r in hollvik}
    with storyline.open_store(db) as store:
        assert [s.id for s in storyline.stories(store)] == [s.id for s in later]
        document = storyline.document(store)
    assert document.ingest.ingested == 1, "the ledger of stories.json tells what became of the last run"
    assert {line.id for line in document.storylines} >= {s.storyline for s in later}


def test_run_without_a_database_works_in_a_temporary_one(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)

    found = storyline.run(records(dunmere_fire()))

    assert len(found) == 1 and found[0].summary
    assert list(tmp_path.iterdir()) == [], "nothing is left behind"


def test_run_takes_files_and_records_together_as_one_run(tmp_path: Path) -> None:
    dunmere = records(dunmere_fire())
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in dunmere[:2]), encoding="utf-8")

    found = storyline.run([feed, *dunmere[2:]], db=tmp_path / "news.db")

    assert [sorted(a.id for a in s.articles) for s in found] == [sorted(r["id"] for r in dunmere)]
    with storyline.open_store(tmp_path / "news.db") as store:
        assert storyline.document(store).ingest.ingested == len(dunmere)
