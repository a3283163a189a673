"""The reader's pages: what the report recommends, the explore table and the system comparison.

Pure functions from the loaded tables to frames and to HTML in which every data value is
escaped (``html.escape``) and every link is built from an id the schema confines to
``[a-z0-9-]``, so no data text can become markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import pandas as pd

from ics_evidence.analysis.derive import BASIS_LABELS, EXAMPLE_LEVELS
from ics_evidence.analysis.report import origin_of
from ics_evidence.analysis.stated import as_stated

ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
                "twenty")  # fmt: skip


def number_word(n: int) -> str:
    """A count as it is written in running text: words up to twenty, digits beyond."""
    n = int(n)
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else f"{n:,}"


def _id(value: str) -> str:
    """An id safe in a URL or an HTML id: the schema's pattern, enforced again here."""
    value = str(value)
    if not ID.match(value):
        raise ValueError(f"not an id: {value!r}")
    return value


def _e(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def _blank(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or str(value) == ""


# --- What the report recommends ---------------------------------------------------------------

KIND_LABELS = {"lesson": "Lesson", "barrier": "Barrier", "enabler": "Enabler", "recommendation": "Recommendation"}

# The report's parts that hold cross-system lessons, in the report's order of argument. A
# lesson whose section matches none goes to "elsewhere", so every lesson lands in one group.
GROUPS = (
    ("key-points", "Key points", lambda s: s == "Key points"),
    ("where-next", "Where next?", lambda s: s.startswith("Where next?") or s.startswith("National work should")),
    ("implications", "Implications for systems", lambda s: s.startswith("Drawing out lessons > Implications")),
    ("emerging-themes", "Emerging themes", lambda s: s.startswith("Drawing out lessons > Emerging themes")),
)
ELSEWHERE = ("elsewhere", "Elsewhere in the report")
PRIORITY = re.compile(r"^Where next\? > (\d+)\. (.+)$")


def cross_system_lessons(lessons: pd.DataFrame) -> pd.DataFrame:
    """The lessons drawn across the systems (``system_id`` empty), in file order."""
    return lessons[lessons["system_id"].isna()].reset_index(drop=True)


def group_of(section: str) -> str:
    for key, _, test in GROUPS:
        if test(str(section)):
            return key
    return ELSEWHERE[0]


def lesson_groups(cross: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Cross-system lessons by the part of the report they come from; every row in one group."""
    keys = cross["section"].map(group_of)
    return {key: cross[keys == key].reset_index(drop=True) for key, _, _ in (*GROUPS, (*ELSEWHERE, None))}


def priorities(where_next: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The numbered Where-next priorities, in number order, then the rest of the section
    (lessons that frame the priorities rather than belong to one) under one heading."""
    matches = where_next["section"].map(lambda s: PRIORITY.match(str(s)))
    numbered = {}
    for match in matches.dropna():
        numbered[int(match.group(1))] = match.group(2)
    out = []
    for number in sorted(numbered):
        mask = matches.map(lambda m, n=number: m is not None and int(m.group(1)) == n)
        out.append((f"{number}. {numbered[number]}", where_next[mask].reset_index(drop=True)))
    rest = where_next[matches.isna()].reset_index(drop=True)
    if len(rest):
        out.append(("Framing the priorities", rest))
    return out


def by_audience(cross: pd.DataFrame, links: pd.DataFrame, audiences: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The recommendations grouped by whom the report addresses them to, in the codebook's
    order; recommendations that name no addressee last, so that every one is listed."""
    recommendations = cross[cross["kind"] == "recommendation"]
    out = []
    for audience in audiences.sort_values("order").itertuples(index=False):
        ids = set(links.loc[links["audience_id"] == audience.audience_id, "lesson_id"])
        rows = recommendations[recommendations["lesson_id"].isin(ids)].reset_index(drop=True)
        if len(rows):
            out.append((audience.label, rows))
    unnamed = recommendations[~recommendations["lesson_id"].isin(set(links["lesson_id"]))].reset_index(drop=True)
    if len(unnamed):
        out.append(("No addressee named", unnamed))
    return out


@dataclass
class Bearing:
    """The systems that bear a cross-system lesson out: the theme is central to them, or they
    report a lesson, barrier or enabler of their own on the same theme."""

    central: list[str] = field(default_factory=list)
    own_lessons: list[str] = field(default_factory=list)


def bearings(cross: pd.DataFrame, lessons: pd.DataFrame, coding: pd.DataFrame, systems: pd.DataFrame) -> dict:
    order = list(systems["system_id"])
    result = {}
    for row in cross.itertuples(index=False):
        if _blank(row.theme_id):
            result[row.lesson_id] = Bearing()
            continue
        central = set(coding.loc[(coding["theme_id"] == row.theme_id) & (coding["strength"] == 2), "system_id"])
        own = set(lessons.loc[lessons["theme_id"].eq(row.theme_id) & lessons["system_id"].notna(), "system_id"])
        result[row.lesson_id] = Bearing([s for s in order if s in central], [s for s in order if s in own])
    return result


def _system_links(ids: list[str], names: dict[str, str], prefix: str) -> str:
    return ", ".join(f'<a href="{prefix}systems/{_id(s)}.html">{_e(names.get(s, s))}</a>' for s in ids)


def lesson_html(row, *, sources: dict[str, str], themes: dict[str, str], names: dict[str, str],
                bearing: Bearing | None, addressees: list[str] = (), prefix: str = "") -> str:  # fmt: skip
    """One cross-system lesson as an article: its summary, kind and theme, whom it addresses,
    the systems that bear it out, and its evidence collapsed."""
    lesson_id = _id(row.lesson_id)
    facts = [f'<span class="ics-kind ics-kind-{_id(row.kind)}">{_e(KIND_LABELS.get(row.kind, row.kind))}</span>']
    if not _blank(row.theme_id):
        facts.append(f'theme: <a href="{prefix}analyses/themes.html">{_e(themes.get(row.theme_id, row.theme_id))}</a>')
    if addressees:
        facts.append("addressed to: " + "; ".join(_e(a) for a in addressees))
    speaker = speaker_of(row)
    if speaker:
        facts.append(f"the view of {_e(speaker)}, as the report quotes it")
    parts = [f'<article class="ics-lesson" id="lesson-{lesson_id}">', f"<p>{_e(row.summary)}</p>",
             f'<p class="ics-lesson-facts">{" · ".join(facts)}</p>']  # fmt: skip
    if bearing and (bearing.central or bearing.own_lessons):
        lines = []
        if bearing.central:
            lines.append(f"<li>Central to the approach of {_system_links(bearing.central, names, prefix)}</li>")
        if bearing.own_lessons:
            lines.append(f"<li>Reported on the same theme by {_system_links(bearing.own_lessons, names, prefix)}</li>")
        parts.append(f'<ul class="ics-bearing" aria-label="Systems that bear this out">{"".join(lines)}</ul>')
    source = sources.get(row.source_id, row.source_id)
    parts.append(
        "<details><summary>Evidence</summary>"
        f"<blockquote><p>{_e(row.quote)}</p></blockquote>"
        f"<p>{_e(source)}, {_e(row.section)}</p></details>"
    )
    parts.append("</article>")
    return "".join(parts)


def lesson_list_html(rows: pd.DataFrame, context: dict, heading: str | None = None, level: int = 3) -> str:
    """A group of lessons, with an optional heading (data text, escaped)."""
    out = [f"<h{level}>{_e(heading)}</h{level}>"] if heading else []
    for row in rows.itertuples(index=False):
        out.append(
            lesson_html(
                row,
                addressees=context["addressees"].get(row.lesson_id, []),
                bearing=context["bearings"].get(row.lesson_id),
                **context["lookups"],
            )
        )
    return f'<div class="ics-lessons">{"".join(out)}</div>'


def audience_index_html(groups: list[tuple[str, pd.DataFrame]]) -> str:
    """Whom the recommendations address: each addressee with links to its recommendations."""
    out = []
    for label, rows in groups:
        items = "".join(
            f'<li><a href="#lesson-{_id(r.lesson_id)}">{_e(r.summary)}</a></li>' for r in rows.itertuples(index=False)
        )
        out.append(f"<h3>{_e(label)}</h3><ul>{items}</ul>")
    return f'<div class="ics-audiences">{"".join(out)}</div>'


def recommendation_context(tables: dict[str, pd.DataFrame], prefix: str = "") -> dict:
    cross = cross_system_lessons(tables["lessons"])
    links = tables["lesson_audiences"]
    labels = tables["audiences"].set_index("audience_id")["label"]
    order = tables["audiences"].set_index("audience_id")["order"]
    addressees: dict[str, list[str]] = {}
    for link in links.sort_values("audience_id", key=lambda s: s.map(order)).itertuples(index=False):
        addressees.setdefault(link.lesson_id, []).append(labels[link.audience_id])
    return {
        "cross": cross,
        "addressees": addressees,
        "bearings": bearings(cross, tables["lessons"], tables["theme_coding"], tables["systems"]),
        "lookups": {
            "sources": dict(zip(tables["sources"]["source_id"], tables["sources"]["title"], strict=True)),
            "themes": dict(zip(tables["themes"]["theme_id"], tables["themes"]["label"], strict=True)),
            "names": dict(zip(tables["systems"]["system_id"], tables["systems"]["name"], strict=True)),
            "prefix": prefix,
        },
    }


# --- Explore ----------------------------------------------------------------------------------

ACROSS = "Across the systems"
EXPLORE_COLUMNS = ["What", "System", "Item", "Themes", "Care areas", "Level", "Method"]
EXPLORE_WIDTHS = {"What": "10%", "System": "12%", "Item": "34%", "Themes": "13%", "Care areas": "11%", "Level": "10%",
                  "Method": "10%"}  # fmt: skip


def explore_items(tables: dict[str, pd.DataFrame], prefix: str = "") -> pd.DataFrame:
    """Every improvement example and every lesson, one row each, as cells of escaped HTML:
    the system as plain text (so filters list names), the evidence as a quotation with its
    source, and a link to the system's profile (or, for a cross-system lesson, to it on the
    recommendations page)."""
    names = dict(zip(tables["systems"]["system_id"], tables["systems"]["name"], strict=True))
    themes = dict(zip(tables["themes"]["theme_id"], tables["themes"]["label"], strict=True))
    methods = dict(zip(tables["methods"]["method_id"], tables["methods"]["name"], strict=True))
    sources = dict(zip(tables["sources"]["source_id"], tables["sources"]["title"], strict=True))
    example_themes = tables["example_themes"].groupby("example_id")["theme_id"].agg(list).to_dict()
    # Care areas, where the package codes them (tables care_areas and example_care_areas).
    care_labels = dict(zip(tables["care_areas"]["care_area_id"], tables["care_areas"]["label"], strict=True)) if (
        "care_areas" in tables) else {}  # fmt: skip
    example_care = (
        tables["example_care_areas"].groupby("example_id")["care_area_id"].agg(list).to_dict()
        if "example_care_areas" in tables
        else {}
    )

    def system_name(system_id) -> str:
        return _e(ACROSS if _blank(system_id) else names.get(system_id, system_id))

    def see(system_id, lesson_id=None) -> str:
        if _blank(system_id):
            return f'<a href="{prefix}recommendations.html#lesson-{_id(lesson_id)}">What the report recommends</a>'
        return f'<a href="{prefix}systems/{_id(system_id)}.html">{system_name(system_id)} profile</a>'

    def evidence(row) -> str:
        return f"“{_e(row.quote)}” ({_e(sources.get(row.source_id, row.source_id))}: {_e(row.section)})"

    def item(row, title, link) -> str:
        """The item's title and summary, its evidence collapsed, and where to read more."""
        heading = f"<strong>{_e(title)}</strong>. " if not _blank(title) else ""
        if speaker_of(row):
            heading = f"<strong>The view of {_e(speaker_of(row))}</strong>: "
        return (
            f"{heading}{_e(row.summary)}"
            f'<details class="ics-evidence"><summary>Evidence</summary>{evidence(row)}</details>'
            f'<span class="ics-see">See: {link}</span>'
        )

    rows = []
    for row in tables["improvement_examples"].itertuples(index=False):
        labels = [themes.get(t, t) for t in example_themes.get(row.example_id, [])]
        rows.append({
            "What": "Example",
            "System": system_name(row.system_id),
            "Item": item(row, row.title, see(row.system_id)),
            "Themes": THEME_SEPARATOR.join(_e(x) for x in labels),
            "Care areas": THEME_SEPARATOR.join(_e(care_labels.get(c, c)) for c in example_care.get(row.example_id, [])),
            "Level": _e(EXAMPLE_LEVELS.get(row.level, row.level)),
            "Method": "" if _blank(row.method_id) else _e(methods.get(row.method_id, row.method_id)),
        })  # fmt: skip
    for row in tables["lessons"].itertuples(index=False):
        rows.append({
            "What": _e(KIND_LABELS.get(row.kind, row.kind)),
            "System": system_name(row.system_id),
            "Item": item(row, None, see(row.system_id, row.lesson_id)),
            "Themes": "" if _blank(row.theme_id) else _e(themes.get(row.theme_id, row.theme_id)),
            "Care areas": "",
            "Level": "",  # a level belongs to improvement work, not to a lesson
            "Method": "",
        })  # fmt: skip
    return pd.DataFrame(rows, columns=EXPLORE_COLUMNS)


def plain_table_html(frame: pd.DataFrame, caption: str, table_id: str) -> str:
    """``frame``'s cells, already escaped HTML, in an accessible table (the no-JavaScript view)."""
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in frame.itertuples(index=False)
    )
    return (
        f'<div class="ics-table-wrap" role="region" tabindex="0" aria-label="{html.escape(caption)}">'
        f'<table class="table ics-table" id="{_id(table_id)}"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


# --- Compare ----------------------------------------------------------------------------------

COMPARE_MEASURES = ("population", "area_sq_miles", "nhs_budget_gbp_bn", "nhs_trusts", "primary_care_networks",
                    "place_partnerships", "upper_tier_local_authorities", "oversight_segment")  # fmt: skip


def figure_text(row, unit) -> str:
    """A reference figure as its source states it, with its basis where it has one ("£6.6
    billion (budget, NHS-only not stated)"), so values on different bases never read alike."""
    text = as_stated(row.value, unit, row.qualifier, quote=row.quote)
    basis = getattr(row, "basis", None)
    if text and not _blank(basis):
        text += f" ({BASIS_LABELS.get(str(basis), str(basis))})"
    return text


def result_text(row) -> str:
    """A result, target or scale figure with its value as the source states it and its period:
    'Patients helped within days without a hospital referral: over 4,400 people (since April 2022)'."""
    figure = as_stated(row.value, row.unit, row.qualifier, row.low, row.high, row.quote)
    text = str(row.description).rstrip(". ")
    if figure:
        text += f": {figure}"
    if not _blank(row.period):
        text += f" ({row.period})"
    return text


def compare_rows(tables: dict[str, pd.DataFrame], prefix: str = "") -> tuple[list[str], list[str], list[list[str]]]:
    """All systems side by side: (system ids, header cells, rows of escaped HTML cells, the
    first cell of each row being its label)."""
    systems = tables["systems"]
    ids = [_id(s) for s in systems["system_id"]]
    header = [f'<a href="{prefix}systems/{s}.html">{_e(n)}</a>' for s, n in zip(ids, systems["name"], strict=True)]
    rows: list[list[str]] = []

    def add(label: str, values: dict[str, str]) -> None:
        rows.append([_e(label), *(values.get(s) or '<span class="ics-missing">not reported</span>' for s in ids)])

    add("Title, as its source words it", dict(zip(ids, (_e(x) for x in systems["case_study_title"]), strict=True)))
    if "evidence_origin" in systems.columns and "sources" in tables:
        rows_by_id = zip(ids, systems.iterrows(), strict=True)
        add("Evidence from", {s: _e(origin_of(row, tables["sources"])) for s, (_, row) in rows_by_id})
    add("Who leads", {s: _e(who_leads(row)) for s, (_, row) in zip(ids, systems.iterrows(), strict=True)})

    figures = tables["system_figures"]
    figures = figures[figures["is_reference"]]
    measures = tables["measures"].set_index("measure_id")
    for measure_id in COMPARE_MEASURES:
        if measure_id not in measures.index:
            continue
        own = figures[figures["measure_id"] == measure_id]
        unit = measures.loc[measure_id, "unit"]
        values = {
            r.system_id: f'<span title="{_e(r.quote)}">{_e(figure_text(r, unit))}</span>'
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
    items = [x for x in items if not _blank(x)]
    if not items:
        return ""
    return "<ul>" + "".join(f"<li>{_e(x)}</li>" for x in items) + "</ul>"


def compare_html(tables: dict[str, pd.DataFrame], prefix: str = "") -> str:
    """The chooser (two selects in a GET form, so the URL keeps the choice) and the table of all
    systems; ``ics-reader.js`` shows only the chosen two when JavaScript runs."""
    ids, header, rows = compare_rows(tables, prefix)
    names = list(tables["systems"]["name"])
    first, second = (ids + ids)[0], (ids + ids)[1]

    def select(name: str, label: str, chosen: str) -> str:
        options = "".join(
            f'<option value="{s}"{" selected" if s == chosen else ""}>{_e(n)}</option>'
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


# Columns the explore page offers filter panes for (by position in explore_items' frame).
EXPLORE_PANES = ("What", "System", "Themes", "Care areas", "Level", "Method")
# A cell of several themes is split into one filter option per theme. The separator is markup
# that escaped data text cannot contain.
THEME_SEPARATOR = "<br>"
_SPLIT_THEMES = "function (data, type) { return type === 'sp' ? data.split('<br>') : data; }"


def explore_table_html(items: pd.DataFrame, caption: str) -> str:
    """The explore table as itables' offline DataTable (every row, no downsampling), filterable
    and searchable when scripts run. Without JavaScript, :func:`explore_html` shows the whole
    table instead (itables' own preview shows only its first page).
    Cells are escaped HTML from :func:`explore_items`, so ``allow_html`` adds no markup of the data's."""
    from itables import JavascriptFunction, to_html_datatable

    columns = list(items.columns)
    panes = [columns.index(c) for c in EXPLORE_PANES]
    split = [columns.index("Themes"), columns.index("Care areas")]
    return to_html_datatable(
        items,
        caption=caption,
        connected=False,
        allow_html=True,
        showIndex=False,
        classes="display compact ics-explore-table",
        style={"width": "100%", "caption-side": "top"},
        table_id="ics-explore",
        lengthMenu=[10, 25, 50, 100, -1],
        pageLength=25,
        display_logo_when_loading=False,
        maxBytes=0,
        layout={"top1": "searchPanes"},
        searchPanes={"cascadePanes": True, "viewTotal": True, "initCollapsed": False, "layout": "columns-3"},
        # A pane's entry for items with no care area, level or method says so in words.
        language={"searchPanes": {"emptyMessage": "None stated"}},
        autoWidth=False,
        columnDefs=[
            *({"targets": columns.index(c), "width": w} for c, w in EXPLORE_WIDTHS.items()),
            {"targets": split, "render": JavascriptFunction(_SPLIT_THEMES), "searchPanes": {"orthogonal": "sp"}},
            {"targets": panes, "searchPanes": {"show": True}},
            {"targets": "_all", "searchPanes": {"show": False}},
        ],
    )


def show_explore(items: pd.DataFrame, caption: str) -> None:
    """Display itables' offline bundle (once per page) and the explore table, in a notebook."""
    from IPython.display import HTML, display
    from itables import init_notebook_mode

    init_notebook_mode(all_interactive=False, connected=False)
    display(HTML(explore_html(items, caption)))


def explore_html(items: pd.DataFrame, caption: str) -> str:
    """The interactive table, and for readers without JavaScript the whole table, accessible
    (a caption, column headers), in ``<noscript>``; the stylesheet hides itables' partial preview."""
    plain = plain_table_html(items, caption, "ics-explore-plain")
    return f"{explore_table_html(items, caption)}<noscript>{plain}</noscript>"


# --- A profile at a glance ----------------------------------------------------------------------

GLANCE_MEASURES = ("population", "nhs_budget_gbp_bn", "nhs_trusts", "place_partnerships", "primary_care_networks",
                   "upper_tier_local_authorities")  # fmt: skip


def people(system: pd.Series) -> list[tuple[str, str, str]]:
    """(term, text, quotation) for who leads a system and who chairs its board, as the source
    gives them: a programme's lead ("Jane Hogg, senior responsible officer of the programme"),
    else the ICB's chief executive; a board chair with the role the source gives."""
    out = []
    if not _blank(system.get("lead")):
        role = "" if _blank(system.get("lead_role")) else f", {system['lead_role']}"
        out.append(("Who leads", f"{system['lead']}{role}", system.get("lead_quote")))
    elif not _blank(system.get("chief_executive")):
        out.append(("Who leads", f"{system['chief_executive']}, chief executive", system.get("chief_executive_quote")))
    if not _blank(system.get("chair")):
        role = "" if _blank(system.get("chair_role")) else f", {system['chair_role']}"
        out.append(("Board chair", f"{system['chair']}{role}", system.get("chair_quote")))
    return out


def who_leads(system: pd.Series) -> str:
    """The "Who leads" text of :func:`people` (empty when the sources name no one)."""
    return next((text for term, text, _ in people(system) if term == "Who leads"), "")


def speaker_of(row) -> str:
    """Whose remark a lesson is ("Fiona Edwards, chief executive of Frimley ICB"), or ''."""
    speaker = getattr(row, "speaker", None)
    if _blank(speaker):
        return ""
    role = getattr(row, "speaker_role", None)
    return f"{speaker}, {role}" if not _blank(role) else str(speaker)


def at_a_glance_html(tables: dict[str, pd.DataFrame], system_id: str) -> str:
    """Who leads the system and its key figures as people write them, hedges kept ("around
    1.1 million", "£1.6bn"), then each quotation they come from once, collapsed."""
    system = tables["systems"].set_index("system_id").loc[system_id]
    sources = dict(zip(tables["sources"]["source_id"], tables["sources"]["title"], strict=True))
    measures = tables["measures"].set_index("measure_id")
    figures = tables["system_figures"]
    figures = figures[(figures["system_id"] == system_id) & figures["is_reference"]]
    items, quotes = [], {}
    for term, text, quote in people(system):
        items.append((term, _e(text)))
        quotes.setdefault(quote, (system["source_id"], system["section"]))
    for measure_id in GLANCE_MEASURES:
        row = figures[figures["measure_id"] == measure_id]
        if not len(row) or measure_id not in measures.index:
            continue
        row = next(row.itertuples(index=False))
        items.append((measures.loc[measure_id, "label"], _e(figure_text(row, measures.loc[measure_id, "unit"]))))
        row = row._asdict()
        quotes.setdefault(row["quote"], (row["source_id"], row["section"]))
    if not items:
        return '<p class="ics-glance">The sources give no key figures for this system.</p>'
    terms = "".join(f"<div><dt>{_e(term)}</dt><dd>{text}</dd></div>" for term, text in items)
    evidence = "".join(
        f"<li>“{_e(quote)}” ({_e(sources.get(source, source))}: {_e(section)})</li>"
        for quote, (source, section) in quotes.items()
        if not _blank(quote)
    )
    return (
        f'<dl class="ics-glance">{terms}</dl>'
        f'<details class="ics-evidence"><summary>Evidence for these figures</summary><ul>{evidence}</ul></details>'
    )
