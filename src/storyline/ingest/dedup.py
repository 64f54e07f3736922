"""Near-duplicates: MinHash signatures of word shingles, found through LSH (datasketch).

Catches what an exact hash cannot: a wire story republished with a dateline, a credit line or a new
headline, or a page scraped twice with different furniture.
"""

from __future__ import annotations

import re
import zlib
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from datasketch import MinHash

# datasketch is imported where it is used: its package pulls in its async storage layers (~0.3 s), which
# every process importing storyline.ingest would pay, spawned enrichment workers included.

NUM_PERM = 128
SCHEME = "affine32"  # stored signatures must be rebuilt with the scheme that made them
# crc32 (C, deterministic across processes) instead of datasketch's default sha1: a fifth of the cost,
# and 32 bits is what the affine32 scheme uses anyway.
NEAR_DUPLICATE = 0.8  # estimated Jaccard similarity of 3-word shingles
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


def to_bytes(minhash: MinHash) -> bytes:
    return minhash.hashvalues.astype(np.uint64).tobytes()


def from_bytes(data: bytes) -> MinHash:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, hashvalues=np.frombuffer(data, dtype=np.uint64), scheme=SCHEME)


class NearDuplicateIndex:
    """Originals by signature; :meth:`find` returns the closest one above the threshold."""

    def __init__(self) -> None:
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(threshold=NEAR_DUPLICATE, num_perm=NUM_PERM)
        self._signatures: dict[str, MinHash] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, article_id: str, minhash: MinHash) -> None:
        if article_id not in self._signatures:
            self._lsh.insert(article_id, minhash)
            self._signatures[article_id] = minhash

    def find(self, minhash: MinHash) -> tuple[str, float] | None:
        scored = [(other, minhash.jaccard(self._signatures[other])) for other in self._lsh.query(minhash)]
        scored = [(other, score) for other, score in scored if score >= NEAR_DUPLICATE]
        return max(scored, key=lambda pair: (pair[1], pair[0])) if scored else None
