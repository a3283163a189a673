"""The compare page (notebooks/compare.md): every system side by side, with a chooser of two.

Cells are HTML in which every data value is escaped and every link is built from an id the
schema confines to ``[a-z0-9-]``, so no data text can become markup.
"""

from __future__ import annotations

import html

import pandas as pd

from ics_evidence.analysis.figures import figure_text, result_text
from ics_evidence.analysis.report import origin_of
from ics_evidence.analysis.text import blank, checked_id, escaped, who_leads

COMPARE_MEASURES = ("population", "area_sq_miles", "nhs_budget_gbp_bn", "nhs_trusts", "primary_care_networks",
                    "place_partnerships", "upper_tier_local_authorities", "oversight_segment")  # fmt: skip


def compare_rows(tables: dict[str, pd.DataFrame], prefix: str = "") -> tuple[list[str], list[str], list[list[str]]]:
    """All systems side by side: (system ids, header cells, rows of escaped HTML cells, the
    first cell of each row being its label)."""
    systems = tables["systems"]
    ids = [checked_id(s) for s in systems["system_id"]]
    header = [f'<a href="{prefix}systems/{s}.html">{escaped(n)}</a>' for s, n in zip(ids, systems["name"], strict=True)]
    rows: list[list[str]] = []

    def add(label: str, values: dict[str, str]) -> None:
        rows.append([escaped(label), *(values.get(s) or '<span class="ics-missing">not reported</span>' for s in ids)])

    add("Title, as its source words it", dict(zip(ids, (escaped(x) for x in systems["case_study_title"]), strict=True)))
    if "evidence_origin" in systems.columns and "sources" in tables:
        rows_by_id = zip(ids, systems.iterrows(), strict=True)
        add("Evidence from", {s: escaped(origin_of(row, tables["sources"])) for s, (_, row) in rows_by_id})
    add("Who leads", {s: escaped(who_leads(row)) for s, (_, row) in zip(ids, systems.iterrows(), strict=True)})

    figures = tables["system_figures"]
    figures = figures[figures["is_reference"]]
    measures = tables["measures"].set_index("measure_id")
    for measure_id in COMPARE_MEASURES:
        if measure_id not in measures.index:
            continue
        own = figures[figures["measure_id"] == measure_id]
        unit = measures.loc[measure_id, "unit"]
        values = {
            r.system_id: f'<span title="{escaped(r.quote)}">{escaped(figure_text(r, unit))}</span>'
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


def _list(items) -> str:
    items = [x for x in items if not blank(x)]
    if not items:
        return ""
    return "<ul>" + "".join(f"<li>{escaped(x)}</li>" for x in items) + "</ul>"


def compare_html(tables: dict[str, pd.DataFrame], prefix: str = "") -> str:
    """The chooser (two selects in a GET form, so the URL keeps the choice) and the table of all
    systems; ``ics-reader.js`` shows only the chosen two when JavaScript runs."""
    ids, header, rows = compare_rows(tables, prefix)
    names = list(tables["systems"]["name"])
    first, second = (ids + ids)[0], (ids + ids)[1]

    def select(name: str, label: str, chosen: str) -> str:
        options = "".join(
            f'<option value="{s}"{" selected" if s == chosen else ""}>{escaped(n)}</option>'
            for s, n in zip(ids, names, strict=True)
        )
        return (
            f'<label for="ics-compare-{name}">{label}</label>'
            f'<select id="ics-compare-{name}" name="{name}">{options}</select>'
        )

    form = (
        '<form class="ics-compare-form" method="get" action="" hidden>'
        f"{select('a', 'First system', first)}{select('b', 'Second system', second)}"
        '<button type="submit">Compare</button>'
        '<p class="ics-compare-link" aria-live="polite"></p></form>'
    )
    head = '<th scope="col">What the sources say</th>' + "".join(
        f'<th scope="col" data-system="{s}">{h}</th>' for s, h in zip(ids, header, strict=True)
    )
    body = "".join(
        f'<tr><th scope="row">{row[0]}</th>'
        + "".join(f'<td data-system="{s}">{cell}</td>' for s, cell in zip(ids, row[1:], strict=True))
        + "</tr>"
        for row in rows
    )
    caption = "The systems side by side: figures as the sources state them, themes, methods, partners and results"
    table = (
        f'<div class="ics-table-wrap" role="region" tabindex="0" aria-label="{html.escape(caption)}">'
        f'<table class="table ics-table ics-compare-table"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )
    return f'<div class="ics-compare">{form}{table}</div>'
