"""Story clustering on the fictional corpora."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

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
from storyline.cluster.index import HORIZON_DAYS, REACH, period_numbers
from storyline.cluster.score import (
    DAY_WINDOW,
    DECAY_PER_WEEK,
    EMPTY,
    SET_WIDTH,
    Lexicon,
    Profiles,
    day_number,
    fade,
    meet,
)
from storyline.cluster.trees import Trees, fit, shipped
from storyline.enrich import cache_article_vectors
from storyline.enrich.annotate import annotate
from storyline.model import Article, Mention
from storyline.store import Store, open_store


def _day(article: Article) -> float:
    return day_number(article.published)


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


def test_a_story_is_not_titled_by_a_photo_caption(corpus: dict[str, Article]) -> None:
    fire = pick(corpus, "dunmere")
    # Every article but the last titled by the caption its scraped page put first: the story takes the
    # one real headline, however central the captioned articles are.
    captioned = [
        dataclasses.replace(a, title="FILE - In this April 5, 2031, file photo, firefighters work in Dunmere")
        for a in fire[:-1]
    ]
    assert make_story([*captioned, fire[-1]]).title == fire[-1].title


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


def test_publication_times_count_in_hours_where_given() -> None:
    assert day_number("2025-01-01T18:00:00Z") - day_number("2025-01-01") == pytest.approx(0.75)
    # An offset is read in UTC: 01:00 at +02:00 is 23:00 of the day before.
    assert day_number("2025-01-02T01:00:00+02:00") == pytest.approx(day_number("2025-01-01") + 23 / 24)
    assert np.isnan(day_number("not a date")) and np.isnan(day_number(None))

    def faded(first: str, second: str) -> float:
        profiles = Profiles.empty(2)
        keys = {k: np.full((2, w), EMPTY, dtype=np.int32) for k, w in SET_WIDTH.items()}
        days = np.array([day_number(first), day_number(second)])
        profiles.append(np.ones((2, 2), dtype=np.int8), profiles.terms[:2], profiles.tf[:2], keys, days)
        return float(fade(profiles, np.array([0]), np.array([1]))[0])

    # 14 days apart by date, 14 days and 23 hours by the clock: the hours fade the score further.
    by_date = faded("2025-01-01", "2025-01-15")
    by_time = faded("2025-01-01T00:00:00Z", "2025-01-15T23:00:00Z")
    assert by_date == pytest.approx(1 - DECAY_PER_WEEK * (14 - DAY_WINDOW) / 7)
    assert by_time == pytest.approx(1 - DECAY_PER_WEEK * (14 + 23 / 24 - DAY_WINDOW) / 7, abs=1e-6)


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
    store = open_store(db)
    for a in articles:
        store.add_article(
            dataclasses.replace(a, sentences=[], mentions=[], vector=None, sentence_vectors=None)
        )
    return store


@pytest.mark.slow
def test_new_articles_join_existing_stories_across_runs(corpus: dict[str, Article], tmp_path: Path) -> None:
    fire, school = pick(corpus, "hollvik"), pick(corpus, "dunmere")
    with _store_with(tmp_path / "s.db", fire[:3] + school) as store:
        pipeline.update_stories(store)
        first = {s.id: s for s in store.stories()}
        kept = next(s for s in first.values() if "dunmere-1" in s.article_ids)
        for a in [fire[3], *pick(corpus, "vote")]:
            store.add_article(dataclasses.replace(a, sentences=[], vector=None, sentence_vectors=None))
        pipeline.update_stories(store)
        second = {s.id: s for s in store.stories()}
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
def test_each_run_keeps_the_counts_of_every_original_in_a_story(
    corpus: dict[str, Article], tmp_path: Path
) -> None:
    fire = pick(corpus, "hollvik")
    later = [fire[3], *pick(corpus, "vote"), dataclasses.replace(corpus["wire"], duplicate_of="hollvik-1")]
    with _store_with(tmp_path / "s.db", fire[:3] + pick(corpus, "dunmere")) as store:
        for run in range(2):
            pipeline.update_stories(store)
            stories = store.stories()
            originals = store.articles(include_duplicates=False)
            store.load_mentions(originals)
            assert {a for s in stories for a in s.article_ids} >= {a.id for a in originals}
            counted = Lexicon()
            counted.count(originals)  # what loading every stored article counts
            assert Lexicon.from_bytes(store.lexicon(a.id for a in originals) or b"") == counted
            if run == 0:
                for a in later:
                    store.add_article(
                        dataclasses.replace(a, sentences=[], vector=None, sentence_vectors=None)
                    )
    assert counted.docs == 12  # the copy is not counted


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
        pipeline.update_stories(store)
        stories = store.stories()
    [story] = [s for s in stories if "wire" in s.article_ids]
    assert "wire-copy" in story.article_ids
    # Harbour Gazette, Island Courier and Nordic Wire; the copy in Coast Daily is Nordic Wire's report.
    assert story.source_count == 3


# -- a store's new articles, with only the stored articles within reach loaded -------------------------

_SYLLABLES = ("ka", "lo", "mer", "vin", "tos", "ra", "del", "um", "bri", "sen", "ho", "gar", "fel", "quo")
_KINDS = ("Fire", "Flood", "Strike", "Landslide")
_OUTLETS = ("Harbour Gazette", "Valley Tribune", "North Herald")
_START = date(2031, 1, 6).toordinal()
_DIM = 24


def _report(event: int, n: int, day: int | None, rng: np.random.Generator) -> Article:
    """Report ``n`` of fictional event ``event``: a kind of event, then invented names of its own (place,
    site, official, agency, town, street) and a figure; its vector near the event's own direction, which
    its kind pulls towards that kind's."""
    own = np.random.default_rng(1000 + event)
    kind = _KINDS[event % len(_KINDS)]
    place, site, official, agency, town, street = ("".join(own.choice(_SYLLABLES, 3)) for _ in range(6))
    figure = int(own.integers(12, 900))
    text = (
        f"Officials in {place.title()} said the {kind.lower()} near the {site} works affected {figure} "
        f"residents. {official.title()} of the {agency.title()} agency said crews from {town.title()} "
        f"would stay. Witnesses described the scene along {street.title()} road."
    )
    direction = np.random.default_rng(event % len(_KINDS)).standard_normal(_DIM)
    vector = 0.6 * direction + own.standard_normal(_DIM) + 0.15 * rng.standard_normal(_DIM)
    return Article(
        id=f"event-{event}-{n}",
        source=_OUTLETS[n % len(_OUTLETS)],
        published=None if day is None else date.fromordinal(day).isoformat(),
        title=f"{kind} at the {place.title()} {site} works",
        text=text,
        vector=vector.astype(np.float32),
    )


def _years_of_reports() -> tuple[list[Article], list[Article]]:
    """Three years of fictional events (three reports each, an event every six days, some followed up
    five weeks later, a few undated reports), split into a store's articles and a fortnight's new ones.
    One new article follows up an event of 48 days before, whose reports lie two periods back: at the
    edge of its reach, and still close enough to join (the score fades to half by then)."""
    rng = np.random.default_rng(7)
    stored, new = [], []
    last = _START + 3 * 365
    cut = next(d for d in range(last - 14, last) if period_numbers(d - 48) == period_numbers(d) - REACH)
    for event in range((last - _START) // 6):
        day = _START + 6 * event
        reports = [(_report(event, n, day + n % 2, rng), day + n % 2) for n in range(3)]
        if event % 8 == 3:
            reports.append((_report(event, 3, day + 35, rng), day + 35))
        for report, published in reports:
            (new if published >= cut else stored).append(report)
    stored += [_report(EDGE, n, cut - 48, rng) for n in range(3)]
    new.append(_report(EDGE, 3, cut, rng))
    stored += [_report(900 + k, 0, None, rng) for k in range(3)]  # undated
    return sorted(stored, key=_publication), sorted(new, key=_publication)


EDGE = 500  # the fictional event followed up at the edge of the reach


def _publication(article: Article) -> str:
    return article.published or "9999"


def test_a_store_s_new_articles_are_assigned_alike_with_only_the_articles_within_reach_loaded() -> None:
    stored, new = _years_of_reports()
    labels = StreamClusterer(_DIM).add_all(stored)
    everything, window = StreamClusterer(_DIM), StreamClusterer(_DIM)
    everything.load(stored, labels)
    window.load(stored, labels, around=new)
    assert len(window) < len(stored) / 3  # a few periods of three years
    assert window.stories == everything.stories
    assert window.add_all(new) == everything.add_all(new)
    # The follow-up at the edge of the reach joined its event's story.
    edge = labels[[a.id for a in stored].index(f"event-{EDGE}-0")]
    follow_up = [a.id for a in new].index(f"event-{EDGE}-3")
    assert everything.story_labels()[len(stored) + follow_up] == edge
    # Each dated stored article within the horizon of a new one has the nearest cosine of loading
    # everything: the score reads it.
    days = np.array([_day(a) for a in stored])
    gaps = np.abs(days[:, None] - np.array([_day(a) for a in new])[None, :])
    reached = np.flatnonzero((gaps <= HORIZON_DAYS).any(axis=1))
    assert {f"event-{EDGE}-{n}" for n in range(3)} <= {stored[r].id for r in reached}
    loaded = window.profiles.vectors[: len(window)]
    for row in reached:
        [same] = np.flatnonzero((loaded == everything.profiles.vectors[row]).all(axis=1))
        assert window.profiles.nearest[same] == everything.profiles.nearest[row]


def test_weekly_runs_over_the_lexicon_a_store_keeps_decide_as_loading_everything(tmp_path: Path) -> None:
    stored, new = _years_of_reports()
    articles = sorted(stored + new, key=_publication)
    days = np.array([_day(a) for a in articles])
    cuts = [int(np.nanmax(days)) - 7 * weeks for weeks in (5, 4, 3, 2, 1)]
    first = [a for a, d in zip(articles, days, strict=True) if not d >= cuts[0]]  # the first run's
    story = dict(zip((a.id for a in first), StreamClusterer(_DIM).add_all(first), strict=True))
    with open_store(tmp_path / "s.db") as store:
        counted = Lexicon()
        counted.count(first)
        store.save_lexicon(story, counted.to_bytes())
        for cut in cuts:
            known = [a for a in articles if a.id in story]
            week = [a for a, d in zip(articles, days, strict=True) if cut <= d < cut + 7]
            kept = Lexicon.from_bytes(store.lexicon(a.id for a in known) or b"")
            assert kept is not None
            everything, window = StreamClusterer(_DIM), StreamClusterer(_DIM)
            everything.load(known, [story[a.id] for a in known])
            window.load(known, [story[a.id] for a in known], around=week, lexicon=kept)
            assert len(window) < len(known) / 3
            # The window's articles are counted once, in the kept lexicon: as loading everything counts.
            assert window.lexicon == everything.lexicon
            assert window.add_all(week) == everything.add_all(week)
            store.save_lexicon((a.id for a in known + week), window.lexicon.to_bytes())
            story |= dict(zip((a.id for a in week), everything.story_labels()[len(known) :], strict=True))
        fresh = Lexicon()
        fresh.count([a for a in articles if a.id in story])
        assert Lexicon.from_bytes(store.lexicon(story) or b"") == fresh


def test_loading_a_window_without_a_kept_lexicon_counts_every_stored_article() -> None:
    stored, new = _years_of_reports()
    labels = StreamClusterer(_DIM).add_all(stored)
    window = StreamClusterer(_DIM)
    window.load(stored, labels, around=new)
    assert len(window) < len(stored) / 3
    counted = Lexicon()
    counted.count(stored)
    assert window.lexicon == counted


@pytest.mark.slow
def test_a_run_reads_the_window_of_a_store_and_decides_as_loading_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored, new = _years_of_reports()
    for a in stored + new:
        # Enriched already: a place named in the first sentence, and the article vector.
        place = a.text.split(" said", 1)[0].removeprefix("Officials in ")
        a.mentions = [Mention("entity", 13, 13 + len(place), place, "GPE", None, place.lower())]
        a.hash, a.origin = f"hash-{a.id}", f"{a.id}.txt"
    labels = StreamClusterer(_DIM).add_all(stored)

    def add(articles: list[Article]) -> None:
        for a in articles:
            store.add_article(a)
            store.save_mentions(a)
        cache_article_vectors(articles, store)

    with open_store(tmp_path / "s.db") as store:
        add(stored)
        store.replace_stories([make_story(g) for g in groups_of(stored, np.array(labels))])
        read: list[str | None] = []
        articles = store.articles

        planning: list[bool] = []
        plan = pipeline.plan_stories

        def spied(ids: Iterable[str] | None = None, include_duplicates: bool = True) -> list[Article]:
            ids = None if ids is None else list(ids)
            if planning:  # what deciding the stories reads (threading storylines reads every story)
                read.extend([None] if ids is None else ids)
            return articles(ids, include_duplicates)

        def planned(*args: Any, **kwargs: Any) -> pipeline.StoryPlan:
            planning.append(True)
            try:
                return plan(*args, **kwargs)
            finally:
                planning.pop()

        monkeypatch.setattr(store, "articles", spied)
        monkeypatch.setattr(pipeline, "plan_stories", planned)
        everything = StreamClusterer(_DIM)
        everything.load(stored, labels)
        known = list(stored)
        weeks = (
            [a for a in new if _day(a) < _day(new[0]) + 7],
            [a for a in new if _day(a) >= _day(new[0]) + 7],
        )
        assert all(weeks)
        for run, week in enumerate(weeks):
            add(week)  # each week's articles arrive before its run
            read.clear()
            pipeline.update_stories(store)
            stories = store.stories()
            # The run settles the stories the week touched, stored articles moving between them.
            everything.add_all(week, settle=True)
            known += week
            expected = partition(known, everything.story_labels())
            assert sorted(sorted(s.article_ids) for s in stories) == expected
            if run == 0:
                # No counts kept (the stories came from elsewhere): every stored article is counted.
                assert {a.id for a in stored} <= set(read)
            else:
                assert None not in read and len(set(read)) < len(known) / 3


# -- settling: the stream converges to what the batch decides -------------------------------------------


class _Cosine:
    """A same-event model that scores a pair by its vector cosine alone, so that a test can set scores."""

    def probability(self, x: np.ndarray) -> np.ndarray:
        return np.clip(x[:, 0], 0.0, 1.0)


def _triangle() -> list[Article]:
    """A, then B (cosine 0.3 to A: a story of its own), then C (0.65 to each): C joins A's story, where
    the batch, knowing C, merges B in too (the average link of {A, C} and {B} is 0.475, over 0.4)."""
    a = np.eye(8)[0]
    b = 0.3 * a + np.sqrt(1 - 0.3**2) * np.eye(8)[1]
    middle = (a + b) / np.linalg.norm(a + b)
    c = 0.65 / float(middle @ a) * middle
    c += np.sqrt(1 - float(c @ c)) * np.eye(8)[2]
    return [
        Article(
            id=f"tri-{name}",
            title=f"Report {name}",
            text=f"Report {name} of the quarry collapse.",
            published=f"2031-03-0{day}",
            source=f"outlet-{name}",
            vector=vector.astype(np.float32),
            hash=f"hash-tri-{name}",
            origin=f"tri-{name}.txt",
        )
        for name, day, vector in (("a", 1, a), ("b", 2, b), ("c", 3, c))
    ]


def test_settling_revises_an_early_decision_as_the_batch_does() -> None:
    articles = _triangle()
    model = _Cosine()
    apart = [["tri-a", "tri-c"], ["tri-b"]]
    together = [["tri-a", "tri-b", "tri-c"]]
    # One article at a time: B starts a story that C, arriving later, shows to be A's.
    assert partition(articles, stream_labels(articles, model=model, settle=False, batch=1)[0]) == apart
    assert partition(articles, batch_labels(articles, model=model)) == together
    assert partition(articles, stream_labels(articles, model=model, batch=1)[0]) == together


def test_settling_keeps_a_story_s_number_and_reports_what_moved() -> None:
    clusterer = StreamClusterer(8, model=_Cosine())
    clusterer.add_all(_triangle(), batch=1)
    assert clusterer.story_labels().tolist() == [0, 1, 0]
    assert clusterer.settle().tolist() == [1]  # B joins the story of A, which keeps its number
    assert clusterer.story_labels().tolist() == [0, 0, 0]
    assert clusterer.settle().tolist() == []  # settled: nothing new to refine


def test_a_run_moves_a_stored_article_when_the_new_ones_settle_its_story(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.cluster import score

    monkeypatch.setattr(score, "shipped", _Cosine)
    a, b, c = _triangle()
    with open_store(tmp_path / "s.db") as store:
        for article in (a, b, c):
            store.add_article(article)
            store.save_mentions(article)
        cache_article_vectors([a, b, c], store)
        # Stored as the stream decided them before C came: A and B apart.
        store.replace_stories([make_story([a]), make_story([b])])
        removed = {story_id([a]), story_id([b])}
        plan = pipeline.plan_stories(store)
        assert sorted(sorted(x.id for x in g) for g in plan.groups) == [["tri-a", "tri-b", "tri-c"]]
        assert plan.removed == removed
        plan.storylines = False
        pipeline.save_planned(store, plan, [make_story(g) for g in plan.groups])
        [story] = store.stories()
        # The story keeps the id of its earliest article; B's story is gone.
        assert story.id == story_id([a])
        assert sorted(story.article_ids) == ["tri-a", "tri-b", "tri-c"]


def test_settled_stories_keep_the_numbers_most_of_their_members_had() -> None:
    from storyline.cluster.refine import keep_numbers

    before = np.array([4, 4, 4, 7, 7, 9])
    # Story 4 splits (its larger part keeps 4), 7 merges into 9's story, which takes 7 (it holds more of 7).
    after = np.array([0, 0, 1, 2, 2, 2])
    numbers, fresh = keep_numbers(before, after, fresh=10)
    assert numbers.tolist() == [4, 4, 10, 7, 7, 7] and fresh == 11
    assert keep_numbers(before, before, 10)[0].tolist() == before.tolist()
