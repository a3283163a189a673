"""One validation entry point for the build, the tests and analysts.

Every problem in the package is collected and reported at once, each as
``file:row column value — rule: message``; nothing is written. Row numbers count the
header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ics_evidence.data import derivations, field_rules, quote_systems
from ics_evidence.data.addressees import check as check_addressees
from ics_evidence.data.attribution import check as check_attribution
from ics_evidence.data.csvfiles import Problem, display_path, read_table
from ics_evidence.data.evidence import QUOTE_MAX_WORDS, QUOTE_MIN_WORDS, SourceTexts, normalise, word_count
from ics_evidence.data.numbers import states_value
from ics_evidence.data.report_facts import check as check_report_facts
from ics_evidence.data.report_messages import check as check_report_messages
from ics_evidence.data.report_parts import check as check_report_parts
from ics_evidence.data.schema import DescriptorError, Field, Package, Resource, read_package
from ics_evidence.data.sections import section_regions
from ics_evidence.data.suggest import did_you_mean
from ics_evidence.files import UnsafeFile, unsafe_reason
from ics_evidence.project import DESCRIPTOR, SOURCES_ENV, local_sources_for, sources_for, sources_required

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
# ASCII digits only: Python's int() and float() also accept Arabic-Indic, full-width and other
# digits (and "1_000", "infinity"), which the loader, pandas and a reader's spreadsheet do not.
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
# date.fromisoformat accepts "20230105" and "2023-W01-4" too; the package means YYYY-MM-DD.
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection, OWASP).
FORMULA_START = ("=", "+", "-", "@")
# Ids name executed notebooks and pages; file systems refuse names over 255 bytes.
ID_MAX_LENGTH = 100


# Control, format (bidi overrides, zero-width) and line or paragraph separator characters.
HIDDEN_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")


def hidden_character(text: str) -> str | None:
    """The first control, bidi-override, zero-width or other format character (Unicode
    categories Cc and Cf): they reorder or hide text, or make two ids look identical. And the
    line and paragraph separators U+2028 and U+2029 (Zl, Zp): a chart library or a script that
    splits lines on them breaks (six notebooks failed with a Vega stack trace)."""
    if text.isprintable():  # in C: no Cc, Cf, Zl or Zp character (nor any other unprintable one)
        return None
    for character in text:
        if unicodedata.category(character) in HIDDEN_CATEGORIES:
            return f"U+{ord(character):04X} {unicodedata.name(character, 'control character')}"
    return None


def same_text_key(text: str) -> str:
    """How uniqueness compares text: ids or names differing only in case or Unicode form are
    the same thing to a reader (and to a case-insensitive file system)."""
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass
class Row:
    number: int
    values: dict[str, Any]  # parsed; None for missing or unparseable
    raw: dict[str, str]


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, row: int | None, column: str | None, value: str | None, rule: str, message: str) -> None:
        self.problems.append(Problem(file, row, column, value, rule, message))


def _parse(field: Field, text: str) -> tuple[Any, str | None]:
    """Parse one non-empty cell; return (value, error message)."""
    kind = field.type
    if kind in ("integer", "year"):
        if not _INTEGER.match(text):
            return None, "not an integer"
        return int(text), None
    if kind == "number":
        if not _NUMBER.match(text):
            return None, "not a number (ASCII digits, optional sign, decimal point and exponent)"
        number = float(text)
        if not math.isfinite(number):
            return None, "not a finite number"
        return number, None
    if kind == "boolean":
        if text not in ("true", "false"):
            return None, "not a boolean (true or false)"
        return text == "true", None
    if kind == "date":
        if not _DATE.match(text):
            return None, "not an ISO date (YYYY-MM-DD)"
        try:
            return dt.date.fromisoformat(text), None
        except ValueError:
            return None, "not an ISO date (YYYY-MM-DD)"
    return text, None


def _check_constraints(field: Field, value: Any, text: str) -> list[tuple[str, str]]:
    c = field.constraints
    errors = []
    if c.enum is not None and value not in c.enum:
        errors.append(("enum", f"must be one of {', '.join(map(str, c.enum))}"))
    if c.minimum is not None and value < c.minimum:
        errors.append(("minimum", f"must be at least {c.minimum}"))
    if c.maximum is not None and value > c.maximum:
        errors.append(("maximum", f"must be at most {c.maximum}"))
    if c.pattern is not None and not re.fullmatch(c.pattern, text):
        errors.append(("pattern", f"must match {c.pattern}"))
    if c.maxLength is not None and len(text) > c.maxLength:
        errors.append(("maxLength", f"longer than {c.maxLength} characters"))
    if c.minLength is not None and len(text) < c.minLength:
        errors.append(("minLength", f"shorter than {c.minLength} characters"))
    return errors


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _has_invalid_bytes(text: str) -> bool:
    """Bytes that were not UTF-8 survive decoding as lone surrogates (errors="surrogateescape")."""
    return _ESCAPED_BYTE.search(text) is not None


def _shown_bytes(text: str) -> str:
    return text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="backslashreplace")


def check_cell(field: Field, cell: str) -> tuple[Any, list[tuple[str, str, str]]]:
    """The text rules every cell obeys (the scaffold applies them to what it is given too):
    its parsed value (None when missing or unusable) and each problem as (value shown, rule,
    message)."""
    if _has_invalid_bytes(cell):
        return None, [(_shown_bytes(cell), "encoding", "not valid UTF-8")]
    if cell == "":
        return None, [(cell, "required", "must not be empty")] if field.required else []
    found: list[tuple[str, str, str]] = []
    if cell != cell.strip():
        found.append((cell, "whitespace", "leading or trailing white space"))
    hidden = hidden_character(cell)
    if hidden:
        shown = cell.encode("unicode_escape").decode("ascii")
        found.append((shown, "characters", f"contains {hidden}; retype the value without it"))
        return None, found
    if field.name.endswith("_id") and len(cell) > ID_MAX_LENGTH:
        message = f"longer than {ID_MAX_LENGTH} characters; ids name files and web addresses, shorten it"
        found.append((cell, "id-length", message))
    if field.type == "string" and cell.startswith(FORMULA_START):
        found.append((cell, "formula", f"starts with {cell[0]!r}, which a spreadsheet opening the download runs as "
                      "a formula; reword it to start with a letter or digit"))  # fmt: skip
    value, error = _parse(field, cell)
    if error:
        found.append((cell, "type", f"{error} (type {field.type})"))
        return None, found
    found += [(cell, rule, message) for rule, message in _check_constraints(field, value, cell)]
    if field.type == "string" and EMAIL.search(cell):
        found.append((cell, "personal-data", "contains an e-mail address"))
    return value, found


def _read_rows(resource: Resource, path: Path, out: _Collector) -> list[Row] | None:
    shown = display_path(path)
    table = read_table(path, shown)
    out.problems.extend(table.problems)
    if not table.header:
        return None
    header = table.header
    for index, name in enumerate(header):
        if _has_invalid_bytes(name):
            out.add(shown, 1, f"column {index + 1}", _shown_bytes(name), "encoding", "not valid UTF-8")
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


def _check_unique(shown: str, rows: list[Row], key: tuple[str, ...], rule: str, out: _Collector) -> None:
    first_seen: dict[tuple, int] = {}
    for row in rows:
        value = tuple(row.raw[name] for name in key)
        folded = tuple(same_text_key(v) for v in value)
        if folded in first_seen:
            out.add(shown, row.number, ",".join(key), ",".join(value), rule,
                    f"duplicate of row {first_seen[folded]} (ignoring case)")  # fmt: skip
        else:
            first_seen[folded] = row.number


def _read_tables(package: Package, tables: dict[str, list[Row]]):
    """(resource, rows, shown path) for every table that could be read."""
    for resource in package.resources:
        if resource.name in tables:
            yield resource, tables[resource.name], display_path(package.directory / resource.path)


def _check_foreign_keys(package: Package, tables: dict[str, list[Row]], out: _Collector) -> None:
    for resource, rows, shown in _read_tables(package, tables):
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


def _section_texts(package: Package, tables: dict[str, list[Row]], texts: SourceTexts, out: _Collector) -> dict:
    """{source_id: {section: [text of each part]}} from sections.csv; problems for headings not found."""
    if "sections" not in tables or not texts.available:
        return {}
    source_files = {row.raw["source_id"]: row.raw["file"] for row in tables.get("sources", [])}
    entries: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for row in tables["sections"]:
        if row.values["occurrence"] is not None:
            entries[row.raw["source_id"]].append((row.raw["section"], row.raw["heading"], row.values["occurrence"]))
    shown = display_path(package.directory / package.resource("sections").path)
    regions = {}
    for source, listed in entries.items():
        lines = texts.lines(source_files.get(source, ""))
        if lines is None:
            continue
        regions[source], problems = section_regions(lines, listed)
        for problem in problems:
            out.add(shown, None, "heading", source, "section-heading", problem)
    return regions


def _check_evidence(
    package: Package, tables: dict[str, list[Row]], texts: SourceTexts, out: _Collector, regions: dict
) -> None:
    source_files = {row.raw["source_id"]: row.raw["file"] for row in tables.get("sources", [])}
    unchecked: dict[str, Counter] = defaultdict(Counter)  # missing document -> quotations per table
    for resource, rows, shown in _read_tables(package, tables):
        for group in resource.evidence:
            for row in rows:
                quote, source = row.raw[group.quote], row.raw[group.source]
                if quote == "":
                    needed = not group.optional
                    if group.optional_when and all(row.values.get(k) == v for k, v in group.optional_when.items()):
                        needed = False
                    if group.required_with is not None:
                        needed = row.raw[group.required_with] != ""
                    if needed:
                        out.add(
                            shown, row.number, group.quote, quote, "evidence", "a quotation from the source is required"
                        )
                    continue
                if row.raw[group.section] == "":
                    out.add(
                        shown, row.number, group.section, "", "evidence", "the section of the quotation is required"
                    )
                words = word_count(quote)
                if words > QUOTE_MAX_WORDS:
                    out.add(shown, row.number, group.quote, quote, "evidence",
                            f"quotation longer than {QUOTE_MAX_WORDS} words")  # fmt: skip
                elif words < QUOTE_MIN_WORDS:
                    out.add(shown, row.number, group.quote, quote, "quote-length",
                            f"quotation shorter than {QUOTE_MIN_WORDS} words cannot identify its passage")  # fmt: skip
                if source in source_files and texts.checkable(source_files[source]):
                    found = texts.contains(source_files[source], quote)
                    if found is False:
                        out.add(
                            shown,
                            row.number,
                            group.quote,
                            quote,
                            "evidence",
                            f"not found verbatim in {source} ({source_files[source]})",
                        )
                    elif found is None:
                        unchecked[source][shown] += 1
                    elif source in regions:
                        section = row.raw[group.section]
                        parts = regions[source].get(section)
                        if parts is None and section:
                            out.add(
                                shown, row.number, group.section, section, "quote-in-section",
                                f"no such section of {source} in sections.csv",
                            )  # fmt: skip
                        elif parts is not None and not any(normalise(quote) in part for part in parts):
                            out.add(
                                shown, row.number, group.quote, quote, "quote-in-section",
                                f"found in {source}, but not inside the section it names ({section})",
                            )  # fmt: skip

    _report_missing_sources(package, tables, texts, unchecked, out)


def _report_missing_sources(
    package: Package, tables: dict[str, list[Row]], texts: SourceTexts, unchecked: dict[str, Counter], out: _Collector
) -> None:
    """One problem per missing source document (on its sources.csv row), not one per quotation."""
    for row in tables.get("sources", []):
        counts = unchecked.get(row.raw["source_id"])
        if not counts:
            continue
        where = " or ".join(str(folder) for folder in texts.folders)
        tables_named = ", ".join(f"{count} in {Path(table).name}" for table, count in sorted(counts.items()))
        fetch = f"get it from {row.raw['url']}" if row.raw.get("url") else "see data/README.md for how to get it"
        out.add(
            display_path(package.directory / package.resource("sources").path),
            row.number,
            "file",
            row.raw["file"],
            "source-missing",
            f"not found in {where}; {sum(counts.values())} quotation(s) unchecked ({tables_named}); {fetch}",
        )


# Tables whose numeric values must be stated by their own quote (or say how they were derived).
_STATED_VALUES = ("system_figures", "results", "exemplar_figures", "report_facts")


def _check_values_stated(package: Package, tables: dict[str, list[Row]], out: _Collector, regions: dict) -> None:
    """A value must be a number its quote states, or follow from the numbers it states by the
    structured form at the start of the row's ``derivation`` (:mod:`derivations`), which is
    evaluated; free text explains but never switches the check off. A range's low and high must
    always be stated, and low may not exceed high."""
    units = {row.raw["measure_id"]: row.raw["unit"] for row in tables.get("measures", [])}
    for name in _STATED_VALUES:
        if name not in tables:
            continue
        resource = package.resource(name)
        shown = display_path(package.directory / resource.path)
        has = set(resource.field_names)
        for row in tables[name]:
            low, high = row.values.get("low"), row.values.get("high")
            if low is not None and high is not None and low > high:
                out.add(shown, row.number, "low", row.raw["low"], "range", f"low is above high ({row.raw['high']})")
            form = derivations.parse(row.raw["derivation"]) if "derivation" in has else None
            unit = units.get(row.raw.get("measure_id", ""), row.raw.get("unit", ""))
            for column in ("value", "low", "high"):
                if column not in has or row.values.get(column) is None or not row.raw["quote"]:
                    continue
                if form is not None and column == "value":
                    parts = regions.get(row.raw["source_id"], {}).get(row.raw["section"])
                    if form.form == "count" and row.raw["source_id"] not in regions:
                        # The items are counted in the quotation's section, so without its
                        # document the count cannot be checked (the build then says so).
                        continue
                    problem = derivations.check(form, row.values[column], row.raw["quote"], unit,
                                                " ".join(parts) if parts else None)  # fmt: skip
                    if problem:
                        message = f"{problem}; the forms are {', '.join(derivations.FORMS)} (see CONTRIBUTING)"
                        out.add(shown, row.number, "derivation", row.raw["derivation"], "derivation", message)
                    continue
                if not states_value(row.raw["quote"], row.values[column], unit):
                    out.add(
                        shown, row.number, column, row.raw[column], "value-stated",
                        "the quote does not state this value; fix it, or derive it from the quote's numbers in "
                        f"`derivation` ({', '.join(derivations.FORMS)}: see CONTRIBUTING)",
                    )  # fmt: skip


def _check_fields_against_quotes(package: Package, tables: dict[str, list[Row]], out: _Collector) -> None:
    """Each evidenced field agrees with its own quotation: qualifier, basis, a person's name."""
    units = {row.raw["measure_id"]: row.raw["unit"] for row in tables.get("measures", [])}
    for name in _STATED_VALUES:
        if name in tables and "qualifier" in package.resource(name).field_names:
            shown = display_path(package.directory / package.resource(name).path)
            for finding in field_rules.qualifier_findings(tables[name], units):
                out.add(shown, finding.row, finding.column, finding.value, finding.rule, finding.message)
    if "system_figures" in tables:
        shown = display_path(package.directory / package.resource("system_figures").path)
        for row in tables["system_figures"]:
            problem = field_rules.check_basis(row.raw["quote"], row.raw["basis"])
            if problem:
                out.add(shown, row.number, "basis", row.raw["basis"], "basis-stated", problem)
    for name in ("results", "exemplar_figures"):
        if name not in tables:
            continue
        shown = display_path(package.directory / package.resource(name).path)
        for row in tables[name]:
            problem = field_rules.check_kind(row.raw["kind"], row.raw["quote"])
            if problem:
                out.add(shown, row.number, "kind", row.raw["kind"], "kind-stated", problem)
            if row.raw["value"]:
                for column in ("qualifier", "unit"):
                    if not row.raw[column]:
                        out.add(shown, row.number, column, "", "required", "must not be empty when there is a value")
            else:
                for column in ("qualifier", "unit", "low", "high", "derivation"):
                    if row.raw.get(column):
                        message = "must be empty when the source states the figure without a number (no value)"
                        out.add(shown, row.number, column, row.raw[column], "no-value", message)
    if "systems" in tables:
        shown = display_path(package.directory / package.resource("systems").path)
        for row in tables["systems"]:
            problem = field_rules.check_person(row.raw["chief_executive"], row.raw["chief_executive_quote"])
            if problem:
                out.add(shown, row.number, "chief_executive", row.raw["chief_executive"], "person-named", problem)


def _row_system(table: str, row: Row, owners: dict[str, dict[str, str]]) -> str:
    """The system a row is about: its own ``system_id``, or its example's or case study's."""
    if row.raw.get("system_id"):
        return row.raw["system_id"]
    for column, owner in owners.items():
        if row.raw.get(column) in owner:
            return owner[row.raw[column]]
    return ""


def _check_quote_systems(package: Package, tables: dict[str, list[Row]], texts: SourceTexts, out: _Collector) -> None:
    """A row about a system quotes a passage about it (see :mod:`quote_systems`); a document cited
    without its sections in sections.csv must be tied to one system in sources.csv."""
    systems = {row.raw["system_id"]: row.raw for row in tables.get("systems", [])}
    part_of = {sid: raw.get("part_of", "") for sid, raw in systems.items()}
    documents = {row.raw["source_id"]: row for row in tables.get("sources", [])}
    document_system = {sid: row.raw.get("system_id", "") for sid, row in documents.items()}
    section_system: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in tables.get("sections", []):
        section_system[(row.raw["source_id"], row.raw["section"])].add(row.raw.get("system_id", ""))
    sections_shown = display_path(package.directory / package.resource("sections").path)
    for (source, section), found in sorted(section_system.items()):
        if len(found) > 1:
            out.add(sections_shown, None, "system_id", f"{source}: {section}", "section-system",
                    f"the rows of this section name different systems ({', '.join(sorted(found))})")  # fmt: skip
    registered = {source for source, _section in section_system}
    owners = {
        "example_id": {row.raw["example_id"]: row.raw["system_id"] for row in tables.get("improvement_examples", [])},
        "case_id": {row.raw["case_id"]: row.raw["system_id"] for row in tables.get("earlier_case_studies", [])},
    }
    cells: dict[str, list] = {}

    def columns_of(source: str, quote: str) -> set[str]:
        if source not in cells:
            lines = texts.lines(documents[source].raw["file"]) if source in documents else None
            cells[source] = quote_systems.table_cells(lines) if lines else []
        names = {normalise(raw["name"]): sid for sid, raw in systems.items()}
        columns = quote_systems.cell_columns(cells[source], quote)
        # A column headed by a name no system carries (a system renamed since the table was
        # written) cannot say whom the passage is about: the rule then does not judge it.
        if any(column not in names for column in columns):
            return set()
        return {names[column] for column in columns}

    def names_system(quote: str, system: str) -> bool:
        raw = systems.get(system, {})
        text = normalise(quote)
        return any(
            n and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text) for n in (raw.get("name"), raw.get("abbreviation"))
        )

    cited: dict[str, int] = Counter()
    for resource, rows, shown in _read_tables(package, tables):
        groups = resource.evidence[:1] if resource.name == "inconsistencies" else resource.evidence
        for row in rows:
            system = _row_system(resource.name, row, owners)
            for group in groups:
                quote, source, section = row.raw[group.quote], row.raw[group.source], row.raw[group.section]
                if not quote or not source:
                    continue
                cited[source] += 1
                if not system or system not in systems:
                    continue
                about = {document_system.get(source, "")} - {""}
                how = f"document {source}"
                if not about:
                    about = section_system.get((source, section), set()) - {""}
                    how = f"section {section!r}"
                if not about and texts.available:
                    about = columns_of(source, quote)
                    how = "comparison-table column"
                indirect = row.raw.get("evidence_basis") == "indirect"
                allowed = quote_systems.allowed_systems(system, part_of if indirect else {})
                if not about or about & allowed or names_system(quote, system):
                    continue
                out.add(shown, row.number, group.section, section, "quote-system",
                        f"the quotation is about {', '.join(sorted(about))} ({how}), not {system}; "
                        "quote a passage about this system, or one that names it")  # fmt: skip
    sources_shown = display_path(package.directory / package.resource("sources").path)
    for source, count in sorted(cited.items()):
        if source in documents and source not in registered and not document_system.get(source):
            message = (
                f"{count} quotation(s) cite {source}, whose sections are not in sections.csv: list its sections "
                "there (heading and, for a case study, system_id), or tie the document to its one system here"
            )
            out.add(sources_shown, documents[source].number, "system_id", "", "section-registry", message)


# The codebook (themes.csv, data/README.md): indirect evidence, about a programme or body the
# system belongs to, supports a code of at most this.
INDIRECT_MAX = 1


def _check_codebook(tables: dict[str, list[Row]], shown, out: _Collector) -> None:
    """Codebook rules: a code above 0 rests on evidence of a stated basis (direct or indirect),
    a 0 has none; indirect evidence caps the code; a care-area code's quotation is about that
    care area (it contains one of the care area's ``terms``)."""
    for row in tables.get("theme_coding", []):
        strength, basis = row.values.get("strength"), row.raw["evidence_basis"]
        if strength is None:
            continue
        if strength > 0 and not basis:
            message = f"a code of {strength} needs its evidence: say whether it is direct or indirect, with its quote"
            out.add(shown("theme_coding"), row.number, "evidence_basis", "", "codebook", message)
        if strength == 0 and basis:
            out.add(shown("theme_coding"), row.number, "evidence_basis", basis, "codebook",
                    "a code of 0 (not evident) has no evidence basis")  # fmt: skip
        if basis == "indirect" and strength > INDIRECT_MAX:
            message = f"indirect evidence (about a programme the system belongs to) supports at most {INDIRECT_MAX}"
            out.add(shown("theme_coding"), row.number, "strength", row.raw["strength"], "codebook", message)
    vocabulary = {
        row.raw["care_area_id"]: [t.strip().casefold() for t in row.raw.get("terms", "").split("|") if t.strip()]
        for row in tables.get("care_areas", [])
    }
    for table in ("system_care_areas", "example_care_areas"):
        for row in tables.get(table, []):
            terms = vocabulary.get(row.raw["care_area_id"])
            quote = normalise(row.raw["quote"]).casefold()
            if not terms or not quote:
                continue
            if not any(re.search(rf"(?<!\w){re.escape(term)}", quote) for term in terms):
                out.add(shown(table), row.number, "quote", row.raw["quote"], "care-area-term",
                        f"the quotation does not mention {row.raw['care_area_id']} (none of: {', '.join(terms)}); "
                        "quote a passage about this care area")  # fmt: skip


def _check_care_areas(tables: dict[str, list[Row]], shown, out: _Collector) -> None:
    """A system is coded improvement-work for a care area exactly when one of its improvement
    examples is linked to that area."""
    if not {"system_care_areas", "example_care_areas", "improvement_examples"} <= tables.keys():
        return
    owner = {row.raw["example_id"]: row.raw["system_id"] for row in tables["improvement_examples"]}
    linked = {(owner.get(row.raw["example_id"]), row.raw["care_area_id"]): row for row in tables["example_care_areas"]}
    coded = {(row.raw["system_id"], row.raw["care_area_id"]): row for row in tables["system_care_areas"]}
    for key, row in coded.items():
        if row.raw["coding"] == "improvement-work" and key not in linked:
            message = "no improvement example of this system is linked to this care area in example_care_areas.csv"
            out.add(shown("system_care_areas"), row.number, "coding", row.raw["coding"], "consistency", message)
    for key, row in linked.items():
        if key[0] is not None and (key not in coded or coded[key].raw["coding"] != "improvement-work"):
            message = f"system {key[0]} has an example on this care area but is not coded improvement-work for it"
            out.add(
                shown("example_care_areas"), row.number, "care_area_id", row.raw["care_area_id"], "consistency", message
            )


def _check_package_rules(package: Package, tables: dict[str, list[Row]], out: _Collector) -> None:
    """Rules that span tables: plausible figures, one reference value, complete coverage."""

    def shown(name: str) -> str:
        return display_path(package.directory / package.resource(name).path)

    measures = {row.raw["measure_id"]: row.values for row in tables.get("measures", [])}
    figures = tables.get("system_figures")
    if figures is not None:
        references: Counter = Counter()
        for row in figures:
            measure = measures.get(row.raw["measure_id"])
            value = row.values["value"]
            low, high = (measure["minimum"], measure["maximum"]) if measure else (None, None)
            if None not in (value, low, high) and not low <= value <= high:
                out.add(
                    shown("system_figures"),
                    row.number,
                    "value",
                    row.raw["value"],
                    "plausible-range",
                    f"{row.raw['measure_id']} must lie between {low:g} and {high:g}",
                )
            if row.values["is_reference"]:
                references[(row.raw["system_id"], row.raw["measure_id"])] += 1
        for key, count in sorted(references.items()):
            if count > 1:
                out.add(
                    shown("system_figures"), None, "is_reference", ",".join(key), "one-reference",
                    f"{count} reference values for this system and measure; at most one may be true",
                )  # fmt: skip

    systems = [row.raw["system_id"] for row in tables.get("systems", [])]
    for table, codebook, key in (
        ("theme_coding", "themes", "theme_id"),
        ("system_dimensions", "dimensions", "dimension_id"),
    ):
        if table not in tables or codebook not in tables:
            continue
        present = {(row.raw["system_id"], row.raw[key]) for row in tables[table]}
        for system in systems:
            missing = [row.raw[key] for row in tables[codebook] if (system, row.raw[key]) not in present]
            if missing:
                out.add(shown(table), None, key, system, "coverage", f"no row for {', '.join(missing)}")

    examples = {row.raw["example_id"]: row.raw["system_id"] for row in tables.get("improvement_examples", [])}
    for row in tables.get("results", []):
        example = row.raw["example_id"]
        if example in examples and examples[example] != row.raw["system_id"]:
            out.add(
                shown("results"),
                row.number,
                "example_id",
                example,
                "consistency",
                f"example belongs to {examples[example]}, not {row.raw['system_id']}",
            )
    _check_care_areas(tables, shown, out)
    _check_codebook(tables, shown, out)
    check_report_facts(tables, shown, out.add)
    check_attribution(tables, shown, out.add)
    themed = defaultdict(int)
    for row in tables.get("example_themes", []):
        themed[row.raw["example_id"]] += 1
    if "example_themes" in tables:
        for row in tables.get("improvement_examples", []):
            if not themed[row.raw["example_id"]]:
                out.add(
                    shown("improvement_examples"),
                    row.number,
                    "example_id",
                    row.raw["example_id"],
                    "coverage",
                    "example has no theme in example_themes.csv",
                )


def _check_linked_files(folders: list[Path | None], out: _Collector) -> None:
    """Every file in data/ and in the repository's sources/ is a regular file inside it: a link
    would put whatever it points at into the site's download or the release bundle."""
    reported = {problem.file for problem in out.problems}
    for folder in folders:
        if folder is None or not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir()):
            shown = display_path(entry)
            if shown in reported:
                continue
            reason = unsafe_reason(entry, folder) if not entry.is_dir() or entry.is_symlink() else None
            if reason:
                out.add(shown, None, None, None, "file", reason)


def read_tables(directory: Path) -> tuple[Package | None, dict[str, list[Row]], list[Problem]]:
    """Parse every table the descriptor lists; schema-level problems only."""
    out = _Collector()
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
    out = _Collector()
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
    _check_linked_files([directory, texts.local], out)
    _check_foreign_keys(package, tables, out)
    regions = _section_texts(package, tables, texts, out)
    _check_evidence(package, tables, texts, out, regions)
    _check_values_stated(package, tables, out, regions)
    _check_fields_against_quotes(package, tables, out)
    _check_quote_systems(package, tables, texts, out)
    _check_package_rules(package, tables, out)
    _check_report_messages(package, tables, texts, out, regions)
    check_addressees(tables, regions, lambda name: display_path(package.directory / package.resource(name).path),
                     out.add)  # fmt: skip
    return out.problems


def _check_report_messages(
    package: Package, tables: dict[str, list[Row]], texts: SourceTexts, out: _Collector, regions: dict
) -> None:
    """The report's messages, and its other parts, against their source's text: its contents'
    pages (or the page it points to), its words, and the names and addresses it prints."""
    files = {row.raw["source_id"]: row.raw["file"] for row in tables.get("sources", [])}

    def shown(name: str) -> str:
        return display_path(package.directory / package.resource(name).path)

    def lines_of(source: str) -> list[str] | None:
        return texts.lines(files[source]) if source in files else None

    check_report_messages(tables, shown, out.add, lines_of)
    check_report_messages(tables, shown, out.add, lines_of, table="report_parts", columns=("title", "summary"),
                          regions=regions)  # fmt: skip
    check_report_parts(tables, shown, out.add, lines_of)
