"""Scaffolding a new system: ``python -m ics_evidence new-system ID --name "..."``.

Appends the rows every system must have (its ``systems`` row, one row per dimension and per
theme) with the cells only an analyst can
fill left empty. Those cells are required by the schema, so ``validate`` points at each one
(rule ``required``) until it is filled; nothing else in the package changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ics_evidence.data.cells import check_cell, same_text_key
from ics_evidence.data.csvfiles import read_rows, write_rows
from ics_evidence.data.schema import Package, Resource, read_package
from ics_evidence.terminal import escaped

# Codebooks every system is coded against, one row per entry (the validator's coverage rule).
# Care areas are coded sparsely (no row = not evident), so a new system starts with none.
COVERED_CODEBOOKS = ("dimensions", "themes")
# Tables a system may have rows in, filled as the sources allow (no placeholder rows).
OPTIONAL_TABLES = {
    "system_figures": "one row per measure and source; is_reference = true on the value the book uses",
    "improvement_examples": "examples of improvement work, each themed in example_themes.csv",
    "results": "targets, outcomes and scale figures, linked to an example where there is one",
    "system_methods": "improvement methods the system uses",
    "system_partners": "external partners and experts",
    "lessons": "enablers, barriers and lessons",
    "system_care_areas": "care areas its work is about (improvement-work) or its case study names (mentioned)",
}


class ScaffoldError(ValueError):
    """The new system cannot be added (the message says why); nothing was written."""


@dataclass
class TableRows:
    """The rows added to one table and the cells in them left to fill."""

    resource: Resource
    path: Path
    first_row: int  # spreadsheet numbering: the header is row 1
    rows: list[dict[str, str]]
    to_fill: list[str] = field(default_factory=list)

    @property
    def span(self) -> str:
        last = self.first_row + len(self.rows) - 1
        return f"row {self.first_row}" if last == self.first_row else f"rows {self.first_row}-{last}"


def _system_pattern(package: Package) -> str:
    return package.resource("systems").field("system_id").constraints.pattern or r"^[a-z0-9]+(-[a-z0-9]+)*$"


def _coverage_tables(package: Package) -> list[tuple[Resource, Resource, str]]:
    """(fact table, codebook, key) for each codebook every system must be coded against: the
    table keyed by (system_id, the codebook's key), e.g. theme_coding for themes."""
    names = {resource.name for resource in package.resources}
    found = []
    for codebook_name in COVERED_CODEBOOKS:
        if codebook_name not in names:
            continue
        codebook = package.resource(codebook_name)
        key = codebook.primary_key[0]
        for resource in package.resources:
            if tuple(resource.primary_key) == ("system_id", key) and any(
                fk.resource == codebook_name for fk in resource.foreign_keys
            ):
                found.append((resource, codebook, key))
    return found


def _required_empty(resource: Resource, row: dict[str, str]) -> list[str]:
    return [f.name for f in resource.fields if f.required and row.get(f.name, "") == ""]


def plan_new_system(data_dir: Path, system_id: str, name: str, abbreviation: str = "") -> list[TableRows]:
    """The rows to append for a new system, checked against the package; writes nothing."""
    package = read_package(data_dir)
    systems = package.resource("systems")
    pattern = _system_pattern(package)
    if not re.fullmatch(pattern, system_id):
        raise ScaffoldError(
            f"{system_id!r} is not a valid system id: use a lowercase slug of letters, digits and single "
            f"hyphens, e.g. 'north-somerset' (pattern {pattern})"
        )
    if not name.strip():
        raise ScaffoldError("--name must not be empty")
    # What was typed obeys the validator's text rules, checked before anything is written.
    for option, column, value in (("ID", "system_id", system_id), ("--name", "name", name),
                                  ("--abbreviation", "abbreviation", abbreviation)):  # fmt: skip
        if column in systems.field_names:
            problems = check_cell(systems.field(column), value)[1]
            if problems:
                shown, rule, message = problems[0]
                raise ScaffoldError(f"{option} {escaped(repr(shown))} — {rule}: {message}")
    header, existing = read_rows(data_dir / systems.path)
    if any(row["system_id"] == system_id for row in existing):
        raise ScaffoldError(f"system {system_id!r} already exists in {systems.path}; edit its rows instead")
    same_name = [row["system_id"] for row in existing if same_text_key(row["name"].strip()) == same_text_key(name)]
    if same_name:
        raise ScaffoldError(f"system {same_name[0]!r} already has the name {name!r}")

    row = dict.fromkeys(header, "")
    row.update(system_id=system_id, name=name, abbreviation=abbreviation)
    if "kind" in row:  # an integrated care system unless the analyst says it is a programme
        row["kind"] = "ics"
    plans = [TableRows(systems, data_dir / systems.path, len(existing) + 2, [row], _required_empty(systems, row))]

    for resource, codebook, key in _coverage_tables(package):
        table_header, table_rows = read_rows(data_dir / resource.path)
        leftovers = [r for r in table_rows if r["system_id"] == system_id]
        if leftovers:
            raise ScaffoldError(
                f"{resource.path} already has {len(leftovers)} row(s) for {system_id!r} but systems.csv has no "
                "row for it; remove them or add the systems row by hand"
            )
        _, entries = read_rows(data_dir / codebook.path)
        new_rows = []
        for entry in entries:
            new = dict.fromkeys(table_header, "")
            new.update({"system_id": system_id, key: entry[key]})
            new_rows.append(new)
        to_fill = _required_empty(resource, new_rows[0]) if new_rows else []
        plans.append(TableRows(resource, data_dir / resource.path, len(table_rows) + 2, new_rows, to_fill))
    return plans


def add_system(data_dir: Path, system_id: str, name: str, abbreviation: str = "") -> list[TableRows]:
    """Append the new system's rows (all checks first, so a refusal writes nothing)."""
    plans = plan_new_system(data_dir, system_id, name, abbreviation)
    for plan in plans:
        header, rows = read_rows(plan.path)
        write_rows(plan.path, header, rows + plan.rows)
    return plans


def _describe(plan: TableRows) -> str:
    resource = plan.resource
    fill = ", ".join(plan.to_fill)
    if resource.name == "systems":
        return (
            f"{fill}; chief_executive and chief_executive_quote if a source names the chief executive; "
            "the quote (at most 30 words, verbatim) must be in the source's section"
        )
    extra = []
    if resource.name == "theme_coding":
        extra.append("strength 0 = not evident, 1 = present, 2 = central; section and quote unless strength is 0")
    elif "quote" in resource.field_names:
        extra.append("source_id, section and quote where a source states it")
    return "; ".join([fill, *extra])


def report(plans: list[TableRows], data_dir: Path, system_id: str) -> str:
    total = sum(len(plan.rows) for plan in plans)
    lines = [f"added {system_id}: {total} rows with empty cells for you to fill in", ""]
    for plan in plans:
        lines.append(f"  {data_dir.name}/{plan.resource.path} {plan.span}: {_describe(plan)}")
    lines += ["", "then, as the sources allow (no rows were added):"]
    package_tables = {resource.name for resource in read_package(data_dir).resources}
    lines += [f"  {name}.csv: {text}" for name, text in OPTIONAL_TABLES.items() if name in package_tables]
    lines += [
        "",
        "Every quotation needs its document: a new one goes in sources.csv and in sources/ or the external "
        "folder (data/README.md).",
        "`make validate` lists each cell still empty (rule 'required'); CONTRIBUTING.md walks through the rest.",
    ]
    return "\n".join(lines)
