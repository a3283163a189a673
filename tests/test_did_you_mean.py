"""Unknown ids are reported with the nearest valid one ("did you mean area_sq_miles?")."""

from __future__ import annotations

import pytest

from ics_evidence import load_package, validate_package
from ics_evidence.data.csvfiles import edit_cell, read_rows
from ics_evidence.data.schema import read_package
from ics_evidence.data.suggest import nearest


def _foreign_key_messages(data, tmp_path) -> list[str]:
    return [p.message for p in validate_package(data, tmp_path / "no-sources") if p.rule == "foreign-key"]


@pytest.mark.parametrize("typo", ["area_sq_mile", "area-sq-miles", "Area_Sq_Miles", "area_sqmiles"])
def test_a_mistyped_measure_suggests_the_nearest(data_copy, tmp_path, typo):
    row = next(r for r in read_rows(data_copy / "system_figures.csv")[1] if r["measure_id"] == "area_sq_miles")
    match = {k: row[k] for k in ("system_id", "measure_id", "source_id")}
    edit_cell(data_copy / "system_figures.csv", match, "measure_id", typo)
    assert _foreign_key_messages(data_copy, tmp_path) == [
        "no such measure_id in measures.csv; did you mean 'area_sq_miles'?"
    ]


def test_a_mistyped_system_suggests_the_nearest(data_copy, tmp_path):
    row = read_rows(data_copy / "lessons.csv")[1][0]
    wrong = row["system_id"] + "x"
    edit_cell(data_copy / "lessons.csv", {"lesson_id": row["lesson_id"]}, "system_id", wrong)
    assert _foreign_key_messages(data_copy, tmp_path) == [
        f"no such system_id in systems.csv; did you mean {row['system_id']!r}?"
    ]


def test_nothing_is_suggested_when_nothing_is_close(data_copy, tmp_path):
    row = read_rows(data_copy / "lessons.csv")[1][0]
    edit_cell(data_copy / "lessons.csv", {"lesson_id": row["lesson_id"]}, "system_id", "zzzz")
    assert _foreign_key_messages(data_copy, tmp_path) == ["no such system_id in systems.csv"]


def test_unknown_table_names_suggest_the_nearest(data_copy):
    with pytest.raises(KeyError, match="did you mean 'systems'"):
        load_package(data_copy, tables=["sytems"])
    with pytest.raises(KeyError, match="did you mean 'theme_coding'"):
        read_package(data_copy).resource("theme-coding")


def test_nearest():
    assert nearest("dorsett", ["dorset", "west-yorkshire"]) == "dorset"
    assert nearest("nhs-trusts", ["nhs_trusts", "population"]) == "nhs_trusts"
    assert nearest("qwerty", ["dorset", "west-yorkshire"]) is None
