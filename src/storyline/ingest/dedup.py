"""Near-duplicates: MinHash signatures (datasketch) of word shingles, found through LSH band keys.

Catches what an exact hash cannot: a wire story republished with a dateline, a credit line or a new
headline, or a page scraped twice with different furniture.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from datasketch import MinHash

    from storyline.store import Store

# datasketch is imported where it is used: its package pulls in its async storage layers (~0.3 s), which
# every process importing storyline.ingest would pay, spawned enrichment workers included.

NUM_PERM = 128
SCHEME = "affine32"  # stored signatures must be rebuilt with the scheme that made them
# crc32 (C, deterministic across processes) instead of datasketch's default sha1: a fifth of the cost,
# and 32 bits is what the affine32 scheme uses anyway.
NEAR_DUPLICATE = 0.8  # estimated Jaccard similarity of 3-word shingles
# LSH bands × rows per band: what datasketch's MinHashLSH chooses for NEAR_DUPLICATE and NUM_PERM (its
# ``b`` and ``r``), so the candidates are the ones it would find.
BANDS, ROWS = 9, 13
SHINGLE = 3
MIN_WORDS = 25  # below this, shingle overlap says little: exact duplicates only
_WORD = re.compile(r"\w+")


def signature(text: str) -> MinHash | None:
    words = _WORD.findall(text.casefold())
    if len(words) < MIN_WORDS:
        return None
    from datasketch import MinHash

    shingles = {" ".join(words[i : i + SHINGLE]).encode("utf-8") for i in range(len(words) - SHINGLE + 1)}
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME, hashfunc=zlib.crc32)
    minhash.update_batch(list(shingles))
    return minhash


def band_keys(values: np.ndarray) -> list[int]:
    """The LSH band keys of a signature (its hash values): one signed 64-bit key per band of
    :data:`ROWS` values. Two signatures share a key when they agree on a whole band."""
    values = np.asarray(values, dtype="<u8")
    return [
        int.from_bytes(
            hashlib.blake2b(bytes([b]) + values[b * ROWS : (b + 1) * ROWS].tobytes(), digest_size=8).digest(),
            "little",
            signed=True,
        )
        for b in range(BANDS)
    ]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures (as ``MinHash.jaccard``): the share of equal values."""
    return float(np.count_nonzero(a == b)) / len(a)


class NearDuplicateIndex:
    """Originals by signature; :meth:`find` returns the closest one above the threshold.

    Candidates are the signatures that share an LSH band key. With a ``store`` the signatures and their
    keys live there (:meth:`Store.set_minhash`, :meth:`Store.near_duplicate_candidates`): an ingest holds
    none of them in memory, whatever the size of the store, and two ingests at once see each other's
    committed originals. Signatures stored before the store kept band keys are banded once, here.
    Without a store (the contract commands) they are kept in memory for the one run.
    """

    def __init__(self, store: Store | None = None) -> None:
        self.store = store
        self._bands: dict[int, list[str]] = {}
        self._signatures: dict[str, np.ndarray] = {}
        if store is not None:
            unbanded = store.unbanded_minhashes()
            if unbanded:
                with store.transaction():
                    for article_id, data in unbanded:
                        store.set_minhash(article_id, data, band_keys(_values(data)))

    def add(self, article_id: str, values: np.ndarray) -> None:
        keys = band_keys(values)
        if self.store is not None:
            self.store.set_minhash(article_id, np.asarray(values, dtype="<u8").tobytes(), keys)
        elif article_id not in self._signatures:
            self._signatures[article_id] = values
            for key in keys:
                self._bands.setdefault(key, []).append(article_id)

    def find(self, values: np.ndarray) -> tuple[str, float] | None:
        keys = band_keys(values)
        if self.store is not None:
            candidates = [(i, _values(data)) for i, data in self.store.near_duplicate_candidates(keys)]
        else:
            ids = sorted({i for key in keys for i in self._bands.get(key, [])})
            candidates = [(i, self._signatures[i]) for i in ids]
        scored = [(other, similarity(values, theirs)) for other, theirs in candidates]
        scored = [(other, score) for other, score in scored if score >= NEAR_DUPLICATE]
        return max(scored, key=lambda pair: (pair[1], pair[0])) if scored else None


def _values(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u8")
