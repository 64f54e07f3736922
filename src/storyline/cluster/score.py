"""The same-event score: how likely two articles report one real-world event.

Gradient-boosted trees (:mod:`~storyline.cluster.trees`) over signals that tell events of the same kind
apart: article vectors, word overlap (TF-IDF), headline words, shared people, places and other entities
(enrichment's alias keys; a name few articles carry counts for more), shared and contradicting dates,
shared numbers; fading with the publication gap (in hours where times are given). Two earthquakes share
vocabulary and vectors; they differ in place, date and toll, which the entity, date and number signals
carry.

Each article becomes one fixed-width row of :class:`Profiles` (an int8 vector, its top TF-IDF terms
and small sets of hashed keys), so that an index can grow one article at a time in little memory, and
the score of any list of pairs is one vectorised step, the same in the streaming and batch drivers.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import numpy as np
import sklearn
from sklearn.feature_extraction.text import HashingVectorizer

from storyline.cluster.trees import Trees, shipped
from storyline.model import Article

HASH_FEATURES = 2**20
EMPTY = -1  # padding in the fixed-width rows
# Room per article: the top TF-IDF terms and the keys of each kind (most mentioned first; headline words
# in order).
TERMS = 48
SET_WIDTH = {"people": 10, "places": 8, "other": 8, "days": 4, "years": 3, "numbers": 8, "title": 12}
ENTITY_KINDS = ("people", "places", "other")
PERSON = frozenset({"PERSON"})
PLACE = frozenset({"GPE", "LOC", "FAC"})
OTHER = frozenset({"ORG", "EVENT", "NORP", "WORK_OF_ART", "PRODUCT", "LAW", "MISC"})
FEATURES = (
    "vector cosine",
    # The cosine against each side's nearest neighbour (see Profiles.nearest): reports of one event are
    # each other's nearest even where the event's words are common and the cosine is low.
    "vector cosine below the closer side's nearest",
    "vector cosine below the looser side's nearest",
    "tf-idf cosine",
    "headline cosine",
    "people shared",
    "people disjoint",
    "places shared",
    "places disjoint",
    "other entities shared",
    "entities shared, by rarity",
    "rarest shared entity",
    "dates shared",
    "dates disjoint",
    "years disjoint",
    "numbers shared",
    "numbers shared (count)",
)
# Reports of one event are published within days of each other; beyond this gap (in hours where both
# publication times are known, see day_number) the score fades by this share per week (to nothing after
# about three months), so an old story does not swallow a new event of the same kind while a running
# story, whose latest members are recent, keeps growing. Hand-set: the dev sets carry no publication dates.
DAY_WINDOW = 7
DECAY_PER_WEEK = 0.08
# Words in more than this share of a sizeable corpus say nothing about the event.
MAX_DF = 0.5
MIN_DOCS_FOR_MAX_DF = 20
_PAIR_CHUNK = 4096  # pairs scored at once: bounds the (pairs × keys × keys) comparisons
_COSINE_CHUNK = 32768  # pairs whose vector cosines are computed at once (~100 MB of float32 vectors)

_YEAR = re.compile(r"^(\d{4})")
_WORD = re.compile(r"\w+")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_words = HashingVectorizer(
    n_features=HASH_FEATURES, alternate_sign=False, norm=None, lowercase=True, dtype=np.float32
)
# How a Lexicon counts, besides the articles it counts: saved counts (Lexicon.to_bytes) made another way
# are not used. Raise the number whenever word_counts or key_sets change what they yield.
RECIPE = "1/{}/{}/sklearn {}".format(
    HASH_FEATURES, ",".join(f"{k}:{w}" for k, w in SET_WIDTH.items()), sklearn.__version__
)


def hash_key(item: str) -> int:
    # Python's hash() is salted per process; crc32 is stable across runs and machines.
    return zlib.crc32(item.encode("utf-8")) % HASH_FEATURES


def _row(items: Iterable[str], width: int) -> np.ndarray:
    """The first ``width`` distinct keys, hashed, padded with :data:`EMPTY`."""
    row = np.full(width, EMPTY, dtype=np.int32)
    keys = list(dict.fromkeys(hash_key(s) for s in items))[:width]
    row[: len(keys)] = keys
    return row


def _by_count(items: list[str]) -> list[str]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return sorted(counts, key=lambda k: -counts[k])


def key_sets(article: Article) -> dict[str, list[str]]:
    """The article's keys of each kind in :data:`SET_WIDTH`, most mentioned first."""
    found: dict[str, list[str]] = {name: [] for name in SET_WIDTH if name != "title"}
    for m in article.mentions:
        if m.kind == "entity" and m.key and m.value != "role":
            if m.label in PERSON:
                # "Reid" in one outlet, "Tara Reid" in another: the surname alone is a key across articles.
                found["people"] += [m.key, m.key.rsplit(" ", 1)[-1]]
            elif m.label in PLACE:
                found["places"].append(m.key)
            elif m.label in OTHER:
                found["other"].append(m.key)
        elif m.kind == "time" and m.value:
            if _DAY.match(m.value):
                found["days"].append(m.value)
            year = _YEAR.match(m.value)
            if year:
                found["years"].append(year.group(1))
        elif m.kind == "quantity" and m.value:
            found["numbers"].append(f"{m.label}:{m.value}")
    if article.published:
        found["years"].append(article.published[:4])
    sets = {name: _by_count(items) for name, items in found.items()}
    sets["title"] = list(dict.fromkeys(w.lower() for w in _WORD.findall(article.title or "")))
    return sets


def day_number(published: str | None) -> float:
    """The ordinal day of a publication date (ISO), NaN when unknown; with its time of day as a fraction
    (in UTC) when the value carries one, so that gaps between timed articles are measured in hours:
    reports of one event come hours apart, a follow-up days later."""
    text = (published or "").strip()
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        return math.nan
    if len(text) <= 10:
        return float(day.toordinal())
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return float(day.toordinal())  # a date with something unreadable after it: the date alone
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    seconds = 3600 * moment.hour + 60 * moment.minute + moment.second + moment.microsecond / 1e6
    return moment.toordinal() + seconds / 86400.0


class Lexicon:
    """Document frequencies of the hashed words and of the hashed keys (entities, headline words),
    counted as articles arrive (or all at once in batch); a store keeps them between runs
    (:meth:`to_bytes`), so that a run need not read every stored text to count them again."""

    def __init__(self) -> None:
        self.df = np.zeros(HASH_FEATURES, dtype=np.int32)
        self.docs = 0
        self.key_df = np.zeros(HASH_FEATURES, dtype=np.int32)
        self.key_docs = 0

    def add(self, term_rows: Sequence[np.ndarray]) -> None:
        for terms in term_rows:
            self.df[terms] += 1
        self.docs += len(term_rows)

    def add_keys(self, key_rows: np.ndarray) -> None:
        """Count each article's distinct keys (one padded row per article, every kind side by side)."""
        for row in key_rows:
            self.key_df[np.unique(row[row != EMPTY])] += 1
        self.key_docs += len(key_rows)

    def count(
        self, articles: Sequence[Article], words: Sequence[tuple[np.ndarray, np.ndarray]] | None = None
    ) -> None:
        """Count the words and keys of ``articles`` (``words``: their :func:`word_counts`, when the caller
        has them), as adding them one by one would."""
        if not articles:
            return
        words = word_counts(articles) if words is None else words
        self.add([t for t, _ in words])
        self.add_keys(counted_keys(key_rows(articles)))

    def __iadd__(self, other: Lexicon) -> Lexicon:
        """Add the counts of ``other`` (of other articles): what counting both sets here would give."""
        self.df += other.df
        self.key_df += other.key_df
        self.docs += other.docs
        self.key_docs += other.key_docs
        return self

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Lexicon)
            and (self.docs, self.key_docs) == (other.docs, other.key_docs)
            and np.array_equal(self.df, other.df)
            and np.array_equal(self.key_df, other.key_df)
        )

    def to_bytes(self) -> bytes:
        """The counts, compact (a store keeps them between runs): a JSON line of the totals and the
        :data:`RECIPE`, then each table's nonzero counts (how many; the gaps between their hashes; the
        counts) as int32, compressed: 2.4 and 2.1 bytes a nonzero count over the ECB+ and Multi-News dev
        sets (44 and 69 kB for some 600 articles each), where the dense tables take 8 MB."""
        head = json.dumps({"recipe": RECIPE, "docs": self.docs, "key_docs": self.key_docs})
        tables = []
        for df in (self.df, self.key_df):
            at = np.flatnonzero(df)
            tables += [[len(at)], np.diff(at, prepend=0), df[at]]
        body = np.concatenate(tables).astype("<i4").tobytes()
        return head.encode("utf-8") + b"\n" + zlib.compress(body)

    @classmethod
    def from_bytes(cls, data: bytes) -> Lexicon | None:
        """The counts of :meth:`to_bytes`; None when counted by another :data:`RECIPE` or unreadable."""
        head, _, body = data.partition(b"\n")
        try:
            totals = json.loads(head)
            if totals.get("recipe") != RECIPE:
                return None
            numbers = np.frombuffer(zlib.decompress(body), dtype="<i4")
            lexicon = cls()
            lexicon.docs, lexicon.key_docs = int(totals["docs"]), int(totals["key_docs"])
            for df in (lexicon.df, lexicon.key_df):
                n = int(numbers[0])
                df[np.cumsum(numbers[1 : 1 + n])] = numbers[1 + n : 1 + 2 * n]
                numbers = numbers[1 + 2 * n :]
        except (ValueError, KeyError, IndexError, AttributeError, zlib.error):
            return None
        return lexicon if len(numbers) == 0 else None

    def idf(self, terms: np.ndarray) -> np.ndarray:
        """Inverse document frequency of each hashed term (any shape; 0 for words too common to tell)."""
        df = self.df[terms]
        idf = (np.log((1 + self.docs) / (1 + df)) + 1.0).astype(np.float32)
        if self.docs > MIN_DOCS_FOR_MAX_DF:
            idf[df > MAX_DF * self.docs] = 0.0
        return idf

    def rarity(self, keys: np.ndarray) -> np.ndarray:
        """How rare each hashed key is, 0 (in every article) to 1 (in one): its IDF over the largest
        possible, so that the model reads alike in a small corpus and a large one. 0 for padding."""
        top = math.log(2 + self.key_docs)
        out = (np.log((2 + self.key_docs) / (1 + self.key_df[keys])) / top).astype(np.float32)
        return np.clip(out, 0.0, 1.0) * (keys != EMPTY)


def key_rows(articles: Sequence[Article]) -> dict[str, np.ndarray]:
    """Each kind's padded rows of hashed keys (one row per article)."""
    sets = [key_sets(a) for a in articles]
    return {k: np.stack([_row(s[k], w) for s in sets]) for k, w in SET_WIDTH.items()}


def counted_keys(keys: dict[str, np.ndarray]) -> np.ndarray:
    """The keys whose rarity the score reads (entities and headline words), side by side per article."""
    return np.hstack([keys[k] for k in (*ENTITY_KINDS, "title")])


def word_counts(articles: Sequence[Article]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(hashed terms, sublinear term frequency) of each article's title and text."""
    m = _words.transform([f"{a.title or ''}\n{a.text}" for a in articles]).tocsr()
    return [
        (
            m.indices[m.indptr[k] : m.indptr[k + 1]].astype(np.int32),
            1.0 + np.log(m.data[m.indptr[k] : m.indptr[k + 1]]),
        )
        for k in range(len(articles))
    ]


def top_terms(terms: np.ndarray, tf: np.ndarray, lexicon: Lexicon) -> tuple[np.ndarray, np.ndarray]:
    """The :data:`TERMS` terms of highest TF-IDF, in ascending hash order (see :func:`_lexical`), then
    padding: what the article keeps of its words."""
    row, weights = np.full(TERMS, EMPTY, dtype=np.int32), np.zeros(TERMS, dtype=np.float16)
    order = np.argsort(-(tf * lexicon.idf(terms)), kind="stable")[:TERMS]
    order = order[np.argsort(terms[order])]
    row[: len(order)], weights[: len(order)] = terms[order], tf[order]
    return row, weights


@dataclass
class Profiles:
    """What the score needs of each article, one fixed-width row each; grows by :meth:`append`."""

    vectors: np.ndarray  # (n, dim) int8, see quantise()
    terms: np.ndarray  # (n, TERMS) int32 hashed terms
    tf: np.ndarray  # (n, TERMS) float16 sublinear term frequencies
    keys: dict[str, np.ndarray]  # kind → (n, width) int32 hashed keys
    # (n,) float64 ordinal day with the time of day as a fraction (see day_number), NaN when unknown:
    # float32 would round the time of day to 1.5 hours at today's ordinals.
    published: np.ndarray
    # (n,) float32: the highest vector cosine to any other article met so far (see meet()), NaN for none
    nearest: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    size: int = 0

    def __post_init__(self) -> None:
        if len(self.nearest) != len(self.published):
            self.nearest = np.full(len(self.published), np.nan, dtype=np.float32)

    @classmethod
    def empty(cls, dim: int, capacity: int = 1024) -> Profiles:
        return cls(
            vectors=np.zeros((capacity, dim), dtype=np.int8),
            terms=np.full((capacity, TERMS), EMPTY, dtype=np.int32),
            tf=np.zeros((capacity, TERMS), dtype=np.float16),
            keys={k: np.full((capacity, w), EMPTY, dtype=np.int32) for k, w in SET_WIDTH.items()},
            published=np.full(capacity, np.nan, dtype=np.float64),
        )

    def __len__(self) -> int:
        return self.size

    @property
    def nbytes(self) -> int:
        arrays = [self.vectors, self.terms, self.tf, self.published, self.nearest, *self.keys.values()]
        return sum(a[: self.size].nbytes for a in arrays)

    def _grow(self, needed: int) -> None:
        capacity = len(self.published)
        if needed <= capacity:
            return
        capacity = max(needed, 2 * capacity)

        def grown(a: np.ndarray, fill: float) -> np.ndarray:
            out = np.full((capacity, *a.shape[1:]), fill, dtype=a.dtype)
            out[: self.size] = a[: self.size]
            return out

        self.vectors, self.terms, self.tf = (
            grown(self.vectors, 0),
            grown(self.terms, EMPTY),
            grown(self.tf, 0),
        )
        self.keys = {k: grown(v, EMPTY) for k, v in self.keys.items()}
        self.published = grown(self.published, np.nan)
        self.nearest = grown(self.nearest, np.nan)

    def append(
        self,
        vectors: np.ndarray,
        terms: np.ndarray,
        tf: np.ndarray,
        keys: dict[str, np.ndarray],
        published: np.ndarray,
    ) -> np.ndarray:
        """Add rows; returns their row numbers."""
        n = len(vectors)
        start = self.size
        self._grow(start + n)
        rows = slice(start, start + n)
        self.vectors[rows], self.terms[rows], self.tf[rows] = vectors, terms, tf
        for k in SET_WIDTH:
            self.keys[k][rows] = keys[k]
        self.published[rows] = published
        self.size += n
        return np.arange(start, start + n)

    def add_articles(
        self,
        articles: Sequence[Article],
        words: Sequence[tuple[np.ndarray, np.ndarray]],
        lexicon: Lexicon,
        count_keys: bool = True,
    ) -> np.ndarray:
        """Add the articles' rows (``words``: their :func:`word_counts`, already counted in ``lexicon``,
        whose document frequencies pick each one's top terms), counting their keys unless the lexicon
        holds them already (``count_keys`` false)."""
        tops = [top_terms(t, f, lexicon) for t, f in words]
        keys = key_rows(articles)
        if count_keys:
            lexicon.add_keys(counted_keys(keys))
        return self.append(
            vectors=quantise(np.stack([a.vector for a in articles])),
            terms=np.stack([t for t, _ in tops]),
            tf=np.stack([f for _, f in tops]),
            keys=keys,
            published=np.array([day_number(a.published) for a in articles], dtype=np.float64),
        )


def profiles_of(articles: Sequence[Article]) -> tuple[Profiles, Lexicon]:
    """Profiles of a whole corpus at once, with the corpus's document frequencies (the batch driver)."""
    words = word_counts(articles)
    lexicon = Lexicon()
    lexicon.add([t for t, _ in words])
    dim = len(articles[0].vector) if articles else 1
    profiles = Profiles.empty(dim, max(len(articles), 1))
    if articles:
        profiles.add_articles(articles, words, lexicon)
    return profiles, lexicon


def quantise(vectors: np.ndarray) -> np.ndarray:
    """Vectors as int8, each row scaled to its largest component: a quarter of float32, and cosines
    (blind to scale) within about 0.005 of the float32 ones."""
    vectors = np.asarray(vectors, dtype=np.float32)
    top = np.abs(vectors).max(axis=1, keepdims=True)
    return np.rint(np.divide(vectors * 127.0, top, out=np.zeros_like(vectors), where=top > 0)).astype(np.int8)


def _cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = a.astype(np.float32), b.astype(np.float32)
    denom = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return np.divide(
        np.einsum("pd,pd->p", a, b), denom, out=np.zeros(len(a), dtype=np.float32), where=denom > 0
    )


def vector_cosines(p: Profiles, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The vector cosine of each pair (``i[k]``, ``j[k]``) of profile rows: computed once by a caller
    that both meets and scores the same pairs."""
    out = np.empty(len(i), dtype=np.float32)
    # A chunk at a time: the pairs' vectors as float32 take 3 KB a pair, 2.4 GB for the 800,000 pairs of
    # a 1,260-article corpus at once.
    for s in range(0, len(i), _COSINE_CHUNK):
        out[s : s + _COSINE_CHUNK] = _cosine(
            p.vectors[i[s : s + _COSINE_CHUNK]], p.vectors[j[s : s + _COSINE_CHUNK]]
        )
    return out


def meet(p: Profiles, i: np.ndarray, j: np.ndarray, cosine: np.ndarray | None = None) -> None:
    """Rows ``i[k]`` and ``j[k]`` met (as candidates, or in the batch graph): keep each side's highest
    vector cosine (``cosine``, their :func:`vector_cosines` when the caller has them). Run before scoring
    those pairs, so that a pair counts towards its own sides."""
    cosine = vector_cosines(p, i, j) if cosine is None else cosine
    np.fmax.at(p.nearest, i, cosine)
    np.fmax.at(p.nearest, j, cosine)


def _shared(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Overlap of padded key rows (shared / smaller set, 0 when either is empty), disjointness (both
    non-empty, nothing shared) and the number of keys shared."""
    inter = ((a[:, :, None] == b[:, None, :]) & (a[:, :, None] != EMPTY)).sum(axis=(1, 2))
    smaller = np.minimum((a != EMPTY).sum(axis=1), (b != EMPTY).sum(axis=1))
    overlap = np.divide(inter, smaller, out=np.zeros(len(a), dtype=np.float32), where=smaller > 0)
    return overlap, ((smaller > 0) & (inter == 0)).astype(np.float32), inter.astype(np.float32)


def _by_rarity(a: np.ndarray, b: np.ndarray, lexicon: Lexicon) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Key rows compared with each key weighted by its rarity: cosine, weighted Jaccard, and the rarity
    of the rarest key shared. "United States" in both says little; a village's name says much."""
    wa, wb = lexicon.rarity(a), lexicon.rarity(b)
    hit = ((a[:, :, None] == b[:, None, :]) & (a[:, :, None] != EMPTY)).any(axis=2)
    shared = np.where(hit, wa, 0.0)
    dot, common = (shared**2).sum(axis=1), shared.sum(axis=1)
    norms = np.linalg.norm(wa, axis=1) * np.linalg.norm(wb, axis=1)
    union = wa.sum(axis=1) + wb.sum(axis=1) - common
    zeros = np.zeros(len(a), dtype=np.float32)
    return (
        np.divide(dot, norms, out=zeros.copy(), where=norms > 0),
        np.divide(common, union, out=zeros.copy(), where=union > 0),
        shared.max(axis=1, initial=0.0),
    )


def _lexical(p: Profiles, lexicon: Lexicon, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    ti, tj = p.terms[i], p.terms[j]
    wi = p.tf[i].astype(np.float32) * lexicon.idf(ti) * (ti != EMPTY)
    wj = p.tf[j].astype(np.float32) * lexicon.idf(tj) * (tj != EMPTY)
    # Each row holds distinct terms in ascending order; prefixed with the pair number they form one sorted
    # sequence per side, so one binary search finds every shared term of every pair.
    prefix = np.arange(len(i), dtype=np.int64)[:, None] << 21
    vi, vj = ti != EMPTY, tj != EMPTY
    left, right = (prefix + ti)[vi], (prefix + tj)[vj]
    dot = np.zeros(len(i), dtype=np.float64)
    if len(left) and len(right):
        pos = np.minimum(np.searchsorted(right, left), len(right) - 1)
        hit = right[pos] == left
        dot = np.bincount(left[hit] >> 21, weights=wi[vi][hit] * wj[vj][pos[hit]], minlength=len(i))
    denom = np.linalg.norm(wi, axis=1) * np.linalg.norm(wj, axis=1)
    return np.divide(dot, denom, out=np.zeros(len(i), dtype=np.float32), where=denom > 0)


def features(
    p: Profiles, lexicon: Lexicon, i: np.ndarray, j: np.ndarray, cosine: np.ndarray | None = None
) -> np.ndarray:
    """One row of :data:`FEATURES` per pair (``i[k]``, ``j[k]``) of profile rows (``cosine``: their
    :func:`vector_cosines`, when the caller has them)."""
    out = np.zeros((len(i), len(FEATURES)), dtype=np.float32)
    for s in range(0, len(i), _PAIR_CHUNK):
        a, b = i[s : s + _PAIR_CHUNK], j[s : s + _PAIR_CHUNK]
        keys = {k: _shared(p.keys[k][a], p.keys[k][b]) for k in SET_WIDTH if k != "title"}
        headline, _, _ = _by_rarity(p.keys["title"][a], p.keys["title"][b], lexicon)
        entities = [np.hstack([p.keys[k][rows] for k in ENTITY_KINDS]) for rows in (a, b)]
        _, named, rarest = _by_rarity(*entities, lexicon)
        chunk = _cosine(p.vectors[a], p.vectors[b]) if cosine is None else cosine[s : s + _PAIR_CHUNK]
        # A row never met (loaded without its neighbours) reads as if this pair were its nearest.
        near_a, near_b = np.fmax(p.nearest[a], chunk), np.fmax(p.nearest[b], chunk)
        out[s : s + len(a)] = np.column_stack(
            [
                chunk,
                chunk - np.maximum(near_a, near_b),
                chunk - np.minimum(near_a, near_b),
                _lexical(p, lexicon, a, b),
                headline,
                keys["people"][0],
                keys["people"][1],
                keys["places"][0],
                keys["places"][1],
                keys["other"][0],
                named,
                rarest,
                (keys["days"][0] > 0).astype(np.float32),
                keys["days"][1],
                keys["years"][1],
                keys["numbers"][0],
                keys["numbers"][2],
            ]
        )
    return out


def fade(p: Profiles, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """What share of the score is left after the publication-date gap (1 within :data:`DAY_WINDOW` or
    when undated)."""
    gap = np.abs(p.published[i] - p.published[j])
    over = np.nan_to_num(np.clip(gap - DAY_WINDOW, 0, None), nan=0.0)
    return np.clip(1.0 - DECAY_PER_WEEK * over / 7.0, 0.0, 1.0)


def pair_scores(
    p: Profiles,
    lexicon: Lexicon,
    i: np.ndarray,
    j: np.ndarray,
    model: Trees | None = None,
    cosine: np.ndarray | None = None,
) -> np.ndarray:
    """Same-event score of each pair: the model's probability (the shipped one unless given), faded by
    the publication-date gap (``cosine``: the pairs' :func:`vector_cosines`, when the caller has them)."""
    scores = fade(p, i, j).astype(np.float32)
    # Pairs published too far apart score nothing whatever their features: only the others are scored.
    live = np.flatnonzero(scores > 0)
    if len(live):
        model = model or shipped()
        given = None if cosine is None else cosine[live]
        scores[live] *= model.probability(features(p, lexicon, i[live], j[live], given))
    return scores
