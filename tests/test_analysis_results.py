"""The results-and-targets chapter's charts and tables (analysis/results.py), on the shipped data."""

from __future__ import annotations

from ics_evidence.analysis import results, stated


def test_kinds_give_a_heading_and_meaning_for_each_result_kind():
    kinds = results.kinds()
    assert list(kinds) == [kind for kind, _heading, _meaning in results.RESULT_KINDS]
    assert all(heading and meaning for heading, meaning in kinds.values())


def test_summary_table_counts_figures_and_systems_by_kind(shipped_tables):
    shown = results.summary_table(shipped_tables)
    rows = shipped_tables["results"]
    assert shown["Figures"].sum() == len(rows)
    for heading, systems in zip(shown["Kind"], shown["Systems giving at least one"], strict=True):
        kind = next(k for k, (h, _m) in results.kinds().items() if h == heading)
        assert systems == rows.loc[rows["kind"] == kind, "system_id"].nunique()


def test_counts_figure_has_a_panel_per_kind_and_every_system(shipped_tables):
    chart, data = results.counts_figure(shipped_tables)
    spec = chart.to_dict()
    headings = [heading for heading, _meaning in results.kinds().values()]
    assert [panel["layer"][0]["title"] for panel in spec["vconcat"]] == headings
    assert list(data["System"]) == list(shipped_tables["systems"]["name"])
    assert data[headings].to_numpy().sum() == len(shipped_tables["results"])
    # The description counts and names the panels drawn (it once said three of four).
    panels = stated.number_word(len(spec["vconcat"]))
    assert spec["description"].startswith(f"{panels.capitalize()} horizontal bar charts")
    assert all(heading.lower() in spec["description"] for heading in headings)


def test_kind_table_lists_the_kinds_figures_with_quoted_evidence(shipped_tables):
    listed = 0
    for kind, (heading, meaning) in results.kinds().items():
        table, caption = results.kind_table(shipped_tables, kind)
        assert len(table) == (shipped_tables["results"]["kind"] == kind).sum()
        assert caption.startswith(f"{heading}: {meaning}. ")
        assert table["Evidence"].str.startswith("“").all()
        listed += len(table)
    assert listed, "some figures were listed"


def test_units_table_counts_figures_and_systems_per_unit(shipped_tables):
    shown = results.units_table(shipped_tables)
    rows = shipped_tables["results"]
    assert shown["Figures"].sum() == rows["unit"].notna().sum()
    assert list(shown["Figures"]) == sorted(shown["Figures"], reverse=True)
    first = shown.iloc[0]
    assert first["Systems using it"] == rows.loc[rows["unit"] == first["Unit"], "system_id"].nunique()
