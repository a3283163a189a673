"""The systems' reference figures, shared by several chapters and pages: the figures in long and
wide form, which case studies are peers (integrated care systems), the year they are compared
in, ratios, the budget basis, and a figure written with its basis."""

from __future__ import annotations

import pandas as pd

from ics_evidence.analysis.stated import as_stated, rank_words
from ics_evidence.analysis.text import blank

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


def peer_ids(tables: dict[str, pd.DataFrame]) -> list[str]:
    """The integrated care systems (``systems.kind == "ics"``), in data order: the only case
    studies ranked, counted or summed together. A multi-system programme (kind ``programme``)
    adds up systems of which some have case studies of their own, so it is shown beside the
    peers, labelled, and never compared with them. Without a ``kind`` column, a reference
    ``systems_covered`` above one marks a programme."""
    systems = tables["systems"]
    if "kind" in systems.columns:
        return [str(s) for s, k in zip(systems["system_id"], systems["kind"], strict=True) if str(k) == "ics"]
    if "system_figures" not in tables:
        return [str(s) for s in systems["system_id"]]
    figures = tables["system_figures"]
    covered = figures[(figures["measure_id"] == "systems_covered") & figures["is_reference"].fillna(False)]
    programmes = set(covered.loc[covered["value"].astype("Float64") > 1, "system_id"])
    return [str(s) for s in systems["system_id"] if s not in programmes]


def figure_years(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The year of the document each reference figure comes from: system_id, measure_id, year
    (NA where the package has no sources table or the source gives no year)."""
    reference = reference_figures(tables)[["system_id", "measure_id", "source_id"]]
    if "sources" not in tables:
        return reference.assign(year=pd.NA)[["system_id", "measure_id", "year"]]
    years = tables["sources"][["source_id", "year"]]
    out = reference.merge(years, on="source_id", how="left")
    return out.assign(year=out["year"].astype("Int64"))[["system_id", "measure_id", "year"]]


def comparison_year(tables: dict[str, pd.DataFrame], years: pd.DataFrame | None = None) -> int | None:
    """The year the systems' figures are compared in: the year most of the report's own case
    studies' figures come from (the report's, 2023). A figure from another document and year
    (a ninth system's 2024 annual report) is not ranked or charted against them unannounced.
    ``years``: :func:`figure_years` of ``tables``, when the caller has it already."""
    years = figure_years(tables) if years is None else years
    systems = tables["systems"]
    if "evidence_origin" in systems.columns:
        ours = set(systems.loc[systems["evidence_origin"] == "report-case-study", "system_id"])
        if ours:
            years = years[years["system_id"].isin(ours)]
    years = years["year"].dropna()
    return None if years.empty else int(years.mode().min())


def other_year(tables: dict[str, pd.DataFrame], measures, years: pd.DataFrame | None = None) -> dict[str, int]:
    """{system_id: year} for the systems any of whose ``measures`` comes from a document of a
    year other than :func:`comparison_year` (the latest such year). ``years`` as there."""
    years = figure_years(tables) if years is None else years
    year = comparison_year(tables, years)
    if year is None:
        return {}
    years = years[years["measure_id"].isin(list(measures)) & years["year"].notna() & (years["year"] != year)]
    return {str(s): int(y) for s, y in years.groupby("system_id")["year"].max().items()}


def other_year_note(tables: dict[str, pd.DataFrame], left_out: dict[str, int]) -> str:
    """'Wessex Vale (figures from 2024, the others' from 2023)', or '' when none is left out."""
    if not left_out:
        return ""
    names = dict(zip(tables["systems"]["system_id"], tables["systems"]["name"], strict=True))
    year = comparison_year(tables)
    return "; ".join(f"{names.get(s, s)} (figures from {y}, the others' from {year})" for s, y in left_out.items())


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


# What the report says a system's money is (system_figures.basis); only like is compared with like.
BASIS_LABELS = {
    "budget": "budget, NHS-only not stated",
    "nhs-budget": "NHS budget",
    "nhs-allocation": "NHS allocation",
}


def stated_figures(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every reference figure with the wording of its source and its evidence, long.

    ``approximate`` is true where the source hedges the figure ("around", "more than", ...).
    """
    reference = reference_figures(tables).merge(tables["systems"][["system_id", "name"]], on="system_id", how="left")
    reference["as_stated"] = [
        as_stated(v, u, q, quote=t)
        for v, u, q, t in zip(reference["value"], reference["unit"], reference["qualifier"], reference["quote"],
                              strict=True)
    ]  # fmt: skip
    reference["approximate"] = reference["qualifier"].fillna("exact").ne("exact").astype(bool)
    columns = ["system_id", "name", "measure_id", "label", "unit", "value", "qualifier", "as_stated", "approximate",
               "quote"]  # fmt: skip
    return reference[columns].reset_index(drop=True)


def budget_basis(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """{system_id: basis} of each reference budget figure (empty when the package has no basis)."""
    reference = reference_figures(tables)
    if "basis" not in reference.columns:
        return {}
    budgets = reference[(reference["measure_id"] == "nhs_budget_gbp_bn") & reference["basis"].notna()]
    return {str(s): str(b) for s, b in zip(budgets["system_id"], budgets["basis"], strict=True)}


def figure_text(row, unit) -> str:
    """A reference figure as its source states it, with its basis where it has one ("£6.6
    billion (budget, NHS-only not stated)"), so values on different bases never read alike."""
    text = as_stated(row.value, unit, row.qualifier, quote=row.quote)
    basis = getattr(row, "basis", None)
    if text and not blank(basis):
        text += f" ({BASIS_LABELS.get(str(basis), str(basis))})"
    return text


def result_text(row) -> str:
    """A result, target or scale figure with its value as the source states it and its period:
    'Patients helped within days without a hospital referral: over 4,400 people (since April 2022)'."""
    figure = as_stated(row.value, row.unit, row.qualifier, row.low, row.high, row.quote)
    text = str(row.description).rstrip(". ")
    if figure:
        text += f": {figure}"
    if not blank(row.period):
        text += f" ({row.period})"
    return text


def key_figures(tables: dict[str, pd.DataFrame], system_id: str) -> pd.DataFrame:
    """One system's key figures, as the source words them, with its standing among its peers.

    Every key measure appears; a figure the sources do not give is NA, not dropped, so the
    gap shows on the page. Ranks count only integrated care systems (a multi-system programme
    is not ranked, and is not counted in anyone's rank); budgets rank only among budgets on the
    same basis (a budget, an NHS budget or an NHS allocation).
    """
    reference = reference_figures(tables)
    measures = tables["measures"].set_index("measure_id")
    peers = set(peer_ids(tables))
    has_basis = "basis" in reference.columns
    years = figure_years(tables)  # once: every measure's check below reads them
    rows = []
    for measure_id in KEY_MEASURES:
        if measure_id not in measures.index:
            continue
        reported = reference[reference["measure_id"] == measure_id]
        own = reported[reported["system_id"] == system_id]
        rank = pd.NA
        basis = own["basis"].iloc[0] if has_basis and len(own) else pd.NA
        elsewhere = other_year(tables, [measure_id], years)
        if len(own) and system_id not in peers:
            rank = "not ranked: multi-system programme"
        elif len(own) and system_id in elsewhere:
            compared = comparison_year(tables, years)
            rank = f"not ranked: its figure is from {elsewhere[system_id]}, the others' from {compared}"
        elif len(own):
            field = reported[reported["system_id"].isin(peers - set(elsewhere))]
            if has_basis and not pd.isna(basis):
                field = field[field["basis"] == basis]
            # Oversight segment 1 is the best; for every other measure rank 1 is the largest.
            ascending = measure_id == "oversight_segment"
            ordered = field["value"].rank(ascending=ascending, method="min")
            position = int(ordered[own.index[0]])
            among = f" ({BASIS_LABELS.get(str(basis), str(basis))})" if has_basis and not pd.isna(basis) else ""
            rank = rank_words(position, int((ordered == position).sum()), len(field)) + among
        words = pd.NA
        if len(own):
            first = own.iloc[0]
            words = as_stated(first["value"], first["unit"], first["qualifier"], quote=first["quote"])
            if not pd.isna(basis):
                words = f"{words} ({BASIS_LABELS.get(str(basis), str(basis))})"
        rows.append(
            {
                "measure_id": measure_id,
                "Measure": measures.loc[measure_id, "label"],
                "Value": own["value"].iloc[0] if len(own) else pd.NA,
                "Unit": measures.loc[measure_id, "unit"],
                "As the source puts it": words,
                "Rank among systems reporting it": rank,
                "Evidence": own["quote"].iloc[0] if len(own) else pd.NA,
                "qualifier": own["qualifier"].iloc[0] if len(own) else pd.NA,
                "basis": BASIS_LABELS.get(str(basis), str(basis)) if len(own) and not pd.isna(basis) else pd.NA,
            }
        )
    return pd.DataFrame(rows)
