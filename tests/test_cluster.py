"""Story clustering on the fictional corpora."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import numpy as np
import pytest

from fictional import pick
from storyline import pipeline
from storyline.cluster import (
    StreamClusterer,
    batch_labels,
    cluster_articles,
    groups_of,
    make_story,
    story_id,
    stream_labels,
)
from storyline.cluster.score import EMPTY, SET_WIDTH, Lexicon, Profiles, meet
from storyline.cluster.trees import Trees, fit, shipped
from storyline.enrich.annotate import annotate
from storyline.model import Article
from storyline.store import Store


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


# -- the same-event score ---------------------------------------------------------------------------


def test_the_same_event_model_reads_back_from_json_unchanged() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((400, 3))
    y = x[:, 0] + 0.3 * x[:, 1] > 0.8
    model = fit(x, y, np.ones(len(y)), ["a", "b", "c"])
    again = Trees.from_json(model.to_json())
    assert np.allclose(again.probability(x), model.probability(x))
    # It learnt the rule: a clear case on each side.
    assert again.probability(np.array([[0.95, 0.9, 0.5], [0.05, 0.1, 0.5]])).round().tolist() == [1, 0]


def test_the_shipped_model_gives_probabilities() -> None:
    model = shipped()
    p = model.probability(np.random.default_rng(1).random((50, len(model.features))))
    assert ((p >= 0) & (p <= 1)).all()


def test_a_name_few_articles_carry_counts_for_more() -> None:
    lexicon = Lexicon()
    common, rare = 11, 22
    lexicon.add_keys(np.array([[common, rare, EMPTY]] + [[common, EMPTY, EMPTY]] * 9))
    assert lexicon.rarity(np.array([rare]))[0] > 0.5 > lexicon.rarity(np.array([common]))[0]
    assert lexicon.rarity(np.array([EMPTY]))[0] == 0


def test_meeting_articles_keep_each_ones_nearest_cosine() -> None:
    profiles = Profiles.empty(2)
    vectors = np.array([[100, 0], [100, 100], [0, 100]], dtype=np.int8)
    keys = {k: np.full((3, w), EMPTY, dtype=np.int32) for k, w in SET_WIDTH.items()}
    profiles.append(vectors, profiles.terms[:3], profiles.tf[:3], keys, np.full(3, np.nan))
    meet(profiles, np.array([0, 0]), np.array([1, 2]))
    # Row 0 met 1 (cosine 0.71) and 2 (cosine 0); row 2 met only row 0.
    assert np.allclose(profiles.nearest[:3], [0.71, 0.71, 0.0], atol=0.01)


# -- streaming and batch ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def annotated(corpus: dict[str, Article]) -> dict[str, Article]:
    """Copies of the fictional articles with their entity, time and number mentions."""
    copies = [dataclasses.replace(a, mentions=[]) for a in corpus.values()]
    annotate(copies)
    return {a.id: a for a in copies}


def partition(articles: list[Article], labels: np.ndarray) -> list[list[str]]:
    return sorted(sorted(a.id for a in g) for g in groups_of(articles, labels))


def test_streaming_and_batch_agree_on_separate_events(annotated: dict[str, Article]) -> None:
    articles = pick(annotated, "hollvik") + pick(annotated, "dunmere") + pick(annotated, "vote")
    random.Random(5).shuffle(articles)
    streamed, _ = stream_labels(articles)
    expected = [
        ["dunmere-1", "dunmere-2", "dunmere-3", "dunmere-4"],
        ["hollvik-1", "hollvik-2", "hollvik-3", "hollvik-4"],
        ["vote-1", "vote-2", "vote-3", "vote-4"],
    ]
    assert partition(articles, streamed) == expected
    assert partition(articles, batch_labels(articles)) == expected


def test_streaming_does_not_depend_on_the_input_order(annotated: dict[str, Article]) -> None:
    articles = pick(annotated, "hollvik") + pick(annotated, "dunmere")
    shuffled = list(reversed(articles))
    assert partition(articles, stream_labels(articles)[0]) == partition(shuffled, stream_labels(shuffled)[0])


def test_two_fires_of_the_same_kind_stay_apart(annotated: dict[str, Article]) -> None:
    """Hollvik and Dunmere: both fires, reported with the same words, a month and a place apart."""
    clusterer = StreamClusterer(len(annotated["hollvik-1"].vector))
    hollvik = {clusterer.add(a) for a in pick(annotated, "hollvik")}
    dunmere = {clusterer.add(a) for a in pick(annotated, "dunmere")}
    assert len(hollvik) == len(dunmere) == 1
    assert hollvik != dunmere


def test_an_old_story_decays_instead_of_swallowing_a_later_report(annotated: dict[str, Article]) -> None:
    """The same report, were it published a year later, would be a new event, not an update."""
    clusterer = StreamClusterer(len(annotated["hollvik-1"].vector))
    [story] = {clusterer.add(a) for a in pick(annotated, "hollvik")[:3]}
    later = pick(annotated, "hollvik")[3]
    assert clusterer.add(dataclasses.replace(later, id="hollvik-late", published="2032-06-01")) != story
    assert clusterer.add(later) == story


# -- in the store, across runs --------------------------------------------------------------------


def _store_with(db: Path, articles: list[Article]) -> Store:
    store = Store(db)
    for a in articles:
        store.add_article(
            dataclasses.replace(a, sentences=[], mentions=[], vector=None, sentence_vectors=None)
        )
    return store


@pytest.mark.slow
def test_new_articles_join_existing_stories_across_runs(corpus: dict[str, Article], tmp_path: Path) -> None:
    fire, school = pick(corpus, "hollvik"), pick(corpus, "dunmere")
    with _store_with(tmp_path / "s.db", fire[:3] + school) as store:
        first = {s.id: s for s in pipeline.update_stories(store)}
        kept = next(s for s in first.values() if "dunmere-1" in s.article_ids)
        for a in [fire[3], *pick(corpus, "vote")]:
            store.add_article(dataclasses.replace(a, sentences=[], vector=None, sentence_vectors=None))
        second = {s.id: s for s in pipeline.update_stories(store)}
    fire_story = story_id(fire)
    assert first[fire_story].article_ids == ["hollvik-1", "hollvik-2", "hollvik-3"]
    assert second[fire_story].article_ids == ["hollvik-1", "hollvik-2", "hollvik-3", "hollvik-4"]
    assert second[kept.id] == kept  # untouched stories are kept as they were
    assert sorted(second[story_id(pick(corpus, "vote"))].article_ids) == [
        "vote-1",
        "vote-2",
        "vote-3",
        "vote-4",
    ]
    assert len(second) == 3


@pytest.mark.slow
def test_a_syndicated_copy_joins_its_story_and_counts_once(
    corpus: dict[str, Article], tmp_path: Path
) -> None:
    ferry = [corpus["gazette"], corpus["courier"], corpus["wire"]]
    with _store_with(tmp_path / "s.db", ferry) as store:
        pipeline.update_stories(store)
        copy = dataclasses.replace(
            corpus["wire"],
            id="wire-copy",
            source="Coast Daily",
            duplicate_of="wire",
            sentences=[],
            vector=None,
        )
        store.add_article(copy)
        stories = pipeline.update_stories(store)
    [story] = [s for s in stories if "wire" in s.article_ids]
    assert "wire-copy" in story.article_ids
    # Harbour Gazette, Island Courier and Nordic Wire; the copy in Coast Daily is Nordic Wire's report.
    assert story.source_count == 3
