"""Derived tables of the methods-and-legacies chapter: method usage, methods by kind, dimensions by system."""

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


def test_method_usage_counts_systems_names_them_in_data_order_and_keeps_unused_methods(tables):
    usage = derive.method_usage(tables)
    assert list(usage["method_id"]) == ["m2", "m1", "m3"]  # most used first, ties in codebook order
    row = usage.set_index("method_id").loc["m2"]
    assert row["systems"] == 2 and row["system_names"] == "Alpha; Beta"
    assert usage.set_index("method_id").loc["m3", "systems"] == 0
    assert pd.isna(usage.set_index("method_id").loc["m3", "system_names"])


def test_method_usage_ignores_links_to_systems_not_in_the_systems_table(tables):
    tables["system_methods"] = pd.concat(
        [tables["system_methods"], frame([{"system_id": "zeta", "method_id": "m3", "how_used": "h", "quote": "q"}])]
    )
    assert derive.method_usage(tables).set_index("method_id").loc["m3", "systems"] == 0


def test_methods_by_kind(tables):
    kinds = derive.methods_by_kind(tables).set_index("kind")
    assert list(kinds.index) == ["qi-method", "approach"]
    assert kinds.loc["qi-method", "methods"] == 2 and kinds.loc["qi-method", "methods_used"] == 1
    assert kinds.loc["approach", "links"] == 2 and kinds.loc["approach", "systems"] == 2


def test_most_frequent_joins_ties_and_handles_nothing():
    counts = frame([{"n": "A", "c": 3}, {"n": "B", "c": 3}, {"n": "C", "c": 3}, {"n": "D", "c": 1}])
    assert derive.most_frequent(counts, "n", "c") == ("A, B and C", 3)
    assert derive.most_frequent(counts.iloc[2:], "n", "c") == ("C", 3)
    assert derive.most_frequent(frame([{"n": "A", "c": 0}]), "n", "c") == ("", 0)
    assert derive.most_frequent(pd.DataFrame({"n": [], "c": []}), "n", "c") == ("", 0)


def test_dimension_by_system_keeps_every_system(tables):
    legacy = derive.dimension_by_system(tables, "legacy")
    assert list(legacy["name"]) == ["Alpha", "Beta", "Gamma"]
    assert legacy.loc[0, "summary"] == "s"
    assert pd.isna(legacy.loc[1, "summary"])  # beta has a row, but on another dimension
