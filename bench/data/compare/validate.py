"""Checks the hand-written comparison stories against FORMAT.md.

python bench/data/compare/validate.py FILE...
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

TYPES = {"number", "date", "age", "person", "place", "organisation", "other"}


def check(path: Path) -> list[str]:
    errors: list[str] = []
    seen: set[str] = set()
    counts: Counter[str] = Counter()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name}:{n}"
        try:
            story = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}: not JSON ({exc})")
            continue
        slug = story.get("story")
        if not slug or slug in seen:
            errors.append(f"{where}: missing or repeated story slug {slug!r}")
        seen.add(slug)
        if story.get("split") not in {"train", "heldout"}:
            errors.append(f"{where}: split must be train or heldout")
        counts[story.get("split")] += 1
        articles = {a["id"]: a for a in story.get("articles", [])}
        if not 2 <= len(articles) <= 4:
            errors.append(f"{where}: {len(articles)} articles (2-4)")
        if len({a["source"] for a in articles.values()}) != len(articles):
            errors.append(f"{where}: two articles share a source")

        def claim_ok(c: dict, what: str, articles: dict = articles, where: str = where) -> None:
            a = articles.get(c.get("article"))
            if a is None:
                errors.append(f"{where}: {what}: unknown article {c.get('article')!r}")
                return
            k = c.get("sentence")
            if not isinstance(k, int) or not 0 <= k < len(a["sentences"]):
                errors.append(f"{where}: {what}: bad sentence index {k!r} for {a['id']}")
                return
            v = c.get("value")
            if v is not None and v not in a["sentences"][k]:
                errors.append(f"{where}: {what}: value {v!r} not in sentence {k} of {a['id']}")

        for c in story.get("conflicts", []):
            if c.get("type") not in TYPES:
                errors.append(f"{where}: conflict type {c.get('type')!r}")
            if len({x.get("article") for x in c["claims"]}) < 2:
                errors.append(f"{where}: conflict claims must come from two articles")
            for x in c["claims"]:
                claim_ok(x, f"conflict {c.get('about')!r}")
            counts["conflict:" + str(c.get("type"))] += 1
        for group in ("compatible", "updates"):
            for c in story.get(group, []):
                for x in c["claims"]:
                    claim_ok(x, f"{group} {c.get('kind') or c.get('about')!r}")
                counts[group + (":" + c["kind"] if "kind" in c else "")] += 1
        for f in story.get("shared", []):
            if len({x["article"] for x in f["sentences"]}) < 2:
                errors.append(f"{where}: shared fact {f.get('fact')!r} needs two articles")
            for x in f["sentences"]:
                claim_ok(x, f"shared {f.get('fact')!r}")
            counts["shared"] += 1
    print(path.name, dict(sorted(counts.items(), key=lambda kv: str(kv[0]))))
    return errors


if __name__ == "__main__":
    problems = [e for p in sys.argv[1:] for e in check(Path(p))]
    print("\n".join(problems) or "ok")
    sys.exit(1 if problems else 0)
