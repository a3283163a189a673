"""The scale-and-structure chapter (notebooks/scale_and_structure.md):
its derivations (tables computed from the data every time, never stored by hand) and the
charts and tables made from them; figures several chapters share are in
:mod:`ics_evidence.analysis.figures`.

Why one module of about 480 lines: each notebook's derivations, charts and tables live in its
own module (notebooks/README.md, CONTRIBUTING), which is where a contributor looks for a
chapter's code; derive.py's derivations were moved into their chapters for that (issue 22).
Splitting this chapter's derivations from its charts would make it the one chapter in two
modules. About half of it is its charts: the population and organisation charts each draw
two panels and a phone layout of them.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ics_evidence.analysis import charts
from ics_evidence.analysis.common import data_order, plain
from ics_evidence.analysis.figures import (
    BASIS_LABELS,
    KEY_MEASURES,
    RATIOS,
    budget_basis,
    figures_wide,
    other_year,
    other_year_note,
    peer_ids,
    ratios,
    stated_figures,
)

# The ratios of the full key-figures table, rounded to whole numbers there.
RATIO_COLUMNS = ["budget_per_head_gbp", "people_per_sq_mile", "people_per_place", "people_per_pcn", "people_per_trust"]

# The full key-figures table's columns and headings, in reading order.
KEY_FIGURE_COLUMNS = {
    "name": "System",
    "kind": "Kind",
    "population": "Population",
    "area_sq_miles": "Area (square miles)",
    "nhs_budget_gbp_bn": "Budget (£ billion)",
    "budget_basis": "Budget as the source words it",
    "nhs_trusts": "NHS trusts",
    "primary_care_networks": "Primary care networks",
    "place_partnerships": "Place partnerships",
    "budget_per_head_gbp": "Budget per head (£; compare only like bases)",
    "people_per_sq_mile": "People per square mile",
    "people_per_place": "People per place partnership",
    "people_per_pcn": "People per primary care network",
    "people_per_trust": "People per NHS trust",
    "hedged": "Figures the source hedges",
}
KEY_FIGURE_NUMERIC = [
    label for key, label in KEY_FIGURE_COLUMNS.items() if key not in ("name", "kind", "hedged", "budget_basis")
]


def programmes_table(programmes: pd.DataFrame) -> pd.DataFrame:
    """The multi-system programmes, with the case studies of their own among their systems."""
    shown = programmes.assign(
        overlapping=programmes["overlapping"].map(lambda names: "; ".join(names) or pd.NA).astype("string")
    )
    return shown[["name", "systems_covered", "overlapping", "quote"]].rename(
        columns={
            "name": "Programme",
            "systems_covered": "Systems taking part",
            "overlapping": "Case studies of their own among them",
            "quote": "Evidence",
        }
    )


def programme_note(programmes: pd.DataFrame) -> str:
    """Why the programmes are drawn apart: "not ranked: its population includes Surrey Heartlands"."""
    overlapping = sorted({name for names in programmes["overlapping"] for name in names})
    note = "not ranked with the systems"
    if overlapping:
        note += f": {'its' if len(programmes) == 1 else 'their'} population includes {', '.join(overlapping)}"
    return note


def _title(text: str, chars: int) -> alt.TitleParams:
    """A panel title broken into lines of at most ``chars`` characters (never cut short)."""
    import textwrap

    return alt.TitleParams(textwrap.wrap(text, chars) or [text], fontSize=13, fontWeight="normal")


def population_panels(data: pd.DataFrame, color: alt.Color, note: str, *, narrow: bool = False):
    """The population bars (``data``: name, label, kind, value, as_stated, quote) in two panels
    on one scale: the integrated care systems ranked largest first, then the multi-system
    programmes apart, under a title saying why. Every label is drawn in full (on a phone,
    ``narrow``, names wrap onto two lines)."""
    width, chars = (128, 40) if narrow else (440, 90)
    axis = charts.wrapped_axis(15, 110) if narrow else alt.Axis(labelLimit=400)
    # Room to the right of the longest bar for its label, so no label runs off the chart.
    domain = [0, float(data["value"].max()) * (1.5 if narrow else 1.25)] if len(data) else [0, 1]

    def panel(rows: pd.DataFrame, title: str) -> alt.LayerChart:
        order = list(rows.sort_values("value", ascending=False)["name"])
        bars = (
            alt.Chart(plain(rows), title=_title(title, chars))
            .mark_bar()
            .encode(
                y=alt.Y("name:N", sort=order, title=None, axis=axis),
                x=alt.X(
                    "value:Q",
                    title="Population served (people)",
                    scale=alt.Scale(domain=domain),
                    axis=alt.Axis(format="~s" if narrow else ",.0f", tickCount=3 if narrow else alt.Undefined),
                ),
                color=color,
                tooltip=[
                    alt.Tooltip("label:N", title="System"),
                    alt.Tooltip("value:Q", title="Population", format=",.0f"),
                    alt.Tooltip("as_stated:N", title="As the source puts it"),
                    alt.Tooltip("quote:N", title="Evidence"),
                ],
            )
        )
        labels = bars.mark_text(align="left", dx=4).encode(text="as_stated:N", color=alt.value(charts.TEXT))
        return (bars + labels).properties(width=width, height={"step": 34 if narrow else 26})

    ics = data[data["kind"] == "integrated care system"]
    programmes = data[data["kind"] != "integrated care system"]
    panels = [panel(ics, "Integrated care systems, largest first")]
    if len(programmes):
        heading = "Multi-system programme" if len(programmes) == 1 else "Multi-system programmes"
        panels.append(panel(programmes, f"{heading}, {note}"))
    return alt.vconcat(*panels, spacing=18)


def population_figure(tables: dict[str, pd.DataFrame]) -> tuple[alt.VConcatChart, pd.DataFrame]:
    """Population of every system as its source words it: the integrated care systems ranked
    largest first, the multi-system programmes drawn apart below them, not ranked."""
    table = scale_table(tables)
    stated = stated_figures(tables)
    programmes = multi_system_programmes(tables)
    in_programme = set(programmes["system_id"])
    population = stated[stated["measure_id"] == "population"].merge(table[["system_id", "kind"]], on="system_id")
    population = population.assign(
        label=[
            f"{name} (multi-system programme)" if system_id in in_programme else name
            for system_id, name in zip(population["system_id"], population["name"], strict=True)
        ]
    )
    # A figure from a document of another year than the report's says so on its bar.
    elsewhere = other_year(tables, ["population"])
    population = population.assign(
        as_stated=[
            f"{text} ({elsewhere[s]})" if s in elsewhere else text
            for s, text in zip(population["system_id"], population["as_stated"], strict=True)
        ]
    )
    note = programme_note(programmes[programmes["system_id"].isin(set(population["system_id"]))])
    data = population[["label", "name", "kind", "value", "as_stated", "quote"]]
    description = (
        "Horizontal bar charts of the population each system serves, on one scale, each bar labelled by the "
        "figure as its source words it: first the integrated care systems, largest first, then, apart, "
        f"the multi-system programmes ({note})."
    )
    # One colour: each bar is named on its axis, and a colour per system would encode nothing.
    colour = alt.value(charts.ACCENT)
    wide = population_panels(data, colour, note).properties(description=description)
    narrow = population_panels(data, colour, note, narrow=True).properties(description=description)
    return charts.with_narrow_layout(wide, narrow), population[["label", "kind", "value", "as_stated", "quote"]].rename(
        columns={
            "label": "System",
            "kind": "Kind",
            "value": "Population",
            "as_stated": "As the source puts it",
            "quote": "Evidence",
        }
    )


def ics_ids(tables: dict[str, pd.DataFrame]) -> set:
    """The case studies that are integrated care systems (not multi-system programmes)."""
    table = scale_table(tables)
    return set(table.loc[table["kind"] == "integrated care system", "system_id"])


def ratio_chart(
    tables: dict[str, pd.DataFrame],
    ratio,
    axis_title,
    what,
    numerator_title,
    denominator_title,
    value_format=",.0f",
) -> tuple[alt.Chart, pd.DataFrame]:
    """A bar chart of one ratio for the integrated care systems that report both inputs."""
    data = ratio_inputs(tables, ratio)
    data = data[data["system_id"].isin(ics_ids(tables))]
    if "basis" in data.columns:  # budgets: compare only those the sources state on the same basis
        data = data[data["basis"] == COMPARED_BASIS]
    spec = {r[0]: r for r in RATIOS}[ratio]
    # and only figures of the comparison year: another year's document is named in the text instead
    data = data[~data["system_id"].isin(other_year(tables, spec[2:4]))]
    chart = (
        alt.Chart(plain(data))
        .mark_bar()
        .encode(
            y=alt.Y("name:N", sort="-x", title=None),
            x=alt.X("value:Q", title=axis_title, axis=alt.Axis(format=",.0f")),
            tooltip=[
                alt.Tooltip("name:N", title="System"),
                alt.Tooltip("value:Q", title=axis_title, format=value_format),
                alt.Tooltip("numerator_as_stated:N", title=numerator_title),
                alt.Tooltip("numerator_quote:N", title="Evidence"),
                alt.Tooltip("denominator_as_stated:N", title=denominator_title),
                alt.Tooltip("denominator_quote:N", title="Evidence "),
            ],
        )
        .properties(
            width=440,
            description=f"Horizontal bar chart of {what} for each integrated care system "
            "that reports both figures, largest first; systems are named on the vertical axis.",
        )
    )
    shown = data.assign(value=data["value"].round(0))[
        ["name", "value", "numerator_as_stated", "denominator_as_stated", "approximate"]
    ].rename(
        columns={
            "name": "System",
            "value": axis_title,
            "numerator_as_stated": numerator_title,
            "denominator_as_stated": denominator_title,
            "approximate": "Computed from a hedged figure",
        }
    )
    shown["Computed from a hedged figure"] = shown["Computed from a hedged figure"].map({True: "yes", False: "no"})
    return chart, shown


def income_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """NHS budget and total income of the systems whose total income the source gives separately."""
    stated = stated_figures(tables)
    money = stated[stated["measure_id"].isin(["nhs_budget_gbp_bn", "total_income_gbp_bn"])]
    with_income = set(money.loc[money["measure_id"] == "total_income_gbp_bn", "system_id"])
    money = money[money["system_id"].isin(with_income)].sort_values(["name", "measure_id"])
    return money[["name", "label", "as_stated", "unit", "quote"]].rename(
        columns={
            "name": "System",
            "label": "Figure",
            "as_stated": "As the source puts it",
            "unit": "Unit",
            "quote": "Evidence",
        }
    )


def organisation_panel(frame: pd.DataFrame, title: str, systems: pd.DataFrame, *, narrow: bool = False) -> alt.Chart:
    """One panel of the people-per-organisation chart: one bar per system, in data order (on a
    phone, ``narrow``: a narrower panel, fewer ticks and the systems' names on two lines)."""
    label_axis = charts.wrapped_axis(16, 110) if narrow else alt.Axis()
    panel = (
        alt.Chart(plain(frame), title=title)
        .mark_bar()
        .encode(
            y=alt.Y("name:N", sort=list(systems["name"]), title=None, axis=label_axis),
            x=alt.X("value:Q", title="People", axis=alt.Axis(format=",.0f", tickCount=4 if narrow else alt.Undefined)),
            tooltip=[
                alt.Tooltip("name:N", title="System"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("value:Q", title="People", format=",.0f"),
                alt.Tooltip("numerator_as_stated:N", title="Population"),
                alt.Tooltip("numerator_quote:N", title="Evidence"),
                alt.Tooltip("denominator_as_stated:N", title="Organisations"),
                alt.Tooltip("denominator_quote:N", title="Evidence "),
            ],
        )
        .properties(width=210 if narrow else 440)
    )
    return panel.properties(height={"step": 30}) if narrow else panel


def organisations_figure(tables: dict[str, pd.DataFrame]) -> tuple[alt.VConcatChart, pd.DataFrame]:
    """People per primary care network and per NHS trust, one panel each, integrated care systems only."""
    systems = tables["systems"]
    per_pcn = ratio_inputs(tables, "people_per_pcn").assign(measure="People per primary care network")
    per_trust = ratio_inputs(tables, "people_per_trust").assign(measure="People per NHS trust")
    organisations = pd.concat([per_pcn, per_trust], ignore_index=True)
    organisations = organisations[organisations["system_id"].isin(ics_ids(tables))]
    groups = list(organisations.groupby("measure", sort=False)) or [("No system reports these figures", organisations)]
    panels = [organisation_panel(group, measure, systems) for measure, group in groups]
    narrow_panels = [organisation_panel(group, measure, systems, narrow=True) for measure, group in groups]
    organisation_chart = alt.vconcat(*panels).properties(
        description=(
            "Two horizontal bar charts, one above the other: the average number of people per primary care "
            "network, and per NHS trust, for each integrated care system that reports the figures; systems are "
            "named on the vertical axis in the data's order."
        )
    )
    organisation_chart = charts.with_narrow_layout(
        organisation_chart, alt.vconcat(*narrow_panels).properties(description=organisation_chart.description)
    )
    return organisation_chart, organisations.assign(value=organisations["value"].round(0))[
        ["name", "measure", "value", "numerator_as_stated", "denominator_as_stated"]
    ].rename(
        columns={
            "name": "System",
            "measure": "Measure",
            "value": "People",
            "numerator_as_stated": "Population",
            "denominator_as_stated": "Organisations",
        }
    )


def key_figures_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every case study's key figures and ratios (ratios rounded), headed by KEY_FIGURE_COLUMNS."""
    table = scale_table(tables)
    full = table.assign(**{column: table[column].round(0) for column in RATIO_COLUMNS})
    full["hedged"] = full["hedged"].fillna("none")
    return full[list(KEY_FIGURE_COLUMNS)].rename(columns=KEY_FIGURE_COLUMNS)


def hedged_figures_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every key figure the sources qualify ('around', 'more than'...), systems in data order."""
    stated = stated_figures(tables)
    key = stated[stated["measure_id"].isin(KEY_MEASURES) & stated["approximate"]]
    order = data_order(tables["systems"]["system_id"])
    key = key.assign(order=key["system_id"].map(order)).sort_values(["order", "measure_id"])
    return key[["name", "label", "as_stated", "unit", "quote"]].rename(
        columns={
            "name": "System",
            "label": "Figure",
            "as_stated": "As the source puts it",
            "unit": "Unit",
            "quote": "Evidence",
        }
    )


# The basis per-head comparisons use: the one the most systems state.
COMPARED_BASIS = "nhs-budget"


# The size figures the scale chapter tabulates beside the ratios, in reading order.
SCALE_MEASURES = ("population", "area_sq_miles", "nhs_budget_gbp_bn", "nhs_trusts", "primary_care_networks",
                  "place_partnerships")  # fmt: skip


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
