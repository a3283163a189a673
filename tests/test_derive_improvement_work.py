"""Improvement examples by level, theme, system and method: complete grids, zeros kept, order fixed."""

from __future__ import annotations

import pandas as pd
import pytest

from ics_evidence.analysis import codebook, improvement


def strings(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype("string")


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    examples = [
        ("e1", "alpha", "Zebra crossing", "system", "m1"),
        ("e2", "alpha", "Apple", "system", None),
        ("e3", "alpha", "Place work", "place", "m1"),
        ("e4", "beta", "Neighbourhood team", "neighbourhood", "m2"),
        ("e5", "beta", "Across systems", "multi-system", None),
    ]
    return {
        "systems": strings(pd.DataFrame({"system_id": ["alpha", "beta", "empty"], "name": ["Alpha", "Beta", "Empty"]})),
        "themes": strings(pd.DataFrame({"theme_id": ["t1", "t2", "t3"], "label": ["One", "Two", "Three"]})),
        "improvement_examples": strings(
            pd.DataFrame(examples, columns=["example_id", "system_id", "title", "level", "method_id"])
        ),
        "example_themes": strings(
            pd.DataFrame(
                [("e1", "t1"), ("e2", "t1"), ("e2", "t2"), ("e3", "t2"), ("e4", "t1")],
                columns=["example_id", "theme_id"],
            )
        ),
        "methods": strings(
            pd.DataFrame({"method_id": ["m1", "m2", "m3"], "name": ["Method one", "Method two", "Unused"],
                          "kind": ["qi-method", "approach", "programme"]})
        ),
    }  # fmt: skip


def test_levels_run_from_widest_to_most_local():
    levels = ["multi-system", "system", "provider-collaborative", "place", "neighbourhood"]
    assert list(codebook.EXAMPLE_LEVELS) == levels


def test_level_theme_grid_is_complete_with_zeros(tables):
    grid = improvement.examples_level_theme_grid(tables)
    assert len(grid) == 5 * 3
    assert list(grid["level"].unique()) == list(codebook.EXAMPLE_LEVELS)
    counts = grid.set_index(["level", "theme_id"])["examples"]
    assert counts[("system", "t1")] == 2
    assert counts[("system", "t2")] == 1
    assert counts[("provider-collaborative", "t1")] == 0
    assert counts[("multi-system", "t3")] == 0  # an example with no theme counts nowhere
    assert grid["examples"].sum() == len(tables["example_themes"])  # an example counts under each theme
    assert set(grid["label"]) == {"One", "Two", "Three"}


def test_examples_by_system_and_level_keep_systems_without_examples(tables):
    counts = improvement.examples_by_system_and_level(tables)
    assert len(counts) == 3 * 5
    assert list(counts["system_id"].unique()) == ["alpha", "beta", "empty"]
    assert counts[counts["system_id"] == "empty"]["examples"].sum() == 0
    by = counts.set_index(["system_id", "level"])["examples"]
    assert by[("alpha", "system")] == 2 and by[("beta", "multi-system")] == 1
    assert counts["examples"].sum() == len(tables["improvement_examples"])
    assert by.index.is_unique


def test_methods_in_examples_count_examples_and_systems_most_used_first(tables):
    methods = improvement.methods_in_examples(tables)
    assert list(methods["method_id"]) == ["m1", "m2"]  # unused methods and examples without one left out
    first = methods.iloc[0]
    assert (first["name"], first["examples"], first["systems"], first["system_names"]) == ("Method one", 2, 1, "Alpha")


def test_methods_in_examples_with_no_named_methods_is_empty(tables):
    tables["improvement_examples"]["method_id"] = pd.NA
    assert improvement.methods_in_examples(tables).empty


def test_listing_orders_by_level_then_system_then_title(tables):
    listing = improvement.examples_listing(tables)
    assert list(listing["example_id"]) == ["e5", "e2", "e1", "e3", "e4"]
    assert listing.loc[0, "level_label"] == codebook.EXAMPLE_LEVELS["multi-system"]
    assert listing.loc[2, "method_name"] == "Method one" and pd.isna(listing.loc[1, "method_name"])
    assert listing.loc[4, "system_name"] == "Beta"


def test_an_unknown_level_is_kept_after_the_known_ones(tables):
    tables["improvement_examples"].loc[0, "level"] = "region"
    assert improvement.example_levels(tables)[-1] == "region"
    grid = improvement.examples_level_theme_grid(tables)
    assert grid.set_index(["level", "theme_id"]).loc[("region", "t1"), "examples"] == 1


def test_care_areas_grid_and_counts_count_only_peers():
    from ics_evidence import load_package

    tables = load_package(tables=["systems", "system_figures", "care_areas", "system_care_areas",
                                  "example_care_areas", "improvement_examples"])  # fmt: skip
    grid = improvement.care_area_grid(tables)
    assert len(grid) == len(tables["systems"]) * len(tables["care_areas"])
    assert set(grid["coding"]) <= {"improvement work", "mentioned only", "not evident"}
    counts = improvement.care_area_counts(tables).set_index("care_area_id")
    peers = grid[grid["peer"]]
    work = peers[peers["coding"] == "improvement work"].groupby("care_area_id").size()
    assert counts["systems_with_work"].sum() == work.sum()
    assert counts["examples"].sum() == len(tables["example_care_areas"])
