"""Skipping Sphinx when nothing the book is built from has changed, and keeping its output quiet.

A no-op ``build`` used to spend 2-3 s in Sphinx to write the same site again. The book is a
function of its inputs: the ``book/`` tree (hand-written pages, generated pages, executed
notebooks, static files, templates, bibliography), ``_config.yml``, the table of contents
(``_toc.yml`` and the manifest it is completed from),
``releases.yml`` (the edition stamped on every page), the package's build code (the Sphinx
extension and what it imports) and the pinned environment. Their digest is stored beside the
published site when it is published; while it matches and the site exists, Sphinx is skipped.

Sphinx's and Jupyter Book's own output (configuration dumps, a misleading "Your book's HTML
pages are here: _build/work/...") goes to ``_build/logs/`` unless ``--verbose``; when the build
fails, the warning and error lines and the log's path are printed.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ics_evidence.project import Project
from ics_evidence.terminal import escaped

DIGEST_NAME = ".book-inputs.sha256"  # in _build/, beside the published html/
IGNORED_PARTS = {"__pycache__", ".ipynb_checkpoints"}
ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
PROBLEM_LINE = re.compile(r"(WARNING|ERROR|CRITICAL|SEVERE|Error|Exception|Traceback)")
SHOWN_PROBLEM_LINES = 40


@dataclass
class BookOutcome:
    """What ``build_book`` did, for the command's one final line."""

    sphinx: str = "not run"  # "built", "skipped" or "failed"
    log: Path | None = None


PACKAGE_CODE_SUFFIXES = (".py", ".html", ".css", ".js")


def package_code() -> list[Path]:
    """The package's code and templates (src/ics_evidence): the Sphinx extensions, the templates
    they and the pages render, and what they import. All of it, not a list of modules: a list
    went stale when the templates moved out of the build stage."""
    package = Path(__file__).resolve().parent.parent
    return sorted(
        path
        for path in package.rglob("*")
        if path.suffix in PACKAGE_CODE_SUFFIXES and path.is_file() and not IGNORED_PARTS.intersection(path.parts)
    )


def input_files(project: Project) -> list[Path]:
    files = [
        path
        for path in project.book_dir.rglob("*")
        if path.is_file() and not IGNORED_PARTS.intersection(path.relative_to(project.book_dir).parts)
    ]
    named = [project.root / name for name in ("_config.yml", "_toc.yml", "releases.yml", "requirements.txt")]
    named.append(project.manifest)
    return sorted(files) + [path for path in named if path.is_file()] + package_code()


def digest(project: Project) -> str:
    """One hash over the name and content of every input (a few hundred KB to hash)."""
    total = hashlib.sha256()
    for path in input_files(project):
        try:
            name = path.relative_to(project.root).as_posix()
        except ValueError:
            name = f"<package>/{path.relative_to(Path(__file__).resolve().parents[1]).as_posix()}"
        total.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()


def _digest_path(project: Project) -> Path:
    return project.build_dir / DIGEST_NAME


def unchanged(project: Project, current: str) -> bool:
    """Whether the published site was built from exactly these inputs."""
    recorded = _digest_path(project)
    return (
        (project.site_dir / "index.html").is_file()
        and recorded.is_file()
        and recorded.read_text(encoding="utf-8").strip() == current
    )


def record(project: Project, current: str) -> None:
    """Store the inputs' digest once the site built from them is published."""
    _digest_path(project).write_text(current + "\n", encoding="utf-8")


def forget(project: Project) -> None:
    _digest_path(project).unlink(missing_ok=True)


def log_path(project: Project, builder: str) -> Path:
    return project.build_dir / "logs" / ("sphinx.log" if builder == "html" else f"sphinx-{builder}.log")


def run_logged(command: list[str], cwd: Path, log: Path, verbose: bool = False) -> int:
    """Run Sphinx (through Jupyter Book): its output to ``log``, or to the terminal if ``verbose``.
    It dies with the build and holds the build's lock while it runs (:func:`lock.child_options`).
    On failure, the warning and error lines of the log and its path go to stderr."""
    from ics_evidence.assemble.lock import child_options

    if verbose:
        return subprocess.run(command, cwd=cwd, check=False, **child_options()).returncode
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as handle:
        status = subprocess.run(
            command, cwd=cwd, stdout=handle, stderr=subprocess.STDOUT, check=False, **child_options()
        ).returncode
    if status != 0:
        text = ANSI_COLOUR.sub("", log.read_text(encoding="utf-8", errors="replace"))
        lines = [line for line in text.splitlines() if PROBLEM_LINE.search(line)]
        for line in lines[:SHOWN_PROBLEM_LINES]:
            print(escaped(line), file=sys.stderr)  # a warning may quote data text: nothing raw
        if len(lines) > SHOWN_PROBLEM_LINES:
            print(f"... and {len(lines) - SHOWN_PROBLEM_LINES} more", file=sys.stderr)
        print(f"Sphinx failed (exit {status}); its full output is in {log}", file=sys.stderr)
    return status
