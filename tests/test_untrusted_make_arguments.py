"""Make arguments reach the program byte for byte (issue 20, class 2).

What is typed after ``make`` (``ID``, ``NAME``, ``SUMMARY``, ``VERSION``) is untrusted: neither
Make (``$(shell ...)``, even under ``make -n``) nor the shell (backticks, ``$(...)``, ``$VAR``,
quotes) may expand it. The checkout's Makefile runs in a scratch folder with a stand-in for the
environment's Python that records the arguments it receives; nothing is installed or built.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")

RECORDER = """#!{python}
import json, sys
with open({received!r}, "a", encoding="utf-8") as handle:
    handle.write(json.dumps(sys.argv[1:]) + "\\n")
"""


def _hostile(marker: Path) -> list[str]:
    """Values that run a command (each would create ``marker``) or change if anything expands them."""
    return [
        f"`touch {marker}`",
        f"$(touch {marker})",
        f"$(shell touch {marker})",
        f"a $(shell touch {marker}) b",
        "double \" and single ' quotes",
        "$HOME and ${HOME} and $$",
        "two\nlines",
        "back\\slash; semi & amp | pipe > redirect # hash %",
        "--help",
    ]


@pytest.fixture
def front_door(tmp_path) -> tuple[Path, Path]:
    """A scratch folder with the checkout's Makefile and an up-to-date stand-in environment."""
    folder = tmp_path / "checkout"
    (folder / ".venv" / "bin").mkdir(parents=True)
    shutil.copy(ROOT / "Makefile", folder / "Makefile")
    for name in ("requirements.txt", "requirements-dev.txt", "pyproject.toml"):
        (folder / name).write_text("", encoding="utf-8")
    received = tmp_path / "received.jsonl"
    python = folder / ".venv" / "bin" / "python"
    python.write_text(RECORDER.format(python=sys.executable, received=str(received)), encoding="utf-8")
    python.chmod(0o755)
    stamp = folder / ".venv" / ".installed"
    stamp.touch()
    later = (folder / "pyproject.toml").stat().st_mtime + 10
    os.utime(stamp, (later, later))
    return folder, received


def _make(folder: Path, *args: str) -> subprocess.CompletedProcess:
    # -o browser-deps: the release target would otherwise install Chromium.
    return subprocess.run(["make", "--no-print-directory", "-o", "browser-deps", *args], cwd=folder,
                          capture_output=True, text=True, check=False, timeout=120)  # fmt: skip


def _received(path: Path) -> list[list[str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


@pytest.mark.parametrize("which", range(9))
def test_make_new_system_passes_id_and_name_byte_for_byte(front_door, tmp_path, which):
    folder, received = front_door
    marker = tmp_path / "ran"
    value = _hostile(marker)[which]
    result = _make(folder, "new-system", f"ID={value}", f"NAME={value}")
    assert result.returncode == 0, result.stderr
    assert not marker.exists(), f"{value!r} ran a command"
    [arguments] = _received(received)
    assert arguments == ["-m", "ics_evidence", "new-system", f"--name={value}", "--", value]


@pytest.mark.parametrize("which", range(9))
def test_make_release_passes_version_and_summary_byte_for_byte(front_door, tmp_path, which):
    folder, received = front_door
    marker = tmp_path / "ran"
    value = _hostile(marker)[which]
    result = _make(folder, "release", f"VERSION={value}", f"SUMMARY={value}")
    assert result.returncode == 0, result.stderr
    assert not marker.exists(), f"{value!r} ran a command"
    [arguments] = _received(received)
    assert arguments == ["-m", "ics_evidence", "release", f"--summary={value}", "--", value]


@pytest.mark.parametrize("target", ["release", "new-system"])
def test_make_dry_run_runs_nothing_from_the_arguments(front_door, tmp_path, target):
    folder, received = front_door
    marker = tmp_path / "ran"
    values = _hostile(marker)
    names = ("ID", "NAME", "VERSION", "SUMMARY")
    arguments = [f"{name}={value}" for name, value in zip(names, values[1:5], strict=True)]
    result = _make(folder, "-n", target, *arguments)
    assert result.returncode == 0, result.stderr
    assert not marker.exists(), "make -n expanded a $(shell ...) argument"
    assert _received(received) == [], "make -n ran the program"


def test_make_without_arguments_says_how_to_call_it(front_door):
    folder, received = front_door
    for target in ("release", "new-system"):
        result = _make(folder, target)
        assert result.returncode == 2 and "usage: make" in result.stdout
    assert _received(received) == []
