"""The whole job on both backends: the demo corpus on a PostgreSQL server gives the stories it gives in a
SQLite file; two ingests at once store every record once; an ingest killed at any moment, then run again,
ends with the articles and stories of an uninterrupted run.

Each compares with ``demo_run`` (conftest.py): ``storyline run demo/corpus`` into a fresh SQLite file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest

from conftest import REPO_ROOT, DemoRun
from storyline.enrich import cached_sentence_vectors
from storyline.pipeline import stories_document
from storyline.store import Store, open_store

pytestmark = pytest.mark.slow


def stories_of(db: str) -> list[dict[str, Any]]:
    """What stories.json would list for the database: articles per story, summaries, conflicts, all."""
    with open_store(db) as store:
        return stories_document(store)["stories"]


def article_ids(db: str) -> list[str]:
    with open_store(db) as store:
        return sorted(a.id for a in store.articles())


def ingest(db: str) -> subprocess.Popen[str]:
    """``storyline ingest demo/corpus --db DB`` in its own process group (its workers die with it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYLINE_")}
    return subprocess.Popen(
        [sys.executable, "-m", "storyline", "ingest", "demo/corpus", "--db", db],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def finish(proc: subprocess.Popen[str]) -> str:
    output, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, f"ingest exited {proc.returncode}:\n{output[-3000:]}"
    return output


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def new_db(backend: str, tmp_path, request: pytest.FixtureRequest) -> Callable[[], str]:
    """Makes a new, empty database on the backend."""
    count = iter(range(100))
    if backend == "sqlite":
        return lambda: str(tmp_path / f"db-{next(count)}.db")
    server = request.getfixturevalue("postgres")
    return server.new_database


def test_the_demo_corpus_gives_the_same_stories_on_postgresql_as_on_sqlite(
    demo_run: DemoRun, postgres, run_cli, tmp_path
) -> None:
    url = postgres.new_database()
    result = run_cli("run", "demo/corpus", "--out", tmp_path / "out", "--db", url)
    assert result.exit_code == 0, result.explain()
    assert article_ids(url) == article_ids(str(demo_run.db))
    stories = stories_of(url)
    assert len(stories) == len(demo_run.stories) > 1
    for on_server, in_file in zip(stories, demo_run.stories, strict=True):
        assert on_server["articles"] == in_file["articles"]
        assert on_server["summary"] == in_file["summary"]
        assert on_server["conflicts"] == in_file["conflicts"]
    assert stories == demo_run.stories, "and everything else stories.json says of them"


def test_two_ingests_at_once_store_every_record_once(demo_run: DemoRun, new_db) -> None:
    db = new_db()
    open_store(db).close()  # the database exists (both then race for its rows, not its creation)
    first, second = ingest(db), ingest(db)
    outputs = [finish(first), finish(second)]
    assert not any("error" in o.lower() for o in outputs), outputs
    assert article_ids(db) == article_ids(str(demo_run.db)), "every record stored, none twice"
    with open_store(db) as store:
        assert len({a.hash for a in store.articles(include_duplicates=False)}) == len(
            store.articles(include_duplicates=False)
        )
        assert not store.stale(), "the stories cover every article"
    assert stories_of(db) == demo_run.stories


def _articles_visible(store: Store) -> bool:
    return store.count_articles() > 0


def _mentions_visible(store: Store) -> bool:
    return any(store.has_mentions(i) for i, _, _ in store.catalogue())


def _sentence_vectors_visible(store: Store) -> bool:
    """Story building has begun: it caches each task's sentence vectors before the next task."""
    articles = store.articles()
    cached_sentence_vectors(articles, store)
    return any(a.sentence_vectors is not None for a in articles)


MOMENTS: dict[str, tuple[Callable[[Store], bool], float]] = {
    # The articles are committed, the stories not begun: the case a rerun used to leave without stories.
    "articles committed": (_articles_visible, 0.0),
    # Enrichment has saved its first chunk.
    "during enrichment": (_mentions_visible, 0.0),
    # Later: the first stories' sentence vectors are cached, the other stories are being built.
    "during story building": (_sentence_vectors_visible, 0.0),
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_an_ingest_killed_at_any_moment_then_rerun_gives_the_uninterrupted_result(
    demo_run: DemoRun, new_db, moment: str
) -> None:
    condition, delay = MOMENTS[moment]
    db = new_db()
    open_store(db).close()
    victim = ingest(db)
    deadline = time.monotonic() + 300
    while victim.poll() is None and time.monotonic() < deadline:
        with open_store(db) as store:
            if condition(store):
                break
        time.sleep(0.05)
    time.sleep(delay)
    assert victim.poll() is None, f"the ingest finished before the kill ({moment})"
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    with open_store(db) as store:
        killed_with_stale_stories = store.stale()
    assert killed_with_stale_stories, "the kill landed before the stories were saved"

    finish(ingest(db))

    assert article_ids(db) == article_ids(str(demo_run.db))
    assert stories_of(db) == demo_run.stories
