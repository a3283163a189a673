"""The earlier-case-studies chapter (notebooks/earlier_case_studies.md):
its derivations (tables computed from the data every time, never stored by hand) and the
charts and tables made from them; figures several chapters share are in
:mod:`ics_evidence.analysis.figures`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ics_evidence.analysis import charts
from ics_evidence.analysis.codebook import label_for_kind
from ics_evidence.analysis.common import data_order
from ics_evidence.analysis.stated import as_stated


def cases(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The earlier case studies with the name of the system each corresponds to (NA if none)."""
    systems = tables["systems"]
    return tables["earlier_case_studies"].merge(systems[["system_id", "name"]], on="system_id", how="left")


def earlier_sources(tables: dict[str, pd.DataFrame]) -> list[str]:
    """The sources the earlier case studies come from, in order of first appearance."""
    return list(dict.fromkeys(cases(tables)["source_id"]))


def earlier_year(tables: dict[str, pd.DataFrame]):
    """The earliest year of the earlier case studies' sources; NA if there are none."""
    sources = tables["sources"].set_index("source_id")
    earlier = earlier_sources(tables)
    return int(sources.loc[earlier, "year"].min()) if earlier else pd.NA


def earlier_figures(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The figures the earlier case studies give, beside the reference (:func:`figures_against_reference`)."""
    compared = figures_against_reference(tables)
    return compared[compared["source_id"].isin(earlier_sources(tables))]


def reference_year(tables: dict[str, pd.DataFrame]):
    """The most common year of the reference values' sources; NA if no figure has a reference."""
    compared = figures_against_reference(tables)
    reference_years = compared["source_year_reference"].dropna()
    return int(reference_years.mode().iloc[0]) if len(reference_years) else pd.NA


def differing_figures(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every figure, in any document, that differs from the reference value, compared with it."""
    compared = figures_against_reference(tables)
    differences = source_differences(tables)
    keys = ["system_id", "measure_id", "source_id"]
    return compared.merge(differences[keys], on=keys)


def involves_earlier(tables: dict[str, pd.DataFrame], inconsistencies: pd.DataFrame) -> pd.Series:
    """Whether each inconsistency involves an earlier case study's source on either side."""
    earlier = earlier_sources(tables)
    return inconsistencies["source_id"].isin(earlier) | inconsistencies["alt_source_id"].isin(earlier)


def cases_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The earlier case studies, each with its system, what it covers and its quality oversight."""
    return cases(tables)[["title", "name", "summary", "quality_oversight_summary", "quote"]].rename(
        columns={
            "title": "Earlier case study", "name": "System in the later report", "summary": "What it covers",
            "quality_oversight_summary": "Quality oversight arrangements", "quote": "Evidence",
        }
    )  # fmt: skip


def items_grid(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """:func:`earlier_items_by_kind` with ``short``, the title without its common suffix."""
    grid = earlier_items_by_kind(tables)
    # The chart's row labels drop the titles' common suffix; the data table keeps the full titles.
    grid["short"] = grid["title"].str.replace(r"\s*\(earlier case study\)$", "", regex=True)
    return grid


def items_figure(tables: dict[str, pd.DataFrame]) -> tuple[alt.LayerChart, pd.DataFrame]:
    """Grid of earlier case studies × kinds of item, each cell the number of items."""
    grid = items_grid(tables)
    top = max(int(grid["items"].max()), 1) if len(grid) else 1
    kind_order = list(dict.fromkeys(grid["label"]))
    case_order = list(dict.fromkeys(grid["short"]))

    def cells_and_counts(x_axis: alt.Axis, y_axis: alt.Axis) -> alt.LayerChart:
        base = alt.Chart(grid).encode(
            x=alt.X("label:N", title=None, sort=kind_order, axis=x_axis),
            y=alt.Y("short:N", title=None, sort=case_order, axis=y_axis),
            tooltip=[
                alt.Tooltip("title:N", title="Earlier case study"),
                alt.Tooltip("label:N", title="Kind of item"),
                alt.Tooltip("items:Q", title="Items"),
            ],
        )
        cells = base.mark_rect(stroke="#FFFFFF", strokeWidth=2).encode(
            color=alt.Color("items:Q", scale=alt.Scale(domain=[0, top], range=["#F7F7F7", "#6FA8DC"]), legend=None)
        )
        counts = base.mark_text(fontWeight="bold", color="#1A1A1A").encode(text=alt.Text("items:Q"))
        return cells + counts

    description = (
        "Grid of the earlier case studies (rows) against the kinds of item recorded from them (columns); "
        "each cell gives the number of items of that kind."
    )
    chart = cells_and_counts(alt.Axis(orient="top", labelAngle=0), alt.Axis(labelLimit=420)).properties(
        width=alt.Step(112), height=alt.Step(34), description=description
    )
    # On a phone: the kinds named upright over narrower columns, case studies on two lines.
    narrow = cells_and_counts(
        alt.Axis(orient="top", labelAngle=-90, labelLimit=220),
        charts.wrapped_axis(20, 140),
    ).properties(width=alt.Step(36), height=alt.Step(40), description=description)
    chart = charts.with_narrow_layout(chart, narrow)
    return chart, grid[["title", "label", "items"]].rename(
        columns={"title": "Earlier case study", "label": "Kind", "items": "Items"}
    )


def items_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every item of the earlier case studies, by case study (data order) and kind (the grid's order)."""
    grid = items_grid(tables)
    case_rows = cases(tables)
    item_order = {kind: i for i, kind in enumerate(dict.fromkeys(grid["kind"]))}
    case_position = data_order(case_rows["case_id"])
    listed = (
        tables["earlier_case_study_items"]
        .merge(case_rows[["case_id", "title"]], on="case_id")
        .assign(
            case_order=lambda frame: frame["case_id"].map(case_position),
            kind_order=lambda frame: frame["kind"].map(item_order),
            kind=lambda frame: frame["kind"].map(label_for_kind),
        )
    )
    return listed.sort_values(["case_order", "kind_order"], kind="stable")[
        ["title", "kind", "summary", "quote"]
    ].rename(columns={"title": "Earlier case study", "kind": "Kind", "summary": "Item", "quote": "Evidence"})


def verdict(differs) -> str:
    """'same', 'differs' or 'no reference value', for a figure's ``differs`` flag."""
    if pd.isna(differs):
        return "no reference value"
    return "differs" if differs else "same"


def figure_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Figures compared with the reference (rows of :func:`figures_against_reference`) as a table."""
    shown = frame.assign(
        verdict=frame["differs"].map(verdict),
        document=[f"{t} ({y})" for t, y in zip(frame["source_title"], frame["source_year"], strict=True)],
    )
    return shown[["name", "label", "comparison", "verdict", "document", "note", "quote"]].rename(
        columns={
            "name": "System", "label": "Measure", "comparison": "Other document vs reference",
            "verdict": "Same or different",
            "document": "Other document", "note": "Note", "quote": "Evidence in the other document",
        }
    )  # fmt: skip


def earlier_figures_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The earlier case studies' figures beside the reference: differing first, then unmatched, then same."""
    figures = earlier_figures(tables)
    ordered = figures.assign(rank=figures["differs"].map({True: 0, False: 2}).fillna(1))
    return figure_table(ordered.sort_values("rank", kind="stable"))


def where(tables: dict[str, pd.DataFrame], title, source_id, year, section):
    """Where a statement is: document title, its type and year, and the section if known; NA without a source."""
    kinds_of_document = tables["sources"].set_index("source_id")["document_type"]
    if pd.isna(source_id):
        return pd.NA
    place = f"{title} ({label_for_kind(kinds_of_document.get(source_id))}, {year})"
    return place if pd.isna(section) else f"{place}, {section}"


def inconsistency_table(tables: dict[str, pd.DataFrame], frame: pd.DataFrame) -> pd.DataFrame:
    """Inconsistencies (rows of :func:`inconsistencies_with_sources`) with both documents' words."""
    shown = frame.assign(
        topic=frame["topic"].str[:1].str.upper() + frame["topic"].str[1:],
        system=frame["name"].fillna("Not specific to one system"),
        first=[where(tables, *row) for row in zip(frame["source_title"], frame["source_id"], frame["source_year"],
                                                  frame["section"], strict=True)],
        second=[where(tables, *row) for row in zip(frame["alt_source_title"], frame["alt_source_id"],
                                                   frame["alt_source_year"], frame["alt_section"], strict=True)],
    )  # fmt: skip
    return shown[["topic", "system", "description", "first", "quote", "second", "alt_quote", "resolution"]].rename(
        columns={
            "topic": "Topic", "system": "System", "description": "What differs", "first": "One document",
            "quote": "Its words", "second": "The other document", "alt_quote": "The other's words",
            "resolution": "How the data record it",
        }
    )  # fmt: skip


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


# Reading order of the kinds of item in the earlier case studies; unlisted kinds follow.
EARLIER_ITEM_KINDS = ("oversight-arrangement", "principle", "achievement", "barrier", "lesson")


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
