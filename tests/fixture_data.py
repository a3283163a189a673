"""A small fixture data package derived from the shipped one, for running every notebook on
data it was not written against: the first two integrated care systems of the shipped data
plus "Testshire", a further system that has codings but no figures, examples, results or
partners at all (the ninth-system fixture's system and document, renamed, with only the rows
every system must have).

    .venv/bin/python -m tests.fixture_data DIR
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from ics_evidence.data.csvfiles import read_rows, write_rows
from ics_evidence.data.schema import read_package
from tests.helpers import DATA_DIR, NINTH_SYSTEM, NINTH_SYSTEM_ID

KEPT = tuple(row["system_id"] for row in read_rows(DATA_DIR / "systems.csv")[1] if row["kind"] == "ics")[:2]
NEW_SYSTEM = "testshire"
# Of the ninth-system fixture: its document and the rows every system must have, no others.
NEW_SYSTEM_TABLES = ("sources", "sections", "systems", "system_dimensions", "theme_coding")


def _new_system_rows(table: str) -> list[dict[str, str]]:
    path = NINTH_SYSTEM / "data" / f"{table}.csv"
    if table not in NEW_SYSTEM_TABLES or not path.is_file():
        return []
    rows = []
    for row in read_rows(path)[1]:
        row = {key: value.replace(NINTH_SYSTEM_ID, NEW_SYSTEM) if key in ("system_id", "source_id") else value
               for key, value in row.items()}  # fmt: skip
        if table == "sources":
            row["file"] = f"Testshire {row['file']}"
        if table == "systems":
            row.update(name="Testshire", abbreviation="", chief_executive="", chief_executive_quote="")
        rows.append(row)
    return rows


def make_fixture(target: Path) -> Path:
    """The fixture package in ``target`` (a folder named ``data``), Testshire's document in the
    ``sources`` folder beside it."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA_DIR / "datapackage.json", target / "datapackage.json")
    package = read_package(DATA_DIR)
    examples_kept: set[str] = set()
    cases_kept: set[str] = set()
    for resource in package.resources:
        header, rows = read_rows(DATA_DIR / resource.path)
        if "system_id" in header and resource.role != "fact":
            # Documents and sections of systems left out are about no system in the fixture.
            rows = [dict(r, system_id="") if r["system_id"] not in KEPT else r for r in rows]
        elif "system_id" in header:
            # Rows of the kept systems, and rows about no one system (cross-system lessons).
            rows = [r for r in rows if r["system_id"] in KEPT or r["system_id"] == ""]
        rows += [{key: row.get(key, "") for key in header} for row in _new_system_rows(resource.name)]
        if resource.name == "improvement_examples":
            examples_kept = {r["example_id"] for r in rows}
        if resource.name == "earlier_case_studies":
            cases_kept = {r["case_id"] for r in rows}
        if resource.name in ("example_themes", "example_care_areas"):
            rows = [r for r in rows if r["example_id"] in examples_kept]
        if resource.name == "earlier_case_study_items":
            rows = [r for r in rows if r["case_id"] in cases_kept]
        write_rows(target / resource.path, header, rows)
    sources = target.parent / "sources"
    sources.mkdir(exist_ok=True)
    for row in _new_system_rows("sources"):
        original = row["file"].removeprefix("Testshire ")
        shutil.copy(NINTH_SYSTEM / "sources" / original, sources / row["file"])
    return target


if __name__ == "__main__":
    print(make_fixture(Path(sys.argv[1])))
