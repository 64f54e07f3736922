"""Pairwise similarity on the seven SemEval-2022 Task 8 dimensions, on fictional articles."""

from __future__ import annotations

import pytest

from fictional import article
from storyline.enrich import enrich
from storyline.model import Article
from storyline.similarity import DIMENSIONS, score_pair


def test_identical_articles_are_maximally_similar(corpus: dict[str, Article], embedder) -> None:
    original = corpus["hollvik-1"]
    twin = article("twin", "Other", original.published, original.title, original.text)
    enrich([twin], embedder=embedder)
    result = score_pair(original, twin)
    assert set(result.scores) == set(DIMENSIONS)
    assert result.scores == dict.fromkeys(DIMENSIONS, 1.0)
    assert result.only_first == [] and result.only_second == []


def test_unrelated_articles_are_very_dissimilar_overall(corpus: dict[str, Article]) -> None:
    scores = score_pair(corpus["hollvik-1"], corpus["vote-1"]).scores
    assert scores["overall"] >= 3.0
    assert scores["entities"] >= 3.0
    assert scores["narrative"] >= 3.0


def test_reports_of_one_event_are_similar_overall(corpus: dict[str, Article]) -> None:
    result = score_pair(corpus["hollvik-1"], corpus["hollvik-2"])
    assert result.scores["overall"] <= 2.0
    assert "oskar lind" in result.shared_names


@pytest.mark.parametrize(
    ("first", "second"),
    [("hollvik-1", "vote-1"), ("hollvik-1", "hollvik-3"), ("gazette", "courier"), ("opinion", "wire")],
)
def test_scores_are_symmetric_and_within_the_scale(
    corpus: dict[str, Article], first: str, second: str
) -> None:
    forward = score_pair(corpus[first], corpus[second]).scores
    backward = score_pair(corpus[second], corpus[first]).scores
    for dim in DIMENSIONS:
        assert 1.0 <= forward[dim] <= 4.0
        assert abs(forward[dim] - backward[dim]) <= 0.01, dim


def test_events_a_month_apart_are_not_close_in_time(corpus: dict[str, Article]) -> None:
    scores = score_pair(corpus["hollvik-1"], corpus["dunmere-1"]).scores
    assert scores["time"] >= 2.5
