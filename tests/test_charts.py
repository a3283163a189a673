"""Charts: one colour per system everywhere, readable contrast, a description, no CDN, inert data."""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import pytest

from ics_evidence.analysis import charts


def contrast_with_white(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


def test_palette_meets_non_text_contrast():
    assert all(contrast_with_white(c) >= 3 for c in charts.PALETTE)


def test_system_colours_are_distinct_and_stable():
    ids = [f"system-{i}" for i in range(8)]
    colours = charts.system_colours(ids)
    assert len(set(colours.values())) == 8
    assert charts.system_colours(ids) == colours
    assert charts.system_colours([*ids, "ninth"])["system-3"] == colours["system-3"]  # adding one moves none


def test_system_colour_scale_follows_data_order():
    systems = pd.DataFrame({"system_id": ["a", "b"], "name": ["A", "B"]})
    scale = charts.system_colour_scale(systems).to_dict()
    assert scale == {"domain": ["A", "B"], "range": list(charts.PALETTE[:2])}


def chart(description: str | None) -> alt.Chart:
    data = pd.DataFrame({"name": ['</script><img src=x onerror="alert(1)">'], "value": [1]})
    base = alt.Chart(data).mark_bar().encode(x="value:Q", y="name:N", tooltip=["name:N"])
    return base.properties(description=description) if description else base


def test_chart_without_description_is_refused():
    with pytest.raises(ValueError, match="description"):
        charts.render_html(chart(None).to_dict())


def test_rendered_chart_is_offline_inert_and_deterministic():
    charts.enable()
    html = chart("A bar chart").to_dict()
    output = charts.render_html(html)
    assert not re.search(r"<script[^>]*\bsrc=", output)  # nothing fetched: the page loads the bundle once
    assert "</script><img" not in output and "\\u003c/script\\u003e" in output
    assert 'aria-label="A bar chart"' in output
    assert output == charts.render_html(chart("A bar chart").to_dict())


def test_enable_makes_the_book_renderer_the_default():
    charts.enable()
    bundle = chart("Described").to_dict()
    assert bundle["config"]["range"]["category"] == list(charts.PALETTE)
    mimebundle = chart("Described")._repr_mimebundle_()
    mimebundle = mimebundle[0] if isinstance(mimebundle, tuple) else mimebundle
    assert set(mimebundle) == {"text/html", "text/plain"}


def test_data_table_escapes_and_names_missing_values():
    table = charts.data_table(pd.DataFrame({"System": ["<b>x</b>"], "Value": [pd.NA]}), "Caption")
    assert "&lt;b&gt;x&lt;/b&gt;" in table and "<b>x</b>" not in table
    assert "not reported" in table and "<caption>Caption</caption>" in table


def test_bundle_is_written_locally(tmp_path):
    path = charts.write_bundle(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "window.vegaEmbed" in text and not re.search(r"import\s*\(|importScripts", text)
    mtime = path.stat().st_mtime_ns
    charts.write_bundle(tmp_path)
    assert path.stat().st_mtime_ns == mtime  # not rebuilt when nothing changed
