"""Cited extractive summaries of fictional stories."""

from __future__ import annotations

import pytest

from fictional import pick
from storyline.compare import compare
from storyline.model import Article
from storyline.summarize import summarize


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
