"""Quantities: counts and what they count, money, percentages, points, speeds, distances, ordinals, ages."""

from __future__ import annotations

import pytest

from storyline.enrich.mentions import ages, ordinals, quantities


def one(sentence: str, **kwargs: bool):
    [q] = quantities(sentence, **kwargs)
    return q


def test_people_killed_are_counted_as_dead() -> None:
    q = one("Nine people were killed when the footbridge at Aldervik collapsed.")
    assert (q.value, q.noun, q.kind) == (9.0, "dead", "count")


@pytest.mark.parametrize(
    ("sentence", "value", "noun"),
    [
        ("The landslide left 23 injured.", 23.0, "injured"),
        ("Four fishermen remain missing.", 4.0, "missing"),
        ("The flood displaced 300 residents.", 300.0, "people"),
        ("The flood displaced 300 persons.", 300.0, "people"),
        ("Two hundred people were evacuated.", 200.0, "people"),
        ("The blast shook the port, killing 6 workers.", 6.0, "dead"),
    ],
)
def test_toll_nouns_are_normalised(sentence: str, value: float, noun: str) -> None:
    q = one(sentence)
    assert (q.value, q.noun) == (value, noun)


@pytest.mark.parametrize(
    "sentence",
    [
        "No one was killed when the grain silo at Sandvik collapsed.",
        "The crane fell on Friday, but no one was hurt.",
        "No-one was injured in the blaze at the Orrby depot.",
        "Not one passenger was injured when the ferry struck the pier.",
    ],
)
def test_nobody_is_not_a_count_of_one(sentence: str) -> None:
    assert quantities(sentence) == []


def test_a_toll_beside_nobody_is_still_counted() -> None:
    q = one("No one was killed, but 14 people were injured at the Sandvik silo.")
    assert (q.value, q.noun) == (14.0, "injured")


def test_one_after_a_word_ending_in_no_is_still_one() -> None:
    q = one("At the Tarno casino one worker was killed.")
    assert (q.value, q.noun) == (1.0, "dead")


@pytest.mark.parametrize(
    "sentence",
    [
        "Eight people including three children were injured when the Orrby depot caught fire.",
        "Eight people, among them three children, were injured at the Orrby depot.",
        "Eight people were injured at the Orrby depot, including three children.",
    ],
)
def test_the_toll_is_the_whole_not_the_subset_it_includes(sentence: str) -> None:
    found = quantities(sentence)
    assert [(q.value, q.noun) for q in found] == [(8.0, "injured"), (3.0, "people")]


@pytest.mark.parametrize(
    ("sentence", "subsets"),
    [
        ("Twelve people, among them four children and two teachers, died in the Orrby fire.", [4.0]),
        ("Twelve people, among them four children and two workers, have died at the depot.", [4.0, 2.0]),
    ],
)
def test_the_toll_is_the_whole_after_an_aside_listing_several_subsets(
    sentence: str, subsets: list[float]
) -> None:
    found = [(q.value, q.noun) for q in quantities(sentence)]
    assert found == [(12.0, "dead")] + [(n, "people") for n in subsets]


def test_a_partitive_without_a_number_is_not_a_count() -> None:
    assert quantities("Five of the injured were taken to Lerby hospital.") == []


def test_part_of_a_whole_counts_the_part() -> None:
    q = one("The Rural Party won 27 of the 61 seats.")
    assert (q.value, q.noun) == (27.0, "seats")


def test_approximate_and_bounded_counts() -> None:
    about = one("About 1,500 residents fled the valley.")
    assert (about.value, about.approximate, about.bound) == (1500.0, True, None)
    least = one("At least 14 dead after the avalanche.")
    assert (least.value, least.approximate, least.bound) == (14.0, False, "lower")


@pytest.mark.parametrize(
    ("sentence", "value", "currency", "noun"),
    [
        ("The repairs will cost €4.5 million.", 4_500_000.0, "EUR", "euros"),
        ("The repairs will cost 4.5 million euros.", 4_500_000.0, "EUR", "euros"),
        ("The club paid $12m for the striker.", 12_000_000.0, "USD", "dollars"),
        ("The fine was £300,000.", 300_000.0, "GBP", "pounds"),
        ("The yard owner put the damage at 4 million crowns.", 4_000_000.0, "crown", "crowns"),
        ("The grant is worth 20 million Swedish crowns.", 20_000_000.0, "SEK", "crowns"),
        ("The deal is valued at SEK 40 million.", 40_000_000.0, "SEK", "crowns"),
    ],
)
def test_money_has_a_value_and_a_currency(sentence: str, value: float, currency: str, noun: str) -> None:
    q = one(sentence)
    assert (q.value, q.currency, q.noun, q.kind) == (value, currency, noun, "money")
    assert sentence[q.start : q.end] == q.text


def test_percent_in_words_and_with_a_sign() -> None:
    words, sign = quantities("Turnout was 61.4 percent, against 58% in the last vote.")
    assert (words.value, words.noun, words.unit) == (61.4, "percent", "%")
    assert (sign.value, sign.noun) == (58.0, "percent")


def test_percentage_points_and_basis_points() -> None:
    half, basis = quantities(
        "The bank raised its rate by half a percentage point, after a 50 basis points cut."
    )
    assert (half.value, half.noun, half.unit) == (0.5, "percentage points", "pp")
    assert (basis.value, basis.unit) == (0.5, "pp")


def test_speeds_are_in_km_per_hour() -> None:
    kmh, mph = quantities("The van was doing 70 km/h in a 40 mph zone.")
    assert (kmh.value, kmh.unit, kmh.kind) == (70.0, "km/h", "speed")
    assert (mph.value, mph.unit) == (64.4, "km/h")


def test_distances_are_in_metres() -> None:
    km, miles = quantities("The trawler sank 3 kilometres off Holm, about 5 miles from port.")
    assert (km.value, km.unit, km.kind) == (3000.0, "m", "distance")
    assert (round(miles.value), miles.approximate) == (8047, True)


def test_ordinals_only_when_asked() -> None:
    sentence = "The second diplomat left on the 3rd day of the talks."
    assert quantities(sentence) == []
    second, third = quantities(sentence, with_ordinals=True)
    assert (second.value, second.noun, second.kind) == (2.0, "diplomat", "ordinal")
    assert (third.value, third.noun) == (3.0, "day")
    assert ordinals("The talks end on June 3rd.") == []


@pytest.mark.parametrize(
    ("sentence", "value", "who"),
    [
        ("Jo Haldis, 48, was rescued from the roof.", 48, "Haldis"),
        ("The captain, Ivar Brenn (57), stayed aboard.", 57, "Brenn"),
        ("Ivar Brenn, aged 61, stayed aboard.", 61, "Brenn"),
        ("The 34-year-old driver was arrested.", 34, None),
    ],
)
def test_ages(sentence: str, value: int, who: str | None) -> None:
    [age] = ages(sentence)
    assert (age.value, age.who) == (value, who)
    q = one(sentence, with_ages=True)
    assert (q.value, q.noun, q.kind, q.unit) == (float(value), "age", "age", "years")


def test_sentence_without_numbers() -> None:
    assert quantities("The harbour master inspected the pier on Tuesday.") == []
