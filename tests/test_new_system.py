"""`python -m ics_evidence new-system ID --name ...` writes the rows a new system needs, the
validator points at exactly the cells left to fill, and once they are filled the package is
valid; an existing or malformed id is refused without writing anything."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from ics_evidence import validate_package
from ics_evidence.data.csvfiles import read_rows, write_rows
from ics_evidence.data.scaffold import ScaffoldError, add_system
from tests.helpers import ROOT

NEW = "north-somerset"
EVIDENCED = ("case_study_title", "source_id", "section", "quote")
# Not one of the report's case studies (the report presents no more than it has): a system from
# another document, whose quotation this check (without source texts) takes on trust.
OWN_DOCUMENT = {"evidence_origin": "own-document", "source_id": "blog-2023", "section": "Taking a closer look"}


def _new_system(data: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ics_evidence", "--root", str(ROOT), "--data", str(data), "new-system", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def _problems(data: Path, tmp_path: Path) -> set[tuple]:
    # No external sources folder, opted out explicitly: every rule but the verbatim-quotation check runs.
    problems = validate_package(data, tmp_path / "no-sources", require_sources=False)
    return {(Path(p.file).name, p.row, p.column) for p in problems}


def _digest(data: Path) -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(data.glob("*.csv")))).hexdigest()


def _placeholders(data: Path) -> set[tuple]:
    """(file, row, column) of every cell in the new system's rows left for the analyst to fill."""
    expected = {
        "systems.csv": ("evidence_origin", "case_study_title", "source_id", "section", "quote"),
        "system_dimensions.csv": ("summary",),
        "theme_coding.csv": ("strength", "summary", "source_id"),
    }
    cells = set()
    for table, columns in expected.items():
        for number, row in enumerate(read_rows(data / table)[1], start=2):
            if row["system_id"] == NEW:
                cells |= {(table, number, column) for column in columns}
                if table == "theme_coding.csv":  # a quotation is needed unless strength is 0
                    cells.add((table, number, "quote"))
    return cells


def test_scaffold_then_validate_names_exactly_the_placeholders(data_copy, tmp_path):
    assert _problems(data_copy, tmp_path) == set()
    result = _new_system(data_copy, NEW, "--name", "North Somerset")
    assert result.returncode == 0, result.stderr
    assert "systems.csv" in result.stdout and "theme_coding.csv" in result.stdout and "make validate" in result.stdout

    dimensions = len(read_rows(data_copy / "dimensions.csv")[1])
    themes = len(read_rows(data_copy / "themes.csv")[1])
    rows = {name: [r for r in read_rows(data_copy / name)[1] if r["system_id"] == NEW]
            for name in ("systems.csv", "system_dimensions.csv", "theme_coding.csv")}  # fmt: skip
    assert [len(rows[n]) for n in rows] == [1, dimensions, themes]
    assert rows["systems.csv"][0]["name"] == "North Somerset"

    placeholders = _placeholders(data_copy)
    assert len(placeholders) == 5 + dimensions + 4 * themes
    assert _problems(data_copy, tmp_path) == placeholders


def test_filling_the_placeholders_makes_the_package_valid(data_copy, tmp_path):
    add_system(data_copy, NEW, "North Somerset")
    donor = read_rows(data_copy / "systems.csv")[1][0]  # borrow real evidence to fill the cells
    for table, fill in (
        ("systems.csv", lambda row: row.update({k: donor[k] for k in EVIDENCED}, **OWN_DOCUMENT)),
        ("system_dimensions.csv", lambda row: row.update(summary="Not described in the sources.")),
        ("theme_coding.csv", lambda row: row.update(strength="0", summary="Not evident.", source_id="report-2023")),
    ):
        header, rows = read_rows(data_copy / table)
        for row in rows:
            if row["system_id"] == NEW:
                fill(row)
        write_rows(data_copy / table, header, rows)
    assert _problems(data_copy, tmp_path) == set()


@pytest.mark.parametrize(
    ("system_id", "message"),
    [
        ("west-yorkshire", "already exists"),
        ("North_Somerset", "not a valid system id"),
        ("north--somerset", "not a valid"),
    ],
)
def test_existing_or_malformed_id_is_refused_and_nothing_is_written(data_copy, system_id, message):
    before = _digest(data_copy)
    result = _new_system(data_copy, system_id, "--name", "Somewhere")
    assert result.returncode == 1
    assert message in result.stderr
    assert _digest(data_copy) == before


def test_an_existing_name_is_refused(data_copy):
    name = read_rows(data_copy / "systems.csv")[1][0]["name"]
    with pytest.raises(ScaffoldError, match="already has the name"):
        add_system(data_copy, NEW, name.upper())
