"""Data text is inert on every page (issue 10): a matrix of payloads (Jinja, roles, directives,
raw HTML, javascript: links, maths, bidi overrides, very long strings) placed in every kind of
field that reaches a page (descriptor titles and descriptions, system names and titles, free
text in tables, changed values on What-changed, the release summary on Versions) is shown as
the characters typed, and none of them runs, copies a file or adds markup.

One book is built (the shipped data with the payloads added, ``tests/hostile.py``) and shared by
this module's tests and the browser's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from tests.hostile import DOI, IMAGE, JINJA, LINK, LONG, MATH, PAYLOADS, RAW, ROLE, SUBST, SYSTEM, SYSTEM_NAME

pytestmark = pytest.mark.book


@pytest.fixture(scope="module")
def site(hostile_project) -> Path:
    return hostile_project / "_build" / "html"


def _pages(site: Path) -> dict[str, BeautifulSoup]:
    return {p.relative_to(site).as_posix(): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
            for p in site.rglob("*.html")}  # fmt: skip


@pytest.fixture(scope="module")
def pages(site) -> dict[str, BeautifulSoup]:
    return _pages(site)


def _text(page: BeautifulSoup) -> str:
    return " ".join(page.get_text(" ").split())


def test_no_payload_runs_or_copies_a_file(site, pages):
    for name, page in pages.items():
        html = str(page)
        assert "1111111101" not in html, f"Jinja ran on {name}"
        # A script may carry data (the explore table's rows), but only as escaped text: never the
        # payload's own markup (the browser tests show it inert in the page).
        scripts = "".join(s.get_text() for s in page.find_all("script"))
        assert "<script>window.pwned" not in scripts and "pwned=1</script" not in scripts, name
        assert page.find(id="pwned") is None, f"a raw directive from data ran on {name}"
        assert not page.find_all(attrs={"onerror": True}), f"an HTML attribute from data on {name}"
        assert not [a for a in page.find_all("a") if a.get("href", "").strip().lower().startswith("javascript:")], name
        assert not page.select(".math, mjx-container"), f"maths from data on {name}"
    assert not list(site.rglob("_config.yml")), "a role in the data copied a local file into the site"


@pytest.mark.parametrize(
    ("page", "shown"),
    [
        ("book/data.html", [JINJA, RAW, ROLE, LINK, IMAGE, MATH, SUBST, "Bidi U+202Eevil", LONG.strip()]),
        ("book/data.html", ['```{raw} html <b id="pwned">x</b> ``` end']),
        ("book/download.html", [JINJA, RAW]),
        # The page lists changed figures by name (long or re-worded texts are counted per column).
        ("book/changes.html", [SYSTEM_NAME]),
        ("book/versions.html", [JINJA, LINK]),
        (f"book/systems/{SYSTEM}.html", [SYSTEM_NAME, ROLE]),
        ("book/analyses/improvement_work.html", list(PAYLOADS)),
    ],
)
def test_payload_is_shown_as_typed(pages, page, shown):
    text = _text(pages[page])
    for payload in shown:
        assert " ".join(payload.split()) in text, f"{payload[:60]!r} not shown verbatim on {page}"


@pytest.mark.parametrize("page", ["book/index.html", "book/cite.html", "book/versions.html", "book/data.html"])
def test_release_doi_is_shown_as_typed_and_linked_exactly(pages, page):
    """The edition's DOI reaches the title page, the cite page, the Versions page and every
    footer as the characters typed (no emphasis), and its link is exactly doi.org's address."""
    soup = pages[page]
    assert DOI in _text(soup), f"the DOI is not shown verbatim on {page}"
    links = [a["href"] for a in soup.find_all("a", href=True) if "doi.org" in a["href"]]
    if page != "book/index.html":  # the title page names it in text
        assert "https://doi.org/10.5281/zenodo.1/_x_%3B%28y%29%3Az" in links, links
    footer = soup.select_one(".ics-edition")
    assert footer is not None and DOI in footer.get_text(), f"the footer of {page} lacks the DOI"


def test_release_versions_page_links_each_archived_edition(pages):
    versions = yaml.safe_load((Path(__file__).parent.parent / "releases.yml").read_text(encoding="utf-8"))
    hrefs = {a["href"] for a in pages["book/versions.html"].find_all("a", href=True)}
    for entry in versions["releases"]:
        assert f"../../v{entry['version']}/index.html" in hrefs
