"""An ingest killed with SIGKILL mid-way, then run again, ends with every record in the store exactly once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

RECORDS = 12_000
KILL_AFTER = 1_500  # articles visibly committed before the kill


def write_records(path: Path) -> None:
    """Fictional, distinct articles: enough of them that the ingest is still busy when it is killed."""
    towns = ["Arnfell", "Brisk", "Colvane", "Dorrow", "Eskbury", "Fallowmere", "Grint", "Harrowby"]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(RECORDS):
            town = towns[i % len(towns)]
            text = (
                f"The footbridge in {town} reopened on day {i} after repairs that took {i % 40 + 2} weeks. "
                f"Council engineer report {i} lists {i % 13 + 1} replaced planks and {i % 7 + 1} new rails. "
                f"Residents of ward {i % 97} said the crossing felt safer. Record {i} ends here."
            )
            record = {"id": f"r{i}", "text": text, "source": f"Outlet {i % 5}", "language": "en"}
            fh.write(json.dumps(record) + "\n")


def count_articles(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # schema not created yet


def ingest(db: Path, source: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "storyline", "ingest", str(source), "--db", str(db), "--skip-stories"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.slow
def test_a_killed_ingest_completes_on_rerun_with_nothing_lost_or_doubled(tmp_path: Path) -> None:
    source, db = tmp_path / "records.jsonl", tmp_path / "crash.db"
    write_records(source)

    victim = ingest(db, source)
    deadline = time.monotonic() + 120
    while count_articles(db) < KILL_AFTER and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert victim.poll() is None, "the ingest finished before it could be killed; make the input larger"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    survived = count_articles(db)
    assert KILL_AFTER <= survived < RECORDS, "the kill should land between two commits of a partial ingest"

    rerun = ingest(db, source)
    assert rerun.wait(timeout=300) == 0

    with sqlite3.connect(db) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM articles")]
        hashes = [row[0] for row in conn.execute("SELECT hash FROM articles")]
        (last_run,) = conn.execute("SELECT run FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
        statuses = dict(
            conn.execute("SELECT status, count(*) FROM ledger WHERE run = ? GROUP BY status", (last_run,))
        )
        orphans = conn.execute(
            "SELECT count(*) FROM articles a "
            "WHERE NOT EXISTS (SELECT 1 FROM ledger l WHERE l.article_id = a.id)"
        ).fetchone()[0]
    assert sorted(ids) == sorted(f"r{i}" for i in range(RECORDS)), "every record stored, none twice"
    assert len(set(hashes)) == RECORDS
    # The rerun accounts for every record: what the killed run committed is found again, the rest goes in.
    assert statuses == {"duplicate": survived, "ingested": RECORDS - survived}
    assert orphans == 0, "an article was committed without its ledger entry"
