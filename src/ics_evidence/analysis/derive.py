"""Derived tables: computed from the curated data every time, never stored by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ics_evidence.analysis.stated import NO_NUMBER, as_stated, rank_words

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


def comparison_year(tables: dict[str, pd.DataFrame]) -> int | None:
    """The year the systems' figures are compared in: the year most of the report's own case
    studies' figures come from (the report's, 2023). A figure from another document and year
    (a ninth system's 2024 annual report) is not ranked or charted against them unannounced."""
    years = figure_years(tables)
    systems = tables["systems"]
    if "evidence_origin" in systems.columns:
        ours = set(systems.loc[systems["evidence_origin"] == "report-case-study", "system_id"])
        if ours:
            years = years[years["system_id"].isin(ours)]
    years = years["year"].dropna()
    return None if years.empty else int(years.mode().min())


def other_year(tables: dict[str, pd.DataFrame], measures) -> dict[str, int]:
    """{system_id: year} for the systems any of whose ``measures`` comes from a document of a
    year other than :func:`comparison_year` (the latest such year)."""
    year = comparison_year(tables)
    if year is None:
        return {}
    years = figure_years(tables)
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


def theme_matrix(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Framework matrix: systems (rows, data order) × themes (columns, codebook order) of strength."""
    coding = tables["theme_coding"]
    matrix = coding.pivot(index="system_id", columns="theme_id", values="strength")
    return matrix.reindex(index=list(tables["systems"]["system_id"]), columns=list(tables["themes"]["theme_id"]))


def theme_prevalence(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """For each theme: how many of the integrated care systems (peers only: a multi-system
    programme is not counted as a system) show it at all, and how many make it central."""
    matrix = theme_matrix(tables)
    matrix = matrix[matrix.index.isin(peer_ids(tables))]
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
    rows = []
    for measure_id in KEY_MEASURES:
        if measure_id not in measures.index:
            continue
        reported = reference[reference["measure_id"] == measure_id]
        own = reported[reported["system_id"] == system_id]
        rank = pd.NA
        basis = own["basis"].iloc[0] if has_basis and len(own) else pd.NA
        elsewhere = other_year(tables, [measure_id])
        if len(own) and system_id not in peers:
            rank = "not ranked: multi-system programme"
        elif len(own) and system_id in elsewhere:
            rank = f"not ranked: its figure is from {elsewhere[system_id]}, the others' from {comparison_year(tables)}"
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


# --- Scale and structure (notebooks/scale_and_structure.md) ---------------------------------

# What the report says a system's money is (system_figures.basis); only like is compared with like.
BASIS_LABELS = {
    "budget": "budget, NHS-only not stated",
    "nhs-budget": "NHS budget",
    "nhs-allocation": "NHS allocation",
}
# The basis per-head comparisons use: the one the most systems state.
COMPARED_BASIS = "nhs-budget"

# The size figures the scale chapter tabulates beside the ratios, in reading order.
SCALE_MEASURES = ("population", "area_sq_miles", "nhs_budget_gbp_bn", "nhs_trusts", "primary_care_networks",
                  "place_partnerships")  # fmt: skip


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


def multi_system_programmes(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Case studies that are programmes run jointly by several systems rather than one ICS
    (every case study that is not a peer, see :func:`peer_ids`).

    One row per programme in data order, with the number of systems it covers where stated,
    its evidence, and the other case studies that take part in it (``systems.part_of``; their
    populations are inside the programme's).
    """
    columns = ["system_id", "name", "systems_covered", "quote", "overlapping"]
    peers = set(peer_ids(tables))
    stated = stated_figures(tables)
    covered = stated[stated["measure_id"] == "systems_covered"]
    systems = tables["systems"]
    part_of = systems["part_of"] if "part_of" in systems.columns else pd.Series(pd.NA, index=systems.index)
    rows = []
    for system_id, name in zip(systems["system_id"], systems["name"], strict=True):
        if system_id in peers:
            continue
        own = covered[covered["system_id"] == system_id]
        count = int(own["value"].iloc[0]) if len(own) else pd.NA
        quote = own["quote"].iloc[0] if len(own) else pd.NA
        if "part_of" in systems.columns:
            others = tuple(str(n) for n, p in zip(systems["name"], part_of, strict=True)
                           if not pd.isna(p) and p == system_id)  # fmt: skip
        else:  # older packages: the other case studies the evidence names
            others = tuple(str(n) for s, n in zip(systems["system_id"], systems["name"], strict=True)
                           if s != system_id and str(n) in str(quote))  # fmt: skip
        rows.append([system_id, name, count, quote, others])
    return pd.DataFrame(rows, columns=columns)


def scale_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per case study (data order): what kind it is, its size figures and every ratio.

    Gaps stay NA. ``hedged`` lists the shown figures the source qualifies, as it words them.
    """
    wide = figures_wide(tables)
    programmes = set(multi_system_programmes(tables)["system_id"])
    out = wide[["system_id", "name"]].copy()
    out["kind"] = ["multi-system programme" if s in programmes else "integrated care system" for s in out["system_id"]]
    for measure in SCALE_MEASURES:
        out[measure] = wide[measure].astype("Float64")
    out = out.merge(ratios(tables).drop(columns="name"), on="system_id", how="left")
    basis = budget_basis(tables)
    out["budget_basis"] = out["system_id"].map(lambda s: BASIS_LABELS.get(basis.get(s, ""), pd.NA)).astype("string")
    stated = stated_figures(tables)
    stated = stated[stated["measure_id"].isin(SCALE_MEASURES) & stated["approximate"]]
    hedged = stated.groupby("system_id")[["label", "as_stated"]].apply(
        lambda g: "; ".join(f"{label}: {text}" for label, text in zip(g["label"], g["as_stated"], strict=True))
    )
    out["hedged"] = out["system_id"].map(hedged.to_dict()).astype("string")
    return out


def budget_basis(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """{system_id: basis} of each reference budget figure (empty when the package has no basis)."""
    reference = reference_figures(tables)
    if "basis" not in reference.columns:
        return {}
    budgets = reference[(reference["measure_id"] == "nhs_budget_gbp_bn") & reference["basis"].notna()]
    return {str(s): str(b) for s, b in zip(budgets["system_id"], budgets["basis"], strict=True)}


def ratio_inputs(tables: dict[str, pd.DataFrame], ratio: str) -> pd.DataFrame:
    """One ratio (a name from RATIOS) for every system that has it, beside the two figures it is
    computed from as their sources word them, and their evidence. ``approximate`` is true when
    either input is hedged, so the ratio is too."""
    spec = {r[0]: r for r in RATIOS}[ratio]
    numerator, denominator = spec[2], spec[3]
    values = ratios(tables)[["system_id", "name", ratio]].rename(columns={ratio: "value"})
    values = values[values["value"].notna()]
    stated = stated_figures(tables)
    for role, measure in (("numerator", numerator), ("denominator", denominator)):
        part = stated[stated["measure_id"] == measure][["system_id", "as_stated", "approximate", "quote"]]
        values = values.merge(part.add_prefix(f"{role}_").rename(columns={f"{role}_system_id": "system_id"}),
                              on="system_id", how="left")  # fmt: skip
    values["approximate"] = values["numerator_approximate"].fillna(False) | values["denominator_approximate"].fillna(
        False
    )
    if numerator == "nhs_budget_gbp_bn":
        values["basis"] = values["system_id"].map(budget_basis(tables)).astype("string")
    return values.reset_index(drop=True)


def _population_as_stated(tables: dict[str, pd.DataFrame], system_id: str) -> str | None:
    """A system's reference population as its source words it ('more than 3,000,000')."""
    stated = stated_figures(tables)
    own = stated[(stated["system_id"] == system_id) & (stated["measure_id"] == "population")]
    return None if own.empty else str(own["as_stated"].iloc[0])


def scale_summary(tables: dict[str, pd.DataFrame]) -> dict:
    """Headline numbers for the scale chapter, as plain Python values (for glue).

    Totals, extremes and medians count integrated care systems only: a multi-system
    programme's figures add up several ICSs, some of which have case studies of their own.
    Missing answers are None (no system reports the figure).
    """
    table = scale_table(tables)
    ics = table[table["kind"] == "integrated care system"]
    population = ics.dropna(subset=["population"])
    # Like with like: per-head budgets are compared only on one basis (an NHS budget); the
    # systems whose budget is on another basis (or not said to be NHS-only) are named instead.
    basis = budget_basis(tables)
    # Nor across documents of different years: a system whose budget or population comes from
    # a document of another year than the report's is named, not compared.
    elsewhere = other_year(tables, ["nhs_budget_gbp_bn", "population"])
    with_budget = ics[ics["budget_per_head_gbp"].notna()]
    other_years = {s: y for s, y in elsewhere.items() if s in set(with_budget["system_id"])}
    with_budget = with_budget[~with_budget["system_id"].isin(other_years)]
    if basis:
        compared = with_budget[with_budget["system_id"].map(basis) == COMPARED_BASIS]
        left_out = with_budget[with_budget["system_id"].map(basis) != COMPARED_BASIS]
    else:
        compared, left_out = with_budget, with_budget.iloc[0:0]
    budget = compared["budget_per_head_gbp"]
    hedged_population = stated_figures(tables)
    hedged_population = hedged_population[
        (hedged_population["measure_id"] == "population")
        & hedged_population["approximate"]
        & hedged_population["system_id"].isin(population["system_id"])
    ]
    largest = population.loc[population["population"].astype(float).idxmax()] if len(population) else None
    smallest = population.loc[population["population"].astype(float).idxmin()] if len(population) else None
    return {
        "case_studies": len(table),
        "systems": len(ics),
        "programmes": len(table) - len(ics),
        "population_reported": len(population),
        "population_hedged": len(hedged_population),
        "total_population": float(population["population"].sum()) if len(population) else None,
        "largest_name": None if largest is None else str(largest["name"]),
        "largest_population": None if largest is None else float(largest["population"]),
        "largest_as_stated": None if largest is None else _population_as_stated(tables, largest["system_id"]),
        "smallest_as_stated": None if smallest is None else _population_as_stated(tables, smallest["system_id"]),
        "smallest_name": None if smallest is None else str(smallest["name"]),
        "smallest_population": None if smallest is None else float(smallest["population"]),
        "budget_per_head_reported": len(budget),
        "median_budget_per_head": float(budget.astype(float).median()) if len(budget) else None,
        "budget_per_head_basis": BASIS_LABELS[COMPARED_BASIS] if basis else "budget",
        "budget_left_out": "; ".join(
            f"{name} ({BASIS_LABELS.get(basis.get(str(s), ''), 'basis not given')})"
            for s, name in zip(left_out["system_id"], left_out["name"], strict=True)
        ),
        "budget_left_out_count": len(left_out),
        "budget_other_year": other_year_note(tables, other_years),
    }


# --- Results, targets and scale figures (notebooks/results_and_targets.md) -------------------

# The kinds of quantified figure in results.csv, in reading order: (kind, heading, meaning).
RESULT_KINDS = (
    ("result", "Results", "a change the system reports having achieved (self-reported, not independently verified)"),
    ("target", "Targets", "an aim the system has set itself"),
    ("scale", "Scale figures", "the size of an activity or programme"),
    ("context", "Context", "a characteristic of the population, or a count of items in a plan (priorities, aims)"),
)


def result_counts(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """How many figures of each kind every system reports: one row per system (data order) and
    kind (RESULT_KINDS order, then any other kind), zeros included so gaps show."""
    results = tables["results"]
    known = [kind for kind, _heading, _meaning in RESULT_KINDS]
    kinds = known + sorted(set(results["kind"].dropna().astype(str)) - set(known))
    systems = tables["systems"][["system_id", "name"]].astype({"system_id": str})
    counts = results.astype({"system_id": str, "kind": str}).groupby(["system_id", "kind"]).size()
    grid = pd.MultiIndex.from_product([list(systems["system_id"]), kinds], names=["system_id", "kind"])
    counts = counts.reindex(grid, fill_value=0).rename("count").reset_index()
    counts["count"] = counts["count"].astype(int)
    return counts.merge(systems, on="system_id", how="left")[["system_id", "name", "kind", "count"]]


def results_with_examples(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every figure in results with its system's name and the title of the improvement example
    it belongs to (NA when it belongs to none), ordered by kind, system (data order) and id."""
    results = tables["results"]
    names = tables["systems"][["system_id", "name"]]
    titles = tables["improvement_examples"][["example_id", "title"]].rename(columns={"title": "example_title"})
    out = results.merge(names, on="system_id", how="left").merge(titles, on="example_id", how="left")
    columns = set(out.columns)
    out["as_stated"] = [
        as_stated(
            row["value"],
            row["unit"] if "unit" in columns else None,
            row["qualifier"] if "qualifier" in columns else None,
            row["low"] if "low" in columns else None,
            row["high"] if "high" in columns else None,
            row["quote"] if "quote" in columns else None,
        )
        or NO_NUMBER
        for _, row in out.iterrows()
    ]
    out["as_stated"] = out["as_stated"].astype("string")
    kind_order = {kind: i for i, (kind, _heading, _meaning) in enumerate(RESULT_KINDS)}
    system_order = {s: i for i, s in enumerate(names["system_id"])}
    out["_kind"] = out["kind"].map(kind_order).fillna(len(kind_order))
    out["_system"] = out["system_id"].map(system_order)
    out = out.sort_values(["_kind", "_system", "result_id"]).drop(columns=["_kind", "_system"])
    return out.reset_index(drop=True)


# -- Themes and improvement work across the systems (cross-system chapters) -----------------

# The levels improvement examples work at, from the widest footprint to the most local, with
# the plain-English label charts and tables use.
EXAMPLE_LEVELS = {
    "multi-system": "Several systems together",
    "system": "Whole system",
    "provider-collaborative": "Provider collaborative",
    "place": "Place",
    "neighbourhood": "Neighbourhood",
}


def similarity_pairs(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Each pair of different systems once, with names and profile similarity, most alike first.

    A system with no theme coding at all is left out: its profile is unknown, not empty. Ties
    keep the data order of the systems.
    """
    systems = tables["systems"][["system_id", "name"]]
    coded = theme_matrix(tables).notna().any(axis=1)
    order = {system_id: i for i, system_id in enumerate(systems["system_id"]) if coded.get(system_id, False)}
    similarity = profile_similarity(tables)
    a, b = similarity["system_a"].map(order), similarity["system_b"].map(order)
    pairs = similarity[a.notna() & b.notna() & (a < b)]
    names = systems.set_index("system_id")["name"]
    pairs = pairs.assign(name_a=pairs["system_a"].map(names), name_b=pairs["system_b"].map(names))
    pairs = pairs.sort_values("similarity", ascending=False, kind="stable")
    return pairs[["system_a", "name_a", "system_b", "name_b", "similarity"]].reset_index(drop=True)


def example_levels(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Levels in EXAMPLE_LEVELS order, then any other level the examples use, alphabetically."""
    used = set(tables["improvement_examples"]["level"].dropna())
    return list(EXAMPLE_LEVELS) + sorted(used - set(EXAMPLE_LEVELS))


def examples_level_theme_grid(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Examples for every level and theme, long, zeros included (levels in order, codebook order).

    An example illustrating several themes counts once under each of them.
    """
    themes = tables["themes"][["theme_id", "label"]].astype({"theme_id": object})
    grid = pd.MultiIndex.from_product(
        [example_levels(tables), list(themes["theme_id"])], names=["level", "theme_id"]
    ).to_frame(index=False)
    counts = examples_by_level_and_theme(tables)[["level", "theme_id", "examples"]]
    counts = counts.astype({"level": object, "theme_id": object})
    out = grid.merge(counts, on=["level", "theme_id"], how="left").merge(themes, on="theme_id", how="left")
    out["examples"] = out["examples"].fillna(0).astype(int)
    out["level_label"] = out["level"].map(lambda level: EXAMPLE_LEVELS.get(level, level))
    return out[["level", "level_label", "theme_id", "label", "examples"]]


def examples_by_system_and_level(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Examples of every system at every level, long, zeros included (systems in data order)."""
    systems = tables["systems"][["system_id", "name"]].astype({"system_id": object})
    levels = pd.DataFrame({"level": example_levels(tables)})
    grid = systems.merge(levels, how="cross")
    examples = tables["improvement_examples"].astype({"system_id": object, "level": object})
    counts = examples.groupby(["system_id", "level"]).size().rename("examples").reset_index()
    out = grid.merge(counts, on=["system_id", "level"], how="left")
    out["examples"] = out["examples"].fillna(0).astype(int)
    out["level_label"] = out["level"].map(lambda level: EXAMPLE_LEVELS.get(level, level))
    return out[["system_id", "name", "level", "level_label", "examples"]]


def methods_in_examples(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Named methods the improvement examples use: examples and systems per method, most used first.

    Examples that name no method are not counted here.
    """
    systems = list(tables["systems"]["system_id"])
    names = tables["systems"].set_index("system_id")["name"]
    examples = tables["improvement_examples"].dropna(subset=["method_id"])
    rows = []
    for method_id, group in examples.groupby("method_id", sort=True):
        used_by = [s for s in systems if s in set(group["system_id"])]
        rows.append(
            {
                "method_id": method_id,
                "examples": len(group),
                "systems": len(used_by),
                "system_names": "; ".join(names[s] for s in used_by),
            }
        )
    counts = pd.DataFrame(rows, columns=["method_id", "examples", "systems", "system_names"])
    methods = tables["methods"][["method_id", "name", "kind"]].astype({"method_id": object})
    out = counts.astype({"method_id": object}).merge(methods, on="method_id", how="left")
    out = out.sort_values(["examples", "systems", "name"], ascending=[False, False, True], kind="stable")
    return out[["method_id", "name", "kind", "examples", "systems", "system_names"]].reset_index(drop=True)


def examples_listing(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every improvement example with its system's name, level label and method name, in level order.

    Within a level, examples follow the systems' data order, then title.
    """
    examples = tables["improvement_examples"]
    system_order = {s: i for i, s in enumerate(tables["systems"]["system_id"])}
    level_order = {level: i for i, level in enumerate(example_levels(tables))}
    names = tables["systems"].set_index("system_id")["name"]
    methods = tables["methods"].set_index("method_id")["name"]
    out = examples.assign(
        system_name=examples["system_id"].map(names),
        level_label=examples["level"].map(lambda level: EXAMPLE_LEVELS.get(level, level)),
        method_name=examples["method_id"].map(lambda m: methods.get(m, m) if pd.notna(m) else pd.NA),
        _level=examples["level"].map(level_order),
        _system=examples["system_id"].map(system_order),
    )
    out = out.sort_values(["_level", "_system", "title"], kind="stable").drop(columns=["_level", "_system"])
    return out.reset_index(drop=True)


# --- Methods and legacies, external help, earlier case studies (notebooks/methods_and_legacies.md,
# external_help.md, earlier_case_studies.md) ---------------------------------------------------

# Plain-English names for the partner kinds of partners.csv; an unlisted kind falls back to its id.
PARTNER_KIND_LABELS = {
    "national-expert": "National improvement expert",
    "ahsn": "Academic health science network",
    "university": "University",
    "consultancy": "Consultancy",
    "international-exemplar": "International exemplar",
    "national-body": "National body",
    "charity-funder": "Charity or funder",
    "network": "Network",
    "think-tank": "Think tank",
    "local-body": "Local body",
    "other": "Other",
}

# Reading order of the kinds of item in the earlier case studies; unlisted kinds follow.
EARLIER_ITEM_KINDS = ("oversight-arrangement", "principle", "achievement", "barrier", "lesson")


def label_for_kind(kind) -> str:
    """A codebook kind as words: the partner-kind label where there is one, else the id de-hyphenated."""
    if kind is None or pd.isna(kind):
        return ""
    kind = str(kind)
    return PARTNER_KIND_LABELS.get(kind, kind.replace("-", " ").capitalize())


def _names_in_system_order(tables: dict[str, pd.DataFrame], links: pd.DataFrame, key: str) -> pd.Series:
    """For each value of ``key`` in ``links``, the names of its systems in systems.csv order, joined."""
    systems = tables["systems"][["system_id", "name"]].reset_index(drop=True)
    order = {system_id: i for i, system_id in enumerate(systems["system_id"])}
    named = links[[key, "system_id"]].drop_duplicates().merge(systems, on="system_id")
    named = named.assign(order=named["system_id"].map(order)).sort_values([key, "order"])
    return named.groupby(key)["name"].agg(lambda names: "; ".join(names))


def most_frequent(frame: pd.DataFrame, label: str, count: str) -> tuple[str, int]:
    """The label(s) with the largest count, joined with 'and' when tied, and that count; ('', 0) if none."""
    if frame.empty or frame[count].max() == 0 or pd.isna(frame[count].max()):
        return "", 0
    top = int(frame[count].max())
    labels = [str(x) for x in frame.loc[frame[count] == top, label]]
    joined = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    return joined, top


def _reach(tables: dict[str, pd.DataFrame], codebook: str, links_table: str, key: str) -> pd.DataFrame:
    """Every codebook entry with how many systems link to it and which (widest reach first).

    Entries no system uses stay in, with 0 systems; ties keep codebook order.
    """
    entries = tables[codebook][[key, "name", "kind", "description"]].reset_index(drop=True)
    links = tables[links_table]
    links = links[links["system_id"].isin(set(tables["systems"]["system_id"]))]
    counts = links.groupby(key)["system_id"].nunique()
    out = entries.assign(
        systems=entries[key].map(counts).fillna(0).astype(int),
        system_names=entries[key].map(_names_in_system_order(tables, links, key)),
        codebook_order=range(len(entries)),
    )
    out = out.sort_values(["systems", "codebook_order"], ascending=[False, True])
    return out.drop(columns="codebook_order").reset_index(drop=True)


def method_usage(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every method with how many systems use it and which (most used first)."""
    return _reach(tables, "methods", "system_methods", "method_id")


def methods_by_kind(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """For each kind of method: methods in the codebook, methods in use, system-method links, systems."""
    usage = method_usage(tables)
    links = tables["system_methods"].merge(tables["methods"][["method_id", "kind"]], on="method_id")
    links = links[links["system_id"].isin(set(tables["systems"]["system_id"]))]
    kinds = list(dict.fromkeys(tables["methods"]["kind"]))
    out = pd.DataFrame({"kind": kinds})
    out["methods"] = out["kind"].map(usage.groupby("kind").size()).fillna(0).astype(int)
    out["methods_used"] = out["kind"].map(usage[usage["systems"] > 0].groupby("kind").size()).fillna(0).astype(int)
    out["links"] = out["kind"].map(links.groupby("kind").size()).fillna(0).astype(int)
    out["systems"] = out["kind"].map(links.groupby("kind")["system_id"].nunique()).fillna(0).astype(int)
    return out


def dimension_by_system(tables: dict[str, pd.DataFrame], dimension_id: str) -> pd.DataFrame:
    """Every system (data order) on one comparison dimension; NA where the data has no row."""
    systems = tables["systems"][["system_id", "name"]]
    rows = tables["system_dimensions"]
    rows = rows[rows["dimension_id"] == dimension_id][["system_id", "summary", "source_id", "section", "quote"]]
    return systems.merge(rows, on="system_id", how="left").reset_index(drop=True)


def partner_reach(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every partner with how many systems it helps and which (widest reach first)."""
    return _reach(tables, "partners", "system_partners", "partner_id")


def partners_by_kind(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """For each kind of partner: partners in the codebook, partners linked to a system, links, systems."""
    reach = partner_reach(tables)
    links = tables["system_partners"].merge(tables["partners"][["partner_id", "kind"]], on="partner_id")
    links = links[links["system_id"].isin(set(tables["systems"]["system_id"]))]
    out = pd.DataFrame({"kind": list(dict.fromkeys(tables["partners"]["kind"]))})
    out["label"] = out["kind"].map(label_for_kind)
    out["partners"] = out["kind"].map(reach.groupby("kind").size()).fillna(0).astype(int)
    out["partners_linked"] = out["kind"].map(reach[reach["systems"] > 0].groupby("kind").size()).fillna(0).astype(int)
    out["links"] = out["kind"].map(links.groupby("kind").size()).fillna(0).astype(int)
    out["systems"] = out["kind"].map(links.groupby("kind")["system_id"].nunique()).fillna(0).astype(int)
    return out


def partner_kind_matrix(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every system × every partner kind (long): how many partners of that kind help it, and who.

    Systems with no partners keep a row per kind with 0, so the gap shows.
    """
    systems = tables["systems"][["system_id", "name"]].reset_index(drop=True)
    kinds = list(dict.fromkeys(tables["partners"]["kind"]))
    grid = systems.merge(pd.DataFrame({"kind": kinds}), how="cross")
    links = tables["system_partners"][["system_id", "partner_id"]].merge(
        tables["partners"][["partner_id", "name", "kind"]].rename(columns={"name": "partner"}), on="partner_id"
    )
    grouped = links.groupby(["system_id", "kind"])
    summary = pd.DataFrame(
        {"partners": grouped.size(), "partner_names": grouped["partner"].agg(lambda names: "; ".join(sorted(names)))}
    ).reset_index()
    out = grid.merge(summary, on=["system_id", "kind"], how="left")
    out["partners"] = out["partners"].fillna(0).astype(int)
    out["label"] = out["kind"].map(label_for_kind)
    return out


def figures_against_reference(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every non-reference figure beside the reference value for the same system and measure.

    Adds the measure label and unit, both sources' titles and years, ``differs`` (NA where there
    is no reference value) and ``comparison``, e.g. '2.6 million (2021) vs 2.4 million (2023)'.
    """
    figures = tables["system_figures"]
    is_reference = figures["is_reference"].fillna(False).astype(bool)
    reference = figures[is_reference][["system_id", "measure_id", "value", "qualifier", "source_id", "quote"]]
    others = figures[~is_reference]
    merged = others.merge(reference, on=["system_id", "measure_id"], how="left", suffixes=("", "_reference"))
    merged = merged.merge(tables["measures"][["measure_id", "label", "unit"]], on="measure_id", how="left")
    merged = merged.merge(tables["systems"][["system_id", "name"]], on="system_id", how="left")
    sources = tables["sources"].set_index("source_id")
    merged["source_title"] = merged["source_id"].map(sources["title"])
    merged["source_year"] = merged["source_id"].map(sources["year"]).astype("Int64")
    merged["source_year_reference"] = merged["source_id_reference"].map(sources["year"]).astype("Int64")
    has_reference = merged["value_reference"].notna()
    differs = pd.Series(pd.NA, index=merged.index, dtype="boolean")
    with_reference = merged[has_reference]
    differs[has_reference] = (with_reference["value"] != with_reference["value_reference"]).astype(bool)
    merged["differs"] = differs

    def comparison(row) -> str:
        text = f"{as_stated(row['value'], row['unit'], row['qualifier'], quote=row['quote'])} ({row['source_year']})"
        if pd.isna(row["value_reference"]):
            return f"{text}; no reference value"
        reference_text = as_stated(row["value_reference"], row["unit"], row["qualifier_reference"],
                                   quote=row["quote_reference"])  # fmt: skip
        return f"{text} vs {reference_text} ({row['source_year_reference']})"

    merged["comparison"] = [comparison(row) for _, row in merged.iterrows()] if len(merged) else pd.Series(dtype=str)
    return merged.reset_index(drop=True)


def earlier_items_by_kind(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every earlier case study × every kind of item (long), with the count of items; 0 where none."""
    cases = tables["earlier_case_studies"][["case_id", "title"]].reset_index(drop=True)
    items = tables["earlier_case_study_items"]
    present = list(dict.fromkeys(items["kind"]))
    kinds = list(EARLIER_ITEM_KINDS) + [k for k in present if k not in EARLIER_ITEM_KINDS]
    grid = cases.merge(pd.DataFrame({"kind": kinds, "kind_order": range(len(kinds))}), how="cross")
    counts = items.groupby(["case_id", "kind"]).size().rename("items").reset_index()
    out = grid.merge(counts, on=["case_id", "kind"], how="left")
    out["items"] = out["items"].fillna(0).astype(int)
    out["label"] = out["kind"].map(label_for_kind)
    return out


def inconsistencies_with_sources(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The inconsistencies with the system's name and both sources' titles and years."""
    sources = tables["sources"].set_index("source_id")
    out = tables["inconsistencies"].merge(tables["systems"][["system_id", "name"]], on="system_id", how="left")
    for prefix in ("", "alt_"):
        out[f"{prefix}source_title"] = out[f"{prefix}source_id"].map(sources["title"])
        out[f"{prefix}source_year"] = out[f"{prefix}source_id"].map(sources["year"]).astype("Int64")
    return out.reset_index(drop=True)


# --- Care areas (notebooks/improvement_work.md) ---------------------------------------------

CARE_AREA_CODES = {"improvement-work": "improvement work", "mentioned": "mentioned only"}


def care_area_grid(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every case study × care area (data order) with its coding: 'improvement work' (an example
    in the data works on it), 'mentioned only', or 'not evident'; ``peer`` is False for a
    multi-system programme, which is shown beside the systems and not counted with them."""
    systems = tables["systems"][["system_id", "name"]]
    areas = tables["care_areas"][["care_area_id", "label"]]
    grid = systems.merge(areas, how="cross")
    coded = tables["system_care_areas"][["system_id", "care_area_id", "coding"]]
    grid = grid.merge(coded, on=["system_id", "care_area_id"], how="left")
    grid["coding"] = grid["coding"].map(
        lambda c: CARE_AREA_CODES.get(str(c), "not evident") if pd.notna(c) else "not evident"
    )
    grid["peer"] = grid["system_id"].isin(peer_ids(tables))
    return grid.reset_index(drop=True)


def care_area_counts(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """For each care area (codebook order): improvement examples working on it, and how many of
    the integrated care systems (peers only) have improvement work on it or only mention it."""
    grid = care_area_grid(tables)
    peers = grid[grid["peer"]]
    links = tables["example_care_areas"].groupby("care_area_id").size()
    out = tables["care_areas"][["care_area_id", "label"]].copy()
    out["examples"] = out["care_area_id"].map(links).fillna(0).astype(int)
    for column, code in (("systems_with_work", "improvement work"), ("systems_mentioning", "mentioned only")):
        counts = peers[peers["coding"] == code].groupby("care_area_id").size()
        out[column] = out["care_area_id"].map(counts).fillna(0).astype(int)
    return out.reset_index(drop=True)
