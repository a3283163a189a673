"""The pipeline manifest, ``notebooks/pipeline.yml``, read into validated models.

It is the one place that says which notebooks exist, what each reads, where its executed
copy goes and, for the analysis chapters, under which title the book lists it. The assemble
stage expands it into jobs; the analysis stage reads it so that a notebook loads exactly the
tables it declares. Both stages import it; it imports neither.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

TABLE_NAME = r"^[a-z][a-z0-9_]*$"


class ManifestError(RuntimeError):
    """The manifest cannot be used; the message says which entry and key, and why."""


class NotebookEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    source: str
    output: str
    for_each: Literal["systems"] | None = None
    parameters: dict[str, str] = Field(default_factory=dict)
    reads: tuple[str, ...] = ()
    reads_own_rows: tuple[str, ...] = ()
    # "analyses": listed in the Across-the-systems part; "own": _toc.yml places the page itself.
    toc: Literal["analyses", "own"] = "analyses"

    @field_validator("reads", "reads_own_rows")
    @classmethod
    def _table_names(cls, tables: tuple[str, ...]) -> tuple[str, ...]:
        import re

        bad = [t for t in tables if not re.match(TABLE_NAME, t)]
        if bad:
            raise ValueError(f"not table names: {bad}")
        return tables

    @field_validator("source", "output")
    @classmethod
    def _inside_project(cls, path: str) -> str:
        # Paths are relative to the project root and must stay inside it.
        parts = Path(path).parts
        if Path(path).is_absolute() or ".." in parts:
            raise ValueError(f"{path!r} must be a relative path inside the project")
        return path

    @model_validator(mode="after")
    def _own_rows_need_systems(self) -> NotebookEntry:
        if self.reads_own_rows and self.for_each != "systems":
            raise ValueError("reads_own_rows needs for_each: systems")
        if self.for_each is None and "{" in self.output:
            raise ValueError("output has a {placeholder} but the entry has no for_each")
        return self

    @property
    def is_chapter(self) -> bool:
        """One page in the Across-the-systems part (not a per-system template)."""
        return self.for_each is None and self.toc == "analyses"


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    notebooks: tuple[NotebookEntry, ...]

    @model_validator(mode="after")
    def _unique(self) -> Manifest:
        names = [n.name for n in self.notebooks]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate notebook names: {duplicates}")
        return self

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ManifestError(f"{path}: not found") from None
        except yaml.YAMLError as error:
            raise ManifestError(f"{path}: not valid YAML: {error}") from None
        try:
            return cls.model_validate(spec)
        except ValidationError as error:
            lines = []
            for problem in error.errors():
                where = _location(spec, problem["loc"])
                lines.append(f"{path}: {where}: {problem['msg']}")
            raise ManifestError("\n".join(lines)) from None

    def entry(self, name: str) -> NotebookEntry:
        for entry in self.notebooks:
            if entry.name == name:
                return entry
        names = [e.name for e in self.notebooks]
        near = difflib.get_close_matches(name, names, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise ManifestError(f"no notebook named {name!r} in the manifest{hint}")

    @property
    def chapters(self) -> list[NotebookEntry]:
        return [e for e in self.notebooks if e.is_chapter]


def _location(spec, loc: tuple) -> str:
    """``notebooks[2] (themes).reads`` rather than pydantic's bare tuple."""
    parts = []
    node = spec
    for key in loc:
        if isinstance(key, int):
            name = node[key].get("name") if isinstance(node, list) and isinstance(node[key], dict) else None
            parts[-1] += f"[{key}]" + (f" ({name})" if name else "")
        else:
            parts.append(str(key))
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts) or "(top level)"
