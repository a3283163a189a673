"""Quiet, clear output: Sphinx's own output goes to a log (its warnings and the log's path are
shown when it fails), `build` ends with one line saying what happened, and a build with
nothing changed skips Sphinx."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ics_evidence import cli
from ics_evidence.assemble import book, book_inputs, pipeline
from ics_evidence.assemble.book_inputs import BookOutcome
from ics_evidence.project import Project
from tests.helpers import PROJECT, copy_project

NOISY = (
    "import sys\n"
    "print('MdParserConfig(commonmark_only=False, ...)')\n"
    'print("Your book\'s HTML pages are here:")\n'
    "print('\\x1b[91mbook/x.md:3: WARNING: undefined label: nowhere\\x1b[39;49;00m')\n"
    "sys.exit({status})\n"
)


def _noisy(status: int) -> list[str]:
    return [sys.executable, "-c", NOISY.format(status=status)]


def test_sphinx_output_goes_to_the_log(tmp_path, capsys):
    log = tmp_path / "logs" / "sphinx.log"
    assert book_inputs.run_logged(_noisy(0), tmp_path, log) == 0
    out, err = capsys.readouterr()
    assert out == err == ""
    assert "HTML pages are here" in log.read_text(encoding="utf-8")


def test_a_failed_sphinx_shows_its_warnings_and_the_log(tmp_path, capsys):
    log = tmp_path / "logs" / "sphinx.log"
    assert book_inputs.run_logged(_noisy(1), tmp_path, log) == 1
    out, err = capsys.readouterr()
    assert "book/x.md:3: WARNING: undefined label: nowhere\n" in err and str(log) in err
    assert "\x1b" not in err, "colour codes are stripped"
    assert "MdParserConfig" not in out + err and "HTML pages are here" not in out + err


def test_verbose_shows_sphinx_output(tmp_path, capfd):
    assert book_inputs.run_logged(_noisy(0), tmp_path, tmp_path / "sphinx.log", verbose=True) == 0
    assert "HTML pages are here" in capfd.readouterr().out
    assert not (tmp_path / "sphinx.log").exists()


@pytest.fixture
def fake_sphinx(monkeypatch):
    """run_sphinx replaced by one that writes a one-page site and counts its calls."""
    calls: list[Path] = []

    def run_sphinx(project: Project, work_dir: Path, builder: str = "html", verbose: bool = False) -> int:
        calls.append(work_dir)
        html = work_dir / "_build" / "html"
        html.mkdir(parents=True, exist_ok=True)
        (html / "index.html").write_text(f"build {len(calls)}", encoding="utf-8")
        return 0

    monkeypatch.setattr(book, "run_sphinx", run_sphinx)
    return calls


@pytest.fixture
def project_copy(tmp_path) -> Project:
    """A copy of the project for one test (the tests edit it: no test sees another's edits)."""
    return Project(copy_project(tmp_path / "project"))


@pytest.mark.book  # builds the book's pages (Sphinx replaced)
def test_a_no_op_build_skips_sphinx(project_copy, fake_sphinx):
    project = project_copy
    book_inputs.forget(project)
    first = BookOutcome()
    assert book.build_book(project, outcome=first) == 0
    assert (first.sphinx, len(fake_sphinx)) == ("built", 1)

    again = BookOutcome()
    assert book.build_book(project, outcome=again) == 0
    assert (again.sphinx, len(fake_sphinx)) == ("skipped", 1)

    page = project.book_dir / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    edited = BookOutcome()
    assert book.build_book(project, outcome=edited) == 0
    assert (edited.sphinx, len(fake_sphinx)) == ("built", 2)
    assert (project.site_dir / "index.html").read_text(encoding="utf-8") == "build 2"


@pytest.mark.book  # builds the book's pages (Sphinx replaced)
@pytest.mark.parametrize("change", ["config", "missing site", "static file"])
def test_what_the_book_is_built_from_is_watched(project_copy, fake_sphinx, change):
    project = project_copy
    assert book.build_book(project) == 0
    before = len(fake_sphinx)
    if change == "config":
        config = project.root / "_config.yml"
        config.write_text(config.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    elif change == "missing site":
        (project.site_dir / "index.html").unlink()
    else:
        (project.static_dir / "extra.css").write_text("p { margin: 0 }\n", encoding="utf-8")
    assert book.build_book(project) == 0
    assert len(fake_sphinx) == before + 1
    if change == "static file":
        # Sphinx copies static files only when it writes a page; the build brings them up to date.
        assert (project.site_dir / "_static" / "extra.css").read_text(encoding="utf-8") == "p { margin: 0 }\n"


def test_static_files_are_brought_up_to_date_in_the_output(tmp_path):
    static, output = tmp_path / "static", tmp_path / "out" / "_static"
    (static / "figures").mkdir(parents=True)
    (static / "ics.css").write_text("new", encoding="utf-8")
    (static / "figures" / "f.svg").write_text("<svg/>", encoding="utf-8")
    output.mkdir(parents=True)
    (output / "ics.css").write_text("old", encoding="utf-8")
    (output / "theme.css").write_text("theme", encoding="utf-8")
    assert book.sync_static(static, output) == [output / "figures" / "f.svg", output / "ics.css"]
    assert (output / "ics.css").read_text(encoding="utf-8") == "new"
    assert (output / "theme.css").read_text(encoding="utf-8") == "theme"  # the theme's own files stay
    assert book.sync_static(static, output) == []
    # A download the pipeline removed (drawn from data the book no longer shows) leaves the site.
    (static / "figures" / "f.svg").unlink()
    assert book.sync_static(static, output) == [output / "figures" / "f.svg"]
    assert not (output / "figures" / "f.svg").exists() and (output / "theme.css").exists()


@pytest.mark.book  # builds the book's pages (Sphinx replaced)
def test_build_ends_with_one_line(project_copy, fake_sphinx, monkeypatch, capsys):
    project = project_copy
    monkeypatch.chdir(project.root)
    monkeypatch.setattr(
        pipeline,
        "run",
        lambda jobs, **kwargs: pipeline.RunResult(ran=["themes"]),
    )
    assert cli.main(["--sources", str(PROJECT.sources_dir), "build"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    final = lines[-1]
    assert final.startswith("book: _build/html/index.html — reran 1 of ")
    assert "(themes)" in final and "Sphinx" in final
    assert ("quotations checked against the sources" in final) == PROJECT.sources_dir.is_dir()

    # Without the sources a build fails (issue 10) unless --without-sources asks for it.
    assert cli.main(["--sources", str(project.root / "no-such-folder"), "build"]) == 1
    capsys.readouterr()
    # With no document in the repository's sources/ folder either, nothing was checked.
    local = project.local_sources_dir
    kept = {p: p.read_bytes() for p in local.iterdir() if p.is_file() and p.name != "README.md"}
    for document in kept:
        document.unlink()
    assert cli.main(["--without-sources", "--sources", str(project.root / "no-such-folder"), "build"]) == 0
    final = capsys.readouterr().out.strip().splitlines()[-1]
    # (Sphinx ran: the data page now says the quotations were not checked.)
    assert "quotations NOT checked" in final and "--without-sources" in final

    for document, content in kept.items():
        document.write_bytes(content)
    (local / "annual-report.txt").write_text("A redistributable document.", encoding="utf-8")
    assert cli.main(["--without-sources", "--sources", str(project.root / "no-such-folder"), "build"]) == 0
    final = capsys.readouterr().out.strip().splitlines()[-1]
    assert f"quotations checked only against the {len(kept) + 1} document(s) in sources/" in final


@pytest.mark.book  # builds the book's pages (Sphinx replaced)
def test_a_forced_build_runs_sphinx_even_when_nothing_changed(project_copy, fake_sphinx):
    """A release rebuilds from scratch, whatever the recorded digest says."""
    assert book.build_book(project_copy) == 0
    before = len(fake_sphinx)
    assert book.build_book(project_copy) == 0
    assert len(fake_sphinx) == before
    assert book.build_book(project_copy, force=True) == 0
    assert len(fake_sphinx) == before + 1


def test_the_whole_package_is_an_input_templates_included():
    # The list of build modules went stale when the templates moved to ics_evidence/templates:
    # a changed template left the site as the old template made it ("Sphinx skipped").
    package = Path(book_inputs.__file__).resolve().parents[1]
    names = {path.relative_to(package).as_posix() for path in book_inputs.package_code()}
    templates = {f"templates/{path.name}" for path in (package / "templates").glob("*.html")}
    assert templates and templates <= names
    assert {"templating.py", "assemble/sphinx_metadata.py", "assemble/sphinx_edition.py"} <= names
