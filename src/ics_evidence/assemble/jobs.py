"""The manifest expanded into jobs: one execution of one notebook with one set of parameters.

``for_each: systems`` fans a template out into one job per row of ``systems.csv``. A job's
output path comes from the manifest and the system id; the id is checked against the same
pattern the data package requires and the path must stay under ``book/``, whatever the data
say, so no row can make the pipeline write (or prune) outside the book.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ics_evidence.data.csvfiles import read_rows
from ics_evidence.manifest import Manifest, ManifestError, NotebookEntry
from ics_evidence.project import DESCRIPTOR, Project

SAFE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class PipelineError(RuntimeError):
    """A manifest or parameter mistake found before any notebook runs."""


class NotebookFailed(RuntimeError):
    def __init__(self, job: Job, cell: int | None, error: str):
        self.job, self.cell, self.error = job, cell, error
        where = f"code cell {cell}" if cell is not None else "set-up"
        super().__init__(f"{job.label}: {job.source.relative_to(job.root)} failed at {where}: {error}")


@dataclass(frozen=True)
class Job:
    """One execution of one notebook source with one set of parameters."""

    name: str
    root: Path
    source: Path
    output: Path
    parameters: dict
    reads: tuple[str, ...]
    data_dir: Path
    own_rows: tuple[str, ...] = ()  # tables of which only this system's rows are read

    @property
    def label(self) -> str:
        key = ",".join(str(v) for k, v in sorted(self.parameters.items()) if k != "data_dir")
        return f"{self.name}[{key}]" if key else self.name

    @property
    def key(self) -> str:
        """How the state file and the executed notebook's metadata name this output."""
        return self.output.relative_to(self.root).as_posix()

    def data_files(self) -> list[Path]:
        return [self.data_dir / DESCRIPTOR, *(self.data_dir / f"{table}.csv" for table in self.reads)]


def _system_ids(data_dir: Path) -> list[str]:
    _, rows = read_rows(data_dir / "systems.csv")
    ids = [row.get("system_id", "") for row in rows]
    unsafe = [i for i in ids if not SAFE_ID.match(i)]
    if unsafe:
        # Validation refuses these first; this guard holds even if it is bypassed.
        raise PipelineError(f"systems.csv: system_id {unsafe[0]!r} is not a lower-case slug; it cannot name a page")
    return ids


def _expand(entry: NotebookEntry, project: Project, data_dir: Path) -> list[Job]:
    root = project.root
    rows: list[dict[str, str]] = [{}]
    if entry.for_each == "systems":
        rows = [{"system_id": system_id} for system_id in _system_ids(data_dir)]
    if not (root / entry.source).is_file():
        raise PipelineError(f"{project.manifest}: {entry.name}: source {entry.source} not found")
    jobs = []
    for row in rows:
        try:
            parameters = {k: v.format(**row) for k, v in entry.parameters.items()}
            output = (root / entry.output.format(**row)).resolve()
        except (KeyError, IndexError, ValueError) as error:
            raise PipelineError(f"{project.manifest}: {entry.name}: bad placeholder {error}") from None
        if not output.is_relative_to(project.book_dir.resolve()) or output.suffix != ".ipynb":
            raise PipelineError(f"{project.manifest}: {entry.name}: output {output} is not a notebook under book/")
        # Relative, so a clone anywhere gives the same fingerprints and pages.
        parameters["data_dir"] = os.path.relpath(data_dir.resolve(), root)
        jobs.append(
            Job(
                name=entry.name,
                root=root,
                source=root / entry.source,
                output=output,
                parameters=parameters,
                reads=entry.reads + entry.reads_own_rows,
                data_dir=data_dir,
                own_rows=entry.reads_own_rows,
            )
        )
    return jobs


def load_jobs(project: Project, data_dir: Path | None = None) -> list[Job]:
    """Every job the manifest declares, for the data in ``data_dir`` (default: the project's)."""
    data_dir = (data_dir or project.data_dir).resolve()
    try:
        manifest = Manifest.read(project.manifest)
    except ManifestError as error:
        raise PipelineError(str(error)) from None
    jobs = [job for entry in manifest.notebooks for job in _expand(entry, project, data_dir)]
    outputs = [job.output for job in jobs]
    if len(set(outputs)) != len(outputs):
        raise PipelineError(f"{project.manifest}: two jobs write the same output")
    return jobs
