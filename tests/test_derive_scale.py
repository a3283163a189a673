"""The scale chapter's derived tables: figures as the sources word them, multi-system programmes
found from the data, ratios with their inputs, and headline numbers that count ICSs only."""

from __future__ import annotations

import pandas as pd
import pytest

from ics_evidence.analysis import figures, scale


def frame(rows: list[dict], dtypes: dict | None = None) -> pd.DataFrame:
    out = pd.DataFrame(rows)
    return out.astype(dtypes) if dtypes else out


def fig(system_id: str, measure_id: str, value: float, qualifier: str = "exact", *, reference: bool = True,
        quote: str = "q") -> dict:  # fmt: skip
    return {"system_id": system_id, "measure_id": measure_id, "value": value, "qualifier": qualifier,
            "is_reference": reference, "quote": quote, "source_id": "s"}  # fmt: skip


UNITS = {"population": "people", "area_sq_miles": "square miles", "nhs_budget_gbp_bn": "GBP billion"}


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    measures = ("population", "area_sq_miles", "nhs_budget_gbp_bn", "nhs_trusts", "primary_care_networks",
                "place_partnerships", "systems_covered")  # fmt: skip
    return {
        "systems": frame([
            {"system_id": "alpha", "name": "Alpha"},
            {"system_id": "joint", "name": "Joint programme"},
            {"system_id": "beta", "name": "Beta"},
            {"system_id": "gamma", "name": "Gamma"},
        ]),
        "measures": frame([{"measure_id": m, "label": m.replace("_", " ").capitalize(), "unit": UNITS.get(m, "count")}
                           for m in measures]),
        "system_figures": frame([
            fig("alpha", "population", 3_000_000, "more-than"),
            fig("alpha", "population", 3_100_000, reference=False),
            fig("alpha", "nhs_budget_gbp_bn", 6.6),
            fig("alpha", "place_partnerships", 3),
            fig("joint", "systems_covered", 3, quote="A collaboration of three systems including Beta."),
            fig("joint", "population", 9_000_000),
            fig("beta", "population", 1_000_000, "around"),
            fig("beta", "nhs_budget_gbp_bn", 1.5),
            fig("beta", "systems_covered", 1),
        ], {"value": "Float64", "is_reference": "boolean", "qualifier": "string", "quote": "string"}),
    }  # fmt: skip


def test_stated_figures_use_reference_values_and_flag_hedged_ones(tables):
    stated = figures.stated_figures(tables).set_index(["system_id", "measure_id"])
    assert stated.loc[("alpha", "population"), "value"] == 3_000_000
    assert stated.loc[("alpha", "population"), "approximate"]
    assert not stated.loc[("alpha", "nhs_budget_gbp_bn"), "approximate"]


def test_programmes_come_from_systems_covered_above_one_with_overlaps(tables):
    programmes = scale.multi_system_programmes(tables)
    assert list(programmes["system_id"]) == ["joint"]  # beta covers one system: an ICS, not a programme
    assert programmes.loc[0, "systems_covered"] == 3
    assert programmes.loc[0, "overlapping"] == ("Beta",)


def test_no_programmes_gives_an_empty_frame_with_columns(tables):
    tables["system_figures"] = tables["system_figures"][tables["system_figures"]["measure_id"] != "systems_covered"]
    programmes = scale.multi_system_programmes(tables)
    assert programmes.empty and "overlapping" in programmes.columns


def test_scale_table_keeps_every_system_and_marks_kind_and_hedges(tables):
    table = scale.scale_table(tables).set_index("system_id")
    assert list(table.index) == ["alpha", "joint", "beta", "gamma"]
    assert table.loc["joint", "kind"] == "multi-system programme"
    assert table.loc["alpha", "kind"] == "integrated care system"
    assert table.loc["alpha", "budget_per_head_gbp"] == pytest.approx(2200)
    assert table.loc["alpha", "people_per_place"] == pytest.approx(1_000_000)
    assert table.loc["alpha", "hedged"] == "Population: more than 3 million people"
    assert pd.isna(table.loc["gamma", "population"]) and pd.isna(table.loc["gamma", "hedged"])


def test_ratio_inputs_carry_both_figures_and_hedging(tables):
    inputs = scale.ratio_inputs(tables, "budget_per_head_gbp").set_index("system_id")
    assert list(inputs.index) == ["alpha", "beta"]  # only systems with both figures
    assert inputs.loc["alpha", "numerator_as_stated"] == "£6.6 billion"
    assert inputs.loc["alpha", "denominator_as_stated"] == "more than 3 million people"
    assert inputs.loc["alpha", "approximate"] and inputs.loc["beta", "approximate"]


def test_summary_counts_integrated_care_systems_only(tables):
    summary = scale.scale_summary(tables)
    assert summary["case_studies"] == 4 and summary["systems"] == 3 and summary["programmes"] == 1
    assert summary["total_population"] == 4_000_000  # the programme's 9 million would double count
    assert summary["largest_name"] == "Alpha" and summary["smallest_name"] == "Beta"
    assert summary["population_reported"] == 2 and summary["population_hedged"] == 2
    assert summary["median_budget_per_head"] == pytest.approx((2200 + 1500) / 2)
    assert all(not hasattr(v, "dtype") for v in summary.values())  # plain Python values for glue


def test_summary_without_any_figures(tables):
    tables["system_figures"] = tables["system_figures"].iloc[0:0]
    summary = scale.scale_summary(tables)
    assert summary["total_population"] is None and summary["largest_name"] is None
    assert summary["median_budget_per_head"] is None and summary["systems"] == 4


@pytest.fixture
def kinds(tables) -> dict[str, pd.DataFrame]:
    """The same case studies with the explicit model: systems.kind, part_of and budget basis."""
    tables["systems"] = frame([
        {"system_id": "alpha", "name": "Alpha", "kind": "ics", "part_of": pd.NA},
        {"system_id": "joint", "name": "Joint programme", "kind": "programme", "part_of": pd.NA},
        {"system_id": "beta", "name": "Beta", "kind": "ics", "part_of": "joint"},
        {"system_id": "gamma", "name": "Gamma", "kind": "ics", "part_of": pd.NA},
    ])  # fmt: skip
    figures = tables["system_figures"].copy()
    figures["basis"] = pd.Series([pd.NA] * len(figures), dtype="string")
    figures.loc[(figures["system_id"] == "alpha") & (figures["measure_id"] == "nhs_budget_gbp_bn"), "basis"] = "budget"
    figures.loc[(figures["system_id"] == "beta") & (figures["measure_id"] == "nhs_budget_gbp_bn"), "basis"] = (
        "nhs-budget"
    )
    tables["system_figures"] = figures
    return tables


def test_peers_are_the_systems_of_kind_ics(kinds):
    assert figures.peer_ids(kinds) == ["alpha", "beta", "gamma"]
    programmes = scale.multi_system_programmes(kinds)
    assert list(programmes["system_id"]) == ["joint"]
    assert programmes.loc[0, "overlapping"] == ("Beta",)  # from systems.part_of, not from the quote


def test_a_programme_is_not_ranked_and_not_counted_in_ranks(kinds):
    joint = figures.key_figures(kinds, "joint").set_index("measure_id")
    assert joint.loc["population", "Rank among systems reporting it"] == "not ranked: multi-system programme"
    beta = figures.key_figures(kinds, "beta").set_index("measure_id")
    # the programme's 9 million left out
    assert beta.loc["population", "Rank among systems reporting it"] == "second of 2"
    assert beta.loc["population", "As the source puts it"] == "around 1 million people"


def test_budgets_rank_and_compare_only_on_the_same_basis(kinds):
    beta = figures.key_figures(kinds, "beta").set_index("measure_id")
    assert beta.loc["nhs_budget_gbp_bn", "Rank among systems reporting it"] == "first of 1 (NHS budget)"
    assert beta.loc["nhs_budget_gbp_bn", "As the source puts it"] == "£1.5 billion (NHS budget)"
    summary = scale.scale_summary(kinds)
    assert summary["budget_per_head_reported"] == 1  # Alpha's budget is not said to be NHS-only
    assert summary["median_budget_per_head"] == pytest.approx(1500)
    assert summary["budget_left_out"] == "Alpha (budget, NHS-only not stated)"
    assert summary["largest_as_stated"] == "more than 3 million people"  # hedged as the source words it
    assert summary["smallest_as_stated"] == "around 1 million people"
