"""The checks of evidence against its source documents: each quotation is found verbatim
(and inside the section it names), a value is one its quotation states or derives, each
evidenced field agrees with its quotation, and a row about a system quotes a passage about
that system. Run by :func:`ics_evidence.data.validate.validate_package`."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

from ics_evidence.data import derivations, field_rules, quote_systems
from ics_evidence.data.csvfiles import display_path
from ics_evidence.data.evidence import QUOTE_MAX_WORDS, QUOTE_MIN_WORDS, SourceTexts, normalise, word_count
from ics_evidence.data.numbers import states_value
from ics_evidence.data.rows import Collector, Row, each_table
from ics_evidence.data.schema import Package
from ics_evidence.data.sections import section_regions


def section_texts(package: Package, tables: dict[str, list[Row]], texts: SourceTexts, out: Collector) -> dict:
    """{source_id: {section: [text of each part]}} from sections.csv; problems for headings not found."""
    if "sections" not in tables or not texts.available:
        return {}
    source_files = {row.raw["source_id"]: row.raw["file"] for row in tables.get("sources", [])}
    entries: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for row in tables["sections"]:
        if row.values["occurrence"] is not None:
            entries[row.raw["source_id"]].append((row.raw["section"], row.raw["heading"], row.values["occurrence"]))
    shown = package.shown("sections")
    regions = {}
    for source, listed in entries.items():
        lines = texts.lines(source_files.get(source, ""))
        if lines is None:
            continue
        regions[source], problems = section_regions(lines, listed)
        for problem in problems:
            out.add(shown, None, "heading", source, "section-heading", problem)
    return regions


def check_evidence(
    package: Package, tables: dict[str, list[Row]], texts: SourceTexts, out: Collector, regions: dict
) -> None:
    source_files = {row.raw["source_id"]: row.raw["file"] for row in tables.get("sources", [])}
    unchecked: dict[str, Counter] = defaultdict(Counter)  # missing document -> quotations per table
    for resource, rows, shown in each_table(package, tables):
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
    package: Package, tables: dict[str, list[Row]], texts: SourceTexts, unchecked: dict[str, Counter], out: Collector
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
            package.shown("sources"),
            row.number,
            "file",
            row.raw["file"],
            "source-missing",
            f"not found in {where}; {sum(counts.values())} quotation(s) unchecked ({tables_named}); {fetch}",
        )


# Tables whose numeric values must be stated by their own quote (or say how they were derived).
_STATED_VALUES = ("system_figures", "results", "exemplar_figures", "report_facts")


def check_values_stated(package: Package, tables: dict[str, list[Row]], out: Collector, regions: dict) -> None:
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


def check_fields_against_quotes(package: Package, tables: dict[str, list[Row]], out: Collector) -> None:
    """Each evidenced field agrees with its own quotation: qualifier, basis, a person's name."""
    units = {row.raw["measure_id"]: row.raw["unit"] for row in tables.get("measures", [])}
    for name in _STATED_VALUES:
        if name in tables and "qualifier" in package.resource(name).field_names:
            shown = package.shown(name)
            for finding in field_rules.qualifier_findings(tables[name], units):
                out.add(shown, finding.row, finding.column, finding.value, finding.rule, finding.message)
    if "system_figures" in tables:
        shown = package.shown("system_figures")
        for row in tables["system_figures"]:
            problem = field_rules.check_basis(row.raw["quote"], row.raw["basis"])
            if problem:
                out.add(shown, row.number, "basis", row.raw["basis"], "basis-stated", problem)
    for name in ("results", "exemplar_figures"):
        if name not in tables:
            continue
        shown = package.shown(name)
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
        shown = package.shown("systems")
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


def check_quote_systems(package: Package, tables: dict[str, list[Row]], texts: SourceTexts, out: Collector) -> None:
    """A row about a system quotes a passage about it (see :mod:`quote_systems`); a document cited
    without its sections in sections.csv must be tied to one system in sources.csv."""
    systems = {row.raw["system_id"]: row.raw for row in tables.get("systems", [])}
    part_of = {sid: raw.get("part_of", "") for sid, raw in systems.items()}
    documents = {row.raw["source_id"]: row for row in tables.get("sources", [])}
    document_system = {sid: row.raw.get("system_id", "") for sid, row in documents.items()}
    section_system: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in tables.get("sections", []):
        section_system[(row.raw["source_id"], row.raw["section"])].add(row.raw.get("system_id", ""))
    sections_shown = package.shown("sections")
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
    for resource, rows, shown in each_table(package, tables):
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
    sources_shown = package.shown("sources")
    for source, count in sorted(cited.items()):
        if source in documents and source not in registered and not document_system.get(source):
            message = (
                f"{count} quotation(s) cite {source}, whose sections are not in sections.csv: list its sections "
                "there (heading and, for a case study, system_id), or tie the document to its one system here"
            )
            out.add(sources_shown, documents[source].number, "system_id", "", "section-registry", message)
