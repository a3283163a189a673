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


# --- Labels drawn whole, one Vega version, text no smaller than the minimum ---

LONG = "Cambridgeshire and Peterborough Integrated Care System improvement programme"


def drawn_lines(spec: dict) -> list[str]:
    """Every line of text vl-convert draws for ``spec`` (a multi-line label gives one per line)."""
    import vl_convert

    svg = vl_convert.vegalite_to_svg(spec, vl_version=charts.VEGA_LITE)
    return [html_unescape(line) for line in re.findall(r"<(?:text|tspan)[^>]*>([^<]+)</(?:text|tspan)>", svg)]


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


@pytest.mark.parametrize("chars", [6, 14, 30])
def test_label_lines_keep_every_word_and_fit_the_width(chars):
    lines = charts.label_lines(LONG, chars)
    assert " ".join(lines) == LONG
    assert all(len(line) <= chars or " " not in line for line in lines)  # only a long word runs over


def test_a_wrapped_axis_draws_a_long_label_whole_on_several_lines():
    data = pd.DataFrame({"name": [LONG, "B"], "value": [1, 2]})
    spec = (
        alt.Chart(data)
        .mark_bar()
        .encode(y=alt.Y("name:N", axis=charts.wrapped_axis(16, 110)), x="value:Q")
        .properties(description="d")
        .to_dict()
    )
    lines = drawn_lines(charts.finished(spec))
    assert not any(line.endswith("…") for line in lines)
    label = [line for line in lines if line in LONG.split(" ") or line in LONG]
    assert " ".join(label[: len(charts.label_lines(LONG, 16))]) == LONG
    assert len(charts.label_lines(LONG, 16)) > 2  # more lines than the old two-line cap allowed


def test_finished_specs_cut_no_label_whatever_limit_a_chart_sets():
    data = pd.DataFrame({"name": [LONG], "value": [1], "kind": [LONG]})
    spec = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("name:N", axis=alt.Axis(labelLimit=60)),
            x=alt.X("value:Q"),
            color=alt.Color("kind:N", legend=alt.Legend(labelLimit=40)),
        )
        .properties(description="d")
    )
    charts.enable()
    raw = spec.to_dict()
    assert any(line.endswith("…") for line in drawn_lines(raw))  # as the chart asked, Vega cuts them
    for layout in (charts.finished(raw), charts.phone_layout(charts.finished(raw))):
        lines = drawn_lines(layout)
        assert not any(line.endswith("…") for line in lines)
        assert LONG in lines  # the legend's label whole
        assert "Peterborough" in " ".join(lines)


def test_the_compiled_specs_name_the_vega_the_bundle_runs():
    import vl_convert

    charts.enable()
    spec = charts.finished(chart("A bar chart").to_dict())
    assert spec["$schema"] == charts.SCHEMA
    compiled = vl_convert.vegalite_to_vega(spec, vl_version=charts.VEGA_LITE)
    runtime_major = vl_convert.get_vega_version().split(".")[0]
    assert compiled["$schema"].endswith(f"/vega/v{runtime_major}.json")
    assert charts.VEGA_LITE.split(".")[0] == charts.SCHEMA.rsplit("/v", 1)[1].split(".")[0]


def test_the_page_embeds_the_finished_specs():
    charts.enable()
    output = charts.render_html(chart("A bar chart").to_dict())
    assert charts.SCHEMA in output and "v5.20" not in output
    assert '"labelLimit":0' in output and "var phoneLayout = {" in output
