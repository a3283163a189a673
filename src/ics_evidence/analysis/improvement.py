"""The improvement-work chapter (notebooks/improvement_work.md):
its derivations (tables computed from the data every time, never stored by hand) and the
charts and tables made from them; figures several chapters share are in
:mod:`ics_evidence.analysis.figures`.

Why one module of a little over 400 lines: one module per notebook (notebooks/README.md), and
this chapter has the most figures (levels, levels by theme, systems, methods, care areas), each
with the derivation it draws and its table.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ics_evidence.analysis import charts
from ics_evidence.analysis.codebook import EXAMPLE_LEVELS
from ics_evidence.analysis.common import data_order, short_names, with_labels
from ics_evidence.analysis.figures import peer_ids

# The method codebook's kinds as this chapter words them; an unlisted kind shows its id.
KINDS = {"qi-method": "Improvement method", "programme": "Programme", "approach": "Approach",
         "framework": "Framework"}  # fmt: skip


def level_labels(tables: dict[str, pd.DataFrame]) -> list[str]:
    """The plain-English label of every level, in :func:`example_levels` order."""
    return [EXAMPLE_LEVELS.get(level, level) for level in example_levels(tables)]


def level_scale(tables: dict[str, pd.DataFrame]) -> alt.Scale:
    """One colour-blind-safe colour per level, the same in every chart of this chapter."""
    labels = level_labels(tables)
    return alt.Scale(domain=labels, range=list(charts.PALETTE[: len(labels)]))


def examples_per_level(tables: dict[str, pd.DataFrame]) -> pd.Series:
    """Number of improvement examples at each level (every level, zeros included), in level order."""
    examples = tables["improvement_examples"]
    return examples["level"].value_counts().reindex(example_levels(tables), fill_value=0)


def levels_figure(tables: dict[str, pd.DataFrame]) -> tuple[alt.LayerChart, pd.DataFrame]:
    """Bar chart of the examples at each level, with each count written at the end of its bar."""
    levels, labels = example_levels(tables), level_labels(tables)
    per_level = examples_per_level(tables)
    total = len(tables["improvement_examples"])
    level_counts = pd.DataFrame({"level": labels, "examples": [int(per_level[level]) for level in levels]}).assign(
        share=lambda frame: frame["examples"] / total if total else float("nan")
    )
    level_base = alt.Chart(level_counts).encode(
        y=alt.Y("level:N", sort=labels, title=None),
        x=alt.X("examples:Q", title="Number of examples", axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[
            alt.Tooltip("level:N", title="Level"),
            alt.Tooltip("examples:Q", title="Examples"),
            alt.Tooltip("share:Q", title="Share of all examples", format=".0%"),
        ],
    )
    levels_chart = (
        level_base.mark_bar().encode(color=alt.Color("level:N", scale=level_scale(tables), legend=None))
        + level_base.mark_text(align="left", dx=4).encode(text=alt.Text("examples:Q", format="d"))
    ).properties(
        width=440,
        description=(
            "Bar chart of the number of improvement examples at each level, from work across several "
            "systems down to neighbourhoods, with the count written at the end of each bar."
        ),
    )
    return levels_chart, level_counts.rename(
        columns={"level": "Level", "examples": "Examples", "share": "Share of all examples"}
    )


def level_theme_grid(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Examples for every level and theme (:func:`examples_level_theme_grid`) with text labels."""
    return examples_level_theme_grid(tables).astype({"label": str, "level_label": str})


def level_theme_figure(tables: dict[str, pd.DataFrame]) -> tuple[alt.LayerChart, pd.DataFrame]:
    """Heat map of themes (rows) × levels (columns): the examples at each level illustrating each theme."""
    grid = level_theme_grid(tables)
    theme_labels = list(tables["themes"]["label"])

    def heat_map(x_axis: alt.Axis, y_axis: alt.Axis, legend: alt.Legend) -> alt.LayerChart:
        grid_base = alt.Chart(grid).encode(
            x=alt.X("level_label:N", sort=level_labels(tables), title=None, axis=x_axis),
            y=alt.Y("label:N", sort=theme_labels, title=None, axis=y_axis),
            tooltip=[
                alt.Tooltip("level_label:N", title="Level"),
                alt.Tooltip("label:N", title="Theme"),
                alt.Tooltip("examples:Q", title="Examples"),
            ],
        )
        return grid_base.mark_rect(stroke="#FFFFFF", strokeWidth=2).encode(
            color=alt.Color(
                "examples:Q",
                # Light shades only, so that the dark text stays readable on every cell.
                scale=alt.Scale(range=["#F5F8FB", "#4F93CF"], domainMin=0),
                legend=legend,
            )
        ) + grid_base.mark_text(fontSize=13).encode(text=alt.Text("examples:Q", format="d"))

    description = (
        "Heat map with one row per theme and one column per level, giving the number of "
        "improvement examples at that level that illustrate the theme; the count is written in "
        "each cell."
    )
    grid_chart = heat_map(
        alt.Axis(labelAngle=-30, orient="top"),
        alt.Axis(),
        alt.Legend(title="Examples", format="d", orient="bottom"),
    ).properties(width={"step": 96}, height={"step": 28}, description=description)
    # On a phone: narrower columns named upright, theme names on two lines.
    narrow = heat_map(
        alt.Axis(labelAngle=-90, orient="top", labelLimit=220),
        charts.wrapped_axis(18, 125),
        alt.Legend(title="Examples", format="d", orient="bottom", gradientLength=160),
    ).properties(width={"step": 38}, height={"step": 32}, description=description)
    grid_chart = charts.with_narrow_layout(grid_chart, narrow)
    return grid_chart, grid[["label", "level_label", "examples"]].rename(
        columns={"label": "Theme", "level_label": "Level", "examples": "Examples"}
    )


def by_system_figure(tables: dict[str, pd.DataFrame]) -> tuple[alt.LayerChart, pd.DataFrame]:
    """Stacked bars of each system's examples by level, totals written at the ends; data table wide."""
    levels, labels, scale = example_levels(tables), level_labels(tables), level_scale(tables)
    by_system = examples_by_system_and_level(tables).astype({"name": str, "level_label": str})
    by_system = by_system.assign(level_order=by_system["level"].map(data_order(levels)))
    totals = by_system.groupby("name", sort=False)["examples"].sum().rename("total").reset_index()
    system_names = list(tables["systems"]["name"])
    stacked = (
        alt.Chart(by_system[by_system["examples"] > 0])
        .mark_bar(stroke="#FFFFFF", strokeWidth=1)
        .encode(
            y=alt.Y("name:N", sort=system_names, title=None),
            x=alt.X("sum(examples):Q", title="Number of examples", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("level_label:N", scale=scale, legend=alt.Legend(title="Level", orient="bottom", columns=2)),
            order=alt.Order("level_order:Q", sort="ascending"),
            tooltip=[
                alt.Tooltip("name:N", title="System"),
                alt.Tooltip("level_label:N", title="Level"),
                alt.Tooltip("examples:Q", title="Examples"),
            ],
        )
    )
    total_labels = (
        alt.Chart(totals)
        .mark_text(align="left", dx=4)
        .encode(
            y=alt.Y("name:N", sort=system_names, title=None),
            x=alt.X("total:Q"),
            text=alt.Text("total:Q", format="d"),
            tooltip=[alt.Tooltip("name:N", title="System"), alt.Tooltip("total:Q", title="Examples in all")],
        )
    )
    systems_chart = (stacked + total_labels).properties(
        width=440,
        description=(
            "Stacked bar chart: one bar per system, named on the vertical axis, split by the level "
            "each improvement example works at, with the system's total number of examples written "
            "at the end of the bar."
        ),
    )
    wide = by_system.pivot(index="name", columns="level_label", values="examples").reindex(
        index=system_names, columns=labels
    )
    return systems_chart, wide.assign(Total=wide.sum(axis=1)).rename_axis(index="System", columns=None).reset_index()


def named_methods(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """:func:`methods_in_examples` with the kinds in words and text columns for the chart."""
    methods = methods_in_examples(tables)
    return methods.assign(
        name=methods["name"].astype(str),
        kind=methods["kind"].map(lambda kind: KINDS.get(kind, kind)).astype(str),
        system_names=methods["system_names"].astype(str),
    )


def methods_figure(tables: dict[str, pd.DataFrame]) -> tuple[alt.LayerChart, pd.DataFrame]:
    """Bar chart of the named methods, most often named first, with each count at the end of its bar."""
    methods = named_methods(tables)
    method_order = list(methods["name"])
    method_base = alt.Chart(methods).encode(
        y=alt.Y("name:N", sort=method_order, title=None, axis=alt.Axis(labelLimit=380)),
        x=alt.X("examples:Q", title="Number of examples naming the method", axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[
            alt.Tooltip("name:N", title="Method"),
            alt.Tooltip("kind:N", title="Kind"),
            alt.Tooltip("examples:Q", title="Examples"),
            alt.Tooltip("systems:Q", title="Systems"),
            alt.Tooltip("system_names:N", title="Used in"),
        ],
    )
    methods_chart = (
        method_base.mark_bar(color=charts.ACCENT)
        + method_base.mark_text(align="left", dx=4).encode(text=alt.Text("examples:Q", format="d"))
    ).properties(
        width=400,
        description=(
            "Bar chart of the named improvement methods, programmes and approaches used in the "
            "improvement examples, one bar per method, with the number of examples naming it written "
            "at the end of each bar."
        ),
    )
    return methods_chart, methods[["name", "kind", "examples", "systems", "system_names"]].rename(
        columns={
            "name": "Method", "kind": "Kind", "examples": "Examples", "systems": "Systems",
            "system_names": "Used in",
        }
    )  # fmt: skip


def listings_by_level(tables: dict[str, pd.DataFrame]) -> list[tuple[str, pd.DataFrame]]:
    """For each level, in order, its label and the table of its examples ('none named' for gaps)."""
    listing = examples_listing(tables)
    out = []
    for level, label in zip(example_levels(tables), level_labels(tables), strict=True):
        at_level = listing[listing["level"] == level].fillna({"method_name": "none named", "partners": "none named"})
        out.append(
            (
                label,
                at_level[["title", "system_name", "summary", "method_name", "partners"]].rename(
                    columns={
                        "title": "Example", "system_name": "System", "summary": "What was done",
                        "method_name": "Method", "partners": "Partners",
                    }
                ),
            )
        )  # fmt: skip
    return out


# -- care areas -----------------------------------------------------------------------------

CARE_CODES = ["improvement work", "mentioned only", "not evident"]


def care_areas_figure(tables: dict[str, pd.DataFrame]) -> tuple[alt.Chart, pd.DataFrame, str]:
    """Grid of care areas (rows) by case study (columns), shaded by coding; the programme's
    column is labelled as such. Returns the chart, its data table and the table's caption."""
    care = care_area_grid(tables).astype({"name": str, "label": str, "coding": str})
    systems = tables["systems"]
    programmes = set(systems.loc[~systems["system_id"].isin(peer_ids(tables)), "name"])
    care["column"] = [f"{n} (programme)" if n in programmes else n for n in care["name"]]
    columns = list(dict.fromkeys(care["column"]))
    short = short_names(systems)
    short_columns = {
        column: f"{short[name]} (programme)" if name in programmes else short[name]
        for column, name in zip(care["column"], care["name"], strict=True)
    }

    def grid(base: alt.Chart, x: alt.X, y_axis: alt.Axis, legend_columns=alt.Undefined) -> alt.Chart:
        return base.mark_rect(stroke="#FFFFFF", strokeWidth=2).encode(
            x=x,
            y=alt.Y("label:N", sort=list(tables["care_areas"]["label"]), title=None, axis=y_axis),
            color=alt.Color("coding:N", scale=alt.Scale(domain=CARE_CODES, range=["#4F93CF", "#BFD7EE", "#F5F8FB"]),
                            legend=alt.Legend(title=None, orient="bottom", columns=legend_columns)),
            tooltip=[alt.Tooltip("name:N", title="Case study"), alt.Tooltip("label:N", title="Care area"),
                     alt.Tooltip("coding:N", title="Coded")],
        )  # fmt: skip

    description = (
        "Grid with one row per care area and one column per case study; each cell is shaded by "
        "its coding: improvement work, mentioned only, or not evident. The multi-system "
        "programme's column is labelled as a programme."
    )
    chart = grid(
        alt.Chart(care),
        alt.X("column:N", sort=columns, title=None, axis=alt.Axis(labelAngle=-30, orient="top")),
        alt.Axis(),
    ).properties(width={"step": 70}, height={"step": 24}, description=description)
    # On a phone: columns named upright by the systems' short names, care areas on two lines.
    narrow = grid(
        with_labels(alt.Chart(care), "column", short_columns, "short"),
        alt.X("short:N", sort=[short_columns[c] for c in columns], title=None,
              axis=alt.Axis(labelAngle=-90, orient="top", labelLimit=220)),
        charts.wrapped_axis(18, 125),
        legend_columns=1,
    ).properties(width={"step": charts.column_step(len(columns), 125, 24, 14)}, height={"step": 32},
                 description=description)  # fmt: skip
    chart = charts.with_narrow_layout(chart, narrow)
    shown = care[["name", "label", "coding"]].rename(
        columns={"name": "Case study", "label": "Care area", "coding": "Coded"}
    )
    return chart, shown, "Care areas by case study (improvement work, mentioned only, or not evident)"


CARE_COUNT_COLUMNS = {
    "label": "Care area",
    "examples": "Improvement examples",
    "systems_with_work": "Systems with improvement work on it",
    "systems_mentioning": "Systems mentioning it only",
}


def care_counts_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    counts = care_area_counts(tables)
    return counts[list(CARE_COUNT_COLUMNS)].rename(columns=CARE_COUNT_COLUMNS)


def examples_by_level_and_theme(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Count of improvement examples for each level and theme."""
    examples = tables["improvement_examples"][["example_id", "level"]]
    joined = examples.merge(tables["example_themes"], on="example_id")
    counts = joined.groupby(["level", "theme_id"]).size().rename("examples").reset_index()
    return counts.merge(tables["themes"][["theme_id", "label"]], on="theme_id")


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
