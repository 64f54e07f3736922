"""Cross-source comparison of one story: shared and unique facts, conflicts, framing, timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from storyline.compare.align import RELATED, Claim, align, anchors, independence_groups
from storyline.compare.claims import SentenceClaims, sentence_claims
from storyline.compare.conflicts import find_conflicts
from storyline.compare.framing import framing
from storyline.compare.slots import slot_findings
from storyline.compare.timeline import timeline
from storyline.enrich.annotate import annotate
from storyline.model import Article

MAX_UNIQUE_PER_ARTICLE = 5
MIN_FACT_WORDS = 6
# The slot model's dates clash with fuzzy ones the rules read as compatible ("early October" / "October
# 9"); they are left to the rules. bench/train_slots.py, cross-validated on the 44 train stories of the
# time: mean F1 of written and perturbed conflicts 0.54 so, 0.48 with its dates (whose false alarms raise
# the cutoff).
SLOT_TYPES_LEFT_OUT = frozenset({"date"})

__all__ = ["Comparison", "compare"]


@dataclass
class Comparison:
    """Everything comparison found, plus what the summariser reuses (claims and their centrality)."""

    articles: list[Article]
    claims: list[Claim]
    centrality: list[np.ndarray]  # per article, per sentence: cosine to the story centroid
    group: list[int]  # per article: the article it copies (itself when independent)
    block: dict[str, Any]  # the contract's shared / unique / conflicts / framing / timeline
    # per article, per sentence: its stored values (storyline.compare.claims)
    values: list[list[SentenceClaims]] = field(default_factory=list)
    # sentence pairs ((article, sentence), (article, sentence), probability) of different sources with
    # values that may fill one slot (storyline.compare.slots), agreeing or not, at the pair's probability:
    # the summary states a slot once
    same_slot: list[tuple[tuple[int, int], tuple[int, int], float]] = field(default_factory=list)


def _citation(article: Article, k: int) -> dict[str, str]:
    return {"article_id": article.id, "quote": article.sentences[k].text}


def claim_citations(articles: list[Article], claim: Claim) -> list[dict[str, str]]:
    """One quote per article: the first of its sentences in the claim."""
    cited: dict[str, dict[str, str]] = {}
    for a, k in claim.members:
        cited.setdefault(articles[a].id, _citation(articles[a], k))
    return list(cited.values())


def representative(
    claim: Claim,
    centrality: list[np.ndarray],
    articles: list[Article],
    values: list[list[SentenceClaims]],
    views: list[set[str]] | None = None,
) -> tuple[int, int] | None:
    """The most central member that reads as prose, an objective or attributed one before an author's own
    view (``views``: per article, its own-voice subjective sentences); None when every member is page
    furniture (photo credits, headlines, cut-off lines), which states no fact a reader could check."""
    prose = [(a, k) for a, k in claim.members if not values[a][k].noise]

    def key(m: tuple[int, int]) -> tuple[bool, float]:
        a, k = m
        return (views is None or articles[a].sentences[k].text not in views[a], float(centrality[a][k]))

    return max(prose, key=key) if prose else None


def _same_conflict(x: dict[str, Any], y: dict[str, Any]) -> bool:
    """Two reports of one disagreement: the same articles, values overlapping on each side."""

    def values(c: dict[str, Any]) -> dict[str, str]:
        return {k["article_id"]: k["value"].lower() for k in c["claims"]}

    vx, vy = values(x), values(y)
    shared = set(vx) & set(vy)
    return len(shared) >= 2 and all(vx[a] in vy[a] or vy[a] in vx[a] for a in shared)


def merge_conflicts(ruled: list[dict[str, Any]], slotted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rules' conflicts, then the slot model's that the rules did not report (bench/train_slots.py
    scores its cutoff through this)."""
    return ruled + [
        c
        for c in slotted
        if c["type"] not in SLOT_TYPES_LEFT_OUT and not any(_same_conflict(c, r) for r in ruled)
    ]


def compare(articles: list[Article]) -> Comparison:
    """Compare the (enriched) articles of one story."""
    articles = [a for a in articles if a.sentences and a.sentence_vectors is not None]
    if not articles:
        empty = {"shared": [], "unique": [], "conflicts": [], "updates": [], "framing": [], "timeline": []}
        return Comparison([], [], [], [], empty)
    centre = np.concatenate([a.sentence_vectors for a in articles]).mean(axis=0)
    centrality = [a.sentence_vectors @ centre for a in articles]
    # An article loaded without its mentions (a test, an old store) is annotated first: everything
    # below reads the values enrichment stored, never the text again.
    annotate([a for a in articles if not a.mentions])
    values = sentence_claims(articles)
    claims, best = align(articles, values)
    group = independence_groups(articles)
    # Most widely attested first; among equals, the fact the sources put earliest (news leads with the event).
    claims.sort(
        key=lambda c: (
            -len({group[a] for a, _ in c.members}),
            min(k / len(articles[a].sentences) for a, k in c.members),
        )
    )
    framed = [framing(a) for a in articles]
    views = [set(f["own_views"]) for f in framed]
    # The learned slot alignment (compare.slots) finds what the story-slot and statement rules
    # (compare.conflicts) miss; what both find is reported once, as the rules word it.
    # Its cutoff is the one whose cross-validated conflicts, merged with the rules' as here, score best on
    # the train stories with at most one false alarm per ten stories (bench/train_slots.py).
    slotted, updates, scored = slot_findings(articles, group, values)
    conflicts = merge_conflicts(find_conflicts(articles, group, values), slotted)
    sides = [{(c["article_id"], c["quote"]) for c in conflict["claims"]} for conflict in conflicts]
    shared = []
    for claim in claims:
        chosen = representative(claim, centrality, articles, values, views)
        if chosen is None:
            continue
        stated = {(articles[i].id, articles[i].sentences[k].text) for i, k in claim.members}
        if any(len(side & stated) >= 2 for side in sides):
            continue  # the sentences state one thing with values that disagree: a conflict, not shared
        a, k = chosen
        shared.append({"claim": articles[a].sentences[k].text, "citations": claim_citations(articles, claim)})
    in_claims = {m for c in claims for m in c.members}
    unique = []
    multi_source = len(set(group)) > 1
    for a, article in enumerate(articles):
        if group[a] != a or not multi_source:
            continue  # a copy's facts are its original's; one source alone has nothing "unique"
        candidates = [
            k
            for k, s in enumerate(article.sentences)
            if (a, k) not in in_claims
            and best[a][k] < RELATED
            and len(s.text.split()) >= MIN_FACT_WORDS
            and not s.text.rstrip("\"'”’)").endswith("?")  # a question reports no fact
            and anchors(values[a][k])
        ]
        candidates.sort(key=lambda k: -float(centrality[a][k]))
        for k in sorted(candidates[:MAX_UNIQUE_PER_ARTICLE]):
            unique.append({"claim": article.sentences[k].text, "citations": [_citation(article, k)]})
    block = {
        "shared": shared,
        "unique": unique,
        "conflicts": conflicts,
        "updates": updates,
        "framing": framed,
        "timeline": timeline(articles),
    }
    most: dict[tuple[tuple[int, int], tuple[int, int]], float] = {}
    for p in scored:
        key = ((p.a.article, p.a.sentence), (p.b.article, p.b.sentence))
        most[key] = max(most.get(key, 0.0), p.probability)
    same_slot = sorted((x, y, probability) for (x, y), probability in most.items())
    return Comparison(articles, claims, centrality, group, block, values, same_slot)
