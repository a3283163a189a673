"""An incremental build shows what a clean build shows, and no build writes a tracked file
(issue 17).

The property: after any set of data edits, ``python -m ics_evidence build`` on top of an earlier
build gives every page the same visible text as a build from nothing. Sphinx alone fails it: a
page that glues a value from another notebook, or shows the book's figure numbers, titles and
navigation, is written again only when its own source changes
(``ics_evidence.assemble.sphinx_dependencies`` declares what it depends on).

Four builds, the first two shared with the rest of the run (``conftest.ninth_system_project``,
whose second build is also the ninth system's own test):

1. the shipped data, from nothing (the run's shared build, copied and committed);
2. a ninth system added from the fixture document: a page and its figures appear, so figure
   numbers, the navigation and every count of systems change;
3. ordinary edits at once: a row removed from ``results.csv``, a value changed with its quote,
   a theme recoded;
4. from nothing again (every ignored file removed, as ``git clean -X`` does), for comparison.

Steps 2 and 3 are built incrementally, in that order: step 2 rewrites every page (the
navigation changed), which would hide any stale glued value of an earlier step, so the narrow
edits come last and the comparison after them sees whether the pages they touch followed.
After step 2 the pages are checked against each other (each figure reference against the
figure's own number, each page's navigation against every other's), so a stale number there
is caught even though step 3 may rewrite the page. Every build must leave ``git status`` of
the copy clean and every tracked file untouched.

Visible text: each HTML page's text outside ``<script>``, ``<style>`` and ``<template>``,
plus ``alt`` text, whitespace collapsed. Nothing else needs normalising: the builds are
deterministic once the same commit is compared with (the What-changed page names it), and
random ids (charts' element ids) live in attributes and scripts, not in text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ics_evidence.data.csvfiles import edit_cell, read_rows, write_rows
from tests.helpers import (
    NINTH_SYSTEM,
    assert_writes_only_ignored_files,
    commit_and_build,
    copy_built,
    ensure_ninth_system,
    git,
    git_copy,
    remove_ninth_system,
)

HIDDEN = {"script", "style", "template"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden += 1
        elif tag == "img" and not self.hidden:
            self.parts.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag):
        if tag in HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def site_text(site: Path) -> dict[str, str]:
    """Every page of a built site: its path in the site -> its visible text."""
    return {
        page.relative_to(site).as_posix(): visible_text(page.read_text(encoding="utf-8"))
        for page in sorted(site.rglob("*.html"))
    }


def remove_a_result(data: Path) -> str:
    """Remove a result no other table refers to, from the system with the most results."""
    header, rows = read_rows(data / "results.csv")
    others = " ".join(path.read_text(encoding="utf-8") for path in data.glob("*.csv") if path.name != "results.csv")
    counts = {row["system_id"]: sum(r["system_id"] == row["system_id"] for r in rows) for row in rows}
    row = next(r for r in sorted(rows, key=lambda r: -counts[r["system_id"]]) if r["result_id"] not in others)
    write_rows(data / "results.csv", header, [r for r in rows if r is not row])
    return row["result_id"]


# The value changed with its quote: Gloucestershire's population, the smallest in the shipped data,
# becomes the figure its source gives for 2025 (same document and section), so the "smallest
# system" sentence of the lessons page, glued from the scale notebook, changes with it.
POPULATION = {"system_id": "gloucestershire", "measure_id": "population", "source_id": "report-2023"}
NEW_POPULATION = {
    "value": "670000",
    "qualifier": "exact",
    "period": "by 2025",
    "note": "Edited in the incremental-build test: the figure projected for 2025.",
    "quote": "projected to rise to 670,000 by 2025",
}


def change_a_value_with_its_quote(data: Path) -> None:
    for column, value in NEW_POPULATION.items():
        edit_cell(data / "system_figures.csv", POPULATION, column, value)


def recode_a_theme(data: Path) -> tuple[str, str]:
    """The most widely coded theme loses one system (coded as not evident), so the front page's
    and the lessons page's "most widely shared" sentences change."""
    _, rows = read_rows(data / "theme_coding.csv")
    coded = [r for r in rows if r["strength"] != "0"]
    counts = {r["theme_id"]: sum(c["theme_id"] == r["theme_id"] for c in coded) for r in coded}
    row = max(coded, key=lambda r: (counts[r["theme_id"]], r["theme_id"]))
    key = {"system_id": row["system_id"], "theme_id": row["theme_id"]}
    edit_cell(data / "theme_coding.csv", key, "strength", "0")
    edit_cell(data / "theme_coding.csv", key, "evidence_basis", "")  # a code of 0 has no evidence basis
    return row["system_id"], row["theme_id"]


NUMREF = re.compile(
    r'<a class="reference internal" href="([^"#]*)#([^"]+)"><span class="std std-numref">([^<]+)</span>'
)
CAPTION_NUMBER = re.compile(r'<span class="caption-number">([^<]*)</span>')


def stale_figure_references(site: Path) -> list[str]:
    """Each figure reference whose number is not the number the figure itself shows (the first
    caption number after the figure's id)."""
    stale = []
    for page in sorted(site.rglob("*.html")):
        for target, anchor, shown in NUMREF.findall(page.read_text(encoding="utf-8")):
            html = (page.parent / target if target else page).read_text(encoding="utf-8")
            at = html.find(f'id="{anchor}"')
            number = CAPTION_NUMBER.search(html, at) if at >= 0 else None
            if number is None or number.group(1).strip() != shown.strip():
                found = number.group(1).strip() if number else "no figure"
                stale.append(f"{page.relative_to(site)}: {shown} for {target}#{anchor}, which is {found}")
    return stale


NAVIGATION = re.compile(r'<nav class="[^"]*\bbd-docs-nav\b[^"]*"[^>]*>(.*?)</nav>', re.S)


def navigation(html: str) -> str:
    """The visible text of a page's sidebar navigation (the whole book's table of contents)."""
    found = NAVIGATION.search(html)
    return visible_text(found.group(1)) if found else ""


@pytest.mark.slow
def test_generating_pages_from_other_data_writes_no_tracked_file(tmp_path):
    """The build's first stage (the generated pages, the chart bundle) writes only ignored paths,
    whatever the data: CITATION.cff used to be rewritten with the data's count of systems."""
    from ics_evidence.assemble.pages import generate_pages
    from ics_evidence.project import Project

    project = git_copy(tmp_path)
    if not ensure_ninth_system(project / "data", project / "sources"):
        remove_ninth_system(project / "data", project / "sources")  # other data, whichever way
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "a ninth system")
    assert_writes_only_ignored_files(project, lambda: generate_pages(Project(project)))


@pytest.mark.book
def test_incremental_builds_equal_a_clean_build_and_write_only_ignored_files(ninth_system_project, tmp_path):
    # Steps 1 and 2 are the run's shared builds: the shipped data built from nothing, then the
    # ninth system added (or taken away) and built on top, each in its own commit, each checked
    # to write only ignored files (conftest.ninth_system_project). Their pages must agree.
    built, added = ninth_system_project
    site = built / "_build" / "html"
    assert not stale_figure_references(site), stale_figure_references(site)
    ninth = next(row["name"] for row in read_rows(NINTH_SYSTEM / "data" / "systems.csv")[1])
    pages = sorted(site.glob("book/**/*.html"))
    sidebars = {page.relative_to(site).as_posix(): navigation(page.read_text(encoding="utf-8")) for page in pages}
    wrong = sorted(page for page, sidebar in sidebars.items() if (ninth in sidebar) != added)
    assert not wrong, f"the navigation of these pages {'lacks' if added else 'still lists'} {ninth}: {wrong}"
    assert len(set(sidebars.values())) == 1, "pages disagree on the navigation"

    # Step 3, the narrow edits, built incrementally on a copy of step 2 (its history kept).
    project = copy_built(built, tmp_path / "project", keep_history=True)
    site, data = project / "_build" / "html", project / "data"
    removed = remove_a_result(data)
    change_a_value_with_its_quote(data)
    recoded = recode_a_theme(data)
    commit_and_build(project)
    incremental = site_text(site)
    assert not stale_figure_references(site)

    git(project, "clean", "-fdXq")
    commit_and_build(project)
    clean = site_text(site)

    assert sorted(incremental) == sorted(clean), "the incremental build has other pages than the clean one"
    differ = [page for page in clean if incremental[page] != clean[page]]
    assert not differ, f"after removing {removed}, Gloucestershire's population and recoding {recoded}: " + "; ".join(
        f"{page}: {first_difference(incremental[page], clean[page])}" for page in differ
    )


def first_difference(incremental: str, clean: str) -> str:
    at = next(
        (i for i, (a, b) in enumerate(zip(incremental, clean, strict=False)) if a != b),
        min(len(incremental), len(clean)),
    )
    return f"incremental …{incremental[max(0, at - 60) : at + 60]}… clean …{clean[max(0, at - 60) : at + 60]}…"
