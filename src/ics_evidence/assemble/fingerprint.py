"""What an executed notebook was built from, part by part, so that staleness can say why.

A notebook's output depends on its source, its parameters, the tables it reads (or only its
system's rows of them), the edition's citation, the code notebooks import (the data and analysis
stages and the project configuration; not the build or release code) and the runtime packages
(not the linters or test tools pinned beside them).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import metadata
from pathlib import Path

from ics_evidence.assemble.jobs import Job
from ics_evidence.data.csvfiles import read_table
from ics_evidence.package_code import PACKAGE_DIR, notebook_code_digest

# The packages a notebook's kernel runs on; their installed dependencies are followed.
RUNTIME_DISTRIBUTIONS = ("pandas", "altair", "vl-convert-python", "myst-nb", "papermill", "ipykernel", "jupytext",
                         "pyyaml", "pydantic")  # fmt: skip


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class DataHasher:
    """Content hashes of data files, and of one system's rows of a table, each computed once."""

    def __init__(self) -> None:
        self._files: dict[Path, str] = {}
        self._rows: dict[Path, dict[str, str] | None] = {}

    def file(self, path: Path) -> str:
        if path not in self._files:
            self._files[path] = _sha256(path) if path.exists() else "missing"
        return self._files[path]

    def rows(self, path: Path, system_id: str) -> str:
        if path not in self._rows:
            self._rows[path] = self._hash_rows_by_system(path)
        by_system = self._rows[path]
        if by_system is None:
            return self.file(path)
        return by_system.get(system_id, hashlib.sha256(b"no rows").hexdigest())

    @staticmethod
    def _hash_rows_by_system(path: Path) -> dict[str, str] | None:
        # The same reader as the validator and the loader, so all three see the same rows (a
        # BOM or a blank row cannot hide an edit from one of them).
        if not path.exists():
            return {}
        table = read_table(path)
        if not table.ok:
            return None  # unreadable: validation reports it; any edit reruns every page
        header = table.header
        digests: dict[str, hashlib._Hash] = {}
        for _, row in table.rows:
            digest = digests.setdefault(row.get("system_id", ""), hashlib.sha256(json.dumps(header).encode()))
            digest.update(json.dumps([row.get(column) for column in header]).encode())
        return {key: digest.hexdigest() for key, digest in digests.items()}


@cache
def code_fingerprint(package_dir: Path = PACKAGE_DIR) -> str:
    """One hash over the package code notebooks import (see :mod:`ics_evidence.package_code`)."""
    return notebook_code_digest(package_dir)


def _requirement_names(distribution: metadata.Distribution) -> list[str]:
    from packaging.requirements import Requirement

    names = []
    for text in distribution.requires or []:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            names.append(requirement.name)
    return names


@cache
def environment_fingerprint(roots: tuple[str, ...] = RUNTIME_DISTRIBUTIONS) -> str:
    """Names and versions of the runtime packages and everything they need, as installed."""
    seen: dict[str, str] = {}
    queue = list(roots)
    while queue:
        name = queue.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            seen[key] = "missing"
            continue
        seen[key] = distribution.version
        queue.extend(_requirement_names(distribution))
    listing = "\n".join(f"{name}=={version}" for name, version in sorted(seen.items()))
    return hashlib.sha256(listing.encode()).hexdigest()


def fingerprint(job: Job, code: str, environment: str, hasher: DataHasher | None = None, edition: str = "") -> dict:
    """What an output is built from, part by part, so that staleness can say why."""
    hasher = hasher or DataHasher()
    data = {}
    for path in job.data_files():
        table = path.stem
        if table in job.own_rows:
            system_id = job.parameters["system_id"]
            data[f"{path.name} (rows of {system_id})"] = hasher.rows(path, system_id)
        else:
            data[path.name] = hasher.file(path)
    return {
        "source": _sha256(job.source),
        "parameters": json.dumps(job.parameters, sort_keys=True),
        "data": data,
        "code": code,
        "environment": environment,
        # What each figure's cite line and exported files say of the edition (CITATION.cff).
        "edition": edition,
    }


def reasons(old: dict | None, new: dict, output_exists: bool) -> list[str]:
    """Why a job must rerun; an empty list means its output is up to date."""
    if not output_exists:
        return ["output missing"]
    if old is None:
        return ["no record of how the output was built"]
    why = []
    if old.get("source") != new["source"]:
        why.append("notebook source changed")
    if old.get("parameters") != new["parameters"]:
        why.append("parameters changed")
    old_data = old.get("data", {})
    for name, digest in new["data"].items():
        if old_data.get(name) != digest:
            why.append(f"data/{name} changed")
    for name in sorted(set(old_data) - set(new["data"])):
        why.append(f"no longer reads data/{name}")
    if old.get("code") != new["code"]:
        why.append("analysis code changed")
    if old.get("environment") != new["environment"]:
        why.append("runtime packages changed")
    if old.get("edition", "") != new.get("edition", ""):
        why.append("edition's citation changed")
    return why
