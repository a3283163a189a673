"""HTML for the book's tables: accessible markup, and every data value escaped as text."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from markupsafe import Markup, escape

from ics_evidence.analysis.stated import counted
from ics_evidence.templating import render

MISSING = render("missing.html")


def format_value(value) -> Markup:
    """A cell's text, escaped; missing values say so in words rather than leaving a blank."""
    if value is None or (not isinstance(value, str | list | dict) and pd.isna(value)):
        return MISSING
    if isinstance(value, float):
        return escape(f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}")
    if isinstance(value, int) and not isinstance(value, bool):
        return escape(f"{value:,}")
    return escape(str(value))


def table_html(frame: pd.DataFrame, caption: str, *, numeric: Iterable[str] = ()) -> Markup:
    """A table with a caption and scoped column headers; numeric columns are right-aligned."""
    numeric = set(numeric)
    columns = [{"name": str(c), "numeric": c in numeric} for c in frame.columns]
    rows = [
        [{"value": format_value(v), "numeric": c in numeric} for c, v in zip(frame.columns, row, strict=True)]
        for row in frame.itertuples(index=False)
    ]
    return render("table.html", caption=caption, columns=columns, rows=rows)


def folded_table_html(frame: pd.DataFrame, caption: str, *, numeric: Iterable[str] = ()) -> Markup:
    """The table folded under a summary line, its caption and row count (``<details>``): a long
    page stays short on a phone and the reader opens what they want; print opens every fold
    (release/pdf.py). An empty table is not folded: its one line says there is nothing."""
    table = table_html(frame, caption, numeric=numeric)
    if frame.empty:
        return table
    return render("folded.html", summary=f"{caption} ({counted(len(frame), 'row')})", content=table)
