"""Notebooks stay thin (load, call, show): the code lives in the analysis package, which the
assemble and release stages use but never the other way round."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import jupytext
import pytest

from ics_evidence import analysis
from ics_evidence.manifest import Manifest
from tests.helpers import PROJECT, ROOT

MAX_CODE_LINES = 80


def code_lines(source: str) -> int:
    """Lines of code in a cell: neither blank nor a comment."""
    return sum(1 for line in source.splitlines() if line.strip() and not line.strip().startswith("#"))


def notebook_code_lines(path) -> int:
    notebook = jupytext.read(path)
    return sum(code_lines(cell.source) for cell in notebook.cells if cell.cell_type == "code")


SOURCES = sorted({entry.source for entry in Manifest.read(PROJECT.manifest).notebooks})


def test_code_lines_count_neither_blanks_nor_comments():
    assert code_lines("x = 1\n\n   # a comment\ny = 2  # trailing\n") == 2


@pytest.mark.parametrize("source", SOURCES)
def test_every_notebook_in_the_manifest_is_thin(source):
    lines = notebook_code_lines(ROOT / source)
    assert 0 < lines <= MAX_CODE_LINES, f"{source} has {lines} lines of code; move code to ics_evidence.analysis"


def test_the_analysis_package_does_not_import_the_build_or_release_stages():
    modules = [f"ics_evidence.analysis.{m.name}" for m in pkgutil.iter_modules(analysis.__path__)]
    assert "ics_evidence.analysis.scale" in modules
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(' '.join(m for m in sys.modules if m.startswith(('ics_evidence.assemble', 'ics_evidence.release'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == ""
