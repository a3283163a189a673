"""The external-help chapter (notebooks/external_help.md):
its derivations (tables computed from the data every time, never stored by hand) and the
charts and tables made from them; figures several chapters share are in
:mod:`ics_evidence.analysis.figures`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ics_evidence.analysis import charts
from ics_evidence.analysis.codebook import codebook_reach, label_for_kind
from ics_evidence.analysis.common import data_order, short_names, with_labels
from ics_evidence.analysis.stated import as_stated


def system_links(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The system–partner links of the systems in the data."""
    systems = tables["systems"]
    return tables["system_partners"][tables["system_partners"]["system_id"].isin(set(systems["system_id"]))]


def partner_kinds_figure(tables: dict[str, pd.DataFrame]) -> tuple[alt.LayerChart, pd.DataFrame]:
    """Bar chart of the partners of each kind in the codebook; the table adds links, systems and who."""
    reach = partner_reach(tables)
    kind_frame = partners_by_kind(tables).copy()
    kind_frame["names"] = kind_frame["kind"].map(reach.groupby("kind")["name"].agg(lambda names: "; ".join(names)))
    chart = charts.labelled_bars(
        kind_frame,
        y=alt.Y("label:N", title=None, sort="-x"),
        x=alt.X("partners:Q", title="Partners in the codebook", axis=alt.Axis(tickMinStep=1)),
        tooltip=[
            alt.Tooltip("label:N", title="Kind"),
            alt.Tooltip("partners:Q", title="Partners"),
            alt.Tooltip("links:Q", title="Links to systems"),
            alt.Tooltip("systems:Q", title="Systems helped"),
            alt.Tooltip("names:N", title="Who"),
        ],
        width=420,
        description="Bar chart of the number of outside partners of each kind, each bar labelled with its count.",
    )
    return chart, kind_frame[["label", "partners", "partners_linked", "links", "systems", "names"]].rename(
        columns={
            "label": "Kind", "partners": "Partners", "partners_linked": "Linked to a system",
            "links": "Links to systems", "systems": "Systems helped", "names": "Who",
        }
    )  # fmt: skip


def systems_by_kind_figure(tables: dict[str, pd.DataFrame]) -> tuple[alt.LayerChart, pd.DataFrame]:
    """Grid of systems × kinds of partner, each cell the number of partners of that kind (blank if none)."""
    kinds = partners_by_kind(tables)
    matrix = partner_kind_matrix(tables)
    kind_order = list(kinds.sort_values("partners", ascending=False)["label"])
    system_order = list(tables["systems"]["name"])
    top = max(int(matrix["partners"].max()), 1)
    tooltip = [
        alt.Tooltip("name:N", title="System"),
        alt.Tooltip("label:N", title="Kind of partner"),
        alt.Tooltip("partners:Q", title="Partners"),
        alt.Tooltip("partner_names:N", title="Who"),
    ]

    def grid(base: alt.Chart) -> alt.LayerChart:
        cells = base.mark_rect(stroke="#FFFFFF", strokeWidth=2).encode(
            color=alt.Color(
                "partners:Q",
                title="Partners",
                scale=alt.Scale(domain=[0, top], range=["#F7F7F7", "#6FA8DC"]),
                legend=None,
            )
        )
        counts = (
            base.transform_filter("datum.partners > 0")
            .mark_text(fontWeight="bold", color="#1A1A1A")
            .encode(text=alt.Text("partners:Q"))
        )
        return cells + counts

    chart = grid(
        alt.Chart(matrix).encode(
            x=alt.X("label:N", title=None, sort=kind_order, axis=alt.Axis(orient="top", labelAngle=-40)),
            y=alt.Y("name:N", title=None, sort=system_order, scale=alt.Scale(domain=system_order)),
            tooltip=tooltip,
        )
    ).properties(
        width=alt.Step(52),
        height=alt.Step(30),
        description=(
            "Grid of systems (rows) against kinds of outside partner (columns); each cell gives the number "
            "of partners of that kind recorded as helping the system, and is blank where there are none."
        ),
    )
    # On a phone, transposed: kinds of partner down the side, systems across by their short names.
    short = short_names(tables["systems"])
    short_order = [short[name] for name in system_order]
    narrow = grid(
        with_labels(alt.Chart(matrix), "name", short, "short").encode(
            x=alt.X("short:N", title=None, sort=short_order, scale=alt.Scale(domain=short_order),
                    axis=alt.Axis(orient="top", labelAngle=-90, labelLimit=220)),
            y=alt.Y("label:N", title=None, sort=kind_order,
                    axis=charts.wrapped_axis(18, 125)),
            tooltip=tooltip,
        )
    ).properties(
        width=alt.Step(charts.column_step(len(short_order), 125, 25, 16)),
        height=alt.Step(32),
        description=(
            "Grid of kinds of outside partner (rows) against systems (columns); each cell gives the number "
            "of partners of that kind recorded as helping the system, and is blank where there are none."
        ),
    )  # fmt: skip
    chart = charts.with_narrow_layout(chart, narrow)
    return chart, matrix[matrix["partners"] > 0][["name", "label", "partners", "partner_names"]].rename(
        columns={"name": "System", "label": "Kind of partner", "partners": "Partners", "partner_names": "Who"}
    )


def partner_reach_figure(tables: dict[str, pd.DataFrame]) -> tuple[alt.LayerChart, pd.DataFrame]:
    """Bar chart of how many systems each linked partner helps, widest reach first."""
    reach = partner_reach(tables)
    linked = reach[reach["systems"] > 0].assign(label=lambda frame: frame["kind"].map(label_for_kind))
    chart = charts.labelled_bars(
        linked,
        y=alt.Y("name:N", title=None, sort=list(linked["name"]), axis=alt.Axis(labelLimit=480)),
        x=alt.X("systems:Q", title="Systems helped", axis=alt.Axis(tickMinStep=1)),
        tooltip=[
            alt.Tooltip("name:N", title="Partner"),
            alt.Tooltip("label:N", title="Kind"),
            alt.Tooltip("systems:Q", title="Systems helped"),
            alt.Tooltip("system_names:N", title="Which systems"),
        ],
        width=360,
        description=(
            "Bar chart of the number of systems each outside partner is recorded as helping, widest reach first."
        ),
    )
    return chart, linked[["name", "label", "systems", "system_names"]].rename(
        columns={"name": "Partner", "label": "Kind", "systems": "Systems helped", "system_names": "Which systems"}
    )


def every_link_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every system–partner link with its role and evidence, systems in data order, then kind and partner."""
    systems = tables["systems"]
    order = data_order(systems["system_id"])
    every_link = (
        system_links(tables)
        .merge(systems[["system_id", "name"]], on="system_id")
        .merge(tables["partners"][["partner_id", "name", "kind"]], on="partner_id", suffixes=("_system", "_partner"))
    )
    every_link = every_link.assign(
        order=every_link["system_id"].map(order), kind=every_link["kind"].map(label_for_kind)
    ).sort_values(["order", "kind", "name_partner"])
    return every_link[["name_system", "name_partner", "kind", "role", "quote"]].rename(
        columns={
            "name_system": "System", "name_partner": "Partner", "kind": "Kind", "role": "What the partner does",
            "quote": "Evidence",
        }
    )  # fmt: skip


def exemplar_rows(tables: dict[str, pd.DataFrame], kinds_wanted: list[str]) -> pd.DataFrame:
    """The exemplars of the given kinds, in that order of kind and then by name, kinds in words."""
    exemplars = tables["exemplars"]
    chosen = exemplars[exemplars["kind"].isin(kinds_wanted)]
    chosen = chosen.assign(order=chosen["kind"].map({k: i for i, k in enumerate(kinds_wanted)}))
    return chosen.sort_values(["order", "name"]).assign(kind=lambda frame: frame["kind"].map(label_for_kind))


def figure_rows(tables: dict[str, pd.DataFrame], chosen: pd.DataFrame) -> pd.DataFrame:
    """Every figure the report gives for the ``chosen`` exemplars (from :func:`exemplar_rows`), as the
    source words it (qualifier and range kept)."""
    rows = tables["exemplar_figures"].merge(chosen[["exemplar_id", "name", "order"]], on="exemplar_id")
    rows = rows.assign(
        shown=[
            as_stated(v, u, q, lo, hi, t)
            for v, u, q, lo, hi, t in zip(
                rows["value"], rows["unit"], rows["qualifier"], rows["low"], rows["high"], rows["quote"], strict=True
            )
        ],
        kind=rows["kind"].map(label_for_kind),
    )
    return rows.sort_values(["order", "name"], kind="stable")[
        ["name", "kind", "description", "shown", "period", "quote"]
    ].rename(
        columns={
            "name": "Exemplar", "kind": "Kind", "description": "What", "shown": "As the source puts it",
            "period": "Period", "quote": "Evidence",
        }
    )  # fmt: skip


def exemplar_table(chosen: pd.DataFrame) -> pd.DataFrame:
    """The ``chosen`` exemplars (from :func:`exemplar_rows`) as a table: name, kind, country, what, evidence."""
    return chosen[["name", "kind", "country", "summary", "quote"]].rename(
        columns={
            "name": "Exemplar",
            "kind": "Kind",
            "country": "Country",
            "summary": "What it shows",
            "quote": "Evidence",
        }
    )


def partner_reach(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every partner with how many systems it helps and which (widest reach first)."""
    return codebook_reach(tables, "partners", "system_partners", "partner_id")


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
