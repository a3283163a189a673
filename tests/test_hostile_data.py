"""Data text is inert on every page (issue 10): a matrix of payloads (Jinja, roles, directives,
raw HTML, javascript: links, maths, bidi overrides, very long strings) placed in every kind of
field that reaches a page (descriptor titles and descriptions, system names and titles, free
text in tables, changed values on What-changed, the release summary on Versions) is shown as
the characters typed, and none of them runs, copies a file or adds markup.

One book is built (the shipped data with the payloads added) and shared by this module's tests.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from ics_evidence.data.csvfiles import read_rows, write_rows
from tests.helpers import copy_project, run

pytestmark = pytest.mark.book

JINJA = "Jinja {{ 123456789*9 }} end"  # would render as 1111111101
ROLE = "Role {download}`../../_config.yml` end"  # would copy _config.yml into _downloads/
RAW = "Raw <script>window.pwned=1</script> end"
LINK = "Link [click](javascript:alert(1)) end"
IMAGE = "Image <img src=x onerror=alert(1)> end"
MATH = "Math {math}`x^2` and $$y^2$$ end"
SUBST = "Subst {{ edition_version }} end"  # the project's own substitution must not reach data
PAYLOADS = (JINJA, ROLE, RAW, LINK, IMAGE, MATH, SUBST)
# Only the descriptor can carry these: CSV cells refuse control characters and new lines.
DIRECTIVE = 'Directive\n\n```{raw} html\n<b id="pwned">x</b>\n```\n\nend'
BIDI = "Bidi \u202eevil\u202c end"
LONG = "Long " + "x" * 5000 + " end"
# A DOI the release schema accepts that Markdown would still read as emphasis (issue 20).
DOI = "10.5281/zenodo.1/_x_;(y):z"


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def _edit(path: Path, edits: dict[tuple[str, str], dict[str, str]], key: str) -> None:
    header, rows = read_rows(path)
    for row in rows:
        for (value, _), changes in edits.items():
            if row[key] == value:
                row.update(changes)
    write_rows(path, header, rows)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    # A previous release in git, so What-changed compares with it.
    version = yaml.safe_load((root / "releases.yml").read_text(encoding="utf-8"))["releases"][0]["version"]
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "before")
    _git(root, "tag", f"v{version}")

    descriptor_path = root / "data" / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "lessons":
            resource["title"] = JINJA + " " + RAW
            resource["description"] = DIRECTIVE + " " + ROLE
            resource["schema"]["fields"][0]["description"] = " ".join([BIDI, LINK, IMAGE, MATH, SUBST, LONG])
    descriptor_path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    data = root / "data"
    _edit(data / "systems.csv", {("dorset", ""): {"name": "Dorset " + JINJA, "case_study_title": ROLE}},
          "system_id")  # fmt: skip
    header, rows = read_rows(data / "lessons.csv")
    for row, payload in zip(rows, PAYLOADS, strict=False):
        row["summary"] = payload
    write_rows(data / "lessons.csv", header, rows)
    header, rows = read_rows(data / "improvement_examples.csv")
    for row, payload in zip(rows, PAYLOADS, strict=False):
        row["title"], row["summary"] = payload, payload
    write_rows(data / "improvement_examples.csv", header, rows)
    # A figure of Dorset's changes too, so What-changed names the system (and its payload).
    header, rows = read_rows(data / "theme_coding.csv")
    coded = next(row for row in rows if row["system_id"] == "dorset" and row["strength"] == "2")
    coded["strength"] = "1"
    write_rows(data / "theme_coding.csv", header, rows)
    releases_path = root / "releases.yml"
    releases = yaml.safe_load(releases_path.read_text(encoding="utf-8"))
    releases["releases"][0]["summary"] = JINJA + " " + LINK
    releases["releases"][0]["doi"] = DOI
    releases_path.write_text(yaml.safe_dump(releases, sort_keys=False, allow_unicode=True), encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "hostile")
    run(root, "build", "--jobs", "2")
    return root / "_build" / "html"


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
        ("book/changes.html", ["Dorset " + JINJA]),
        ("book/versions.html", [JINJA, LINK]),
        ("book/systems/dorset.html", ["Dorset " + JINJA, ROLE]),
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
