"""The suite itself is loud, not silent: without the source documents it stops with one
message, unless asked to run without them (ICS_WITHOUT_SOURCES=1)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ics_evidence.project import SOURCES_ENV, WITHOUT_SOURCES_ENV
from tests.helpers import ROOT


def _pytest(tmp_path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != WITHOUT_SOURCES_ENV and not k.startswith("PYTEST_")}
    environment |= env
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
               "tests/test_watch.py::test_watch_is_quiet_when_nothing_changes"]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, check=False)


def test_without_the_sources_the_suite_stops_with_one_message(tmp_path):
    result = _pytest(tmp_path, **{SOURCES_ENV: str(tmp_path / "no-sources")})
    assert result.returncode == 4, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1 and str(tmp_path / "no-sources") in errors[0] and f"{WITHOUT_SOURCES_ENV}=1" in errors[0]
    assert "passed" not in result.stdout


@pytest.mark.slow
def test_asked_to_run_without_the_sources_the_suite_runs(tmp_path):
    result = _pytest(tmp_path, **{SOURCES_ENV: str(tmp_path / "no-sources"), WITHOUT_SOURCES_ENV: "1"})
    assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout + result.stderr


@pytest.mark.slow
def test_make_check_leaves_out_every_book_build_and_the_longest_modules_come_first():
    # The slow mark must be added before pytest deselects by marker: added after it (in the
    # hook that orders the modules), `make check` ran every book build and browser test.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    modules = ["tests/test_pdf.py", "tests/test_browser_pages.py", "tests/test_suite_setup.py"]

    def collected(*options: str) -> list[str]:
        command = [sys.executable, "-m", "pytest", "-q", "--collect-only", "-p", "no:cacheprovider", *options, *modules]
        result = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, check=False)
        return [line.split("::")[0] for line in result.stdout.splitlines() if "::" in line]

    fast = collected("-m", "not slow")
    assert "tests/test_suite_setup.py" in fast
    assert "tests/test_pdf.py" not in fast and "tests/test_browser_pages.py" not in fast
    everything = collected()
    assert everything[0] == "tests/test_browser_pages.py" and "tests/test_pdf.py" in everything
