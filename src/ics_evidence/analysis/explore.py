"""The explore page (notebooks/explore.md): every improvement example and lesson in one
filterable table, with the whole table for readers without JavaScript.

Cells are HTML: data text escaped (``markupsafe.escape``) or rendered by the templates
``explore_item.html`` and ``explore_labels.html``, the no-JavaScript table by
``explore_table.html``; every link is built from an id checked against the schema's
``[a-z0-9-]`` pattern, so no data text can become markup.
"""

from __future__ import annotations

import json
import warnings

import pandas as pd
from markupsafe import Markup, escape

from ics_evidence.analysis.codebook import EXAMPLE_LEVELS, KIND_LABELS
from ics_evidence.analysis.stated import counted
from ics_evidence.analysis.text import as_text, blank, checked_id, speaker_of
from ics_evidence.templating import render

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
        return as_text(ACROSS if blank(system_id) else names.get(system_id, system_id))

    def item(row, title, lesson_id=None) -> Markup:
        """The item's title and summary, its evidence collapsed, and where to read more: the
        system's profile, or for a lesson across the systems the lesson on the recommendations page."""
        across = blank(row.system_id)
        return render(
            "explore_item.html",
            prefix=prefix,
            speaker=speaker_of(row),
            title=as_text(title),
            summary=as_text(row.summary),
            quote=as_text(row.quote),
            source=as_text(sources.get(row.source_id, row.source_id)),
            section=as_text(row.section),
            lesson_id=checked_id(lesson_id) if across else None,
            system_id=None if across else checked_id(row.system_id),
            system=system_name(row.system_id),
        )

    def labels(values) -> Markup:
        return render("explore_labels.html", labels=[as_text(x) for x in values], separator=THEME_SEPARATOR)

    rows = []
    for row in tables["improvement_examples"].itertuples(index=False):
        rows.append({
            "What": escape("Example"),
            "System": escape(system_name(row.system_id)),
            "Item": item(row, row.title),
            "Themes": labels(themes.get(t, t) for t in example_themes.get(row.example_id, [])),
            "Care areas": labels(care_labels.get(c, c) for c in example_care.get(row.example_id, [])),
            "Level": escape(as_text(EXAMPLE_LEVELS.get(row.level, row.level))),
            "Method": "" if blank(row.method_id) else escape(as_text(methods.get(row.method_id, row.method_id))),
        })  # fmt: skip
    for row in tables["lessons"].itertuples(index=False):
        rows.append({
            "What": escape(as_text(KIND_LABELS.get(row.kind, row.kind))),
            "System": escape(system_name(row.system_id)),
            "Item": item(row, None, row.lesson_id),
            "Themes": "" if blank(row.theme_id) else escape(as_text(themes.get(row.theme_id, row.theme_id))),
            "Care areas": "",
            "Level": "",  # a level belongs to improvement work, not to a lesson
            "Method": "",
        })  # fmt: skip
    return pd.DataFrame(rows, columns=EXPLORE_COLUMNS)


def plain_table_html(frame: pd.DataFrame, caption: str, table_id: str | None = None) -> Markup:
    """``frame``'s cells in an accessible table: a cell that is HTML (:class:`markupsafe.Markup`,
    as :func:`explore_items` makes every one) as it is, any other text escaped."""
    return render(
        "explore_table.html",
        caption=caption,
        table_id=checked_id(table_id) if table_id else None,
        columns=[str(c) for c in frame.columns],
        rows=[list(row) for row in frame.itertuples(index=False)],
    )


def grouped_listing_html(frame: pd.DataFrame, caption: str, listing_id: str) -> Markup:
    """The no-JavaScript view: every item, grouped by system in the data's order (the items
    across the systems last), each group folded under its name and count, so the page opens on
    a list of systems rather than one table thousands of pixels long."""
    order = list(dict.fromkeys(frame["System"]))
    order.sort(key=lambda name: str(name) == ACROSS)  # stable: the systems keep their order
    groups = []
    for name in order:
        rows = frame[frame["System"] == name]
        groups.append({"name": name, "count": counted(len(rows), "item"),
                       "table": plain_table_html(rows, f"{caption}: {name}")})  # fmt: skip
    return render("explore_grouped.html", listing_id=checked_id(listing_id), caption=caption, groups=groups)


# Columns the explore page offers filter panes for (by position in explore_items' frame).
EXPLORE_PANES = ("What", "System", "Themes", "Care areas", "Level", "Method")


# A cell of several themes is split into one filter option per theme. The separator is markup
# that escaped data text cannot contain (a template, as every fragment is).
THEME_SEPARATOR = render("explore_separator.html")


# The separator is fixed markup without a quote or backslash, so it sits in a JavaScript string as it is.
_SPLIT_THEMES = f"function (data, type) {{ return type === 'sp' ? data.split('{THEME_SEPARATOR}') : data; }}"


# The view is kept in the page's address, so a filtered view can be shared: ?search= the search box's
# text, then each pane's chosen options under the pane's column name (?System=Dorset&Level=place).
# The table starts from the address (its panes' options preselected, its search filled in) and
# writes it back after every change; it never reads or writes the browser's storage. A value in
# the address only selects an option the pane has or fills the search box: it is never markup.
SEARCH_PARAMETER = "search"  # not "q": Sphinx's search script runs a site search on any page given ?q=
_ADDRESS = "new URLSearchParams(window.location.search)"
_SAVE_TO_ADDRESS = """function (settings, data) {
    var names = %s, query = new URLSearchParams();
    if (data.search && data.search.search) query.set(%s, data.search.search);
    ((data.searchPanes || {}).selectionList || []).forEach(function (chosen) {
        if (names[chosen.column] === undefined) return;
        (chosen.rows || []).forEach(function (value) { query.append(names[chosen.column], value); });
    });
    var address = (query.toString() ? "?" + query.toString() : window.location.pathname) + window.location.hash;
    if (window.history && window.history.replaceState) window.history.replaceState(null, "", address);
}"""
# The panes' options to preselect, from the address: [{column, rows}] for each pane named in it.
_PRESELECT = """(function (names) {
    var address = ADDRESS;
    return Object.keys(names).map(function (column) {
        return {column: Number(column), rows: address.getAll(names[column])};
    }).filter(function (chosen) { return chosen.rows.length > 0; });
})(%s)""".replace("ADDRESS", _ADDRESS)
# On a phone the panes start folded (each a one-line button), so the table is in the first screen.
_PHONE = "window.matchMedia('(max-width: 700px)').matches"


def explore_table_html(items: pd.DataFrame, caption: str) -> str:
    """The explore table as itables' offline DataTable (every row, no downsampling), filterable
    and searchable when scripts run. Without JavaScript, :func:`explore_html` shows the whole
    table instead (itables' own preview shows only its first page).
    Cells are escaped HTML from :func:`explore_items`, so ``allow_html`` adds no markup of the data's."""
    from itables import JavascriptCode, JavascriptFunction, to_html_datatable

    columns = list(items.columns)
    # Our own constants (pane and parameter names) written as JavaScript literals.
    names = json.dumps({str(columns.index(c)): c for c in EXPLORE_PANES})
    save = JavascriptFunction(_SAVE_TO_ADDRESS % (names, json.dumps(SEARCH_PARAMETER)))
    split = [columns.index("Themes"), columns.index("Care areas")]
    # itables warns of options it does not list (stateSaveCallback and stateLoadCallback are
    # DataTables' own), and a warning in a notebook's output would be printed on the page.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="These arguments are not documented", category=SyntaxWarning)
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
            searchPanes={
                "cascadePanes": True,
                "viewTotal": True,
                "initCollapsed": JavascriptCode(_PHONE),
                "layout": "columns-3",
                "preSelect": JavascriptCode(_PRESELECT % names),
            },
            search={"search": JavascriptCode(f"{_ADDRESS}.get({json.dumps(SEARCH_PARAMETER)}) || ''")},
            stateSave=True,
            stateSaveCallback=save,
            stateLoadCallback=JavascriptFunction("function () { return null; }"),  # the address, not storage
            # A pane's entry for items with no care area, level or method says so in words.
            language={"searchPanes": {"emptyMessage": "None stated"}},
            autoWidth=False,
            columnDefs=[
                *({"targets": columns.index(c), "width": w} for c, w in EXPLORE_WIDTHS.items()),
                {"targets": split, "render": JavascriptFunction(_SPLIT_THEMES), "searchPanes": {"orthogonal": "sp"}},
                {"targets": [columns.index(c) for c in EXPLORE_PANES], "searchPanes": {"show": True}},
                {"targets": "_all", "searchPanes": {"show": False}},
            ],
        )


def show_explore(items: pd.DataFrame, caption: str) -> None:
    """Display itables' offline bundle (once per page) and the explore table, in a notebook."""
    from IPython.display import HTML, display
    from itables import init_notebook_mode

    init_notebook_mode(all_interactive=False, connected=False)
    display(HTML(explore_html(items, caption)))


def explore_html(items: pd.DataFrame, caption: str) -> Markup:
    """The interactive table, and for readers without JavaScript every item listed by system
    (:func:`grouped_listing_html`), in ``<noscript>``; the stylesheet hides itables' partial preview."""
    plain = grouped_listing_html(items, caption, "ics-explore-plain")
    # itables' own markup, trusted as HTML: the data in it are explore_items' escaped cells.
    interactive = Markup(explore_table_html(items, caption))
    return render("explore.html", interactive=interactive, plain=plain)
