"""Story clustering: which articles report the same real-world event.

- :mod:`~storyline.cluster.score`: the same-event score of two articles (vectors and how near each
  side's nearest neighbour is, words, headline words, entity keys weighted by rarity, dates, numbers;
  decaying with the publication-date gap);
- :mod:`~storyline.cluster.trees`: the gradient-boosted trees that turn those signals into a probability,
  fitted on the dev sets and shipped as ``model.json``;
- :mod:`~storyline.cluster.index`: the approximate-nearest-neighbour index that yields candidates;
- :mod:`~storyline.cluster.stream`: streaming assignment, one article at a time in publication order;
- :mod:`~storyline.cluster.batch`: the same decision over a whole corpus, then split / merge / attach.
"""

from __future__ import annotations

import hashlib

import numpy as np

from storyline.cluster.batch import ATTACH, batch_labels, stream_labels
from storyline.cluster.blocks import Mapper, cluster_in_blocks
from storyline.cluster.score import Lexicon
from storyline.cluster.stream import THRESHOLD, StreamClusterer
from storyline.compare.noise import is_caption
from storyline.model import Article, Story

__all__ = [
    "ATTACH",
    "THRESHOLD",
    "StreamClusterer",
    "batch_labels",
    "cluster_and_count",
    "cluster_articles",
    "groups_of",
    "make_story",
    "story_id",
    "stream_labels",
]


def groups_of(articles: list[Article], labels: np.ndarray) -> list[list[Article]]:
    groups: dict[int, list[Article]] = {}
    for article, label in zip(articles, labels, strict=True):
        groups.setdefault(int(label), []).append(article)
    return list(groups.values())


def cluster_articles(articles: list[Article]) -> list[list[Article]]:
    """Groups of articles, one per event (batch driver); every article in exactly one group."""
    return cluster_and_count(articles)[0]


def cluster_and_count(articles: list[Article], mapper: Mapper = map) -> tuple[list[list[Article]], Lexicon]:
    """:func:`cluster_articles`, and the counts of the articles' words and keys that clustering made (a
    store keeps them for later runs, which need not count them again). A corpus that spans years is
    clustered in blocks of publication time, ``mapper`` running them (:mod:`~storyline.cluster.blocks`)."""
    labels, lexicon = cluster_in_blocks(articles, mapper)
    return groups_of(articles, labels), lexicon


def story_id(members: list[Article]) -> str:
    """Stable while the story grows: derived from its earliest article."""
    first = min(members, key=lambda a: (a.published or "9999", a.id))
    return "s-" + hashlib.sha1(first.id.encode("utf-8")).hexdigest()[:10]


def make_story(members: list[Article]) -> Story:
    members = sorted(members, key=lambda a: (a.published or "9999", a.id))
    vectors = np.stack([a.vector for a in members])
    centre = vectors.mean(axis=0)
    # The most central article's headline names the event best, unless it is a photo caption that a
    # scraped page put first and another article has a real headline.
    closeness = vectors @ centre
    headlined = [k for k, a in enumerate(members) if a.title and not is_caption(a.title)]
    central = members[max(headlined or range(len(members)), key=lambda k: float(closeness[k]))]
    dated = [a.published for a in members if a.published]
    return Story(
        id=story_id(members),
        title=central.title or central.text[:80],
        article_ids=[a.id for a in members],
        time_span={"start": min(dated), "end": max(dated)} if dated else None,
        source_count=len({a.source or a.id for a in members}),
    )
