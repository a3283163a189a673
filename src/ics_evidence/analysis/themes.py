"""The themes chapter (notebooks/themes.md):
its derivations (tables computed from the data every time, never stored by hand) and the
charts and tables made from them; figures several chapters share are in
:mod:`ics_evidence.analysis.figures`.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ics_evidence.analysis import charts
from ics_evidence.analysis.common import STRENGTH_WORDS, quote, short_names, with_labels
from ics_evidence.analysis.figures import peer_ids

# The two counts of the prevalence chart, as its panel titles.
PREVALENCE_MEASURES = {"systems_present": "Present or central (code 1 or 2)", "systems_central": "Central (code 2)"}


CODEBOOK_COLUMNS = {
    "label": "Theme",
    "definition": "What counts as evidence",
    "central_when": "Central (2) when",
    "present_when": "Present (1) when",
    "not_evident_when": "Not evident (0) when",
    "borderline_example": "A borderline case",
}


def codebook_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Each theme of the codebook: what counts as evidence, its decision rule for each code and a
    borderline case (the columns the codebook has)."""
    themes = tables["themes"]
    columns = [c for c in CODEBOOK_COLUMNS if c in themes.columns]
    return themes[columns].rename(columns=CODEBOOK_COLUMNS)


def code_counts(tables: dict[str, pd.DataFrame]) -> dict[int, int]:
    """How many cells of the framework matrix carry each code (2 central, 1 present, 0 not evident)."""
    coding = tables["theme_coding"]
    return {strength: int((coding["strength"] == strength).sum()) for strength in (2, 1, 0)}


def indirect_cells(tables: dict[str, pd.DataFrame]) -> int:
    """Cells coded on indirect evidence (about a programme or body the system belongs to)."""
    coding = tables["theme_coding"]
    if "evidence_basis" not in coding.columns:
        return 0
    return int(coding["evidence_basis"].eq("indirect").fillna(False).sum())


def programme_names(tables: dict[str, pd.DataFrame]) -> str:
    """The case studies that are not peers (multi-system programmes), named, or "none"."""
    systems = tables["systems"]
    return "; ".join(systems.loc[~systems["system_id"].isin(peer_ids(tables)), "name"]) or "none"


def matrix_cells(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per coded cell: system and theme names, the code in figures and words, how it shows, evidence."""
    systems, themes, coding = tables["systems"], tables["themes"], tables["theme_coding"]
    cells = coding.merge(systems[["system_id", "name"]], on="system_id").merge(
        themes[["theme_id", "label"]], on="theme_id"
    )
    cells = cells.assign(
        strength=cells["strength"].astype(int),
        coded_as=cells["strength"].astype(int).map(lambda s: f"{s} {STRENGTH_WORDS[s]}"),
        evidence=[
            quote(q, s, sec) for q, s, sec in zip(cells["quote"], cells["source_id"], cells["section"], strict=True)
        ],
    )
    return cells[["name", "label", "strength", "coded_as", "summary", "evidence"]].astype(
        {"name": str, "label": str, "summary": str}
    )


MATRIX_TOOLTIP = [
    alt.Tooltip("name:N", title="System"),
    alt.Tooltip("label:N", title="Theme"),
    alt.Tooltip("coded_as:N", title="Code"),
    alt.Tooltip("summary:N", title="How it shows"),
    alt.Tooltip("evidence:N", title="Evidence"),
]  # the tiles and the numbers on them say the same


def matrix_figure(tables: dict[str, pd.DataFrame]) -> tuple[alt.LayerChart, pd.DataFrame]:
    """The framework matrix as a heat map (themes × systems) with the code written in each cell.

    On a phone the same matrix has narrower columns named upright by the systems' short names,
    and theme names wrapped onto two lines."""
    cells = matrix_cells(tables)
    system_names = list(tables["systems"]["name"])
    theme_labels = list(tables["themes"]["label"])
    short = short_names(tables["systems"])

    def matrix(base: alt.Chart, text_size: int, legend_columns=alt.Undefined) -> alt.LayerChart:
        tiles = base.mark_rect(stroke="#FFFFFF", strokeWidth=2).encode(
            color=alt.Color(
                "coded_as:N",
                scale=alt.Scale(
                    domain=[f"{s} {w}" for s, w in STRENGTH_WORDS.items()], range=["#F0F0F0", "#9CC3E4", "#0B4F8C"]
                ),
                legend=alt.Legend(title="Code", orient="bottom", columns=legend_columns),
            ),
            tooltip=MATRIX_TOOLTIP,
        )
        numbers = base.mark_text(fontSize=text_size, fontWeight="bold").encode(
            text=alt.Text("strength:Q", format="d"),
            color=alt.condition(alt.datum.strength == 2, alt.value("#FFFFFF"), alt.value(charts.TEXT)),
            tooltip=MATRIX_TOOLTIP,
        )
        return tiles + numbers

    description = (
        "Heat map of the framework matrix: one row per theme and one column per system; each cell "
        "shows the code 0 (not evident), 1 (present) or 2 (central) as a number, shaded darker for "
        "stronger codes."
    )
    wide = matrix(
        alt.Chart(cells).encode(
            x=alt.X("name:N", sort=system_names, title=None, axis=alt.Axis(labelAngle=-40, orient="top")),
            y=alt.Y("label:N", sort=theme_labels, title=None),
        ),
        13,
    ).properties(width={"step": 58}, height={"step": 28}, description=description)
    narrow = matrix(
        with_labels(alt.Chart(cells), "name", short, "short").encode(
            x=alt.X("short:N", sort=[short[n] for n in system_names], title=None,
                    axis=alt.Axis(labelAngle=-90, orient="top", labelLimit=220)),
            y=alt.Y("label:N", sort=theme_labels, title=None,
                    axis=charts.wrapped_axis(18, 125)),
        ),
        12,
        legend_columns=1,
    ).properties(width={"step": charts.column_step(len(system_names), 125, 24, 16)}, height={"step": 32},
                 description=description)  # fmt: skip
    matrix_chart = charts.with_narrow_layout(wide, narrow)
    return matrix_chart, cells.rename(
        columns={
            "name": "System", "label": "Theme", "strength": "Code", "coded_as": "Meaning",
            "summary": "How it shows", "evidence": "Evidence",
        }
    )  # fmt: skip


def matrix_in_words(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The framework matrix in words, one row per theme and one column per system."""
    systems, themes = tables["systems"], tables["themes"]
    matrix = theme_matrix(tables)
    words = matrix.T.apply(lambda column: column.map(lambda s: STRENGTH_WORDS[int(s)] if pd.notna(s) else pd.NA))
    words.index = themes.set_index("theme_id").loc[words.index, "label"]
    words.columns = systems.set_index("system_id").loc[words.columns, "name"]
    return words.rename_axis(index="Theme", columns=None).reset_index()


def ranked_prevalence(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Theme prevalence, most widely shared first: by systems present, then central, then mean code."""
    prevalence = theme_prevalence(tables)
    return prevalence.sort_values(
        ["systems_present", "systems_central", "mean_strength"], ascending=False, kind="stable"
    ).reset_index(drop=True)


def shared_everywhere(tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The themes present in every system, and those central in every system."""
    prevalence = theme_prevalence(tables)
    n_systems = len(peer_ids(tables))  # prevalence counts the integrated care systems only
    everywhere = prevalence[prevalence["systems_present"] == n_systems]
    central_everywhere = prevalence[prevalence["systems_central"] == n_systems]
    return everywhere, central_everywhere


def prevalence_figure(tables: dict[str, pd.DataFrame]) -> tuple[alt.FacetChart, pd.DataFrame]:
    """Two bar charts side by side: systems where each theme is present or central, and central."""
    ranked = ranked_prevalence(tables)
    n_systems = len(peer_ids(tables))  # prevalence counts the integrated care systems only
    measures = PREVALENCE_MEASURES
    bars_data = ranked.melt(
        id_vars=["label"], value_vars=list(measures), var_name="measure", value_name="systems"
    ).assign(measure=lambda frame: frame["measure"].map(measures))
    bars_data = bars_data.astype({"label": str, "systems": int})
    theme_order = list(ranked["label"])

    def bars(label_axis: alt.Axis, width: int) -> alt.LayerChart:
        bar_base = alt.Chart().encode(
            y=alt.Y("label:N", sort=theme_order, title=None, axis=label_axis),
            x=alt.X("systems:Q", title="Number of systems", scale=alt.Scale(domain=[0, max(n_systems, 1)]),
                    axis=alt.Axis(tickMinStep=1, format="d")),
            tooltip=[
                alt.Tooltip("label:N", title="Theme"),
                alt.Tooltip("measure:N", title="Counted"),
                alt.Tooltip("systems:Q", title="Systems"),
            ],
        )  # fmt: skip
        return alt.layer(
            bar_base.mark_bar(color=charts.ACCENT),
            bar_base.mark_text(align="left", dx=4).encode(text=alt.Text("systems:Q", format="d")),
            data=bars_data,
        ).properties(width=width)

    panel_order = list(measures.values())
    prevalence_chart = (
        bars(alt.Axis(), 220)
        .facet(column=alt.Column("measure:N", sort=panel_order, title=None,
                                 header=alt.Header(labelFontSize=13, labelFontWeight="bold")))
        .properties(
            description=(
                f"Two bar charts side by side, one bar per theme: on the left the number of systems, out of "
                f"{n_systems} integrated care systems, in which the theme is present or central; on the right "
                "the number in which it "
                "is central. Themes run from most to least widely shared."
            )
        )
    )  # fmt: skip
    # On a phone: the two panels one above the other, each titled from the left edge.
    stacked = alt.vconcat(
        *[
            bars(charts.wrapped_axis(18, 125), 175)
            .transform_filter(alt.FieldEqualPredicate(field="measure", equal=measure))
            .properties(height={"step": 32},
                        title=alt.TitleParams(measure, anchor="start", frame="bounds", fontSize=13))
            for measure in panel_order
        ]
    ).properties(
        description=(
            f"Two bar charts, one above the other, one bar per theme: above, the number of systems, out of "
            f"{n_systems} integrated care systems, in which the theme is present or central; below, the "
            "number in which it is central. Themes run from most to least widely shared."
        )
    )  # fmt: skip
    prevalence_chart = charts.with_narrow_layout(prevalence_chart, stacked)
    return prevalence_chart, ranked[["label", "systems_present", "systems_central", "mean_strength"]].rename(
        columns={
            "label": "Theme", "systems_present": "Systems where present or central",
            "systems_central": "Systems where central", "mean_strength": "Mean code (0 to 2)",
        }
    )  # fmt: skip


def similarity_values(pairs: pd.DataFrame) -> dict[str, object]:
    """The values the similarity prose quotes, by glue name: most and least alike pairs, the median.

    With no pair to compare, names read 'not available' and numbers are NaN.
    """
    values: dict[str, object] = {}
    if len(pairs):
        most, least = pairs.iloc[0], pairs.iloc[-1]
        values["themes-most-alike-first"] = str(most["name_a"])
        values["themes-most-alike-second"] = str(most["name_b"])
        values["themes-most-alike-pair"] = f"{most['name_a']} – {most['name_b']}"
        values["themes-most-alike-similarity"] = float(most["similarity"])
        values["themes-least-alike-first"] = str(least["name_a"])
        values["themes-least-alike-second"] = str(least["name_b"])
        values["themes-least-alike-pair"] = f"{least['name_a']} – {least['name_b']}"
        values["themes-least-alike-similarity"] = float(least["similarity"])
        values["themes-similarity-median"] = float(pairs["similarity"].median())
    else:
        for name in ("first", "second", "pair"):
            values[f"themes-most-alike-{name}"] = "not available"
            values[f"themes-least-alike-{name}"] = "not available"
        for name in ("most-alike-similarity", "least-alike-similarity", "similarity-median"):
            values[f"themes-{name}"] = float("nan")
    values["themes-pairs-compared"] = len(pairs)
    return values


def similarity_figure(tables: dict[str, pd.DataFrame]) -> tuple[alt.LayerChart, pd.DataFrame]:
    """Heat map of every compared pair's profile similarity, both ways round; data table lists each pair once."""
    systems = tables["systems"]
    system_names = list(systems["name"])
    pairs = similarity_pairs(tables)
    similarity = profile_similarity(tables)
    compared_ids = set(pairs["system_a"]) | set(pairs["system_b"])
    both_ways = similarity[
        similarity["system_a"].isin(compared_ids)
        & similarity["system_b"].isin(compared_ids)
        & (similarity["system_a"] != similarity["system_b"])
    ]
    names = systems.set_index("system_id")["name"]
    both_ways = pd.DataFrame(
        {
            "name_a": both_ways["system_a"].map(names).astype(str),
            "name_b": both_ways["system_b"].map(names).astype(str),
            "similarity": both_ways["similarity"].astype(float),
        }
    )
    compared = [name for name in system_names if name in set(both_ways["name_a"])]
    tooltip = [
        alt.Tooltip("name_a:N", title="System"),
        alt.Tooltip("name_b:N", title="Compared with"),
        alt.Tooltip("similarity:Q", title="Similarity", format=".2f"),
    ]

    def heat_map(base: alt.Chart, text_size: int) -> alt.LayerChart:
        return base.mark_rect(stroke="#FFFFFF", strokeWidth=2).encode(
            color=alt.Color(
                "similarity:Q",
                # Light shades only, so that the dark text stays readable on every cell.
                scale=alt.Scale(range=["#F0F5FA", "#4F93CF"], zero=False),
                legend=alt.Legend(title="Similarity", format=".2f", orient="bottom"),
            )
        ) + base.mark_text(fontSize=text_size).encode(text=alt.Text("similarity:Q", format=".2f"))

    description = (
        "Heat map of how alike each pair of systems' theme profiles are, with the similarity "
        "(cosine, from 0 to 1) written in each cell; systems are named on both axes and the "
        "diagonal is left blank."
    )
    similarity_chart = heat_map(
        alt.Chart(both_ways).encode(
            x=alt.X("name_b:N", sort=compared, title=None, axis=alt.Axis(labelAngle=-40, orient="top")),
            y=alt.Y("name_a:N", sort=compared, title=None),
            tooltip=tooltip,
        ),
        12,
    ).properties(width={"step": 70}, height={"step": 34}, description=description)
    # On a phone: the systems' short names, upright along the top, and smaller cells.
    short = short_names(systems)
    short_base = with_labels(with_labels(alt.Chart(both_ways), "name_a", short, "short_a"), "name_b", short, "short_b")
    step = charts.column_step(len(compared), 100, 27, 20)
    narrow = heat_map(
        short_base.encode(
            x=alt.X("short_b:N", sort=[short[n] for n in compared], title=None,
                    axis=alt.Axis(labelAngle=-90, orient="top", labelLimit=220)),
            y=alt.Y("short_a:N", sort=[short[n] for n in compared], title=None,
                    axis=charts.wrapped_axis(15, 100)),
            tooltip=tooltip,
        ),
        11 if step >= 26 else 10,  # "0.87" in a cell
    ).properties(width={"step": step}, height={"step": 32}, description=description)  # fmt: skip
    similarity_chart = charts.with_narrow_layout(similarity_chart, narrow)
    return similarity_chart, pairs[["name_a", "name_b", "similarity"]].rename(
        columns={"name_a": "System", "name_b": "Compared with", "similarity": "Similarity (0 to 1)"}
    )


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
