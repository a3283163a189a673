"""The derivation forms: each evaluated against the numbers its quotation states."""

from __future__ import annotations

import pytest

from ics_evidence.data.derivations import check, parse


@pytest.mark.parametrize(
    ("derivation", "value", "quote", "ok"),
    [
        ("sum 3 + 6. The councils.", 9, "three county councils, six unitary authorities", True),
        ("sum 1 + 6", 7, "three county councils, six unitary authorities", False),  # 1 is not stated
        ("sum 3 + 6", 10, "three county councils, six unitary authorities", False),  # wrong total
        ('sum 3 + 1 + "an ambulance trust"', 5, "three acute trusts, one community trust, an ambulance trust", True),
        ("difference 19 - 15", 4, "from 19 years to 15 years by 2043", True),
        ("difference 19 - 15", 5, "from 19 years to 15 years by 2043", False),
        ("percentage 4241 of 5000", 84.8, "supported 4,241 of 5,000 people", True),
        ("percentage 4241 of 5000", 85, "supported 4,241 of 5,000 people", True),  # rounded as the value is
        ("percentage 4241 of 5000", 90, "supported 4,241 of 5,000 people", False),
        ("halved", 50, "has halved the number of admissions", True),
        ("halved", 50, "has cut the number of admissions", False),
        ("halved", 40, "has halved the number of admissions", False),
        ("doubled", 2, "has doubled in the last ten years", True),
        ("rounding 4241", 4000, "the service has supported 4,241 people", True),
        ("rounding 4241", 5000, "the service has supported 4,241 people", False),
        ('words "a county council"', 1, "a county council and six district councils", True),
        ('words "a county council"', 2, "a county council and six district councils", False),
        ('words "the mental health trust"', 1, "three acute trusts and one trust", False),  # not in the quote
        ('words "six district councils"', 6, "a county council and six district councils", False),  # no counting word
        ('count "dermatology", "neurology"', 2, "in dermatology and neurology.", True),
        ('count "dermatology", "neurology", "cardiology"', 3, "in dermatology and neurology.", False),
    ],
)
def test_forms(derivation, value, quote, ok):
    form = parse(derivation)
    assert form is not None
    assert (check(form, value, quote) is None) is ok


def test_count_items_may_come_from_the_section_the_quote_introduces():
    form = parse('count "skilled analysts", "linked data set"')
    section = "the following factors required for success: Using skilled analysts. A linked data set."
    assert check(form, 2, "the following factors required for success", section_text=section) is None
    assert check(form, 2, "the following factors required for success") is not None


def test_free_text_is_not_a_form():
    assert parse("Sum of the three county councils and six unitary authorities (3 + 6).") is None
    assert parse("'a county council' read as one.") is None
    assert parse('words "a county council". A single county council.').arguments == '"a county council"'
