"""Derived measures are computed correctly, keep every system, and show gaps as gaps."""

from __future__ import annotations

import pandas as pd
import pytest

from ics_evidence.analysis import earlier, figures, themes


def frame(rows: list[dict], dtypes: dict | None = None) -> pd.DataFrame:
    out = pd.DataFrame(rows)
    return out.astype(dtypes) if dtypes else out


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    figure_types = {"value": "Float64", "is_reference": "boolean"}
    return {
        "systems": frame([{"system_id": "alpha", "name": "Alpha"}, {"system_id": "beta", "name": "Beta"},
                          {"system_id": "gamma", "name": "Gamma"}]),
        "measures": frame([
            {"measure_id": m, "label": m.title(), "unit": "u"}
            for m in ("population", "nhs_budget_gbp_bn", "place_partnerships", "area_sq_miles", "oversight_segment")
        ]),
        "system_figures": frame([
            {"system_id": "alpha", "measure_id": "population", "value": 2_000_000, "is_reference": True,
             "qualifier": "around", "quote": "q", "source_id": "s"},
            {"system_id": "alpha", "measure_id": "population", "value": 2_100_000, "is_reference": False,
             "qualifier": "exact", "quote": "q2", "source_id": "t"},
            {"system_id": "alpha", "measure_id": "nhs_budget_gbp_bn", "value": 4.0, "is_reference": True,
             "qualifier": "exact", "quote": "q", "source_id": "s"},
            {"system_id": "alpha", "measure_id": "place_partnerships", "value": 4, "is_reference": True,
             "qualifier": "exact", "quote": "q", "source_id": "s"},
            {"system_id": "beta", "measure_id": "population", "value": 1_000_000, "is_reference": True,
             "qualifier": "exact", "quote": "q", "source_id": "s"},
            {"system_id": "beta", "measure_id": "place_partnerships", "value": 0, "is_reference": True,
             "qualifier": "exact", "quote": "q", "source_id": "s"},
            {"system_id": "alpha", "measure_id": "oversight_segment", "value": 2, "is_reference": True,
             "qualifier": "exact", "quote": "q", "source_id": "s"},
            {"system_id": "beta", "measure_id": "oversight_segment", "value": 1, "is_reference": True,
             "qualifier": "exact", "quote": "q", "source_id": "s"},
        ], figure_types),
        "themes": frame([{"theme_id": "t1", "label": "One"}, {"theme_id": "t2", "label": "Two"}]),
        "theme_coding": frame([
            {"system_id": s, "theme_id": t, "strength": v}
            for s, t, v in [("alpha", "t1", 2), ("alpha", "t2", 0), ("beta", "t1", 1), ("beta", "t2", 0),
                            ("gamma", "t1", 0), ("gamma", "t2", 2)]
        ], {"strength": "Int64"}),
    }  # fmt: skip


def test_wide_keeps_every_system_in_data_order_and_uses_reference_values(tables):
    wide = figures.figures_wide(tables)
    assert list(wide["system_id"]) == ["alpha", "beta", "gamma"]
    assert wide.loc[0, "population"] == 2_000_000
    assert pd.isna(wide.loc[2, "population"])  # gamma reports nothing: a gap, not a dropped row


def test_ratios_and_missing_or_zero_denominators(tables):
    ratios = figures.ratios(tables).set_index("system_id")
    assert ratios.loc["alpha", "budget_per_head_gbp"] == pytest.approx(2000.0)
    assert ratios.loc["alpha", "people_per_place"] == pytest.approx(500_000)
    assert pd.isna(ratios.loc["beta", "people_per_place"])  # zero places: undefined, not infinite
    assert pd.isna(ratios.loc["beta", "budget_per_head_gbp"])  # budget not reported


def test_key_figures_show_gaps_and_rank(tables):
    key = figures.key_figures(tables, "beta").set_index("measure_id")
    assert key.loc["population", "Rank among systems reporting it"] == "second of 2"
    assert key.loc["oversight_segment", "Rank among systems reporting it"] == "first of 2"  # 1 is best
    assert pd.isna(key.loc["nhs_budget_gbp_bn", "Value"])
    assert list(key.index) == [m for m in figures.KEY_MEASURES if m in set(tables["measures"]["measure_id"])]


def test_a_rank_shared_with_others_says_joint_and_how_many_tie(tables):
    rows = tables["system_figures"]
    gamma = rows[rows["system_id"] == "beta"].assign(system_id="gamma")
    tables["system_figures"] = pd.concat([rows, gamma], ignore_index=True)
    for system_id in ("beta", "gamma"):
        ranked = figures.key_figures(tables, system_id).set_index("measure_id")["Rank among systems reporting it"]
        assert ranked["oversight_segment"] == "joint first of 3 (2 tied)"
        assert ranked["population"] == "joint second of 3 (2 tied)"
    alpha = figures.key_figures(tables, "alpha").set_index("measure_id")["Rank among systems reporting it"]
    assert alpha["population"] == "first of 3" and alpha["oversight_segment"] == "third of 3"


def test_theme_matrix_prevalence_and_similarity(tables):
    matrix = themes.theme_matrix(tables)
    assert matrix.loc["alpha", "t1"] == 2
    prevalence = themes.theme_prevalence(tables).set_index("theme_id")
    assert prevalence.loc["t1", "systems_present"] == 2 and prevalence.loc["t1", "systems_central"] == 1
    similarity = themes.profile_similarity(tables).set_index(["system_a", "system_b"])["similarity"]
    assert similarity[("alpha", "alpha")] == pytest.approx(1.0)
    assert similarity[("alpha", "beta")] == pytest.approx(1.0)  # same emphasis, different strength
    assert similarity[("alpha", "gamma")] == pytest.approx(0.0)
    assert similarity[("beta", "gamma")] == similarity[("gamma", "beta")]


def test_source_differences(tables):
    differences = earlier.source_differences(tables)
    assert len(differences) == 1
    row = differences.iloc[0]
    assert (row["value_reference"], row["value"], row["source_id"]) == (2_000_000, 2_100_000, "t")
