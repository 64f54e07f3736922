"""The perturbation set: pairs of real sentences of different sources that state one fact, kept as they
are (no conflict) and with one value changed (a conflict), from the Multi-News dev clusters in ../shared.

    python bench/perturb.py    # writes .bench-cache/perturbed.jsonl (in the format of bench/data/compare)

Two sentences of different documents of one cluster state one fact when their vectors are close
(cosine >= PAIRED) and they share a value: the same number, age, day or name. Each such pair becomes two
two-article stories: the pair as written, and the pair with the second sentence's value replaced (a
number scaled, an age or a day shifted, a name swapped for a name of the same kind from another cluster).
Clusters are split by a hash of their id: a third are the test part, scored by ``bench/compare.py --set
perturbed``; the rest may train the slot model (``bench/train_slots.py --perturbed``). The real texts stay
in ../shared; the generated file lives in the git-ignored .bench-cache.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from typing import Any

from common import CACHE, DATA, read_jsonl
from storyline.compare.claims import ENTITY_KINDS, Value, sentence_claims
from storyline.compare.noise import is_noise
from storyline.enrich import enrich
from storyline.enrich.aliases import normalise_name
from storyline.enrich.annotate import annotate
from storyline.model import Article
from storyline.store import open_store

PAIRED = 0.75
MIN_WORDS, MAX_WORDS = 8, 60
PER_CLUSTER = 6
OUT = CACHE / "perturbed.jsonl"
_DAY = re.compile(r"\b([1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\b")
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def split_of(cluster_id: str) -> str:
    return "heldout" if int(hashlib.sha256(cluster_id.encode()).hexdigest(), 16) % 3 == 0 else "train"


def _same(x: Value, y: Value) -> bool:
    if x.kind != y.kind:
        return False
    if x.kind in ("number", "age"):
        return x.number == y.number and x.noun == y.noun and not x.bound and not y.bound
    if x.kind == "date":
        return bool(x.time and y.time and x.time.value == y.time.value and x.time.precision == "day")
    return x.kind in ENTITY_KINDS.values() and normalise_name(x.text) == normalise_name(y.text)


def _number_text(old: str, value: float) -> str:
    m = re.search(r"\d[\d,]*(?:\.\d+)?", old)
    new = (
        f"{value:,.0f}"
        if "," in old
        else (f"{value:g}" if "." in (m.group() if m else "") else f"{value:.0f}")
    )
    return old[: m.start()] + new + old[m.end() :] if m else new


def _changed(y: Value, rng: random.Random, names: dict[str, list[str]]) -> str | None:
    """A value of y's kind that cannot be y, written as y is written."""
    if y.kind == "number" and y.number and re.search(r"\d", y.text) and not y.approximate:
        factor = rng.choice([0.5, 0.6, 0.75, 1.5, 2.0, 3.0])
        value = round(y.number * factor) if y.number >= 10 else y.number + rng.choice([2, 3, 5])
        return _number_text(y.text, value) if value != y.number else None
    if y.kind == "age" and y.number:
        return _number_text(y.text, y.number + rng.choice([-9, -5, -3, 3, 4, 7, 11]))
    if y.kind == "date":
        day = _DAY.search(y.text)
        if day:
            new = int(day.group(1)) + rng.choice([-7, -3, 2, 5, 10])
            if 1 <= new <= 28:
                return y.text[: day.start(1)] + str(new) + y.text[day.end(1) :]
        for k, weekday in enumerate(_WEEKDAYS):
            if weekday in y.text:
                return y.text.replace(weekday, _WEEKDAYS[(k + rng.choice([1, 2, 3])) % 7])
        return None
    pool = [n for n in names.get(y.kind, []) if len(n.split()) == len(y.text.split()) and n != y.text]
    return rng.choice(pool) if pool else None


def _story(slug: str, split: str, sa: str, sb: str, conflict: dict[str, Any] | None, cluster: str) -> dict:
    articles = [
        {"id": f"{slug}/a", "source": "Source A", "published": "2020-01-01", "title": "", "sentences": [sa]},
        {"id": f"{slug}/b", "source": "Source B", "published": "2020-01-01", "title": "", "sentences": [sb]},
    ]
    return {
        "story": slug,
        "split": split,
        "cluster": cluster,
        "articles": articles,
        "conflicts": [conflict] if conflict else [],
        "compatible": [],
        "updates": [],
        # The pair as written states one fact; changed, it states it with one value in conflict.
        "shared": []
        if conflict
        else [
            {
                "fact": sa,
                "sentences": [
                    {"article": f"{slug}/a", "sentence": 0},
                    {"article": f"{slug}/b", "sentence": 0},
                ],
            }
        ],
    }


def main() -> None:
    rng = random.Random(8)
    clusters = list(read_jsonl(DATA / "multinews" / "clusters.dev.jsonl"))
    docs = [
        (c["cluster_id"], Article(id=d["id"], text=d["text"], language="en"))
        for c in clusters
        for d in c["documents"]
    ]
    articles = [a for _, a in docs]
    CACHE.mkdir(exist_ok=True)
    with open_store(CACHE / "perturb-vectors.db") as store:
        enrich(articles, store=store)
    annotate(articles)
    names: dict[str, list[str]] = {}
    for article in articles:
        for per in sentence_claims([article])[0]:
            for v in per.values:
                if v.kind in ("person", "place", "organisation") and v.text[:1].isupper():
                    names.setdefault(v.kind, []).append(v.text)
    by_cluster: dict[str, list[Article]] = {}
    for cid, a in docs:
        by_cluster.setdefault(cid, []).append(a)
    out = []
    for cid, members in by_cluster.items():
        split = split_of(cid)
        others = {
            k: [n for n in v if n not in {m.text for a in members for m in a.mentions}]
            for k, v in names.items()
        }
        claims = sentence_claims(members)
        found = 0
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                sim = members[i].sentence_vectors @ members[j].sentence_vectors.T
                for s, t in zip(*(sim >= PAIRED).nonzero(), strict=True):
                    sa, sb = claims[i][s], claims[j][t]
                    if found >= PER_CLUSTER or any(is_noise(x.text) for x in (sa, sb)):
                        continue
                    if not all(MIN_WORDS <= len(x.text.split()) <= MAX_WORDS for x in (sa, sb)):
                        continue
                    if sa.text == sb.text:
                        continue  # a copy states nothing twice
                    pair = next(((x, y) for x in sa.values for y in sb.values if _same(x, y)), None)
                    if pair is None:
                        continue
                    x, y = pair
                    new = _changed(y, rng, others)
                    if new is None:
                        continue
                    found += 1
                    slug = f"p-{cid}-{found}"
                    out.append(_story(f"{slug}-kept", split, sa.text, sb.text, None, cid))
                    changed = sb.text[: y.start] + new + sb.text[y.end :]
                    kind = {"clock": "date"}.get(y.kind, y.kind)
                    conflict = {
                        "type": kind,
                        "about": "perturbed",
                        "claims": [
                            {"article": f"{slug}-changed/a", "sentence": 0, "value": x.text},
                            {"article": f"{slug}-changed/b", "sentence": 0, "value": new},
                        ],
                    }
                    out.append(_story(f"{slug}-changed", split, sa.text, changed, conflict, cid))
    OUT.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in out), encoding="utf-8")
    kinds: dict[str, int] = {}
    for s in out:
        for c in s["conflicts"]:
            kinds[f"{s['split']}:{c['type']}"] = kinds.get(f"{s['split']}:{c['type']}", 0) + 1
    print(f"{len(out)} stories ({len(out) // 2} pairs) written to {OUT}: {kinds}")


if __name__ == "__main__":
    main()
