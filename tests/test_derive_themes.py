"""Profile similarity pairs: each pair once, most alike first, systems without coding left out."""

from __future__ import annotations

import pandas as pd
import pytest

from ics_evidence.analysis import themes


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    coding = [
        ("alpha", "t1", 2), ("alpha", "t2", 0),
        ("beta", "t1", 1), ("beta", "t2", 0),
        ("gamma", "t1", 0), ("gamma", "t2", 2),
        ("delta", "t1", 1), ("delta", "t2", 1),
    ]  # fmt: skip
    return {
        "systems": pd.DataFrame(
            {
                "system_id": ["alpha", "beta", "gamma", "delta", "uncoded"],
                "name": ["Alpha", "Beta", "Gamma", "Delta", "Uncoded"],
            }
        ).astype("string"),
        "themes": pd.DataFrame({"theme_id": ["t1", "t2"], "label": ["One", "Two"]}).astype("string"),
        "theme_coding": pd.DataFrame(coding, columns=["system_id", "theme_id", "strength"]).astype(
            {"system_id": "string", "theme_id": "string", "strength": "Int64"}
        ),
    }


def test_each_pair_of_different_systems_appears_once(tables):
    pairs = themes.similarity_pairs(tables)
    assert len(pairs) == 6  # four coded systems: 4 choose 2
    assert not (pairs["system_a"] == pairs["system_b"]).any()
    unordered = {frozenset(p) for p in zip(pairs["system_a"], pairs["system_b"], strict=True)}
    assert len(unordered) == 6


def test_most_alike_first_with_names_and_ties_in_data_order(tables):
    pairs = themes.similarity_pairs(tables)
    assert list(pairs["similarity"]) == sorted(pairs["similarity"], reverse=True)
    first = pairs.iloc[0]
    assert (first["system_a"], first["system_b"], first["name_a"], first["name_b"]) == (
        "alpha",
        "beta",
        "Alpha",
        "Beta",
    )
    assert first["similarity"] == pytest.approx(1.0)  # same emphasis, different strength
    last = pairs.iloc[-1]
    assert last["similarity"] == pytest.approx(0.0)
    assert (last["system_a"], last["system_b"]) == ("beta", "gamma")  # tie with alpha–gamma: data order
    mixed = pairs.set_index(["system_a", "system_b"]).loc[("alpha", "delta"), "similarity"]
    assert mixed == pytest.approx(2 / (2 * 2**0.5))


def test_a_system_with_no_coding_is_left_out_not_scored_zero(tables):
    pairs = themes.similarity_pairs(tables)
    assert "uncoded" not in set(pairs["system_a"]) | set(pairs["system_b"])


def test_fewer_than_two_coded_systems_gives_no_pairs(tables):
    tables["theme_coding"] = tables["theme_coding"][tables["theme_coding"]["system_id"] == "alpha"]
    assert themes.similarity_pairs(tables).empty


def test_prevalence_counts_only_the_integrated_care_systems(tables):
    systems = tables["systems"].copy()
    systems["kind"] = ["programme"] + ["ics"] * (len(systems) - 1)
    tables = {**tables, "systems": systems}
    prevalence = themes.theme_prevalence(tables)
    matrix = themes.theme_matrix(tables)
    peers = matrix[matrix.index.isin(systems.loc[systems["kind"] == "ics", "system_id"])]
    assert list(prevalence["systems_present"]) == list((peers >= 1).sum())
