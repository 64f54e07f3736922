"""The benchmarks page: BENCHMARKS.md shows, per benchmark, one table made from the newest run recorded in
bench/results.jsonl, and ``--record`` (``common.record``) appends a run there and rewrites that table."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "bench"))

import common  # noqa: E402  (bench/common.py)
import page  # noqa: E402  (bench/page.py)

PAGE = REPO_ROOT / "BENCHMARKS.md"


def test_the_page_is_short_and_shows_the_newest_recorded_run_of_every_benchmark():
    text = PAGE.read_text(encoding="utf-8")
    entries = common.read_results()
    assert len(text.splitlines()) < 250
    for bench in page.HEADLINES:
        region = page.marked(bench).search(text)
        assert region is not None, f"BENCHMARKS.md has no <!-- bench:{bench} --> table"
        shown = region.group(0).split("\n", 1)[1].rsplit("\n", 1)[0]
        assert shown == page.render(bench, entries), f"{bench}: run `python bench/page.py`"


def test_every_recorded_run_carries_its_provenance_and_tables():
    for entry in common.read_results():
        assert {"bench", "section", "date", "commit", "machine", "command", "tables", "notes"} <= entry.keys()
        assert entry["bench"] == common.bench_name(entry["command"])
        for table in entry["tables"]:
            assert all(len(row) == len(table["header"]) for row in table["rows"])


def test_parse_tables_reads_back_what_markdown_table_prints():
    rows = [["dev", "typed", 10, 0.909, "0.12s", ""]]
    text = common.markdown_table(["split", "match", "gold", "F1", "time", "note"], rows) + "\n\nHeld out: x."
    parsed = common.parse_tables(text)
    assert parsed == {
        "tables": [{"header": ["split", "match", "gold", "F1", "time", "note"], "rows": rows}],
        "notes": ["Held out: x."],
    }


def _blocks_table(agreement: float) -> str:
    header = ["run", "BCubed F1 vs gold", "agreement with one pass", "agreement with blocks", "seconds"]
    rows = [
        ["one pass", 0.981, 1.0, agreement, 9.0],
        ["blocks, 1 process", 0.98, agreement, 1.0, 2.0],
        ["blocks, spark local[2]", 0.98, agreement, 1.0, 5.0],
    ]
    return common.markdown_table(header, rows)


def test_record_appends_the_run_and_rewrites_only_its_benchmarks_table(tmp_path, monkeypatch):
    results, benchmarks = tmp_path / "results.jsonl", tmp_path / "BENCHMARKS.md"
    other = "<!-- bench:cluster -->\nkept as it is\n<!-- /bench:cluster -->"
    stale = "<!-- bench:blocks -->\nstale table\n<!-- /bench:blocks -->"
    benchmarks.write_text(f"# Page\n\n{stale}\n\n{other}\n")
    monkeypatch.setattr(common, "RESULTS", results)
    monkeypatch.setattr(common, "BENCHMARKS", benchmarks)
    common.record("Blocks", "python bench/blocks.py --years 4", _blocks_table(0.5))
    common.record("Blocks", "python bench/blocks.py --years 4 --master local[2]", _blocks_table(0.997))

    lines = results.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    newest = json.loads(lines[-1])
    assert newest["bench"] == "blocks" and newest["command"].endswith("--master local[2]")
    assert newest["tables"][0]["rows"][0][3] == 0.997
    text = benchmarks.read_text(encoding="utf-8")
    assert "| BCubed agreement, blocks vs one pass | 0.997 |" in text, "the newest run is shown"
    assert "| seconds to cluster, 1 process · spark local[2] | 2.0 · 5.0 | one pass 9.0 |  |" in text
    assert "stale table" not in text and other in text


def test_a_command_outside_bench_is_refused():
    with pytest.raises(ValueError, match="not a bench/ command"):
        common.bench_name("python somewhere/else.py")
