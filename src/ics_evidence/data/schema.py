"""The data package descriptor (``data/datapackage.json``) as Python objects.

The descriptor is a Frictionless Tabular Data Package. Two project-specific properties ride
along on each resource, which Frictionless tools ignore:

* ``role``: ``fact`` (a table of evidenced facts), ``codebook``, ``reference`` or ``link``;
* ``evidence``: the groups of (source, section, quote) fields that carry a row's evidence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ics_evidence.data.rules import check_descriptor
from ics_evidence.data.suggest import did_you_mean
from ics_evidence.files import regular_file
from ics_evidence.project import DESCRIPTOR


class DescriptorError(ValueError):
    """The descriptor breaks the project's rules; ``problems`` lists (where, what)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{where}: {what}" for where, what in problems))


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str
    constraints: dict

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class EvidenceGroup:
    source: str
    section: str
    quote: str
    optional: bool = False
    optional_when: dict = field(default_factory=dict)
    required_with: str | None = None


@dataclass(frozen=True)
class Resource:
    name: str
    path: str
    title: str
    description: str
    role: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    evidence: tuple[EvidenceGroup, ...]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


@dataclass(frozen=True)
class Package:
    directory: Path
    name: str
    title: str
    version: str
    resources: tuple[Resource, ...]
    descriptor: dict

    def resource(self, name: str) -> Resource:
        for resource in self.resources:
            if resource.name == name:
                return resource
        hint = did_you_mean(name, (resource.name for resource in self.resources))
        raise KeyError(f"no resource {name!r} in {self.directory / DESCRIPTOR}{hint}")


def _resource(raw: dict) -> Resource:
    schema = raw["schema"]
    return Resource(
        name=raw["name"],
        path=raw["path"],
        title=raw.get("title", raw["name"]),
        description=raw.get("description", ""),
        role=raw.get("role", "fact"),
        fields=tuple(
            Field(f["name"], f.get("type", "string"), f.get("description", ""), f.get("constraints", {}))
            for f in schema["fields"]
        ),
        primary_key=tuple(schema.get("primaryKey", [])),
        foreign_keys=tuple(
            ForeignKey(
                tuple(fk["fields"]),
                fk["reference"]["resource"],
                tuple(fk["reference"]["fields"]),
            )
            for fk in schema.get("foreignKeys", [])
        ),
        evidence=tuple(EvidenceGroup(**group) for group in raw.get("evidence", [])),
    )


def read_package(directory: Path) -> Package:
    path = regular_file(directory / DESCRIPTOR, directory)  # never a link to another package
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    # Checked on every read, so no caller (pages, loader, notebooks) sees an unchecked one.
    problems = check_descriptor(descriptor)
    if problems:
        raise DescriptorError(problems)
    return Package(
        directory=directory,
        name=descriptor["name"],
        title=descriptor.get("title", descriptor["name"]),
        version=descriptor.get("version", ""),
        resources=tuple(_resource(r) for r in descriptor["resources"]),
        descriptor=descriptor,
    )
