"""The references list labels each work by author and year, as the in-text citations do."""

from __future__ import annotations

from pybtex.database import parse_string

from ics_evidence.assemble.sphinx_bibliography import AuthorYearLabels

BIB = r"""
@misc{a, author = {Ham, Chris}, title = {One}, year = {2023a}}
@misc{b, author = {{NHS Confederation}}, title = {Two}, year = {2023}}
@misc{c, author = {Leatherman, S. and Sutherland, K.}, title = {Three}, year = {2008}}
@misc{d, author = {Bate, P. and Robert, G. and Bevan, H.}, title = {Four}, year = {2004}}
@misc{e, author = {{NHS Confederation}}, title = {Five}, year = {2023}}
@misc{f, organization = {The King's Fund}, title = {Six}}
"""


def test_labels_are_author_and_year_and_unique():
    entries = list(parse_string(BIB, "bibtex").entries.values())
    labels = list(AuthorYearLabels().format_labels(entries))
    assert labels == [
        "Ham 2023a",
        "NHS Confederation 2023a",
        "Leatherman and Sutherland 2008",
        "Bate et al. 2004",
        "NHS Confederation 2023b",
        "The King's Fund n.d.",
    ]
