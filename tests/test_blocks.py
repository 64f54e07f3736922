"""Batch clustering in blocks of publication time: what a corpus that spans years is clustered as."""

from __future__ import annotations

import dataclasses
import math
from datetime import date, timedelta

import numpy as np
import pytest

from fictional import pick
from storyline import engine
from storyline.cluster import batch_labels, cluster_and_count
from storyline.cluster.blocks import BLOCK_PERIODS, UNDATED_BLOCK, block_numbers, cluster_in_blocks
from storyline.cluster.index import HORIZON_DAYS, PERIOD_DAYS
from storyline.cluster.score import Lexicon
from storyline.engine import LocalEngine
from storyline.model import Article


def _block_start(block: int) -> date:
    """The first day of a block (days are ordinals; a block is BLOCK_PERIODS index periods)."""
    return date.fromordinal(math.ceil(block * BLOCK_PERIODS * PERIOD_DAYS))


def _dated(articles: list[Article], days: list[date | None]) -> list[Article]:
    return [
        dataclasses.replace(a, published=None if d is None else d.isoformat())
        for a, d in zip(articles, days, strict=True)
    ]


def _stories(articles: list[Article], labels: np.ndarray) -> list[list[str]]:
    groups: dict[int, list[str]] = {}
    for a, label in zip(articles, labels, strict=True):
        groups.setdefault(int(label), []).append(a.id)
    return sorted(sorted(g) for g in groups.values())


@pytest.fixture
def years_apart(corpus: dict[str, Article]) -> list[Article]:
    """Three events years apart: a fire whose reports straddle a block boundary (two the day before,
    two the day after), another town's fire two blocks later, and an undated vote."""
    edge = _block_start(2100)
    fire = _dated(pick(corpus, "hollvik"), [edge - timedelta(days=1)] * 2 + [edge, edge + timedelta(days=1)])
    ship = _dated(pick(corpus, "dunmere"), [_block_start(2102) + timedelta(days=40)] * 4)
    vote = _dated(pick(corpus, "vote"), [None] * 4)
    return fire + ship + vote


def test_a_corpus_within_one_block_is_clustered_in_one_pass(corpus: dict[str, Article]) -> None:
    articles = pick(corpus, "hollvik") + pick(corpus, "dunmere") + pick(corpus, "vote")
    assert len(set(block_numbers(articles).tolist())) == 1
    labels, _ = cluster_in_blocks(articles)
    assert _stories(articles, labels) == _stories(articles, batch_labels(articles))


def test_blocks_follow_publication_time_undated_articles_have_their_own(
    years_apart: list[Article],
) -> None:
    numbers = block_numbers(years_apart).tolist()
    assert numbers[:4] == [2099, 2099, 2100, 2100], "the fire's reports fall either side of a boundary"
    assert set(numbers[4:8]) == {2102}
    assert set(numbers[8:]) == {UNDATED_BLOCK}


def test_a_story_that_runs_over_a_block_boundary_is_joined(years_apart: list[Article]) -> None:
    labels, _ = cluster_in_blocks(years_apart)
    assert _stories(years_apart, labels) == [
        ["dunmere-1", "dunmere-2", "dunmere-3", "dunmere-4"],
        ["hollvik-1", "hollvik-2", "hollvik-3", "hollvik-4"],
        ["vote-1", "vote-2", "vote-3", "vote-4"],
    ]


def test_reports_further_apart_than_the_horizon_are_not_joined(corpus: dict[str, Article]) -> None:
    edge = _block_start(2100)
    later = edge + timedelta(days=math.ceil(HORIZON_DAYS) + 1)
    fire = _dated(pick(corpus, "hollvik"), [edge - timedelta(days=1)] * 2 + [later] * 2)
    labels, _ = cluster_in_blocks(fire)
    assert _stories(fire, labels) == [["hollvik-1", "hollvik-2"], ["hollvik-3", "hollvik-4"]]


def test_the_blocks_counts_add_up_to_the_whole_corpus(years_apart: list[Article]) -> None:
    _, lexicon = cluster_in_blocks(years_apart)
    whole = Lexicon()
    whole.count(years_apart)
    assert lexicon == whole, "a store keeps these counts for later runs: they must cover every article"


@pytest.mark.slow
def test_worker_processes_give_the_stories_of_one_process(
    years_apart: list[Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "PARALLEL_BLOCKS_FROM", 0)  # a small corpus stays in-process otherwise
    here, _ = cluster_and_count(years_apart)
    workers, _ = LocalEngine(2).cluster(years_apart)
    assert sorted(sorted(a.id for a in g) for g in workers) == sorted(sorted(a.id for a in g) for g in here)


@pytest.mark.slow
def test_spark_executors_give_the_stories_of_one_process(years_apart: list[Article]) -> None:
    pytest.importorskip("pyspark", reason="the spark extra is not installed (pip install 'storyline[spark]')")
    from storyline.spark import SparkEngine

    here, lexicon = cluster_and_count(years_apart)
    with SparkEngine("local[2]") as engine:
        on_spark, counted = engine.cluster(years_apart)
    assert sorted(sorted(a.id for a in g) for g in on_spark) == sorted(sorted(a.id for a in g) for g in here)
    assert counted == lexicon
