"""The external-help chapter's charts and tables (analysis/external_help.py), on the shipped data."""

from __future__ import annotations

from ics_evidence.analysis import codebook, external_help
from ics_evidence.analysis.stated import as_stated


def test_system_links_drop_links_to_systems_not_in_the_data(shipped_tables):
    tables = dict(shipped_tables)
    assert len(external_help.system_links(tables)) == len(tables["system_partners"])
    systems = tables["systems"]
    dropped = systems["system_id"].iloc[0]
    tables["systems"] = systems[systems["system_id"] != dropped]
    links = external_help.system_links(tables)
    assert dropped not in set(links["system_id"])
    assert len(links) == (shipped_tables["system_partners"]["system_id"] != dropped).sum()


def test_partner_kinds_figure_names_the_partners_of_each_kind(shipped_tables):
    chart, data = external_help.partner_kinds_figure(shipped_tables)
    partners = shipped_tables["partners"]
    assert data["Partners"].sum() == len(partners)
    for label, who in zip(data["Kind"], data["Who"], strict=True):
        kind = next(k for k in partners["kind"] if codebook.label_for_kind(k) == label)
        assert set(who.split("; ")) == set(partners.loc[partners["kind"] == kind, "name"])
    assert chart.to_dict()["layer"][0]["encoding"]["y"]["sort"] == "-x"


def test_systems_by_kind_figure_keeps_every_system_on_the_axis(shipped_tables):
    chart, data = external_help.systems_by_kind_figure(shipped_tables)
    spec = chart.to_dict()
    names = list(shipped_tables["systems"]["name"])
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == names
    assert len(data) and (data["Partners"] > 0).all()
    assert data["Partners"].sum() == len(shipped_tables["system_partners"])
    top = int(external_help.partner_kind_matrix(shipped_tables)["partners"].max())
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == [0, max(top, 1)]


def test_partner_reach_figure_lists_linked_partners_widest_reach_first(shipped_tables):
    chart, data = external_help.partner_reach_figure(shipped_tables)
    linked = set(shipped_tables["system_partners"]["partner_id"])
    assert len(data) == len(linked)
    assert list(data["Systems helped"]) == sorted(data["Systems helped"], reverse=True)
    assert chart.to_dict()["layer"][0]["encoding"]["y"]["sort"] == list(data["Partner"])


def test_every_link_table_lists_each_link_in_system_order(shipped_tables):
    shown = external_help.every_link_table(shipped_tables)
    assert len(shown) == len(external_help.system_links(shipped_tables))
    positions = list(shipped_tables["systems"]["name"])
    order = [positions.index(name) for name in shown["System"]]
    assert order == sorted(order)
    linked = shipped_tables["partners"].merge(shipped_tables["system_partners"], on="partner_id")
    assert set(shown["Kind"]) == {codebook.label_for_kind(kind) for kind in linked["kind"]}


def test_exemplar_rows_follow_the_kinds_asked_for(shipped_tables):
    rows = external_help.exemplar_rows(shipped_tables, ["other-sector", "international"])
    exemplars = shipped_tables["exemplars"]
    assert len(rows) == exemplars["kind"].isin(["other-sector", "international"]).sum()
    assert list(rows["order"]) == sorted(rows["order"])
    assert rows["kind"].iloc[0] == codebook.label_for_kind("other-sector")
    for _order, group in rows.groupby("order"):
        assert list(group["name"]) == sorted(group["name"])


def test_figure_rows_word_each_exemplar_figure(shipped_tables):
    chosen = external_help.exemplar_rows(shipped_tables, ["international", "other-sector", "national-programme"])
    rows = external_help.figure_rows(shipped_tables, chosen)
    figures = shipped_tables["exemplar_figures"]
    assert len(rows) == figures["exemplar_id"].isin(set(chosen["exemplar_id"])).sum()
    columns = [figures[c] for c in ("value", "unit", "qualifier", "low", "high", "quote")]
    words = {as_stated(*figure) for figure in zip(*columns, strict=True)}
    assert set(rows["As the source puts it"]) == words
    assert "more than £2 billion" in words and "8–10 people" in words  # hedges, units and ranges kept


def test_exemplar_table_has_the_chosen_exemplars(shipped_tables):
    chosen = external_help.exemplar_rows(shipped_tables, ["national-programme"])
    shown = external_help.exemplar_table(chosen)
    assert list(shown.columns) == ["Exemplar", "Kind", "Country", "What it shows", "Evidence"]
    assert list(shown["Exemplar"]) == list(chosen["name"])
