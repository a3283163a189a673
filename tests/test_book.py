"""The book builds strictly from the shipped data, publishes atomically, and keeps the last
good build when a build fails."""

from __future__ import annotations

import re

import pytest

from ics_evidence.assemble import book
from ics_evidence.data.csvfiles import read_rows
from ics_evidence.project import Project
from tests.helpers import ROOT

pytestmark = pytest.mark.book
EXTERNAL = re.compile(r"""(?:src|href)=["'](?:https?:)?//(?!localhost)""")


def test_data_page_lists_every_table_with_row_counts(built_site):
    page = (built_site / "book" / "data.html").read_text(encoding="utf-8")
    assert "system_figures.csv" in page and "theme_coding.csv" in page
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    systems = len(read_rows(ROOT / "data" / "systems.csv")[1])
    assert f"systems.csv Evidenced facts {systems} " in text


def test_pages_load_nothing_from_other_hosts(built_site):
    for page in built_site.rglob("*.html"):
        scripts_and_styles = re.findall(r"<(?:script|link)[^>]*>", page.read_text(encoding="utf-8"))
        offenders = [tag for tag in scripts_and_styles if EXTERNAL.search(tag)]
        assert offenders == [], page


def test_failed_sphinx_build_keeps_the_last_good_site(tmp_path, monkeypatch):
    """Publishing is real here (not mocked away): a Sphinx run that fails after writing half a
    site leaves the published one as it was."""
    project = Project(tmp_path)
    project.site_dir.mkdir(parents=True)
    (project.site_dir / "index.html").write_text("last good", encoding="utf-8")

    def half_a_site(project, work_dir, *args, **kwargs):
        (work_dir / "_build" / "html").mkdir(parents=True, exist_ok=True)
        (work_dir / "_build" / "html" / "index.html").write_text("half", encoding="utf-8")
        return 2

    monkeypatch.setattr(book, "run_sphinx", half_a_site)
    monkeypatch.setattr(book, "generate_pages", lambda *args, **kwargs: None)
    assert book.build_book(project) == 2
    assert (project.site_dir / "index.html").read_text(encoding="utf-8") == "last good"
    assert sorted(p.name for p in project.site_dir.iterdir()) == ["index.html"]


def test_publish_replaces_the_site_whole(tmp_path):
    site, built = tmp_path / "html", tmp_path / "built"
    site.mkdir()
    (site / "old.html").write_text("old", encoding="utf-8")
    built.mkdir()
    (built / "new.html").write_text("new", encoding="utf-8")
    book.publish(built, site)
    assert sorted(p.name for p in site.iterdir()) == ["new.html"]
    assert list(tmp_path.glob("html.*")) == [site.resolve()]  # the one tree the site links to


def test_data_package_can_be_downloaded_whole_and_by_table(built_site):
    import zipfile

    (archive,) = built_site.glob("_downloads/*/data-package.zip")
    names = zipfile.ZipFile(archive).namelist()
    assert "data/datapackage.json" in names and "data/systems.csv" in names and len(names) >= 22
    page = (built_site / "book" / "download.html").read_text(encoding="utf-8")
    assert page.count('class="reference download internal"') >= 23


def test_each_figure_cites_its_own_caption_and_the_report(built_site):
    """'Cite this figure' quotes the opening of the figure's caption (not its screen-reader
    description), names the edition and credits the report; the PNG it offers carries the same."""
    from bs4 import BeautifulSoup

    from tests.test_figure_credit import _text_chunks

    soup = BeautifulSoup(
        (built_site / "book" / "analyses" / "scale_and_structure.html").read_text("utf-8"), "html.parser"
    )
    figures = soup.select("figure")
    assert figures
    for figure in figures:
        caption = " ".join(figure.find("figcaption").get_text().split())
        cite = " ".join(figure.select_one(".ics-cite-figure").get_text().split())
        title = cite.split("“", 1)[1].split("”", 1)[0]
        assert title and title.removesuffix("…") in caption, (title, caption)
        assert "Ham (2023)" in cite and "version" in cite
        png = figure.select_one(".ics-downloads a[href$='.png']")["href"]
        chunks = _text_chunks((built_site / "book" / "analyses" / png).resolve().read_bytes())
        assert chunks["Title"] == title and "Ham (2023)" in chunks["Source"]


def test_references_are_labelled_by_author_and_year(built_site):
    import re

    from bs4 import BeautifulSoup

    soup = BeautifulSoup((built_site / "book" / "references.html").read_text("utf-8"), "html.parser")
    labels = [label.get_text() for label in soup.select("div.citation span.label")]
    assert len(labels) > 10 and len(set(labels)) == len(labels)
    pattern = r"\[[A-Z][^\]]* (\d{4}[a-z]?|c\. \d{4}|n\.d\.)\]"
    assert [x for x in labels if not re.fullmatch(pattern, x)] == [], labels
    assert "[Ham 2023a]" in labels and "[Ham 2023b]" in labels
