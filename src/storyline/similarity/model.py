"""The learned scorer: one gradient-boosted tree ensemble per dimension, shipped as plain JSON.

Training uses scikit-learn's ``GradientBoostingRegressor``; the fitted trees are exported into complete
binary trees of fixed depth (a leaf above the bottom is copied down) so that prediction is a few
vectorised numpy steps, and the artefact is data, not a pickle. ``bench/similarity.py --train`` writes
``model.json`` from the SemEval dev pairs; its cross-validation fits the same way inside each fold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from storyline.boosting import ensemble_from_json, ensemble_to_json, export, read_document

if TYPE_CHECKING:
    from sklearn.ensemble import GradientBoostingRegressor

MODEL_PATH = Path(__file__).with_name("model.json")
SEED = 0
# Chosen by 5-fold CV on SemEval-2022 Task 8 dev (bench/similarity.py): deeper trees or more of them
# gained nothing.
TREES = 300
DEPTH = 3
LEARNING_RATE = 0.03
SUBSAMPLE = 0.8
MIN_LEAF = 10
SCALE = (1.0, 4.0)


@dataclass
class Ensemble:
    """Trees in heap order: node i has children 2i+1 (x <= threshold) and 2i+2."""

    base: float
    feature: np.ndarray  # (trees, 2**DEPTH - 1) int
    threshold: np.ndarray  # (trees, 2**DEPTH - 1)
    leaf: np.ndarray  # (trees, 2**DEPTH), learning rate folded in

    def predict(self, x: np.ndarray) -> np.ndarray:
        trees = np.arange(len(self.feature))
        node = np.zeros((len(x), len(trees)), dtype=np.int64)
        for _ in range(DEPTH):
            values = np.take_along_axis(x, self.feature[trees, node], axis=1)
            node = 2 * node + 1 + (values > self.threshold[trees, node])
        return self.base + self.leaf[trees, node - (len(self.threshold[0]))].sum(axis=1)


def _export(model: GradientBoostingRegressor) -> Ensemble:
    feature, threshold, leaf = export(model, DEPTH)
    return Ensemble(float(model.init_.constant_[0][0]), feature, threshold, leaf)


@dataclass
class Model:
    features: list[str]
    dimensions: list[str]
    ensembles: list[Ensemble]

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Scores on the task's scale, one column per dimension."""
        x = np.asarray(x, dtype=np.float64).reshape(-1, len(self.features))
        columns = [e.predict(x) for e in self.ensembles]
        return np.clip(np.stack(columns, axis=1), *SCALE)

    def to_json(self) -> str:
        doc = {
            "format": "storyline-similarity/1",
            "features": self.features,
            "dimensions": self.dimensions,
            "depth": DEPTH,
            "ensembles": [ensemble_to_json(e.base, e.feature, e.threshold, e.leaf) for e in self.ensembles],
        }
        return json.dumps(doc, separators=(",", ":"))

    def save(self, path: Path) -> None:
        path.write_text(self.to_json() + "\n", encoding="utf-8")

    @classmethod
    def from_json(cls, text: str) -> Model:
        doc = read_document(text, "storyline-similarity/1", DEPTH, "similarity")
        ensembles = [Ensemble(*ensemble_from_json(e)) for e in doc["ensembles"]]
        return cls(doc["features"], doc["dimensions"], ensembles)


def fit(x: np.ndarray, y: np.ndarray, features: list[str], dimensions: list[str]) -> Model:
    """One ensemble per column of ``y``; deterministic for a given ``x``, ``y`` (seeded)."""
    from sklearn.ensemble import GradientBoostingRegressor  # training only: scoring needs numpy alone

    ensembles = []
    for k in range(y.shape[1]):
        model = GradientBoostingRegressor(
            n_estimators=TREES,
            learning_rate=LEARNING_RATE,
            max_depth=DEPTH,
            subsample=SUBSAMPLE,
            min_samples_leaf=MIN_LEAF,
            random_state=SEED,
        ).fit(x, y[:, k])
        ensembles.append(_export(model))
    return Model(list(features), list(dimensions), ensembles)


@cache
def shipped_model() -> Model:
    return Model.from_json(MODEL_PATH.read_text(encoding="utf-8"))
