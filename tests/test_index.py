"""The candidate index: nearest article vectors, looked up only among articles published close enough
in time to be reports of the same event."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from storyline.cluster.index import HORIZON_DAYS, PERIOD_DAYS, VectorIndex, within_reach

DIM = 16


def vectors(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)


def near(vector: np.ndarray, seed: int, scale: float = 0.05) -> np.ndarray:
    return vector + scale * np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)


def test_candidates_come_only_from_within_the_horizon_of_the_date() -> None:
    base = vectors(1)[0]
    index = VectorIndex(DIM)
    day = 800_000.0
    # Three near-copies of one vector: published the same week, just within and well beyond the horizon.
    index.add(
        np.array([0, 1, 2]),
        np.stack([near(base, 1), near(base, 2), near(base, 3)]),
        np.array([day + 2, day - HORIZON_DAYS + 1, day + 3 * PERIOD_DAYS]),
    )
    assert sorted(index.search(base, 5, day).tolist()) == [0, 1]
    # The far one is found from its own time.
    assert index.search(base, 5, day + 3 * PERIOD_DAYS).tolist() == [2]


def test_undated_articles_meet_everyone() -> None:
    base = vectors(1)[0]
    index = VectorIndex(DIM)
    index.add(np.array([0, 1]), np.stack([near(base, 1), near(base, 2)]), np.array([1000.0, 9000.0]))
    index.add(np.array([2]), near(base, 3)[None, :])  # no date
    # A dated article sees the undated one and its own time; an undated one sees every period.
    assert sorted(index.search(base, 5, 1000.0).tolist()) == [0, 2]
    assert sorted(index.search(base, 5).tolist()) == [0, 1, 2]


def test_results_from_several_periods_are_merged_nearest_first() -> None:
    data = vectors(40, seed=4)
    days = np.where(np.arange(40) % 2 == 0, 500.0, 500.0 + PERIOD_DAYS)  # two periods
    index = VectorIndex(DIM)
    index.add(np.arange(40), data, days)
    query = near(data[7], seed=9, scale=0.01)
    unit = data / np.linalg.norm(data, axis=1, keepdims=True)
    exact = np.argsort(-(unit @ (query / np.linalg.norm(query))))[:5]
    [found] = index.search_many(query[None, :], 5, np.array([500.0 + PERIOD_DAYS / 2]))
    assert found.tolist() == exact.tolist()


def test_saved_and_loaded_it_answers_the_same(tmp_path: Path) -> None:
    data = vectors(30, seed=5)
    days = np.linspace(0, 4 * PERIOD_DAYS, 30)
    index = VectorIndex(DIM)
    index.add(np.arange(30), data, days)
    index.save(tmp_path / "graphs")
    again = VectorIndex(DIM)
    again.load(tmp_path / "graphs")
    assert len(again) == len(index) == 30
    for q in (0, 11, 29):
        assert again.search(data[q], 4, days[q]).tolist() == index.search(data[q], 4, days[q]).tolist()


def test_the_candidate_table_is_nearest_first_and_padded_where_fewer_are_found() -> None:
    data = vectors(3, seed=6)
    index = VectorIndex(DIM)
    index.add(np.arange(3), data, np.array([100.0, 101.0, 102.0]))
    queries = np.stack([near(data[1], seed=7, scale=0.01), data[0]])
    # The first query is dated near the three; the second long after, with nothing within the horizon.
    table = index.nearest(queries, 5, np.array([101.0, 101.0 + 4 * PERIOD_DAYS]))
    assert table.shape == (2, 5)
    assert table[0, 0] == 1
    assert sorted(table[0, :3].tolist()) == [0, 1, 2]
    assert table[0, 3:].tolist() == [-1, -1]
    assert table[1].tolist() == [-1] * 5


def test_within_reach_is_what_the_searches_from_those_days_look_at() -> None:
    rng = np.random.default_rng(11)
    days = rng.integers(700_000, 702_000, 80).astype(np.float64)
    days[:3] = np.nan  # undated
    around = np.array([700_400.0, 700_410.0, 701_500.0])
    base = vectors(1)[0]
    index = VectorIndex(DIM)
    index.add(np.arange(80), np.stack([near(base, seed) for seed in range(80)]), days)
    found = set(np.concatenate(index.search_many(np.stack([base] * 3), 80, around)).tolist())
    reach = within_reach(days, around)
    assert set(np.flatnonzero(reach).tolist()) == found
    # Every article within the horizon of one of those days is in reach, and some beyond it are not.
    gaps = np.abs(days[:, None] - around[None, :]).min(axis=1)
    assert reach[gaps <= HORIZON_DAYS].all() and not reach.all()
    # Two hops: what the searches from the dated articles in reach look at.
    dated = days[reach & ~np.isnan(days)]
    assert (within_reach(days, around, hops=2) == within_reach(days, dated)).all()
    # An undated article's search looks at every period.
    assert within_reach(days, np.array([np.nan])).all()
