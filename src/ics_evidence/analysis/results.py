"""The results-and-targets chapter (notebooks/results_and_targets.md):
its derivations (tables computed from the data every time, never stored by hand) and the
charts and tables made from them; figures several chapters share are in
:mod:`ics_evidence.analysis.figures`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ics_evidence.analysis import charts
from ics_evidence.analysis.common import quote
from ics_evidence.analysis.stated import NO_NUMBER, as_stated, number_word


def kinds() -> dict[str, tuple[str, str]]:
    """Each kind of quantified figure: its heading and what it means (:data:`RESULT_KINDS`)."""
    return {kind: (heading, meaning) for kind, heading, meaning in RESULT_KINDS}


def summary_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """For each kind of figure: what it means, how many figures and how many systems give one."""
    counts = result_counts(tables)
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
    bars = base.mark_bar()  # one colour: each bar's system is named on its axis
    numbers = base.mark_text(align="left", dx=4, color=charts.TEXT).encode(text="count:Q")
    panel = (bars + numbers).properties(width=width)
    return panel if label_axis is None else panel.properties(height={"step": 30})


def counts_figure(tables: dict[str, pd.DataFrame]) -> tuple[alt.VConcatChart, pd.DataFrame]:
    """One panel per kind of figure, the systems' counts on one shared scale; data table wide.

    On a phone the panels are narrower and the systems' names wrap onto two lines."""
    systems = tables["systems"]
    order = list(systems["name"])
    counts = result_counts(tables)
    described = kinds()
    shown_counts = counts.assign(kind_label=counts["kind"].map(lambda kind: described.get(kind, (kind, ""))[0]))
    groups = [group for _kind, group in shown_counts.groupby("kind", sort=False)]
    # The panels are counted and named from the data, so the description says what is drawn.
    headings = [group["kind_label"].iloc[0].lower() for group in groups]
    named = ", ".join(headings[:-1]) + " and " + headings[-1] if len(headings) > 1 else "".join(headings)
    panels = number_word(len(groups))
    description = (
        f"{panels.capitalize()} horizontal bar charts, one above the other, one for each kind of figure "
        f"({named}): the number of figures of that kind in each system's case study, each bar labelled "
        f"with its count and each system named on the vertical axis; the {panels} panels share one "
        "horizontal scale."
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
    results = results_with_examples(tables)
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
    results = results_with_examples(tables)
    units = (
        results.groupby("unit")
        .agg(figures=("result_id", "size"), systems=("system_id", "nunique"))
        .reset_index()
        .sort_values(["figures", "unit"], ascending=[False, True])
    )
    return units.rename(columns={"unit": "Unit", "figures": "Figures", "systems": "Systems using it"})


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
