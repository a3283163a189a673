"""A small fixture data package derived from the shipped one, for running every notebook on
data it was not written against: two real systems plus "Testshire", a ninth system that has
codings but no figures, examples, results or partners at all.

    .venv/bin/python -m tests.fixture_data DIR
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from ics_evidence.data.csvfiles import read_rows, write_rows
from ics_evidence.data.schema import read_package
from tests.helpers import DATA_DIR

KEPT = ("west-yorkshire", "dorset")
NEW_SYSTEM = "testshire"
CLONED_FROM = "dorset"


def make_fixture(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA_DIR / "datapackage.json", target / "datapackage.json")
    package = read_package(DATA_DIR)
    examples_kept: set[str] = set()
    cases_kept: set[str] = set()
    for resource in package.resources:
        header, rows = read_rows(DATA_DIR / resource.path)
        if "system_id" in header:
            kept = [r for r in rows if r["system_id"] in KEPT or (r["system_id"] == "" and resource.name == "lessons")]
            if resource.name in ("systems", "theme_coding", "system_dimensions"):
                for row in rows:
                    if row["system_id"] == CLONED_FROM:
                        clone = dict(row, system_id=NEW_SYSTEM)
                        if resource.name == "systems":
                            clone.update(
                                name="Testshire", abbreviation="", chief_executive="", chief_executive_quote=""
                            )
                        kept.append(clone)
            rows = kept
        if resource.name == "improvement_examples":
            examples_kept = {r["example_id"] for r in rows}
        if resource.name == "earlier_case_studies":
            cases_kept = {r["case_id"] for r in rows}
        if resource.name in ("example_themes", "example_care_areas"):
            rows = [r for r in rows if r["example_id"] in examples_kept]
        if resource.name == "earlier_case_study_items":
            rows = [r for r in rows if r["case_id"] in cases_kept]
        write_rows(target / resource.path, header, rows)
    return target


if __name__ == "__main__":
    print(make_fixture(Path(sys.argv[1])))
