"""Story clustering on the fictional corpora."""

from __future__ import annotations

import random

from fictional import pick
from storyline.cluster import cluster_articles, make_story, story_id
from storyline.model import Article


def test_separate_events_end_in_separate_clusters(corpus: dict[str, Article]) -> None:
    articles = pick(corpus, "hollvik") + pick(corpus, "dunmere") + pick(corpus, "vote")
    random.Random(3).shuffle(articles)
    groups = cluster_articles(articles)
    assert sorted(sorted(a.id for a in g) for g in groups) == [
        ["dunmere-1", "dunmere-2", "dunmere-3", "dunmere-4"],
        ["hollvik-1", "hollvik-2", "hollvik-3", "hollvik-4"],
        ["vote-1", "vote-2", "vote-3", "vote-4"],
    ]


def test_clustering_trivial_inputs(corpus: dict[str, Article]) -> None:
    assert cluster_articles([]) == []
    only = corpus["vote-1"]
    assert cluster_articles([only]) == [[only]]


def test_story_id_is_stable_when_a_later_article_joins(corpus: dict[str, Article]) -> None:
    fire = pick(corpus, "hollvik")
    [first] = cluster_articles(fire[:3])
    [grown] = cluster_articles(fire)
    assert len(grown) == 4
    assert story_id(first) == story_id(grown) == story_id([corpus["hollvik-1"]])
    assert story_id(first).startswith("s-")
    assert story_id(pick(corpus, "dunmere")) != story_id(fire)


def test_make_story_orders_members_and_spans_their_dates(corpus: dict[str, Article]) -> None:
    fire = pick(corpus, "dunmere")
    story = make_story(list(reversed(fire)))
    assert story.article_ids == ["dunmere-1", "dunmere-2", "dunmere-3", "dunmere-4"]
    assert story.time_span == {"start": "2031-04-05", "end": "2031-04-07"}
    assert story.source_count == 4
    assert story.title in {a.title for a in fire}
