"""The rerun pipeline reruns exactly what changed, says why, and never loses a good output."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from ics_evidence import package_code
from ics_evidence.assemble import execute, fingerprint, pipeline
from ics_evidence.assemble.jobs import Job, PipelineError, load_jobs
from ics_evidence.data.csvfiles import read_rows
from ics_evidence.project import Project
from tests.helpers import DATA_DIR, ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A miniature project: two notebooks (one fanned out per system), shipped data, a manifest."""
    shutil.copytree(DATA_DIR, tmp_path / "data")
    shutil.copytree(FIXTURES, tmp_path / "notebooks")
    (tmp_path / "_config.yml").write_text("title: miniature\n", encoding="utf-8")
    (tmp_path / "CITATION.cff").write_text('title: "A miniature: edition"\n', encoding="utf-8")
    write_manifest(tmp_path)
    return tmp_path


def write_manifest(root: Path, profile_parameters: str = "system_id: '{system_id}'", extra: str = "") -> None:
    (root / "notebooks" / "pipeline.yml").write_text(
        f"""
notebooks:
  - name: overview
    source: notebooks/count_systems.md
    output: book/analyses/overview.ipynb
    reads: [systems]
  - name: profile
    source: notebooks/count_systems.md
    for_each: systems
    output: book/systems/{{system_id}}.ipynb
    parameters:
      {profile_parameters}
    reads: [systems]
    reads_own_rows: [lessons]
{extra}""",
        encoding="utf-8",
    )


def jobs_of(root: Path) -> list[Job]:
    return load_jobs(Project(root))


def system_count(root: Path) -> int:
    return len(read_rows(root / "data" / "systems.csv")[1])


def all_labels(root: Path) -> set[str]:
    return {job.label for job in jobs_of(root)}


# A system with its own lessons, read from the data (whatever systems the package holds).
SYSTEM_ID = next(row["system_id"] for row in read_rows(DATA_DIR / "lessons.csv")[1] if row["system_id"])
SYSTEM_NAME = next(row["name"] for row in read_rows(DATA_DIR / "systems.csv")[1] if row["system_id"] == SYSTEM_ID)
PROFILE = f"profile[{SYSTEM_ID}]"
PAGE = f"book/systems/{SYSTEM_ID}.ipynb"


def fake_run(root: Path, **kwargs) -> pipeline.RunResult:
    """Run with an executor that only writes an empty notebook: staleness without kernels."""

    def executor(job, fingerprint):
        job.output.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nbformat.v4.new_notebook(), job.output)
        return 0.0

    return pipeline.run(jobs_of(root), executor=executor, report=lambda line: None, **kwargs)


def stale(root: Path) -> dict[str, list[str]]:
    return {p.job.label: p.reasons for p in pipeline.plan(jobs_of(root)) if p.stale}


def test_manifest_fans_out_one_job_per_system(project):
    labels = [job.label for job in jobs_of(project)]
    assert labels[0] == "overview"
    assert len(labels) == 1 + system_count(project) and PROFILE in labels
    assert (project / PAGE) in {job.output for job in jobs_of(project)}


def test_first_run_runs_everything_because_outputs_are_missing(project):
    assert set(map(tuple, stale(project).values())) == {("output missing",)}
    assert len(fake_run(project).ran) == 1 + system_count(project)


def test_no_op_run_does_no_notebook_work(project):
    fake_run(project)
    assert stale(project) == {}
    assert fake_run(project).ran == []


def edit_first_row_of(path: Path, system_id: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if f",{system_id}," in line or line.startswith(f"{system_id},"))
    lines[index] = lines[index].replace("a", "e", 1)
    path.write_text("".join(lines), encoding="utf-8")


def test_one_system_edit_reruns_only_that_systems_page(project):
    fake_run(project)
    edit_first_row_of(project / "data" / "lessons.csv", SYSTEM_ID)
    assert stale(project) == {PROFILE: [f"data/lessons.csv (rows of {SYSTEM_ID}) changed"]}


def test_cross_system_rows_do_not_touch_system_pages(project):
    fake_run(project)
    lessons = project / "data" / "lessons.csv"
    lines = lessons.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.split(",")[1] == "")  # a cross-system lesson
    lines[index] = lines[index].replace("a", "e", 1)
    lessons.write_text("".join(lines), encoding="utf-8")
    assert stale(project) == {}


def test_table_read_by_every_notebook_reruns_all(project):
    fake_run(project)
    systems = project / "data" / "systems.csv"
    systems.write_text(systems.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert len(stale(project)) == 1 + system_count(project)


def test_source_change(project):
    fake_run(project)
    source = project / "notebooks" / "count_systems.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert set(map(tuple, stale(project).values())) == {("notebook source changed",)}


def test_parameter_change(project):
    fake_run(project)
    write_manifest(project, "system_id: '{system_id}'\n      title: Another title")
    profiles = {label for label in all_labels(project) if label.startswith("profile[")}
    assert len(profiles) == system_count(project)
    assert stale(project) == {label: ["parameters changed"] for label in profiles}


# Each of these names the exact stale set (every job, for exactly that reason): an all() over
# the stale jobs would also hold when nothing is stale, e.g. with the check deleted from
# fingerprint.reasons.
def test_environment_change(project, monkeypatch):
    fake_run(project)
    monkeypatch.setattr(pipeline, "environment_fingerprint", lambda *a: "different")
    assert stale(project) == {label: ["runtime packages changed"] for label in all_labels(project)}


def test_analysis_code_change(project, monkeypatch):
    fake_run(project)
    monkeypatch.setattr(pipeline, "code_fingerprint", lambda *a: "different")
    assert stale(project) == {label: ["analysis code changed"] for label in all_labels(project)}


def test_edition_title_change(project):
    """Each figure's cite line quotes the edition's title: renaming the edition reruns every page."""
    fake_run(project)
    (project / "CITATION.cff").write_text('title: "A miniature: renamed"\n', encoding="utf-8")
    assert stale(project) == {label: ["edition's citation changed"] for label in all_labels(project)}


def copy_of_package(tmp_path: Path) -> Path:
    package = tmp_path / "package"
    shutil.copytree(fingerprint.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    return package


def test_fingerprint_covers_the_code_notebooks_import(tmp_path):
    package = copy_of_package(tmp_path)
    before = fingerprint.code_fingerprint.__wrapped__(package)
    derived = package / "analysis" / "figures.py"
    derived.write_text(derived.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert fingerprint.code_fingerprint.__wrapped__(package) != before


def test_fingerprint_covers_a_template_notebooks_render(tmp_path):
    package = copy_of_package(tmp_path)
    before = fingerprint.code_fingerprint.__wrapped__(package)
    template = package / "templates" / "explore_item.html"
    template.write_text(template.read_text(encoding="utf-8") + "<!-- changed -->", encoding="utf-8")
    assert fingerprint.code_fingerprint.__wrapped__(package) != before


LOADED = """
import importlib, pkgutil, sys
import ics_evidence.analysis as analysis
for module in pkgutil.iter_modules(analysis.__path__):
    importlib.import_module("ics_evidence.analysis." + module.name)
for name, module in sorted(sys.modules.items()):
    if name.startswith("ics_evidence") and getattr(module, "__file__", None):
        print(module.__file__)
"""


def test_fingerprint_covers_every_module_and_template_a_kernel_loads():
    """What a notebook's kernel imports (every analysis module and what they import) and every
    template they render lies inside the code the fingerprint hashes."""
    loaded = subprocess.run([sys.executable, "-c", LOADED], capture_output=True, text=True, check=True).stdout
    covered = set(package_code.code_files(leave_out=package_code.OUTSIDE_NOTEBOOKS))
    modules = {Path(line) for line in loaded.split()}
    assert len(modules) > 20 and modules <= covered, sorted(modules - covered)
    templates = set((package_code.PACKAGE_DIR / "templates").glob("*.html"))
    assert templates and templates <= covered


def test_release_and_build_code_leave_notebooks_up_to_date(tmp_path):
    package = copy_of_package(tmp_path)
    before = fingerprint.code_fingerprint.__wrapped__(package)
    for module in ("release/bundle.py", "assemble/book.py", "benchmark.py", "cli.py"):
        path = package / module
        path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert fingerprint.code_fingerprint.__wrapped__(package) == before


def test_environment_fingerprint_ignores_tools_outside_the_runtime():
    runtime = fingerprint.environment_fingerprint.__wrapped__(("pandas",))
    assert fingerprint.environment_fingerprint.__wrapped__(("pandas",)) == runtime
    assert fingerprint.environment_fingerprint.__wrapped__(("pandas", "ruff")) != runtime  # ruff is not a pandas dep


def test_deleted_output_is_rebuilt(project):
    fake_run(project)
    (project / PAGE).unlink()
    assert stale(project) == {PROFILE: ["output missing"]}


def test_force_reruns_everything(project):
    fake_run(project)
    assert sorted(fake_run(project, force=True).ran) == sorted(all_labels(project))
    assert len(all_labels(project)) == 1 + system_count(project)


def test_removed_system_loses_its_page(project):
    fake_run(project)
    systems = project / "data" / "systems.csv"
    lines = systems.read_text(encoding="utf-8").splitlines(keepends=True)
    systems.write_text("".join(line for line in lines if not line.startswith(f"{SYSTEM_ID},")), encoding="utf-8")
    result = fake_run(project)
    assert result.pruned == [project / PAGE]
    assert not (project / PAGE).exists()


def test_unknown_manifest_key_is_an_error(project):
    write_manifest(
        project, extra="  - name: typo\n    source: notebooks/fails.md\n    output: x.ipynb\n    read: [systems]\n"
    )
    with pytest.raises(PipelineError, match=r"notebooks\[2\] \(typo\)\.read: Extra inputs are not permitted"):
        jobs_of(project)


# -- real papermill runs ---------------------------------------------------------------------


def test_executes_with_parameters_and_hides_the_injected_cell(project):
    job = next(j for j in jobs_of(project) if j.label == PROFILE)
    plan = pipeline.plan([job])[0]
    execute.execute(job, plan.fingerprint)
    notebook = nbformat.read(job.output, as_version=4)
    outputs = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
    assert f"{SYSTEM_ID}: {SYSTEM_NAME} of {system_count(project)} systems" in outputs
    injected = [c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "remove-cell" in injected[0].metadata["tags"]
    assert notebook.metadata["ics_evidence"]["built_from"] == plan.fingerprint


def test_unknown_parameter_is_an_error_not_a_warning(project):
    write_manifest(project, "system_id: '{system_id}'\n      sytem_name: oops")
    job = next(j for j in jobs_of(project) if j.name == "profile")
    with pytest.raises(PipelineError, match="sytem_name"):
        execute.execute(job, {})
    assert not job.output.exists()


def test_failing_notebook_keeps_last_good_output_and_names_the_cell(project):
    good = project / "book" / "analyses" / "broken.ipynb"
    good.parent.mkdir(parents=True)
    good.write_text('{"last": "good"}', encoding="utf-8")
    write_manifest(
        project, extra="  - name: broken\n    source: notebooks/fails.md\n    output: book/analyses/broken.ipynb\n"
    )
    jobs = [j for j in jobs_of(project) if j.name == "broken"]
    lines: list[str] = []
    result = pipeline.run(jobs, report=lines.append, force=True)
    assert not result.ok
    failure = result.failed[0]
    assert failure.cell == 3 and "ValueError: deliberate failure" in failure.error
    assert "notebooks/fails.md failed at code cell 3" in str(failure)
    assert good.read_text(encoding="utf-8") == '{"last": "good"}'
    state = json.loads((project / "_build" / pipeline.STATE_NAME).read_text(encoding="utf-8"))
    assert "book/analyses/broken.ipynb" not in state


def test_cli_status_says_why(project):
    result = subprocess.run(
        [sys.executable, "-m", "ics_evidence", "--root", str(project), "status"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert PROFILE in result.stdout
    count = 1 + system_count(project)
    assert f"{count} of {count} notebooks would rerun" in result.stdout


class _Papermill:
    """papermill's execute_notebook, failing as a kernel that does not start, ``failures`` times."""

    def __init__(self, failures: int, message: str = "Kernel didn't respond in 60 seconds"):
        self.failures, self.message, self.calls = failures, message, 0

    def execute_notebook(self, notebook, *args, **kwargs):
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError(self.message)
        return notebook


def test_a_kernel_that_does_not_start_is_started_once_more(project):
    job = jobs_of(project)[0]
    papermill = _Papermill(failures=1)
    assert execute._execute_with_a_kernel(papermill, nbformat.v4.new_notebook(), job) is not None
    assert papermill.calls == 2


@pytest.mark.parametrize(("failures", "message"), [(2, "Kernel died before replying to kernel_info"), (1, "other")])
def test_a_second_failed_start_or_any_other_error_is_final(project, failures, message):
    papermill = _Papermill(failures, message)
    with pytest.raises(RuntimeError, match=message):
        execute._execute_with_a_kernel(papermill, nbformat.v4.new_notebook(), jobs_of(project)[0])
    assert papermill.calls == min(failures, execute.KERNEL_STARTS) if message != "other" else papermill.calls == 1


def test_downloads_no_page_links_to_are_removed(project):
    """A figure's files carry a hash of its chart and data: after an edit the new ones are
    linked and the old ones, data the book no longer shows, must not be published with it."""
    fake_run(project)
    figures = Project(project).figures_dir
    figures.mkdir(parents=True)
    for name in ("page--chart-new.png", "page--chart-old.png", "page--chart-old.csv"):
        (figures / name).write_text("x", encoding="utf-8")
    page = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell('<a href="../../_static/figures/page--chart-new.png" download>PNG</a>')]
    )
    nbformat.write(page, project / PAGE)
    result = fake_run(project)
    assert sorted(p.name for p in figures.iterdir()) == ["page--chart-new.png"]
    assert sorted(p.name for p in result.pruned) == ["page--chart-old.csv", "page--chart-old.png"]
