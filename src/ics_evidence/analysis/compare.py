"""The compare page (notebooks/compare.md): every system side by side, with a chooser of two.

Cells are HTML: data text escaped (``markupsafe.escape``) or rendered by the templates
``compare_figure.html``, ``compare_list.html`` and ``compare_system.html``, the page by
``compare_table.html``; every link is built from an id checked against the schema's
``[a-z0-9-]`` pattern, so no data text can become markup.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup, escape

from ics_evidence.analysis.figures import figure_text, result_text
from ics_evidence.analysis.report import origin_of
from ics_evidence.analysis.tables import MISSING
from ics_evidence.analysis.text import as_text, blank, checked_id, who_leads
from ics_evidence.templating import render

COMPARE_MEASURES = ("population", "area_sq_miles", "nhs_budget_gbp_bn", "nhs_trusts", "primary_care_networks",
                    "place_partnerships", "upper_tier_local_authorities", "oversight_segment")  # fmt: skip


def _text_cell(value) -> Markup:
    """A data value as the HTML of a cell: its text escaped, '' when the data hold none."""
    # Plain text needs no template (as analysis.tables.format_value): escaping it makes it a
    # fragment that compare_table.html nests as it nests the rendered ones.
    return escape(as_text(value))


def compare_rows(
    tables: dict[str, pd.DataFrame], prefix: str = ""
) -> tuple[list[str], list[Markup], list[list[Markup]]]:
    """All systems side by side: (system ids, header cells, rows of HTML cells, the first cell
    of each row being its label)."""
    systems = tables["systems"]
    ids = [checked_id(s) for s in systems["system_id"]]
    header = [
        render("compare_system.html", prefix=prefix, system_id=s, name=as_text(n))
        for s, n in zip(ids, systems["name"], strict=True)
    ]
    rows: list[list[Markup]] = []

    def add(label: str, values: dict[str, Markup]) -> None:
        rows.append([_text_cell(label), *(values.get(s) or MISSING for s in ids)])

    titles = (_text_cell(x) for x in systems["case_study_title"])
    add("Title, as its source words it", dict(zip(ids, titles, strict=True)))
    if "evidence_origin" in systems.columns and "sources" in tables:
        rows_by_id = zip(ids, systems.iterrows(), strict=True)
        add("Evidence from", {s: _text_cell(origin_of(row, tables["sources"])) for s, (_, row) in rows_by_id})
    add("Who leads", {s: _text_cell(who_leads(row)) for s, (_, row) in zip(ids, systems.iterrows(), strict=True)})

    figures = tables["system_figures"]
    figures = figures[figures["is_reference"]]
    measures = tables["measures"].set_index("measure_id")
    for measure_id in COMPARE_MEASURES:
        if measure_id not in measures.index:
            continue
        own = figures[figures["measure_id"] == measure_id]
        unit = measures.loc[measure_id, "unit"]
        values = {
            r.system_id: render("compare_figure.html", quote=as_text(r.quote), text=as_text(figure_text(r, unit)))
            for r in own.itertuples(index=False)
        }
        add(str(measures.loc[measure_id, "label"]), values)

    coding = tables["theme_coding"]
    themes = dict(zip(tables["themes"]["theme_id"], tables["themes"]["label"], strict=True))
    for strength, label in ((2, "Themes central to the approach"), (1, "Themes present")):
        chosen = coding[coding["strength"] == strength]
        add(label, {s: _list(themes.get(t, t) for t in chosen.loc[chosen["system_id"] == s, "theme_id"]) for s in ids})

    if "system_care_areas" in tables and "care_areas" in tables:
        care = dict(zip(tables["care_areas"]["care_area_id"], tables["care_areas"]["label"], strict=True))
        coded = tables["system_care_areas"]
        add(
            "Care areas",
            {s: _list(care.get(c, c) for c in coded.loc[coded["system_id"] == s, "care_area_id"]) for s in ids},
        )

    methods = dict(zip(tables["methods"]["method_id"], tables["methods"]["name"], strict=True))
    used = tables["system_methods"]
    add("Methods", {s: _list(methods.get(m, m) for m in used.loc[used["system_id"] == s, "method_id"]) for s in ids})
    partners = dict(zip(tables["partners"]["partner_id"], tables["partners"]["name"], strict=True))
    linked = tables["system_partners"]
    add(
        "Partners and external help",
        {s: _list(partners.get(p, p) for p in linked.loc[linked["system_id"] == s, "partner_id"]) for s in ids},
    )

    examples = tables["improvement_examples"]
    add("Improvement examples", {s: _list(examples.loc[examples["system_id"] == s, "title"]) for s in ids})
    results = tables["results"]
    for kind, label in (("result", "Results reported"), ("target", "Targets")):
        chosen = results[results["kind"] == kind]
        add(label, {s: _list(result_text(r) for r in chosen[chosen["system_id"] == s].itertuples(index=False))
                    for s in ids})  # fmt: skip
    return ids, header, rows


def _list(items) -> Markup:
    items = [as_text(x) for x in items if not blank(x)]
    if not items:
        return Markup()
    return render("compare_list.html", items=items)


def compare_html(tables: dict[str, pd.DataFrame], prefix: str = "") -> Markup:
    """The chooser (two selects in a GET form, so the URL keeps the choice) and the table of all
    systems; ``ics-reader.js`` shows only the chosen two when JavaScript runs."""
    ids, header, rows = compare_rows(tables, prefix)
    names = [as_text(n) for n in tables["systems"]["name"]]
    first, second = (ids + ids)[0], (ids + ids)[1]
    return render(
        "compare_table.html",
        systems=[{"id": s, "name": n, "header": h} for s, n, h in zip(ids, names, header, strict=True)],
        first=first,
        second=second,
        caption="The systems side by side: figures as the sources state them, themes, methods, partners and results",
        rows=[
            {"label": row[0], "cells": [{"system": s, "html": c} for s, c in zip(ids, row[1:], strict=True)]}
            for row in rows
        ],
    )
