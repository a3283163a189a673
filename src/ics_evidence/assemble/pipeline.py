"""The rerun pipeline: papermill reruns exactly the notebooks whose inputs changed.

``notebooks/pipeline.yml`` (read by :mod:`ics_evidence.manifest`, expanded by
:mod:`ics_evidence.assemble.jobs`) declares the notebooks. A notebook is stale when anything in
its fingerprint (:mod:`ics_evidence.assemble.fingerprint`) changed since its output was built,
or its output is missing. Each executed notebook records what it was built from, in its
metadata and in ``_build/.pipeline-state.json``, so a no-op run does no notebook work.

A failing notebook keeps its last good output and stops the run before the book is rebuilt.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ics_evidence.assemble import warm_kernels
from ics_evidence.assemble.execute import execute
from ics_evidence.assemble.fingerprint import (
    DataHasher,
    code_fingerprint,
    environment_fingerprint,
    fingerprint,
    reasons,
)
from ics_evidence.assemble.jobs import Job, NotebookFailed, PipelineError
from ics_evidence.citation_file import figure_credit
from ics_evidence.project import Project
from ics_evidence.terminal import escaped

STATE_NAME = ".pipeline-state.json"


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
    environment = environment_fingerprint()
    edition = figure_credit(root).digest()
    hasher = DataHasher()
    plans = []
    for job in jobs:
        new = fingerprint(job, code, environment, hasher, edition)
        key = job.key
        why = reasons(state.get(key), new, job.output.exists())
        if force and not why:
            why = ["forced"]
        plans.append(Plan(job, new, why))
    return plans


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


_FIGURE_FILE = re.compile(r"_static/figures/([A-Za-z0-9_.-]+)")


def prune_figures(jobs: list[Job], figures_dir: Path) -> list[Path]:
    """Remove downloads (PNG, SVG, CSV) no executed notebook links to any more: each carries a
    hash of its chart and data, so after an edit the old files would otherwise stay beside the
    new ones and be published with the book and the release, data the book no longer shows."""
    if not figures_dir.is_dir():
        return []
    linked = set()
    for job in jobs:
        if job.output.exists():
            linked.update(_FIGURE_FILE.findall(job.output.read_text(encoding="utf-8")))
    removed = []
    for path in figures_dir.iterdir():
        if path.is_file() and path.name not in linked:
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
    state = {k: v for k, v in state.items() if k in {j.key for j in jobs}}
    figures_dir = Project(root).figures_dir
    if not stale:
        _write_state(state_path, state)
        result.pruned += prune_figures(jobs, figures_dir)
        report(f"all {len(plans)} notebooks up to date")
        return result
    workers = max(1, jobs_in_parallel or os.cpu_count() or 1)
    report(f"running {len(stale)} of {len(plans)} notebooks on {min(workers, len(stale))} worker(s)")
    started = time.perf_counter()
    # Real kernels are forked from one warm process (another executor starts no kernel).
    with warm_kernels.forking(root) if executor is execute else contextlib.nullcontext():
        _run_stale(stale, executor, workers, started=started, result=result, state=state, state_path=state_path,
                   report=report)  # fmt: skip
    _write_state(state_path, state)
    result.pruned += prune_figures(jobs, figures_dir)
    return result


def _run_stale(stale, executor, workers, *, started, result, state, state_path, report) -> None:
    """Run the stale jobs on ``workers`` threads, recording each in ``state`` as it finishes."""
    pool = ThreadPoolExecutor(max_workers=workers)
    futures = {pool.submit(executor, p.job, p.fingerprint): p for p in stale}
    try:
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
            # Recorded as soon as it finishes: an interrupted run keeps the work already done.
            state[item.job.key] = item.fingerprint
            _write_state(state_path, state)
            result.ran.append(item.job.label)
            why = ", ".join(item.reasons)
            report(f"[{done}/{len(stale)}] {item.job.label} ({why}) {seconds:.1f}s (elapsed {elapsed:.1f}s)")
    except KeyboardInterrupt:
        # Ctrl-C: notebooks not started are cancelled rather than run to the end (the kernels
        # of running ones got the same SIGINT from the terminal); every finished one is already
        # recorded above, so the next run resumes where this one stopped.
        pool.shutdown(wait=False, cancel_futures=True)
        _write_state(state_path, state)
        raise Interrupted(len(result.ran), len(stale)) from None
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


class Interrupted(KeyboardInterrupt):
    def __init__(self, finished: int, stale: int):
        self.finished, self.stale = finished, stale
        super().__init__(f"{finished} of {stale} notebooks finished and recorded; the rest rerun next time")


def status_lines(plans: list[Plan]) -> list[str]:
    lines = []
    for item in plans:
        what = "rerun: " + "; ".join(item.reasons) if item.stale else "up to date"
        lines.append(f"{item.job.label:<55} {what}")
    stale = sum(p.stale for p in plans)
    lines.append(f"{stale} of {len(plans)} notebooks would rerun")
    return lines


def watch(callback: Callable[[], int], data_dir: Path, interval: float = 1.0, rounds: int | None = None) -> None:
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
            print(escaped(f"changed: {', '.join(changed)}"), file=sys.stderr)
            seen = current
            callback()
        count += 1
