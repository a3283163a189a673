"""One validation entry point for the build, the tests and analysts.

Every problem in the package is collected and reported at once, each as
``file:row column value — rule: message``; nothing is written. Row numbers count the
header as row 1, as a spreadsheet shows them.

This module reads the tables (the header, each cell by :mod:`ics_evidence.data.cells`,
uniqueness, foreign keys) and runs the other checks: the evidence against its source
documents (:mod:`ics_evidence.data.quote_checks`) and the rules that span tables
(:mod:`ics_evidence.data.package_checks`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ics_evidence.data import package_checks, quote_checks
from ics_evidence.data.addressees import check as check_addressees
from ics_evidence.data.cells import check_cell, has_invalid_bytes, same_text_key, shown_bytes
from ics_evidence.data.csvfiles import Problem, display_path, read_table
from ics_evidence.data.evidence import SourceTexts
from ics_evidence.data.rows import Collector, Row, each_table
from ics_evidence.data.schema import DescriptorError, Package, Resource, read_package
from ics_evidence.data.suggest import did_you_mean
from ics_evidence.files import UnsafeFile
from ics_evidence.project import DESCRIPTOR, SOURCES_ENV, local_sources_for, sources_for, sources_required


def _read_rows(resource: Resource, path: Path, out: Collector) -> list[Row] | None:
    shown = display_path(path)
    table = read_table(path, shown)
    out.problems.extend(table.problems)
    if not table.header:
        return None
    header = table.header
    for index, name in enumerate(header):
        if has_invalid_bytes(name):
            out.add(shown, 1, f"column {index + 1}", shown_bytes(name), "encoding", "not valid UTF-8")
    expected = resource.field_names
    for name in expected:
        if name not in header:
            out.add(shown, 1, name, None, "header", "required column is missing")
    for name in header:
        if name not in expected:
            out.add(shown, 1, name, None, "header", "column not in the schema")
    if any(name not in header for name in expected) or any(p.rule == "header" for p in table.problems):
        return None

    rows: list[Row] = []
    for number, raw in table.rows:
        values: dict[str, Any] = {}
        for field in resource.fields:
            values[field.name], found = check_cell(field, raw[field.name])
            for value, rule, message in found:
                out.add(shown, number, field.name, value, rule, message)
        rows.append(Row(number, values, raw))

    for field in resource.fields:
        if field.constraints.unique:
            _check_unique(shown, rows, (field.name,), "unique", out)
    if resource.primary_key:
        _check_unique(shown, rows, resource.primary_key, "primary-key", out)
    return rows


def _check_unique(shown: str, rows: list[Row], key: tuple[str, ...], rule: str, out: Collector) -> None:
    first_seen: dict[tuple, int] = {}
    for row in rows:
        value = tuple(row.raw[name] for name in key)
        folded = tuple(same_text_key(v) for v in value)
        if folded in first_seen:
            out.add(shown, row.number, ",".join(key), ",".join(value), rule,
                    f"duplicate of row {first_seen[folded]} (ignoring case)")  # fmt: skip
        else:
            first_seen[folded] = row.number


def _check_foreign_keys(package: Package, tables: dict[str, list[Row]], out: Collector) -> None:
    for resource, rows, shown in each_table(package, tables):
        for fk in resource.foreign_keys:
            target = tables.get(fk.resource)
            if target is None:
                continue
            keys = {tuple(row.raw[name] for name in fk.reference_fields) for row in target}
            for row in rows:
                value = tuple(row.raw[name] for name in fk.fields)
                if any(v == "" for v in value):
                    continue
                if value not in keys:
                    out.add(
                        shown,
                        row.number,
                        ",".join(fk.fields),
                        ",".join(value),
                        "foreign-key",
                        f"no such {'/'.join(fk.reference_fields)} in {fk.resource}.csv"
                        + did_you_mean(",".join(value), (",".join(key) for key in keys)),
                    )


def read_tables(directory: Path) -> tuple[Package | None, dict[str, list[Row]], list[Problem]]:
    """Parse every table the descriptor lists; schema-level problems only."""
    out = Collector()
    try:
        package = read_package(directory)
    except FileNotFoundError:
        out.add(display_path(directory / DESCRIPTOR), None, None, None, "file", "missing descriptor")
        return None, {}, out.problems
    except UnsafeFile as error:
        out.add(display_path(directory / DESCRIPTOR), None, None, None, "file", error.reason)
        return None, {}, out.problems
    except DescriptorError as error:
        for where, what in error.problems:
            out.add(display_path(directory / DESCRIPTOR), None, where, None, "descriptor", what)
        return None, {}, out.problems
    except (ValueError, KeyError) as error:
        out.add(display_path(directory / DESCRIPTOR), None, None, None, "descriptor", f"unreadable: {error}")
        return None, {}, out.problems
    tables = {}
    for resource in package.resources:
        rows = _read_rows(resource, directory / resource.path, out)
        if rows is not None:
            tables[resource.name] = rows
    return package, tables, out.problems


def validate_package(
    directory: Path, sources: Path | None = None, *, require_sources: bool | None = None
) -> list[Problem]:
    """Every problem in the data package at ``directory``; an empty list means valid.

    Quotations are checked against the source texts in ``sources`` (default: the shared
    sources folder). If that folder is missing, that is a problem too, unless
    ``require_sources`` is false (default: true unless ``ICS_WITHOUT_SOURCES`` is set, which
    ``--without-sources`` does): evidence must never go unchecked without anyone asking.
    """
    package, tables, problems = read_tables(directory)
    if package is None:
        return problems
    out = Collector()
    out.problems = list(problems)
    texts = SourceTexts(Path(sources or sources_for(directory)), local_sources_for(directory))
    if (sources_required() if require_sources is None else require_sources) and not texts.available:
        # Documents the repository's sources/ folder holds are checked without the external
        # folder; the others cannot be, and that must not pass unnoticed.
        files = sorted({row.raw["file"] for row in tables.get("sources", [])})
        if any(texts.path(name) is None for name in files):
            out.add(
                " or ".join(str(folder) for folder in texts.folders), None, None, None, "sources",
                "the source documents are not there, so their quotations cannot be checked; point to them "
                f"with --sources DIR or {SOURCES_ENV}=DIR, or build without checking them with --without-sources "
                "(the book and the build then say that the quotations were not checked)",
            )  # fmt: skip
    package_checks.check_linked_files([directory, texts.local], out)
    _check_foreign_keys(package, tables, out)
    regions = quote_checks.section_texts(package, tables, texts, out)
    quote_checks.check_evidence(package, tables, texts, out, regions)
    quote_checks.check_values_stated(package, tables, out, regions)
    quote_checks.check_fields_against_quotes(package, tables, out)
    quote_checks.check_quote_systems(package, tables, texts, out)
    package_checks.check_package_rules(package, tables, out)
    package_checks.check_report_messages(package, tables, texts, out, regions)
    check_addressees(tables, regions, package.shown, out.add)
    return out.problems
