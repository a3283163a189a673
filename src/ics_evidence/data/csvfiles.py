"""The one CSV reader: the validator, the loader and the rerun hasher all read a table through
:func:`read_table`, so all three see the same header and rows (a reader that skipped a BOM or a
blank row where another did not would validate one table and publish another).

The dialect is the data package's: UTF-8 (a byte-order mark, as spreadsheets write for
"CSV UTF-8", is accepted and stripped), one header row of distinct names, no blank rows, at
least one data row, and as many cells in every row as the header has. Anything else is a
:class:`Problem` naming file, row and rule, never an exception.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ics_evidence.files import unsafe_reason
from ics_evidence.terminal import escaped

BOM = "\ufeff"


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        parts = [where]
        if self.column is not None:
            parts.append(self.column)
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            parts.append(f"'{shown}'")
        # One line, whatever the file, header, cell or message holds (the terminal's one rule).
        return escaped(f"{' '.join(parts)} — {self.rule}: {self.message}")


@dataclass
class Table:
    """A parsed table. ``rows`` are (row number as a spreadsheet shows it, cells by column);
    rows with the wrong number of cells are reported and left out."""

    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def parse(text: str, shown: str) -> Table:
    """Parse CSV text (already decoded) as the data package's dialect."""
    table = Table()

    def problem(row: int | None, column: str | None, value: str | None, rule: str, message: str) -> None:
        table.problems.append(Problem(shown, row, column, value, rule, message))

    text = text.removeprefix(BOM)
    try:
        # The csv module finds the row ends itself (\n, \r\n inside or outside quotes); never
        # str.splitlines, which also splits on U+2028, U+2029, \x85, \v, \f and \x1c-\x1e and
        # would cut a row in two (and misnumber every row after it).
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        problem(None, None, None, "csv", f"malformed CSV: {error}")
        return table
    if not records:
        problem(None, None, None, "csv", "empty file: no header row")
        return table
    header, body = records[0], records[1:]
    table.header = header
    seen: dict[str, int] = {}
    for index, name in enumerate(header, start=1):
        if name.strip() == "":
            problem(1, f"column {index}", name, "header", "column has no name")
            continue
        key = name.strip().casefold()
        if key in seen:
            # Two columns of one name: one reader would take the first, another the last.
            problem(1, name, None, "header", f"duplicate column name (same as column {seen[key]})")
        else:
            seen[key] = index
    for offset, cells in enumerate(body):
        number = offset + 2
        if not any(cell.strip() for cell in cells):
            problem(number, None, None, "blank-row", "blank row; delete it (rows below would be misnumbered)")
            continue
        if len(cells) != len(header):
            problem(number, None, None, "csv", f"row has {len(cells)} cells, the header has {len(header)}")
            continue
        table.rows.append((number, dict(zip(header, cells, strict=True))))
    if not body:
        problem(None, None, None, "empty", "the table has a header but no rows")
    return table


def read_table(path: Path, shown: str | None = None) -> Table:
    """Read one CSV file. Bytes that are not UTF-8 survive as lone surrogates
    (``surrogateescape``) so that the validator can report the cell they are in."""
    shown = shown or display_path(path)
    if not path.exists() and not path.is_symlink():
        return Table(problems=[Problem(shown, None, None, None, "file", "missing (the descriptor lists it)")])
    unsafe = unsafe_reason(path, path.parent)
    if unsafe:  # refused before a byte is read, so nothing of what it points at is shown
        return Table(problems=[Problem(shown, None, None, None, "file", unsafe)])
    return parse(path.read_bytes().decode("utf-8", errors="surrogateescape"), shown)


class CsvError(ValueError):
    """A table that tools cannot read row by row; ``problems`` says why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and well-formed rows for tools that edit data (fixtures, benchmark datasets);
    what else is wrong is the validator's to report. Raises :class:`CsvError` without a header."""
    table = read_table(path)
    if not table.header:
        raise CsvError(table.problems)
    return table.header, [cells for _, cells in table.rows]


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def edit_cell(path: Path, match: dict[str, str], column: str, new_value: str) -> None:
    """Set ``column`` of the first row whose cells equal ``match``."""
    header, rows = read_rows(path)
    row = next(r for r in rows if all(r[k] == v for k, v in match.items()))
    row[column] = new_value
    write_rows(path, header, rows)
