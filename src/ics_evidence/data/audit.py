"""The evidence audit: ``python -m ics_evidence audit`` (``make audit``).

The validator is measured the way a careless or dishonest contributor would test it: each
kind of slip in :data:`CATALOGUE` is applied, one edit at a time, to several rows drawn at
random (seeded, so a run can be repeated) from a copy of the data package, and the copy is
validated. The audit reports, per kind, how many edits were tried and how many the validator
refused, and with which rules. The goal is every kind refused every time; a kind some edit
slips through is a gap in the rules.

The catalogue is code and grows whenever a new kind of slip is found: add an :class:`EditKind`
with the rows it applies to and the edit, and a line in CONTRIBUTING.md (*The evidence audit*).
"""

from __future__ import annotations

import random
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ics_evidence.data.csvfiles import read_rows, write_rows
from ics_evidence.data.derivations import parse
from ics_evidence.data.numbers import stated_numbers
from ics_evidence.data.validate import validate_package
from ics_evidence.project import LOCAL_SOURCES, local_sources_for

Tables = dict[str, tuple[list[str], list[dict[str, str]]]]


@dataclass(frozen=True)
class EditKind:
    name: str
    description: str
    table: str
    applies: Callable[[dict[str, str], Tables], bool]
    edit: Callable[[dict[str, str], Tables, random.Random], None]


@dataclass
class Outcome:
    kind: EditKind
    tried: int = 0
    refused: int = 0
    rules: set[str] = field(default_factory=set)
    passed: list[str] = field(default_factory=list)  # the rows an edit slipped through at


def _rows(tables: Tables, name: str) -> list[dict[str, str]]:
    return tables[name][1]


def _systems(tables: Tables) -> list[str]:
    return [row["system_id"] for row in _rows(tables, "systems")]


def _section_system(tables: Tables, source: str, section: str) -> str:
    for row in _rows(tables, "sections"):
        if row["source_id"] == source and row["section"] == section:
            return row.get("system_id", "")
    return ""


def _other_system(row: dict[str, str], tables: Tables, rng: random.Random, taken=lambda system: False) -> str:
    choices = [s for s in _systems(tables) if s != row["system_id"] and not taken(s)]
    return rng.choice(choices)


def _hedged(row, tables) -> bool:
    return row.get("qualifier", "") not in ("", "exact", "range") and row.get("value", "") != ""


def _exact_stated(row, tables) -> bool:
    return row.get("qualifier") == "exact" and row.get("value", "") != "" and not parse(row.get("derivation", ""))


def _unstated_number(quote: str, rng: random.Random) -> str:
    """A whole number the quotation does not state."""
    stated = stated_numbers(quote)
    while True:
        number = rng.randint(2, 9999)
        if float(number) not in stated and float(number) / 100 not in stated:
            return str(number)


def _drop_qualifier(row, tables, rng):
    row["qualifier"] = "exact"


def _add_qualifier(row, tables, rng):
    row["qualifier"] = "around"


def _move_to_other_system(row, tables, rng):
    row["system_id"] = _other_system(row, tables, rng)
    if "example_id" in row:
        row["example_id"] = ""


def _move_figure(row, tables, rng):
    taken = {(r["system_id"], r["measure_id"], r["source_id"]) for r in _rows(tables, "system_figures")}
    row["system_id"] = _other_system(row, tables, rng, lambda s: (s, row["measure_id"], row["source_id"]) in taken)


def _false_derivation(row, tables, rng):
    """Change one number of a structured derivation (and the value to agree with it)."""
    form = parse(row["derivation"])
    numbers = [part for part in form.arguments.replace("+", " ").replace("-", " ").split() if part.isdigit()]
    wrong = str(int(numbers[0]) + rng.randint(1, 5))
    row["derivation"] = row["derivation"].replace(numbers[0], wrong, 1)
    if form.form == "sum":
        row["value"] = str(int(float(row["value"])) - int(numbers[0]) + int(wrong))


def _free_text_derivation(row, tables, rng):
    row["value"] = _unstated_number(row["quote"], rng)
    row["derivation"] = "Derived from the report's figures."


def _changed_value(row, tables, rng):
    row["value"] = _unstated_number(row["quote"], rng)


def _rename(row, tables, rng):
    first = row["chief_executive"].partition(" ")[0]
    row["chief_executive"] = f"{first} {rng.choice(['Smith', 'Jones', 'Taylor', 'Brown'])}"


def _recode_care_area(row, tables, rng):
    coded = {r["care_area_id"] for r in _rows(tables, "system_care_areas") if r["system_id"] == row["system_id"]}
    free = [r["care_area_id"] for r in _rows(tables, "care_areas") if r["care_area_id"] not in coded]
    row["care_area_id"] = rng.choice(free)


def _new_document(row, tables, rng):
    """Cite a new document (not in sections.csv, tied to no system) with an invented section."""
    sources = tables["sources"][1]
    cited = next(r for r in sources if r["source_id"] == row["source_id"])
    new_id = f"new-document-{rng.randint(100, 999)}"
    sources.append(dict(cited, source_id=new_id, title=f"{cited['title']} (another copy)", date_source="",
                        **({"system_id": ""} if "system_id" in cited else {})))  # fmt: skip
    row["source_id"] = new_id
    row["section"] = rng.choice(["Chapter 2", "Our achievements", "Appendix B", "Summary"])


def _other_section(row, tables, rng):
    sections = sorted({r["section"] for r in _rows(tables, "sections") if r["source_id"] == row["source_id"]})
    row["section"] = rng.choice([s for s in sections if s != row["section"]])


def _truncate_quote(row, tables, rng):
    row["quote"] = " ".join(row["quote"].split()[:2])


def _in_system_section(row, tables) -> bool:
    return _section_system(tables, row["source_id"], row["section"]) != ""


CATALOGUE: tuple[EditKind, ...] = (
    EditKind("drop-qualifier", "a figure's hedge ('over', 'more than') dropped to exact", "system_figures",
             _hedged, _drop_qualifier),
    EditKind("drop-qualifier-result", "a result's hedge ('around', 'up to') dropped to exact", "results",
             _hedged, _drop_qualifier),
    EditKind("add-qualifier", "'around' added to a figure its quote states exactly", "system_figures",
             _exact_stated, _add_qualifier),
    EditKind("basis-allocation-to-budget", "an NHS allocation recorded as an NHS budget", "system_figures",
             lambda r, t: r["basis"] == "nhs-allocation", lambda r, t, g: r.update(basis="nhs-budget")),
    EditKind("basis-budget-to-nhs-budget", "a budget (NHS-only not stated) recorded as an NHS budget",
             "system_figures", lambda r, t: r["basis"] == "budget", lambda r, t, g: r.update(basis="nhs-budget")),
    EditKind("kind-target-to-result", "a target counted as a result", "results",
             lambda r, t: r["kind"] == "target", lambda r, t, g: r.update(kind="result")),
    EditKind("kind-result-to-target", "a result counted as a target", "results",
             lambda r, t: r["kind"] == "result", lambda r, t, g: r.update(kind="target")),
    EditKind("move-result", "a result moved to another system (no example ties it; its section is about one system)",
             "results", lambda r, t: _in_system_section(r, t), _move_to_other_system),
    EditKind("move-figure", "a figure moved to another system (its section is about one system)", "system_figures",
             lambda r, t: _in_system_section(r, t), _move_figure),
    EditKind("theme-0-to-2", "a theme code raised from 0 to 2 with no evidence", "theme_coding",
             lambda r, t: r["strength"] == "0", lambda r, t, g: r.update(strength="2")),
    EditKind("indirect-above-limit", "an indirect-evidence code raised above the codebook's limit", "theme_coding",
             lambda r, t: r["evidence_basis"] == "indirect", lambda r, t, g: r.update(strength="2")),
    EditKind("false-derivation", "a derivation whose numbers the quote does not give ('sum 1 + 6' for 3 + 6)",
             "system_figures", lambda r, t: bool(parse(r["derivation"])) and any(c.isdigit() for c in r["derivation"]),
             _false_derivation),
    EditKind("free-text-derivation", "any value excused by a free-text derivation note", "results",
             lambda r, t: r["value"] != "", _free_text_derivation),
    EditKind("rename-chief-executive", "a chief executive renamed, the quote unchanged", "systems",
             lambda r, t: r["chief_executive"] != "", _rename),
    EditKind("care-area-recoded", "a care area recoded with a quote about a different care area",
             "system_care_areas", lambda r, t: r["coding"] == "mentioned", _recode_care_area),
    EditKind("new-document-any-section", "a new document's quote with any section name", "lessons",
             lambda r, t: r["source_id"] == "report-2023", _new_document),
    EditKind("changed-value", "a figure changed, its quote unchanged", "system_figures",
             lambda r, t: r["value"] != "" and not parse(r["derivation"]), _changed_value),
    EditKind("quote-other-section", "a quote filed under another section of its document", "lessons",
             lambda r, t: r["source_id"] == "report-2023", _other_section),
    EditKind("truncated-quote", "a quote cut to two words", "improvement_examples",
             lambda r, t: True, _truncate_quote),
)  # fmt: skip


def _load(data: Path) -> Tables:
    return {path.stem: read_rows(path) for path in sorted(data.glob("*.csv"))}


def run_audit(
    data: Path, sources: Path, rows_per_kind: int = 3, seed: int = 0, kinds=None, catalogue=CATALOGUE
) -> list[Outcome]:
    """Apply each kind of edit (those named in ``kinds``, default all) at ``rows_per_kind`` rows
    drawn with ``seed``, each to its own copy of the package, and validate the copy."""
    unknown = set(kinds or ()) - {kind.name for kind in catalogue}
    if unknown:
        raise ValueError(f"no such kind of edit: {', '.join(sorted(unknown))}")
    outcomes = []
    local_sources = local_sources_for(data)
    with tempfile.TemporaryDirectory(prefix="ics-audit-") as scratch:

        def copy_of_package(name: str) -> Path:
            # The package and, beside it, the repository's own source documents (a new system's
            # document lives there), so the copy's quotations are checked as the original's are.
            folder = Path(scratch) / name
            shutil.copytree(data, folder / "data")
            if local_sources.is_dir():
                shutil.copytree(local_sources, folder / LOCAL_SOURCES)
            return folder / "data"

        # An edit counts as refused only if the data were valid before it: an invalid package
        # would make every kind look refused.
        unedited = copy_of_package("unedited")
        problems = validate_package(unedited, sources, require_sources=True)
        if problems:
            raise ValueError(f"the data are not valid before any edit ({len(problems)} problem(s)), e.g. {problems[0]}")
        shutil.rmtree(unedited.parent)
        for kind in catalogue:
            if kinds and kind.name not in kinds:
                continue
            outcome = Outcome(kind)
            original = _load(data)
            rows = original[kind.table][1]
            eligible = [i for i, row in enumerate(rows) if kind.applies(row, original)]
            rng = random.Random(f"{seed}:{kind.name}")  # one stream per kind: adding a kind changes no other
            for index in rng.sample(eligible, min(rows_per_kind, len(eligible))):
                copy = copy_of_package(f"{kind.name}-{index}")
                tables = _load(copy)
                kind.edit(tables[kind.table][1][index], tables, rng)
                for name, (table_header, table_rows) in tables.items():
                    write_rows(copy / f"{name}.csv", table_header, table_rows)
                problems = validate_package(copy, sources, require_sources=True)
                outcome.tried += 1
                if problems:
                    outcome.refused += 1
                    outcome.rules |= {p.rule for p in problems}
                else:
                    outcome.passed.append(f"{kind.table}.csv:{index + 2}")
                shutil.rmtree(copy.parent)
            outcomes.append(outcome)
    return outcomes


def report(outcomes: list[Outcome]) -> str:
    width = max(len(o.kind.name) for o in outcomes)
    lines = [f"{'kind':{width}}  tried  refused  caught by"]
    for o in outcomes:
        where = f"  PASSED at {', '.join(o.passed)}" if o.passed else ""
        lines.append(f"{o.kind.name:{width}}  {o.tried:5}  {o.refused:7}  {', '.join(sorted(o.rules))}{where}")
    tried, refused = sum(o.tried for o in outcomes), sum(o.refused for o in outcomes)
    lines.append(f"{len(outcomes)} kinds, {tried} edits, {refused} refused")
    return "\n".join(lines)
