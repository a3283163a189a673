"""Which system a quotation is about, for the validator rule "quote-system".

A row about a system (its ``system_id``, or the system of the example or earlier case study it
belongs to) must quote a passage about that system. Where the passage is about one system is
known three ways, first match wins:

1. the document is about one system (``sources.csv`` ``system_id``: a system's own annual
   report);
2. the section is (``sections.csv`` ``system_id``: a case study and its subsections);
3. the passage is a cell of a tab-separated comparison table whose column is headed by the
   system's name (the report's and the summary's comparison tables): its column says.

A passage in a general section (the key points, the blog's overview, a lesson for every
system) is not tied to any system and is not checked. A member of a programme (``part_of``)
may quote the programme's passages only for a code it marks as indirect evidence
(``theme_coding.evidence_basis``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ics_evidence.data.evidence import normalise


@dataclass(frozen=True)
class Cell:
    column: str  # the heading of the cell's column (a system's name)
    text: str  # normalised


def table_cells(lines: list[str]) -> list[Cell]:
    """Every cell of every tab-separated table in a document's lines, with its column heading.

    A heading line starts with a tab (an empty corner cell) and names the columns; each
    following line with tabs is a row: its first cell is the row's label, the others the
    cells under the headings in order."""
    cells: list[Cell] = []
    headings: list[str] = []
    for line in lines:
        if "\t" not in line:
            continue
        parts = line.rstrip("\n").split("\t")
        if parts[0].strip() == "":
            headings = [normalise(part) for part in parts[1:]]
            continue
        for heading, text in zip(headings, parts[1:], strict=False):
            cells.append(Cell(heading, normalise(text)))
    return cells


def cell_columns(cells: list[Cell], quote: str) -> set[str]:
    """The column headings of the cells that contain the quotation (normalised)."""
    wanted = normalise(quote)
    return {cell.column for cell in cells if wanted in cell.text}


def allowed_systems(system: str, part_of: dict[str, str]) -> set[str]:
    """The systems whose passages may evidence a row about ``system``: itself, and the
    programme it belongs to when ``part_of`` is given (for indirect evidence)."""
    allowed = {system}
    if part_of.get(system):
        allowed.add(part_of[system])
    return allowed
