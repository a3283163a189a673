"""Every chart of the built book as a reader sees it, at a phone's width (390 px) and a desktop's
(1280 px): no label cut short with "…", no text drawn smaller than 11 px once the chart is
scaled to its column, and Vega running the version the specs were compiled for (Vega-Embed
warns otherwise)."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

from ics_evidence.analysis import charts
from tests.test_browser import browser, pages, site  # noqa: F401 (the shared built-site fixtures)

pytestmark = pytest.mark.book

WIDTHS = (390, 1280)
# Every chart's final drawing: a chart redrawn in its narrow layout is measured once redrawn.
DRAWN = "() => Array.from(document.querySelectorAll('.ics-chart')).every(el => el.hasAttribute('data-drawn'))"
# Each chart's cut lines (text or tspan ending in an ellipsis) and its smallest text in CSS
# pixels: the font size times the scale the page draws the SVG at.
MEASURE = """() => Array.from(document.querySelectorAll('.ics-chart')).map(el => {
  const out = {id: el.id, cut: [], smallest: null, text: null, layout: el.getAttribute('data-layout')};
  for (const t of el.querySelectorAll('svg text')) {
    if (!t.textContent.trim()) continue;
    const spans = Array.from(t.querySelectorAll('tspan'));
    for (const line of (spans.length ? spans.map(s => s.textContent) : [t.textContent])) {
      if (line.trim().endsWith('\\u2026')) out.cut.push(line);
    }
    const m = t.getScreenCTM();
    const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
    if (out.smallest === null || px < out.smallest) { out.smallest = px; out.text = t.textContent; }
  }
  return out;
})"""


@pytest.fixture(scope="module")
def drawn(site, browser):  # noqa: F811
    """Per width: every chart's measurements (with its page) and the console's warnings."""
    base, root = site
    measured = {}
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        found, warnings = [], []
        for name in pages(root):
            page = context.new_page()
            page.on("console", lambda message, into=warnings: into.append(message.text))
            page.goto(urljoin(base, name), wait_until="load")
            if page.locator(".ics-chart").count():
                page.wait_for_function(DRAWN, timeout=30000)
                found += [{"page": name, **chart} for chart in page.evaluate(MEASURE)]
            page.close()
        context.close()
        measured[width] = {"charts": found, "warnings": warnings}
        smallest = min(chart["smallest"] for chart in found)
        cut = sum(1 for chart in found if chart["cut"])
        print(f"\n{width} px: {len(found)} charts, {cut} with a cut label, smallest text {smallest:.2f} px")
    return measured


@pytest.mark.parametrize("width", WIDTHS)
def test_no_chart_label_is_cut_short(drawn, width):
    found = drawn[width]["charts"]
    assert len(found) >= 16  # every system page has a chart, and so do the analyses
    assert [(chart["page"], chart["cut"]) for chart in found if chart["cut"]] == []


@pytest.mark.parametrize("width", WIDTHS)
def test_no_chart_text_is_smaller_than_the_minimum(drawn, width):
    small = [
        (chart["page"], chart["text"], round(chart["smallest"], 2))
        for chart in drawn[width]["charts"]
        if chart["smallest"] < charts.MIN_TEXT_PX - 0.01  # a hundredth for the scale's rounding
    ]
    assert small == []


@pytest.mark.parametrize("width", WIDTHS)
def test_vega_runs_the_version_the_specs_are_compiled_for(drawn, width):
    assert [text for text in drawn[width]["warnings"] if "but current version is" in text] == []
