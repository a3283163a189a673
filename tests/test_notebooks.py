"""Every notebook in the manifest runs under papermill, top to bottom, on the shipped data (the
executed notebooks of the run's one shared build) and on the fixture data (with a ninth system
that has no figures); charts are described, offline and keep each system's colour."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from ics_evidence.analysis import charts
from ics_evidence.assemble.jobs import load_jobs
from ics_evidence.project import Project
from tests.helpers import DATA_DIR, PROJECT, copy_project, run

from .fixture_data import make_fixture

SPEC = re.compile(r"var spec = (\{.*?\});\n", re.DOTALL)


def executed(project: Project, data_dir: Path | None = None) -> dict[str, nbformat.NotebookNode]:
    """Every executed notebook of ``project`` (built from ``data_dir``), by job label."""
    jobs = load_jobs(project, data_dir)
    return {job.label: nbformat.read(job.output, as_version=4) for job in jobs if job.output.is_file()}


@pytest.fixture(scope="module")
def on_fixture(tmp_path_factory) -> dict[str, nbformat.NotebookNode]:
    """Every notebook run by the pipeline on the fixture data, in a copy of the project."""
    root = copy_project(tmp_path_factory.mktemp("fixture") / "project")
    data = make_fixture(root / "fixture-data")
    run(root, "--data", str(data), "run")
    return executed(Project(root), data)


@pytest.fixture(scope="module")
def on_shipped(built_project) -> dict[str, nbformat.NotebookNode]:
    """The notebooks the shared build executed on the shipped data (a job whose output is
    missing did not run, and the test of every notebook says so)."""
    return executed(Project(built_project))


def html_outputs(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            for key, value in output.get("data", {}).items():
                if key.endswith("text/html"):
                    parts.append("".join(value) if isinstance(value, list) else value)
    return "\n".join(parts)


def specs(notebook: nbformat.NotebookNode) -> list[dict]:
    return [json.loads(match) for match in SPEC.findall(html_outputs(notebook))]


def test_every_notebook_runs_on_the_fixture_including_a_system_with_no_figures(on_fixture):
    assert "system-profile[testshire]" in on_fixture
    page = html_outputs(on_fixture["system-profile[testshire]"])
    assert "not reported" in page and "None recorded in the data." in page


def test_a_ninth_system_gets_a_page_with_its_name_as_heading(on_fixture):
    heading = on_fixture["system-profile[testshire]"].cells[0].source
    assert heading.startswith("# Testshire")


def test_every_notebook_runs_on_the_shipped_data(on_shipped):
    labels = {job.label for job in load_jobs(PROJECT)}
    assert set(on_shipped) == labels


def test_injected_parameters_are_hidden_and_visible_metadata_is_shown(on_shipped):
    notebook = on_shipped["system-profile[dorset]"]
    injected = [c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "remove-cell" in injected[0].metadata["tags"]
    assert "lede" in {o.get("metadata", {}).get("scrapbook", {}).get("name") for c in notebook.cells
                           for o in c.get("outputs", [])}  # fmt: skip


def test_every_chart_is_described_offline_and_keeps_system_colours(on_shipped):
    colours = charts.system_colours(list(_systems()))
    names = _systems()
    found = checked = 0
    for label, notebook in on_shipped.items():
        page = html_outputs(notebook)
        assert not re.search(r"<script[^>]*\bsrc=", page), label
        for spec in specs(notebook):
            found += 1
            assert spec.get("description"), label
            for scale in _colour_scales(spec):
                domain, colour_range = scale.get("domain"), scale.get("range")
                if domain and colour_range and set(domain) <= set(names.values()):
                    by_name = {names[s]: colours[s] for s in names}
                    assert [by_name[d] for d in domain] == list(colour_range), label
                    checked += 1
    assert found >= 8
    assert checked >= 1, "no chart's colour scale was checked against the system colours"


def _systems() -> dict[str, str]:
    import csv

    with (DATA_DIR / "systems.csv").open(encoding="utf-8") as handle:
        return {row["system_id"]: row["name"] for row in csv.DictReader(handle)}


def _colour_scales(spec) -> list[dict]:
    found = []
    if isinstance(spec, dict):
        colour = spec.get("color")
        if isinstance(colour, dict) and isinstance(colour.get("scale"), dict):
            found.append(colour["scale"])
        for value in spec.values():
            found += _colour_scales(value)
    elif isinstance(spec, list):
        for value in spec:
            found += _colour_scales(value)
    return found
