"""The print edition: A4, a cover, page numbers, at most 150 pages, and every table cell of the
book in the PDF (nothing cut off at the margin)."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ics_evidence.assemble.edition import long_date
from ics_evidence.release import pdf
from ics_evidence.release.pdf import current_edition
from tests.helpers import PROJECT, copy_built, run

pytestmark = pytest.mark.book
MAX_PAGES = 150
A4_POINTS = (595, 842)


@pytest.fixture(scope="module")
def printed_project(built_project, tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the run's built project with its print edition made (nothing reruns)."""
    if not shutil.which("pdftotext"):
        pytest.fail("poppler-utils is not installed: run `make test`, which installs it")
    root = copy_built(built_project, tmp_path_factory.mktemp("print") / "project")
    _, log = run(root, "pdf")
    return root, root / log.strip().splitlines()[-1].removeprefix("print edition: ")


@pytest.fixture(scope="module")
def printed(printed_project) -> Path:
    return printed_project[1]


def text_of(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    pages = ["-f", str(first), "-l", str(last)] if first else []
    return subprocess.run(["pdftotext", *pages, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_a4_with_at_most_150_pages(printed):
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(printed)], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert 20 < pages <= MAX_PAGES
    sizes = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    assert len(sizes) == pages
    assert all((round(float(w)), round(float(h))) == A4_POINTS for w, h in sizes)


def test_cover_names_the_edition_and_every_page_is_numbered(printed):
    edition = current_edition(PROJECT)
    cover = text_of(printed, 1, 1)
    assert "Improving health and care at scale" in cover
    assert f"Edition {edition.version}, {long_date(edition.date)}" in cover and "DOI:" in cover
    assert "not a publication of the report's publisher" in re.sub(r"\s+", " ", cover)
    pages = text_of(printed).split("\f")[:-1]
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))
    assert all(f"Edition {edition.version}" in page for page in pages)  # the running head


# A page with less than this much text besides its running head and foot is a page left blank
# by a chart too tall to fit, or a heading pushed away from its content.
MIN_WORDS_ON_A_PAGE = 20


def test_no_page_is_left_nearly_blank(printed):
    pages = text_of(printed).split("\f")[:-1]
    head_and_foot = {"Improving", "health", "and", "care", "at", "scale:", "an", "executable", "edition", "Edition",
                     "Page", "of", current_edition(PROJECT).version, str(len(pages))}  # fmt: skip
    body_words = [sum(word not in head_and_foot and not word.isdigit() for word in page.split()) for page in pages]
    nearly_blank = [number for number, words in enumerate(body_words, start=1) if words < MIN_WORDS_ON_A_PAGE]
    assert nearly_blank == [], f"pages with under {MIN_WORDS_ON_A_PAGE} words of their own: {nearly_blank}"


# Interactive pages of the online edition, left out of the print edition.
ONLINE_ONLY = {f"document-{page}" for page in pdf.ONLINE_ONLY}


def test_the_contents_give_each_entrys_page_and_leave_out_online_only_pages(printed):
    layout = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "3", str(printed), "-"], capture_output=True,
                            text=True, check=True).stdout  # fmt: skip
    contents = layout.split("Contents", 1)[1]
    assert "Explore the evidence" not in contents and "Compare two systems" not in contents
    entries = [(title, number) for title, number in
               re.findall(r"^ +(\S.*?\S) *?(\d+)$", unicodedata.normalize("NFKC", contents), re.M)
               if not re.fullmatch(r"Page \d+ of", title)]  # fmt: skip
    assert len(entries) > 20
    pages = [[line.strip() for line in unicodedata.normalize("NFKC", page).splitlines()]
             for page in text_of(printed).split("\f")]  # fmt: skip
    # Each entry's heading is a line of its own on the page the contents give.
    wrong = [(title, number) for title, number in entries if title not in pages[int(number) - 1]]
    assert wrong == []


class _TableCells(HTMLParser):
    """The text of every table cell of the single-page book, page by page (Sphinx marks where
    each page starts), leaving out the online-only pages."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._cell: list[str] | None = None
        self._online_only = False

    def handle_starttag(self, tag, attrs) -> None:
        page = dict(attrs).get("id") or ""
        if tag == "span" and page.startswith("document-"):
            self._online_only = page in ONLINE_ONLY
        if self._online_only:
            return
        if tag in ("td", "th"):
            self._cell = []
        elif self._cell is not None:
            self._cell.append(" ")  # elements in a cell (list items, breaks) are separate words

    def handle_endtag(self, tag) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None
        elif self._cell is not None:
            self._cell.append(" ")

    def handle_data(self, data) -> None:
        if self._cell is not None:
            self._cell.append(data)


def found(token: str, in_pdf: set[str]) -> bool:
    """A word is in the PDF whole, or, where it has hyphens, either joined (text extraction
    joins a word broken at a line's end hyphen) or part by part (when it is not)."""
    parts = re.findall(r"\w+", token)
    return "".join(parts) in in_pdf or all(part in in_pdf for part in parts)


def test_no_table_text_is_lost(printed_project):
    root, printed = printed_project
    single = root / "_build" / "work-single" / "_build" / "singlehtml" / "index.html"
    parser = _TableCells()
    parser.feed(single.read_text(encoding="utf-8"))
    assert len(parser.cells) > 1000
    pdf = text_of(printed)
    in_pdf = set(re.findall(r"\w+", pdf)) | set(re.findall(r"\w+", re.sub(r"-\s*\n\s*", "", pdf)))
    tokens = {token for cell in parser.cells for token in re.findall(r"[\w-]+", cell)}
    missing = sorted(token for token in tokens if not found(token, in_pdf))
    assert missing == []
