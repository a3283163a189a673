"""The results chapter's derived tables: counts by kind keep every system (zeros included), and
every figure keeps its linked improvement example."""

from __future__ import annotations

import pandas as pd
import pytest

from ics_evidence.analysis import results


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    strings = {"system_id": "string", "kind": "string", "example_id": "string", "result_id": "string"}
    return {
        "systems": pd.DataFrame({"system_id": ["alpha", "beta", "gamma"], "name": ["Alpha", "Beta", "Gamma"]}),
        "improvement_examples": pd.DataFrame({"example_id": ["ex1"], "system_id": ["beta"], "title": ["Example one"]}),
        "results": pd.DataFrame(
            {
                "result_id": ["b-scale", "a-target", "b-result", "a-scale", "a-scale-2"],
                "system_id": ["beta", "alpha", "beta", "alpha", "alpha"],
                "example_id": [pd.NA, pd.NA, "ex1", pd.NA, pd.NA],
                "kind": ["scale", "target", "result", "scale", "scale"],
                "value": [1.0, 2.0, 3.0, 4.0, 5.0],
            }
        ).astype(strings),
    }


def test_counts_cover_every_system_and_kind_with_zeros(tables):
    counts = results.result_counts(tables)
    assert len(counts) == 3 * 4
    assert list(counts["system_id"].drop_duplicates()) == ["alpha", "beta", "gamma"]
    assert list(counts["kind"].drop_duplicates()) == ["result", "target", "scale", "context"]
    lookup = counts.set_index(["system_id", "kind"])["count"]
    assert lookup[("alpha", "scale")] == 2 and lookup[("alpha", "result")] == 0
    assert lookup[("gamma", "target")] == 0  # a system with no figures still shows, as zeros
    assert counts["count"].sum() == len(tables["results"])
    assert counts.loc[counts["system_id"] == "beta", "name"].eq("Beta").all()


def test_unknown_kind_is_counted_after_the_known_ones(tables):
    extra = pd.DataFrame({"result_id": ["x"], "system_id": ["gamma"], "example_id": [pd.NA], "kind": ["other"],
                          "value": [1.0]}).astype(tables["results"].dtypes.to_dict())  # fmt: skip
    tables["results"] = pd.concat([tables["results"], extra], ignore_index=True)
    counts = results.result_counts(tables)
    assert list(counts["kind"].drop_duplicates()) == ["result", "target", "scale", "context", "other"]


def test_results_with_examples_orders_by_kind_then_system_and_links_titles(tables):
    out = results.results_with_examples(tables)
    assert list(out["result_id"]) == ["b-result", "a-target", "a-scale", "a-scale-2", "b-scale"]
    assert out.loc[0, "example_title"] == "Example one" and out.loc[0, "name"] == "Beta"
    assert out["example_title"].isna().sum() == 4
