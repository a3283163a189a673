"""The data package descriptor (``data/datapackage.json``): one typed model, used by the
validator, the loader and every page that describes the package.

The descriptor is a Frictionless Tabular Data Package. Two project-specific properties ride
along on each resource, which Frictionless tools ignore:

* ``role``: ``fact`` (a table of evidenced facts), ``codebook``, ``reference`` or ``link``;
* ``evidence``: the groups of (source, section, quote) fields that carry a row's evidence.

It arrives with the data and can be edited by whoever edits a CSV, so it is parsed by these
pydantic models (shape, names that become file names, anchors and column headers, resource
paths) and then held to the project's reviewed rules (:mod:`ics_evidence.data.rules`). What
the models accept is what every reader sees: there is no second parse of the raw JSON with
defaults of its own.

Frictionless itself is kept as a test tool only (``tests/test_shipped_data.py`` checks that the
shipped descriptor is a valid Frictionless package): its validator reports Table Schema errors
but not the project's rules (confined paths, rules that cannot be loosened, evidence groups,
hostile cells), and its messages do not name file, row, column, value and rule the way the
project's validator must, so the generic checks stay in the project's own validator
(:mod:`ics_evidence.data.validate`, a cell's in :mod:`ics_evidence.data.cells`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, field_validator, model_validator

from ics_evidence.data.csvfiles import display_path
from ics_evidence.data.rules import broken_rules
from ics_evidence.data.suggest import did_you_mean
from ics_evidence.files import regular_file
from ics_evidence.project import DESCRIPTOR

Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class DescriptorError(ValueError):
    """The descriptor breaks the project's rules; ``problems`` lists (where, what)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{where}: {what}" for where, what in problems))


class _Open(BaseModel):
    """Frictionless properties the project does not use (profile, format, …) are allowed."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)


class Constraints(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)  # an unknown constraint would be silently ignored
    required: bool = False
    unique: bool = False
    enum: tuple[str | int | float, ...] | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    minLength: int | None = pydantic.Field(default=None, ge=0)
    maxLength: int | None = pydantic.Field(default=None, ge=0)
    pattern: str | None = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as error:
                raise ValueError(f"not a regular expression: {error}") from None
        return value


class Field(_Open):
    name: Name
    type: Literal["string", "integer", "number", "boolean", "date", "year"] = "string"
    description: str = ""
    constraints: Constraints = Constraints()

    @property
    def required(self) -> bool:
        return self.constraints.required


class Reference(_Open):
    resource: Name
    fields: tuple[Name, ...]


class ForeignKey(_Open):
    fields: tuple[Name, ...]
    reference: Reference

    @property
    def resource(self) -> str:
        return self.reference.resource

    @property
    def reference_fields(self) -> tuple[str, ...]:
        return self.reference.fields


class TableSchema(_Open):
    fields: tuple[Field, ...] = pydantic.Field(min_length=1)
    primaryKey: tuple[Name, ...] = ()
    foreignKeys: tuple[ForeignKey, ...] = ()

    @model_validator(mode="after")
    def _columns_exist(self) -> TableSchema:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError("two fields have the same name")
        for name in [*self.primaryKey, *(n for fk in self.foreignKeys for n in fk.fields)]:
            if name not in names:
                raise ValueError(f"key column {name!r} is not a field")
        return self


class EvidenceGroup(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: Name
    section: Name
    quote: Name
    optional: bool = False
    optional_when: dict[Name, str | bool | int] = {}
    required_with: Name | None = None


class Resource(_Open):
    name: Name
    path: str
    title: str = ""
    description: str = ""
    role: Literal["fact", "codebook", "reference", "link"] = "fact"
    table_schema: TableSchema = pydantic.Field(alias="schema")
    evidence: tuple[EvidenceGroup, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _titled(cls, raw: object) -> object:
        # A table the descriptor gives no title is headed by its name.
        if isinstance(raw, dict) and not raw.get("title") and isinstance(raw.get("name"), str):
            return {**raw, "title": raw["name"]}
        return raw

    @model_validator(mode="after")
    def _confined(self) -> Resource:
        # The path is derived from the name, so it is a plain file name in the package folder
        # by construction: no "../", no absolute path, no sub-folder, no other extension.
        if self.path != f"{self.name}.csv":
            raise ValueError(f"path must be {self.name}.csv (the table's name), not {self.path!r}")
        fields = set(self.field_names)
        for group in self.evidence:
            for column in (group.source, group.section, group.quote):
                if column not in fields:
                    raise ValueError(f"evidence column {column!r} is not a field")
        return self

    @property
    def fields(self) -> tuple[Field, ...]:
        return self.table_schema.fields

    @property
    def primary_key(self) -> tuple[str, ...]:
        return self.table_schema.primaryKey

    @property
    def foreign_keys(self) -> tuple[ForeignKey, ...]:
        return self.table_schema.foreignKeys

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


class Descriptor(_Open):
    name: str
    title: str = ""
    version: str = ""
    resources: tuple[Resource, ...] = pydantic.Field(min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> Descriptor:
        names = [r.name for r in self.resources]
        if len(set(names)) != len(names):
            raise ValueError("two resources have the same name")
        return self


def parse_descriptor(raw: object) -> tuple[Descriptor | None, list[tuple[str, str]]]:
    """The descriptor as the model, or None and every way its shape is wrong, as (where, what)."""
    try:
        return Descriptor.model_validate(raw), []
    except ValidationError as error:
        return None, [
            (".".join(str(part) for part in e["loc"]) or "(top level)", e["msg"].removeprefix("Value error, "))
            for e in error.errors()
        ]


@dataclass(frozen=True)
class Package:
    """A checked descriptor and the folder it describes."""

    directory: Path
    descriptor: Descriptor

    @property
    def name(self) -> str:
        return self.descriptor.name

    @property
    def title(self) -> str:
        return self.descriptor.title or self.descriptor.name

    @property
    def version(self) -> str:
        return self.descriptor.version

    @property
    def resources(self) -> tuple[Resource, ...]:
        return self.descriptor.resources

    def resource(self, name: str) -> Resource:
        for resource in self.resources:
            if resource.name == name:
                return resource
        hint = did_you_mean(name, (resource.name for resource in self.resources))
        raise KeyError(f"no resource {name!r} in {self.directory / DESCRIPTOR}{hint}")

    def shown(self, name: str) -> str:
        """The file of resource ``name`` as a problem names it (relative to where the command runs)."""
        return display_path(self.directory / self.resource(name).path)


def check_descriptor(raw: object) -> tuple[Descriptor | None, list[tuple[str, str]]]:
    """The descriptor as the model and every way it breaks the project's rules (its shape
    first; the reviewed rules only for a well-formed one), as (where, what)."""
    descriptor, problems = parse_descriptor(raw)
    if descriptor is None:
        return None, problems
    return descriptor, broken_rules(descriptor)


def read_package(directory: Path) -> Package:
    path = regular_file(directory / DESCRIPTOR, directory)  # never a link to another package
    raw = json.loads(path.read_text(encoding="utf-8"))
    # Checked on every read, so no caller (pages, loader, notebooks) sees an unchecked one.
    descriptor, problems = check_descriptor(raw)
    if problems:
        raise DescriptorError(problems)
    return Package(directory=directory, descriptor=descriptor)
