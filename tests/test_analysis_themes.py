"""The themes chapter's charts, tables and values (analysis/themes.py), on the shipped data."""

from __future__ import annotations

import math

import pandas as pd

from ics_evidence.analysis import figures, themes


def test_code_counts_add_up_to_the_coded_cells(shipped_tables):
    counts = themes.code_counts(shipped_tables)
    coding = shipped_tables["theme_coding"]
    assert set(counts) == {0, 1, 2}
    assert sum(counts.values()) == len(coding)
    assert counts[2] == (coding["strength"] == 2).sum()


def test_codebook_table_has_every_theme_with_its_definition_and_decision_rules(shipped_tables):
    shown = themes.codebook_table(shipped_tables)
    assert list(shown.columns) == [
        "Theme", "What counts as evidence", "Central (2) when", "Present (1) when", "Not evident (0) when",
        "A borderline case",
    ]  # fmt: skip
    assert shown.notna().all().all()
    assert list(shown["Theme"]) == list(shipped_tables["themes"]["label"])


def test_matrix_cells_word_each_code_and_quote_its_evidence(shipped_tables):
    cells = themes.matrix_cells(shipped_tables)
    assert len(cells) == len(shipped_tables["theme_coding"])
    for strength, coded_as in zip(cells["strength"], cells["coded_as"], strict=True):
        assert coded_as == f"{strength} {themes.STRENGTH_WORDS[strength]}"
    coded = cells[cells["strength"] > 0]
    assert len(coded) and coded["evidence"].str.startswith("“").all()


def test_matrix_figure_orders_systems_and_themes_as_the_data_do(shipped_tables):
    chart, data = themes.matrix_figure(shipped_tables)
    tiles = chart.to_dict()["layer"][0]
    assert tiles["encoding"]["x"]["sort"] == list(shipped_tables["systems"]["name"])
    assert tiles["encoding"]["y"]["sort"] == list(shipped_tables["themes"]["label"])
    assert tiles["encoding"]["color"]["scale"]["domain"] == ["0 not evident", "1 present", "2 central"]
    assert list(data.columns) == ["System", "Theme", "Code", "Meaning", "How it shows", "Evidence"]


def test_matrix_in_words_has_a_row_per_theme_and_a_column_per_system(shipped_tables):
    words = themes.matrix_in_words(shipped_tables)
    systems = shipped_tables["systems"]
    assert list(words.columns) == ["Theme", *systems["name"]]
    assert list(words["Theme"]) == list(shipped_tables["themes"]["label"])
    matrix = themes.theme_matrix(shipped_tables)
    first_theme, first_system = matrix.columns[0], matrix.index[0]
    assert words.iloc[0, 1] == themes.STRENGTH_WORDS[int(matrix.loc[first_system, first_theme])]
    assert set(words.iloc[:, 1:].stack()) <= set(themes.STRENGTH_WORDS.values())


def test_ranked_prevalence_puts_the_most_widely_shared_theme_first(shipped_tables):
    ranked = themes.ranked_prevalence(shipped_tables)
    keys = list(zip(ranked["systems_present"], ranked["systems_central"], ranked["mean_strength"], strict=True))
    assert keys == sorted(keys, reverse=True)
    assert list(ranked.index) == list(range(len(ranked)))


def test_shared_everywhere_counts_against_the_integrated_care_systems(shipped_tables):
    everywhere, central = themes.shared_everywhere(shipped_tables)
    matrix = themes.theme_matrix(shipped_tables)
    matrix = matrix[matrix.index.isin(figures.peer_ids(shipped_tables))]  # the programme is not counted
    assert set(everywhere["theme_id"]) == {t for t in matrix.columns if (matrix[t] >= 1).all()}
    assert set(central["theme_id"]) == {t for t in matrix.columns if (matrix[t] == 2).all()}
    assert set(central["theme_id"]) <= set(everywhere["theme_id"])


def test_prevalence_figure_scales_to_the_number_of_integrated_care_systems(shipped_tables):
    chart, data = themes.prevalence_figure(shipped_tables)
    spec = chart.to_dict()
    n_systems = len(figures.peer_ids(shipped_tables))
    assert n_systems < len(shipped_tables["systems"])  # the shipped data hold a programme
    assert spec["spec"]["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, n_systems]
    assert f"out of {n_systems}" in spec["description"]
    assert list(data["Theme"]) == list(themes.ranked_prevalence(shipped_tables)["label"])


def test_similarity_values_name_the_most_and_least_alike_pairs(shipped_tables):
    pairs = themes.similarity_pairs(shipped_tables)
    values = themes.similarity_values(pairs)
    assert values["themes-pairs-compared"] == len(pairs) > 0
    assert values["themes-most-alike-similarity"] == pairs["similarity"].max()
    assert values["themes-least-alike-similarity"] == pairs["similarity"].min()
    assert values["themes-most-alike-pair"] == f"{pairs.iloc[0]['name_a']} – {pairs.iloc[0]['name_b']}"


def test_similarity_values_without_pairs_are_not_available():
    values = themes.similarity_values(pd.DataFrame(columns=["name_a", "name_b", "similarity"]))
    assert values["themes-pairs-compared"] == 0
    assert values["themes-most-alike-first"] == values["themes-least-alike-pair"] == "not available"
    assert math.isnan(values["themes-similarity-median"])
    assert len(values) == 10


def test_similarity_figure_shows_each_pair_both_ways_and_tables_it_once(shipped_tables):
    chart, data = themes.similarity_figure(shipped_tables)
    pairs = themes.similarity_pairs(shipped_tables)
    values = chart.to_dict()["datasets"]
    (rows,) = values.values()
    assert len(rows) == 2 * len(pairs) == 2 * len(data) > 0
    assert all(row["name_a"] != row["name_b"] for row in rows)
