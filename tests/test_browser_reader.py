"""The reader's pages in Debian's Chromium: explore filters and searches offline, compare
keeps its choice in the address, both show everything without JavaScript. Every page carries
OpenGraph and description metadata. (The reader pages' audit at a phone's width is in
test_browser_pages.py, with every page's.)"""

from __future__ import annotations

import csv
import re
from urllib.parse import parse_qs, urljoin, urlparse

import pytest

from tests.helpers import DATA_DIR
from tests.test_browser import Visit, browser, pages, site  # noqa: F401 (fixtures)

# ruff: noqa: F811 (the fixtures above are parameters of the tests below)

pytestmark = pytest.mark.book


def rows(table: str) -> list[dict]:
    with (DATA_DIR / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def explore_ready(page) -> None:
    page.wait_for_selector("table#ics-explore.dataTable", timeout=20000)


def visible_explore_rows(page) -> list[list[str]]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('table#ics-explore tbody tr')).map(
            tr => Array.from(tr.cells).map(td => td.innerText))"""
    )


FILTERED_TO = """(name) => Array.from(document.querySelectorAll('table#ics-explore tbody tr')).every(
    tr => tr.cells.length > 1 && tr.cells[1].innerText === name)"""


def test_explore_filters_by_system_and_searches_text_offline(site, browser):
    base, _ = site
    visit = Visit(browser, base, 1280)
    visit.page.goto(urljoin(base, "book/explore.html"), wait_until="load")
    explore_ready(visit.page)
    info = visit.page.locator(".dt-info").first.inner_text()
    total = len(rows("improvement_examples")) + len(rows("lessons"))
    assert f"{total:,}" in info or str(total) in info
    # Filter by system with the System pane: every row left is that system's.
    pane = visit.page.locator(".dtsp-searchPane", has=visit.page.locator("input[placeholder='System']"))
    pane.locator("span.dtsp-name", has_text=re.compile(r"^Dorset$")).first.click()
    visit.page.wait_for_function(FILTERED_TO, arg="Dorset")
    shown = visible_explore_rows(visit.page)
    assert shown and all(cells[1] == "Dorset" for cells in shown)
    visit.page.locator(".dtsp-clearAll").first.click()
    # Search the text: a word from one example's title finds it.
    example = rows("improvement_examples")[0]
    word = max(example["title"].split(), key=len)
    visit.page.get_by_label("Search:").fill(word)
    shows = "(title) => document.querySelector('table#ics-explore tbody').innerText.includes(title)"
    visit.page.wait_for_function(shows, arg=example["title"])
    shown = visible_explore_rows(visit.page)
    assert shown and any(example["title"] in " ".join(cells) for cells in shown)
    assert len(shown) < min(total, 25)
    assert visit.foreign == [] and visit.errors == []
    visit.close()


def test_explore_keeps_its_view_in_the_address_and_restores_it(site, browser):
    base, _ = site
    visit = Visit(browser, base, 1280)
    visit.page.goto(urljoin(base, "book/explore.html"), wait_until="load")
    explore_ready(visit.page)
    pane = visit.page.locator(".dtsp-searchPane", has=visit.page.locator("input[placeholder='System']"))
    pane.locator("span.dtsp-name", has_text=re.compile(r"^Dorset$")).first.click()
    visit.page.wait_for_function("() => new URLSearchParams(location.search).get('System') === 'Dorset'")
    visit.page.get_by_label("Search:").fill("health")
    visit.page.wait_for_function("() => new URLSearchParams(location.search).get('search') === 'health'")
    shared = visit.page.url
    visit.close()
    # The address alone restores the view in a fresh browser: the pane's option chosen, the search filled in.
    again = Visit(browser, base, 1280)
    again.page.goto(shared, wait_until="load")
    explore_ready(again.page)
    again.page.wait_for_function(FILTERED_TO, arg="Dorset")
    assert again.page.get_by_label("Search:").input_value() == "health"
    assert again.page.locator(".dtsp-searchPane tr.selected", has_text="Dorset").count() == 1
    assert visible_explore_rows(again.page)
    assert again.foreign == [] and again.errors == []
    again.close()
    # A value that is no option selects nothing and is never markup.
    hostile = Visit(browser, base, 1280)
    hostile.page.goto(urljoin(base, "book/explore.html?System=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&search=%3Cb%3E"))
    explore_ready(hostile.page)
    assert hostile.page.locator(".dtsp-searchPane tr.selected").count() == 0
    assert hostile.page.get_by_label("Search:").input_value() == "<b>"
    assert hostile.dialogs == [] and hostile.foreign == [] and hostile.errors == []
    hostile.close()


def test_explore_panes_start_folded_on_a_phone_and_open_on_desktop(site, browser):
    base, _ = site
    for width, folded in ((390, True), (1280, False)):
        visit = Visit(browser, base, width)
        visit.page.goto(urljoin(base, "book/explore.html"), wait_until="load")
        visit.page.wait_for_selector("div.dtsp-searchPane", state="attached", timeout=20000)
        bodies = visit.page.locator("div.dtsp-searchPane .dt-scroll, div.dtsp-searchPane .dataTables_scroll")
        assert bodies.count() >= 6
        assert all(body.is_hidden() == folded for body in bodies.all()), width
        visit.close()


PANE_ENTRIES_CUT = """() => Array.from(document.querySelectorAll('div.dtsp-searchPane td')).filter(td => {
    const name = td.querySelector('.dtsp-name'), pill = td.querySelector('.dtsp-pill');
    const pane = td.closest('.dt-scroll-body, .dataTables_scrollBody').getBoundingClientRect();
    return name && (name.scrollWidth > name.clientWidth + 1
        || (pill && pill.getBoundingClientRect().right > pane.right + 1)); }).map(td => td.innerText)"""


@pytest.mark.parametrize("width", (1280, 390))
def test_explore_filter_panes_show_whole_names_and_counts(site, browser, width):
    base, _ = site
    visit = Visit(browser, base, width)
    visit.page.goto(urljoin(base, "book/explore.html"), wait_until="load")
    visit.page.wait_for_selector("div.dtsp-searchPane td .dtsp-name", state="attached", timeout=20000)
    if width < 700:  # the panes start folded on a phone: opened, every name is whole
        visit.page.locator("button.dtsp-showAll").first.click()
    visit.page.wait_for_selector("div.dtsp-searchPane td .dtsp-name", timeout=20000)
    assert visit.page.locator("div.dtsp-searchPane td").count() > len(rows("systems"))
    assert visit.page.evaluate(PANE_ENTRIES_CUT) == []
    visit.close()


def test_explore_without_javascript_lists_every_item_by_system_folded(site, browser):
    base, _ = site
    visit = Visit(browser, base, 390, javascript=False)
    visit.page.goto(urljoin(base, "book/explore.html"), wait_until="load")
    listing = visit.page.locator("#ics-explore-plain")
    assert listing.is_visible() and visit.page.locator("#ics-explore").is_hidden()
    assert listing.locator("tbody tr").count() == len(rows("improvement_examples")) + len(rows("lessons"))
    groups = listing.locator("details.ics-explore-group")
    names = [" ".join(t.split()) for t in listing.locator("details.ics-explore-group > summary").all_inner_texts()]
    systems = [r["name"] for r in rows("systems")]
    # Each system in the data's order, with its count of items, then the items across the systems.
    assert [n.rsplit(" (", 1)[0] for n in names] == [*systems, "Across the systems"]
    assert all(re.fullmatch(r".+ \((1 item|[0-9,]+ items)\)", n) for n in names), names
    # Folded, the page opens on the list of systems, not on one long table.
    assert listing.bounding_box()["height"] < 2 * visit.page.viewport_size["height"]
    first = groups.first
    assert not first.locator("a[href*='systems/']").first.is_visible()  # folded
    first.locator("summary").first.click()
    assert first.locator("a[href*='systems/']").first.is_visible()
    visit.close()


def test_compare_shows_the_chosen_two_and_keeps_the_choice_in_the_address(site, browser):
    base, _ = site
    systems = [r["system_id"] for r in rows("systems")]
    first, second, third = systems[0], systems[1], systems[2]
    visit = Visit(browser, base, 390)
    visit.page.goto(urljoin(base, f"book/compare.html?a={first}&b={second}"), wait_until="load")
    shown = visit.page.locator("th[data-system]:visible")
    assert shown.evaluate_all("els => els.map(e => e.dataset.system)") == [first, second]
    visit.page.select_option("#ics-compare-b", third)
    query = parse_qs(urlparse(visit.page.url).query)
    assert query == {"a": [first], "b": [third]}
    visit.page.goto(visit.page.url, wait_until="load")  # the link opens the same comparison
    assert shown.evaluate_all("els => els.map(e => e.dataset.system)") == [first, third]
    assert visit.page.locator("#ics-compare-b").input_value() == third
    # The columns follow the order chosen, not the book's: the later system first when asked.
    visit.page.goto(urljoin(base, f"book/compare.html?a={third}&b={first}"), wait_until="load")
    assert shown.evaluate_all("els => els.map(e => e.dataset.system)") == [third, first]
    body_rows = visit.page.locator(".ics-compare tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.querySelectorAll('td[data-system]'))"
        ".filter(td => !td.hidden).map(td => td.dataset.system))"
    )
    assert body_rows and all(row == [third, first] for row in body_rows)
    # The two fit a phone's screen side by side: the table does not scroll sideways in its box.
    fits = (
        "() => { const t = document.querySelector('.ics-compare-table');"
        " return t.scrollWidth - t.parentElement.clientWidth; }"
    )
    assert visit.page.evaluate(fits) <= 1
    assert visit.foreign == [] and visit.errors == []
    visit.close()


def test_compare_without_javascript_shows_every_system(site, browser):
    base, _ = site
    visit = Visit(browser, base, 1280, javascript=False)
    visit.page.goto(urljoin(base, "book/compare.html?a=dorset&b=west-yorkshire"), wait_until="load")
    assert visit.page.locator("th[data-system]:visible").count() == len(rows("systems"))
    assert visit.page.locator(".ics-compare-form").is_hidden()
    visit.close()


def test_every_cross_system_lesson_is_on_the_recommendations_page(site):
    _, root = site
    page = (root / "book" / "recommendations.html").read_text(encoding="utf-8")
    shown = set(re.findall(r'id="lesson-([a-z0-9-]+)"', page))
    assert shown == {r["lesson_id"] for r in rows("lessons") if not r["system_id"]}


def test_every_page_has_opengraph_and_description_metadata(site):
    _, root = site
    missing = []
    for name in pages(root):
        if not name.startswith("book/"):
            continue  # the redirect at the root, and Sphinx's search and index pages, have no content
        text = (root / name).read_text(encoding="utf-8")
        for tag in ('property="og:title"', 'property="og:description"', 'name="description"'):
            if tag not in text:
                missing.append(f"{name}: {tag}")
        # Written from the page's lede: whole words, no ids, the meta and OpenGraph text alike.
        described = re.findall(r'<meta (?:name|property)="(?:og:)?description" content="([^"]*)"', text)
        if len(set(described)) != 1 or "system_id" in described[0] or not re.search(r"[.?!…”)]$", described[0]):
            missing.append(f"{name}: description {described}")
        if "&lt;meta" in text:
            missing.append(f"{name}: the page's meta tags shown as text")
        # CITATION.cff names no published address, so there is no og:url rather than a relative one.
        if 'property="og:url"' in text:
            missing.append(f"{name}: og:url without a published address")
    assert missing == []


def test_every_footer_gives_one_date_and_says_whose_words_are_whose(site):
    _, root = site
    wrong = []
    for name in pages(root):
        footer = re.sub(
            r"<[^>]+>", " ", (root / name).read_text(encoding="utf-8").split('<footer class="bd-footer-content"', 1)[-1]
        )
        dates = re.findall(r"\b\d{1,2} [A-Z][a-z]+ \d{4}\b|\b[A-Z][a-z]{2} \d{1,2}, \d{4}\b", footer)
        if len(dates) != 1 or "NHS Confederation" not in footer or "Last updated" in footer:
            wrong.append(f"{name}: dates {dates}")
    assert wrong == []
