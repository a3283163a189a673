"""The one formatter of a figure as its source states it, and ranks that state their ties."""

import pandas as pd
import pytest

from ics_evidence.analysis.stated import as_stated, ordinal, rank_words, stated_word


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((4400, "people", "over"), "over 4,400 people"),
        ((2000, "count", "around"), "around 2,000"),
        ((300, "people", "around"), "around 300 people"),
        ((300000, "people", "typically", 250000, 300000), "typically 250,000–300,000 people"),
        ((3, "months", "within"), "within 3 months"),
        ((1, "days", "exact"), "1 day"),
        ((5, "percent", "or-below"), "5 per cent or below"),
        ((30, "percent", "exact"), "30 per cent"),
        ((2, "count", "exact"), "2"),
        ((20, "years", "exact", 15, 20), "15–20 years"),
        ((2_600_000, "people", "exact"), "2.6 million people"),
        ((3_000_000, "people", "more-than"), "more than 3 million people"),
        ((645_000, "people", "estimated"), "an estimated 645,000 people"),
        ((5000, "square miles", "over"), "over 5,000 square miles"),
        ((2007, "year", None), "2007"),
        ((1.6, "GBP billion", "exact"), "£1.6 billion"),
        ((7, "GBP million", "around"), "around £7 million"),
        ((2000, "GBP million", "more-than"), "more than £2 billion"),
        ((2, "rating (1 = least support needed)", "exact"), "2"),
        ((14, None, None), "14"),
        ((6.60, "count", "some-new-hedge"), "some new hedge 6.6"),
        ((pd.NA, "people", "around"), ""),
        ((None, "count", None), ""),
    ],
)
def test_a_figure_is_written_as_its_source_states_it(args, expected):
    assert as_stated(*args) == expected


def test_a_word_the_source_uses_for_the_value_is_kept():
    quote = "has halved the number of A&E and emergency admissions among elderly people"
    assert as_stated(50, "percent", "exact", quote=quote) == "halved"
    assert as_stated(2, "count", "exact", quote="Admissions Doubled in a year") == "doubled"
    # A quotation that writes the number as digits keeps the number.
    assert as_stated(4400, "people", "over", quote="resulted in over 4,400 patients") == "over 4,400 people"
    assert as_stated(50, "percent", "exact", quote="cut by 50 per cent, half the gap") == "50 per cent"


def test_the_word_is_found_only_when_it_states_the_value():
    assert stated_word("has halved the waiting list", 50, "percent") == "halved"
    assert stated_word("has halved the waiting list", 0.5) == "halved"
    assert stated_word("has halved the waiting list", 30, "percent") is None
    assert stated_word("half of the 50 practices", 50) is None  # written as digits too


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((1, 1, 7), "first of 7"),
        ((3, 1, 7), "third of 7"),
        ((1, 5, 7), "joint first of 7 (5 tied)"),
        ((6, 2, 7), "joint sixth of 7 (2 tied)"),
        ((12, 1, 40), "12th of 40"),
        ((22, 1, 40), "22nd of 40"),
    ],
)
def test_a_rank_states_its_ties(args, expected):
    assert rank_words(*args) == expected


def test_ordinals():
    assert [ordinal(n) for n in (1, 2, 10, 11, 13, 21, 23, 101)] == [
        "first", "second", "tenth", "11th", "13th", "21st", "23rd", "101st",
    ]  # fmt: skip
