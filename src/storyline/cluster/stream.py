"""Streaming story assignment: each new article joins the story it links to best, or starts one.

An article's candidates are its nearest neighbours in the vector index; its link to a story is the
mean same-event score over that story's members among the candidates (average linkage, as in the
batch driver, restricted to the neighbourhood). The score decays with the publication-date gap, so an
old story does not swallow a new event of the same kind.

A decision taken on the articles seen so far can be one the batch driver, knowing the later ones, would
revise: two stories that later reports show to be one event, an opinion piece left alone. So the
clusterer settles as it goes (:meth:`StreamClusterer.settle`, after every batch of :meth:`add_all`
given ``settle``): the stories its recent articles touched (those they joined, and those of the
candidates they linked to) are refined by the batch rule (:mod:`~storyline.cluster.refine`) over their
pairs, stored articles moving between them, so that the stream converges to what the batch would decide
on the same articles. Scored against the batch (which streams the same way, then refines the whole), the
stream agrees at BCubed F1 0.99 on the ECB+ and Multi-News dev sets, 0.93 and 0.95 unsettled
(bench/cluster.py); settling a batch of 256 costs about what assigning it does (bench/cluster_scale.py).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import numpy as np
from threadpoolctl import ThreadpoolController

from storyline.cluster.index import VectorIndex, within_reach
from storyline.cluster.refine import (
    ATTACH,
    CANDIDATES,
    FLOOR,
    THRESHOLD,
    graph_among,
    keep_numbers,
    refine,
)
from storyline.cluster.score import (
    Lexicon,
    Profiles,
    day_number,
    meet,
    pair_scores,
    vector_cosines,
    word_counts,
)
from storyline.cluster.trees import Trees
from storyline.model import Article

# Articles assigned together by add_all: one index search and one scoring step per batch.
BATCH = 256
_CORES = os.cpu_count() or 1


class StreamClusterer:
    """Stories as articles arrive, in publication order. ``labels[row]`` is the story of profile row
    ``row``; stories are numbered 0, 1, 2 … in the order they start (settling keeps a story's number
    while most of its members stay with it, see :func:`~storyline.cluster.refine.keep_numbers`)."""

    def __init__(
        self,
        dim: int,
        threshold: float = THRESHOLD,
        candidates: int = CANDIDATES,
        model: Trees | None = None,
        counted: Lexicon | None = None,
        attach: float = ATTACH,
    ) -> None:
        """``counted``: document frequencies that already count every article :meth:`add_all` will be
        given (a corpus clustered block by block reads the whole corpus's); they are not counted again."""
        self.model = model  # None: the shipped same-event model
        self.profiles = Profiles.empty(dim)
        self.lexicon = counted or Lexicon()
        self.counted = counted is not None
        self.index = VectorIndex(dim)
        self.threshold = threshold
        self.candidates = candidates
        self.attach = attach
        self.labels = np.zeros(0, dtype=np.int32)
        self.stories = 0
        self.settled = 0  # rows before this one were settled (or loaded as decided)
        # The candidates that rows decided since then scored at least FLOOR against: their stories are
        # those the recent rows link to, in the graph settling refines.
        self.linked: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self.profiles)

    @property
    def nbytes(self) -> int:
        """Memory held per the whole clusterer: index, profiles and labels."""
        return self.index.nbytes + self.profiles.nbytes + self.labels.nbytes

    def load(
        self,
        articles: Sequence[Article],
        labels: Sequence[int],
        around: Sequence[Article] | None = None,
        lexicon: Lexicon | None = None,
    ) -> np.ndarray:
        """Take in articles already assigned (a store's earlier runs) without re-deciding them; which of
        ``articles`` were taken in (their positions, in order: the rows they are given, from the first
        free one).

        With ``around``, the articles about to be added, only those of ``articles`` that can matter to
        their decisions, so that a run adding a day's news to years of stories costs the months around
        that day. A new article's candidates come from the periods within reach of its own
        (:func:`~storyline.cluster.index.within_reach`), and a candidate's score also reads its nearest
        cosine, which its own search sets from the periods within reach of the candidate's: those two
        hops are taken in, and only the first hop searched. The document frequencies of words and keys
        follow every one of ``articles`` all the same: ``lexicon``, their counts where the caller keeps
        them (a store does, see :meth:`~storyline.store.Store.lexicon`; it replaces this clusterer's
        own, which should be empty), else counted here from all of ``articles``. What still follows the
        window is the nearest cosine of an undated article (which a search over every period would
        set). Replayed on the dev sets given made-up dates over ten years, a week's articles added every
        30 days (14 % of the store taken in), none of 178 new ECB+ articles nor of 144 Multi-News ones
        ended in another story than with everything loaded (20 and 7 with the counts of the window
        alone); with 3 % undated, none of 165 and 144. Week after week, each run over the counts the
        last one kept (Lexicon.to_bytes), none of 583 of either set (96 and 28 with the window's counts);
        with 3 % undated, 3 of 564 and 9 of 562 (61 and 26), through the nearest of undated articles.
        """
        if lexicon is not None:
            self.lexicon = lexicon
        if not articles:
            return np.zeros(0, dtype=np.int64)
        self.stories = max(self.stories, int(max(labels)) + 1)
        window, searched = list(articles), np.ones(len(articles), dtype=bool)
        chosen = np.arange(len(articles))
        if around is not None:
            days = np.array([day_number(a.published) for a in articles])
            ahead = np.array([day_number(a.published) for a in around])
            chosen = np.flatnonzero(within_reach(days, ahead, hops=2))
            searched = within_reach(days[chosen], ahead)
            window, labels = [articles[k] for k in chosen], [labels[k] for k in chosen]
        words = word_counts(window) if window else []
        if lexicon is None:
            self.lexicon.count(articles, words if len(window) == len(articles) else None)
        if not window:
            return chosen
        rows = self.profiles.add_articles(window, words, self.lexicon, count_keys=False)
        self.index.add(rows, self.profiles.vectors[rows], self.profiles.published[rows])
        # Each one's nearest neighbour among them (the first found is itself), as if they had streamed in.
        rows_searched = rows[searched]
        found = self.index.search_many(
            self.profiles.vectors[rows_searched], 2, self.profiles.published[rows_searched]
        )
        left = np.repeat(rows_searched, [len(f) for f in found])
        right = np.concatenate([np.zeros(0, dtype=np.int64), *found])
        meet(self.profiles, left[left != right], right[left != right])
        self._reserve(int(rows[-1]) + 1)
        self.labels[rows] = labels
        self.settled = len(self.profiles)
        return chosen

    def add(self, article: Article) -> int:
        """Assign one article; returns its story number."""
        words = word_counts([article])
        if not self.counted:
            self.lexicon.add([words[0][0]])
        [row] = self.profiles.add_articles([article], words, self.lexicon, count_keys=not self.counted)
        return self.assign(int(row))

    def add_all(self, articles: Sequence[Article], batch: int = BATCH, settle: bool = False) -> list[int]:
        """Assign articles in the given (publication) order, ``batch`` at a time: the decisions of
        :meth:`add` one by one, with the searches and scores of a batch done in one step (so an article
        may see its neighbours' nearest cosines as they stand at the end of its batch). With ``settle``,
        :meth:`settle` after each batch. Their stories as they stand at the end (settling may have moved
        an article decided early, and articles loaded or added before)."""
        first = len(self.profiles)
        for start in range(0, len(articles), batch):
            part = articles[start : start + batch]
            words = word_counts(part)
            if not self.counted:
                self.lexicon.add([t for t, _ in words])
            rows = self.profiles.add_articles(part, words, self.lexicon, count_keys=not self.counted)
            self.assign_many(rows)
            if settle:
                self.settle()
        if not settle:
            self.linked = []  # not kept for a settling that may never come
        return self.labels[first : first + len(articles)].tolist()

    def settle(self, end: int | None = None) -> np.ndarray:
        """Refine the stories that the rows added since the last settling touched, by the batch rule over
        their pairs: the stories those rows are in and those of the candidates they scored at least
        ``refine.FLOOR`` against (what the batch's graph keeps; of their nearest neighbours, were they
        decided by ``add_all`` without settling), every member of them held here. Articles may move
        between those stories, a story may split or merge; each keeps its number where most of its
        members stay (:func:`~storyline.cluster.refine.keep_numbers`). The rows whose story changed.
        ``end``: the rows decided so far end there (all rows held, unless rows were appended to the
        profiles ahead of their decisions)."""
        n = len(self.profiles) if end is None else end
        recent = np.arange(self.settled, n)
        self.settled = n
        if len(recent) == 0:
            return recent
        labels = self.labels[:n]
        if not self.linked:  # decided without keeping their links (or loaded): their neighbours'
            found = self.index.search_many(
                self.profiles.vectors[recent], self.candidates, self.profiles.published[recent]
            )
            self.linked = list(found)
        near = np.concatenate([recent, *self.linked])
        self.linked = []
        # Their members within reach of the recent rows: what a store's run holds of them exactly (the
        # members further back stay as they are, see :meth:`load`), and a bound on the work of a
        # settling whatever the length of a story.
        days = self.profiles.published[:n]
        reach = within_reach(days, days[recent])
        rows = np.flatnonzero(np.isin(labels, np.unique(labels[near])) & reach)
        if len(rows) < 2:
            return np.zeros(0, dtype=np.int64)
        # Each row's nearest neighbours among them, not every pair: the batch's graph beyond its dense
        # limit, at a cost that follows the rows settled. Measured against a batch that streamed without
        # settling: stream against batch 0.982 on ECB+ dev and on Multi-News dev, against 0.997 with every
        # pair (the batch's graph there), but 0.79 against 0.72 on the uci headlines' events, in 3 s
        # against 74 s for their 3,094 (bench/cluster.py, bench/storylines.py). Not met: a store's next
        # run, which loads the rows again, gives them the nearest cosines of their searches alone.
        graph = graph_among(
            self.profiles, self.lexicon, self.index, rows, self.model, dense_limit=0, met=False
        )
        before = labels[rows].astype(np.int64)
        after = refine(before, graph, self.threshold, self.attach)
        numbers, self.stories = keep_numbers(before, after, self.stories)
        moved = rows[numbers != before]
        self.labels[rows] = numbers
        return moved

    def assign_many(self, rows: np.ndarray) -> np.ndarray:
        """Decide the stories of consecutive profile rows, in order, as :meth:`assign` would one by one:
        each row's candidates are the nearest among the indexed rows and the earlier rows of the batch
        (which one by one would have been indexed before it)."""
        n, k = len(rows), self.candidates
        vectors, days = self.profiles.vectors[rows], self.profiles.published[rows]
        indexed = self.index.nearest(vectors, k, days)
        # Indexing the batch needs only its vectors: usearch's threads do it while the batch is scored,
        # its pairs split over the cores (numpy lets go of the interpreter lock in its loops).
        with ThreadPoolExecutor(max_workers=1 + _CORES) as threads:
            adding = threads.submit(self.index.add, rows, vectors, days)
            # One (batch × pool) table: each row's indexed neighbours (padded with -1), then the batch rows.
            unit = _unit(vectors)
            pool = np.hstack([indexed, np.broadcast_to(rows, (n, n))])
            near = _unit(self.profiles.vectors[np.maximum(indexed, 0)])
            # On one BLAS thread: OpenBLAS's other threads spin for a while after each product, taking
            # the cores that indexing and scoring need (40 % more CPU per article, bench/cluster_scale.py).
            with _blas().limit(limits=1, user_api="blas"):
                batch = unit @ unit.T
            cosines = np.hstack([np.einsum("bkd,bd->bk", near, unit), batch])
            cosines[:, :k][indexed < 0] = -np.inf
            cosines[:, k:][np.triu_indices(n)] = -np.inf  # only earlier batch rows
            order = np.argsort(-cosines, axis=1, kind="stable")[:, :k]
            found = np.take_along_axis(cosines, order, axis=1) > -np.inf
            candidates = np.take_along_axis(pool, order, axis=1)
            # Row-major: each row's candidates together, nearest first.
            left, right = np.repeat(rows, found.sum(axis=1)), candidates[found]
            cosine = vector_cosines(self.profiles, left, right)
            meet(self.profiles, left, right, cosine)
            parts = [
                threads.submit(
                    pair_scores, self.profiles, self.lexicon, left[s], right[s], self.model, cosine[s]
                )
                for s in np.array_split(np.arange(len(left)), _CORES)
            ]
            scores = np.concatenate([part.result() for part in parts])
            self.linked.append(right[scores >= FLOOR])
            self._reserve(int(rows[-1]) + 1)
            labels = np.empty(n, dtype=np.int32)
            offset = 0
            for b, (row, count) in enumerate(zip(rows.tolist(), found.sum(axis=1).tolist(), strict=True)):
                end = offset + count
                self.labels[row] = labels[b] = self._decide(right[offset:end], scores[offset:end])
                offset = end
            adding.result()
        return labels

    def assign(self, row: int) -> int:
        """Decide the story of a profile row already appended (and not yet indexed)."""
        vector = self.profiles.vectors[row]
        found = self.index.search(vector, self.candidates, self.profiles.published[row])
        cosine = vector_cosines(self.profiles, np.full(len(found), row), found)
        meet(self.profiles, np.full(len(found), row), found, cosine)
        scores = pair_scores(self.profiles, self.lexicon, np.full(len(found), row), found, self.model, cosine)
        self.linked.append(found[scores >= FLOOR])
        self._reserve(row + 1)
        label = self.labels[row] = self._decide(found, scores)
        self.index.add(np.array([row]), vector[None, :], self.profiles.published[[row]])
        return label

    def _reserve(self, size: int) -> None:
        if len(self.labels) < size:
            grown = np.full(max(size, 2 * len(self.labels), 1024), -1, dtype=np.int32)
            grown[: len(self.labels)] = self.labels
            self.labels = grown

    def _decide(self, candidates: np.ndarray, scores: np.ndarray) -> int:
        """The story linked best (mean score over its members among the candidates) if that reaches the
        threshold, else a new story."""
        # Plain Python: a few candidates a row, where numpy's per-call cost would dominate.
        sums: dict[int, float] = {}
        counts: dict[int, int] = {}
        for story, score in zip(self.labels[candidates].tolist(), scores.tolist(), strict=True):
            sums[story] = sums.get(story, 0.0) + score
            counts[story] = counts.get(story, 0) + 1
        if sums:
            # The highest mean; the earliest story of those tied.
            best = min(sums, key=lambda story: (-sums[story] / counts[story], story))
            if sums[best] / counts[best] >= self.threshold:
                return best
        self.stories += 1
        return self.stories - 1

    def story_labels(self) -> np.ndarray:
        return self.labels[: len(self.profiles)]


@cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def _unit(vectors: np.ndarray) -> np.ndarray:
    unit = vectors.astype(np.float32)
    return unit / np.maximum(np.linalg.norm(unit, axis=-1, keepdims=True), 1e-9)
