"""The rules that span tables or the package as a whole: the codebook, care areas, plausible
figures, one reference value, complete coverage, the report's facts, attribution and
messages, and no linked file in the data or sources folders. Run by
:func:`ics_evidence.data.validate.validate_package`."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

from ics_evidence.data import attribution, report_facts, report_messages, report_parts
from ics_evidence.data.csvfiles import display_path
from ics_evidence.data.evidence import SourceTexts, normalise
from ics_evidence.data.rows import Collector, Row
from ics_evidence.data.schema import Package
from ics_evidence.files import unsafe_reason

# The codebook (themes.csv, data/README.md): indirect evidence, about a programme or body the
# system belongs to, supports a code of at most this.
INDIRECT_MAX = 1


def _check_codebook(tables: dict[str, list[Row]], shown, out: Collector) -> None:
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


def _check_care_areas(tables: dict[str, list[Row]], shown, out: Collector) -> None:
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


def check_package_rules(package: Package, tables: dict[str, list[Row]], out: Collector) -> None:
    """Rules that span tables: plausible figures, one reference value, complete coverage."""

    shown = package.shown

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
    report_facts.check(tables, shown, out.add)
    attribution.check(tables, shown, out.add)
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


def check_linked_files(folders: list[Path | None], out: Collector) -> None:
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


def check_report_messages(
    package: Package, tables: dict[str, list[Row]], texts: SourceTexts, out: Collector, regions: dict
) -> None:
    """The report's messages, and its other parts, against their source's text: its contents'
    pages (or the page it points to), its words, and the names and addresses it prints."""
    files = {row.raw["source_id"]: row.raw["file"] for row in tables.get("sources", [])}

    shown = package.shown

    def lines_of(source: str) -> list[str] | None:
        return texts.lines(files[source]) if source in files else None

    report_messages.check(tables, shown, out.add, lines_of)
    report_messages.check(tables, shown, out.add, lines_of, table="report_parts", columns=("title", "summary"),
                          regions=regions)  # fmt: skip
    report_parts.check(tables, shown, out.add, lines_of)
