"""Gradient-boosted trees of scikit-learn as plain arrays, for the models we ship as JSON.

Each fitted tree becomes a complete binary tree of fixed depth in heap order (node i has children 2i+1,
taken when x <= threshold, and 2i+2); a leaf above the bottom is copied down through pass-through nodes
with an infinite threshold. Scoring is then a few vectorised numpy steps, and the artefact is data, not
a pickle. Used by the same-event model (cluster/trees.py) and the similarity model (similarity/model.py).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor


def short(value: float) -> float:
    """The value to float32 precision, as the float64 with the shortest decimal form: keeps the JSON
    small, and the model in memory after training identical to the one loaded from the file."""
    return float(np.format_float_positional(np.float32(value)))


def export(
    model: GradientBoostingClassifier | GradientBoostingRegressor, depth: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(feature, threshold, leaf) arrays of shapes (trees, 2**depth - 1) twice and (trees, 2**depth),
    the learning rate folded into the leaves."""
    inner, leaves = 2**depth - 1, 2**depth
    n = len(model.estimators_)
    feature = np.zeros((n, inner), dtype=np.int64)
    threshold = np.full((n, inner), np.inf)
    leaf = np.zeros((n, leaves))
    for t, (estimator,) in enumerate(model.estimators_):
        tree = estimator.tree_

        def walk(src: int, dst: int, level: int, tree: Any = tree, t: int = t) -> None:
            if level == depth:
                leaf[t, dst - inner] = round(model.learning_rate * float(tree.value[src].ravel()[0]), 6)
                return
            if tree.children_left[src] == -1:  # a leaf above the bottom: pass through, always left
                walk(src, 2 * dst + 1, level + 1)
                walk(src, 2 * dst + 2, level + 1)
                return
            feature[t, dst] = tree.feature[src]
            threshold[t, dst] = short(tree.threshold[src])
            walk(tree.children_left[src], 2 * dst + 1, level + 1)
            walk(tree.children_right[src], 2 * dst + 2, level + 1)

        walk(0, 0, 0)
    return feature, threshold, leaf


def ensemble_to_json(
    base: float, feature: np.ndarray, threshold: np.ndarray, leaf: np.ndarray
) -> dict[str, Any]:
    """One ensemble as the JSON object both shipped models store it in."""
    return {
        "base": base,
        "feature": feature.tolist(),
        # JSON has no infinity: pass-through nodes are written as null.
        "threshold": [[None if np.isinf(v) else float(v) for v in row] for row in threshold],
        "leaf": leaf.tolist(),
    }


def ensemble_from_json(
    doc: dict[str, Any], feature_dtype: type = np.int64, threshold_dtype: type = np.float64
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """(base, feature, threshold, leaf) of an object written by :func:`ensemble_to_json`."""
    rows = doc["threshold"]
    return (
        float(doc["base"]),
        np.array(doc["feature"], dtype=feature_dtype),
        np.array([[np.inf if v is None else v for v in row] for row in rows], dtype=threshold_dtype),
        np.array(doc["leaf"], dtype=np.float64),
    )


def read_document(text: str, fmt: str, depth: int, what: str) -> dict[str, Any]:
    """A model document, refused unless it is of format ``fmt`` with trees of ``depth``."""
    doc = json.loads(text)
    if doc.get("format") != fmt or doc.get("depth") != depth:
        raise ValueError(f"not a storyline {what} model of this version")
    return doc
