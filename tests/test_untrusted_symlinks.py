"""Only regular files inside the repository are read or published (issue 20, class 3).

A symbolic link in ``data/``, in the repository's ``sources/`` or among a release's inputs is
refused with one line, before anything it points at is read: a linked table is never echoed in
an error, a linked README never reaches the site's ``data-package.zip``, and the release bundle
copies the descriptor's files and the manifest's notebooks by name, never a walk of a folder.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from ics_evidence import cli, validate_package
from ics_evidence.assemble import edition, pages
from ics_evidence.data.csvfiles import read_table
from ics_evidence.data.schema import read_package
from tests.helpers import ROOT

SECRET = "SECRET-LINE-never-shown,x,y,z"


@pytest.fixture
def secret(tmp_path) -> Path:
    """A file outside the repository that a link points at."""
    path = tmp_path / "outside" / "secret.csv"
    path.parent.mkdir()
    path.write_text(SECRET + "\n" + SECRET + "\n", encoding="utf-8")
    return path


def _link(path: Path, target: Path) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to(target)


def _file_problems(data: Path) -> list:
    return [p for p in validate_package(data, require_sources=False) if p.rule == "file"]


def test_symlink_table_is_refused_without_echoing_its_content(data_copy, secret, capsys):
    _link(data_copy / "lessons.csv", secret)
    table = read_table(data_copy / "lessons.csv")
    assert table.rows == [] and [p.rule for p in table.problems] == ["file"]
    assert "symbolic link" in table.problems[0].message
    status = cli.main(["--data", str(data_copy), "--without-sources", "validate"])
    output = capsys.readouterr()
    assert status == 1
    assert "SECRET" not in output.err + output.out
    assert any("lessons.csv" in line and "symbolic link" in line for line in output.err.splitlines())


def test_symlink_table_to_a_system_file_is_refused(data_copy):
    _link(data_copy / "lessons.csv", Path("/etc/passwd"))
    problems = [p for p in _file_problems(data_copy) if p.file.endswith("lessons.csv")]
    assert len(problems) == 1 and "symbolic link" in problems[0].message
    assert "root:" not in str(problems[0])


def test_symlink_inside_the_package_is_refused_too(data_copy):
    """Even a link to another file of the package: what is published is what is there."""
    _link(data_copy / "lessons.csv", data_copy / "themes.csv")
    assert any(p.file.endswith("lessons.csv") for p in _file_problems(data_copy))


def test_symlink_descriptor_is_refused(data_copy, tmp_path):
    elsewhere = tmp_path / "elsewhere.json"
    shutil.copy(data_copy / "datapackage.json", elsewhere)
    _link(data_copy / "datapackage.json", elsewhere)
    problems = validate_package(data_copy, require_sources=False)
    assert [p.rule for p in problems] == ["file"] and "symbolic link" in problems[0].message


@pytest.mark.parametrize("name", ["README.md", "notes.txt", "extra.csv"])
def test_symlink_file_beside_the_tables_is_refused_by_validation(data_copy, secret, name):
    _link(data_copy / name, secret)
    problems = _file_problems(data_copy)
    assert [Path(p.file).name for p in problems] == [name], problems
    assert "SECRET" not in str(problems[0])


def test_symlink_readme_never_reaches_the_data_download(data_copy, secret, tmp_path):
    _link(data_copy / "README.md", secret)
    generated = tmp_path / "generated"
    with pytest.raises(ValueError, match="symbolic link"):
        pages.write_downloads(data_copy, generated, read_package(data_copy))
    archives = list((generated / "downloads").glob("*")) if (generated / "downloads").exists() else []
    assert archives == [], "a refused download left a file behind"


def test_symlink_free_download_holds_exactly_the_package_files(data_copy, secret, tmp_path):
    (data_copy / "stray.txt").write_text("not part of the package", encoding="utf-8")
    generated = tmp_path / "generated"
    package = read_package(data_copy)
    pages.write_downloads(data_copy, generated, package)
    with zipfile.ZipFile(generated / "downloads" / "data-package.zip") as archive:
        names = sorted(archive.namelist())
    expected = sorted(["data/datapackage.json", "data/README.md", *(f"data/{r.path}" for r in package.resources)])
    assert names == expected


def test_symlink_in_the_repositorys_sources_is_refused_and_never_read(tmp_path, secret):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "data", project / "data")
    (project / "sources").mkdir()
    (project / "sources" / "linked.txt").symlink_to(secret)
    problems = _file_problems(project / "data")
    assert [Path(p.file).name for p in problems] == ["linked.txt"], problems
    from ics_evidence.data.evidence import SourceTexts

    texts = SourceTexts(tmp_path / "none", project / "sources")
    assert texts.text("linked.txt") is None


def test_symlink_release_record_is_refused(tmp_path, secret):
    (tmp_path / "releases.yml").symlink_to(secret)
    with pytest.raises(ValueError, match="symbolic link"):
        edition.read_releases(tmp_path)


def _bundle_inputs(tmp_path: Path) -> tuple[Path, list[Path]]:
    """The inputs write_bundle copies: a built site, the data, an executed notebook, the notes."""
    root = tmp_path / "root"
    (root / "_build" / "html").mkdir(parents=True)
    (root / "_build" / "html" / "index.html").write_text("<p>site</p>", encoding="utf-8")
    shutil.copytree(ROOT / "data", root / "data")
    notebook = root / "book" / "systems" / "dorset.ipynb"
    notebook.parent.mkdir(parents=True)
    notebook.write_text("{}", encoding="utf-8")
    (root / "book" / "generated").mkdir()
    (root / "book" / "generated" / pages.CHANGES_DETAIL).write_text("nothing\n", encoding="utf-8")
    (root / "book" / "generated" / pages.STATEMENTS_CHANGED).write_text("nothing\n", encoding="utf-8")
    (root / "book" / "generated" / "downloads").mkdir()
    (root / "book" / "generated" / "downloads" / "claims.csv").write_text("page\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q",
                    "--allow-empty", "-m", "x"], cwd=root, check=True)  # fmt: skip
    return root, [notebook]


RELEASE = edition.Release("1.0.0", dt.date(2026, 1, 2), "Test")


def test_symlink_free_release_bundle_copies_an_explicit_list(tmp_path, secret):
    from ics_evidence.release.bundle import write_bundle

    root, notebooks = _bundle_inputs(tmp_path)
    (root / "data" / "stray.txt").write_text("not part of the package", encoding="utf-8")
    (root / "book" / "systems" / "leftover.ipynb").write_text("{}", encoding="utf-8")
    bundle = write_bundle(RELEASE, root, tmp_path / "bundle", None, notebooks)
    assert not (bundle / "data" / "stray.txt").exists()
    assert sorted(p.name for p in (bundle / "notebooks" / "systems").iterdir()) == ["dorset.ipynb"]
    sums = (bundle / "SHA256SUMS").read_text(encoding="utf-8")
    assert "stray.txt" not in sums and "leftover" not in sums


@pytest.mark.parametrize("where", ["data/README.md", "data/lessons.csv", "book/systems/dorset.ipynb"])
def test_symlink_release_input_is_refused_in_the_bundle(tmp_path, secret, where):
    from ics_evidence.release.bundle import write_bundle

    root, notebooks = _bundle_inputs(tmp_path)
    _link(root / where, secret)
    with pytest.raises(ValueError, match="symbolic link"):
        write_bundle(RELEASE, root, tmp_path / "bundle", None, notebooks)
    leaked = [p for p in (tmp_path / "bundle").rglob("*") if p.is_file() and "SECRET" in p.read_text(errors="replace")]
    assert leaked == []


def test_symlink_in_the_built_site_is_refused_in_the_bundle(tmp_path, secret):
    from ics_evidence.release.bundle import write_bundle

    root, notebooks = _bundle_inputs(tmp_path)
    (root / "_build" / "html" / "leak.txt").symlink_to(secret)
    with pytest.raises(ValueError, match="symbolic link"):
        write_bundle(RELEASE, root, tmp_path / "bundle", None, notebooks)
