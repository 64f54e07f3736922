"""Cross-source comparison of fictional stories: shared, unique, conflicts, framing, timeline."""

from __future__ import annotations

from typing import Any

import pytest

from fictional import COURIER_UNIQUE, GAZETTE_TEXT, GAZETTE_UNIQUE, article, pick, quotes_in
from storyline.compare import compare
from storyline.enrich import enrich
from storyline.model import Article


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
