"""``--db`` (and ``STORYLINE_DB``) name a SQLite file or a PostgreSQL server by URL, for every command that
takes it; a URL of any other scheme is an error, never a file name."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DEMO_CORPUS, CliResult, storyline
from storyline.store import open_store

RECORD = {
    "id": "harbour-1",
    "title": "Velmora harbour bridge reopens",
    "source": "Velmora Post",
    "published": "2031-04-07",
    "language": "en",
    "text": "The harbour bridge in Velmora reopened on Monday after nine weeks of repairs. "
    "The council said the crossing carries 4,000 cyclists a day.",
}


@pytest.mark.parametrize(
    "command",
    [
        ["ingest", str(DEMO_CORPUS)],
        ["stories"],
        ["rejects"],
        ["show", "x"],
        ["report", "--out", "out"],
        ["serve"],
    ],
)
def test_a_url_of_an_unsupported_scheme_exits_1_and_creates_nothing(
    command: list[str], tmp_path: Path, run_cli
) -> None:
    args = [str(tmp_path / a) if a == "out" else a for a in command]
    result = storyline(*args, "--db", "mysql://user@host:3306/news", cwd=tmp_path)
    assert result.exit_code == 1, result.explain()
    assert "unsupported database URL scheme 'mysql://'" in result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == [], "no folder named 'mysql:' or any other file"


def test_an_unreachable_server_exits_1_without_showing_the_password(run_cli) -> None:
    result = run_cli("stories", "--db", "postgresql://reader:s3cret@127.0.0.1:1/news?connect_timeout=2")
    assert result.exit_code == 1, result.explain()
    assert "cannot connect to postgresql://reader:***@127.0.0.1:1/news" in result.stderr
    assert "s3cret" not in result.output


def storyline_with_env_db(db: str, *args: str | Path) -> CliResult:
    """``storyline ARGS`` with the database named only by ``STORYLINE_DB``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYLINE_")}
    env.update({"STORYLINE_DB": db, "COLUMNS": "240", "NO_COLOR": "1"})
    argv = tuple(map(str, args))
    done = subprocess.run(
        [sys.executable, "-m", "storyline", *argv],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
    return CliResult(argv, done.returncode, done.stdout, done.stderr)


@pytest.mark.parametrize("how", ["--db", "STORYLINE_DB"])
def test_ingest_and_stories_work_against_a_server_url(how: str, postgres, tmp_path: Path) -> None:
    url = postgres.new_database()
    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps(RECORD) + "\n", encoding="utf-8")
    if how == "--db":
        ingested, listed = storyline("ingest", source, "--db", url), storyline("stories", "--db", url)
    else:
        ingested, listed = storyline_with_env_db(url, "ingest", source), storyline_with_env_db(url, "stories")
    assert ingested.exit_code == 0, ingested.explain()
    assert listed.exit_code == 0, listed.explain()
    assert "Velmora harbour bridge reopens" in listed.stdout
    with open_store(url) as store:
        assert [a.id for a in store.articles()] == ["harbour-1"]
        assert len(store.stories()) == 1
