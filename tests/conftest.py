"""Shared fixtures: a private copy of the shipped data package to corrupt."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ics_evidence.paths import DATA_DIR, sources_dir


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture(scope="session")
def sources() -> Path:
    return sources_dir()


requires_sources = pytest.mark.skipif(
    not sources_dir().is_dir(), reason="the shared source texts are not beside this clone"
)
