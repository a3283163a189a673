"""Bad input through the README's build command, in a copy of the run's built project: every class of
corruption gives a clear message and a non-zero exit, and the last good book and executed
notebooks stay byte for byte as they were."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ics_evidence.data.csvfiles import read_rows, write_rows
from tests.helpers import copy_built, project_environment

pytestmark = pytest.mark.book


@pytest.fixture(scope="module")
def project(built_project, tmp_path_factory) -> Path:
    return copy_built(built_project, tmp_path_factory.mktemp("robust") / "project")


def snapshot(root: Path) -> dict[str, str]:
    """Digest of every published page and executed notebook."""
    files = [*(root / "_build" / "html").rglob("*"), *(root / "book" / "systems").glob("*.ipynb"),
             *(root / "book" / "analyses").glob("*.ipynb")]  # fmt: skip
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.is_file()}


def build(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ics_evidence", "build"],
        cwd=root,
        env=project_environment(root),
        capture_output=True,
        text=True,
        check=False,
    )


def set_cell(table: str, row: int, column: str, value: str) -> Callable[[Path], None]:
    def corrupt(root: Path) -> None:
        header, rows = read_rows(root / "data" / f"{table}.csv")
        rows[row - 2][column] = value
        write_rows(root / "data" / f"{table}.csv", header, rows)

    return corrupt


def append_text(table: str, text: str) -> Callable[[Path], None]:
    def corrupt(root: Path) -> None:
        path = root / "data" / f"{table}.csv"
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    return corrupt


def remove(table: str) -> Callable[[Path], None]:
    return lambda root: (root / "data" / f"{table}.csv").unlink()


def invalid_bytes(root: Path) -> None:
    """Append a copy of the first lesson whose summary holds a Latin-1 byte."""
    path = root / "data" / "lessons.csv"
    header, rows = read_rows(path)
    extra = dict(rows[0], lesson_id="bad-bytes", summary="Cafe\udce9 summary")
    line = ",".join(f'"{extra[c]}"' for c in header).encode("utf-8", errors="surrogateescape")
    path.write_bytes(path.read_bytes() + line + b"\n")


def duplicate_first_row(root: Path) -> None:
    header, rows = read_rows(root / "data" / "improvement_examples.csv")
    write_rows(root / "data" / "improvement_examples.csv", header, [*rows, rows[0]])


def notebook_raises(root: Path) -> None:
    path = root / "notebooks" / "themes.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + '\n```{code-cell} python\nraise RuntimeError("broken analysis")\n```\n', encoding="utf-8")


CASES = {
    "missing file": (remove("results"), "results.csv — file: missing"),
    "malformed CSV": (append_text("systems", 'broken,"never closed\n'), "systems.csv — csv: malformed CSV"),
    "wrong type": (set_cell("system_figures", 2, "value", "three million"), "value 'three million' — type"),
    "negative number": (set_cell("results", 2, "value", "-5"), "value '-5' — minimum"),
    "absurd number": (set_cell("system_figures", 2, "value", "900000000000"), "— plausible-range"),
    "duplicate id": (duplicate_first_row, "— primary-key: duplicate of row 2"),
    "dangling foreign key": (set_cell("improvement_examples", 2, "system_id", "atlantis"), "'atlantis' — foreign-key"),
    "unknown theme": (set_cell("example_themes", 2, "theme_id", "astrology"), "'astrology' — foreign-key"),
    "empty required field": (set_cell("systems", 3, "name", ""), "systems.csv:3 name '' — required"),
    "non-UTF-8 bytes": (invalid_bytes, "summary 'Cafe\\xe9 summary' — encoding: not valid UTF-8"),
    "notebook that raises": (notebook_raises, "RuntimeError: broken analysis"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_refused_and_the_last_good_build_survives(project, case, tmp_path):
    corrupt, message = CASES[case]
    saved = tmp_path / "saved"
    for name in ("data", "notebooks"):
        shutil.copytree(project / name, saved / name)
    before = snapshot(project)
    try:
        corrupt(project)
        result = build(project)
        assert result.returncode != 0
        assert message in result.stderr, result.stderr[-2000:]
        assert snapshot(project) == before
    finally:
        for name in ("data", "notebooks"):
            shutil.rmtree(project / name)
            shutil.copytree(saved / name, project / name)
