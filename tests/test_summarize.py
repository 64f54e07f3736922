"""Cited extractive summaries of fictional stories."""

from __future__ import annotations

import numpy as np
import pytest

from fictional import article, pick
from storyline.compare import Comparison, compare
from storyline.compare.align import Claim
from storyline.compare.noise import is_noise
from storyline.enrich import enrich
from storyline.model import Article, Sentence
from storyline.summarize import summarize
from storyline.summarize.compress import compress
from storyline.summarize.concepts import concepts, weights


@pytest.mark.parametrize("prefix", ["gazette|courier", "hollvik", "vote"])
def test_every_summary_sentence_cites_an_exact_quote(corpus: dict[str, Article], prefix: str) -> None:
    articles = [a for p in prefix.split("|") for a in pick(corpus, p)]
    summary = summarize(compare(articles))
    assert summary
    for sentence in summary:
        assert sentence["citations"]
        for citation in sentence["citations"]:
            assert citation["quote"] in corpus[citation["article_id"]].text
        assert sentence["text"] == compress(sentence["citations"][0]["quote"]), "extractive"


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
    assert first["text"] == compress(first["citations"][0]["quote"])
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
        "FILE - In this May 2, 2041, file photo, the mayor of Varnhal speaks to reporters.",
        "VARNHAL, VL - MAY 2: The mayor of Varnhal speaks to reporters at the town hall.",
        "You can unsubscribe at any time.",
        "Please enable JavaScript to watch this video.",
        "This article was originally published on the Varnhal Herald's site.",
        "This story has been corrected to show the bridge's length.",
    ],
)
def test_page_furniture_is_noise(line: str) -> None:
    assert is_noise(line)


def test_a_plain_news_sentence_is_not_noise() -> None:
    assert not is_noise("Engineers closed the Varnhal river bridge on Thursday after finding cracks.")
    assert not is_noise('"We will not take risks with people\'s lives," the mayor said.')
    assert not is_noise("The report was not originally published by the council, the mayor said.")


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


@pytest.mark.parametrize(
    ("sentence", "compressed"),
    [
        ("VARNHAL (Nordwire) — The river bridge closed.", "The river bridge closed."),
        ("VARNHAL, Veland (AP) - Engineers found cracks.", "Engineers found cracks."),
        ("EAST VARNHAL -- Engineers found cracks.", "Engineers found cracks."),
        ("(Nordwire) -- Engineers found cracks.", "Engineers found cracks."),
        ("The span rises 40 metres (131 feet) over the river.", "The span rises 40 metres over the river."),
        ("Senator Ilse Marr (Harbour Party) spoke.", "Senator Ilse Marr spoke."),
    ],
)
def test_compression_drops_datelines_and_asides_in_brackets(sentence: str, compressed: str) -> None:
    assert compress(sentence) == compressed


@pytest.mark.parametrize(
    "sentence",
    [
        "Veland-Nordia talks resumed on Monday.",  # a hyphenated name, not a dateline
        "Trade across the Veland-Nordia border halted, officials said.",  # attribution stays
        '"We will reopen it in spring," the mayor said.',
    ],
)
def test_compression_leaves_other_sentences_word_for_word(sentence: str) -> None:
    assert compress(sentence) == sentence


DATELINED = [
    article(
        "varnhal-wire",
        "Nordwire",
        "2041-09-12",
        "Varnhal bridge closed",
        [
            "VARNHAL, Veland (Nordwire) — Engineers closed the Varnhal river bridge"
            " (the town's only crossing) on Thursday after finding cracks in two of its piers.",
            "The bridge carries 9,000 cars a day across the Vell river.",
            "Mayor Tamsin Orrel said ferries would run every twenty minutes until repairs end.",
        ],
    ),
    article(
        "varnhal-post",
        "Varnhal Post",
        "2041-09-12",
        "Cracks close river bridge",
        [
            "VARNHAL -- The Varnhal river bridge was closed on Thursday after engineers found cracks in two"
            " piers.",
            "About 9,000 cars cross the Vell river on the bridge every day.",
            "Ferries will run every twenty minutes while the piers are repaired, Mayor Tamsin Orrel said.",
        ],
    ),
]


def test_a_compressed_summary_sentence_still_cites_its_full_source_sentence(embedder) -> None:
    enrich(DATELINED, embedder=embedder)
    texts = {a.id: a.text for a in DATELINED}
    summary = summarize(compare(DATELINED), max_words=60)
    compressed = [s for s in summary if s["text"] != s["citations"][0]["quote"]]
    assert compressed, "the opening sentences carry datelines"
    for sentence in summary:
        assert not sentence["text"].startswith("VARNHAL")
        assert "(" not in sentence["text"]
        for citation in sentence["citations"]:
            assert citation["quote"] in texts[citation["article_id"]], "citations stay exact quotes"
    assert sum(len(s["text"].split()) for s in summary) <= 60, "the budget counts compressed words"


def _with_vectors(id_: str, sentences: list[str], vectors: list[list[float]]) -> Article:
    """An article whose sentences carry the given (unit) vectors, as enrichment would set them."""
    text, spans = "", []
    for sentence in sentences:
        start = len(text) + (1 if text else 0)
        text = f"{text} {sentence}" if text else sentence
        spans.append(Sentence(start, start + len(sentence), sentence))
    vectors_ = np.array(vectors, dtype=np.float32)
    vectors_ /= np.linalg.norm(vectors_, axis=1, keepdims=True)
    return Article(id=id_, text=text, sentences=spans, sentence_vectors=vectors_)


def _bridge_story(piers: list[float]) -> tuple[Article, Article]:
    """Two reports of a bridge closure; ``piers``: the vector of the post's sentence on the cracks."""
    herald = _with_vectors(
        "herald",
        [
            "The Varnhal river bridge closed on Thursday after engineers found cracks.",
            "Engineers found cracks in two piers of the Varnhal river bridge on Thursday.",
        ],
        [[1, 0, 0], [0, 0, 1]],
    )
    post = _with_vectors(
        "post",
        [
            "The Varnhal bridge shut on Thursday, cutting the town's only crossing for 9,000 cars a day.",
            "Engineers found cracks in three piers of the Varnhal river bridge on Thursday, the post said.",
        ],
        # A cosine of 0.64 to the herald's opening: far from a repeat by cosine, yet the same fact.
        [[0.64, 0.77, 0], piers],
    )
    return herald, post


def test_a_shared_fact_is_stated_once_citing_every_source() -> None:
    herald, post = _bridge_story([0, 0.05, 1])
    claims = [Claim([(0, 0), (1, 0)])]
    centrality = [np.ones(2), np.ones(2)]
    summary = summarize(Comparison([herald, post], claims, centrality, [0, 1], {}), max_words=200)
    opening = [s for s in summary if s["text"] in (herald.sentences[0].text, post.sentences[0].text)]
    assert len(opening) == 1, "the other source's sentence of the fact is not stated again"
    assert {c["article_id"] for c in opening[0]["citations"]} == {"herald", "post"}


def test_two_sides_of_a_conflict_are_one_flagged_sentence() -> None:
    # The two sentences on the cracks are not near repeats (cosine 0.55): only the conflict joins them.
    herald, post = _bridge_story([0, 0.9, 0.6])
    sides = [(herald, "two piers"), (post, "three piers")]
    conflict = {
        "type": "number",
        "about": "number of piers",
        "claims": [{"article_id": a.id, "quote": a.sentences[1].text, "value": v} for a, v in sides],
    }
    centrality = [np.ones(2), np.ones(2)]
    block = {"conflicts": [conflict]}
    summary = summarize(Comparison([herald, post], [], centrality, [0, 1], block), max_words=200)
    stating = [s for s in summary if "piers" in s["text"]]
    assert len(stating) == 1, "one side only, not both as two plain sentences"
    assert stating[0]["conflicts"] == [conflict], "with the disagreement flagged on it, both values cited"
    assert all(s["conflicts"] == [] for s in summary if s is not stating[0])


def test_a_slot_two_sources_fill_is_stated_once() -> None:
    # The sentences on the cracks are no repeat by cosine (0.55), no claim joins them and no conflict was
    # reported; the slot model aligned their values ("two piers", "three piers"): one of them is stated.
    herald, post = _bridge_story([0, 0.9, 0.6])
    centrality = [np.ones(2), np.ones(2)]
    comparison = Comparison([herald, post], [], centrality, [0, 1], {}, same_slot=[((0, 1), (1, 1), 0.9)])
    stating = [s for s in summarize(comparison, max_words=200) if "piers" in s["text"]]
    assert len(stating) == 1
    alone = Comparison([herald, post], [], centrality, [0, 1], {})
    assert len([s for s in summarize(alone, max_words=200) if "piers" in s["text"]]) == 2


def test_of_two_sentences_adding_nothing_else_the_one_that_stands_for_the_opening_is_chosen() -> None:
    # One source, no word used twice: no concept weighs anything, and centrality is the same for all,
    # so only how much of the story a sentence stands for tells the two candidates apart.
    herald = _with_vectors(
        "herald",
        [
            "The harbour flooded.",  # too short to be chosen, yet part of the story
            "Fishermen moved their boats to the northern quay before dawn.",
            "Water reached the doors of forty homes along Mill Street.",
        ],
        [[1, 0, 0], [0, 1, 0], [1, 0, 0.2]],
    )
    comparison = Comparison([herald], [], [np.ones(3)], [0], {})
    texts = [s["text"] for s in summarize(comparison, max_words=11)]
    assert texts == [herald.sentences[2].text]


def test_a_report_is_preferred_to_an_opinion_piece_saying_as_much() -> None:
    # The same shape of sentence in both, the opinion piece listed first: only the genre tells them apart.
    column = _with_vectors(
        "column", ["Frankly, the harbour wall should have been raised years ago."], [[1, 0]]
    )
    report = _with_vectors("report", ["The harbour wall will be raised by two metres next spring."], [[1, 0]])
    framing = [{"article_id": "column", "genre": "opinion"}, {"article_id": "report", "genre": "report"}]
    comparison = Comparison([column, report], [], [np.ones(1), np.ones(1)], [0, 1], {"framing": framing})
    assert [s["text"] for s in summarize(comparison, max_words=11)] == [report.sentences[0].text]
    # A story told by opinion pieces alone is still summarised from them.
    only = Comparison([column], [], [np.ones(1)], [0], {"framing": framing[:1]})
    assert [s["text"] for s in summarize(only, max_words=11)] == [column.sentences[0].text]


def test_a_quotation_over_two_sentences_is_summarised_whole_with_its_speaker() -> None:
    herald = _with_vectors(
        "herald",
        [
            "Fire crews evacuated the Torvik solvent plant on Monday.",
            '"We had a very good evacuation.',
            'Everyone was out within twenty minutes," said fire chief Rasmus Ekholm.',
        ],
        [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    )
    comparison = Comparison([herald], [], [np.ones(3)], [0], {})
    summary = summarize(comparison, max_words=40)
    quotation = " ".join(s.text for s in herald.sentences[1:])
    assert quotation in [s["text"] for s in summary]
    for sentence in summary:
        assert sentence["text"].count('"') % 2 == 0, f"a fragment of a quotation: {sentence['text']}"
        assert sentence["citations"][0]["quote"] in herald.text
