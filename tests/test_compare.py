"""Cross-source comparison of fictional stories: shared, unique, conflicts, framing, timeline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import storyline
from fictional import COURIER_UNIQUE, GAZETTE_TEXT, GAZETTE_UNIQUE, article, pick, quotes_in
from planted import articles_of, planted_stories
from storyline.compare import compare
from storyline.compare.align import RELATED, align, anchored_pairs
from storyline.compare.claims import sentence_claims
from storyline.enrich import enrich
from storyline.enrich.annotate import annotate
from storyline.model import Article, Sentence


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


def test_sentences_whose_values_conflict_are_no_shared_fact(ferry_block: dict[str, Any]) -> None:
    assert ferry_block["conflicts"]
    for conflict in ferry_block["conflicts"]:
        sides = {(c["article_id"], c["quote"]) for c in conflict["claims"]}
        for fact in ferry_block["shared"]:
            cited = {(c["article_id"], c["quote"]) for c in fact["citations"]}
            assert len(sides & cited) < 2, f"{conflict['about']} is cited as shared: {fact['claim']}"


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


def _conflicts(embedder, *texts: str) -> list[dict[str, Any]]:
    articles = [
        article(f"source-{i}", f"Outlet {i}", "2031-06-16", "Vote in Tarrow", text)
        for i, text in enumerate(texts)
    ]
    enrich(articles, embedder=embedder)
    return compare(articles).block["conflicts"]


def test_a_scheduled_event_dated_on_two_different_days_is_a_date_conflict(embedder) -> None:
    found = _conflicts(
        embedder,
        "The Greens won nine seats in the June 4 election to the Tarrow council, results showed on Monday.",
        "Mayor Edda Lind conceded after the council election on Saturday, June 14, cost her party "
        "its majority.",
    )
    assert [(c["type"], c["about"]) for c in found] == [("date", "date of the election")]
    assert {c["value"] for c in found[0]["claims"]} == {"June 4", "Saturday, June 14"}


def test_an_earlier_event_of_the_same_kind_is_not_a_date_conflict(embedder) -> None:
    found = _conflicts(
        embedder,
        "Mayor Edda Lind conceded after the council election on Saturday, June 14.",
        "Turnout was the lowest since the last election on May 2, 2027, officials said.",
    )
    assert found == []


def test_a_place_in_the_same_slot_conflicts_even_beside_other_names(embedder) -> None:
    found = _conflicts(
        embedder,
        "Pilot Aron Vell, 52, landed the damaged plane at an airfield in Kessby late on Friday, "
        "said the airline's spokeswoman, Nina Holt.",
        "Pilot Aron Vell, 52, landed the damaged plane at an airfield in the town of Marrow on Friday "
        "evening, his wife Ilse told reporters.",
    )
    places = [c for c in found if c["type"] == "place"]
    assert len(places) == 1
    assert {c["value"] for c in places[0]["claims"]} == {"Kessby", "Marrow"}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # Two spellings of one name (a transliteration, a typo, two apostrophes) are one person.
        (
            "Police Chief Aron Mullberg said the harbour road would stay closed until Friday.",
            "Police Chief Aron Mulberg said the harbour road would stay closed until Friday.",
        ),
        (
            "The ferry will run on a plan that costs 700 crowns a week, O’Dell said on Tuesday.",
            "The ferry will run on a plan that costs 700 crowns a week, O'Dell said on Tuesday.",
        ),
        # A contraction is not a name.
        (
            "Every day they go to court, I'll be there, said the mother of the Tarrow driver.",
            "Every day they go to court, I'm going to be there, said the mother of the Tarrow driver.",
        ),
        # An abbreviation is the name it shortens.
        (
            "The storm closed a 120-mile stretch of the coast road near Orsk, Vel. on Monday.",
            "The storm closed a 120-mile stretch of the coast road near Orsk, Velmark on Monday.",
        ),
        # One fact told to two outlets: two statements, not one statement naming two places.
        (
            "Tomas Rell has died, according to a statement provided to Radio Tolla.",
            "The publicist of Tomas Rell confirmed his death in a statement to Harbour Ledger.",
        ),
        # Page stamps date the page, not the event.
        ("Published on May 3, 2031", "Published on Dec 29, 2031"),
        # A middle initial and a possessive do not make another holder of the role...
        (
            "The scandal led to the resignation of President Aron M. Vell in the spring.",
            "The scandal led to the resignation of President Vell's cabinet in the spring.",
        ),
        # ... and the presidents of two countries hold two roles.
        (
            "Refugees blamed Tarrow's President Norby for the shelling of the camp.",
            "Before the shelling, North Tarrow's president Oskar called for calm in the camp.",
        ),
        # Close sentences, each with its own year, about two different arrests.
        (
            "In 2027, Tarrow police arrested Vell after complaints from two shops in the old town.",
            "In 2029, the Tarrow sheriff's office arrested Vell on charges of fraud against a bakery.",
        ),
    ],
)
def test_wordings_that_do_not_contradict_are_not_conflicts(embedder, first: str, second: str) -> None:
    # A sentence of its own on each side: two articles that share every sentence would be one copied text.
    found = _conflicts(
        embedder,
        f"{first}\n\nFishing boats stayed in port for most of the week.",
        f"{second}\n\nThe town council meets again in the spring.",
    )
    assert found == []


@pytest.mark.parametrize(
    "aside",
    [
        "The 2027 landslide in the same valley killed 40 people.",  # another year, another event
        "Earlier this year, a rockfall on the pass killed 40 people.",
        "There might have been 40 people killed, a farmer said.",  # a hedge
        "No one was killed in the second slide on Tuesday.",  # nobody: not "one"
        "In a separate slide further up the valley, 40 people were killed.",  # another incident
        "Elsewhere in the valley, floods killed 40 people.",
    ],
)
def test_a_toll_of_another_event_a_hedge_or_nobody_is_not_the_story_toll(embedder, aside: str) -> None:
    found = _conflicts(
        embedder,
        f"Rescuers searched the Tarrow valley road on Monday.\n\n{aside}",
        "The landslide on the Tarrow valley road killed 12 people on Monday.\n\nThe road stays shut.",
    )
    assert found == []


def test_a_toll_beside_nobody_is_still_the_story_toll(embedder) -> None:
    found = _conflicts(
        embedder,
        "No one was killed in the landslide on the Tarrow valley road, but 40 people were injured.\n\n"
        "Rescuers searched the road on Monday.",
        "The landslide on the Tarrow valley road injured 12 people on Monday.\n\nThe road stays shut.",
    )
    assert [(c["type"], c["about"]) for c in found] == [("number", "number of injured")]
    assert {c["value"] for c in found[0]["claims"]} == {"40 people were injured", "injured 12 people"}


def test_a_name_close_in_spelling_to_another_is_still_another_name(embedder) -> None:
    found = _conflicts(
        embedder,
        # Worded so that the entity recogniser finds both names: comparison reads the stored mentions.
        "The insurer Tarrow Mutual said on Monday that it had named Ivo Brask as its new chief executive."
        "\n\nThe post was vacant.",
        "The insurer Tarrow Mutual said on Monday that it had named Ivo Braskin as its new chief executive."
        "\n\nShares rose.",
    )
    assert [{c["value"] for c in f["claims"]} for f in found] == [{"Ivo Brask", "Ivo Braskin"}]


def _one_sentence_article(id_: str, text: str, angle: float) -> Article:
    """An article of one sentence whose vector points ``angle`` degrees round a plane: cosines between
    such articles are the cosines of their angle differences."""
    vector = np.array([[np.cos(np.radians(angle)), np.sin(np.radians(angle))]], dtype=np.float32)
    return Article(
        id=id_, text=text, sentences=[Sentence(0, len(text), text)], sentence_vectors=vector, source=id_
    )


def test_a_shared_fact_does_not_drift_through_a_chain_of_close_sentences() -> None:
    # The statement and the report are close (cos 0.90), the report and the caption too (0.81), and
    # each pair shares a name; but the caption is not even related to the statement, so it must not be
    # cited for it through the report.
    statement = _one_sentence_article("a", "Mayor Ines Vale opened the Harbour Bridge on Monday.", 0)
    report = _one_sentence_article("b", "Ines Vale opened the bridge in a short ceremony.", 25.84)
    caption = _one_sentence_article("c", "Ines Vale, in a red coat, at the ceremony.", 25.84 + 36)
    assert float(statement.sentence_vectors[0] @ caption.sentence_vectors[0]) < RELATED
    articles = [statement, report, caption]
    annotate(articles)
    # The merge rule under test, fed the anchor rule's pairs (cosines and shared names, as set up here).
    claims, _ = align(articles, sentence_claims(articles), anchored_pairs)
    assert [c.members for c in claims] == [[(0, 0), (1, 0)]]


def test_timeline_dates_events_from_the_article_date(ferry_block: dict[str, Any]) -> None:
    dated = {(e["date"], e["citations"][0]["article_id"]) for e in ferry_block["timeline"]}
    # "on Sunday evening" (the capsizing, told by both) is the Sunday before the 2031-05-12 articles.
    assert dated == {("2019-03-03", "gazette"), ("2031-05-11", "gazette"), ("2031-05-11", "courier")}
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
    assert compare([]).block == {
        "shared": [],
        "unique": [],
        "conflicts": [],
        "updates": [],
        "framing": [],
        "timeline": [],
    }


def test_opinion_and_wire_report_get_their_genres(corpus: dict[str, Article]) -> None:
    block = compare([corpus["opinion"], corpus["wire"]]).block
    genres = {f["article_id"]: f["genre"] for f in block["framing"]}
    assert genres == {"opinion": "opinion", "wire": "report"}
    for frame in block["framing"]:
        assert -1.0 <= frame["tone"] <= 1.0


def test_quoted_sources_are_the_people_given_a_voice(corpus: dict[str, Article]) -> None:
    [frame] = compare([corpus["hollvik-1"]]).block["framing"]
    assert frame["quoted_sources"] == ["Oskar Lind"]


# -- hand-written story pairs with planted conflicts (tests/fixtures/compare, dev split) ----------------

# The held-out stories are for bench/conflicts.py --split heldout only.
FIXTURE_STORIES = planted_stories("dev")


@pytest.fixture(scope="module")
def fixture_blocks(embedder) -> dict[str, dict[str, Any]]:
    """The comparison block of each dev fixture story, articles enriched and annotated as in a run."""
    stories = {s["story"]: articles_of(s) for s in FIXTURE_STORIES}
    everything = [a for articles in stories.values() for a in articles]
    enrich(everything, embedder=embedder)
    annotate(everything)
    return {name: compare(articles).block for name, articles in stories.items()}


def _values(conflict: dict[str, Any]) -> list[str]:
    return [c["value"].lower() for c in conflict["claims"]]


def _reports(conflict: dict[str, Any], pair: list[str]) -> bool:
    """The conflict sets the two values against each other (each a part of a reported value)."""
    values = _values(conflict)
    first, second = (p.lower() for p in pair)
    return any(first in x and second in y for x in values for y in values if x != y)


@pytest.mark.parametrize("story", FIXTURE_STORIES, ids=lambda s: s["story"])
def test_planted_conflicts_are_found_with_their_type(
    fixture_blocks: dict[str, dict[str, Any]], story: dict[str, Any]
) -> None:
    found = fixture_blocks[story["story"]]["conflicts"]
    for want in story["gold"]["conflicts"]:
        matching = [c for c in found if _reports(c, want["values"])]
        assert matching, f"{want} not reported; found {[(c['type'], _values(c)) for c in found]}"
        assert matching[0]["type"] == want["type"]
    assert len(found) == len(story["gold"]["conflicts"]), [(c["type"], _values(c)) for c in found]


@pytest.mark.parametrize("story", FIXTURE_STORIES, ids=lambda s: s["story"])
def test_compatible_wordings_are_not_conflicts(
    fixture_blocks: dict[str, dict[str, Any]], story: dict[str, Any]
) -> None:
    for conflict in fixture_blocks[story["story"]]["conflicts"]:
        for pair in story["gold"]["compatible"]:
            assert not _reports(conflict, pair), f"{pair} reported as a {conflict['type']} conflict"


def test_every_conflict_quotes_its_articles_exactly(fixture_blocks: dict[str, dict[str, Any]]) -> None:
    texts = {a["id"]: " ".join(a["sentences"]) for s in FIXTURE_STORIES for a in s["articles"]}
    claims = [
        c for block in fixture_blocks.values() for conflict in block["conflicts"] for c in conflict["claims"]
    ]
    assert claims
    for claim in claims:
        assert claim["quote"] in texts[claim["article_id"]]
        assert claim["value"].lower() in claim["quote"].lower(), "the value is read from its quote"


def test_a_syndicated_copy_does_not_add_a_second_voice_to_a_conflict(
    fixture_blocks: dict[str, dict[str, Any]],
) -> None:
    cited = {
        c["article_id"]
        for conflict in fixture_blocks["nordmark-election"]["conflicts"]
        for c in conflict["claims"]
    }
    assert cited == {"vote-wire", "vote-star"}


# -- the reference pair: ../shared/samples/seed-pair ------------------------------------------------------


@pytest.fixture(scope="module")
def seed_story(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = shared_dir / "samples" / "seed-pair"
    if not folder.is_dir():
        pytest.skip(f"no seed pair at {folder}")
    out = tmp_path_factory.mktemp("seed-compare") / "out"
    result = storyline("run", folder, "--out", out)
    assert result.exit_code == 0, result.explain()
    [story] = json.loads((out / "stories.json").read_text(encoding="utf-8"))["stories"]
    return story


def _ids(story: dict[str, Any]) -> dict[str, str]:
    return {a["source"]: a["id"] for a in story["articles"]}


@pytest.mark.slow
@pytest.mark.parametrize(
    "fact", ["Jo Song Gil", "ambassador to Italy", "wife", "November", "asylum", "Thae Yong Ho"]
)
def test_seed_pair_shares_the_core_facts_citing_both_outlets(seed_story: dict[str, Any], fact: str) -> None:
    both = set(_ids(seed_story).values())
    citing_both = [f for f in seed_story["shared"] if {c["article_id"] for c in f["citations"]} == both]
    assert any(fact.lower() in " ".join(c["quote"] for c in f["citations"]).lower() for f in citing_both), (
        fact
    )


@pytest.mark.slow
def test_seed_pair_has_facts_unique_to_each_outlet(seed_story: dict[str, Any]) -> None:
    ids = _ids(seed_story)
    unique_to = {u["citations"][0]["article_id"] for u in seed_story["unique"]}
    assert unique_to == {ids["Dong-A Ilbo"], ids["Hot Air"]}


@pytest.mark.slow
def test_seed_pair_november_last_year_and_early_november_do_not_conflict(seed_story: dict[str, Any]) -> None:
    assert [c for c in seed_story["conflicts"] if c["type"] == "date"] == []


@pytest.mark.slow
def test_seed_pair_dong_a_editorial_is_opinion(seed_story: dict[str, Any]) -> None:
    genres = {f["article_id"]: f["genre"] for f in seed_story["framing"]}
    assert genres[_ids(seed_story)["Dong-A Ilbo"]] == "opinion"


# -- what cannot be one slot, or is compatible: written for the general case ---------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # a round number keeping two significant digits is the other rounded
        ("Organisers said 31,450 runners finished the race.", "This year 31,000 runners finished the race."),
        # a share and a bare sum measure different things
        ("The offer is a premium of 35 percent per share.", "The offer is worth 4.65 per share."),
        # a part of a total, and an increment, are not the total
        ("Seventeen people were taken to hospital.", "One of three people taken to hospital was a child."),
        (
            "Rescuers pulled 14 bodies from the rubble on Sunday.",
            "Rescuers pulled five more bodies from the rubble on Sunday.",
        ),
    ],
)
def test_numbers_that_cannot_contradict_are_no_conflict(embedder, first: str, second: str) -> None:
    assert _conflicts(embedder, first, second) == []


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Organisers said 31,450 runners finished the race.", "Organisers said 34,000 runners finished."),
        ("A crowd of 1,400 people watched the race.", "A crowd of 1,000 people watched the race."),
    ],
)
def test_rounding_does_not_excuse_another_count(first: str, second: str) -> None:
    from storyline.compare.claims import Value
    from storyline.compare.slots import compatible_numbers

    def count(text: str) -> Value:
        number = next(w for w in text.replace(",", "").split() if w.isdigit())
        return Value("number", number, 0, len(number), float(number), "runners")

    assert not compatible_numbers(count(first), count(second))


def test_number_words_of_fractions_and_vague_plurals_count_nothing() -> None:
    from storyline.enrich.values import numbers

    read = [
        n.text
        for n in numbers(
            "Tens of thousands were stranded, hundreds of flights cancelled and two-thirds of the "
            "8.1 million voters stayed home, while twenty-five towns joined a two-week strike."
        )
    ]
    assert read == ["8.1 million", "twenty-five", "two-week"]


@pytest.mark.parametrize(
    ("early", "late", "update"),
    [
        (("Two people died.", 2, "people", None), ("Four people died.", 4, "people", None), True),
        # a measure is no running count: a later, different one contradicts the first
        (("It weighs 96 kg.", 96, "kg", "kg"), ("It weighs 110 kg.", 110, "kg", "kg"), False),
        (("A 6.1 quake hit.", 6.1, "magnitude", None), ("A 6.4 quake hit.", 6.4, "magnitude", None), False),
        (("Prices rose 9%.", 9, "%", "%"), ("Prices rose 11%.", 11, "%", "%"), False),
    ],
)
def test_only_a_running_count_raised_later_is_an_update(early: tuple, late: tuple, update: bool) -> None:
    from storyline.compare.claims import SentenceClaims, Value
    from storyline.compare.slots import Pair, is_update

    articles = [
        Article(id=f"a{n}", text=text, source=f"S{n}", published=stamp, language="en")
        for n, (text, stamp) in enumerate(
            ((early[0], "2031-05-01T06:00:00Z"), (late[0], "2031-05-01T18:00:00Z"))
        )
    ]
    sides = []
    for n, (text, number, noun, unit) in enumerate((early, late)):
        value = Value("number", str(number), 0, 1, float(number), noun, unit=unit)
        sides.append((SentenceClaims(n, 0, text, [value]), value))
    (a, x), (b, y) = sides
    assert is_update(Pair(a, b, x, y, np.zeros(1)), articles) is update


def test_ages_of_two_named_people_are_no_conflict(embedder) -> None:
    found = _conflicts(
        embedder,
        "The ferry's captain, Jonas Pell, 58, was on the bridge when the fire broke out.",
        "The ferry's first officer, Tobias Rennart, 63, was on the bridge when the fire broke out.",
    )
    assert [c for c in found if c["type"] == "age"] == []


@pytest.mark.parametrize(
    ("holders", "compatible"),
    [(("Pell", "Rennart"), True), (("Dalby", "Dalby"), False), (("driver", "man"), False)],
)
def test_two_ages_are_two_people_only_when_both_are_named_differently(
    holders: tuple, compatible: bool
) -> None:
    from storyline.compare.claims import SentenceClaims, Value
    from storyline.compare.slots import Pair, compatible_values

    sides = []
    for n, (who, age) in enumerate(zip(holders, (61, 66), strict=True)):
        value = Value("age", str(age), 0, 2, float(age), "age", unit="years", holder=who)
        sides.append((SentenceClaims(n, 0, f"{who}, {age}, spoke.", [value]), value))
    (a, x), (b, y) = sides
    assert compatible_values(Pair(a, b, x, y, np.zeros(1)), []) is compatible
