"""The story timeline: dated events in order, placed from weekdays and relative dates, one entry per event."""

from __future__ import annotations

from fictional import article
from storyline.compare.timeline import timeline
from storyline.enrich import enrich
from storyline.enrich.annotate import annotate
from storyline.model import Article

# Fictional reports of a bridge closure in the invented town of Varnhal; 2042-09-12 is a Friday.
HERALD = [
    "Engineers closed the Varnhal river bridge on Thursday after finding cracks in its main girder.",
    "The council said repairs would take at least six weeks.",
    "The bridge was last inspected on March 4, 2040 and passed without remarks.",
]
POST = [
    "The Varnhal river bridge was closed by engineers on Thursday after cracks were found in a girder.",
    "Two days later, ferries began carrying commuters across the river.",
    "Residents first reported a loud crack from the bridge last week.",
]


def _story(embedder) -> list[Article]:
    articles = [
        article("herald", "Varnhal Herald", "2042-09-12", "Bridge closed", HERALD),
        article("post", "Riverside Post", "2042-09-12", "Cracks close bridge", POST),
    ]
    enrich(articles, embedder=embedder)
    return articles


def test_weekdays_and_relative_dates_are_placed_against_the_article_date(embedder) -> None:
    events = {e["text"]: e["date"] for e in timeline(_story(embedder))}
    assert events[HERALD[0]] == "2042-09-11", "Thursday before Friday 12 September"
    assert events[POST[1]] == "2042-09-13", "two days after the Thursday"
    assert events[POST[2]] == "2042-09", "last week, shown as its month"
    assert events[HERALD[2]] == "2040-03-04"


def test_one_event_told_by_two_sources_is_one_entry_citing_both(embedder) -> None:
    closures = [e for e in timeline(_story(embedder)) if "closed" in e["text"]]
    assert len(closures) == 1
    assert {c["article_id"] for c in closures[0]["citations"]} == {"herald", "post"}
    assert {c["quote"] for c in closures[0]["citations"]} == {HERALD[0], POST[0]}


def test_events_are_in_date_order_and_quote_their_articles_exactly(embedder) -> None:
    articles = _story(embedder)
    texts = {a.id: a.text for a in articles}
    events = timeline(articles)
    assert [e["date"] for e in events] == sorted(e["date"] for e in events)
    for event in events:
        assert event["citations"]
        for citation in event["citations"]:
            assert citation["quote"] in texts[citation["article_id"]]


def test_a_sentence_without_a_time_or_with_an_undated_article_is_no_event(embedder) -> None:
    undated = article("undated", "Varnhal Herald", "", "Bridge", "Engineers closed the bridge on Thursday.")
    enrich([undated], embedder=embedder)
    assert timeline([undated]) == []
    assert all(e["text"] != HERALD[1] for e in timeline(_story(embedder)))


def test_embedded_posts_and_photo_captions_are_no_events(embedder) -> None:
    furniture = [
        "— Varnhal Council (@varnhalcouncil) September 11, 2042",
        "Hide Caption 3 of 12 Photos: The bridge on September 11, 2042.",
        "Published on Sep 12, 2042",
    ]
    page = article("page", "Varnhal Herald", "2042-09-12", "Bridge closed", [HERALD[0], *furniture])
    enrich([page], embedder=embedder)
    assert [e["text"] for e in timeline([page])] == [HERALD[0]]


def test_annotated_time_mentions_date_the_same_events(embedder) -> None:
    plain, annotated = _story(embedder), _story(embedder)
    annotate(annotated)
    assert any(m.kind == "time" for a in annotated for m in a.mentions)
    assert timeline(annotated) == timeline(plain)
