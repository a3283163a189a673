"""Charts and tables of the results-and-targets chapter (notebooks/results_and_targets.md).

Each function takes the chapter's tables and returns a chart with its data table or a table
ready to show; the derived measures are in :mod:`ics_evidence.analysis.derive`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ics_evidence.analysis import charts, derive
from ics_evidence.analysis.common import quote, system_colour


def kinds() -> dict[str, tuple[str, str]]:
    """Each kind of quantified figure: its heading and what it means (:data:`derive.RESULT_KINDS`)."""
    return {kind: (heading, meaning) for kind, heading, meaning in derive.RESULT_KINDS}


def summary_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """For each kind of figure: what it means, how many figures and how many systems give one."""
    counts = derive.result_counts(tables)
    by_kind = counts.groupby("kind", sort=False)["count"].sum()
    reporting = counts[counts["count"] > 0].groupby("kind", sort=False)["system_id"].nunique()
    described = kinds()
    return pd.DataFrame(
        {
            "Kind": [described.get(kind, (kind, ""))[0] for kind in by_kind.index],
            "What it means": [described.get(kind, ("", "not described"))[1] for kind in by_kind.index],
            "Figures": [int(by_kind[kind]) for kind in by_kind.index],
            "Systems giving at least one": [int(reporting.get(kind, 0)) for kind in by_kind.index],
        }
    )


def count_panel(
    frame: pd.DataFrame, title: str, systems: pd.DataFrame, *, width: int = 360, label_axis: alt.Axis | None = None
) -> alt.LayerChart:
    """One panel of the counts chart: the figures of one kind in each system, bars labelled."""
    order = list(systems["name"])
    data = frame[["name", "kind_label", "count"]].astype({"name": object, "kind_label": object, "count": int})
    base = alt.Chart(data, title=title).encode(
        y=alt.Y("name:N", sort=order, title=None, axis=label_axis or alt.Axis()),
        x=alt.X("count:Q", title="Figures", axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[
            alt.Tooltip("name:N", title="System"),
            alt.Tooltip("kind_label:N", title="Kind"),
            alt.Tooltip("count:Q", title="Figures"),
        ],
    )
    bars = base.mark_bar().encode(color=system_colour(systems))
    numbers = base.mark_text(align="left", dx=4, color=charts.TEXT).encode(text="count:Q")
    panel = (bars + numbers).properties(width=width)
    return panel if label_axis is None else panel.properties(height={"step": 30})


def counts_figure(tables: dict[str, pd.DataFrame]) -> tuple[alt.VConcatChart, pd.DataFrame]:
    """One panel per kind of figure, the systems' counts on one shared scale; data table wide.

    On a phone the panels are narrower and the systems' names wrap onto two lines."""
    systems = tables["systems"]
    order = list(systems["name"])
    counts = derive.result_counts(tables)
    described = kinds()
    shown_counts = counts.assign(kind_label=counts["kind"].map(lambda kind: described.get(kind, (kind, ""))[0]))
    groups = [group for _kind, group in shown_counts.groupby("kind", sort=False)]
    description = (
        "Three horizontal bar charts, one above the other, for results, targets and scale figures: the number "
        "of figures of that kind in each system's case study, each bar labelled with its count and each "
        "system named on the vertical axis; the three panels share one horizontal scale."
    )
    counts_chart = (
        alt.vconcat(*[count_panel(group, group["kind_label"].iloc[0], systems) for group in groups])
        .resolve_scale(x="shared")
        .properties(description=description)
    )
    narrow_axis = charts.wrapped_axis(16, 110)
    narrow = (
        alt.vconcat(
            *[
                count_panel(group, group["kind_label"].iloc[0], systems, width=200, label_axis=narrow_axis)
                for group in groups
            ]
        )
        .resolve_scale(x="shared")
        .properties(description=description)
    )
    counts_chart = charts.with_narrow_layout(counts_chart, narrow)
    return counts_chart, (
        shown_counts.pivot(index="name", columns="kind_label", values="count")
        .reindex(index=order, columns=list(dict.fromkeys(shown_counts["kind_label"])))
        .reset_index()
        .rename(columns={"name": "System"})
    )


def kind_table(tables: dict[str, pd.DataFrame], kind: str) -> tuple[pd.DataFrame, str]:
    """Every figure of one kind with its example and evidence, and the table's caption."""
    results = derive.results_with_examples(tables)
    described = kinds()
    rows = results[results["kind"] == kind]
    evidence = [
        quote(text, source, section)
        for text, source, section in zip(rows["quote"], rows["source_id"], rows["section"], strict=True)
    ]
    table = rows.assign(evidence=evidence)[
        ["name", "description", "as_stated", "period", "example_title", "evidence"]
    ].rename(
        columns={
            "name": "System",
            "description": "What",
            "as_stated": "As the source puts it",
            "period": "Period",
            "example_title": "Improvement example",
            "evidence": "Evidence",
        }
    )
    caption = (
        f"{described[kind][0]}: {described[kind][1]}. Not reported: the source gives no period, or the figure "
        "belongs to no single improvement example"
    )
    return table, caption


def units_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every unit the figures use, with how many figures and systems use it (most used first)."""
    results = derive.results_with_examples(tables)
    units = (
        results.groupby("unit")
        .agg(figures=("result_id", "size"), systems=("system_id", "nunique"))
        .reset_index()
        .sort_values(["figures", "unit"], ascending=[False, True])
    )
    return units.rename(columns={"unit": "Unit", "figures": "Figures", "systems": "Systems using it"})
