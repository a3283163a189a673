"""The book builds strictly from the shipped data, publishes atomically, and keeps the last
good build when a build fails."""

from __future__ import annotations

import re

import pytest

from ics_evidence.build import book
from ics_evidence.project import Project
from tests.helpers import ROOT

pytestmark = pytest.mark.book
EXTERNAL = re.compile(r"""(?:src|href)=["'](?:https?:)?//(?!localhost)""")


def test_data_page_lists_every_table_with_row_counts(built_site):
    page = (built_site / "book" / "data.html").read_text(encoding="utf-8")
    assert "system_figures.csv" in page and "theme_coding.csv" in page
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    systems = len((ROOT / "data" / "systems.csv").read_text(encoding="utf-8").strip().splitlines()) - 1
    assert f"systems.csv Evidenced facts {systems} " in text


def test_pages_load_nothing_from_other_hosts(built_site):
    for page in built_site.rglob("*.html"):
        scripts_and_styles = re.findall(r"<(?:script|link)[^>]*>", page.read_text(encoding="utf-8"))
        offenders = [tag for tag in scripts_and_styles if EXTERNAL.search(tag)]
        assert offenders == [], page


def test_failed_sphinx_build_keeps_the_last_good_site(tmp_path, monkeypatch):
    project = Project(tmp_path)
    project.site_dir.mkdir(parents=True)
    (project.site_dir / "index.html").write_text("last good", encoding="utf-8")
    published = []
    monkeypatch.setattr(book, "run_sphinx", lambda *args, **kwargs: 2)
    monkeypatch.setattr(book, "generate_pages", lambda *args, **kwargs: None)
    monkeypatch.setattr(book, "publish", lambda *args: published.append(args))
    assert book.build_book(project) == 2
    assert published == []
    assert (project.site_dir / "index.html").read_text(encoding="utf-8") == "last good"


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
