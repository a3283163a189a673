"""Executing one job: papermill runs the notebook, then its output is made fit to publish.

After execution, ``{{ name }}`` placeholders in Markdown cells are filled with the values the
notebook glued (as escaped text), the parameter cells are hidden, timings and random cell ids
are dropped so one commit gives byte-identical notebooks, and the output is moved into place
only when all of that succeeded.
"""

from __future__ import annotations

import ast
import copy
import os
import re
import sys
import time
from pathlib import Path

from ics_evidence.assemble import markdown
from ics_evidence.assemble.jobs import Job, NotebookFailed, PipelineError
from ics_evidence.assemble.warm_kernels import WarmKernelManager
from ics_evidence.data.suggest import did_you_mean

HIDDEN_TAG = "remove-cell"


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
            + did_you_mean(unknown[0], declared)
        )


_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


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
    return markdown.text(value)


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


# A kernel that fails to start (jupyter_client picks its ports by binding and releasing them, so
# two kernels starting at once, as the pipeline's workers start them, can race for a port) says so
# in one of these; the notebook never ran, so it is started once more. Any other error is final.
KERNEL_START_FAILURES = ("Kernel didn't respond", "Kernel died before replying")
KERNEL_STARTS = 2


def _execute_with_a_kernel(papermill, notebook, job: Job):
    for attempt in range(1, KERNEL_STARTS + 1):
        try:
            return papermill.execute_notebook(
                copy.deepcopy(notebook),
                None,
                parameters=job.parameters,
                kernel_name="python3",
                kernel_manager_class=WarmKernelManager,
                cwd=str(job.root),
                progress_bar=False,
                log_output=False,
            )
        except RuntimeError as error:
            if attempt == KERNEL_STARTS or not any(failure in str(error) for failure in KERNEL_START_FAILURES):
                raise
            print(f"{job.label}: the kernel did not start ({error}); starting another", file=sys.stderr)
    raise AssertionError("unreachable")


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
        executed = _execute_with_a_kernel(papermill, notebook, job)
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
