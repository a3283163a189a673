"""Source documents: any file name, a folder in the repository searched before the external
one, and one message per missing document (not one per quotation)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ics_evidence import validate_package
from ics_evidence.data.csvfiles import edit_cell, read_rows

from .conftest import requires_sources


def _file_of(data: Path, source_id: str) -> str:
    return next(row["file"] for row in read_rows(data / "sources.csv")[1] if row["source_id"] == source_id)


def _quoting(data: Path, source_id: str) -> int:
    """How many rows across the package quote ``source_id``."""
    count = 0
    for path in data.glob("*.csv"):
        header, rows = read_rows(path)
        if "source_id" in header and "quote" in header:
            count += sum(1 for row in rows if row["source_id"] == source_id and row["quote"])
    return count


def _external_without(tmp_path: Path, sources: Path, file_name: str) -> Path:
    external = tmp_path / "external"
    shutil.copytree(sources, external, ignore=shutil.ignore_patterns(file_name))
    return external


@requires_sources
def test_a_missing_document_is_one_problem_on_its_sources_row(data_copy, sources, tmp_path):
    missing = _file_of(data_copy, "blog-2023")
    assert _quoting(data_copy, "blog-2023") > 1, "the test needs a document quoted more than once"
    problems = validate_package(data_copy, _external_without(tmp_path, sources, missing))
    assert len(problems) == 1, "\n".join(map(str, problems))
    problem = problems[0]
    assert (Path(problem.file).name, problem.column, problem.value, problem.rule) == (
        "sources.csv",
        "file",
        missing,
        "source-missing",
    )
    unchecked = int(re.search(r"(\d+) quotation\(s\) unchecked", problem.message).group(1))
    assert unchecked >= _quoting(data_copy, "blog-2023")
    assert "data/README.md" in problem.message


@requires_sources
def test_any_file_name_in_the_repository_sources_folder(data_copy, sources, tmp_path):
    """A document in the repository's sources/ folder (beside data/) is found under any name,
    before the external folder is searched."""
    missing = _file_of(data_copy, "blog-2023")
    local = tmp_path / "sources"  # data_copy is tmp_path/data
    local.mkdir(exist_ok=True)  # data_copy brings the checkout's sources/ folder
    renamed = "Shedding light on improvement (blog, 2023).txt"
    shutil.copy(sources / missing, local / renamed)
    edit_cell(data_copy / "sources.csv", {"source_id": "blog-2023"}, "file", renamed)
    assert validate_package(data_copy, _external_without(tmp_path, sources, missing)) == []


def _about_the_blog(problem) -> bool:
    return problem.rule in ("evidence", "section-heading") and "blog-2023" in f"{problem.message} {problem.value}"


@requires_sources
def test_the_repository_folder_is_searched_first(data_copy, sources, tmp_path):
    name = _file_of(data_copy, "blog-2023")
    local = tmp_path / "sources"
    local.mkdir(exist_ok=True)  # data_copy brings the checkout's sources/ folder
    (local / name).write_text("A different text that quotes nothing.", encoding="utf-8")
    problems = validate_package(data_copy, sources)
    # Every quotation of the blog, and its section headings, are now looked for in the local copy.
    assert problems and all(_about_the_blog(p) for p in problems)
    assert any(p.rule == "evidence" for p in problems)


def test_without_the_external_folder_local_documents_are_still_checked(data_copy, tmp_path):
    local = tmp_path / "sources"
    local.mkdir(exist_ok=True)  # data_copy brings the checkout's sources/ folder
    (local / _file_of(data_copy, "blog-2023")).write_text("Nothing the rows quote.", encoding="utf-8")
    # Without the external folder the other documents are missing: an explicit opt-out (issue 10).
    problems = validate_package(data_copy, tmp_path / "no-such-folder", require_sources=False)
    assert problems, "quotations from a local document must be checked"
    assert all(_about_the_blog(p) for p in problems)
    assert any(p.rule == "evidence" for p in problems)


def test_a_file_name_with_a_folder_part_is_refused(data_copy, tmp_path):
    edit_cell(data_copy / "sources.csv", {"source_id": "blog-2023"}, "file", "../secret.txt")
    problems = validate_package(data_copy, tmp_path / "no-such-folder", require_sources=False)
    assert [(Path(p.file).name, p.column, p.rule) for p in problems] == [("sources.csv", "file", "pattern")]
