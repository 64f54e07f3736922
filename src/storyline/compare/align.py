"""Aligning sentences across a story's articles into claims that several sources make.

Which two sentences state the same fact is learned (storyline.compare.facts); the rule it replaced
(vectors close and an anchor shared — a name, a number or a date — or vectors very close) stays as the
baseline bench/compare.py measures in the same run. Syndicated copies (the same wire text
under several mastheads) are one *independent* source: they neither make a fact "shared" nor count twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from storyline.compare.claims import SentenceClaims
from storyline.compare.facts import same_fact_pairs
from storyline.compare.pairs import independent_similarities
from storyline.model import Article

SAME_FACT = 0.62  # cosine at which two anchored sentences state the same fact
SAME_FACT_UNANCHORED = 0.80
RELATED = 0.50  # below this a sentence has no counterpart in that article
COPY = 0.93  # sentence-level cosine of a verbatim or lightly edited copy
COPY_SHARE = 0.6  # share of an article's sentences found verbatim elsewhere that makes it a copy


@dataclass
class Claim:
    """One fact: sentences (article index, sentence index) that state it."""

    members: list[tuple[int, int]] = field(default_factory=list)


def anchors(sentence: SentenceClaims) -> set[str]:
    """What a sentence is anchored to, from its stored values: names, numbers and months."""
    found = {f"n:{n}" for n in sentence.names}
    found |= {f"q:{v.number:g}" for v in sentence.of("number") if v.number is not None}
    found |= {
        f"d:{v.time.value[-5:-3] if v.time.precision == 'day' else v.time.value[-2:]}"
        for v in sentence.of("date")
        if v.time is not None and v.time.precision in ("day", "month")
    }
    return found


def independence_groups(articles: list[Article]) -> list[int]:
    """For each article, the index of the article whose copy it is (itself when it is original)."""
    group = list(range(len(articles)))
    index = {a.id: i for i, a in enumerate(articles)}
    for j, article in enumerate(articles):
        # Ingest already knows some copies (same or nearly the same text); the rest are found by sentences.
        if article.duplicate_of in index:
            group[j] = group[index[article.duplicate_of]]
            continue
        for i in range(j):
            if group[i] != i:
                continue
            a, b = articles[i].sentence_vectors, articles[j].sentence_vectors
            if a is None or b is None or not len(a) or not len(b):
                continue
            sim = a @ b.T
            shorter = min(len(a), len(b))
            copied = min((sim.max(axis=1) >= COPY).sum(), (sim.max(axis=0) >= COPY).sum())
            if copied >= COPY_SHARE * shorter:
                group[j] = i
                break
    return group


Pairs = list[tuple[float, tuple[int, int], tuple[int, int]]]  # (strength, (article, sentence) twice)


def anchored_pairs(articles: list[Article], group: list[int], claims: list[list[SentenceClaims]]) -> Pairs:
    """The rule the learned model replaced (bench/compare.py reports it as the baseline): mutual best
    matches whose vectors are close and that share an anchor, or are very close."""
    anchor_sets = [[anchors(s) for s in per] for per in claims]
    pairs: Pairs = []
    for i, j, sim in independent_similarities(articles, group):
        # Mutual best matches only: a sentence states a fact once per article.
        for s in range(sim.shape[0]):
            t = int(sim[s].argmax())
            if int(sim[:, t].argmax()) != s:
                continue
            score = float(sim[s, t])
            anchored = bool(anchor_sets[i][s] & anchor_sets[j][t])
            if score >= SAME_FACT_UNANCHORED or (anchored and score >= SAME_FACT):
                pairs.append((score, (i, s), (j, t)))
    return pairs


def learned_pairs(articles: list[Article], group: list[int], claims: list[list[SentenceClaims]]) -> Pairs:
    """The pairs the shared-fact model (storyline.compare.facts) says state one fact."""
    return [(p.probability, p.a, p.b) for p in same_fact_pairs(articles, group, claims)]


def align(
    articles: list[Article],
    claims: list[list[SentenceClaims]],
    pairing: Callable[[list[Article], list[int], list[list[SentenceClaims]]], Pairs] = learned_pairs,
) -> tuple[list[Claim], np.ndarray]:
    """Claims made by two or more independent sources, and for every sentence the best cosine it
    reaches in any *other independent* article (``best[a][s]``, as a ragged object array).

    Pairs of sentences that state the same fact (``pairing``: the learned model, or the anchor rule it
    replaced) are joined into claims strongest pair first. Two claims merge only when no source states
    either of them twice and every sentence of one is paired with, or at least :data:`RELATED` to, every
    sentence of the other: joining every matched pair transitively let a claim drift, over a story of
    eight articles, from a statement to a photo caption that shares a name with it, and the summary then
    cited the caption as support."""
    group = independence_groups(articles)
    best = np.empty(len(articles), dtype=object)
    for i, a in enumerate(articles):
        best[i] = np.full(len(a.sentences), -1.0, dtype=np.float32)
    for i, j, sim in independent_similarities(articles, group):
        best[i] = np.maximum(best[i], sim.max(axis=1))
        best[j] = np.maximum(best[j], sim.max(axis=0))
    pairs = pairing(articles, group, claims)
    paired = {frozenset((x, y)) for _, x, y in pairs}
    claim_of: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for _, x, y in sorted(pairs, key=lambda p: -p[0]):
        cx, cy = claim_of.get(x, [x]), claim_of.get(y, [y])
        if cx is cy or not _may_merge(articles, group, paired, cx, cy):
            continue
        merged = cx + cy
        for member in merged:
            claim_of[member] = merged
    found = {id(c): c for c in claim_of.values()}.values()
    return [Claim(sorted(m)) for m in found if len({group[a] for a, _ in m}) >= 2], best


def _may_merge(
    articles: list[Article],
    group: list[int],
    paired: set[frozenset[tuple[int, int]]],
    a: list[tuple[int, int]],
    b: list[tuple[int, int]],
) -> bool:
    if {group[i] for i, _ in a} & {group[j] for j, _ in b}:
        return False
    for i, s in a:
        for j, t in b:
            close = float(articles[i].sentence_vectors[s] @ articles[j].sentence_vectors[t]) >= RELATED
            if not close and frozenset(((i, s), (j, t))) not in paired:
                return False
    return True
