"""The methods-and-legacies chapter's charts and tables (analysis/methods.py), on the shipped data."""

from __future__ import annotations

from ics_evidence.analysis import methods


def test_method_kind_words_known_kinds_and_falls_back_for_others():
    assert methods.method_kind("qi-method") == "Quality improvement method"
    assert methods.method_kind("learning-network") == "Learning network"


def test_system_method_links_name_both_sides(shipped_tables):
    links = methods.system_method_links(shipped_tables)
    assert len(links) == len(shipped_tables["system_methods"]) > 0
    assert {"name_system", "name_method", "kind"} <= set(links.columns)
    assert links["name_system"].notna().all() and links["name_method"].notna().all()


def test_systems_grid_figure_keeps_every_system_and_method_on_its_axis(shipped_tables):
    chart, data = methods.systems_grid_figure(shipped_tables)
    encoding = chart.to_dict()["encoding"]
    assert encoding["x"]["scale"]["domain"] == list(shipped_tables["systems"]["name"])
    assert encoding["y"]["scale"]["domain"] == list(methods.method_usage(shipped_tables)["name"])
    assert len(data) == len(shipped_tables["system_methods"])
    assert set(data["Kind"]) <= {methods.method_kind(k) for k in shipped_tables["methods"]["kind"]}


def test_usage_table_has_every_method_most_used_first(shipped_tables):
    shown = methods.usage_table(shipped_tables)
    assert len(shown) == len(shipped_tables["methods"])
    assert list(shown["Systems using it"]) == sorted(shown["Systems using it"], reverse=True)
    assert "qi-method" not in set(shown["Kind"])


def test_kinds_figure_counts_each_kinds_methods(shipped_tables):
    chart, data = methods.kinds_figure(shipped_tables)
    assert data["Methods in the codebook"].sum() == len(shipped_tables["methods"])
    for count, names in zip(data["Methods in the codebook"], data["Methods"], strict=True):
        assert len(names.split("; ")) == count
    assert "each bar labelled" in chart.to_dict()["description"]


def test_dimension_table_has_every_system_and_a_caption_from_the_codebook(shipped_tables):
    dimensions = shipped_tables["dimensions"].set_index("dimension_id")
    for dimension_id in ("legacy", "system-leadership"):
        table, caption = methods.dimension_table(shipped_tables, dimension_id)
        assert list(table["System"]) == list(shipped_tables["systems"]["name"])
        assert list(table.columns) == ["System", "Summary", "Evidence"]
        assert caption == f"{dimensions.loc[dimension_id, 'label']}: {dimensions.loc[dimension_id, 'description']}"
