"""The project's reviewed rules for the descriptor: what a data package may not loosen.

``data/datapackage.json`` arrives with the data and can be edited by whoever edits a CSV. Its
shape is parsed by the one model in :mod:`ics_evidence.data.schema`; this module holds that
model to the project's own rules in ``required_schema.json`` (kept beside this module, so
changing them is a code change that is reviewed). A descriptor may add tables, columns and
constraints; it may not remove or loosen a required one: an id pattern, a ``required``/``unique``
flag, a key, an evidence group or a range.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ics_evidence.data.schema import Descriptor

REQUIRED_SCHEMA = Path(__file__).with_name("required_schema.json")


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


def broken_rules(descriptor: Descriptor) -> list[tuple[str, str]]:
    """Every way a well-formed descriptor breaks or loosens the project's rules, as (where, what)."""
    problems = []
    resources = {r.name: r for r in descriptor.resources}
    for rule in required_schema()["resources"]:
        name = rule["name"]
        resource = resources.get(name)
        if resource is None:
            problems.append((name, "the project requires this table; it cannot be removed from the descriptor"))
            continue
        if resource.role != rule["role"]:
            problems.append((f"{name}.role", f"must be {rule['role']!r}"))
        if list(resource.primary_key) != rule["primaryKey"]:
            problems.append((f"{name}.schema.primaryKey", f"must be {rule['primaryKey']}"))
        keys = [fk.model_dump(mode="json") for fk in resource.foreign_keys]
        for fk in rule["foreignKeys"]:
            if fk not in keys:
                problems.append((f"{name}.schema.foreignKeys", f"the foreign key {fk['fields']} is required"))
        groups = [_given(g) for g in resource.evidence]
        for group in rule["evidence"]:
            if group not in groups:
                problems.append((f"{name}.evidence", f"the evidence group {group} is required, unchanged"))
        fields = {f.name: f for f in resource.fields}
        for field_name, required in rule["fields"].items():
            field = fields.get(field_name)
            where = f"{name}.{field_name}"
            if field is None:
                problems.append((where, "the project requires this column"))
                continue
            if field.type != required["type"]:
                problems.append((f"{where}.type", f"must be {required['type']}"))
            constraints = field.constraints.model_dump(mode="json")
            for constraint, value in required["constraints"].items():
                if _loosened(constraint, value, constraints.get(constraint)):
                    problems.append(
                        (f"{where}.constraints.{constraint}", f"the project requires {value!r}; it cannot be loosened")
                    )
    return problems


def _given(model) -> dict:
    """A model's values as JSON, without those left at their defaults."""
    return model.model_dump(mode="json", exclude_defaults=True)


def rules_of(descriptor: Descriptor) -> dict:
    """The rules a reviewed descriptor sets, in the form of ``required_schema.json``: to change
    a rule, edit the descriptor, then regenerate the file and have both reviewed together:

        python -m ics_evidence rules      (writes src/ics_evidence/data/required_schema.json)
    """
    return {
        "resources": [
            {
                "name": r.name,
                "path": r.path,
                "role": r.role,
                "primaryKey": list(r.primary_key),
                "foreignKeys": [fk.model_dump(mode="json") for fk in r.foreign_keys],
                "evidence": [_given(g) for g in r.evidence],
                "fields": {f.name: {"type": f.type, "constraints": _given(f.constraints)} for f in r.fields},
            }
            for r in descriptor.resources
        ]
    }


def write_required_schema(descriptor_path: Path, target: Path) -> Path:
    """Regenerate ``required_schema.json`` from a reviewed descriptor (``python -m ics_evidence rules``)."""
    from ics_evidence.data.schema import Descriptor

    raw = json.loads(descriptor_path.read_text(encoding="utf-8"))
    rules = rules_of(Descriptor.model_validate(raw))
    target.write_text(json.dumps(rules, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
