"""The explore page (notebooks/explore.md): every improvement example and lesson in one
filterable table, with the whole table for readers without JavaScript.

Cells are HTML in which every data value is escaped and every link is built from an id the
schema confines to ``[a-z0-9-]``, so no data text can become markup.
"""

from __future__ import annotations

import html

import pandas as pd

from ics_evidence.analysis.codebook import EXAMPLE_LEVELS, KIND_LABELS
from ics_evidence.analysis.text import blank, checked_id, escaped, speaker_of

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
        return escaped(ACROSS if blank(system_id) else names.get(system_id, system_id))

    def see(system_id, lesson_id=None) -> str:
        if blank(system_id):
            return (
                f'<a href="{prefix}recommendations.html#lesson-{checked_id(lesson_id)}">What the report recommends</a>'
            )
        return f'<a href="{prefix}systems/{checked_id(system_id)}.html">{system_name(system_id)} profile</a>'

    def evidence(row) -> str:
        return f"“{escaped(row.quote)}” ({escaped(sources.get(row.source_id, row.source_id))}: {escaped(row.section)})"

    def item(row, title, link) -> str:
        """The item's title and summary, its evidence collapsed, and where to read more."""
        heading = f"<strong>{escaped(title)}</strong>. " if not blank(title) else ""
        if speaker_of(row):
            heading = f"<strong>The view of {escaped(speaker_of(row))}</strong>: "
        return (
            f"{heading}{escaped(row.summary)}"
            f'<details class="ics-evidence"><summary>Evidence</summary>{evidence(row)}</details>'
            f'<span class="ics-see">See: {link}</span>'
        )

    rows = []
    for row in tables["improvement_examples"].itertuples(index=False):
        labels = [themes.get(t, t) for t in example_themes.get(row.example_id, [])]
        care = [escaped(care_labels.get(c, c)) for c in example_care.get(row.example_id, [])]
        rows.append({
            "What": "Example",
            "System": system_name(row.system_id),
            "Item": item(row, row.title, see(row.system_id)),
            "Themes": THEME_SEPARATOR.join(escaped(x) for x in labels),
            "Care areas": THEME_SEPARATOR.join(care),
            "Level": escaped(EXAMPLE_LEVELS.get(row.level, row.level)),
            "Method": "" if blank(row.method_id) else escaped(methods.get(row.method_id, row.method_id)),
        })  # fmt: skip
    for row in tables["lessons"].itertuples(index=False):
        rows.append({
            "What": escaped(KIND_LABELS.get(row.kind, row.kind)),
            "System": system_name(row.system_id),
            "Item": item(row, None, see(row.system_id, row.lesson_id)),
            "Themes": "" if blank(row.theme_id) else escaped(themes.get(row.theme_id, row.theme_id)),
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
        f'<table class="table ics-table" id="{checked_id(table_id)}"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


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
