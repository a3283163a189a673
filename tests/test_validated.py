"""Validate once per build: the loader skips validation only for exactly the bytes a build
found valid; a changed or poisoned data folder, other sources or another choice about them is
validated afresh, whatever was recorded before."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ics_evidence.data import load, validated
from ics_evidence.data.csvfiles import edit_cell, read_rows
from ics_evidence.data.load import DataPackageError, load_package
from ics_evidence.project import WITHOUT_SOURCES_ENV, Project
from tests.helpers import PROJECT


@pytest.fixture
def project(tmp_path, monkeypatch) -> Project:
    """A minimal project around a copy of the data, run in (as papermill runs notebooks)."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT.data_dir, root / "data")
    for marker in ("_config.yml", "notebooks/pipeline.yml"):
        (root / marker).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT.root / marker, root / marker)
    if PROJECT.local_sources_dir.is_dir():
        shutil.copytree(PROJECT.local_sources_dir, root / "sources")
    monkeypatch.chdir(root)
    return Project(root)


@pytest.fixture
def validations(monkeypatch) -> list[Path]:
    """The folders the loader validated (validation itself still runs)."""
    calls: list[Path] = []
    original = load.validate_package

    def counted(directory, sources=None, **kwargs):
        calls.append(Path(directory))
        return original(directory, sources, **kwargs)

    monkeypatch.setattr(load, "validate_package", counted)
    return calls


def _record(project: Project) -> str:
    key = validated.validation_key(project.data_dir, PROJECT.sources_dir)
    validated.record(project.build_dir, key)
    return key


def test_a_recorded_package_is_loaded_without_validating_again(project, validations):
    load_package(project.data_dir, sources=PROJECT.sources_dir)
    assert validations == [project.data_dir]
    _record(project)
    tables = load_package(project.data_dir, sources=PROJECT.sources_dir)
    assert validations == [project.data_dir], "validated again although this build recorded it"
    assert len(tables["systems"]) == len(read_rows(project.data_dir / "systems.csv")[1])


def test_a_poisoned_cell_after_the_record_is_validated_and_refused(project, validations):
    _record(project)
    _, rows = read_rows(project.data_dir / "systems.csv")
    edit_cell(project.data_dir / "systems.csv", {"system_id": rows[0]["system_id"]}, "name", "")
    with pytest.raises(DataPackageError, match="required"):
        load_package(project.data_dir, sources=PROJECT.sources_dir)
    assert validations == [project.data_dir]


@pytest.mark.parametrize("change", ["added file", "descriptor byte", "renamed table", "symlinked table"])
def test_every_change_to_the_data_folder_changes_the_key(project, change):
    before = validated.validation_key(project.data_dir, PROJECT.sources_dir)
    data = project.data_dir
    if change == "added file":
        (data / "extra.csv").write_text("a\n1\n", encoding="utf-8")
    elif change == "descriptor byte":
        descriptor = data / "datapackage.json"
        descriptor.write_bytes(descriptor.read_bytes() + b" ")
    elif change == "renamed table":
        (data / "lessons.csv").rename(data / "lessons-old.csv")
    else:
        (data / "lessons.csv").rename(project.root / "lessons.csv")
        (data / "lessons.csv").symlink_to(project.root / "lessons.csv")
    assert validated.validation_key(project.data_dir, PROJECT.sources_dir) != before


def test_other_sources_or_not_checking_them_change_the_key(project, tmp_path, monkeypatch):
    monkeypatch.delenv(WITHOUT_SOURCES_ENV, raising=False)
    sources = tmp_path / "sources"
    shutil.copytree(PROJECT.sources_dir, sources)
    key = validated.validation_key(project.data_dir, sources)
    assert validated.validation_key(project.data_dir, sources) == key  # the same bytes, the same key
    first = sorted(p for p in sources.iterdir() if p.is_file())[0]
    first.write_text(first.read_text(encoding="utf-8") + " edited", encoding="utf-8")
    edited = validated.validation_key(project.data_dir, sources)
    first.unlink()
    removed = validated.validation_key(project.data_dir, sources)
    monkeypatch.setenv(WITHOUT_SOURCES_ENV, "1")
    unchecked = validated.validation_key(project.data_dir, sources)
    assert len({key, edited, removed, unchecked}) == 4


def test_a_change_to_the_validating_code_changes_the_key(project, tmp_path, monkeypatch):
    code = tmp_path / "code"
    shutil.copytree(Path(validated.__file__).parents[1], code, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(validated, "_PACKAGE_DIR", code)
    key = validated.validation_key(project.data_dir, PROJECT.sources_dir)
    rules = code / "data" / "validate.py"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# a rule loosened\n", encoding="utf-8")
    assert validated.validation_key(project.data_dir, PROJECT.sources_dir) != key


def test_a_record_in_another_project_does_not_count(project, tmp_path, validations):
    other = Project(tmp_path / "elsewhere")
    validated.record(other.build_dir, validated.validation_key(project.data_dir, PROJECT.sources_dir))
    load_package(project.data_dir, sources=PROJECT.sources_dir)
    assert validations == [project.data_dir]


def test_the_latest_record_replaces_the_others(project):
    validated.record(project.build_dir, "a" * 64)
    key = _record(project)
    assert [p.name for p in (project.build_dir / validated.FOLDER).iterdir()] == [key]


@pytest.mark.book
def test_the_build_records_the_package_it_validated(built_project):
    """The run's shared build recorded its data's key, so its notebooks loaded without
    validating again."""
    key = validated.validation_key(built_project / "data", PROJECT.sources_dir)
    assert validated.is_recorded(key, built_project / "_build")
