"""One story from its members: the stage every engine runs per story (comparison, summary, cast)."""

from __future__ import annotations

import re

from storyline.cluster import make_story
from storyline.compare import compare
from storyline.enrich import enrich
from storyline.enrich.aliases import normalise_name
from storyline.enrich.annotate import story_entities
from storyline.model import Article, Story
from storyline.stages import Stages
from storyline.store import Store
from storyline.summarize import DEFAULT_MAX_WORDS, summarize

KEY_ENTITIES = 8


_POSSESSIVE = re.compile(r"['’]s$")


def _bare(name: str) -> str:
    """A name as a cast list shows it: "The Bank of Castria's" -> "The Bank of Castria"."""
    return _POSSESSIVE.sub("", name.strip()) or name


def key_entities(articles: list[Article]) -> list[str]:
    """The story's cast: entities (aliases merged across articles) that most sources name."""
    # Named by more than one source when the story has several: not one outlet's aside.
    floor = 2 if len({a.source or a.id for a in articles}) > 1 else 1
    cast = []
    for row in story_entities(articles):
        if row["sources"] >= floor:
            names = [_bare(n) for n in row["names"]]
            proper = [n for n in names if n[:1].isupper() and not n.lower().startswith("the ")]
            # The name that spells the key ("North Korea", not "North Korean"), else the fullest one.
            cast.append(max(proper or names, key=lambda n: (normalise_name(n) == row["key"], len(n))))
    return cast[:KEY_ENTITIES]


def build_story(
    members: list[Article],
    max_words: int = DEFAULT_MAX_WORDS,
    store: Store | None = None,
    stages: Stages | None = None,
) -> Story:
    """One story from its (enriched) members, each step timed into ``stages``."""
    stages = stages or Stages()
    # Comparison aligns sentences; their vectors are computed here, for the articles compared, and
    # cached by the store, rather than for every article at enrichment. (``storyline.build`` computes
    # them beforehand for many stories at once, and this finds them there.)
    with stages.time("vectors"):
        if store is None:
            enrich(members)
        else:
            with store.transaction():
                enrich(members, store=store)
    with stages.time("compare", 1):
        story = make_story(members)
        comparison = compare(members)
    for key, value in comparison.block.items():
        setattr(story, key, value)
    with stages.time("summarise", 1):
        story.summary = summarize(comparison, max_words)
        # Syndicated copies of one wire story are one independent source.
        story.source_count = len(
            {comparison.articles[g].source or comparison.articles[g].id for g in comparison.group}
        )
        story.key_entities = key_entities(members)
    return story
