"""End to end, in a copy of the run's built project: edit data, build, read the new value in
the page; build again with nothing changed, and nothing reruns. (The first build from nothing,
by the README's command, is the shared build itself: its log is checked here too.)"""

from __future__ import annotations

import pytest

from ics_evidence.data.csvfiles import edit_cell, read_rows
from tests.helpers import copy_built, run

pytestmark = pytest.mark.book


def test_the_first_build_ends_with_one_line_and_keeps_sphinx_output_in_its_log(built_project):
    first_log = (built_project / "_build" / "logs" / "first-build.out").read_text(encoding="utf-8")
    assert first_log.strip().splitlines()[-1].startswith("book: ") and "Sphinx rebuilt" in first_log
    assert "HTML pages are here" not in first_log, "Sphinx's own output belongs in the log"
    assert "HTML pages are here" in (built_project / "_build" / "logs" / "sphinx.log").read_text(encoding="utf-8")


def test_edited_value_reaches_the_page_and_a_no_op_build_runs_nothing(built_project, tmp_path):
    project = copy_built(built_project, tmp_path / "project")
    _, log = run(project, "build")
    assert "no notebook rerun" in log and "Sphinx skipped" in log, "a copy of a built project is up to date"

    _, lessons = read_rows(project / "data" / "lessons.csv")
    lesson = next(row for row in lessons if row["system_id"])  # a system's own lesson
    system = lesson["system_id"]
    marker = "Edited in the end-to-end test: 4,321 people reached."
    edit_cell(project / "data" / "lessons.csv", {"lesson_id": lesson["lesson_id"]}, "summary", marker)
    _, log = run(project, "build")
    # The system's page reruns for its own rows; of the other pages only those reading every lesson
    # (the manifest says which) rerun, and no other system's page does.
    from ics_evidence.manifest import Manifest

    manifest = Manifest.read(project / "notebooks" / "pipeline.yml")
    whole = [e.name for e in manifest.notebooks if "lessons" in e.reads]
    assert whole, "the manifest has notebooks reading every lesson"
    assert f"running {1 + len(whole)} of " in log
    assert f"system-profile[{system}] (data/lessons.csv (rows of {system}) changed)" in log
    assert all(f"] {name} (data/lessons.csv changed)" in log for name in whole)
    page = (project / "_build" / "html" / "book" / "systems" / f"{system}.html").read_text(encoding="utf-8")
    assert marker in page

    _, log = run(project, "build")
    assert "notebooks up to date" in log and "[1/" not in log
    assert "Sphinx skipped" in log.strip().splitlines()[-1]
