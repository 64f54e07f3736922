"""Shared fixtures for the end-to-end tests: how to run the ``storyline`` command, where the shared
evaluation data lives, and one run of the main job over the demo corpus that many tests read.

Two ways to run the command line:

* ``run_cli`` starts the installed console script in a subprocess. This is the faithful option: the
  console script (``storyline.cli:main``) is what turns a ``Failure`` into exit code 1, so only a real
  process shows the exit codes users see.
* ``invoke_cli`` calls the Typer app in-process through ``typer.testing.CliRunner``. It is fast, and
  good enough for exit codes 0 and 2 (usage errors are Click's and are the same in both ways).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fictional import (
    OPINION_TEXT,
    WIRE_TEXT,
    article,
    dunmere_fire,
    ferry_reports,
    hollvik_fire,
    kessel_election,
)
from pg_server import PostgresServer, postgres_bin
from storyline.enrich import default_embedder, enrich
from storyline.model import Article

REPO_ROOT = Path(__file__).resolve().parents[1]
DEMO_CORPUS = REPO_ROOT / "demo" / "corpus"
DEMO_GOLD = REPO_ROOT / "demo" / "gold.csv"
CLI_TIMEOUT_S = 300


@dataclass(frozen=True)
class CliResult:
    """What a finished ``storyline`` command left behind."""

    args: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def explain(self) -> str:
        """A readable account for assertion messages."""
        return (
            f"`storyline {' '.join(self.args)}` exited {self.exit_code}\n"
            f"--- stdout ---\n{self.stdout[-3000:]}\n--- stderr ---\n{self.stderr[-3000:]}"
        )


def _console_script() -> list[str]:
    """The installed ``storyline`` script next to this interpreter, else the same entry point via -c."""
    script = Path(sys.executable).parent / "storyline"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-c", "from storyline.cli import main; main()"]


def _cli_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYLINE_")}
    # Wide, plain output: tables do not wrap ids or titles, and there are no colour codes to strip.
    env.update({"COLUMNS": "240", "NO_COLOR": "1", "TERM": "dumb", "PYTHONIOENCODING": "utf-8"})
    return env


def storyline(*args: str | Path, cwd: Path = REPO_ROOT, stdin: str | None = None) -> CliResult:
    """Run ``storyline ARGS...`` as a subprocess (by default from the repository root)."""
    argv = tuple(str(a) for a in args)
    proc = subprocess.run(
        [*_console_script(), *argv],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=_cli_env(),
        timeout=CLI_TIMEOUT_S,
        check=False,
    )
    return CliResult(argv, proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="session")
def run_cli() -> Callable[..., CliResult]:
    """``run_cli("stories", "--db", path)`` runs the real console script; see :func:`storyline`."""
    return storyline


@pytest.fixture(scope="session")
def invoke_cli() -> Callable[..., CliResult]:
    """``invoke_cli("stories", "--bogus")`` runs the Typer app in-process (fast; exit codes 0 and 2 only)."""
    from storyline.cli import app

    runner = CliRunner(env={"COLUMNS": "240", "NO_COLOR": "1"})

    def invoke(*args: str | Path) -> CliResult:
        argv = tuple(str(a) for a in args)
        result = runner.invoke(app, list(argv))
        return CliResult(argv, result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared folder beside the repository (``../shared``), or ``$STORYLINE_SHARED``."""
    configured = os.environ.get("STORYLINE_SHARED")
    path = Path(configured) if configured else REPO_ROOT.parent / "shared"
    if not path.is_dir():
        pytest.skip(
            f"../shared is absent: no folder at {path} (set STORYLINE_SHARED to the shared folder "
            "holding samples/ and data/ to run this test)"
        )
    return path


@dataclass(frozen=True)
class DemoRun:
    """One ``storyline run demo/corpus --out OUT``: the process result, OUT and the loaded stories.json."""

    result: CliResult
    out_dir: Path
    doc: dict[str, Any]

    @property
    def stories(self) -> list[dict[str, Any]]:
        return self.doc["stories"]

    @property
    def db(self) -> Path:
        return self.out_dir / "storyline.db"


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """The main job over the demo corpus, run once per test session (about 15 s).

    It runs from the repository root with the relative path ``demo/corpus``, as a user following
    demo/README.md would, so article origins read ``demo/corpus/...``.
    """
    out_dir = tmp_path_factory.mktemp("demo-run") / "out"
    result = storyline("run", "demo/corpus", "--out", out_dir)
    stories_json = out_dir / "stories.json"
    if not stories_json.is_file():
        pytest.fail(f"the demo run wrote no stories.json\n{result.explain()}")
    doc = json.loads(stories_json.read_text(encoding="utf-8"))
    return DemoRun(result, out_dir, doc)


# -- databases: a SQLite file, or a database on a real PostgreSQL server -----------------------------


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server started for this session (see pg_server.py); skipped without the binaries."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip(
            "PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/pg_ctl "
            "(apt-get install postgresql; .ci/run does)"
        )
    server = PostgresServer(bin_dir)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty database on each backend: a file path (SQLite), then a postgresql:// URL."""
    if request.param == "sqlite":
        return str(tmp_path / "storyline.db")
    return request.getfixturevalue("postgres").new_database()


# -- the fictional corpora of fictional.py, enriched once ------------------------------------------


@pytest.fixture(scope="session")
def embedder():
    return default_embedder()


@pytest.fixture(scope="session")
def corpus(embedder) -> dict[str, Article]:
    """Every fictional article of fictional.py, enriched once."""
    articles = [
        *hollvik_fire(),
        *dunmere_fire(),
        *kessel_election(),
        *ferry_reports(),
        article("opinion", "Island Voice", "2031-05-13", "Time to act on island safety", OPINION_TEXT),
        article("wire", "Nordic Wire", "2031-05-13", "Skarholm ferry search ends", WIRE_TEXT),
    ]
    enrich(articles, embedder=embedder)
    return {a.id: a for a in articles}
