"""The Sphinx extension that makes an incremental build write what a clean one would
(``ics_evidence.assemble.sphinx_dependencies``), on a book of four small pages built by Sphinx
itself: a value glued from a notebook, a figure number and a page title shown on another page
follow their source, and a build with nothing changed still writes nothing. (The whole book,
after real data edits, is compared with a clean build in ``test_incremental.py``.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_incremental import visible_text

CONF = """
extensions = ["myst_nb"{extension}]
nb_execution_mode = "off"
numfig = True
"""
INDEX = """# Book

```{{toctree}}
{pages}
```
"""
PAGE = """# Findings

The notebook counts {glue:text}`counts.ipynb::total:.0f` results (see {numref}`fig-one`, in {doc}`figures`).
"""
FIGURES = """# {title}

```{{figure}} dot.svg
:name: fig-one

The one figure.
```
"""
EARLIER = """# Earlier

```{figure} dot.svg
:name: fig-earlier

A figure placed before the other.
```
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'


def notebook(total: int) -> str:
    """A notebook as papermill leaves it: one glued value in its outputs (MyST-NB reads them)."""
    output = {
        "output_type": "display_data",
        "metadata": {"scrapbook": {"name": "total", "mime_prefix": ""}},
        "data": {"text/plain": str(total)},
    }
    title = {"cell_type": "markdown", "id": "title", "metadata": {}, "source": "# Counts"}
    code = {"cell_type": "code", "id": "glue", "execution_count": 1, "metadata": {}, "source": "glue('total', n)",
            "outputs": [output]}  # fmt: skip
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    return json.dumps({"cells": [title, code], "metadata": meta, "nbformat": 4, "nbformat_minor": 5})


def write(book: Path, name: str, text: str) -> None:
    (book / name).write_text(text, encoding="utf-8")


def make_book(book: Path, extension: bool) -> None:
    book.mkdir()
    write(book, "conf.py", CONF.format(extension=', "ics_evidence.assemble.sphinx_dependencies"' if extension else ""))
    write(book, "index.md", INDEX.format(pages="counts\nfigures\npage"))
    write(book, "counts.ipynb", notebook(62))
    write(book, "figures.md", FIGURES.format(title="Figures"))
    write(book, "page.md", PAGE)
    write(book, "dot.svg", SVG)


def sphinx(book: Path) -> str:
    """An incremental HTML build of ``book`` (a fresh process, as ``jupyter-book build`` runs)."""
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-W",
        "--keep-going",
        str(book),
        str(book.parent / "site" / "html"),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout


def page_text(book: Path) -> str:
    return visible_text((book.parent / "site" / "html" / "page.html").read_text(encoding="utf-8"))


def glued_value_changes(book: Path) -> None:
    write(book, "counts.ipynb", notebook(63))


def figure_added_before(book: Path) -> None:
    """A new page earlier in the book, with a figure: page.md's figure becomes Fig. 2."""
    write(book, "earlier.md", EARLIER)
    write(book, "index.md", INDEX.format(pages="earlier\ncounts\nfigures\npage"))


def linked_title_changes(book: Path) -> None:
    write(book, "figures.md", FIGURES.format(title="Every figure"))


# Each edit leaves page.md alone and changes what it shows; applied one at a time, in this order,
# with a build after each, so that no edit's rewrite hides another's.
EDITS = [
    (glued_value_changes, "counts 63 results (see Fig. 1, in Figures)"),
    (figure_added_before, "counts 63 results (see Fig. 2, in Figures)"),
    (linked_title_changes, "counts 63 results (see Fig. 2, in Every figure)"),
]
FIRST = "counts 62 results (see Fig. 1, in Figures)"


@pytest.mark.book
def test_a_page_follows_what_it_shows_of_other_pages(tmp_path):
    book = tmp_path / "book"
    make_book(book, extension=True)
    sphinx(book)
    assert FIRST in page_text(book)
    for edit, expected in EDITS:
        edit(book)
        sphinx(book)
        assert expected in page_text(book), edit.__name__
    assert "no targets are out of date" in sphinx(book), "a build with nothing changed must write nothing"


@pytest.mark.book
def test_sphinx_alone_leaves_the_page_stale(tmp_path):
    """What the extension is for (issue 17): without it, none of the edits reaches the page."""
    book = tmp_path / "book"
    make_book(book, extension=False)
    sphinx(book)
    for edit, _ in EDITS:
        edit(book)
        sphinx(book)
        assert FIRST in page_text(book), edit.__name__
