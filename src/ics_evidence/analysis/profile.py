"""Charts and tables of a system's profile page (notebooks/system_profile.md).

Each function takes the page's tables and the system's id, and returns a chart with its data
table or a table ready to show; only the system's own rows of the per-system tables are used.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
from markupsafe import Markup

from ics_evidence.analysis import charts, scale
from ics_evidence.analysis.codebook import EXAMPLE_LEVELS
from ics_evidence.analysis.common import STRENGTH_WORDS, data_order
from ics_evidence.analysis.figures import (
    BASIS_LABELS,
    budget_basis,
    figure_text,
    figures_wide,
    key_figures,
    peer_ids,
    ratios,
    reference_figures,
    stated_figures,
)
from ics_evidence.analysis.stated import NO_NUMBER, as_stated
from ics_evidence.analysis.text import as_text, blank, people
from ics_evidence.templating import render


def system_row(tables: dict[str, pd.DataFrame], system_id: str) -> pd.Series:
    """The system's row of systems.csv; ValueError naming the known ids if there is none."""
    systems = tables["systems"]
    if system_id not in set(systems["system_id"]):
        raise ValueError(f"unknown system_id {system_id!r}; the data has {', '.join(systems['system_id'])}")
    return systems.set_index("system_id").loc[system_id]


def of_system(tables: dict[str, pd.DataFrame], name: str, system_id: str) -> pd.DataFrame:
    """The system's rows of table ``name``."""
    frame = tables[name]
    return frame[frame["system_id"] == system_id]


def key_figures_table(tables: dict[str, pd.DataFrame], system_id: str) -> pd.DataFrame:
    """The system's key figures as the source states them ("£1.6 billion (NHS budget)", "around
    1.1 million people"), with its rank among the systems reporting each (:func:`key_figures`)."""
    figures = key_figures(tables, system_id)
    hidden = ["measure_id", "Unit", "As the source puts it", "qualifier", "basis"]
    return figures.assign(Value=figures["As the source puts it"]).drop(columns=hidden)


def population_figure(tables: dict[str, pd.DataFrame], system_id: str) -> tuple[alt.VConcatChart, pd.DataFrame]:
    """Every system's population with this system highlighted, the integrated care systems
    ranked and the multi-system programmes drawn apart (:func:`scale.population_panels`); the
    table adds budget per head."""
    system = system_row(tables, system_id)
    wide = figures_wide(tables)
    per_head = ratios(tables)
    standing = wide[["system_id", "name", "population"]].merge(per_head[["name", "budget_per_head_gbp"]], on="name")
    evidence = reference_figures(tables).query("measure_id == 'population'")[["system_id", "quote"]]
    standing = standing.merge(evidence, on="system_id", how="left")
    peers = set(peer_ids(tables))
    standing["This system"] = [
        "this system" if s == system_id else ("other systems" if s in peers else "multi-system programme")
        for s in standing["system_id"]
    ]
    basis = budget_basis(tables)
    standing["budget_basis"] = standing["system_id"].map(lambda s: BASIS_LABELS.get(basis.get(s, ""), None))
    standing = standing.drop(columns="system_id")
    standing["budget_per_head_gbp"] = standing["budget_per_head_gbp"].round(0)  # no false precision

    def highlight(narrow: bool) -> alt.Color:
        return alt.Color(
            "This system:N",
            scale=alt.Scale(
                domain=["this system", "other systems", "multi-system programme"],
                range=["#D55E00", "#8C8C8C", "#56B4E9"],
            ),
            legend=alt.Legend(
                title=None, orient="top", labelLimit=300, direction="vertical" if narrow else "horizontal"
            ),
        )

    stated = stated_figures(tables).query("measure_id == 'population'")[["system_id", "as_stated"]]
    drawn = standing.dropna(subset=["population"]).merge(
        wide[["name", "system_id"]].merge(stated, on="system_id"), on="name", how="left"
    )
    drawn = drawn.assign(
        label=drawn["name"],
        value=drawn["population"],
        kind=["integrated care system" if s in peers else "multi-system programme" for s in drawn["system_id"]],
    )
    programmes = scale.multi_system_programmes(tables)
    note = scale.programme_note(programmes[programmes["system_id"].isin(set(drawn["system_id"]))])
    data = drawn[["name", "label", "kind", "value", "as_stated", "quote", "This system"]]
    description = (
        f"Bar charts of the population each system serves, on one scale, with {system['name']} highlighted: "
        f"the integrated care systems largest first, then, apart, the multi-system programmes ({note})."
    )
    population = charts.with_narrow_layout(
        scale.population_panels(data, highlight(False), note).properties(description=description),
        scale.population_panels(data, highlight(True), note, narrow=True).properties(description=description),
    )
    return population, standing[["name", "This system", "population", "budget_per_head_gbp", "budget_basis"]].rename(
        columns={
            "name": "System",
            "This system": "Shown as",
            "population": "Population",
            "budget_per_head_gbp": "Budget per head (£)",
            "budget_basis": "Budget as the source words it (compare only like with like)",
        }
    )


def themes_table(tables: dict[str, pd.DataFrame], system_id: str) -> pd.DataFrame:
    """The system's theme codes, strongest first, with the code in words, how it shows and the evidence."""
    coding = of_system(tables, "theme_coding", system_id).merge(tables["themes"][["theme_id", "label"]], on="theme_id")
    coding = coding.sort_values(["strength", "label"], ascending=[False, True])
    return coding.assign(Strength=coding["strength"].map(STRENGTH_WORDS))[
        ["label", "Strength", "summary", "quote"]
    ].rename(columns={"label": "Theme", "summary": "How it shows", "quote": "Evidence"})


def examples_table(tables: dict[str, pd.DataFrame], system_id: str) -> pd.DataFrame:
    """The system's improvement examples, by level (widest first) and title."""
    examples = of_system(tables, "improvement_examples", system_id)
    levels = list(EXAMPLE_LEVELS)
    examples = examples.assign(order=examples["level"].map(data_order(levels)))
    ordered = examples.sort_values(["order", "title"])
    return ordered[["level", "title", "summary", "method_id", "partners", "quote"]].rename(
        columns={
            "level": "Level", "title": "Example", "summary": "What was done", "method_id": "Method",
            "partners": "Partners", "quote": "Evidence",
        }
    )  # fmt: skip


def results_table(tables: dict[str, pd.DataFrame], system_id: str) -> pd.DataFrame:
    """The system's quantified results, targets, scale and context figures, by kind, as the source
    words each (qualifier and range kept)."""
    results = of_system(tables, "results", system_id).sort_values(["kind", "result_id"])
    results = results.assign(
        as_stated=[
            as_stated(v, u, q, lo, hi, t) or NO_NUMBER
            for v, u, q, lo, hi, t in zip(
                results["value"],
                results["unit"],
                results["qualifier"],
                results["low"],
                results["high"],
                results["quote"],
                strict=True,
            )
        ]
    )
    return results[["kind", "description", "as_stated", "period", "quote"]].rename(
        columns={
            "kind": "Kind", "description": "What", "as_stated": "As the source puts it", "period": "Period",
            "quote": "Evidence",
        }
    )  # fmt: skip


def methods_table(tables: dict[str, pd.DataFrame], system_id: str) -> pd.DataFrame:
    """The improvement methods the system uses, how, and the evidence."""
    methods = of_system(tables, "system_methods", system_id).merge(
        tables["methods"][["method_id", "name"]], on="method_id"
    )
    return methods[["name", "how_used", "quote"]].rename(
        columns={"name": "Method", "how_used": "How it is used", "quote": "Evidence"}
    )


def partners_table(tables: dict[str, pd.DataFrame], system_id: str) -> pd.DataFrame:
    """The system's outside partners, their kind and role, and the evidence."""
    partners = of_system(tables, "system_partners", system_id).merge(
        tables["partners"][["partner_id", "name", "kind"]], on="partner_id"
    )
    return partners[["name", "kind", "role", "quote"]].rename(
        columns={"name": "Partner", "kind": "Kind", "role": "Role", "quote": "Evidence"}
    )


def lessons_table(tables: dict[str, pd.DataFrame], system_id: str) -> pd.DataFrame:
    """The barriers, enablers and lessons reported for the system, by kind."""
    lessons = of_system(tables, "lessons", system_id).sort_values(["kind", "lesson_id"])
    return lessons[["kind", "summary", "quote"]].rename(
        columns={"kind": "Kind", "summary": "Lesson", "quote": "Evidence"}
    )


def dimensions_table(tables: dict[str, pd.DataFrame], system_id: str) -> pd.DataFrame:
    """The system on the report's comparison dimensions, in the dimensions' order."""
    dimensions = (
        of_system(tables, "system_dimensions", system_id)
        .merge(tables["dimensions"], on="dimension_id")
        .sort_values("order")
    )
    return dimensions[["label", "summary", "quote"]].rename(
        columns={"label": "Dimension", "summary": "Summary", "quote": "Evidence"}
    )


GLANCE_MEASURES = ("population", "nhs_budget_gbp_bn", "nhs_trusts", "place_partnerships", "primary_care_networks",
                   "upper_tier_local_authorities")  # fmt: skip


def at_a_glance_html(tables: dict[str, pd.DataFrame], system_id: str) -> Markup:
    """Who leads the system and its key figures as people write them, hedges kept ("around
    1.1 million", "£1.6bn"), then each quotation they come from once, collapsed."""
    system = tables["systems"].set_index("system_id").loc[system_id]
    sources = dict(zip(tables["sources"]["source_id"], tables["sources"]["title"], strict=True))
    measures = tables["measures"].set_index("measure_id")
    figures = tables["system_figures"]
    figures = figures[(figures["system_id"] == system_id) & figures["is_reference"]]
    items, quotes = [], {}
    for term, text, quote in people(system):
        items.append({"term": as_text(term), "text": as_text(text)})
        quotes.setdefault(quote, (system["source_id"], system["section"]))
    for measure_id in GLANCE_MEASURES:
        row = figures[figures["measure_id"] == measure_id]
        if not len(row) or measure_id not in measures.index:
            continue
        row = next(row.itertuples(index=False))
        label, unit = measures.loc[measure_id, "label"], measures.loc[measure_id, "unit"]
        items.append({"term": as_text(label), "text": as_text(figure_text(row, unit))})
        row = row._asdict()
        quotes.setdefault(row["quote"], (row["source_id"], row["section"]))
    evidence = [
        {"quote": as_text(quote), "source": as_text(sources.get(source, source)), "section": as_text(section)}
        for quote, (source, section) in quotes.items()
        if not blank(quote)
    ]
    return render("profile_glance.html", items=items, evidence=evidence)
