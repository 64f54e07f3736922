"""Times resolved against the article date: absolute, month-only, weekdays, deictic words, offsets."""

from __future__ import annotations

import pytest

from storyline.enrich.mentions import dates
from storyline.enrich.times import TimeMention, compatible, resolve_times

PUBLISHED = "2019-01-05"  # a Saturday


def only(text: str, published: str | None = PUBLISHED) -> TimeMention:
    [t] = resolve_times(text, published)
    return t


@pytest.mark.parametrize(
    ("sentence", "value", "precision"),
    [
        ("The referendum is set for June 14, 2025, officials in Varnholm said.", "2025-06-14", "day"),
        ("The referendum is set for 14 June 2025 in Varnholm.", "2025-06-14", "day"),
        ("The filing, dated 2025-06-14, was leaked.", "2025-06-14", "day"),
        ("Ostmark Shipping bought the trawler in March 2019.", "2019-03", "month"),
        ("The brewery first opened in 2016.", "2016", "year"),
        ("The tunnel opened on Thursday, 3 October 2024, after delays.", "2024-10-03", "day"),
    ],
)
def test_absolute_dates(sentence: str, value: str, precision: str) -> None:
    t = only(sentence)
    assert (t.value, t.precision, t.relative, t.fuzzy) == (value, precision, False, False)
    assert sentence[t.start : t.end] == t.text


def test_month_last_year_resolves_to_the_year_before_the_article() -> None:
    t = only("The mill in Tessby closed in November last year.")
    assert (t.value, t.precision, t.relative) == ("2018-11", "month", True)
    assert t.text == "November last year"


def test_bare_month_is_the_most_recent_one_not_after_the_article() -> None:
    assert only("The mill in Tessby closed in November.").value == "2018-11"
    assert only("Repairs to the bridge began in January.").value == "2019-01"


def test_month_in_a_future_clause_is_the_next_one() -> None:
    assert only("The new ferry will enter service in March.").value == "2019-03"
    assert only("Voters go to the polls next March.").value == "2019-03"


def test_weekday_is_the_most_recent_one_on_or_before_the_article_date() -> None:
    t = only("The fire at the Orlund depot broke out on Thursday.")
    assert (t.value, t.precision, t.relative, t.text) == ("2019-01-03", "day", True, "Thursday")
    assert only("Saturday's storm flooded the harbour.").value == "2019-01-05"


def test_next_weekday_is_the_following_one_and_a_future_clause_looks_ahead() -> None:
    assert only("The council meets again next Tuesday.").value == "2019-01-08"
    assert only("The council will vote on Thursday.").value == "2019-01-10"
    assert only("The council met last Saturday.").value == "2018-12-29"


@pytest.mark.parametrize(
    ("sentence", "value", "precision"),
    [
        ("The road reopened yesterday.", "2019-01-04", "day"),
        ("The road reopens today.", "2019-01-05", "day"),
        ("The road closed last week.", "2018-W52", "week"),
        ("The road closed last month.", "2018-12", "month"),
        ("The road closed last year.", "2018", "year"),
        ("The road will reopen this year.", "2019", "year"),
        ("The road closed a year ago.", "2018", "year"),
        ("The road closed two weeks ago.", "2018-W51", "week"),
        ("The road closed three days earlier.", "2019-01-02", "day"),
    ],
)
def test_deictic_words_and_offsets_count_from_the_article_date(
    sentence: str, value: str, precision: str
) -> None:
    t = only(sentence)
    assert (t.value, t.precision, t.relative) == (value, precision, True)


def test_later_counts_from_the_previous_time_in_the_text() -> None:
    text = "Drilling at the Kvarn site began in early November. Two months later the well ran dry."
    first, later = resolve_times(text, PUBLISHED)
    assert (first.value, first.precision, first.fuzzy, first.part) == ("2018-11", "month", True, "early")
    assert (later.value, later.precision) == ("2019-01", "month")
    assert later.text == "Two months later"


def test_earlier_and_the_next_day_count_from_an_absolute_date() -> None:
    text = "The summit ended on June 14, 2025. Three days earlier, the envoys met. The next day they left."
    summit, earlier, next_day = resolve_times(text, PUBLISHED)
    assert summit.value == "2025-06-14"
    assert (earlier.value, earlier.precision) == ("2025-06-11", "day")
    assert next_day.value == "2025-06-12"


def test_without_an_anchor_later_counts_from_the_article_date() -> None:
    assert only("Two days later the bridge reopened.").value == "2019-01-07"


def test_fuzzy_times() -> None:
    early = only("Work on the dam began in early November.")
    assert (early.value, early.precision, early.fuzzy) == ("2018-11", "month", True)
    spring = only("The museum reopens this spring.")
    assert spring.fuzzy and spring.precision == "month" and spring.value.startswith("2019")
    assert only("The talks began around June 10, 2018.").fuzzy


def test_relative_times_need_an_article_date() -> None:
    assert resolve_times("The road reopened yesterday.", None) == []
    assert only("It happened on March 3.", None).value == "--03-03"


def test_may_the_verb_and_an_abbreviation_alone_are_not_dates() -> None:
    assert resolve_times("May I ask who paid for the tunnel?", PUBLISHED) == []
    assert resolve_times("Dec was the nickname of the captain.", PUBLISHED) == []


def test_a_count_is_not_a_year() -> None:
    assert resolve_times("Up to 2000 people attended the rally.", PUBLISHED) == []


def mention(text: str, published: str = PUBLISHED) -> TimeMention:
    return only(text, published)


def test_a_month_is_compatible_with_a_day_in_it_and_with_its_early_part() -> None:
    november = mention("It closed in November.")
    assert compatible(november, mention("It closed in early November."))
    assert compatible(mention("It closed on November 3."), november)


def test_different_days_are_incompatible() -> None:
    assert not compatible(mention("It opened on June 4, 2025."), mention("It opened on June 14, 2025."))
    assert not compatible(mention("It closed in early November."), mention("It closed in late November."))


def test_last_week_is_compatible_with_a_day_in_that_week_only() -> None:
    last_week = mention("The strike started last week.")
    assert compatible(last_week, mention("The strike started on December 27."))
    assert not compatible(last_week, mention("The strike started on December 12."))


def test_mentions_year_less_take_the_others_year() -> None:
    assert compatible(mention("It happened on March 3.", None), mention("It happened on March 3, 2017."))
    assert not compatible(mention("It happened on March 4.", None), mention("It happened on March 3, 2017."))


def test_dates_keeps_its_fields_and_uses_the_resolver() -> None:
    [d] = dates("The ferry will enter service in March.", PUBLISHED)
    assert (d.year, d.month, d.day, d.fuzzy, d.iso()) == (2019, 3, None, False, "2019-03")
    assert dates("The road reopened yesterday.", PUBLISHED) == [], "dates() keeps to named months"
    [d] = dates("The filing is dated 2025-06-14.", PUBLISHED)
    assert d.iso() == "2025-06-14"
