"""The built book as a reader meets it: Debian's Chromium, headless, every request to another
host blocked and recorded, every chart drawn, no console error, links resolving, search
working (every page's own audit, one visit per width, is in test_browser_pages.py)."""

from __future__ import annotations

import functools
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from tests.helpers import ROOT
from tests.hostile import NAME_PAYLOAD, SUMMARY_PAYLOAD, SYSTEM

pytestmark = pytest.mark.book

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHARTS_DRAWN = """() => Array.from(document.querySelectorAll('.ics-chart')).every(
    el => el.querySelector('svg') && el.querySelectorAll('svg .role-mark > *').length > 0)"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(directory: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture(scope="module")
def site(built_site):
    server = serve(built_site)
    yield f"http://127.0.0.1:{server.server_address[1]}/", built_site
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run `make test`, which installs it")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


REDIRECT = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)"', re.IGNORECASE)


def redirect_target(path: Path) -> str | None:
    """Where a redirect stub (the root index.html) sends the reader; None for a page with content."""
    match = REDIRECT.match(path.read_text(encoding="utf-8").lstrip())
    return match.group(1) if match else None


def pages(root: Path) -> list[str]:
    """Every page with content. A redirect stub navigates away as soon as it loads, so a page
    audit would race its refresh; test_the_root_leads_to_the_book checks it instead."""
    return sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if not path.relative_to(root).parts[0].startswith("_") and redirect_target(path) is None
    )


class Visit:
    """One page in a fresh context with foreign requests blocked and console errors recorded."""

    def __init__(self, browser, base: str, width: int = 1280, javascript: bool = True, context=None):
        # A shared ``context`` (one per width, as a reader's browser keeps its cache from page to
        # page) is the caller's to close; otherwise the visit has a context of its own.
        self.owned = context is None
        self.context = context or browser.new_context(
            viewport={"width": width, "height": 900}, java_script_enabled=javascript
        )
        self.page = self.context.new_page()
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        local = urlparse(base).netloc
        self.page.route("**/*", self._route(local))
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", self._dialog)

    def _route(self, local: str):
        def handle(route):
            url = route.request.url
            if urlparse(url).netloc == local or url.startswith(("data:", "blob:", "about:")):
                route.continue_()
            else:
                self.foreign.append(url)
                route.abort()

        return handle

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        if self.owned:
            self.context.close()
        else:
            self.page.close()


def test_the_root_leads_to_the_book(site, browser):
    base, root = site
    assert redirect_target(root / "index.html") == "book/index.html"
    visit = Visit(browser, base)
    visit.page.goto(base)
    visit.page.wait_for_url(urljoin(base, "book/index.html"), timeout=15000)
    visit.page.wait_for_load_state("load")
    assert visit.page.locator("h1").first.inner_text().strip()
    visit.close()


def test_internal_links_resolve(site):
    _, root = site
    broken = []
    for name in pages(root):
        page = root / name
        for target in re.findall(r'href="([^"#?]+)', page.read_text(encoding="utf-8")):
            if re.match(r"^[a-z]+:", target) or target.startswith("//"):
                continue
            resolved = (page.parent / target).resolve()
            if not resolved.is_relative_to(root.resolve()):
                continue  # a sibling edition (../v1.0.0/) on the published site, outside this build
            if not resolved.exists():
                broken.append(f"{name} -> {target}")
    assert broken == []


def test_navigation_and_search_work(site, browser):
    base, _ = site
    visit = Visit(browser, base)
    visit.page.goto(urljoin(base, "book/index.html"))
    visit.page.locator("nav.bd-docs-nav a", has_text="Dorset").first.click()
    visit.page.wait_for_load_state("load")
    assert visit.page.locator("h1").first.inner_text().startswith("Dorset")
    visit.page.goto(urljoin(base, "search.html?q=Gloucestershire"))
    visit.page.wait_for_selector("#search-results li", timeout=15000)
    assert visit.page.locator("#search-results li").count() > 0
    visit.close()


def test_search_from_a_file_lists_titles_says_how_to_see_passages_and_logs_no_error(site, browser):
    # Opened from a file, a page may not read other files: Sphinx's search summaries would fail,
    # one console error per result.
    _, root = site
    visit = Visit(browser, root.as_uri())
    visit.page.goto((root / "search.html").as_uri() + "?q=Gloucestershire")
    visit.page.wait_for_function("() => document.querySelectorAll('#search-results li').length > 0", timeout=15000)
    note = visit.page.locator(".ics-search-note")
    assert note.is_visible() and "http.server" in note.inner_text()
    assert visit.page.evaluate("DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY") is False
    assert visit.errors == [] and visit.foreign == []
    visit.close()


@pytest.fixture(scope="module")
def poisoned_site(hostile_project):
    """The run's hostile-data build (``tests/hostile.py``): markup in a system's name and in one
    of its examples' summaries, among the other payloads."""
    server = serve(hostile_project / "_build" / "html")
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_markup_in_data_renders_as_inert_text(poisoned_site, browser):
    for name in (f"book/systems/{SYSTEM}.html", "book/analyses/scale_and_structure.html"):
        visit = Visit(browser, poisoned_site)
        visit.page.goto(urljoin(poisoned_site, name), wait_until="load")
        visit.page.wait_for_function(CHARTS_DRAWN, timeout=15000)
        for mark in visit.page.locator(".ics-chart svg .role-mark > *").all()[:40]:
            mark.hover(force=True)  # show every tooltip, where a payload would fire if not escaped
        assert visit.page.evaluate("window.__xss") is None, name
        assert visit.page.locator("img[onerror]").count() == 0, name
        assert visit.dialogs == [] and visit.errors == [], name
        # Every fold opened (the profile's long tables are folded), so all the text is read.
        visit.page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        assert visit.page.evaluate("window.__xss") is None and visit.dialogs == [], name
        text = visit.page.locator("main").inner_text()
        assert NAME_PAYLOAD in text, name
        if name.endswith(f"{SYSTEM}.html"):
            assert visit.page.locator("h1").first.inner_text().startswith(NAME_PAYLOAD)
            assert SUMMARY_PAYLOAD in text
        visit.close()
