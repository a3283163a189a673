"""A table as the validator reads it (:class:`Row`), the collector every check reports its
problems to, and the walk over the tables that could be read; shared by the validator's
modules (:mod:`ics_evidence.data.validate` and the checks it runs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ics_evidence.data.csvfiles import Problem, display_path
from ics_evidence.data.schema import Package


@dataclass
class Row:
    number: int
    values: dict[str, Any]  # parsed; None for missing or unparseable
    raw: dict[str, str]


class Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, row: int | None, column: str | None, value: str | None, rule: str, message: str) -> None:
        self.problems.append(Problem(file, row, column, value, rule, message))


def each_table(package: Package, tables: dict[str, list[Row]]):
    """(resource, rows, shown path) for every table that could be read."""
    for resource in package.resources:
        if resource.name in tables:
            yield resource, tables[resource.name], display_path(package.directory / resource.path)
