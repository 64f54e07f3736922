"""Pairwise similarity on the seven SemEval-2022 Task 8 dimensions, on fictional articles.

The scale runs from 1 (very similar) to 4 (very dissimilar).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from fictional import article
from storyline.model import Article
from storyline.similarity import DIMENSIONS, build_profiles, score_pair, score_pairs
from storyline.similarity.features import pair_features
from storyline.similarity.model import (
    DEPTH,
    LEARNING_RATE,
    MIN_LEAF,
    MODEL_PATH,
    SEED,
    SUBSAMPLE,
    Model,
    fit,
    shipped_model,
)
from storyline.store import open_store

SAME_EVENT = ("hollvik-1", "hollvik-3")  # two reports of one warehouse fire
SAME_KIND = ("hollvik-1", "dunmere-1")  # two different fires
UNRELATED = [("hollvik-1", "vote-1"), ("dunmere-2", "vote-3"), ("gazette", "vote-2")]


def overall(corpus: dict[str, Article], pair: tuple[str, str]) -> float:
    return score_pair(corpus[pair[0]], corpus[pair[1]]).scores["overall"]


def test_identical_articles_score_1_on_every_dimension(corpus: dict[str, Article]) -> None:
    original = corpus["hollvik-1"]
    twin = article("twin", "Other", original.published, original.title, original.text)
    result = score_pair(original, twin)
    assert result.scores == dict.fromkeys(DIMENSIONS, 1.0)
    assert not any(result.only_first.values()) and not any(result.only_second.values())


def test_the_scale_runs_from_similar_to_dissimilar(corpus: dict[str, Article]) -> None:
    """One event < another event of the same kind < an unrelated event, on overall (1 = similar)."""
    assert overall(corpus, SAME_EVENT) < overall(corpus, SAME_KIND) < overall(corpus, UNRELATED[0])


@pytest.mark.parametrize("pair", UNRELATED)
def test_unrelated_articles_score_towards_4(corpus: dict[str, Article], pair: tuple[str, str]) -> None:
    """A regression model pulls towards the middle: unrelated pairs land between 3 and 4, not at 4."""
    scores = score_pair(corpus[pair[0]], corpus[pair[1]]).scores
    assert scores["overall"] >= 3.0
    assert scores["entities"] >= 3.0
    assert scores["narrative"] >= 3.0


def test_reports_of_one_event_are_similar_and_say_what_they_share(corpus: dict[str, Article]) -> None:
    result = score_pair(corpus[SAME_EVENT[0]], corpus[SAME_EVENT[1]])
    assert result.scores["overall"] <= 2.5
    assert "Oskar Lind" in result.shared["entities"]
    assert "Bergstrand" in result.shared["places"]
    similarity, first, second = result.closest_sentences[0]
    assert first in corpus[SAME_EVENT[0]].text and second in corpus[SAME_EVENT[1]].text
    assert 0 < similarity <= 1


@pytest.mark.parametrize("pair", [("hollvik-1", "hollvik-2"), ("gazette", "courier"), ("vote-1", "vote-2")])
def test_what_only_one_side_names_the_other_does_not(
    corpus: dict[str, Article], pair: tuple[str, str]
) -> None:
    """Even when NER calls a name a place in one article and a person or thing in the other."""
    result = score_pair(corpus[pair[0]], corpus[pair[1]])
    only_first = {name for names in result.only_first.values() for name in names}
    only_second = {name for names in result.only_second.values() for name in names}
    assert not only_first & only_second


@pytest.mark.parametrize(
    ("first", "second"),
    [("hollvik-1", "vote-1"), ("hollvik-1", "hollvik-3"), ("gazette", "courier"), ("opinion", "wire")],
)
def test_scores_are_symmetric_and_within_the_scale(
    corpus: dict[str, Article], first: str, second: str
) -> None:
    forward, backward = score_pairs([(corpus[first], corpus[second]), (corpus[second], corpus[first])])
    for dim in DIMENSIONS:
        assert 1.0 <= forward.scores[dim] <= 4.0
        assert forward.scores[dim] == backward.scores[dim], dim


def test_pair_features_are_symmetric(corpus: dict[str, Article]) -> None:
    p, q = build_profiles([corpus["gazette"], corpus["courier"]])
    assert pair_features(p, q) == pair_features(q, p)


def test_english_pairs_also_compare_minilm_vectors(corpus: dict[str, Article]) -> None:
    """The MiniLM columns are filled only where both sides are English; elsewhere zeros, flag off."""
    english = [replace(corpus[key], language="en") for key in SAME_EVENT]
    german = replace(corpus[SAME_EVENT[1]], language="de")
    first, second, other = build_profiles([*english, german])
    assert first.english is not None and other.english is None
    assert len(first.english.vectors) == len(first.sentences)
    both = pair_features(first, second)
    assert both["english"] == 1.0 and 0 < both["en_doc_cosine"] <= 1 + 1e-6
    mixed = pair_features(first, other)
    assert mixed["english"] == 0.0
    assert all(v == 0.0 for k, v in mixed.items() if k.startswith("en_"))


def test_the_opening_words_are_compared_on_their_own(corpus: dict[str, Article]) -> None:
    """Two texts that open alike share the opening vector, whatever follows."""
    original = corpus["hollvik-1"]
    opening = " ".join(original.text.split()[:8])
    other = Article(id="other", text=f"{opening} {corpus['vote-1'].text}")
    p, q = build_profiles([replace(original, title=None), other])
    assert pair_features(p, q)["opening_cosine"] > 0.99


def test_the_shipped_model_reads_the_features_the_code_computes(corpus: dict[str, Article]) -> None:
    """A feature renamed or added without retraining (bench/similarity.py --train) fails here."""
    model = shipped_model()
    p, q = build_profiles([corpus["gazette"], corpus["courier"]])
    assert model.features == list(pair_features(p, q))
    assert model.dimensions == list(DIMENSIONS)


def test_profiles_reuse_vectors_cached_in_a_store(corpus: dict[str, Article], tmp_path: Path) -> None:
    pair = (corpus["gazette"], corpus["courier"])
    with open_store(tmp_path / "cache.db") as store:
        first = score_pairs([pair], store=store)[0]
        again = score_pairs([pair], store=store)[0]
    assert first.scores == again.scores


# -- the learned model: training is seeded, the exported trees predict what scikit-learn's do -----------


def _toy_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 1, size=(120, 4))
    y = np.stack([1 + 3 * x[:, 0] * x[:, 1], 4 - 2 * x[:, 2] - x[:, 3]], axis=1)
    return x, y


def test_training_twice_gives_the_same_artefact() -> None:
    x, y = _toy_data()
    names, dims = ["a", "b", "c", "d"], ["overall", "tone"]
    assert fit(x, y, names, dims).to_json() == fit(x, y, names, dims).to_json()


def test_the_exported_trees_predict_what_scikit_learn_predicts() -> None:
    from sklearn.ensemble import GradientBoostingRegressor

    x, y = _toy_data()
    model = Model.from_json(fit(x, y, ["a", "b", "c", "d"], ["overall", "tone"]).to_json())
    reference = GradientBoostingRegressor(
        n_estimators=len(model.ensembles[0].leaf),
        learning_rate=LEARNING_RATE,
        max_depth=DEPTH,
        subsample=SUBSAMPLE,
        min_samples_leaf=MIN_LEAF,
        random_state=SEED,
    ).fit(x, y[:, 0])
    expected = np.clip(reference.predict(x), 1, 4)
    assert np.allclose(model.predict(x)[:, 0], expected, atol=1e-3)


def test_the_artefact_is_plain_json() -> None:
    doc = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert doc["format"] == "storyline-similarity/1"
    assert len(doc["ensembles"]) == len(DIMENSIONS)


# -- `storyline similar A B` -------------------------------------------------------------------------


def test_similar_compares_two_files_and_explains(
    corpus: dict[str, Article], tmp_path: Path, invoke_cli
) -> None:
    first, second = (tmp_path / "first.txt", tmp_path / "second.txt")
    for path, key in ((first, SAME_EVENT[0]), (second, SAME_EVENT[1])):
        path.write_text(f"{corpus[key].title}\n\n{corpus[key].text}\n", encoding="utf-8")
    result = invoke_cli("similar", first, second, "--json", "--db", tmp_path / "none.db")
    assert result.exit_code == 0, result.explain()
    doc = json.loads(result.stdout)
    assert set(doc["scores"]) == set(DIMENSIONS)
    assert "Oskar Lind" in doc["shared"]["entities"]
    assert not (tmp_path / "none.db").exists()  # looking for ids never creates a database

    shown = invoke_cli("similar", first, second, "--explain", "--db", tmp_path / "none.db")
    assert shown.exit_code == 0 and "closest sentences" in shown.stdout


def test_similar_reads_article_ids_from_the_database(
    corpus: dict[str, Article], tmp_path: Path, invoke_cli
) -> None:
    db = tmp_path / "s.db"
    with open_store(db) as store:
        for key in SAME_EVENT:
            original = corpus[key]
            store.add_article(
                Article(id=key, text=original.text, title=original.title, published=original.published)
            )
    result = invoke_cli("similar", *SAME_EVENT, "--db", db, "--json")
    assert result.exit_code == 0, result.explain()
    assert json.loads(result.stdout)["scores"]["overall"] == overall(corpus, SAME_EVENT)


def test_similar_names_what_it_cannot_find(tmp_path: Path, run_cli) -> None:
    result = run_cli("similar", "no-such-id", "neither", "--db", tmp_path / "s.db")
    assert result.exit_code == 1
    assert "no-such-id" in result.output
