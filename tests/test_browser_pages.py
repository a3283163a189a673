"""Every page of the built book in Debian's Chromium, at a desktop's width (1280 px) and a
phone's (390 px): it loads from this host alone, draws every chart and logs no error; no page
scrolls sideways; every chart fits its column, has its downloads, cuts no label short with "…",
draws no text below the minimum and runs the Vega its specs were compiled for; every page passes
an axe-core audit at WCAG 2.2 AA at the desktop width, and the reader's own pages (front page,
recommendations, explore, compare) at the phone's too.

Each page is opened once per width and everything is read in that one visit (the fixture
``tour``): opening every page once per check cost about five times as long, and the
audit is the dearest part, so axe reports violations only (``resultTypes``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

import pytest

from ics_evidence.analysis import charts
from tests.test_browser import AXE, CHARTS_DRAWN, WCAG_22_AA, Visit, browser, pages, site  # noqa: F401 (fixtures)

# ruff: noqa: F811 (the fixtures above are parameters of the tests below)

pytestmark = pytest.mark.book

WIDTHS = (1280, 390)
PHONE = 390
READER_PAGES = ("book/index.html", "book/recommendations.html", "book/explore.html", "book/compare.html")
AXE_RUN = """async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations']})"""

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
# Whether each chart lies inside its column: marks drawn, every text inside the SVG, the SVG
# inside its box, the box not scrolling.
CHART_FITS = """() => Array.from(document.querySelectorAll('.ics-chart')).map(el => {
    const box = el.getBoundingClientRect(), svg = el.querySelector('svg').getBoundingClientRect();
    const marks = el.querySelectorAll('svg .role-mark > *').length > 0;
    const inside = Array.from(el.querySelectorAll('svg text')).every(t => {
        const r = t.getBoundingClientRect();
        return r.width === 0 || (r.left >= svg.left - 1 && r.right <= svg.right + 1); });
    return marks && inside && svg.right <= box.right + 1 && svg.left >= box.left - 1
        && el.scrollWidth <= el.clientWidth + 1; })"""
# How much each chart is shrunk to fit its column: drawn width / natural width (the SVG's viewBox).
CHART_SCALES = """() => Array.from(document.querySelectorAll('.ics-chart')).map(el => {
    const svg = el.querySelector('svg');
    return [el.getAttribute('aria-label'), svg.getBoundingClientRect().width / svg.viewBox.baseVal.width]; })"""
# On a phone no chart's text may be shrunk below this share of its size (a chart too wide for the
# column is drawn in its narrow layout instead).
PHONE_MIN_SCALE = 0.85
SIDEWAYS = "() => document.documentElement.scrollWidth - window.innerWidth"


@dataclass
class Seen:
    """What one visit to one page at one width found."""

    foreign: list[str]  # requests to another host (blocked)
    errors: list[str]  # console errors and uncaught exceptions before the audit
    messages: list[str]  # every console message
    charts: list[dict]  # MEASURE of each chart
    fits: list[bool]
    scales: list[list]
    sideways: int
    download_blocks: int
    downloads: list[str]
    violations: list[str] | None = field(default=None)  # None: not audited at this width


def audited(name: str, width: int) -> bool:
    return width != PHONE or name in READER_PAGES


def look(browser, base: str, name: str, width: int, context=None) -> Seen:
    visit = Visit(browser, base, width, context=context)
    messages: list[str] = []
    visit.page.on("console", lambda message: messages.append(message.text))
    visit.page.goto(urljoin(base, name), wait_until="load")
    if visit.page.locator(".ics-chart").count():
        visit.page.wait_for_function(CHARTS_DRAWN, timeout=30000)
        visit.page.wait_for_function(DRAWN, timeout=30000)
    if name.endswith("explore.html"):
        visit.page.wait_for_selector("table#ics-explore.dataTable", timeout=20000)
    tools = visit.page.locator(".ics-figure-tools")
    seen = Seen(
        foreign=list(visit.foreign),
        errors=list(visit.errors),  # axe itself requests a stylesheet the page never loads
        messages=messages,
        charts=visit.page.evaluate(MEASURE),
        fits=visit.page.evaluate(CHART_FITS),
        scales=visit.page.evaluate(CHART_SCALES),
        sideways=visit.page.evaluate(SIDEWAYS),
        download_blocks=tools.count(),
        downloads=tools.locator("a[download]").evaluate_all("els => els.map(e => e.getAttribute('href'))"),
    )
    if audited(name, width):
        visit.page.add_script_tag(path=str(AXE))
        result = visit.page.evaluate(AXE_RUN, WCAG_22_AA)
        seen.violations = [
            f"{v['id']} ({v['impact']}): {len(v['nodes'])} node(s), e.g. {v['nodes'][0]['target']}"
            for v in result["violations"]
        ]
    visit.close()
    return seen


@pytest.fixture(scope="module")
def tour(site, browser) -> dict[int, dict[str, Seen]]:
    """Every page at every width, each opened once: width -> page -> what was seen."""
    base, root = site
    seen = {}
    for width in WIDTHS:
        # One browser context per width: each page is a new tab, the cache shared (the Vega bundle
        # and the theme's scripts are not fetched and compiled again for every page).
        context = browser.new_context(viewport={"width": width, "height": 900})
        try:
            seen[width] = {name: look(browser, base, name, width, context) for name in pages(root)}
        finally:
            context.close()
    for width, at_width in seen.items():
        found = [chart for page in at_width.values() for chart in page.charts]
        smallest = min((chart["smallest"] for chart in found), default=None)
        print(f"\n{width} px: {len(at_width)} pages, {len(found)} charts, smallest text {smallest} px")
    return seen


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_loads_locally_draws_its_charts_and_logs_no_error(tour, width):
    problems = [(name, page.foreign, page.errors) for name, page in tour[width].items() if page.foreign or page.errors]
    assert problems == []
    assert sum(len(page.charts) for page in tour[width].values()) >= 16  # every system page has one, and the analyses


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(tour, width):
    assert [(name, page.sideways) for name, page in tour[width].items() if page.sideways > 0] == []


def test_every_page_passes_an_axe_wcag_22_aa_audit(tour):
    assert len(tour[1280]) > 20 and all(page.violations is not None for page in tour[1280].values())
    assert {name: page.violations for name, page in tour[1280].items() if page.violations} == {}


def test_the_reader_pages_pass_the_audit_at_a_phones_width(tour):
    audited_pages = {name: page for name, page in tour[PHONE].items() if page.violations is not None}
    assert sorted(audited_pages) == sorted(READER_PAGES)
    assert {name: page.violations for name, page in audited_pages.items() if page.violations} == {}


@pytest.mark.parametrize("width", WIDTHS)
def test_every_chart_fits_its_column_and_has_its_downloads(tour, site, width):
    _, root = site
    charted = {name: page for name, page in tour[width].items() if page.charts}
    assert charted
    problems = []
    for name, page in charted.items():
        if not all(page.fits):
            problems.append(f"{name}: {page.fits.count(False)} chart(s) clipped at {width}px")
        if width < 560:
            problems += [
                f"{name}: chart drawn at {scale:.2f} of its size at {width}px: {label[:60]}"
                for label, scale in page.scales
                if scale < PHONE_MIN_SCALE
            ]
        if page.download_blocks != len(page.charts):
            problems.append(f"{name}: {len(page.charts)} charts but {page.download_blocks} download blocks")
        problems += [
            f"{name}: missing download {href}"
            for href in page.downloads
            if not (root / name).parent.joinpath(href).resolve().is_file()
        ]
    assert problems == []


def _charts(tour, width: int) -> list[dict]:
    return [{"page": name, **chart} for name, page in tour[width].items() for chart in page.charts]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_chart_label_is_cut_short(tour, width):
    found = _charts(tour, width)
    assert len(found) >= 16  # every system page has a chart, and so do the analyses
    assert [(chart["page"], chart["cut"]) for chart in found if chart["cut"]] == []


@pytest.mark.parametrize("width", WIDTHS)
def test_no_chart_text_is_smaller_than_the_minimum(tour, width):
    found = _charts(tour, width)
    assert found
    small = [
        (chart["page"], chart["text"], round(chart["smallest"], 2))
        for chart in found
        if chart["smallest"] < charts.MIN_TEXT_PX - 0.01  # a hundredth for the scale's rounding
    ]
    assert small == []


@pytest.mark.parametrize("width", WIDTHS)
def test_vega_runs_the_version_the_specs_are_compiled_for(tour, width):
    assert _charts(tour, width)  # the warning comes from drawing a chart: none drawn would prove nothing
    messages = [text for page in tour[width].values() for text in page.messages]
    assert [text for text in messages if "but current version is" in text] == []
