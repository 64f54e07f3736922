"""The story's dated events in order, each citing the sentences that date it.

Times come from the enrichment (:func:`storyline.enrich.times.resolve_times`, or the article's time
mentions when it was annotated), so weekdays and relative dates ("on Thursday", "last week", "two
days later") are placed against the article's date. A sentence is an event when it names exactly one
time at month precision or finer; a week is shown as its month, since the contract's dates are days,
months or years. Sentences from several articles that tell one event at compatible times are one
entry citing each article, dated at the finest precision any of them gives. Page furniture
(:mod:`storyline.compare.noise`: embedded tweets' date lines, photo captions, "Published on" stamps)
is no event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from storyline.compare.noise import is_noise
from storyline.enrich.times import TimeMention, compatible, resolve_times
from storyline.model import Article

MAX_EVENTS = 15
SAME_EVENT = 0.6  # sentences this close at compatible times are one timeline entry
_PRECISE = ("day", "week", "month")  # a year alone rarely dates one event of a news story


@dataclass
class _Event:
    time: TimeMention
    text: str
    vector: np.ndarray | None
    citations: list[dict[str, str]] = field(default_factory=list)

    @property
    def date(self) -> str:
        if self.time.precision == "week":
            year, week = self.time.value.split("-W")
            # The month of the week's Thursday: the ISO rule for which year a week belongs to.
            return date.fromisocalendar(int(year), int(week), 4).strftime("%Y-%m")
        return self.time.value


def _times(article: Article) -> list[TimeMention]:
    """The article's resolved times: its annotated time mentions, else resolved here."""
    annotated = [
        TimeMention(m.start, m.end, m.text, m.value, m.label)
        for m in article.mentions
        if m.kind == "time" and m.value and m.label
    ]
    return annotated or resolve_times(article.text, article.published)


def _sentence_time(article: Article, k: int, times: list[TimeMention]) -> TimeMention | None:
    sentence = article.sentences[k]
    inside = {
        (t.value, t.precision): t
        for t in times
        if sentence.start <= t.start < sentence.end and t.precision in _PRECISE and t.year is not None
    }
    # A sentence with several times does not say which event is when.
    return next(iter(inside.values())) if len(inside) == 1 else None


def timeline(articles: list[Article]) -> list[dict[str, Any]]:
    events: list[_Event] = []
    for article in articles:
        times = _times(article)
        for k, sentence in enumerate(article.sentences):
            if is_noise(sentence.text):
                continue  # embedded tweets, photo captions and page stamps date the page, not the story
            when = _sentence_time(article, k, times)
            if when is None:
                continue
            vec = article.sentence_vectors[k] if article.sentence_vectors is not None else None
            citation = {"article_id": article.id, "quote": sentence.text}
            same = next(
                (
                    e
                    for e in events
                    if compatible(e.time, when)
                    and vec is not None
                    and e.vector is not None
                    and float(vec @ e.vector) >= SAME_EVENT
                ),
                None,
            )
            if same is None:
                events.append(_Event(when, sentence.text, vec, [citation]))
                continue
            if all(c["article_id"] != article.id for c in same.citations):
                same.citations.append(citation)
            if _PRECISE.index(when.precision) < _PRECISE.index(same.time.precision):
                same.time = when
    # The best-attested events first when there are too many, then in date order.
    events.sort(key=lambda e: -len(e.citations))
    kept = sorted(events[:MAX_EVENTS], key=lambda e: e.date)
    return [{"date": e.date, "text": e.text, "citations": e.citations} for e in kept]
