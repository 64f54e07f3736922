"""`storyline run --engine spark`: Spark in local mode runs the same stages and gives the same stories."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import REPO_ROOT, DemoRun
from storyline.store import open_store

pytest.importorskip("pyspark", reason="the spark extra is not installed (pip install 'storyline[spark]')")


@pytest.fixture(scope="module")
def spark_run(tmp_path_factory: pytest.TempPathFactory, run_cli) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("spark") / "out"
    result = run_cli("run", "demo/corpus", "--out", out, "--engine", "spark", "--master", "local[2]")
    assert result.exit_code == 0, result.explain()
    return out, json.loads((out / "stories.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_spark_in_local_mode_gives_the_stories_of_a_run_on_one_machine(
    spark_run: tuple[Path, dict], demo_run: DemoRun
) -> None:
    _out, doc = spark_run
    assert len(doc["stories"]) == len(demo_run.stories) > 1
    for on_spark, here in zip(doc["stories"], demo_run.stories, strict=True):
        assert on_spark["articles"] == here["articles"]
        assert on_spark["summary"] == here["summary"]
        assert on_spark["conflicts"] == here["conflicts"]
    assert doc["stories"] == demo_run.stories, "and everything else stories.json says of them"
    assert doc["storylines"] == demo_run.doc["storylines"]
    assert doc["ingest"] == demo_run.doc["ingest"], "every record accounted for as on one machine"


@pytest.mark.slow
def test_a_spark_run_writes_parquet_tables_of_its_articles_and_stories(spark_run: tuple[Path, dict]) -> None:
    out, doc = spark_run
    stories = pq.read_table(out / "tables" / "stories.parquet")
    assert sorted(stories.column("id").to_pylist()) == sorted(s["id"] for s in doc["stories"])
    articles = pq.read_table(out / "tables" / "articles.parquet").column("id").to_pylist()
    with open_store(out / "storyline.db") as store:
        assert sorted(articles) == sorted(a.id for a in store.articles()), "originals and stored copies"
    assert {a["id"] for s in doc["stories"] for a in s["articles"]} <= set(articles)
    assert (out / "report.html").is_file() and (out / "report.md").is_file()


def test_without_pyspark_the_spark_engine_says_how_to_install_it(tmp_path: Path) -> None:
    # pyspark made unimportable in this one process, as on an install without the extra.
    code = (
        "import sys; sys.modules['pyspark'] = None; sys.modules['pyspark.sql'] = None\n"
        "from storyline.cli import main\n"
        f"sys.argv = ['storyline', 'run', 'demo/corpus', '--out', {str(tmp_path / 'out')!r},"
        " '--engine', 'spark']\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1, done.stderr
    assert "pip install 'storyline[spark]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unknown_engine_is_refused(run_cli, tmp_path: Path) -> None:
    result = run_cli("run", "demo/corpus", "--out", tmp_path / "out", "--engine", "ray")
    assert result.exit_code == 2
    assert "'ray' is not one of" in result.stderr
