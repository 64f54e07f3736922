"""Cited extractive summaries of fictional stories."""

from __future__ import annotations

import pytest

from fictional import pick
from storyline.compare import compare
from storyline.model import Article
from storyline.summarize import summarize
from storyline.summarize.concepts import concepts, weights
from storyline.summarize.noise import is_noise


@pytest.mark.parametrize("prefix", ["gazette|courier", "hollvik", "vote"])
def test_every_summary_sentence_cites_an_exact_quote(corpus: dict[str, Article], prefix: str) -> None:
    articles = [a for p in prefix.split("|") for a in pick(corpus, p)]
    summary = summarize(compare(articles))
    assert summary
    for sentence in summary:
        assert sentence["citations"]
        for citation in sentence["citations"]:
            assert citation["quote"] in corpus[citation["article_id"]].text
        assert sentence["text"] in {c["quote"] for c in sentence["citations"]}, "extractive"


@pytest.mark.parametrize("max_words", [12, 25, 40, 120])
def test_summary_respects_the_word_budget(corpus: dict[str, Article], max_words: int) -> None:
    summary = summarize(compare(pick(corpus, "dunmere")), max_words=max_words)
    assert sum(len(s["text"].split()) for s in summary) <= max_words
    assert summary, "a 12-word budget still fits one sentence"


def test_summary_has_no_repeated_sentences(corpus: dict[str, Article]) -> None:
    articles = pick(corpus, "hollvik") + pick(corpus, "dunmere")
    texts = [s["text"] for s in summarize(compare(articles), max_words=400)]
    assert len(texts) >= 3
    assert len(texts) == len(set(texts))


def test_summary_puts_a_fact_shared_by_both_sources_first(corpus: dict[str, Article]) -> None:
    summary = summarize(compare([corpus["gazette"], corpus["courier"]]))
    assert {c["article_id"] for c in summary[0]["citations"]} == {"gazette", "courier"}


def test_a_shared_fact_quotes_itself_first_and_cites_each_source_once(corpus: dict[str, Article]) -> None:
    summary = summarize(compare([corpus["gazette"], corpus["courier"]]))
    first = summary[0]
    assert first["citations"][0]["quote"] == first["text"]
    ids = [c["article_id"] for c in first["citations"]]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    "line",
    [
        "(Photo: Tamsin Orrel / Varnhal Herald)",
        "Read more: https://varnhal-herald.example/bridge",
        "BREAKING: BRIDGE CLOSED IN VARNHAL",
        "Bridge closed after cracks found",  # a headline: no closing full stop
        "Will the bridge reopen before winter?",
        "Published on Sep 12, 2042.",
        "and then the council met again.",  # a fragment cut from its sentence
    ],
)
def test_page_furniture_is_noise(line: str) -> None:
    assert is_noise(line)


def test_a_plain_news_sentence_is_not_noise() -> None:
    assert not is_noise("Engineers closed the Varnhal river bridge on Thursday after finding cracks.")
    assert not is_noise('"We will not take risks with people\'s lives," the mayor said.')


def test_a_concept_weighs_the_number_of_sources_using_it_less_one() -> None:
    found = [
        concepts("The Varnhal bridge closed."),
        concepts("Engineers closed the Varnhal bridge."),
        concepts("The ferry to Varnhal runs hourly."),
    ]
    weight = weights(found, ["herald", "post", "post"])
    assert weight["varnhal"] == 1, "two sources, however many sentences"
    assert weight[("varnhal", "bridge")] == 1
    assert "ferry" not in weight, "what one source says alone weighs nothing"
    assert "the" not in weight, "stop words are no concepts"
