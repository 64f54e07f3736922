"""Story clustering: which articles report the same real-world event.

First version, batch only: a pairwise same-event score from article vectors, TF-IDF word overlap and
shared names, lowered when publication dates are far apart, then average-linkage agglomeration cut
at a threshold calibrated on the ECB+ and Multi-News dev sets (``bench/cluster.py``).
"""

from __future__ import annotations

import hashlib
from datetime import date

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline.enrich.mentions import names
from storyline.model import Article, Story

# Weights and cut: the best mean BCubed F1 over ECB+ dev and Multi-News dev in the grid of
# `python bench/cluster.py --sweep` (see BENCHMARKS.md).
W_VECTOR, W_TFIDF, W_NAMES = 0.30, 0.50, 0.10
THRESHOLD = 0.30
ATTACH = 0.25
# Reports of one event cluster within days; beyond this gap the score decays.
DAY_WINDOW = 7
DECAY_PER_WEEK = 0.08


def _names(article: Article) -> set[str]:
    found: set[str] = set()
    for s in article.sentences[:40] or []:
        found |= names(s.text)
    return found


def _name_overlap(sets: list[set[str]]) -> np.ndarray:
    n = len(sets)
    out = np.zeros((n, n), dtype=np.float32)
    for i in range(n):
        for j in range(i + 1, n):
            inter = len(sets[i] & sets[j])
            if inter:
                out[i, j] = out[j, i] = inter / min(len(sets[i]), len(sets[j]))
    return out


def _date_penalty(articles: list[Article]) -> np.ndarray:
    days = np.array(
        [date.fromisoformat(a.published).toordinal() if a.published else np.nan for a in articles]
    )
    gap = np.abs(days[:, None] - days[None, :])
    over = np.nan_to_num(np.clip(gap - DAY_WINDOW, 0, None), nan=0.0)
    return np.minimum(DECAY_PER_WEEK * over / 7.0, 0.5)


def signals(articles: list[Article]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pairwise vector cosine, TF-IDF cosine, name overlap and date penalty."""
    vectors = np.stack([a.vector for a in articles])
    texts = [f"{a.title or ''}\n{a.text}" for a in articles]
    # max_df drops words common to half the corpus, which only makes sense for a corpus of some size.
    tfidf = TfidfVectorizer(sublinear_tf=True, max_df=0.5 if len(texts) > 20 else 1.0).fit_transform(texts)
    overlap = _name_overlap([_names(a) for a in articles])
    return vectors @ vectors.T, (tfidf @ tfidf.T).toarray(), overlap, _date_penalty(articles)


def combine(
    emb: np.ndarray,
    lex: np.ndarray,
    overlap: np.ndarray,
    penalty: np.ndarray,
    weights: tuple[float, float, float] = (W_VECTOR, W_TFIDF, W_NAMES),
) -> np.ndarray:
    score = weights[0] * emb + weights[1] * lex + weights[2] * overlap - penalty
    np.fill_diagonal(score, 1.0)
    return score


def pair_scores(articles: list[Article]) -> np.ndarray:
    """Same-event score for every pair (higher is more alike); the diagonal is 1."""
    return combine(*signals(articles))


def assign(score: np.ndarray, threshold: float = THRESHOLD, attach: float = ATTACH) -> np.ndarray:
    """Cluster labels for a pairwise score matrix: average-linkage agglomeration cut at ``threshold``,
    then each article left alone joins the story it is closest to on average, if that reaches ``attach``
    (opinion and analysis pieces share fewer words with the reports than the reports share with each other).
    """
    distance = np.clip(1.0 - score, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    sizes = np.bincount(labels)
    groups = [k for k in range(len(sizes)) if sizes[k] >= 2]
    for i in np.flatnonzero(sizes[labels] == 1):
        if not groups:
            break
        means = [float(score[i, labels == k].mean()) for k in groups]
        best = int(np.argmax(means))
        if means[best] >= attach:
            labels[i] = groups[best]
    return labels


def cluster_articles(articles: list[Article], threshold: float = THRESHOLD) -> list[list[Article]]:
    """Groups of articles, one per event; every article in exactly one group."""
    if len(articles) < 2:
        return [list(articles)] if articles else []
    labels = assign(pair_scores(articles), threshold)
    groups: dict[int, list[Article]] = {}
    for article, label in zip(articles, labels, strict=True):
        groups.setdefault(int(label), []).append(article)
    return list(groups.values())


def story_id(members: list[Article]) -> str:
    """Stable while the story grows: derived from its earliest article."""
    first = min(members, key=lambda a: (a.published or "9999", a.id))
    return "s-" + hashlib.sha1(first.id.encode("utf-8")).hexdigest()[:10]


def make_story(members: list[Article]) -> Story:
    members = sorted(members, key=lambda a: (a.published or "9999", a.id))
    vectors = np.stack([a.vector for a in members])
    centre = vectors.mean(axis=0)
    # The most central article's headline names the event best.
    central = members[int(np.argmax(vectors @ centre))]
    dated = [a.published for a in members if a.published]
    return Story(
        id=story_id(members),
        title=central.title or central.text[:80],
        article_ids=[a.id for a in members],
        time_span={"start": min(dated), "end": max(dated)} if dated else None,
        source_count=len({a.source or a.id for a in members}),
    )
