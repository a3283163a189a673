"""Derived tables: computed from the curated data every time, never stored by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Measures shown as each system's key figures, in reading order.
KEY_MEASURES = (
    "population",
    "area_sq_miles",
    "nhs_budget_gbp_bn",
    "nhs_trusts",
    "primary_care_networks",
    "general_practices",
    "upper_tier_local_authorities",
    "district_councils",
    "local_authority_areas",
    "place_partnerships",
    "neighbourhoods",
    "oversight_segment",
)

# Ratios a reader can compare across systems of different sizes: (name, label, numerator,
# denominator, multiplier, unit).
RATIOS = (
    ("budget_per_head_gbp", "NHS budget per head", "nhs_budget_gbp_bn", "population", 1e9, "GBP per person"),
    ("people_per_sq_mile", "Population density", "population", "area_sq_miles", 1, "people per square mile"),
    ("people_per_place", "People per place partnership", "population", "place_partnerships", 1, "people"),
    ("people_per_pcn", "People per primary care network", "population", "primary_care_networks", 1, "people"),
    ("people_per_trust", "People per NHS trust", "population", "nhs_trusts", 1, "people"),
    ("people_per_neighbourhood", "People per neighbourhood", "population", "neighbourhoods", 1, "people"),
)


def reference_figures(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The reference value of every figure, long: one row per system and measure, with evidence."""
    figures = tables["system_figures"]
    reference = figures[figures["is_reference"].fillna(False)]
    measures = tables["measures"][["measure_id", "label", "unit"]]
    return reference.merge(measures, on="measure_id", how="left")


def figures_wide(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per system (every system, in data order), one column per measure; gaps are NA."""
    systems = tables["systems"][["system_id", "name"]]
    reference = reference_figures(tables)
    wide = reference.pivot(index="system_id", columns="measure_id", values="value")
    wide = wide.reindex(columns=sorted(set(wide.columns) | set(KEY_MEASURES)))
    return systems.merge(wide, left_on="system_id", right_index=True, how="left").reset_index(drop=True)


def ratios(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per-head and per-organisation measures; NA wherever an input is missing or zero."""
    wide = figures_wide(tables)
    out = wide[["system_id", "name"]].copy()
    for name, _label, numerator, denominator, multiplier, _unit in RATIOS:
        denominator_values = wide[denominator].astype("Float64").replace(0, pd.NA)
        out[name] = wide[numerator].astype("Float64") * multiplier / denominator_values
    return out


def ranks(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Rank of each system on each column (1 = largest); NA where the value is missing."""
    out = frame[["system_id"]].copy()
    for column in columns:
        out[column] = frame[column].astype("Float64").rank(ascending=False, method="min").astype("Int64")
    return out


def theme_matrix(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Framework matrix: systems (rows, data order) × themes (columns, codebook order) of strength."""
    coding = tables["theme_coding"]
    matrix = coding.pivot(index="system_id", columns="theme_id", values="strength")
    return matrix.reindex(index=list(tables["systems"]["system_id"]), columns=list(tables["themes"]["theme_id"]))


def theme_prevalence(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """For each theme: how many systems show it at all, and how many make it central."""
    matrix = theme_matrix(tables)
    themes = tables["themes"][["theme_id", "label"]].set_index("theme_id")
    out = pd.DataFrame(
        {
            "systems_present": (matrix >= 1).sum(),
            "systems_central": (matrix == 2).sum(),
            "mean_strength": matrix.astype("Float64").mean(),
        }
    )
    return themes.join(out).reset_index()


def profile_similarity(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Cosine similarity of the systems' theme profiles (1 = identical emphasis), long form."""
    matrix = theme_matrix(tables).astype(float).fillna(0.0)
    vectors = matrix.to_numpy()
    norms = np.linalg.norm(vectors, axis=1)
    norms[norms == 0] = 1.0
    similarity = (vectors @ vectors.T) / np.outer(norms, norms)
    frame = pd.DataFrame(similarity, index=matrix.index, columns=matrix.index)
    long = frame.rename_axis(index="system_a", columns="system_b").stack().rename("similarity").reset_index()
    return long


def examples_by_level_and_theme(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Count of improvement examples for each level and theme."""
    examples = tables["improvement_examples"][["example_id", "level"]]
    joined = examples.merge(tables["example_themes"], on="example_id")
    counts = joined.groupby(["level", "theme_id"]).size().rename("examples").reset_index()
    return counts.merge(tables["themes"][["theme_id", "label"]], on="theme_id")


def source_differences(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every figure where another document gives a different value from the reference."""
    figures = tables["system_figures"]
    reference = figures[figures["is_reference"].fillna(False)][["system_id", "measure_id", "value", "source_id"]]
    others = figures[~figures["is_reference"].fillna(False)]
    merged = others.merge(reference, on=["system_id", "measure_id"], suffixes=("", "_reference"))
    differing = merged[merged["value"] != merged["value_reference"]]
    return differing[
        ["system_id", "measure_id", "value_reference", "source_id_reference", "value", "source_id", "quote"]
    ].reset_index(drop=True)


def key_figures(tables: dict[str, pd.DataFrame], system_id: str) -> pd.DataFrame:
    """One system's key figures with its standing among the systems that report each one.

    Every key measure appears; a figure the sources do not give is NA, not dropped, so the
    gap shows on the page.
    """
    reference = reference_figures(tables)
    measures = tables["measures"].set_index("measure_id")
    rows = []
    for measure_id in KEY_MEASURES:
        if measure_id not in measures.index:
            continue
        reported = reference[reference["measure_id"] == measure_id]
        own = reported[reported["system_id"] == system_id]
        rank = pd.NA
        if len(own):
            # Oversight segment 1 is the best; for every other measure rank 1 is the largest.
            ascending = measure_id == "oversight_segment"
            ordered = reported["value"].rank(ascending=ascending, method="min")
            rank = f"{int(ordered[own.index[0]])} of {len(reported)}"
        rows.append(
            {
                "measure_id": measure_id,
                "Measure": measures.loc[measure_id, "label"],
                "Value": own["value"].iloc[0] if len(own) else pd.NA,
                "Unit": measures.loc[measure_id, "unit"],
                "As the source puts it": own["qualifier"].iloc[0] if len(own) else pd.NA,
                "Rank among systems reporting it": rank,
                "Evidence": own["quote"].iloc[0] if len(own) else pd.NA,
            }
        )
    return pd.DataFrame(rows)
