"""Derived tables of the earlier-case-studies chapter: figures against the reference, items, inconsistencies."""

from __future__ import annotations

import pandas as pd
import pytest

from ics_evidence import derive


def frame(rows: list[dict], dtypes: dict | None = None) -> pd.DataFrame:
    out = pd.DataFrame(rows)
    return out.astype(dtypes) if dtypes else out


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    return {
        "systems": frame([{"system_id": "alpha", "name": "Alpha"}, {"system_id": "beta", "name": "Beta"},
                          {"system_id": "gamma", "name": "Gamma"}]),
        "methods": frame([
            {"method_id": "m1", "name": "One", "kind": "qi-method", "description": "d1"},
            {"method_id": "m2", "name": "Two", "kind": "approach", "description": "d2"},
            {"method_id": "m3", "name": "Three", "kind": "qi-method", "description": "d3"},
        ]),
        "system_methods": frame([
            {"system_id": "beta", "method_id": "m2", "how_used": "h", "quote": "q"},
            {"system_id": "alpha", "method_id": "m2", "how_used": "h", "quote": "q"},
            {"system_id": "alpha", "method_id": "m1", "how_used": "h", "quote": "q"},
        ]),
        "dimensions": frame([{"dimension_id": "legacy", "label": "Legacy", "order": 1}]),
        "system_dimensions": frame([
            {"system_id": "alpha", "dimension_id": "legacy", "summary": "s", "source_id": "r", "section": "x",
             "quote": "q"},
            {"system_id": "beta", "dimension_id": "other", "summary": "s2", "source_id": "r", "section": "x",
             "quote": "q"},
        ]),
        "partners": frame([
            {"partner_id": "p1", "name": "Pea", "kind": "network", "description": "d"},
            {"partner_id": "p2", "name": "Queue", "kind": "university", "description": "d"},
            {"partner_id": "p3", "name": "Arr", "kind": "network", "description": "d"},
            {"partner_id": "p4", "name": "Ess", "kind": "new-kind", "description": "d"},
        ]),
        "system_partners": frame([
            {"system_id": "alpha", "partner_id": "p1", "role": "r", "quote": "q"},
            {"system_id": "alpha", "partner_id": "p3", "role": "r", "quote": "q"},
            {"system_id": "beta", "partner_id": "p1", "role": "r", "quote": "q"},
            {"system_id": "beta", "partner_id": "p2", "role": "r", "quote": "q"},
        ]),
        "measures": frame([{"measure_id": "population", "label": "Population", "unit": "people"},
                           {"measure_id": "trusts", "label": "Trusts", "unit": "count"}]),
        "sources": frame([
            {"source_id": "new", "title": "New report", "year": 2023},
            {"source_id": "old", "title": "Old case studies", "year": 2021},
        ], {"year": "Int64"}),
        "system_figures": frame([
            {"system_id": "alpha", "measure_id": "population", "source_id": "new", "value": 2_400_000,
             "qualifier": "exact", "is_reference": True, "quote": "q"},
            {"system_id": "alpha", "measure_id": "population", "source_id": "old", "value": 2_600_000,
             "qualifier": "exact", "is_reference": False, "quote": "q"},
            {"system_id": "beta", "measure_id": "population", "source_id": "new", "value": 1_100_000,
             "qualifier": "around", "is_reference": True, "quote": "q"},
            {"system_id": "beta", "measure_id": "population", "source_id": "old", "value": 1_100_000,
             "qualifier": "around", "is_reference": False, "quote": "q"},
            {"system_id": "beta", "measure_id": "trusts", "source_id": "old", "value": 3,
             "qualifier": "exact", "is_reference": False, "quote": "q"},
        ], {"value": "Float64", "is_reference": "boolean"}),
        "earlier_case_studies": frame([{"case_id": "c1", "system_id": "alpha", "title": "Case one"},
                                       {"case_id": "c2", "system_id": "beta", "title": "Case two"}]),
        "earlier_case_study_items": frame([
            {"item_id": "i1", "case_id": "c1", "kind": "lesson"},
            {"item_id": "i2", "case_id": "c1", "kind": "lesson"},
            {"item_id": "i3", "case_id": "c2", "kind": "barrier"},
            {"item_id": "i4", "case_id": "c2", "kind": "surprise"},
        ]),
        "inconsistencies": frame([
            {"inconsistency_id": "x1", "system_id": "alpha", "topic": "t", "source_id": "new", "alt_source_id": "old"},
            {"inconsistency_id": "x2", "system_id": None, "topic": "t", "source_id": "new", "alt_source_id": "new"},
        ]),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "expected"),
    [
        (2_600_000, "people", "exact", "2.6 million"),
        (1_100_000, "people", "around", "around 1.1 million"),
        (2_000_000, None, None, "2 million"),
        (800_000, "people", None, "800,000"),
        (2007, "year", None, "2007"),
        (2.5, "GBP billion", "more-than", "more than 2.5"),
        (pd.NA, None, None, ""),
    ],
)
def test_figure_in_words(value, unit, qualifier, expected):
    assert derive.figure_in_words(value, unit, qualifier) == expected


def test_figures_against_reference(tables):
    compared = derive.figures_against_reference(tables).set_index(["system_id", "measure_id"])
    assert len(compared) == 3  # every non-reference row, with or without a reference value
    differing = compared.loc[("alpha", "population")]
    assert bool(differing["differs"]) is True
    assert differing["comparison"] == "2.6 million (2021) vs 2.4 million (2023)"
    assert differing["source_title"] == "Old case studies"
    assert bool(compared.loc[("beta", "population"), "differs"]) is False
    same = compared.loc[("beta", "population"), "comparison"]
    assert same == "around 1.1 million (2021) vs around 1.1 million (2023)"
    assert pd.isna(compared.loc[("beta", "trusts"), "differs"])  # no reference: unknown, not 'same'
    assert compared.loc[("beta", "trusts"), "comparison"] == "3 (2021); no reference value"


def test_figures_against_reference_agrees_with_source_differences(tables):
    compared = derive.figures_against_reference(tables)
    assert compared["differs"].fillna(False).sum() == len(derive.source_differences(tables))


def test_earlier_items_by_kind_is_complete_and_ordered(tables):
    items = derive.earlier_items_by_kind(tables)
    kinds = list(dict.fromkeys(items["kind"]))
    assert kinds[: len(derive.EARLIER_ITEM_KINDS)] == list(derive.EARLIER_ITEM_KINDS)
    assert kinds[-1] == "surprise"  # an unexpected kind is kept, after the known ones
    counts = items.set_index(["case_id", "kind"])["items"]
    assert counts[("c1", "lesson")] == 2 and counts[("c1", "barrier")] == 0 and counts[("c2", "surprise")] == 1
    assert items["items"].sum() == len(tables["earlier_case_study_items"])


def test_inconsistencies_with_sources(tables):
    out = derive.inconsistencies_with_sources(tables).set_index("inconsistency_id")
    assert out.loc["x1", "name"] == "Alpha" and out.loc["x1", "alt_source_title"] == "Old case studies"
    assert out.loc["x1", "alt_source_year"] == 2021 and out.loc["x1", "source_year"] == 2023
    assert pd.isna(out.loc["x2", "name"])  # not about one system
