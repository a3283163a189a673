"""The benchmark reports its floors (a bare papermill run of an empty notebook, hashing the
book's inputs) and compares the no-op build and the one-system edit with them."""

from __future__ import annotations

from ics_evidence.benchmark import Measurement, report
from ics_evidence.benchmark_floor import against_floors, hashing_floor, papermill_run
from tests.helpers import PROJECT


def test_a_bare_papermill_run_of_an_empty_notebook_is_timed(tmp_path):
    assert 0 < papermill_run(tmp_path, "") < 120


def test_hashing_the_book_inputs_is_the_no_op_floor():
    assert 0 < hashing_floor(PROJECT.root) < 5


def test_scenarios_are_compared_with_the_floors():
    measurements = [
        Measurement("shipped", "full forced build, serial (1 job)", 100.0, 15),
        Measurement("shipped", "no-op build (validate, nothing stale, Sphinx skipped)", 1.5, 0),
        Measurement("shipped", "one value changed in one system (lessons.csv)", 12.0, 1),
        Measurement("floor", "hashing what the book is built from (no-op floor)", 0.02, 0),
        Measurement("floor", "bare papermill run, empty notebook (one-notebook floor)", 2.0, 1),
        Measurement("rebuild breakdown", "kernel start (and papermill)", 2.0, 0),
        Measurement("rebuild breakdown", "imports (pandas, Altair, the analysis package)", 3.0, 0),
        Measurement("rebuild breakdown", "notebook work (system-profile[dorset])", 1.0, 0),
        Measurement("rebuild breakdown", "Sphinx, one notebook's page changed", 4.0, 0),
    ]
    lines = against_floors(measurements)
    assert lines[0] == "no-op build: 1.50s against a floor of 0.020s to hash the book's inputs"
    assert lines[1].startswith("one-system edit: 12.00s against 10.00s for one notebook and one Sphinx page (1.20×")
    table = report(measurements)
    assert "| floor | bare papermill run, empty notebook (one-notebook floor) | 2.00 |" in table


def test_the_benchmarks_data_edit_is_valid_data(tmp_path):
    """The benchmark times rebuilds after an edit; an edit the validator refuses would stop it
    before any notebook ran (as one did after values had to match their quotations)."""
    import shutil

    from ics_evidence import validate_package
    from ics_evidence.benchmark import edit_population

    data = shutil.copytree(PROJECT.data_dir, tmp_path / "data")
    if PROJECT.local_sources_dir.is_dir():  # the documents the repository holds, beside the data
        shutil.copytree(PROJECT.local_sources_dir, tmp_path / "sources")
    edit_population(data)
    assert validate_package(data, PROJECT.sources_dir) == []
