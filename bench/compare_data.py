"""The hand-written comparison stories (bench/data/compare/stories-*.jsonl, fictional; format in
FORMAT.md there) as articles, and their gold, for bench/compare.py and the slot model's training."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.model import Article, Sentence

FOLDER = Path(__file__).resolve().parent / "data" / "compare"


@dataclass
class GoldStory:
    slug: str
    split: str
    articles: list[Article]
    raw: dict[str, Any]
    # (article id, sentence index) of every gold claim, by group
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    compatible: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    shared: list[dict[str, Any]] = field(default_factory=list)


def article_of(record: dict[str, Any]) -> Article:
    """An article whose sentences are exactly the story's sentences (the scorer maps quotes to them)."""
    text, spans, pos = "", [], 0
    for k, sentence in enumerate(record["sentences"]):
        if k:
            text += " "
            pos += 1
        spans.append(Sentence(pos, pos + len(sentence), sentence))
        text += sentence
        pos += len(sentence)
    article = Article(
        id=record["id"],
        text=text,
        title=record.get("title"),
        source=record["source"],
        published=record.get("published"),
        language="en",
    )
    article.sentences = spans
    return article


def stories(split: str = "all", files: list[Path] | None = None) -> list[GoldStory]:
    """The stories of a split: "train", "heldout" or "all"."""
    found = []
    for path in files or sorted(FOLDER.glob("stories-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            raw = json.loads(line)
            if split not in ("all", raw["split"]):
                continue
            found.append(
                GoldStory(
                    raw["story"],
                    raw["split"],
                    [article_of(a) for a in raw["articles"]],
                    raw,
                    raw.get("conflicts", []),
                    raw.get("compatible", []),
                    raw.get("updates", []),
                    raw.get("shared", []),
                )
            )
    return found


def training_stories(perturbed: bool) -> list[GoldStory]:
    """The train stories that the learned comparison models fit on (with the train part of
    bench/perturb.py's pairs when ``perturbed``), enriched and annotated."""
    from perturb import OUT as PERTURBED  # imported here: perturb.py loads the enrichment models
    from storyline.enrich import enrich
    from storyline.enrich.annotate import annotate

    train = stories("train")
    if perturbed:
        train += stories("train", [PERTURBED])
    articles = [a for s in train for a in s.articles]
    enrich(articles)
    annotate(articles)
    return train
