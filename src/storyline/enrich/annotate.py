"""Who, what, where, when: every extractor's findings as :class:`Mention` spans of the article text.

Entity keys here are resolved within one article; :func:`story_entities` resolves them again across a
story's articles ("Jo Song Gil" in one outlet, "Jo" and "the diplomat" in another).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from storyline.enrich import aliases
from storyline.enrich import entities as ner
from storyline.enrich.mentions import quantities
from storyline.enrich.quotes import find_quotes
from storyline.enrich.times import resolve_times
from storyline.enrich.values import numbers, qualifiers
from storyline.model import Article, Mention


@cache
def default_extractor() -> ner.EntityExtractor:
    return ner.EntityExtractor()


def _entities(article: Article, found: Sequence[ner.Mention]) -> list[Mention]:
    resolved = aliases.resolve(aliases.from_articles([article], [found]))[0]
    # value "role" marks a reference the resolver found itself ("the diplomat"), not a name NER saw.
    return [
        Mention("entity", r.start, r.end, r.text, r.label, "role" if r.mention_index is None else None, r.key)
        for r in resolved
    ]


def _times(article: Article) -> list[Mention]:
    return [
        Mention("time", t.start, t.end, t.text, t.precision, t.value)
        for t in resolve_times(article.text, article.published)
    ]


def _quantities(article: Article) -> list[Mention]:
    """Typed quantities (storyline.enrich.mentions): label the counted noun, value the number, key the
    qualifiers, unit or currency, and an age's holder (:func:`storyline.enrich.values.qualifiers`)."""
    found = []
    for sentence in article.sentences:
        for q in quantities(sentence.text, with_ages=True):
            start, end = sentence.start + q.start, sentence.start + q.end
            key = qualifiers(q.approximate, q.bound, q.currency or q.unit, q.who)
            text = article.text[start:end]
            found.append(Mention("quantity", start, end, text, q.noun, f"{q.value:g}", key))
    return found


def _numbers(article: Article, claimed: list[Mention]) -> list[Mention]:
    """Every other number of the article (storyline.enrich.values): kind "number", label the word it counts
    ("age" for an age, "clock" for a time of day), value the number, key its qualifiers and unit
    (:meth:`Number.qualifiers`); the span includes the qualifier ("about 45")."""
    spans = [(m.start, m.end) for m in claimed if m.kind in ("time", "quantity")]
    found = []
    for sentence in article.sentences:
        taken = [
            (s - sentence.start, e - sentence.start) for s, e in spans if sentence.start <= s < sentence.end
        ]
        for n in numbers(sentence.text, taken):
            start, end = sentence.start + n.start, sentence.start + n.end
            found.append(
                Mention("number", start, end, article.text[start:end], n.noun, f"{n.value:g}", n.qualifiers())
            )
    return found


def _quotes(article: Article) -> list[Mention]:
    return [Mention("quote", q.start, q.end, q.text, q.kind, q.speaker) for q in find_quotes(article.text)]


def annotate(
    articles: Sequence[Article],
    extractor: ner.EntityExtractor | None = None,
    advance: Callable[[int], None] | None = None,
) -> list[Article]:
    """Fill ``mentions`` of the articles that have none (their ``sentences`` must be set: NER reads only
    those that may hold a name); returns those."""
    todo = [a for a in articles if not a.mentions]
    if todo:
        found = (extractor or default_extractor()).extract_batch(
            [a.text for a in todo],
            [a.language for a in todo],
            [[(s.start, s.end) for s in a.sentences] for a in todo],
        )
        for article, entities in zip(todo, found, strict=True):
            mentions = _entities(article, entities) + _times(article) + _quantities(article)
            mentions += _numbers(article, mentions) + _quotes(article)
            article.mentions = sorted(mentions, key=lambda m: (m.start, m.end, m.kind))
            if advance:
                advance(1)
    return todo


def story_entities(articles: Sequence[Article]) -> list[dict[str, Any]]:
    """The story's entities with aliases merged across its articles, most widely reported first:
    ``{key, label, names, articles, sources, mentions}``."""
    found = [
        [
            ner.Mention(m.start, m.end, m.text, m.label or "MISC")
            for m in a.mentions
            if m.kind == "entity" and m.value != "role"
        ]
        for a in articles
    ]
    return aliases.entity_table(aliases.from_articles(articles, found))
