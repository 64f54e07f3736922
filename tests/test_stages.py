"""The analysis stages on small fictional corpora: clustering, comparison, summaries and similarity.

Articles are enriched with the real MiniLM embedder (loaded once per process).
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from storyline.cluster import cluster_articles, make_story, story_id
from storyline.compare import compare
from storyline.enrich import default_embedder, enrich
from storyline.model import Article
from storyline.similarity import DIMENSIONS, score_pair
from storyline.summarize import summarize


def article(id_: str, source: str, published: str, title: str, text: str | list[str]) -> Article:
    """An article; ``text`` may be given as a list of sentences."""
    if isinstance(text, list):
        text = " ".join(text)
    return Article(id=id_, source=source, published=published, title=title, text=text)


def hollvik_fire() -> list[Article]:
    """A timber-yard fire in Hollvik, early March."""
    return [
        article(
            "hollvik-1",
            "North Herald",
            "2031-03-02",
            "Fire destroys timber yard in Hollvik",
            [
                "A fire destroyed the Bergstrand timber yard in Hollvik on Saturday night.",
                "Firefighters from Hollvik and two neighbouring villages fought the blaze for nine hours.",
                "Fire chief Oskar Lind said the flames spread quickly through stacks of dry pine.",
                "No one was injured, but the yard's owner estimated the damage at 4 million crowns.",
            ],
        ),
        article(
            "hollvik-2",
            "Coast Daily",
            "2031-03-02",
            "Hollvik timber yard burns overnight",
            [
                "The Bergstrand timber yard in Hollvik burned down overnight on Saturday.",
                "Fire chief Oskar Lind said crews battled the flames until dawn.",
                "Residents of Hollvik were told to keep windows closed because of the smoke.",
                "Police are investigating the cause of the fire.",
            ],
        ),
        article(
            "hollvik-3",
            "Valley Tribune",
            "2031-03-03",
            "Police probe cause of Hollvik yard fire",
            [
                "Police in Hollvik are investigating what started "
                "Saturday's fire at the Bergstrand timber yard.",
                "The blaze took nine hours to put out, fire chief Oskar Lind said.",
                "The yard employed 25 workers, who will be paid while it is rebuilt.",
            ],
        ),
        article(
            "hollvik-4",
            "Radio Nord",
            "2031-03-04",
            "Hollvik yard owner vows to rebuild after fire",
            [
                "The owner of the Bergstrand timber yard in Hollvik said on "
                "Monday he would rebuild after Saturday's fire.",
                "Fire chief Oskar Lind said stacks of dry pine fed the flames.",
                "The yard's 25 workers met the owner on Monday.",
            ],
        ),
    ]


def dunmere_fire() -> list[Article]:
    """A school fire in Dunmere, a month after the Hollvik fire."""
    return [
        article(
            "dunmere-1",
            "North Herald",
            "2031-04-05",
            "Blaze guts school in Dunmere",
            [
                "A blaze gutted the Saint Elin primary school in Dunmere early on Friday.",
                "The school was empty when the fire broke out in the kitchen, headteacher Greta Sund said.",
                "About 300 pupils will be taught in the town hall from next week.",
            ],
        ),
        article(
            "dunmere-2",
            "Coast Daily",
            "2031-04-05",
            "Dunmere school destroyed by kitchen fire",
            [
                "Fire destroyed Saint Elin primary school in Dunmere on Friday morning.",
                "Headteacher Greta Sund said the fire started in the school kitchen before dawn.",
                "The 300 pupils will move to the Dunmere town hall.",
            ],
        ),
        article(
            "dunmere-3",
            "Valley Tribune",
            "2031-04-06",
            "Dunmere pupils move to town hall after school fire",
            [
                "Pupils of the burned Saint Elin school in Dunmere will "
                "start lessons in the town hall on Monday.",
                "Headteacher Greta Sund thanked firefighters and parents.",
                "Investigators believe a faulty oven in the kitchen caused the fire.",
            ],
        ),
        article(
            "dunmere-4",
            "Radio Nord",
            "2031-04-07",
            "Faulty oven blamed for Dunmere school fire",
            [
                "A faulty oven in the kitchen caused the fire that destroyed Saint "
                "Elin school in Dunmere, investigators said on Sunday.",
                "Headteacher Greta Sund said lessons for the 300 pupils would resume in the town hall.",
            ],
        ),
    ]


def kessel_election() -> list[Article]:
    return [
        article(
            "vote-1",
            "North Herald",
            "2031-03-20",
            "Greens win Kessel mayoral election",
            [
                "Ingrid Haug of the Green Party won the Kessel mayoral "
                "election on Sunday with 54 percent of the vote.",
                "Turnout was 61 percent, the election board said.",
                "Haug promised to expand the tram network.",
            ],
        ),
        article(
            "vote-2",
            "Coast Daily",
            "2031-03-20",
            "Haug elected mayor of Kessel",
            [
                "Green candidate Ingrid Haug was elected mayor of Kessel, "
                "winning 54 percent of the vote on Sunday.",
                "Her rival Per Vik conceded defeat late in the evening.",
                "Haug said her first task would be the tram network.",
            ],
        ),
        article(
            "vote-3",
            "Valley Tribune",
            "2031-03-21",
            "Kessel's new mayor sets out tram plans",
            [
                "Kessel's newly elected mayor Ingrid Haug set out plans on "
                "Monday to extend the tram network to the harbour.",
                "Haug won Sunday's election with 54 percent against Per Vik.",
            ],
        ),
        article(
            "vote-4",
            "Radio Nord",
            "2031-03-22",
            "Per Vik accepts defeat in Kessel vote",
            [
                "Per Vik said on Tuesday he accepted his defeat in the Kessel "
                "mayoral election and would stay on the city council.",
                "Ingrid Haug of the Greens won with 54 percent of the vote.",
            ],
        ),
    ]


GAZETTE_TEXT = (
    "A passenger ferry capsized off the island of Skarholm on Sunday evening. "
    "The coast guard said 12 people died when the ferry capsized. "
    "Captain Henrik Dalby, 61, was rescued from the water and taken to hospital. "
    "The storm forced about 2,000 residents of Skarholm to leave their homes. "
    "Nordlink bought the vessel from a Danish shipyard on March 3, 2019 for 30 million crowns."
)
COURIER_TEXT = (
    "A passenger ferry capsized near Skarholm island on Sunday evening during a storm. "
    "The coast guard said 14 people died when the ferry capsized. "
    "Captain Henrik Dalby, 66, survived and was taken to hospital. "
    "The storm forced 2,100 people in Skarholm to leave their homes. "
    "Divers from the navy began searching the wreck for the ship's data recorder on May 11."
)
GAZETTE_UNIQUE = "Nordlink bought the vessel from a Danish shipyard on March 3, 2019 for 30 million crowns."
COURIER_UNIQUE = "Divers from the navy began searching the wreck for the ship's data recorder on May 11."

OPINION_TEXT = (
    "We should stop pretending that the island ferries are safe. The operator has failed the islanders "
    "for years, and the ministry must finally act. It is shameful that passengers still board vessels older "
    "than their grandparents. Surely our coast deserves better than excuses? We have to demand a public "
    "inquiry now."
)
WIRE_TEXT = (
    "The coast guard said on Monday that the search for survivors of the Skarholm ferry had ended. "
    "According to police, the ferry carried 48 passengers. Nordlink confirmed that all crossings were "
    "suspended. A navy spokesman told reporters that divers had reached the wreck."
)


def ferry_reports() -> list[Article]:
    return [
        article("gazette", "Harbour Gazette", "2031-05-12", "Ferry capsizes off Skarholm", GAZETTE_TEXT),
        article(
            "courier", "Island Courier", "2031-05-12", "Deadly ferry accident near Skarholm", COURIER_TEXT
        ),
    ]


@pytest.fixture(scope="module")
def embedder():
    return default_embedder()


@pytest.fixture(scope="module")
def corpus(embedder) -> dict[str, Article]:
    """Every fictional article of this module, enriched once."""
    articles = [
        *hollvik_fire(),
        *dunmere_fire(),
        *kessel_election(),
        *ferry_reports(),
        article("opinion", "Island Voice", "2031-05-13", "Time to act on island safety", OPINION_TEXT),
        article("wire", "Nordic Wire", "2031-05-13", "Skarholm ferry search ends", WIRE_TEXT),
    ]
    enrich(articles, embedder=embedder)
    return {a.id: a for a in articles}


def pick(corpus: dict[str, Article], prefix: str) -> list[Article]:
    return [a for a in corpus.values() if a.id.startswith(prefix)]


def quotes_in(block: Any) -> list[dict[str, str]]:
    """Every {article_id, quote} found anywhere in a nested output block."""
    if isinstance(block, dict):
        found = [block] if "quote" in block and "article_id" in block else []
        return found + [q for value in block.values() for q in quotes_in(value)]
    if isinstance(block, list):
        return [q for item in block for q in quotes_in(item)]
    return []


# -- clustering -----------------------------------------------------------------------------------


def test_separate_events_end_in_separate_clusters(corpus: dict[str, Article]) -> None:
    articles = pick(corpus, "hollvik") + pick(corpus, "dunmere") + pick(corpus, "vote")
    random.Random(3).shuffle(articles)
    groups = cluster_articles(articles)
    assert sorted(sorted(a.id for a in g) for g in groups) == [
        ["dunmere-1", "dunmere-2", "dunmere-3", "dunmere-4"],
        ["hollvik-1", "hollvik-2", "hollvik-3", "hollvik-4"],
        ["vote-1", "vote-2", "vote-3", "vote-4"],
    ]


def test_clustering_trivial_inputs(corpus: dict[str, Article]) -> None:
    assert cluster_articles([]) == []
    only = corpus["vote-1"]
    assert cluster_articles([only]) == [[only]]


def test_story_id_is_stable_when_a_later_article_joins(corpus: dict[str, Article]) -> None:
    fire = pick(corpus, "hollvik")
    [first] = cluster_articles(fire[:3])
    [grown] = cluster_articles(fire)
    assert len(grown) == 4
    assert story_id(first) == story_id(grown) == story_id([corpus["hollvik-1"]])
    assert story_id(first).startswith("s-")
    assert story_id(pick(corpus, "dunmere")) != story_id(fire)


def test_make_story_orders_members_and_spans_their_dates(corpus: dict[str, Article]) -> None:
    fire = pick(corpus, "dunmere")
    story = make_story(list(reversed(fire)))
    assert story.article_ids == ["dunmere-1", "dunmere-2", "dunmere-3", "dunmere-4"]
    assert story.time_span == {"start": "2031-04-05", "end": "2031-04-07"}
    assert story.source_count == 4
    assert story.title in {a.title for a in fire}


# -- comparison -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ferry_block(corpus: dict[str, Article]) -> dict[str, Any]:
    return compare([corpus["gazette"], corpus["courier"]]).block


def test_shared_facts_cite_both_sources(ferry_block: dict[str, Any]) -> None:
    assert ferry_block["shared"], "the two reports share facts"
    for fact in ferry_block["shared"]:
        assert {c["article_id"] for c in fact["citations"]} == {"gazette", "courier"}
    capsized = [f for f in ferry_block["shared"] if "capsized" in f["claim"] and "Sunday" in f["claim"]]
    assert len(capsized) == 1
    assert {c["quote"] for c in capsized[0]["citations"]} == {
        "A passenger ferry capsized off the island of Skarholm on Sunday evening.",
        "A passenger ferry capsized near Skarholm island on Sunday evening during a storm.",
    }


def test_each_source_has_its_own_unique_fact(ferry_block: dict[str, Any]) -> None:
    unique = {(u["citations"][0]["article_id"], u["claim"]) for u in ferry_block["unique"]}
    assert unique == {("gazette", GAZETTE_UNIQUE), ("courier", COURIER_UNIQUE)}
    assert all(len(u["citations"]) == 1 for u in ferry_block["unique"])


def test_number_and_age_disagreements_are_conflicts(ferry_block: dict[str, Any]) -> None:
    by_type = {c["type"]: c for c in ferry_block["conflicts"]}
    assert set(by_type) == {"number", "age"}, "2,000 vs 2,100 is not among them"

    number = by_type["number"]
    assert number["about"] == "number of dead"
    values = {c["article_id"]: c["value"] for c in number["claims"]}
    assert values["gazette"].startswith("12 people") and values["courier"].startswith("14 people")
    age = by_type["age"]
    assert age["about"] == "age of Dalby"
    ages = {c["article_id"]: c["value"] for c in age["claims"]}
    assert ages["gazette"].endswith("61") and ages["courier"].endswith("66")


def test_approximate_and_exact_close_counts_are_compatible(ferry_block: dict[str, Any]) -> None:
    values = " ".join(c["value"] for conflict in ferry_block["conflicts"] for c in conflict["claims"])
    assert "2,000" not in values and "2,100" not in values
    residents = [f for f in ferry_block["shared"] if "leave their homes" in f["claim"]]
    assert len(residents) == 1, "the evacuation is one shared fact, told in two wordings"


def test_a_lower_bound_is_compatible_with_a_higher_count(embedder) -> None:
    early = article("early", "A", "2031-05-12", "Ferry", "The coast guard said at least 12 people died.")
    later = article("later", "B", "2031-05-12", "Ferry", "The coast guard said 14 people died.")
    enrich([early, later], embedder=embedder)
    assert compare([early, later]).block["conflicts"] == []


def test_timeline_dates_events_from_the_article_date(ferry_block: dict[str, Any]) -> None:
    dated = {(e["date"], e["citations"][0]["article_id"]) for e in ferry_block["timeline"]}
    assert dated == {("2019-03-03", "gazette"), ("2031-05-11", "courier")}
    assert [e["date"] for e in ferry_block["timeline"]] == sorted(e["date"] for e in ferry_block["timeline"])


def test_every_quote_in_the_comparison_is_an_exact_span_of_its_article(
    corpus: dict[str, Article], ferry_block: dict[str, Any]
) -> None:
    blocks = [ferry_block, compare(pick(corpus, "hollvik")).block, compare(pick(corpus, "vote")).block]
    quotes = [q for block in blocks for q in quotes_in(block)]
    assert len(quotes) >= 10
    for q in quotes:
        assert q["quote"] and q["quote"] in corpus[q["article_id"]].text, q


def test_a_single_source_has_no_unique_facts_and_no_conflicts(corpus: dict[str, Article]) -> None:
    block = compare([corpus["gazette"]]).block
    assert block["shared"] == [] and block["unique"] == [] and block["conflicts"] == []
    assert [f["article_id"] for f in block["framing"]] == ["gazette"]


def test_a_syndicated_copy_is_not_an_independent_source(corpus: dict[str, Article], embedder) -> None:
    copy = article("copy", "Other Masthead", "2031-05-12", "Ferry capsizes", GAZETTE_TEXT)
    enrich([copy], embedder=embedder)
    block = compare([corpus["gazette"], copy]).block
    assert block["shared"] == [] and block["conflicts"] == []


def test_compare_of_nothing_is_empty() -> None:
    assert compare([]).block == {"shared": [], "unique": [], "conflicts": [], "framing": [], "timeline": []}


def test_opinion_and_wire_report_get_their_genres(corpus: dict[str, Article]) -> None:
    block = compare([corpus["opinion"], corpus["wire"]]).block
    genres = {f["article_id"]: f["genre"] for f in block["framing"]}
    assert genres == {"opinion": "opinion", "wire": "report"}
    for frame in block["framing"]:
        assert -1.0 <= frame["tone"] <= 1.0


def test_quoted_sources_are_the_people_given_a_voice(corpus: dict[str, Article]) -> None:
    [frame] = compare([corpus["hollvik-1"]]).block["framing"]
    assert frame["quoted_sources"] == ["Oskar Lind"]


# -- summaries ------------------------------------------------------------------------------------


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


# -- similarity -----------------------------------------------------------------------------------


def test_identical_articles_are_maximally_similar(corpus: dict[str, Article], embedder) -> None:
    original = corpus["hollvik-1"]
    twin = article("twin", "Other", original.published, original.title, original.text)
    enrich([twin], embedder=embedder)
    result = score_pair(original, twin)
    assert set(result.scores) == set(DIMENSIONS)
    assert result.scores == dict.fromkeys(DIMENSIONS, 1.0)
    assert result.only_first == [] and result.only_second == []


def test_unrelated_articles_are_very_dissimilar_overall(corpus: dict[str, Article]) -> None:
    scores = score_pair(corpus["hollvik-1"], corpus["vote-1"]).scores
    assert scores["overall"] >= 3.0
    assert scores["entities"] >= 3.0
    assert scores["narrative"] >= 3.0


def test_reports_of_one_event_are_similar_overall(corpus: dict[str, Article]) -> None:
    result = score_pair(corpus["hollvik-1"], corpus["hollvik-2"])
    assert result.scores["overall"] <= 2.0
    assert "oskar lind" in result.shared_names


@pytest.mark.parametrize(
    ("first", "second"),
    [("hollvik-1", "vote-1"), ("hollvik-1", "hollvik-3"), ("gazette", "courier"), ("opinion", "wire")],
)
def test_scores_are_symmetric_and_within_the_scale(
    corpus: dict[str, Article], first: str, second: str
) -> None:
    forward = score_pair(corpus[first], corpus[second]).scores
    backward = score_pair(corpus[second], corpus[first]).scores
    for dim in DIMENSIONS:
        assert 1.0 <= forward[dim] <= 4.0
        assert abs(forward[dim] - backward[dim]) <= 0.01, dim


def test_events_a_month_apart_are_not_close_in_time(corpus: dict[str, Article]) -> None:
    scores = score_pair(corpus["hollvik-1"], corpus["dunmere-1"]).scores
    assert scores["time"] >= 2.5
