"""The numbers a quotation states: the forms the validator's value-stated rule reads."""

from __future__ import annotations

import pytest

from ics_evidence.data.numbers import stated_numbers, states_value


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("Dorset ICS serves 800,000 people", {800000}),
        ("serving 2.4 million people", {2.4, 2400000}),
        ("with a budget of £6.6 billion", {6.6, 6.6e9}),
        ("WYAAT trusts provide a c.£2m budget", {2, 2e6}),
        ("ten NHS trusts", {10}),
        ("Fourteen place partnerships", {14}),
        ("twenty-five staff", {25}),
        ("reduce smoking rates among adults to 5 per cent", {5}),
        ("a ten-year gap in life expectancy", {10}),
        ("an 11-year difference", {11}),
        ("The strategy sets a direction for the next 15–20 years", {15, 20}),
        ("between 250,000 and 300,000", {250000, 300000}),
        ("each comprising eight to ten people", {8, 10}),
        ("has halved the number", {0.5, 50}),
        ("has doubled in the last ten years", {2, 10}),
    ],
)
def test_forms(quote, expected):
    assert expected <= stated_numbers(quote)


def test_a_number_not_in_the_quote_is_not_stated():
    assert not states_value("Dorset ICS serves 800,000 people", 810000)
    assert not states_value("one of seven accelerator sites", 8)


def test_units_in_millions_and_billions_rescale():
    assert states_value("with a budget of £6.6 billion", 6.6, "GBP billion")
    assert states_value("was in excess of £2 billion", 2000, "GBP million")
    assert states_value("amounts to £18 million", 18, "GBP million")
