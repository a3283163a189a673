"""Shared fixtures: a private copy of the shipped data package to corrupt."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ics_evidence.project import SOURCES_ENV, WITHOUT_SOURCES_ENV
from tests.helpers import DATA_DIR, PROJECT, ROOT

# Every test (and every command it starts) checks quotations against this checkout's sources,
# wherever its data copy lives; a clone without them opts out explicitly, as a person would.
os.environ.setdefault(SOURCES_ENV, str(PROJECT.sources_dir))
if not PROJECT.sources_dir.is_dir():
    os.environ[WITHOUT_SOURCES_ENV] = "1"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ that a test may break, with the repository's sources/ folder
    beside it (where the validator looks first), as in the checkout."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    if PROJECT.local_sources_dir.is_dir():
        shutil.copytree(PROJECT.local_sources_dir, tmp_path / "sources")
    return target


@pytest.fixture(scope="session")
def shipped_tables() -> dict:
    """Every table of the shipped data package, loaded once (tests must not modify them)."""
    from ics_evidence import load_package

    return load_package(DATA_DIR)


@pytest.fixture(scope="session")
def sources() -> Path:
    return PROJECT.sources_dir


# Modules that execute every notebook or build a book: `make test` runs them, `make check` not.
SLOW_MODULES = {"test_notebooks.py"}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name in SLOW_MODULES or item.get_closest_marker("book"):
            item.add_marker(pytest.mark.slow)


requires_sources = pytest.mark.skipif(
    not PROJECT.sources_dir.is_dir(), reason="the shared source texts are not beside this clone"
)


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The book built from the shipped data by the README's command (the pipeline reruns only
    what is stale, so after a first build this is quick)."""
    result = subprocess.run(
        [sys.executable, "-m", "ics_evidence", "build"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return ROOT / "_build" / "html"
