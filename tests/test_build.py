"""Story building without the store (storyline.build) and the planner that feeds it (pipeline.plan_stories):
sentence vectors once per distinct sentence and alike however batched, stories built in worker processes
equal to those built in this one, and a plan built and saved equal to update_stories."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest

from fictional import dunmere_fire, ferry_reports, hollvik_fire, kessel_election
from storyline import build, pipeline
from storyline.enrich import default_embedder, enrich
from storyline.enrich.annotate import annotate
from storyline.model import Article
from storyline.stages import Stages
from storyline.store import open_store


def _groups() -> list[list[Article]]:
    groups = [hollvik_fire(), dunmere_fire(), kessel_election(), ferry_reports()]
    for group in groups:
        enrich(group, sentence_vectors=False)
        annotate(group)
    return groups


def _json(stories: list) -> list[str]:
    return [json.dumps(s.to_dict({}), sort_keys=True, default=str) for s in stories]


def test_each_distinct_sentence_is_embedded_once_and_as_on_its_own() -> None:
    first, second = copy.deepcopy(hollvik_fire()[:2])
    # A syndicated copy: the same sentences under another masthead.
    copy_of_first = Article(id="copy", text=first.text, source="Wire Digest", title=first.title)
    for a in (first, second, copy_of_first):
        enrich([a], sentence_vectors=False)
    computed = build.sentence_vectors([first, second, copy_of_first])
    assert {a.id for a in computed} == {first.id, second.id, "copy"}
    assert np.array_equal(first.sentence_vectors, copy_of_first.sentence_vectors)
    alone = default_embedder().embed([s.text for s in second.sentences])
    assert np.array_equal(second.sentence_vectors, alone)
    assert build.sentence_vectors([first]) == []  # nothing left to compute


def test_tasks_take_every_story_once_largest_first() -> None:
    groups = [
        [Article(id=f"{g}-{k}", text="x") for k in range(size)] for g, size in enumerate([3, 30, 1, 12])
    ]
    cut = build.tasks(groups)
    assert sorted(g for task in cut for g in task) == [0, 1, 2, 3]
    assert cut[0] == [1]  # the 30-article story alone, first
    assert all(sum(len(groups[g]) for g in task) <= build.TASK_ARTICLES for task in cut[1:])


@pytest.mark.slow
def test_stories_built_in_worker_processes_equal_those_built_here(monkeypatch: pytest.MonkeyPatch) -> None:
    groups = _groups()
    here, there = copy.deepcopy(groups), copy.deepcopy(groups)
    stages = Stages()
    alone = dict(
        (g, s)
        for task, stories, _ in build.build_all(here, workers=1)
        for g, s in zip(task, stories, strict=True)
    )
    monkeypatch.setattr(build, "PARALLEL_FROM", 0)
    pooled = {}
    for task, stories, computed in build.build_all(there, workers=2, stages=stages):
        pooled.update(zip(task, stories, strict=True))
        # The parent's articles get the vectors the workers computed.
        assert all(a.sentence_vectors is not None for a in computed)
    assert _json([alone[g] for g in range(len(groups))]) == _json([pooled[g] for g in range(len(groups))])
    assert {"vectors", "compare", "summarise"} <= set(stages.stages)
    assert stages.stages["compare"].items == len(groups)


def test_a_plan_built_and_saved_is_what_update_stories_makes(tmp_path: Path) -> None:
    records = tmp_path / "in.jsonl"
    articles = hollvik_fire() + ferry_reports()
    with records.open("w", encoding="utf-8") as fh:
        for a in articles:
            row = {"id": a.id, "text": a.text, "title": a.title, "source": a.source, "published": a.published}
            fh.write(json.dumps(row) + "\n")
    made = {}
    for name in ("planned", "updated"):
        with open_store(tmp_path / f"{name}.db") as store:
            pipeline.ingest_paths(store, [records])
            stages = Stages()
            if name == "planned":
                plan = pipeline.plan_stories(store, stages=stages)
                assert plan.batch and sum(len(g) for g in plan.groups) == len(articles)
                pipeline.save_planned(store, plan, pipeline.build_planned(store, plan, stages=stages))
                assert {"enrich", "cluster", "build stories"} <= set(stages.stages)
            else:
                pipeline.update_stories(store)
            made[name] = _json(store.stories())
    assert made["planned"] == made["updated"]


@pytest.mark.slow
def test_run_shows_each_stage_with_its_rate(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    records = tmp_path / "in.jsonl"
    with records.open("w", encoding="utf-8") as fh:
        for a in ferry_reports():
            fh.write(json.dumps({"id": a.id, "text": a.text, "title": a.title, "source": a.source}) + "\n")
    env = {**os.environ, "STORYLINE_PROGRESS": "1", "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from storyline.cli import main; main()",
            "run",
            str(records),
            "--out",
            tmp_path,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    table = proc.stderr[proc.stderr.index("Stages") :]
    assert "items/s" in table
    for stage in ("ingest", "enrich", "cluster", "build stories", "compare", "summarise", "report"):
        assert f" {stage} " in table, f"no {stage} row in\n{table}"
    # The progress bars show a rate beside each count.
    assert "/s" in proc.stderr[: proc.stderr.index("Stages")]
