"""The page chrome the edition extension (``ics_evidence.assemble.sphinx_edition``) adds through
Sphinx events, on a small book built by Sphinx itself: a system page's revision notices sit
under its title, escaped, and follow ``revisions.json`` in an incremental build; bibliography
entries are list items of their list (no deprecated DPUB-ARIA role); the header's title is
CITATION.cff's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.book  # each test reads a book Sphinx builds

CONF = 'extensions = ["ics_evidence.assemble.sphinx_edition"]\nhtml_theme = "basic"\n'
INDEX = """Book
====

.. toctree::

   book/systems/dorset
   book/references
"""
SYSTEM = """Dorset
======

The system's page.

Figures
-------

Its figures.
"""
REFERENCES = """References
==========

See [Ham23]_ and [Ber13]_.

.. [Ham23] Chris Ham. Improving health and care at scale. 2023.
.. [Ber13] D. Berwick. A promise to learn. 2013.
"""
HOSTILE = '<img src=x onerror="alert(1)"> revised in 1.1.0'
TITLE = "Care & <b>scale</b>: a test edition"  # CITATION.cff, the one place the title is written


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def revisions(book: Path, notices: list[str]) -> None:
    write(book / "book" / "generated" / "revisions.json", json.dumps({"dorset": notices}))


def sphinx(book: Path) -> Path:
    """An incremental HTML build of ``book`` (a fresh process, as ``jupyter-book build`` runs)."""
    output = book.parent / "html"
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(book), str(output)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return output


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    book = tmp_path_factory.mktemp("edition-extension") / "book"
    write(book / "conf.py", CONF)
    write(book / "CITATION.cff", f"cff-version: 1.2.0\ntitle: {json.dumps(TITLE)}\n")
    write(book / "index.rst", INDEX)
    write(book / "book" / "systems" / "dorset.rst", SYSTEM)
    write(book / "book" / "references.rst", REFERENCES)
    revisions(book, [HOSTILE, "Budget: revised in 1.1.0, was 1 in 1.0.0, now 2: correction."])
    return book


def page(output: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((output / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def notices_under_the_title(soup: BeautifulSoup) -> list[str]:
    title = soup.find("h1")
    block = title.find_next_sibling()
    assert block is not None and "ics-revisions" in block.get("class", []), block
    assert block["role"] == "note"
    assert block.find("p", class_="admonition-title").get_text() == "Revised in this edition"
    return [item.get_text() for item in block.find_all("li")]


def test_revision_notices_sit_under_the_title_escaped_and_follow_their_file(book):
    output = sphinx(book)
    dorset = page(output, "book/systems/dorset")
    assert notices_under_the_title(dorset) == [HOSTILE, "Budget: revised in 1.1.0, was 1 in 1.0.0, now 2: correction."]
    assert not dorset.find("img") and len(dorset.select(".ics-revisions")) == 1
    assert not page(output, "book/references").select(".ics-revisions"), "only system pages carry notices"

    revisions(book, ["Budget: revised in 1.2.0, was 2 in 1.1.0, now 3: revision."])
    assert notices_under_the_title(page(sphinx(book), "book/systems/dorset")) == [
        "Budget: revised in 1.2.0, was 2 in 1.1.0, now 3: revision."
    ]
    revisions(book, [])
    assert not page(sphinx(book), "book/systems/dorset").select(".ics-revisions")


def test_the_header_title_is_citation_cffs_before_its_subtitle_as_text(book):
    soup = page(sphinx(book), "book/systems/dorset")
    assert soup.title.get_text().endswith("Care & <b>scale</b>"), soup.title
    assert not soup.find("b")


def test_bibliography_entries_are_list_items_of_their_list(book):
    output = sphinx(book)
    html = (output / "book" / "references.html").read_text(encoding="utf-8")
    assert "doc-biblioentry" not in html
    lists = BeautifulSoup(html, "html.parser").select("div.citation-list")
    assert len(lists) == 1 and lists[0]["role"] == "list"
    entries = lists[0].find_all("div", recursive=False)
    assert [e["role"] for e in entries] == ["listitem", "listitem"]
    assert all("citation" in e["class"] for e in entries)
    assert "Chris Ham" in entries[0].get_text()
