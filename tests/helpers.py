"""What the tests share: the checkout under test, and throw-away copies of it to build in.

The checkout is the one holding these tests (found as the command line finds it), never the
one the package was installed from. Copies run their own code (``PYTHONPATH``) with the real
source texts, so a test that breaks a copy cannot touch the checkout.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ics_evidence.project import SOURCES_ENV, Project

PROJECT = Project.find(Path(__file__).parent)
ROOT = PROJECT.root
DATA_DIR = PROJECT.data_dir


def copy_project(target: Path) -> Path:
    """A copy of the checkout's files (no environment, build products or history)."""
    return PROJECT.copy_to(target).root


def project_environment(project: Path) -> dict[str, str]:
    """The copy's own package, with the real source texts so quotations are still checked."""
    return Project(project).command_environment() | {SOURCES_ENV: str(PROJECT.sources_dir)}


def run(project: Path, *args: str) -> tuple[float, str]:
    """``python -m ics_evidence ARGS`` in the copy; fails the test with its output if it fails."""
    import time

    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "ics_evidence", *args], cwd=project,
                            env=project_environment(project), capture_output=True, text=True, check=False)  # fmt: skip
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed in {project}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return time.perf_counter() - started, result.stdout
