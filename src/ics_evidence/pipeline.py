"""The rerun pipeline: papermill reruns exactly the notebooks whose inputs changed.

``notebooks/pipeline.yml`` declares which notebooks run, with which parameters, reading which
tables, and where their executed copies go. A notebook is stale when its source, its
parameters, the content of a table it reads, the package code or the pinned environment
changed since its output was built, or when the output is missing. Each executed notebook
records what it was built from (in its metadata and in a small state file), so a no-op run
does no notebook work at all.

Outputs are written to a temporary file and moved into place only on success; a failing
notebook keeps its last good output and stops the run before the book is rebuilt.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import html
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ics_evidence.paths import DATA_DIR, DESCRIPTOR, ROOT

MANIFEST = ROOT / "notebooks" / "pipeline.yml"
PACKAGE_DIR = Path(__file__).resolve().parent
STATE_NAME = ".pipeline-state.json"
HIDDEN_TAG = "remove-cell"


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

    def data_files(self) -> list[Path]:
        return [self.data_dir / DESCRIPTOR, *(self.data_dir / f"{table}.csv" for table in self.reads)]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class DataHasher:
    """Content hashes of data files, and of one system's rows of a table, each computed once."""

    def __init__(self) -> None:
        self._files: dict[Path, str] = {}
        self._rows: dict[Path, dict[str, str]] = {}

    def file(self, path: Path) -> str:
        if path not in self._files:
            self._files[path] = _sha256(path) if path.exists() else "missing"
        return self._files[path]

    def rows(self, path: Path, system_id: str) -> str:
        if path not in self._rows:
            self._rows[path] = self._hash_rows_by_system(path)
        return self._rows[path].get(system_id, hashlib.sha256(b"no rows").hexdigest())

    @staticmethod
    def _hash_rows_by_system(path: Path) -> dict[str, str]:
        if not path.exists():
            return {}
        with path.open(newline="", encoding="utf-8", errors="replace") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            column = header.index("system_id") if "system_id" in header else None
            digests: dict[str, hashlib._Hash] = {}
            for row in reader:
                key = row[column] if column is not None and column < len(row) else ""
                digest = digests.setdefault(key, hashlib.sha256(json.dumps(header).encode()))
                digest.update(json.dumps(row).encode())
        return {key: digest.hexdigest() for key, digest in digests.items()}


def code_fingerprint(package_dir: Path = PACKAGE_DIR) -> str:
    """One hash over the package's Python sources: notebooks import it for loading and charts."""
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*.py")):
        digest.update(path.relative_to(package_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(job: Job, code: str, environment: str, hasher: DataHasher | None = None) -> dict:
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
        why.append("package code changed")
    if old.get("environment") != new["environment"]:
        why.append("environment (requirements.txt) changed")
    return why


def _system_ids(data_dir: Path) -> list[str]:
    with (data_dir / "systems.csv").open(newline="", encoding="utf-8") as handle:
        return [row["system_id"] for row in csv.DictReader(handle)]


def load_jobs(manifest: Path = MANIFEST, data_dir: Path = DATA_DIR) -> list[Job]:
    """Expand the manifest into jobs; ``for_each: systems`` fans out one job per system.

    Paths in the manifest are relative to the project root, the folder above ``notebooks/``.
    """
    root = manifest.resolve().parent.parent
    spec = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    jobs = []
    for entry in spec["notebooks"]:
        unknown = set(entry) - {"name", "source", "output", "parameters", "reads", "reads_own_rows", "for_each"}
        if unknown:
            raise PipelineError(f"{manifest}: {entry.get('name')}: unknown keys {sorted(unknown)}")
        rows: Iterable[dict] = [{}]
        if entry.get("for_each") == "systems":
            rows = [{"system_id": system_id} for system_id in _system_ids(data_dir)]
        elif "for_each" in entry:
            raise PipelineError(f"{manifest}: {entry['name']}: for_each must be 'systems'")
        own_rows = tuple(entry.get("reads_own_rows", []))
        if own_rows and entry.get("for_each") != "systems":
            raise PipelineError(f"{manifest}: {entry['name']}: reads_own_rows needs for_each: systems")
        if not (root / entry["source"]).is_file():
            raise PipelineError(f"{manifest}: {entry['name']}: source {entry['source']} not found")
        for row in rows:
            parameters = {k: str(v).format(**row) for k, v in (entry.get("parameters") or {}).items()}
            # Relative, so a clone anywhere gives the same fingerprints and pages.
            parameters["data_dir"] = os.path.relpath(data_dir.resolve(), root)
            jobs.append(
                Job(
                    name=entry["name"],
                    root=root,
                    source=root / entry["source"],
                    output=root / entry["output"].format(**row),
                    parameters=parameters,
                    reads=tuple(entry.get("reads", [])) + own_rows,
                    data_dir=data_dir,
                    own_rows=own_rows,
                )
            )
    outputs = [job.output for job in jobs]
    if len(set(outputs)) != len(outputs):
        raise PipelineError(f"{manifest}: two jobs write the same output")
    return jobs


def reads_of(name: str, manifest: Path = MANIFEST) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The tables a notebook declares in the manifest: (whole tables, tables of its own rows)."""
    spec = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    for entry in spec["notebooks"]:
        if entry["name"] == name:
            return tuple(entry.get("reads", [])), tuple(entry.get("reads_own_rows", []))
    raise PipelineError(f"{manifest}: no notebook named {name!r}")


@dataclass
class Plan:
    job: Job
    fingerprint: dict
    reasons: list[str] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        return bool(self.reasons)


def _state_path(root: Path) -> Path:
    return root / "_build" / STATE_NAME


def read_state(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def plan(jobs: list[Job], force: bool = False) -> list[Plan]:
    if not jobs:
        return []
    root = jobs[0].root
    state = read_state(_state_path(root))
    code = code_fingerprint()
    requirements = root / "requirements.txt"
    environment = _sha256(requirements) if requirements.exists() else ""
    hasher = DataHasher()
    plans = []
    for job in jobs:
        new = fingerprint(job, code, environment, hasher)
        key = str(job.output.relative_to(root))
        why = reasons(state.get(key), new, job.output.exists())
        if force and not why:
            why = ["forced"]
        plans.append(Plan(job, new, why))
    return plans


# -- executing one notebook -------------------------------------------------------------


def read_source(path: Path):
    import jupytext

    return jupytext.read(path)


def declared_parameters(notebook) -> set[str]:
    """Names assigned in the cell tagged ``parameters``."""
    for cell in notebook.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            names = set()
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.Assign | ast.AnnAssign):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    names |= {t.id for t in targets if isinstance(t, ast.Name)}
            return names
    return set()


def check_parameters(job: Job, notebook) -> None:
    """papermill only warns on an unknown parameter; here it is an error."""
    declared = declared_parameters(notebook)
    unknown = sorted(set(job.parameters) - declared)
    if unknown:
        raise PipelineError(
            f"{job.label}: parameter(s) {', '.join(unknown)} not declared in the parameters cell of "
            f"{job.source.relative_to(job.root)} (declared: {', '.join(sorted(declared)) or 'none'})"
        )


_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+!|~])")


def glued_text(notebook) -> dict[str, str]:
    """Scalar values the notebook exported with ``glue`` (their plain-text form)."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook", {})
            name = scrapbook.get("name")
            text = output.get("data", {}).get(scrapbook.get("mime_prefix", "") + "text/plain")
            if name and text is not None:
                text = "".join(text) if isinstance(text, list) else text
                if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
                    text = ast.literal_eval(text)
                values[name] = text
    return values


def _as_markdown_text(value: str) -> str:
    """Data shown in a heading or label is text: no Markdown or HTML can come through."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(value, quote=False))


def fill_placeholders(notebook) -> None:
    """Replace ``{{ name }}`` in Markdown cells with the value the notebook glued as ``name``.

    This is how a template notebook gets a real heading (and unique figure labels) per run.
    """
    values = glued_text(notebook)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue

        def replace(match: re.Match, index: int = index) -> str:
            name = match.group(1)
            if name not in values:
                raise PlaceholderMissing(index, name)
            return _as_markdown_text(values[name])

        cell.source = _PLACEHOLDER.sub(replace, cell.source)


class PlaceholderMissing(KeyError):
    def __init__(self, cell: int, name: str):
        self.cell, self.name = cell, name
        super().__init__(f"Markdown placeholder {{{{ {name} }}}} has no glued value")


def _make_reproducible(notebook) -> None:
    """Execution times and random cell ids differ on every run; without them, one commit gives
    byte-identical notebooks (and pages)."""
    notebook.metadata.pop("papermill", None)
    for index, cell in enumerate(notebook.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "id" in cell:
            cell["id"] = f"cell-{index}"


def _hide_injected_parameters(notebook) -> None:
    for cell in notebook.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if ("injected-parameters" in tags or "parameters" in tags) and HIDDEN_TAG not in tags:
            cell.metadata["tags"] = [*tags, HIDDEN_TAG]


def execute(job: Job, fingerprint_: dict) -> float:
    """Run one job with papermill and move its output into place. Returns seconds taken."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    notebook = read_source(job.source)
    check_parameters(job, notebook)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    try:
        executed = papermill.execute_notebook(
            notebook,
            None,
            parameters=job.parameters,
            kernel_name="python3",
            cwd=str(job.root),
            progress_bar=False,
            log_output=False,
        )
    except PapermillExecutionError as error:
        # Number the cell as the author sees it: code cells of the source, counted from 1.
        code_cells = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
        number = code_cells.index(error.source) + 1 if error.source in code_cells else None
        raise NotebookFailed(job, number, f"{error.ename}: {error.evalue}") from None
    except Exception as error:  # kernel start-up, bad notebook JSON...
        raise NotebookFailed(job, None, f"{type(error).__name__}: {error}") from None
    try:
        fill_placeholders(executed)
    except PlaceholderMissing as error:
        raise NotebookFailed(job, None, f"Markdown cell {error.cell + 1}: {error}") from None
    _hide_injected_parameters(executed)
    _make_reproducible(executed)
    executed.metadata["ics_evidence"] = {"built_from": fingerprint_, "parameters": job.parameters}
    job.output.parent.mkdir(parents=True, exist_ok=True)
    temporary = job.output.with_name(f".{job.output.name}.tmp-{os.getpid()}-{id(job)}")
    nbformat.write(executed, temporary)
    temporary.replace(job.output)
    return time.perf_counter() - started


# -- running the plan ---------------------------------------------------------------------


@dataclass
class RunResult:
    ran: list[str] = field(default_factory=list)
    failed: list[NotebookFailed] = field(default_factory=list)
    pruned: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def _write_state(path: Path, state: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + f".tmp-{os.getpid()}")
    temporary.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
    temporary.replace(path)


def prune(jobs: list[Job], root: Path, output_dirs: Iterable[Path]) -> list[Path]:
    """Remove executed notebooks no job produces any more (e.g. a system removed from data)."""
    wanted = {job.output for job in jobs}
    removed = []
    for directory in output_dirs:
        for path in directory.glob("*.ipynb") if directory.exists() else []:
            if path not in wanted:
                path.unlink()
                removed.append(path)
    return removed


def run(
    jobs: list[Job],
    *,
    jobs_in_parallel: int | None = None,
    force: bool = False,
    report: Callable[[str], None] = print,
    executor: Callable[[Job, dict], float] = execute,
) -> RunResult:
    plans = plan(jobs, force)
    stale = [p for p in plans if p.stale]
    result = RunResult()
    if not jobs:
        return result
    root = jobs[0].root
    result.pruned = prune(jobs, root, {job.output.parent for job in jobs})
    state_path = _state_path(root)
    state = read_state(state_path)
    # Forget records of outputs that no job produces any more.
    state = {k: v for k, v in state.items() if (root / k) in {j.output for j in jobs}}
    if not stale:
        _write_state(state_path, state)
        report(f"all {len(plans)} notebooks up to date")
        return result
    workers = max(1, jobs_in_parallel or os.cpu_count() or 1)
    report(f"running {len(stale)} of {len(plans)} notebooks on {min(workers, len(stale))} worker(s)")
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(executor, p.job, p.fingerprint): p for p in stale}
        for done, future in enumerate(as_completed(futures), start=1):
            item = futures[future]
            elapsed = time.perf_counter() - started
            try:
                seconds = future.result()
            except NotebookFailed as failure:
                result.failed.append(failure)
                report(f"[{done}/{len(stale)}] FAILED {failure} (elapsed {elapsed:.1f}s)")
                continue
            except PipelineError as error:
                result.failed.append(NotebookFailed(item.job, None, str(error)))
                report(f"[{done}/{len(stale)}] FAILED {error} (elapsed {elapsed:.1f}s)")
                continue
            state[str(item.job.output.relative_to(root))] = item.fingerprint
            result.ran.append(item.job.label)
            why = ", ".join(item.reasons)
            report(f"[{done}/{len(stale)}] {item.job.label} ({why}) {seconds:.1f}s (elapsed {elapsed:.1f}s)")
    _write_state(state_path, state)
    return result


def status_lines(plans: list[Plan]) -> list[str]:
    lines = []
    for item in plans:
        what = "rerun: " + "; ".join(item.reasons) if item.stale else "up to date"
        lines.append(f"{item.job.label:<55} {what}")
    stale = sum(p.stale for p in plans)
    lines.append(f"{stale} of {len(plans)} notebooks would rerun")
    return lines


def watch(
    callback: Callable[[], int], data_dir: Path = DATA_DIR, interval: float = 1.0, rounds: int | None = None
) -> None:
    """Call ``callback`` whenever a file in ``data_dir`` changes (polling; no extra dependency)."""

    def snapshot() -> dict:
        return {p.name: p.stat().st_mtime_ns for p in data_dir.iterdir() if p.is_file()}

    seen = snapshot()
    count = 0
    print(f"watching {data_dir} (Ctrl-C to stop)", file=sys.stderr)
    while rounds is None or count < rounds:
        time.sleep(interval)
        current = snapshot()
        if current != seen:
            changed = sorted(k for k in set(current) | set(seen) if current.get(k) != seen.get(k))
            print(f"changed: {', '.join(changed)}", file=sys.stderr)
            seen = current
            callback()
        count += 1
