"""Benchmark of the rerun pipeline, reported as ratios in one run (``python -m ics_evidence benchmark``).

Every scenario runs in a throw-away copy of the project, so the real build is untouched:

* full forced build, serial and parallel; a no-op check and a no-op build; one value changed
  in one system; one value changed in a table every notebook reads;
* at the shipped systems and at a generated 42-system dataset (England has 42 ICSs);
* beside them, the same data edit under Jupyter Book's own ``cache`` execution, showing its
  time and whether the page shows the new value;
* the floors (hashing the book's inputs; a bare papermill run of an empty notebook) and where
  the time of a one-system rebuild goes (:mod:`ics_evidence.benchmark_floor`).

Progress goes to stderr as each step starts and ends; the table goes to stdout at the end.

It measures; it asserts nothing. Times depend on the machine; the ratios are the point.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ics_evidence.benchmark_floor import against_floors, floors_and_breakdown, progress
from ics_evidence.data.csvfiles import edit_cell, read_rows, write_rows
from ics_evidence.project import SOURCES_ENV, Project

PER_SYSTEM_TABLES = (
    "systems", "system_figures", "system_dimensions", "theme_coding", "improvement_examples",
    "results", "system_methods", "system_partners", "lessons",
)  # fmt: skip
PROGRESS = re.compile(r"^\[\d+/(\d+)\]", re.MULTILINE)


@dataclass
class Measurement:
    dataset: str
    scenario: str
    seconds: float
    notebooks_run: int
    note: str = ""


def grow_to(data_dir: Path, count: int) -> None:
    """Add synthetic systems (copies of the real ones, renamed) until there are ``count``."""
    _, systems = read_rows(data_dir / "systems.csv")
    originals = [row["system_id"] for row in systems]
    clones = {}
    for n in range(count - len(originals)):
        source = originals[n % len(originals)]
        clones[f"{source}-synthetic-{n + 1}"] = (source, n + 1)
    for table in PER_SYSTEM_TABLES:
        path = data_dir / f"{table}.csv"
        header, rows = read_rows(path)
        extra = []
        for clone, (source, n) in clones.items():
            for row in rows:
                if row["system_id"] != source:
                    continue
                copy = dict(row, system_id=clone)
                for key in ("example_id", "result_id", "lesson_id"):
                    if copy.get(key):
                        copy[key] = f"{copy[key]}-synthetic-{n}"
                if path.name == "systems.csv":
                    copy["name"] = f"{row['name']} (synthetic {n})"
                extra.append(copy)
        write_rows(path, header, rows + extra)
    _, examples = read_rows(data_dir / "improvement_examples.csv")
    system_of = {row["example_id"]: row["system_id"] for row in examples}
    header, links = read_rows(data_dir / "example_themes.csv")
    extra = [
        dict(link, example_id=f"{link['example_id']}-synthetic-{n}")
        for source, n in clones.values()
        for link in links
        if system_of.get(link["example_id"]) == source
    ]
    write_rows(data_dir / "example_themes.csv", header, links + extra)


def project_environment(project: Path) -> dict[str, str]:
    """Run the copy's own package; the source texts come through ICS_SOURCES_DIR, which the
    benchmark command sets while it runs, so quotations are still checked."""
    return Project(project).command_environment()


def run(project: Path, *args: str) -> tuple[float, str]:
    environment = project_environment(project)
    progress(f"{project.name}: python -m ics_evidence {' '.join(args)}")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "ics_evidence", *args],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed in {project}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    progress(f"{project.name}: {seconds:.1f}s, {notebooks_run(result.stdout)} notebook(s) run")
    return seconds, result.stdout


def notebooks_run(output: str) -> int:
    return len(PROGRESS.findall(output))


def pipeline_scenarios(project: Path, dataset: str, cores: int) -> list[Measurement]:
    data = project / "data"
    out = []
    seconds, log = run(project, "build", "--force", "--jobs", "1")
    out.append(Measurement(dataset, "full forced build, serial (1 job)", seconds, notebooks_run(log)))
    seconds, log = run(project, "build", "--force", "--jobs", str(cores))
    out.append(Measurement(dataset, f"full forced build, parallel ({cores} jobs)", seconds, notebooks_run(log)))
    seconds, log = run(project, "status")
    out.append(Measurement(dataset, "no-op check (status)", seconds, 0))
    seconds, log = run(project, "build")
    out.append(
        Measurement(dataset, "no-op build (validate, nothing stale, Sphinx skipped)", seconds, notebooks_run(log))
    )
    _, lessons = read_rows(data / "lessons.csv")
    lesson = next(row for row in lessons if row["system_id"] == "dorset")
    edit_cell(data / "lessons.csv", {"lesson_id": lesson["lesson_id"]}, "summary", lesson["summary"] + " (edited)")
    seconds, log = run(project, "build")
    out.append(Measurement(dataset, "one value changed in one system (lessons.csv)", seconds, notebooks_run(log)))
    edit_cell(data / "systems.csv", {"system_id": "dorset"}, "abbreviation", "DOR")
    seconds, log = run(project, "build")
    out.append(Measurement(dataset, "one value changed in systems.csv (read by all)", seconds, notebooks_run(log)))
    return out


def jupyter_book_cache_scenario(project: Path) -> list[Measurement]:
    """The same data edit under Jupyter Book's own cache: fast, and the page keeps the old number."""
    (project / "_toc.yml").write_text(
        "format: jb-book\nroot: book/index\nchapters:\n  - file: notebooks/scale_and_structure\n", encoding="utf-8"
    )
    config = (project / "_config.yml").read_text(encoding="utf-8")
    config = config.replace('execute_notebooks: "off"', 'execute_notebooks: "cache"').replace("  - notebooks/*\n", "")
    (project / "_config.yml").write_text(config, encoding="utf-8")
    environment = project_environment(project)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")

    def build() -> float:
        started = time.perf_counter()
        subprocess.run(
            [str(jupyter_book), "build", str(project)], cwd=project, env=environment, capture_output=True, check=True
        )
        return time.perf_counter() - started

    from ics_evidence.assemble.pages import generate_pages

    generate_pages(Project(project))  # the copy's pages, never the checkout's
    first = build()
    edit_population(project / "data")
    second = build()
    page = (project / "_build" / "html" / "notebooks" / "scale_and_structure.html").read_text(encoding="utf-8")
    shows = f"{int(EDITED_POPULATION):,}" in page or EDITED_POPULATION in page
    return [
        Measurement("shipped", "Jupyter Book cache: first build (executes)", first, 1),
        Measurement(
            "shipped",
            "Jupyter Book cache: rebuild after the data edit",
            second,
            0,
            "page shows the new value" if shows else "page still shows the OLD value (stale)",
        ),
    ]


EDITED_POPULATION = "801024"


def edit_population(data_dir: Path) -> None:
    """The benchmark's data edit: Dorset's population, changed to a value the validator accepts
    (a derivation is checked against the quotation's numbers, so the edit quotes a longer passage
    and sums two numbers it states: nonsense as data, valid for timing a rebuild)."""
    key = {"system_id": "dorset", "measure_id": "population", "source_id": "report-2023"}
    edit_cell(data_dir / "system_figures.csv", key, "value", EDITED_POPULATION)
    edit_cell(
        data_dir / "system_figures.csv", key, "quote", "Dorset ICS serves 800,000 people across 1,024 square miles"
    )
    edit_cell(
        data_dir / "system_figures.csv", key, "derivation", "sum 800000 + 1024. Benchmark edit, to time a rebuild."
    )


def pipeline_freshness(project: Path) -> Measurement:
    edit_population(project / "data")
    seconds, log = run(project, "build")
    page = (project / "_build" / "html" / "book" / "analyses" / "scale_and_structure.html").read_text(encoding="utf-8")
    shows = f"{int(EDITED_POPULATION):,}" in page or EDITED_POPULATION in page
    note = "page shows the new value" if shows else "page still shows the OLD value (stale)"
    return Measurement("shipped", "pipeline: rebuild after the same data edit", seconds, notebooks_run(log), note)


def report(measurements: list[Measurement]) -> str:
    lines = [
        "| dataset | scenario | seconds | × full serial build | notebooks run | note |",
        "|---|---|---:|---:|---:|---|",
    ]
    baselines = {m.dataset: m.seconds for m in measurements if m.scenario.startswith("full forced build, serial")}
    for m in measurements:
        baseline = baselines.get(m.dataset) or baselines.get("shipped")
        ratio = f"{m.seconds / baseline:.3f}" if baseline else ""
        lines.append(f"| {m.dataset} | {m.scenario} | {m.seconds:.2f} | {ratio} | {m.notebooks_run} | {m.note} |")
    speedups = []
    for dataset in baselines:
        parallel = next(
            (m for m in measurements if m.dataset == dataset and m.scenario.startswith("full forced build, parallel")),
            None,
        )
        if parallel:
            speedups.append(f"{dataset}: parallel speed-up {baselines[dataset] / parallel.seconds:.2f}×")
    return "\n".join([*lines, "", *speedups])


def benchmark(project: Project, *, systems: int = 42, jobs: int | None = None, skip_large: bool = False) -> int:
    """Run every scenario in throw-away copies of ``project`` and print the table of ratios."""
    jobs = jobs or os.cpu_count() or 1
    # The copies live in a temporary folder with no ../shared beside them.
    os.environ[SOURCES_ENV] = str(project.sources_dir)
    measurements: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="ics-benchmark-") as scratch:
        scratch_dir = Path(scratch)
        shipped = project.copy_to(scratch_dir / "shipped").root
        measurements += pipeline_scenarios(shipped, "shipped", jobs)
        measurements.append(pipeline_freshness(shipped))
        measurements += floors_and_breakdown(shipped, Measurement)
        progress("Jupyter Book's own cache, for comparison")
        measurements += jupyter_book_cache_scenario(project.copy_to(scratch_dir / "jupyter-book-cache").root)
        if not skip_large:
            large = project.copy_to(scratch_dir / "large").root
            grow_to(large / "data", systems)
            measurements += pipeline_scenarios(large, f"{systems} systems", jobs)
    print(report(measurements))
    print("\n".join(against_floors(measurements)))
    return 0
