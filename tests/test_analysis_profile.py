"""A system profile page's charts and tables (analysis/profile.py), on the shipped data."""

from __future__ import annotations

import pytest

from ics_evidence.analysis import codebook, figures, profile


@pytest.fixture(scope="module")
def system_id(shipped_tables) -> str:
    return shipped_tables["systems"]["system_id"].iloc[0]


def test_system_row_gives_the_system_or_names_the_known_ids(shipped_tables, system_id):
    assert profile.system_row(shipped_tables, system_id)["name"] == shipped_tables["systems"]["name"].iloc[0]
    with pytest.raises(ValueError, match=f"unknown system_id 'nowhere'.*{system_id}"):
        profile.system_row(shipped_tables, "nowhere")


def test_of_system_keeps_only_the_systems_rows(shipped_tables, system_id):
    rows = profile.of_system(shipped_tables, "lessons", system_id)
    assert len(rows) == (shipped_tables["lessons"]["system_id"] == system_id).sum() > 0
    assert set(rows["system_id"]) == {system_id}


def test_key_figures_table_has_every_key_measure(shipped_tables, system_id):
    shown = profile.key_figures_table(shipped_tables, system_id)
    assert "measure_id" not in shown.columns
    assert len(shown) == len(figures.key_figures(shipped_tables, system_id))


def test_population_figure_highlights_only_this_system(shipped_tables, system_id):
    chart, data = profile.population_figure(shipped_tables, system_id)
    spec = chart.to_dict()
    rows = [row for dataset in spec["datasets"].values() for row in dataset]
    name = profile.system_row(shipped_tables, system_id)["name"]
    assert [row["name"] for row in rows if row["This system"] == "this system"] == [name]
    assert name in spec["description"]
    assert len(data) == len(shipped_tables["systems"])


def test_themes_table_puts_the_strongest_codes_first_in_words(shipped_tables, system_id):
    shown = profile.themes_table(shipped_tables, system_id)
    assert len(shown) == (shipped_tables["theme_coding"]["system_id"] == system_id).sum()
    order = {"central": 0, "present": 1, "not evident": 2}
    ranks = [order[word] for word in shown["Strength"]]
    assert ranks == sorted(ranks)


def test_examples_table_orders_examples_by_level(shipped_tables, system_id):
    shown = profile.examples_table(shipped_tables, system_id)
    assert len(shown) == (shipped_tables["improvement_examples"]["system_id"] == system_id).sum()
    levels = list(codebook.EXAMPLE_LEVELS)
    positions = [levels.index(level) for level in shown["Level"]]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("function", "table", "first_column"),
    [
        (profile.results_table, "results", "Kind"),
        (profile.methods_table, "system_methods", "Method"),
        (profile.partners_table, "system_partners", "Partner"),
        (profile.lessons_table, "lessons", "Kind"),
        (profile.dimensions_table, "system_dimensions", "Dimension"),
    ],
)
def test_each_table_has_the_systems_rows_only(shipped_tables, system_id, function, table, first_column):
    shown = function(shipped_tables, system_id)
    assert len(shown) == (shipped_tables[table]["system_id"] == system_id).sum()
    assert shown.columns[0] == first_column and shown.columns[-1] == "Evidence"


def test_dimensions_table_follows_the_dimensions_order(shipped_tables, system_id):
    shown = profile.dimensions_table(shipped_tables, system_id)
    ordered = shipped_tables["dimensions"].sort_values("order")["label"]
    assert list(shown["Dimension"]) == [label for label in ordered if label in set(shown["Dimension"])]


def test_key_figures_read_as_people_write_them_once(shipped_tables):
    import re

    for system_id in shipped_tables["systems"]["system_id"]:
        for value in profile.key_figures_table(shipped_tables, system_id)["Value"].dropna():
            numbers = re.findall(r"\d[\d.,]*", value)
            assert len(numbers) <= 1, value  # e.g. never "800,000 800,000 people"
    nenc = profile.key_figures_table(shipped_tables, "north-east-and-north-cumbria").set_index("Measure")
    assert nenc.loc["Population served", "Value"] == "more than 3 million people"


def test_a_result_the_source_states_without_a_number_says_so_and_halved_stays_a_word(shipped_tables):
    from ics_evidence.analysis.stated import NO_NUMBER

    west = profile.results_table(shipped_tables, "west-yorkshire")
    results = shipped_tables["results"]
    without = results[(results["system_id"] == "west-yorkshire") & results["value"].isna()]
    assert len(without) and (west["As the source puts it"] == NO_NUMBER).sum() == len(without)
    dorset = profile.results_table(shipped_tables, "dorset").set_index("What")
    halved = results.set_index("result_id").loc["dorset-ageing-well-admissions-halved", "description"]
    assert dorset.loc[halved, "As the source puts it"] == "halved"  # the source's word, not "50 per cent"
