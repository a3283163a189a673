"""The print edition: ``make pdf`` writes ``_build/pdf/<name>-<version>.pdf``.

The whole book as one HTML page (Sphinx's single-page builder) is printed by the pinned
Playwright driving Debian's Chromium: A4, a cover (title, edition, date, DOI), running heads
and page numbers, the book's contents list, charts whole and tables set small enough that
every cell prints. Printing waits until every chart has drawn, not for a fixed time, and no
request may leave the machine.
"""

from __future__ import annotations

import datetime as dt
import html
import multiprocessing
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

from ics_evidence.assemble import book
from ics_evidence.assemble.edition import Release, long_date, read_releases
from ics_evidence.assemble.pages import generate_pages
from ics_evidence.citation_file import read_citation
from ics_evidence.project import Project
from ics_evidence.release import BUNDLE_NAME, ReleaseError
from ics_evidence.templating import render

PRINT_CSS = Path(__file__).with_name("print.css")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
CHARTS_DRAWN = """() => Array.from(document.querySelectorAll('.ics-chart')).every(
    el => el.querySelector('svg') && el.querySelectorAll('svg .role-mark > *').length > 0)"""
# Built with DOM text nodes from values passed as arguments, never parsed as HTML.
COVER_SCRIPT = """(cover) => {
    const section = document.createElement('section');
    section.className = 'ics-cover';
    for (const [tag, text] of cover) {
        const element = document.createElement(tag);
        element.textContent = text;
        section.appendChild(element);
    }
    const article = document.querySelector('main article, article, main, body');
    article.insertBefore(section, article.firstChild);
    document.querySelectorAll('details').forEach(d => { d.open = true; });
}"""
# The printable width of an A4 page with print.css's margins (210 mm - 2 x 12 mm), in CSS px.
PAGE_WIDTH_PX = round((210 - 24) / 25.4 * 96)
# A table wider than the page is set in smaller type until it fits (never split words, which
# would lose text): step the font down, and zoom the table as a last resort.
FIT_TABLES = """() => {
    for (const table of document.querySelectorAll('table')) {
        const room = table.parentElement.clientWidth;
        let size = parseFloat(getComputedStyle(table).fontSize);
        while (table.scrollWidth > room && size > 4.5) {
            size -= 0.25;
            table.style.fontSize = size + 'px';
        }
        if (table.scrollWidth > room) table.style.zoom = room / table.scrollWidth;
    }
}"""
# The running head and foot are templates (Chromium fills the foot's page-number spans).
FOOT = render("pdf_footer.html")

# Explore and Compare are tools of the online edition: on paper they would print one page of a
# filtered table, and every item they list is in the chapters and profiles. The print edition
# leaves them out, from its body and its contents alike.
ONLINE_ONLY = ("book/explore", "book/compare")
LEAVE_OUT = """(pages) => {
    for (const page of pages) {
        const marker = document.getElementById('document-' + page);
        if (marker && marker.nextElementSibling) marker.nextElementSibling.remove();
        document.querySelectorAll('a[href="#document-' + page + '"]').forEach(a => a.closest('li')?.remove());
    }
    // A contents group left empty loses its caption too.
    document.querySelectorAll('#jb-print-toc ul').forEach(list => {
        if (!list.querySelector('li') && list.previousElementSibling?.classList.contains('caption')) {
            list.previousElementSibling.remove();
        }
    });
}"""
# The contents list's entries, and their page numbers written as text (Chromium has no
# target-counter(): the numbers are read from where a first printing put each chapter heading).
CONTENTS = "#jb-print-toc li.toctree-l1 > a"
NUMBER_CONTENTS = """([selector, numbers]) => {
    document.querySelectorAll(selector).forEach((link, index) => {
        let number = link.parentElement.querySelector(':scope > .ics-page-number');
        if (!number) {
            number = document.createElement('span');
            number.className = 'ics-page-number';
            link.after(number);
        }
        number.textContent = numbers[index] == null ? '' : String(numbers[index]);
    });
}"""
_OUTLINE_ITEM = re.compile(r'<item page="(\d+)">(.*?)</item>', re.S)


def contents_pages(pdf: Path, titles: list[str]) -> list[int | None]:
    """The page of each contents entry's heading (``titles``, in order) in ``pdf``, from the PDF's
    outline (its bookmarks, one per heading, in the book's order), as poppler's ``pdftohtml -xml``
    reports it. The outline, not the entries' links: a link leads to the marker before a chapter,
    which can stay at the foot of the page before the chapter's first."""
    if not shutil.which("pdftohtml"):
        raise ReleaseError("numbering the contents needs poppler's pdftohtml, not installed (make browser-deps)")
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-q", "-stdout", "-f", "1", "-l", "1", str(pdf)],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    # NFKC undoes the fonts' ligatures ("ﬁgures"); a heading may be read twice over.
    outline = [(" ".join(unicodedata.normalize("NFKC", html.unescape(re.sub(r"<[^>]+>", "", text))).split()),
                int(page)) for page, text in _OUTLINE_ITEM.findall(xml)]  # fmt: skip
    found: list[int | None] = []
    start = 0
    for title in titles:
        match = next((i for i in range(start, len(outline)) if outline[i][0] in (title, title + title)), None)
        found.append(None if match is None else outline[match][1])
        if match is not None:
            start = match + 1  # the headings come in the contents' order: the next is after this one
    return found


def current_edition(project: Project) -> Release:
    releases = read_releases(project.root)
    return releases[0] if releases else Release("unreleased draft", dt.date.today(), "")


UNCHECKED_COVER = (
    "Quotations not checked: this edition was built with --without-sources, so a quotation may not appear in "
    "the document it names."
)


def cover_lines(project: Project, edition: Release, sources_checked: bool = True) -> list[tuple[str, str]]:
    cff = read_citation(project.root)
    report = (cff.get("references") or [{}])[0]
    lines = [
        ("h1", cff["title"]),
        ("p", f"Edition {edition.version}, {long_date(edition.date)}"),
        ("p", f"DOI: {edition.doi}" if edition.doi else "DOI: not yet minted"),
        (
            "p",
            f"An independent edition of the evidence in “{report.get('title', '')}” "
            f"({report.get('publisher', {}).get('name', '')}, {report.get('year', '')}); "
            "not a publication of the report's publisher.",
        ),
        ("p", cff.get("message", "")),
    ]
    if not sources_checked:
        lines.insert(2, ("p", UNCHECKED_COVER))  # under the edition line
    return lines


def print_pdf(single_html: Path, target: Path, cover: list[tuple[str, str]], head: str) -> Path:
    """Print ``single_html`` to ``target`` (A4) with ``cover`` first and running heads."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        raise ReleaseError("the PDF is printed by Debian's chromium, which is not installed (make browser-deps)")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page()
            # The page is local; anything else it asks for is refused, so printing stays offline.
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else
                       route.abort())  # fmt: skip
            page.goto(single_html.as_uri())
            page.wait_for_function(CHARTS_DRAWN, timeout=180_000)
            page.evaluate(COVER_SCRIPT, cover)
            page.evaluate(LEAVE_OUT, list(ONLINE_ONLY))
            page.add_style_tag(path=str(PRINT_CSS))
            page.emulate_media(media="print")
            page.set_viewport_size({"width": PAGE_WIDTH_PX, "height": 1100})
            page.evaluate(FIT_TABLES)
            titles = [" ".join(text.split()) for text in page.locator(CONTENTS).all_inner_texts()]
            numbers: list[int | None] = []
            # Printed until the contents' numbers are where their chapters fall: writing the numbers
            # in could move a page break, so each printing checks the one before (at most three).
            for _attempt in range(3):
                page.evaluate(NUMBER_CONTENTS, [CONTENTS, numbers])
                page.pdf(path=str(temporary), prefer_css_page_size=True, print_background=True,
                         display_header_footer=True, header_template=head, footer_template=FOOT,
                         outline=True, tagged=True)  # fmt: skip
                found = contents_pages(temporary, titles)
                if found == numbers:
                    break
                numbers = found
            else:
                raise ReleaseError("printing the PDF failed: the contents' page numbers did not settle")
            browser.close()
    except PlaywrightError as error:
        temporary.unlink(missing_ok=True)
        raise ReleaseError(f"printing the PDF failed: {error}") from None
    temporary.replace(target)
    return target


def make_pdf(
    project: Project, target: Path | None = None, *, data_dir: Path | None = None, sources_checked: bool = True
) -> Path:
    """Build the single-page book from the executed notebooks and print it.

    ``data_dir`` is the data package the notebooks ran on (default: the project's), and
    ``sources_checked`` whether its quotations were checked: without them (``--without-sources``)
    the data page carries the same warning as the site's, and the cover says so too."""
    edition = current_edition(project)
    target = target or project.build_dir / "pdf" / f"{BUNDLE_NAME.format(version=edition.version)}.pdf"
    # The print edition shows the same generated pages as the site built from these data.
    generate_pages(project, data_dir, sources_checked=sources_checked)
    try:
        single = book.build_single_page(project)
    except RuntimeError as error:
        raise ReleaseError(str(error)) from None
    head = str(render("pdf_header.html", title=read_citation(project.root)["title"], version=edition.version))
    # Printed in a fresh interpreter: papermill patches asyncio (nest_asyncio) in a process that has
    # run notebooks, as a release has, and Playwright's browser then closes under it.
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(print_pdf, (single, target, cover_lines(project, edition, sources_checked), head))
