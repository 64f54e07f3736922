"""Approximate nearest neighbours over article vectors (usearch HNSW): the candidates a new article
is scored against, in about a millisecond at a million articles.

Vectors are kept as int8 (cosine), a quarter of float32: candidates only need to be found here, the
score itself is computed from the articles' own vectors.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from usearch.index import Index

# HNSW graph degree and search depths: a lighter graph than usearch's defaults, which build 5× slower
# at no gain in the candidates found for story assignment (bench/cluster_scale.py).
CONNECTIVITY = 12
EXPANSION_ADD = 32
EXPANSION_SEARCH = 64


def _unit(vectors: np.ndarray) -> np.ndarray:
    # usearch's int8 storage expects components within ±1: profile rows come scaled to ±127.
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


class VectorIndex:
    """Rows are keyed by their profile row number (0, 1, 2 … in the order added)."""

    def __init__(self, dim: int) -> None:
        self.index = Index(
            ndim=dim,
            metric="cos",
            dtype="i8",
            connectivity=CONNECTIVITY,
            expansion_add=EXPANSION_ADD,
            expansion_search=EXPANSION_SEARCH,
        )

    def __len__(self) -> int:
        return len(self.index)

    def add(self, keys: np.ndarray, vectors: np.ndarray, threads: int = 0) -> None:
        self.index.add(keys, _unit(vectors), threads=threads)

    def search(self, vector: np.ndarray, k: int) -> np.ndarray:
        """Keys of the ``k`` nearest rows (fewer when the index is smaller)."""
        if len(self.index) == 0:
            return np.zeros(0, dtype=np.int64)
        found = self.index.search(_unit(vector), min(k, len(self.index)))
        return np.asarray(found.keys, dtype=np.int64)

    def search_many(self, vectors: np.ndarray, k: int) -> list[np.ndarray]:
        """Keys of the ``k`` nearest rows of each vector (one multi-threaded search)."""
        if len(self.index) == 0:
            return [np.zeros(0, dtype=np.int64) for _ in range(len(vectors))]
        if len(vectors) == 1:  # usearch answers a single query in another shape
            return [self.search(vectors[0], k)]
        found = self.index.search(_unit(vectors), min(k, len(self.index)), threads=0)
        return [
            np.asarray(keys[:count], dtype=np.int64)
            for keys, count in zip(found.keys, found.counts, strict=True)
        ]

    def save(self, path: Path) -> None:
        self.index.save(str(path))

    def load(self, path: Path) -> None:
        self.index.load(str(path))

    @property
    def nbytes(self) -> int:
        return int(self.index.memory_usage)
