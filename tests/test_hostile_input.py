"""Untrusted input refused before it can do harm (issue 10), fast (no notebooks run):

* the descriptor is checked against the project's required schema: paths confined to data/,
  no required rule (id pattern, required/unique, key, evidence group, range) removable or
  loosened, and ids never become paths outside the book;
* one CSV reader for validator, loader and hasher: BOM, duplicate or unnamed headers, blank
  rows, header-only tables;
* cells: ASCII digits, strict ISO dates, case-insensitive uniqueness of ids and names,
  control/bidi/zero-width characters, formula-leading text.

Each class is driven over several variants and several tables, not one example.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ics_evidence import DataPackageError, load_package, validate_package
from ics_evidence.assemble.fingerprint import DataHasher
from ics_evidence.data.csvfiles import read_rows, write_rows
from tests.helpers import DATA_DIR, PROJECT, ROOT


def problems_of(data: Path, sources: Path | None = None) -> list[tuple]:
    return [(Path(p.file).name, p.row, p.column, p.value, p.rule) for p in validate_package(data, sources)]


def rules_of(data: Path, sources: Path | None = None) -> set[str]:
    return {p[4] for p in problems_of(data, sources)}


def set_cell(data: Path, table: str, row: int, column: str, value: str) -> None:
    header, rows = read_rows(data / f"{table}.csv")
    rows[row - 2][column] = value
    write_rows(data / f"{table}.csv", header, rows)


def cli(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ics_evidence", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip


# -- the descriptor ---------------------------------------------------------------------------


def shipped_descriptor() -> dict:
    return json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))


def resource_of(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def field_of(descriptor: dict, resource: str, name: str) -> dict:
    return next(f for f in resource_of(descriptor, resource)["schema"]["fields"] if f["name"] == name)


def check_descriptor(descriptor: dict) -> list[tuple[str, str]]:
    from ics_evidence.data.schema import check_descriptor

    return check_descriptor(descriptor)[1]


def descriptor_problems(data: Path, descriptor: dict) -> set[str]:
    """Where validation of ``data`` with ``descriptor`` finds the descriptor at fault."""
    (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return {p.column or "" for p in validate_package(data) if p.rule == "descriptor"}


def test_shipped_descriptor_keeps_the_project_rules():
    assert check_descriptor(shipped_descriptor()) == []


@pytest.mark.parametrize(
    "path", ["../outside.csv", "/etc/passwd", "sub/systems.csv", "systems.tsv", "SYSTEMS.csv", "systems.csv/."]
)
def test_resource_path_is_confined_to_the_package_folder(data_copy, path):
    descriptor = shipped_descriptor()
    resource_of(descriptor, "systems")["path"] = path
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    problems = validate_package(data_copy)
    assert problems and all(p.rule == "descriptor" for p in problems), problems
    assert any("path must be systems.csv" in p.message for p in problems)


def _required_constraints():
    """Every constraint of the shipped descriptor: the rules the project requires today."""
    for resource in shipped_descriptor()["resources"]:
        for field in resource["schema"]["fields"]:
            for constraint in field.get("constraints", {}):
                yield resource["name"], field["name"], constraint


def test_validation_refuses_a_descriptor_without_its_rules(data_copy):
    """All required constraints stripped at once: validation names every one of them."""
    descriptor = shipped_descriptor()
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            field["constraints"] = {}
    found = descriptor_problems(data_copy, descriptor)
    missing = [c for c in _required_constraints() if f"{c[0]}.{c[1]}.constraints.{c[2]}" not in found]
    assert not missing, missing[:5]


def test_validation_refuses_a_descriptor_without_keys_or_evidence(data_copy):
    descriptor = shipped_descriptor()
    for resource in descriptor["resources"]:
        resource["schema"]["primaryKey"], resource["schema"]["foreignKeys"], resource["evidence"] = [], [], []
    found = descriptor_problems(data_copy, descriptor)
    for resource in shipped_descriptor()["resources"]:
        assert f"{resource['name']}.schema.primaryKey" in found
        if resource.get("evidence"):
            assert f"{resource['name']}.evidence" in found
        if resource["schema"].get("foreignKeys"):
            assert f"{resource['name']}.schema.foreignKeys" in found


def test_no_required_constraint_can_be_removed():
    """Every constraint the project requires, removed one at a time, is refused by name."""
    cases = list(_required_constraints())
    assert len(cases) > 50
    for resource, field, constraint in cases:
        descriptor = shipped_descriptor()
        field_of(descriptor, resource, field)["constraints"].pop(constraint)
        where = {w for w, _ in check_descriptor(descriptor)}
        assert f"{resource}.{field}.constraints.{constraint}" in where, (resource, field, constraint)


LOOSENINGS = {
    "pattern": lambda v: ".*",
    "minimum": lambda v: v - 1,
    "maximum": lambda v: v + 1,
    "maxLength": lambda v: v + 1,
    "enum": lambda v: [*v, "anything"],
    "required": lambda v: False,
    "unique": lambda v: False,
}


def test_no_required_constraint_can_be_loosened():
    for resource, field, constraint in _required_constraints():
        descriptor = shipped_descriptor()
        constraints = field_of(descriptor, resource, field)["constraints"]
        constraints[constraint] = LOOSENINGS[constraint](constraints[constraint])
        assert check_descriptor(descriptor), (resource, field, constraint)


def test_constraints_may_be_tightened_and_tables_added():
    descriptor = shipped_descriptor()
    field_of(descriptor, "sources", "title")["constraints"]["maxLength"] = 500
    extra = copy.deepcopy(resource_of(descriptor, "themes"))
    extra.update(name="extra_codes", path="extra_codes.csv")
    descriptor["resources"].append(extra)
    assert check_descriptor(descriptor) == []


def test_keys_evidence_tables_and_columns_cannot_be_dropped():
    from ics_evidence.data.rules import required_schema

    for rule in required_schema()["resources"]:
        variants = []
        descriptor = shipped_descriptor()
        descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != rule["name"]]
        variants.append(descriptor)
        descriptor = shipped_descriptor()
        resource_of(descriptor, rule["name"])["schema"]["primaryKey"] = []
        variants.append(descriptor)
        if rule["foreignKeys"]:
            descriptor = shipped_descriptor()
            resource_of(descriptor, rule["name"])["schema"]["foreignKeys"] = []
            variants.append(descriptor)
        if rule["evidence"]:
            descriptor = shipped_descriptor()
            resource_of(descriptor, rule["name"])["evidence"] = []
            variants.append(descriptor)
        for descriptor in variants:
            assert check_descriptor(descriptor), rule["name"]


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: resource_of(d, "systems").update(name="../systems"),
        lambda d: field_of(d, "systems", "name").update(name="name`{raw}"),
        lambda d: field_of(d, "systems", "name").update(type="html"),
        lambda d: field_of(d, "systems", "name")["constraints"].update(pattern="("),
        lambda d: field_of(d, "systems", "name")["constraints"].update(execute="yes"),
        lambda d: d.update(resources="systems.csv"),
    ],
    ids=["resource name", "field name", "unknown type", "broken pattern", "unknown constraint", "shape"],
)
def test_malformed_descriptor_is_refused_with_a_message(data_copy, mutate):
    descriptor = shipped_descriptor()
    mutate(descriptor)
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    result = cli("--data", str(data_copy), "validate")
    assert result.returncode == 1
    assert "datapackage.json" in result.stderr and "— descriptor:" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_an_id_never_becomes_a_path_outside_the_book(tmp_path):
    """Even with the id pattern gone from the descriptor and an id that is a path, nothing
    is planned outside book/ (the descriptor is refused; the job guard holds regardless)."""
    from tests.helpers import copy_project, project_environment

    root = copy_project(tmp_path / "project")
    descriptor = shipped_descriptor()
    field_of(descriptor, "systems", "system_id")["constraints"].pop("pattern")
    (root / "data" / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    set_cell(root / "data", "systems", 2, "system_id", "../../../escaped")
    for verb in ("validate", "status", "run"):
        result = cli(verb, cwd=root, env=project_environment(root))
        assert result.returncode != 0, verb
        assert "Traceback" not in result.stderr, result.stderr
    assert not (tmp_path / "escaped.ipynb").exists()
    assert not list(tmp_path.rglob("escaped*"))


# -- the CSV reader ---------------------------------------------------------------------------

TABLES = ["systems", "improvement_examples", "lessons", "themes"]


def test_bom_is_accepted_and_every_reader_sees_the_same_rows(data_copy):
    plain = load_package(data_copy, tables=TABLES)
    for table in TABLES:
        path = data_copy / f"{table}.csv"
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert problems_of(data_copy) == []
    with_bom = load_package(data_copy, tables=TABLES)
    for table in TABLES:
        assert with_bom[table].equals(plain[table]), table


@pytest.mark.parametrize("table", ["improvement_examples", "results", "theme_coding", "lessons"])
def test_bom_does_not_hide_an_edit_from_rerun_detection(data_copy, table):
    path = data_copy / f"{table}.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    header, rows = read_rows(path)
    system = rows[0]["system_id"]
    before = DataHasher().rows(path, system)
    column = next(c for c in ("summary", "description", "quote", "section") if c in header)
    rows[0][column] += " (edited)"
    text = path.read_bytes()  # keep the BOM, as the spreadsheet would
    write_rows(path, header, rows)
    path.write_bytes(text[:3] + path.read_bytes())
    assert DataHasher().rows(path, system) != before


@pytest.mark.parametrize(("table", "duplicate"), [("systems", "same"), ("lessons", "case"), ("themes", "same")])
def test_duplicate_header_is_refused(data_copy, table, duplicate):
    path = data_copy / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    copy_name = header[1] if duplicate == "same" else header[1].upper()
    lines = [f"{line},{'' if i else copy_name}" if i == 0 else f"{line},<b>x</b>" for i, line in enumerate(lines)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "header" in rules_of(data_copy), problems_of(data_copy)
    with pytest.raises(DataPackageError):
        load_package(data_copy, tables=[table])


def test_unnamed_header_is_refused(data_copy):
    for table in TABLES:
        path = data_copy / f"{table}.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        path.write_text("\n".join(line + "," for line in lines) + "\n", encoding="utf-8")
    named = {p[0] for p in problems_of(data_copy) if p[4] == "header" and p[2].startswith("column ")}
    assert named == {f"{table}.csv" for table in TABLES}


@pytest.mark.parametrize("where", ["middle", "end", "commas"])
def test_blank_row_is_refused_with_its_number(data_copy, where):
    expected = set()
    for table in TABLES:
        path = data_copy / f"{table}.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        blank = "," * (lines[0].count(",")) if where == "commas" else ""
        at = 3 if where != "end" else len(lines)
        lines.insert(at, blank)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        expected.add((f"{table}.csv", at + 1, None, None, "blank-row"))
    assert expected <= set(problems_of(data_copy))


def test_header_only_table_is_refused(data_copy):
    tables = ["systems", "themes", "measures", "lessons", "sources"]
    for table in tables:
        path = data_copy / f"{table}.csv"
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    problems = set(problems_of(data_copy))
    for table in tables:
        assert (f"{table}.csv", None, None, None, "empty") in problems


# -- cells ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("system_figures", "value", "\u0661\u0662\u0663"),  # Arabic-Indic digits
        ("system_figures", "value", "\uff11\uff12"),  # full-width digits
        ("system_figures", "value", "1_000"),
        ("system_figures", "value", "infinity"),
        ("system_figures", "value", "\u0967\u0968"),  # Devanagari digits
        ("dimensions", "order", "\u0663"),
        ("sources", "year", "\uff12\uff10\uff12\uff13"),
    ],
)
def test_only_ascii_digits(data_copy, table, column, value):
    set_cell(data_copy, table, 2, column, value)
    assert (f"{table}.csv", 2, column, value, "type") in problems_of(data_copy)


@pytest.mark.parametrize("value", ["20231101", "2023-W44-3", "01/11/2023", "2023-11-1", "\uff12023-11-01"])
def test_dates_are_strict_iso(data_copy, value):
    set_cell(data_copy, "sources", 2, "date", value)
    assert ("sources.csv", 2, "date", value, "type") in problems_of(data_copy)


VARIANTS = (str.upper, str.lower, lambda s: s.replace("e", "\uff45"))  # case, and full-width letters


def test_names_are_unique_ignoring_case(data_copy):
    names = [("systems", "name"), ("partners", "name"), ("themes", "label"), ("methods", "name")]
    for table, column in names:
        header, rows = read_rows(data_copy / f"{table}.csv")
        for offset, variant in enumerate(VARIANTS, start=1):
            rows[offset][column] = variant(rows[0][column])
        write_rows(data_copy / f"{table}.csv", header, rows)
    flagged = {(p[0], p[1]) for p in problems_of(data_copy) if p[4] == "unique"}
    for table, _ in names:
        assert {(f"{table}.csv", 3), (f"{table}.csv", 4), (f"{table}.csv", 5)} <= flagged, table


def test_ids_are_unique_ignoring_case_where_no_pattern_forbids_capitals(data_copy):
    # Primary keys compare case-insensitively too (a case-insensitive file system would merge
    # two such pages); shown on a composite key whose parts have no case-restricting pattern.
    header, rows = read_rows(data_copy / "system_figures.csv")
    assert any(p.rule == "primary-key" for p in validate_package(data_copy)) is False
    rows.append(dict(rows[0]))
    write_rows(data_copy / "system_figures.csv", header, rows)
    assert any(p[4] == "primary-key" for p in problems_of(data_copy))


HIDDEN = ["\u202e", "\u2066", "\u200b", "\u200d", "\u2060", "\ufeff", "\x07", "\x1b", "\n", "\t", "\u00ad"]


@pytest.mark.parametrize("character", HIDDEN, ids=[f"U+{ord(c):04X}" for c in HIDDEN])
def test_control_bidi_and_zero_width_characters_are_refused(data_copy, character):
    cells = [("systems", "system_id"), ("systems", "name"), ("lessons", "summary"), ("partners", "partner_id")]
    for table, column in cells:
        header, rows = read_rows(data_copy / f"{table}.csv")
        rows[0][column] = rows[0][column][:3] + character + rows[0][column][3:]
        write_rows(data_copy / f"{table}.csv", header, rows)
    problems = problems_of(data_copy)
    for table, column in cells:
        assert any(p[:3] == (f"{table}.csv", 2, column) and p[4] == "characters" for p in problems), column


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_formula_leading_text_is_refused(data_copy, start):
    cells = [("systems", "name"), ("lessons", "summary"), ("improvement_examples", "title"), ("sources", "title")]
    value = f'{start}HYPERLINK("http://example.org","x")'
    for table, column in cells:
        set_cell(data_copy, table, 2, column, value)
    problems = problems_of(data_copy)
    for table, column in cells:
        assert (f"{table}.csv", 2, column, value, "formula") in problems


def test_numbers_may_still_be_negative(data_copy):
    """Formula-leading applies to text; a signed number is a number."""
    set_cell(data_copy, "measures", 2, "minimum", "-1")
    assert "formula" not in rules_of(data_copy)


# -- evidence that cannot be skipped silently ---------------------------------------------------


def _without(env_name: str, **extra: str) -> dict:
    import os

    from ics_evidence.project import WITHOUT_SOURCES_ENV

    env = {k: v for k, v in os.environ.items() if k not in (env_name, WITHOUT_SOURCES_ENV)}
    env.update(extra)
    return env


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_missing_sources_fail_validation_and_say_where_and_how(data_copy, tmp_path, how):
    from ics_evidence.project import SOURCES_ENV

    nowhere = tmp_path / "no-sources-here"
    args = ["--data", str(data_copy)]
    env = _without(SOURCES_ENV)
    if how == "flag":
        args = ["--sources", str(nowhere), *args]
    elif how == "environment":
        env[SOURCES_ENV] = str(nowhere)
    result = cli(*args, "validate", env=env)
    assert result.returncode == 1, result.stderr
    assert "— sources:" in result.stderr
    assert str(nowhere) in result.stderr
    for hint in ("--sources", SOURCES_ENV, "--without-sources"):
        assert hint in result.stderr
    assert "Traceback" not in result.stderr


def test_without_sources_is_an_explicit_opt_out_that_is_reported(data_copy, tmp_path):
    from ics_evidence.project import SOURCES_ENV

    env = _without(SOURCES_ENV, **{SOURCES_ENV: str(tmp_path / "none")})
    result = cli("--without-sources", "--data", str(data_copy), "validate", env=env)
    assert result.returncode == 0, result.stderr
    assert "NOT checked" in result.stderr
    # The loader in a notebook kernel inherits the choice through the environment.
    assert validate_package(data_copy, tmp_path / "none", require_sources=False) == []
    assert any(p.rule == "sources" for p in validate_package(data_copy, tmp_path / "none", require_sources=True))


@pytest.mark.slow
def test_data_page_says_when_quotations_were_not_checked(tmp_path):
    from ics_evidence.project import SOURCES_ENV
    from tests.helpers import copy_project

    root = copy_project(tmp_path / "project")
    env = _without(SOURCES_ENV, PYTHONPATH=str(root / "src"), **{SOURCES_ENV: str(tmp_path / "none")})
    page = root / "book" / "generated" / "data-dictionary.md"
    assert cli("--without-sources", "pages", cwd=root, env=env).returncode == 0
    assert "not** checked" in page.read_text(encoding="utf-8")
    env[SOURCES_ENV] = str(PROJECT.sources_dir)
    assert cli("pages", cwd=root, env=env).returncode == 0
    assert "not** checked" not in page.read_text(encoding="utf-8")
