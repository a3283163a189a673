"""Typed pandas frames for notebooks: validate first (unless this build already validated
exactly these bytes, see :mod:`ics_evidence.data.validated`), then load."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ics_evidence.data.csvfiles import read_table
from ics_evidence.data.schema import Resource, read_package
from ics_evidence.data.suggest import did_you_mean
from ics_evidence.data.validate import Problem, validate_package
from ics_evidence.data.validated import is_recorded, validation_key
from ics_evidence.project import NotAProject, Project

_DTYPES = {
    "string": "string",
    "integer": "Int64",
    "year": "Int64",
    "number": "Float64",
    "boolean": "boolean",
}


class DataPackageError(ValueError):
    """The data package is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"the data package has {len(problems)} problem(s):\n{lines}")


def _typed_frame(resource: Resource, path: Path) -> pd.DataFrame:
    # The validator's reader, so the frame holds exactly the rows that were validated.
    table = read_table(path)
    frame = pd.DataFrame([cells for _, cells in table.rows], columns=table.header, dtype="object")
    return _typed(resource, frame[resource.field_names].replace("", pd.NA))


def _typed(resource: Resource, frame: pd.DataFrame) -> pd.DataFrame:
    for field in resource.fields:
        column = frame[field.name]
        if field.type == "date":
            frame[field.name] = pd.to_datetime(column, format="%Y-%m-%d")
        elif field.type == "boolean":
            frame[field.name] = column.map({"true": True, "false": False}).astype("boolean")
        else:
            frame[field.name] = column.astype(_DTYPES.get(field.type, "string"))
    return frame


def load_package(
    directory: Path | None = None, *, tables: Iterable[str] | None = None, sources: Path | None = None
) -> dict[str, pd.DataFrame]:
    """The package's tables as typed frames, keyed by resource name (all, or only ``tables``).

    ``directory`` defaults to the ``data/`` of the project you run in.

    Raises :class:`DataPackageError` listing every problem if the package is invalid, so a
    notebook never computes on bad data. Validation is skipped only when the build running
    this notebook recorded the package's validation key (which covers the data, the sources,
    the choice to check them and the validating code) as valid. Notebooks pass the tables the
    pipeline manifest says they read, so that a table they do not declare is not at hand.
    """
    directory = Path(directory) if directory is not None else Project.find().data_dir
    if not _validated_by_this_build(directory, sources):
        problems = validate_package(directory, sources)
        if problems:
            raise DataPackageError(problems)
    package = read_package(directory)
    wanted = None if tables is None else set(tables)
    if wanted is not None and (unknown := wanted - {r.name for r in package.resources}):
        first = sorted(unknown)[0]
        hint = did_you_mean(first, (r.name for r in package.resources))
        raise KeyError(f"no such table(s): {', '.join(sorted(unknown))}{hint}")
    return {
        r.name: _typed_frame(r, directory / r.path) for r in package.resources if wanted is None or r.name in wanted
    }


def _validated_by_this_build(directory: Path, sources: Path | None) -> bool:
    """Whether a build recorded exactly this package as valid: in the project run in (where
    papermill starts a notebook) or the one holding the data."""
    key = validation_key(directory, sources)
    build_dirs = []
    for start in (None, directory):
        with contextlib.suppress(NotAProject):
            build_dirs.append(Project.find(start).build_dir)
    return any(is_recorded(key, build_dir) for build_dir in build_dirs)


def load_table(name: str, directory: Path | None = None) -> pd.DataFrame:
    """One table, typed. Validates the whole package, since keys span tables."""
    return load_package(directory, tables=[name])[name]


def read_typed(directory: Path, *, schema_from: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every table of a package as typed frames, without validating it: for a caller that has
    validated it already (the build, after ``validate``), or that reads an earlier edition's
    data from git only to compare what it said.

    With ``schema_from`` (another package's folder, today's ``data/``), the tables and columns
    are today's: a table or column the folder lacks is empty (NA), one it has beyond today's is
    left out, so an earlier edition's data can be read by today's code."""
    directory = Path(directory)
    if schema_from is None:
        package = read_package(directory)
        return {r.name: _typed_frame(r, directory / r.path) for r in package.resources}
    out = {}
    for resource in read_package(Path(schema_from)).resources:
        path = directory / Path(resource.path).name
        if path.exists():
            table = read_table(path)
            rows = [cells for _, cells in table.rows]
            frame = pd.DataFrame(rows, columns=table.header, dtype="object")
        else:
            frame = pd.DataFrame(columns=resource.field_names, dtype="object")
        for name in resource.field_names:
            if name not in frame.columns:
                frame[name] = ""
        out[resource.name] = _typed(resource, frame[resource.field_names].replace("", pd.NA))
    return out
