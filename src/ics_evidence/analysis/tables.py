"""HTML for the book's tables: accessible markup, and every data value escaped as text."""

from __future__ import annotations

import html
from collections.abc import Iterable

import pandas as pd

MISSING = '<span class="ics-missing">not reported</span>'


def format_value(value) -> str:
    """A cell's text, escaped; missing values say so in words rather than leaving a blank."""
    if value is None or (not isinstance(value, str | list | dict) and pd.isna(value)):
        return MISSING
    if isinstance(value, float):
        return html.escape(f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}")
    if isinstance(value, int) and not isinstance(value, bool):
        return html.escape(f"{value:,}")
    return html.escape(str(value))


def table_html(frame: pd.DataFrame, caption: str, *, numeric: Iterable[str] = ()) -> str:
    """A table with a caption and scoped column headers; numeric columns are right-aligned."""
    numeric = set(numeric)

    def attrs(column) -> str:
        return ' class="ics-num"' if column in numeric else ""

    head = "".join(f'<th scope="col"{attrs(c)}>{html.escape(str(c))}</th>' for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = "".join(f"<td{attrs(c)}>{format_value(v)}</td>" for c, v in zip(frame.columns, row, strict=True))
        body.append(f"<tr>{cells}</tr>")
    rows = "".join(body) or f'<tr><td colspan="{max(len(frame.columns), 1)}">None recorded in the data.</td></tr>'
    # A wide table scrolls sideways inside a labelled, focusable region, so keyboard users can
    # scroll it too (WCAG 2.1.1).
    return (
        f'<div class="ics-table-wrap" role="region" tabindex="0" aria-label="{html.escape(caption)}">'
        f'<table class="table ics-table"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
    )
