"""The helpers the chapter modules share (analysis/common.py)."""

from __future__ import annotations

import pandas as pd

from ics_evidence.analysis import charts, common


def test_plain_gives_floats_and_none_for_missing_values_and_leaves_booleans():
    frame = pd.DataFrame(
        {
            "count": pd.array([1, None], dtype="Int64"),
            "ratio": pd.array([0.5, None], dtype="Float64"),
            "name": pd.array(["a", None], dtype="string"),
            "flag": pd.array([True, False], dtype="boolean"),
        }
    )
    out = common.plain(frame)
    assert out["count"].dtype == float and out["ratio"].dtype == float
    assert out["count"].iloc[0] == 1.0 and pd.isna(out["count"].iloc[1])
    assert out["name"].dtype == object and out["name"].tolist() == ["a", None]
    assert out["flag"].dtype == "boolean"
    assert frame["count"].dtype == "Int64", "the input is not modified"


def test_strength_words_name_each_code_in_code_order():
    assert list(common.STRENGTH_WORDS.items()) == [(0, "not evident"), (1, "present"), (2, "central")]


def test_system_colour_gives_each_system_its_book_wide_colour(shipped_tables):
    systems = shipped_tables["systems"]
    colour = common.system_colour(systems).to_dict()
    assert colour["field"] == "name" and colour["legend"] is None
    assert colour["scale"]["domain"] == list(systems["name"])
    expected = charts.system_colours(list(systems["system_id"]))
    assert colour["scale"]["range"] == [expected[s] for s in systems["system_id"]]


def test_data_order_is_each_ids_position():
    assert common.data_order(["b", "a", "c"]) == {"b": 0, "a": 1, "c": 2}
    assert common.data_order([]) == {}


def test_quote_attributes_the_quotation_and_is_empty_without_one():
    assert common.quote("We listen.", "report-2023", "p. 4") == "“We listen.” (report-2023: p. 4)"
    assert common.quote(pd.NA, "report-2023", "p. 4") == common.quote(None, "s", "x") == ""
