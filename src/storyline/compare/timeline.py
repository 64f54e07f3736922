"""The story's dated events in order, each citing the sentences that date it."""

from __future__ import annotations

from typing import Any

from storyline.enrich.mentions import dates
from storyline.model import Article

MAX_EVENTS = 15
SAME_EVENT = 0.6  # sentences this close with the same date are one timeline entry


def timeline(articles: list[Article]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    vectors: list[Any] = []
    for article in articles:
        for k, sentence in enumerate(article.sentences):
            found = [d for d in dates(sentence.text, article.published) if d.year is not None]
            if len(found) != 1:
                continue  # a sentence with several dates does not say which event is when
            when = found[0].iso()
            vec = article.sentence_vectors[k] if article.sentence_vectors is not None else None
            citation = {"article_id": article.id, "quote": sentence.text}
            for entry, other in zip(entries, vectors, strict=True):
                if (
                    entry["date"] == when
                    and vec is not None
                    and other is not None
                    and float(vec @ other) >= SAME_EVENT
                ):
                    if all(c["article_id"] != article.id for c in entry["citations"]):
                        entry["citations"].append(citation)
                    break
            else:
                entries.append({"date": when, "text": sentence.text, "citations": [citation]})
                vectors.append(vec)
    # The best-attested events first when there are too many, then in date order.
    entries.sort(key=lambda e: -len(e["citations"]))
    return sorted(entries[:MAX_EVENTS], key=lambda e: e["date"])
