"""The earlier-case-studies chapter's charts and tables (analysis/earlier.py), on the shipped data."""

from __future__ import annotations

import pandas as pd

from ics_evidence.analysis import codebook, earlier


def test_cases_carry_their_systems_name(shipped_tables):
    cases = earlier.cases(shipped_tables)
    assert len(cases) == len(shipped_tables["earlier_case_studies"])
    names = shipped_tables["systems"].set_index("system_id")["name"]
    for system_id, name in zip(cases["system_id"], cases["name"], strict=True):
        assert name == names.get(system_id, name)


def test_earlier_sources_and_year_come_from_the_sources_table(shipped_tables):
    sources = earlier.earlier_sources(shipped_tables)
    assert sources == list(dict.fromkeys(shipped_tables["earlier_case_studies"]["source_id"]))
    years = shipped_tables["sources"].set_index("source_id").loc[sources, "year"]
    assert earlier.earlier_year(shipped_tables) == years.min()


def test_earlier_year_is_missing_without_earlier_case_studies(shipped_tables):
    tables = dict(shipped_tables)
    tables["earlier_case_studies"] = shipped_tables["earlier_case_studies"].iloc[0:0]
    assert pd.isna(earlier.earlier_year(tables))


def test_earlier_figures_come_only_from_the_earlier_sources(shipped_tables):
    figures = earlier.earlier_figures(shipped_tables)
    sources = set(earlier.earlier_sources(shipped_tables))
    assert len(figures) > 0 and set(figures["source_id"]) <= sources
    other = shipped_tables["system_figures"]
    assert len(figures) == (other["source_id"].isin(sources) & ~other["is_reference"].fillna(False)).sum()


def test_reference_year_is_the_commonest_reference_source_year(shipped_tables):
    compared = earlier.figures_against_reference(shipped_tables)
    year = earlier.reference_year(shipped_tables)
    counts = compared["source_year_reference"].value_counts()
    assert counts[year] == counts.max()


def test_differing_figures_are_the_source_differences(shipped_tables):
    differing = earlier.differing_figures(shipped_tables)
    assert len(differing) == len(earlier.source_differences(shipped_tables)) > 0
    assert differing["differs"].all()


def test_involves_earlier_looks_at_both_sides(shipped_tables):
    inconsistencies = earlier.inconsistencies_with_sources(shipped_tables)
    flags = earlier.involves_earlier(shipped_tables, inconsistencies)
    sources = set(earlier.earlier_sources(shipped_tables))
    for flag, first, second in zip(flags, inconsistencies["source_id"], inconsistencies["alt_source_id"], strict=True):
        assert flag == (first in sources or second in sources)
    assert 0 < flags.sum() < len(inconsistencies)


def test_items_figure_counts_every_item_under_short_titles(shipped_tables):
    chart, data = earlier.items_figure(shipped_tables)
    assert data["Items"].sum() == len(shipped_tables["earlier_case_study_items"])
    grid = earlier.items_grid(shipped_tables)
    assert not grid["short"].str.contains("(earlier case study)", regex=False).any()
    assert chart.to_dict()["layer"][0]["encoding"]["y"]["sort"] == list(dict.fromkeys(grid["short"]))


def test_items_table_lists_items_by_case_study_then_kind(shipped_tables):
    shown = earlier.items_table(shipped_tables)
    assert len(shown) == len(shipped_tables["earlier_case_study_items"])
    titles = list(earlier.cases(shipped_tables)["title"])
    positions = [titles.index(title) for title in shown["Earlier case study"]]
    assert positions == sorted(positions)


def test_verdict_words_the_comparison():
    assert earlier.verdict(True) == "differs"
    assert earlier.verdict(False) == "same"
    assert earlier.verdict(pd.NA) == "no reference value"


def test_earlier_figures_table_puts_differences_first_and_matches_last(shipped_tables):
    verdicts = list(earlier.earlier_figures_table(shipped_tables)["Same or different"])
    rank = {"differs": 0, "no reference value": 1, "same": 2}
    assert [rank[v] for v in verdicts] == sorted(rank[v] for v in verdicts)
    assert len(verdicts) == len(earlier.earlier_figures(shipped_tables))


def test_where_names_the_document_its_type_year_and_section(shipped_tables):
    source = shipped_tables["sources"].iloc[0]
    kind = codebook.label_for_kind(source["document_type"])
    place = earlier.where(shipped_tables, "Title", source["source_id"], 2020, "Box 1")
    assert place == f"Title ({kind}, 2020), Box 1"
    assert earlier.where(shipped_tables, "Title", source["source_id"], 2020, pd.NA) == f"Title ({kind}, 2020)"
    assert pd.isna(earlier.where(shipped_tables, "Title", pd.NA, 2020, "Box 1"))


def test_inconsistency_table_capitalises_topics_and_names_missing_systems(shipped_tables):
    inconsistencies = earlier.inconsistencies_with_sources(shipped_tables)
    shown = earlier.inconsistency_table(shipped_tables, inconsistencies)
    assert len(shown) == len(inconsistencies) > 0
    assert all(topic[:1].isupper() for topic in shown["Topic"])
    assert shown["System"].notna().all()
    no_system = inconsistencies["name"].isna()
    assert (shown.loc[no_system.to_numpy(), "System"] == "Not specific to one system").all()
