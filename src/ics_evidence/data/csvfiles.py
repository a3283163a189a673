"""Reading and writing the package's CSV files row by row, as the data package expects them
(UTF-8, header row, "\\n" line endings), for tools that edit data: the benchmark's generated
datasets, the test fixtures and the release diff."""

from __future__ import annotations

import csv
from pathlib import Path


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


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
