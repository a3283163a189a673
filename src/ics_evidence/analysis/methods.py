"""The methods-and-legacies chapter (notebooks/methods_and_legacies.md):
its derivations (tables computed from the data every time, never stored by hand) and the
charts and tables made from them; figures several chapters share are in
:mod:`ics_evidence.analysis.figures`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ics_evidence.analysis import charts
from ics_evidence.analysis.codebook import codebook_reach, label_for_kind
from ics_evidence.analysis.common import short_names, with_labels

# The method codebook's kinds in words; any kind added later falls back to its id.
METHOD_KINDS = {"qi-method": "Quality improvement method", "programme": "Programme", "approach": "Approach",
                "framework": "Framework"}  # fmt: skip


def method_kind(kind) -> str:
    """A method kind in words (:data:`METHOD_KINDS`, else :func:`label_for_kind`)."""
    return METHOD_KINDS.get(kind, label_for_kind(kind))


def system_method_links(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every system–method link with the system's and the method's names and the method's kind."""
    systems = tables["systems"]
    links = tables["system_methods"].merge(systems[["system_id", "name"]], on="system_id")
    return links.merge(
        tables["methods"][["method_id", "name", "kind"]], on="method_id", suffixes=("_system", "_method")
    )


def systems_grid_figure(tables: dict[str, pd.DataFrame]) -> tuple[alt.Chart, pd.DataFrame]:
    """Dot chart of methods (rows, most used first) × systems (columns): a dot for each method a system uses."""
    systems = tables["systems"]
    usage = method_usage(tables)
    links = system_method_links(tables)
    method_order = list(usage["name"])
    system_order = list(systems["name"])
    grid = links.assign(kind_words=links["kind"].map(method_kind))
    short = short_names(systems)

    def dot_chart(base: alt.Chart, x: alt.X, label_limit: int, size: int) -> alt.Chart:
        return base.mark_circle(size=size, opacity=1).encode(
            x=x,
            y=alt.Y(
                "name_method:N",
                title=None,
                sort=method_order,
                scale=alt.Scale(domain=method_order),
                axis=alt.Axis(labelLimit=label_limit),
            ),
            color=alt.Color("name_system:N", scale=charts.system_colour_scale(systems), legend=None),
            tooltip=[
                alt.Tooltip("name_system:N", title="System"),
                alt.Tooltip("name_method:N", title="Method"),
                alt.Tooltip("kind_words:N", title="Kind"),
                alt.Tooltip("how_used:N", title="How it is used"),
                alt.Tooltip("quote:N", title="Evidence"),
            ],
        )

    description = (
        "Dot chart with one row per improvement method, most widely used first, and one column per "
        "system, named along the top; a dot marks each method a system is recorded as using."
    )
    dots = dot_chart(
        alt.Chart(grid),
        alt.X("name_system:N", title=None, sort=system_order, scale=alt.Scale(domain=system_order),
              axis=alt.Axis(orient="top", labelAngle=-40)),
        360,
        170,
    ).properties(width=alt.Step(44), height=alt.Step(20), description=description)  # fmt: skip
    # On a phone: systems named upright by their short names over narrower columns (same colours).
    short_order = [short[name] for name in system_order]
    narrow = dot_chart(
        with_labels(alt.Chart(grid), "name_system", short, "short"),
        alt.X("short:N", title=None, sort=short_order, scale=alt.Scale(domain=short_order),
              axis=alt.Axis(orient="top", labelAngle=-90, labelLimit=220)),
        160,
        110,
    ).properties(width=alt.Step(charts.column_step(len(short_order), 160, 20, 14)), height=alt.Step(20),
                 description=description)  # fmt: skip
    dots = charts.with_narrow_layout(dots, narrow)
    return dots, grid[["name_system", "name_method", "kind_words", "how_used", "quote"]].rename(
        columns={
            "name_system": "System", "name_method": "Method", "kind_words": "Kind", "how_used": "How it is used",
            "quote": "Evidence",
        }
    )  # fmt: skip


def usage_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every method with its kind in words, what it is and the systems using it (most used first)."""
    usage = method_usage(tables)
    usage_shown = usage.assign(kind=usage["kind"].map(method_kind))
    return usage_shown[["name", "kind", "description", "systems", "system_names"]].rename(
        columns={
            "name": "Method", "kind": "Kind", "description": "What it is", "systems": "Systems using it",
            "system_names": "Which systems",
        }
    )  # fmt: skip


def kinds_figure(tables: dict[str, pd.DataFrame]) -> tuple[alt.LayerChart, pd.DataFrame]:
    """Bar chart of the methods of each kind in the codebook; the table adds use, links and systems."""
    usage = method_usage(tables)
    kinds = methods_by_kind(tables)
    kind_frame = kinds.assign(label=kinds["kind"].map(method_kind))
    kind_frame["names"] = kind_frame["kind"].map(usage.groupby("kind")["name"].agg(lambda names: "; ".join(names)))
    chart = charts.labelled_bars(
        kind_frame,
        y=alt.Y("label:N", title=None, sort="-x"),
        x=alt.X("methods:Q", title="Methods in the codebook", axis=alt.Axis(tickMinStep=1)),
        tooltip=[
            alt.Tooltip("label:N", title="Kind"),
            alt.Tooltip("methods:Q", title="Methods in the codebook"),
            alt.Tooltip("methods_used:Q", title="Used by at least one system"),
            alt.Tooltip("links:Q", title="System–method links"),
            alt.Tooltip("systems:Q", title="Systems using one or more"),
            alt.Tooltip("names:N", title="Methods"),
        ],
        width=420,
        description="Bar chart of the number of improvement methods of each kind in the codebook, each bar labelled.",
    )
    return chart, kind_frame[["label", "methods", "methods_used", "links", "systems", "names"]].rename(
        columns={
            "label": "Kind", "methods": "Methods in the codebook", "methods_used": "Used by at least one system",
            "links": "System–method links", "systems": "Systems using one or more", "names": "Methods",
        }
    )  # fmt: skip


def dimension_table(tables: dict[str, pd.DataFrame], dimension_id: str) -> tuple[pd.DataFrame, str]:
    """Every system on one comparison dimension, and a caption naming and describing the dimension."""
    dimensions = tables["dimensions"].set_index("dimension_id")
    frame = dimension_by_system(tables, dimension_id)
    label = dimensions.loc[dimension_id, "label"]
    caption = f"{label}: {dimensions.loc[dimension_id, 'description']}"
    return frame[["name", "summary", "quote"]].rename(
        columns={"name": "System", "summary": "Summary", "quote": "Evidence"}
    ), caption


def method_usage(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every method with how many systems use it and which (most used first)."""
    return codebook_reach(tables, "methods", "system_methods", "method_id")


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
