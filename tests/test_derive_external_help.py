"""Derived tables of the external-help chapter: partner reach, partners by kind, systems × partner kinds."""

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


def test_partner_reach_and_kinds(tables):
    reach = derive.partner_reach(tables).set_index("partner_id")
    assert reach.loc["p1", "systems"] == 2 and reach.loc["p1", "system_names"] == "Alpha; Beta"
    assert reach.loc["p4", "systems"] == 0
    kinds = derive.partners_by_kind(tables).set_index("kind")
    assert kinds.loc["network", "partners"] == 2 and kinds.loc["network", "links"] == 3
    assert kinds.loc["network", "systems"] == 2
    assert kinds.loc["new-kind", "partners_linked"] == 0
    assert kinds.loc["new-kind", "label"] == "New kind"  # unlisted kinds fall back to their id
    assert kinds.loc["university", "label"] == "University"


def test_partner_kind_matrix_is_complete(tables):
    matrix = derive.partner_kind_matrix(tables)
    assert len(matrix) == 3 * 3  # every system × every kind, gamma included
    cell = matrix.set_index(["system_id", "kind"]).loc[("alpha", "network")]
    assert cell["partners"] == 2 and cell["partner_names"] == "Arr; Pea"
    assert (matrix[matrix["system_id"] == "gamma"]["partners"] == 0).all()
