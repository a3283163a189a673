"""The descriptor is code-reviewed schema, not data.

``data/datapackage.json`` arrives with the data and can be edited by whoever edits a CSV, so
it is checked like any other input: its shape (pydantic models), names that become file
names, anchors and column headers (lower-case slugs), resource paths (``<name>.csv`` in the
package folder, nothing else), and the project's own rules in ``required_schema.json`` (kept
beside this module, so changing them is a code change that is reviewed). A descriptor may add
tables, columns and constraints; it may not remove or loosen a required one: an id pattern, a
``required``/``unique`` flag, a key, an evidence group or a range.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

REQUIRED_SCHEMA = Path(__file__).with_name("required_schema.json")
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class ConstraintsModel(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown constraint would be silently ignored
    required: bool = False
    unique: bool = False
    enum: list[str | int | float] | None = None
    minimum: float | None = None
    maximum: float | None = None
    minLength: int | None = Field(default=None, ge=0)
    maxLength: int | None = Field(default=None, ge=0)
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


class FieldModel(_Model):
    name: Name
    type: Literal["string", "integer", "number", "boolean", "date", "year"] = "string"
    description: str = ""
    constraints: ConstraintsModel = ConstraintsModel()


class ReferenceModel(_Model):
    resource: Name
    fields: list[Name]


class ForeignKeyModel(_Model):
    fields: list[Name]
    reference: ReferenceModel


class SchemaModel(_Model):
    fields: list[FieldModel] = Field(min_length=1)
    primaryKey: list[Name] = []
    foreignKeys: list[ForeignKeyModel] = []

    @model_validator(mode="after")
    def _columns_exist(self) -> SchemaModel:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError("two fields have the same name")
        for name in [*self.primaryKey, *(n for fk in self.foreignKeys for n in fk.fields)]:
            if name not in names:
                raise ValueError(f"key column {name!r} is not a field")
        return self


class EvidenceModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: Name
    section: Name
    quote: Name
    optional: bool = False
    optional_when: dict[Name, str | bool | int] = {}
    required_with: Name | None = None


class ResourceModel(_Model):
    name: Name
    path: str
    title: str = ""
    description: str = ""
    role: Literal["fact", "codebook", "reference", "link"] = "fact"
    table_schema: SchemaModel = Field(alias="schema")
    evidence: list[EvidenceModel] = []

    @model_validator(mode="after")
    def _confined(self) -> ResourceModel:
        # The path is derived from the name, so it is a plain file name in the package folder
        # by construction: no "../", no absolute path, no sub-folder, no other extension.
        if self.path != f"{self.name}.csv":
            raise ValueError(f"path must be {self.name}.csv (the table's name), not {self.path!r}")
        fields = {f.name for f in self.table_schema.fields}
        for group in self.evidence:
            for column in (group.source, group.section, group.quote):
                if column not in fields:
                    raise ValueError(f"evidence column {column!r} is not a field")
        return self


class DescriptorModel(_Model):
    name: str
    resources: list[ResourceModel] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> DescriptorModel:
        names = [r.name for r in self.resources]
        if len(set(names)) != len(names):
            raise ValueError("two resources have the same name")
        return self


@cache
def required_schema() -> dict:
    return json.loads(REQUIRED_SCHEMA.read_text(encoding="utf-8"))


def _loosened(name: str, required: object, actual: object) -> bool:
    """True if ``actual`` is weaker than the required constraint ``name``."""
    if actual is None:
        return True
    if name in ("required", "unique"):
        return bool(required) and not actual
    if name in ("minimum", "minLength"):
        return actual < required
    if name in ("maximum", "maxLength"):
        return actual > required
    if name == "enum":
        return not set(actual) <= set(required)
    return actual != required  # pattern: any change needs a code change


def check_descriptor(raw: object) -> list[tuple[str, str]]:
    """Every way ``raw`` (the parsed JSON) breaks the project's rules, as (where, what)."""
    try:
        model = DescriptorModel.model_validate(raw)
    except ValidationError as error:
        return [
            (".".join(str(part) for part in e["loc"]) or "(top level)", e["msg"].removeprefix("Value error, "))
            for e in error.errors()
        ]
    problems = []
    resources = {r.name: r for r in model.resources}
    for rule in required_schema()["resources"]:
        name = rule["name"]
        resource = resources.get(name)
        if resource is None:
            problems.append((name, "the project requires this table; it cannot be removed from the descriptor"))
            continue
        if resource.role != rule["role"]:
            problems.append((f"{name}.role", f"must be {rule['role']!r}"))
        if resource.table_schema.primaryKey != rule["primaryKey"]:
            problems.append((f"{name}.schema.primaryKey", f"must be {rule['primaryKey']}"))
        keys = [fk.model_dump() for fk in resource.table_schema.foreignKeys]
        for fk in rule["foreignKeys"]:
            if fk not in keys:
                problems.append((f"{name}.schema.foreignKeys", f"the foreign key {fk['fields']} is required"))
        groups = [g.model_dump(exclude_defaults=True) for g in resource.evidence]
        for group in rule["evidence"]:
            if group not in groups:
                problems.append((f"{name}.evidence", f"the evidence group {group} is required, unchanged"))
        fields = {f.name: f for f in resource.table_schema.fields}
        for field_name, required in rule["fields"].items():
            field = fields.get(field_name)
            where = f"{name}.{field_name}"
            if field is None:
                problems.append((where, "the project requires this column"))
                continue
            if field.type != required["type"]:
                problems.append((f"{where}.type", f"must be {required['type']}"))
            constraints = field.constraints.model_dump()
            for constraint, value in required["constraints"].items():
                if _loosened(constraint, value, constraints.get(constraint)):
                    problems.append(
                        (f"{where}.constraints.{constraint}", f"the project requires {value!r}; it cannot be loosened")
                    )
    return problems


def rules_of(descriptor: dict) -> dict:
    """The rules a reviewed descriptor sets, in the form of ``required_schema.json``: to change
    a rule, edit the descriptor, then regenerate the file and have both reviewed together:

        python -m ics_evidence rules      (writes src/ics_evidence/data/required_schema.json)
    """
    return {
        "resources": [
            {
                "name": r["name"],
                "path": r["path"],
                "role": r.get("role", "fact"),
                "primaryKey": r["schema"].get("primaryKey", []),
                "foreignKeys": r["schema"].get("foreignKeys", []),
                "evidence": r.get("evidence", []),
                "fields": {
                    f["name"]: {"type": f.get("type", "string"), "constraints": f.get("constraints", {})}
                    for f in r["schema"]["fields"]
                },
            }
            for r in descriptor["resources"]
        ]
    }


def write_required_schema(descriptor_path: Path, target: Path) -> Path:
    """Regenerate ``required_schema.json`` from a reviewed descriptor (``python -m ics_evidence rules``)."""
    rules = rules_of(json.loads(descriptor_path.read_text(encoding="utf-8")))
    target.write_text(json.dumps(rules, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
