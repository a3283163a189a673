"""The improvement-work chapter's charts and tables (analysis/improvement.py), on the shipped data."""

from __future__ import annotations

import pandas as pd

from ics_evidence.analysis import charts, codebook, improvement


def test_level_labels_and_colours_follow_the_level_order(shipped_tables):
    labels = improvement.level_labels(shipped_tables)
    levels = improvement.example_levels(shipped_tables)
    assert labels == [codebook.EXAMPLE_LEVELS.get(level, level) for level in levels]
    scale = improvement.level_scale(shipped_tables).to_dict()
    assert scale["domain"] == labels and scale["range"] == list(charts.PALETTE[: len(labels)])


def test_level_labels_keep_an_unknown_level_as_its_id(shipped_tables):
    tables = dict(shipped_tables)
    examples = tables["improvement_examples"].copy()
    examples["level"] = examples["level"].astype(object)
    examples.loc[examples.index[0], "level"] = "region"
    tables["improvement_examples"] = examples
    assert improvement.level_labels(tables)[-1] == "region"
    assert improvement.examples_per_level(tables)["region"] == 1


def test_examples_per_level_counts_every_example_once(shipped_tables):
    per_level = improvement.examples_per_level(shipped_tables)
    assert list(per_level.index) == improvement.example_levels(shipped_tables)
    assert per_level.sum() == len(shipped_tables["improvement_examples"])


def test_levels_figure_gives_counts_and_shares(shipped_tables):
    chart, data = improvement.levels_figure(shipped_tables)
    assert list(data["Level"]) == improvement.level_labels(shipped_tables)
    assert list(data["Examples"]) == list(improvement.examples_per_level(shipped_tables))
    assert abs(data["Share of all examples"].sum() - 1) < 1e-9
    assert chart.to_dict()["layer"][0]["encoding"]["y"]["sort"] == list(data["Level"])


def test_level_theme_figure_has_every_level_and_theme(shipped_tables):
    chart, data = improvement.level_theme_figure(shipped_tables)
    n_levels, n_themes = len(improvement.example_levels(shipped_tables)), len(shipped_tables["themes"])
    assert len(data) == n_levels * n_themes
    links = shipped_tables["example_themes"]
    assert data["Examples"].sum() == len(links)
    assert chart.to_dict()["layer"][0]["encoding"]["x"]["sort"] == improvement.level_labels(shipped_tables)


def test_by_system_figure_totals_each_systems_examples(shipped_tables):
    chart, data = improvement.by_system_figure(shipped_tables)
    systems = shipped_tables["systems"]
    assert list(data["System"]) == list(systems["name"])
    assert list(data.columns) == ["System", *improvement.level_labels(shipped_tables), "Total"]
    per_system = shipped_tables["improvement_examples"].groupby("system_id").size()
    names = systems.set_index("system_id")["name"]
    expected = {names[s]: n for s, n in per_system.items()}
    assert dict(zip(data["System"], data["Total"], strict=True)) == {n: expected.get(n, 0) for n in data["System"]}
    assert chart.to_dict()["layer"][0]["encoding"]["y"]["sort"] == list(systems["name"])


def test_named_methods_word_the_kinds(shipped_tables):
    methods = improvement.named_methods(shipped_tables)
    kinds = set(shipped_tables["methods"]["kind"])
    assert set(methods["kind"]) <= {improvement.KINDS.get(k, k) for k in kinds}
    assert methods["examples"].sum() == shipped_tables["improvement_examples"]["method_id"].notna().sum()


def test_methods_figure_is_ordered_most_named_first(shipped_tables):
    chart, data = improvement.methods_figure(shipped_tables)
    assert list(data["Examples"]) == sorted(data["Examples"], reverse=True)
    assert chart.to_dict()["layer"][0]["encoding"]["y"]["sort"] == list(data["Method"])


def test_listings_by_level_cover_every_example_with_gaps_named(shipped_tables):
    listings = improvement.listings_by_level(shipped_tables)
    assert [label for label, _ in listings] == improvement.level_labels(shipped_tables)
    tables = [table for _, table in listings]
    assert sum(len(table) for table in tables) == len(shipped_tables["improvement_examples"])
    combined = pd.concat(tables)
    assert len(combined) and combined["Method"].notna().all() and combined["Partners"].notna().all()
    assert (combined["Method"] == "none named").sum() == shipped_tables["improvement_examples"][
        "method_id"
    ].isna().sum()
