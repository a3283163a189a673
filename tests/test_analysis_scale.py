"""The scale chapter's charts and tables (analysis/scale.py), on the shipped data."""

from __future__ import annotations

import pandas as pd
import pytest

from ics_evidence.analysis import charts, figures, scale


@pytest.fixture(scope="module")
def programmes(shipped_tables) -> pd.DataFrame:
    return scale.multi_system_programmes(shipped_tables)


def test_programmes_table_joins_the_overlapping_case_studies(programmes):
    shown = scale.programmes_table(programmes)
    overlap = "Case studies of their own among them"
    assert list(shown.columns) == ["Programme", "Systems taking part", overlap, "Evidence"]
    assert len(shown) == len(programmes)
    for overlapping, text in zip(programmes["overlapping"], shown[overlap], strict=True):
        assert (pd.isna(text) and not overlapping) or text == "; ".join(overlapping)


def _panel_rows(spec: dict, panel: dict) -> list[dict]:
    return spec["datasets"][panel["data"]["name"]]


def test_population_figure_ranks_the_systems_and_draws_the_programme_apart(shipped_tables, programmes):
    chart, data = scale.population_figure(shipped_tables)
    wide, narrow = charts.split_narrow(chart.to_dict())
    stated = figures.stated_figures(shipped_tables)
    assert len(data) == (stated["measure_id"] == "population").sum() > 0
    for name in programmes["name"]:
        assert f"{name} (multi-system programme)" in set(data["System"])
    peers = set(figures.peer_ids(shipped_tables))
    population = stated[stated["measure_id"] == "population"]
    ranked = list(population[population["system_id"].isin(peers)].sort_values("value", ascending=False)["name"])
    for spec in (wide, narrow):
        systems_panel, programme_panel = spec["vconcat"]
        assert systems_panel["layer"][0]["encoding"]["y"]["sort"] == ranked
        assert {row["name"] for row in _panel_rows(spec, programme_panel)} == set(programmes["name"])
        title = " ".join(programme_panel["layer"][0]["title"]["text"])
        assert "not ranked" in title and "Surrey Heartlands" in title
        # One scale for both panels, so the programme's bar is read against the systems'.
        domains = {tuple(p["layer"][0]["encoding"]["x"]["scale"]["domain"]) for p in spec["vconcat"]}
        assert len(domains) == 1
    assert "population" in wide["description"] and "apart" in wide["description"]


def test_ics_ids_leave_out_the_multi_system_programmes(shipped_tables, programmes):
    ids = scale.ics_ids(shipped_tables)
    assert ids == set(shipped_tables["systems"]["system_id"]) - set(programmes["system_id"])


def test_ratio_chart_shows_the_ratio_for_integrated_care_systems_only(shipped_tables, programmes):
    chart, shown = scale.ratio_chart(
        shipped_tables, "budget_per_head_gbp", "Budget per head", "the budget per head", "Budget", "Population"
    )
    wide = figures.figures_wide(shipped_tables).set_index("name")
    assert len(shown) > 0 and not set(shown["System"]) & set(programmes["name"])
    for name, value in zip(shown["System"], shown["Budget per head"], strict=True):
        assert value == round(wide.loc[name, "nhs_budget_gbp_bn"] * 1e9 / wide.loc[name, "population"])
    assert set(shown["Computed from a hedged figure"]) <= {"yes", "no"}
    assert list(shown.columns)[2:4] == ["Budget", "Population"]
    spec = chart.to_dict()
    assert [t["title"] for t in spec["encoding"]["tooltip"]][2] == "Budget"
    assert "the budget per head" in spec["description"]


def test_income_table_lists_budget_and_income_of_the_systems_giving_both(shipped_tables):
    shown = scale.income_table(shipped_tables)
    stated = figures.stated_figures(shipped_tables)
    with_income = set(stated.loc[stated["measure_id"] == "total_income_gbp_bn", "name"])
    assert set(shown["System"]) == with_income
    labels = set(figures.stated_figures(shipped_tables).query("measure_id == 'total_income_gbp_bn'")["label"])
    for _name, rows in shown.groupby("System"):
        assert labels <= set(rows["Figure"]) and len(rows) >= 2


def test_organisations_figure_has_one_panel_per_measure_and_no_programmes(shipped_tables, programmes):
    chart, data = scale.organisations_figure(shipped_tables)
    titles = [panel["title"] for panel in chart.to_dict()["vconcat"]]
    assert titles == list(dict.fromkeys(data["Measure"]))
    assert set(titles) <= {"People per primary care network", "People per NHS trust"}
    assert not set(data["System"]) & set(programmes["name"])
    assert len(data) and (data["People"] == data["People"].round(0)).all()


def test_organisations_figure_says_so_when_no_system_reports_the_figures(shipped_tables):
    tables = dict(shipped_tables)
    figures = tables["system_figures"]
    tables["system_figures"] = figures[~figures["measure_id"].isin(["primary_care_networks", "nhs_trusts"])]
    chart, data = scale.organisations_figure(tables)
    assert data.empty
    assert [panel["title"] for panel in chart.to_dict()["vconcat"]] == ["No system reports these figures"]


def test_key_figures_table_has_every_case_study_with_whole_number_ratios(shipped_tables):
    shown = scale.key_figures_table(shipped_tables)
    assert list(shown["System"]) == list(shipped_tables["systems"]["name"])
    assert list(shown.columns) == list(scale.KEY_FIGURE_COLUMNS.values())
    for column in scale.RATIO_COLUMNS:
        values = shown[scale.KEY_FIGURE_COLUMNS[column]].dropna()
        assert (values == values.round(0)).all()
    assert shown["Figures the source hedges"].notna().all()
    words = {"System", "Kind", "Figures the source hedges", "Budget as the source words it"}
    assert set(scale.KEY_FIGURE_NUMERIC) == set(shown.columns) - words


def test_hedged_figures_table_lists_every_hedged_key_figure_in_system_order(shipped_tables):
    shown = scale.hedged_figures_table(shipped_tables)
    stated = figures.stated_figures(shipped_tables)
    hedged = stated[stated["measure_id"].isin(figures.KEY_MEASURES) & stated["approximate"]]
    assert len(shown) == len(hedged) > 0
    assert set(shown["As the source puts it"]) == set(hedged["as_stated"])
    positions = list(shipped_tables["systems"]["name"])
    order = [positions.index(name) for name in shown["System"]]
    assert order == sorted(order)
