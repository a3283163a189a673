"""The floors the benchmark compares its scenarios with, and where the time of a rebuild goes.

* **hashing floor**: what a no-op build cannot avoid, deciding that nothing changed (the
  digest of everything the book is built from);
* **papermill floor**: a bare papermill run of an empty notebook (kernel start, papermill's
  own work, kernel shutdown), the least one rerun notebook can cost, in a kernel forked from the
  run's warm server as the pipeline's are (:mod:`ics_evidence.assemble.warm_kernels`); a kernel
  started the ordinary way is timed beside it;
* **breakdown of a one-system rebuild**: kernel start, imports (pandas, Altair and the
  analysis package), the notebook's own work, and Sphinx rebuilding the site after one page
  changed.

Everything runs in a throw-away copy of the project (``project`` below is always a copy).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from ics_evidence.assemble import warm_kernels
from ics_evidence.project import Project

IMPORTS = (
    "import altair as alt\n"
    "import pandas as pd\n"
    "from ics_evidence.analysis import charts, figures\n"
    "from ics_evidence.analysis.notebook import figure, inputs, show_table, value\n"
)


def progress(message: str) -> None:
    print(f"benchmark: {message}", file=sys.stderr, flush=True)


@contextmanager
def _running_copy(project: Path):
    """Kernels started here import the copy's package, as its notebooks would."""
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(project / "src")
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = before


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def kernel_start() -> float:
    """Start a python3 kernel the ordinary way (not forked), wait until it answers, shut it down."""
    from jupyter_client.manager import start_new_kernel

    def start_and_stop() -> None:
        manager, client = start_new_kernel(kernel_name="python3")
        client.stop_channels()
        manager.shutdown_kernel(now=True)

    return _timed(start_and_stop)


def papermill_run(project: Path, code: str) -> float:
    """A bare papermill run of a notebook holding ``code`` (empty: the floor), in a kernel forked
    as the pipeline's are when a server is running (:func:`floors_and_breakdown` starts one)."""
    import nbformat
    import papermill

    from ics_evidence.assemble.warm_kernels import WarmKernelManager

    notebook = nbformat.v4.new_notebook()
    if code:
        notebook.cells.append(nbformat.v4.new_code_cell(code))
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return _timed(
        lambda: papermill.execute_notebook(
            notebook,
            None,
            kernel_name="python3",
            kernel_manager_class=WarmKernelManager,
            cwd=str(project),
            progress_bar=False,
            log_output=False,
        )
    )


def one_notebook(project: Path, system_id: str) -> tuple[str, float]:
    """Execute one system's profile as the pipeline would (into the copy's book/)."""
    from ics_evidence.assemble.execute import execute
    from ics_evidence.assemble.jobs import load_jobs

    copy = Project(project)
    job = next(j for j in load_jobs(copy, copy.data_dir) if j.parameters.get("system_id") == system_id)
    return job.label, execute(job, {})


def sphinx_one_page(project: Path) -> float:
    """Sphinx rebuilding the site after one executed notebook changed (run after
    :func:`one_notebook`; its log goes to the copy's _build/logs)."""
    from ics_evidence.assemble import book

    copy = Project(project)
    return _timed(lambda: book.run_sphinx(copy, copy.work_dir))


def hashing_floor(project: Path) -> float:
    from ics_evidence.assemble import book_inputs

    return _timed(lambda: book_inputs.digest(Project(project)))


def floors_and_breakdown(project: Path, measurement: Callable[..., object], system_id: str = "dorset") -> list:
    """Measurements (built with ``measurement(dataset, scenario, seconds, notebooks_run, note)``)
    for the floors and the parts of a one-system rebuild, measured in the copy ``project``."""
    out = []
    with _running_copy(project):
        progress("floor: hashing the book's inputs")
        out.append(measurement("floor", "hashing what the book is built from (no-op floor)", hashing_floor(project), 0))
        progress("floor: kernel start, the ordinary way")
        kernel = kernel_start()
        out.append(measurement("floor", "kernel start and shutdown, not forked", kernel, 0))
        with warm_kernels.forking(project):  # as the pipeline runs its notebooks
            progress(f"breakdown: one notebook (system {system_id})")
            label, whole = one_notebook(project, system_id)  # first, so the others run warm
            progress("floor: bare papermill run of an empty notebook (best of 2)")
            empty = min(papermill_run(project, "") for _ in range(2))
            out.append(measurement("floor", "bare papermill run, empty notebook (one-notebook floor)", empty, 1))
            progress("breakdown: imports (best of 2)")
            imported = min(papermill_run(project, IMPORTS) for _ in range(2))
        progress("breakdown: Sphinx after that notebook changed")
        sphinx = sphinx_one_page(project)
    parts = [
        ("kernel start (and papermill)", empty, "the empty-notebook floor"),
        ("imports (pandas, Altair, the analysis package)", max(imported - empty, 0.0), "import cell minus the floor"),
        (f"notebook work ({label})", max(whole - imported, 0.0), f"whole notebook {whole:.2f}s minus the above"),
        ("Sphinx, one notebook's page changed", sphinx, "incremental; output in _build/logs/sphinx.log"),
    ]
    total = sum(seconds for _, seconds, _ in parts)
    for name, seconds, how in parts:
        share = f"{seconds / total:.0%} of the rebuild" if total else ""
        out.append(measurement("rebuild breakdown", name, seconds, 0, f"{share}; {how}"))
    return out


def against_floors(measurements: list) -> list[str]:
    """Lines comparing the no-op build and the one-system edit with their floors."""

    def seconds(dataset: str, prefix: str) -> float | None:
        return next((m.seconds for m in measurements if m.dataset == dataset and m.scenario.startswith(prefix)), None)

    lines = []
    no_op, hashing = seconds("shipped", "no-op build"), seconds("floor", "hashing")
    if no_op and hashing:
        lines.append(f"no-op build: {no_op:.2f}s against a floor of {hashing:.3f}s to hash the book's inputs")
    edit = seconds("shipped", "one value changed in one system")
    parts = [m.seconds for m in measurements if m.dataset == "rebuild breakdown"]
    if edit and parts:
        floor = sum(parts)
        lines.append(
            f"one-system edit: {edit:.2f}s against {floor:.2f}s for one notebook and one Sphinx page "
            f"({edit / floor:.2f}× that floor; beyond it: the command's start, validation, fingerprints, pages)"
        )
    return lines
