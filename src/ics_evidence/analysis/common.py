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


def short_names(systems: pd.DataFrame) -> dict[str, str]:
    """Each system's name and the shorter label a phone's chart gives it: its abbreviation where
    ``systems.csv`` has one, else its name. An abbreviation two systems share, or that is another
    system's name, is not used (the names stay)."""
    names = [str(name) for name in systems["name"]]
    if "abbreviation" in systems.columns:
        abbreviations = [str(a).strip() if pd.notna(a) else "" for a in systems["abbreviation"]]
    else:
        abbreviations = [""] * len(names)
    chosen = [abbreviation or name for name, abbreviation in zip(names, abbreviations, strict=True)]
    taken = set(names)
    return {
        name: short if short == name or (chosen.count(short) == 1 and short not in taken) else name
        for name, short in zip(names, chosen, strict=True)
    }


def with_labels(chart: alt.Chart, key: str, labels: dict[str, str], as_: str) -> alt.Chart:
    """``chart`` with a field ``as_`` holding ``labels[value of key]`` for each row, looked up
    from a small data set (so the labels stay data, never code in an expression)."""
    frame = pd.DataFrame({key: list(labels), as_: list(labels.values())}).astype(object)
    return chart.transform_lookup(lookup=key, from_=alt.LookupData(data=frame, key=key, fields=[as_]))
