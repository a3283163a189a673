"""Helpers the chapter modules share: chart-ready columns, strength words, system colours,
data order and quotations with their attribution."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ics_evidence.analysis import charts

# The words for the themes' three codes, in code order (the matrix legend follows it).
STRENGTH_WORDS = {0: "not evident", 1: "present", 2: "central"}


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Plain float and object columns (missing values as None) for charts."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_numeric_dtype(out[column]) and not pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].astype(float)
        elif not pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out


def system_colour(systems: pd.DataFrame) -> alt.Color:
    """Colour by system name, each system in its book-wide colour, without a legend."""
    return alt.Color("name:N", scale=charts.system_colour_scale(systems), legend=None)


def data_order(ids) -> dict:
    """Each id's position in ``ids`` (e.g. systems.csv order), for sorting by it."""
    return {key: i for i, key in enumerate(ids)}


def quote(text, source_id, section) -> str:
    """A quotation with its attribution, as text."""
    if text is None or pd.isna(text):
        return ""
    return f"“{text}” ({source_id}: {section})"
