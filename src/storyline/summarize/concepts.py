"""Concepts a summary should cover: the content words and word pairs that several sources use.

A word or pair weighs one less than the number of independent sources that use it, so what a single
source says alone weighs nothing and what every source says weighs most (Gillick & Favre's concept
coverage, with sources standing in for documents). A story from one source has nothing to count
across sources, so there its sentences stand in for the sources.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Sequence
from itertools import pairwise

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")

Concept = str | tuple[str, str]


def concepts(sentence: str) -> set[Concept]:
    """The sentence's content words and its pairs of adjacent content words, lower-cased."""
    words = [w for w in _WORD.findall(sentence.lower()) if len(w) > 1 and w not in ENGLISH_STOP_WORDS]
    return set(words) | set(pairwise(words))


def weights(sentence_concepts: Sequence[set[Concept]], sources: Sequence[Hashable]) -> dict[Concept, int]:
    """Each concept's weight: the number of distinct ``sources`` (one per sentence) using it, less one."""
    users: dict[Concept, set[Hashable]] = defaultdict(set)
    for found, source in zip(sentence_concepts, sources, strict=True):
        for concept in found:
            users[concept].add(source)
    return {c: len(s) - 1 for c, s in users.items() if len(s) > 1}
