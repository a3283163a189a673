"""Derived tables of the methods, external-help and earlier-case-studies chapters, on one
small synthetic package."""

from __future__ import annotations

import pandas as pd
import pytest

from ics_evidence.analysis import codebook, earlier, external_help, methods


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
    usage = methods.method_usage(tables)
    assert list(usage["method_id"]) == ["m2", "m1", "m3"]  # most used first, ties in codebook order
    row = usage.set_index("method_id").loc["m2"]
    assert row["systems"] == 2 and row["system_names"] == "Alpha; Beta"
    assert usage.set_index("method_id").loc["m3", "systems"] == 0
    assert pd.isna(usage.set_index("method_id").loc["m3", "system_names"])


def test_method_usage_ignores_links_to_systems_not_in_the_systems_table(tables):
    tables["system_methods"] = pd.concat(
        [tables["system_methods"], frame([{"system_id": "zeta", "method_id": "m3", "how_used": "h", "quote": "q"}])]
    )
    assert methods.method_usage(tables).set_index("method_id").loc["m3", "systems"] == 0


def test_methods_by_kind(tables):
    kinds = methods.methods_by_kind(tables).set_index("kind")
    assert list(kinds.index) == ["qi-method", "approach"]
    assert kinds.loc["qi-method", "methods"] == 2 and kinds.loc["qi-method", "methods_used"] == 1
    assert kinds.loc["approach", "links"] == 2 and kinds.loc["approach", "systems"] == 2


def test_most_frequent_joins_ties_and_handles_nothing():
    counts = frame([{"n": "A", "c": 3}, {"n": "B", "c": 3}, {"n": "C", "c": 3}, {"n": "D", "c": 1}])
    assert codebook.most_frequent(counts, "n", "c") == ("A, B and C", 3)
    assert codebook.most_frequent(counts.iloc[2:], "n", "c") == ("C", 3)
    assert codebook.most_frequent(frame([{"n": "A", "c": 0}]), "n", "c") == ("", 0)
    assert codebook.most_frequent(pd.DataFrame({"n": [], "c": []}), "n", "c") == ("", 0)


def test_dimension_by_system_keeps_every_system(tables):
    legacy = methods.dimension_by_system(tables, "legacy")
    assert list(legacy["name"]) == ["Alpha", "Beta", "Gamma"]
    assert legacy.loc[0, "summary"] == "s"
    assert pd.isna(legacy.loc[1, "summary"])  # beta has a row, but on another dimension


def test_partner_reach_and_kinds(tables):
    reach = external_help.partner_reach(tables).set_index("partner_id")
    assert reach.loc["p1", "systems"] == 2 and reach.loc["p1", "system_names"] == "Alpha; Beta"
    assert reach.loc["p4", "systems"] == 0
    kinds = external_help.partners_by_kind(tables).set_index("kind")
    assert kinds.loc["network", "partners"] == 2 and kinds.loc["network", "links"] == 3
    assert kinds.loc["network", "systems"] == 2
    assert kinds.loc["new-kind", "partners_linked"] == 0
    assert kinds.loc["new-kind", "label"] == "New kind"  # unlisted kinds fall back to their id
    assert kinds.loc["university", "label"] == "University"


def test_partner_kind_matrix_is_complete(tables):
    matrix = external_help.partner_kind_matrix(tables)
    assert len(matrix) == 3 * 3  # every system × every kind, gamma included
    cell = matrix.set_index(["system_id", "kind"]).loc[("alpha", "network")]
    assert cell["partners"] == 2 and cell["partner_names"] == "Arr; Pea"
    assert (matrix[matrix["system_id"] == "gamma"]["partners"] == 0).all()


def test_figures_against_reference(tables):
    compared = earlier.figures_against_reference(tables).set_index(["system_id", "measure_id"])
    assert len(compared) == 3  # every non-reference row, with or without a reference value
    differing = compared.loc[("alpha", "population")]
    assert bool(differing["differs"]) is True
    assert differing["comparison"] == "2.6 million people (2021) vs 2.4 million people (2023)"
    assert differing["source_title"] == "Old case studies"
    assert bool(compared.loc[("beta", "population"), "differs"]) is False
    same = compared.loc[("beta", "population"), "comparison"]
    assert same == "around 1.1 million people (2021) vs around 1.1 million people (2023)"
    assert pd.isna(compared.loc[("beta", "trusts"), "differs"])  # no reference: unknown, not 'same'
    assert compared.loc[("beta", "trusts"), "comparison"] == "3 (2021); no reference value"


def test_figures_against_reference_agrees_with_source_differences(tables):
    compared = earlier.figures_against_reference(tables)
    assert compared["differs"].fillna(False).sum() == len(earlier.source_differences(tables))


def test_earlier_items_by_kind_is_complete_and_ordered(tables):
    items = earlier.earlier_items_by_kind(tables)
    kinds = list(dict.fromkeys(items["kind"]))
    assert kinds[: len(earlier.EARLIER_ITEM_KINDS)] == list(earlier.EARLIER_ITEM_KINDS)
    assert kinds[-1] == "surprise"  # an unexpected kind is kept, after the known ones
    counts = items.set_index(["case_id", "kind"])["items"]
    assert counts[("c1", "lesson")] == 2 and counts[("c1", "barrier")] == 0 and counts[("c2", "surprise")] == 1
    assert items["items"].sum() == len(tables["earlier_case_study_items"])


def test_inconsistencies_with_sources(tables):
    out = earlier.inconsistencies_with_sources(tables).set_index("inconsistency_id")
    assert out.loc["x1", "name"] == "Alpha" and out.loc["x1", "alt_source_title"] == "Old case studies"
    assert out.loc["x1", "alt_source_year"] == 2021 and out.loc["x1", "source_year"] == 2023
    assert pd.isna(out.loc["x2", "name"])  # not about one system
