"""What the tests share: the checkout under test, and throw-away copies of it to build in.

The checkout is the one holding these tests (found as the command line finds it), never the
one the package was installed from. Copies run their own code (``PYTHONPATH``) with the real
source texts, so a test that breaks a copy cannot touch the checkout.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from ics_evidence.project import SOURCES_ENV, Project
from ics_evidence.release.site import END as SWITCHER_END
from ics_evidence.release.site import START as SWITCHER_START

PROJECT = Project.find(Path(__file__).parent)
ROOT = PROJECT.root
DATA_DIR = PROJECT.data_dir
# What a copy of a built copy leaves out: history and caches, never the build products.
NOT_COPIED_FROM_A_BUILD = (".git", "__pycache__", ".pytest_cache", ".ruff_cache")


def copy_project(target: Path) -> Path:
    """A copy of the checkout's files (no environment, build products or history)."""
    return PROJECT.copy_to(target).root


def copy_built(built: Path, target: Path, keep_history: bool = False) -> Path:
    """A copy of a copy that was built (``built``, from :func:`copy_project`), with its build
    products (``_build``, ``book/generated``, the executed notebooks and chart downloads), so
    that a build in the copy reruns only what its change touches. ``_build/html`` is a relative
    link, and stays one. ``keep_history`` keeps its git repository, if it has one."""
    left_out = [name for name in NOT_COPIED_FROM_A_BUILD if not (keep_history and name == ".git")]
    shutil.copytree(built, target, symlinks=True, ignore=shutil.ignore_patterns(*left_out))
    return target


GIT = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"]


def git(project: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=project, capture_output=True, text=True, check=True).stdout


def git_copy(target: Path) -> Path:
    """A copy of the checkout as a git repository with every file committed."""
    project = copy_project(target / "project")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "copy")
    return project


def tracked_files(project: Path) -> dict[str, int]:
    """Each tracked file and its modification time (a rewrite with the same bytes shows too)."""
    return {name: (project / name).stat().st_mtime_ns for name in git(project, "ls-files", "-z").split("\0") if name}


def assert_writes_only_ignored_files(project: Path, action) -> None:
    before = tracked_files(project)
    action()
    assert git(project, "status", "--porcelain", "--untracked-files=all") == "", "wrote outside ignored paths"
    touched = sorted(name for name, mtime in tracked_files(project).items() if before.get(name) != mtime)
    assert not touched, f"rewrote tracked files: {touched}"


def commit_and_build(project: Path) -> None:
    """Commit the copy's edits, build, and check the build wrote only ignored files."""
    git(project, "add", "-A")
    git(project, "commit", "-q", "--allow-empty", "-m", "edit")
    assert_writes_only_ignored_files(project, lambda: run(project, "build"))


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


# The ninth-system fixture: a fictional system ("Wessex Vale") with its own fictional source
# document, added the way CONTRIBUTING.md describes (one row in systems.csv and its rows in
# the other tables, the document in the repository's sources/ folder). The suite must pass
# with it applied, so no test may depend on the shipped data being the shipped data.
NINTH_SYSTEM = ROOT / "tests" / "fixtures" / "ninth_system"
NINTH_SYSTEM_ID = "wessex-vale"


def add_ninth_system(data_dir: Path, sources_dir: Path | None = None) -> Path:
    """Append the fixture's rows to the tables of ``data_dir`` and put its document in
    ``sources_dir`` (default: the ``sources/`` folder beside ``data_dir``, where the validator
    looks first). Refuses a package that already has the system. Returns ``data_dir``."""
    import shutil

    from ics_evidence.data.csvfiles import read_rows, write_rows

    data_dir = Path(data_dir)
    if any(row["system_id"] == NINTH_SYSTEM_ID for row in read_rows(data_dir / "systems.csv")[1]):
        raise ValueError(f"{data_dir} already has the system {NINTH_SYSTEM_ID!r}")
    for extra in sorted((NINTH_SYSTEM / "data").glob("*.csv")):
        header, rows = read_rows(data_dir / extra.name)
        extra_header, extra_rows = read_rows(extra)
        if extra_header != header:
            raise ValueError(f"{extra}: header {extra_header} differs from {data_dir / extra.name}: {header}")
        write_rows(data_dir / extra.name, header, rows + extra_rows)
    target = Path(sources_dir) if sources_dir is not None else data_dir.parent / "sources"
    target.mkdir(parents=True, exist_ok=True)
    for document in (NINTH_SYSTEM / "sources").iterdir():
        shutil.copy(document, target / document.name)
    return data_dir


def ensure_ninth_system(data_dir: Path, sources_dir: Path | None = None) -> bool:
    """The fixture system in ``data_dir`` whether or not the data already hold it (the suite
    also runs on data with the fixture applied, see tests/fixtures/ninth_system/README.md):
    added (True) or left as it is, its document put in ``sources_dir`` all the same (False)."""
    import shutil

    from ics_evidence.data.csvfiles import read_rows

    if not any(row["system_id"] == NINTH_SYSTEM_ID for row in read_rows(Path(data_dir) / "systems.csv")[1]):
        add_ninth_system(data_dir, sources_dir)
        return True
    target = Path(sources_dir) if sources_dir is not None else Path(data_dir).parent / "sources"
    target.mkdir(parents=True, exist_ok=True)
    for document in (NINTH_SYSTEM / "sources").iterdir():
        shutil.copy(document, target / document.name)
    return False


def remove_ninth_system(data_dir: Path, sources_dir: Path | None = None) -> Path:
    """Undo :func:`add_ninth_system` (drop the fixture's rows and its document), so that the
    fixture's own tests start from a package without it even where the data already hold it."""
    from ics_evidence.data.csvfiles import read_rows, write_rows

    data_dir = Path(data_dir)
    for extra in sorted((NINTH_SYSTEM / "data").glob("*.csv")):
        header, rows = read_rows(data_dir / extra.name)
        extra_rows = read_rows(extra)[1]
        write_rows(data_dir / extra.name, header, [row for row in rows if row not in extra_rows])
    target = Path(sources_dir) if sources_dir is not None else data_dir.parent / "sources"
    for document in (NINTH_SYSTEM / "sources").iterdir():
        (target / document.name).unlink(missing_ok=True)
    return data_dir


def grow_with_copies_of_the_ninth_system(data_dir: Path, count: int) -> Path:
    """``data_dir`` (with the ninth-system fixture applied if it is not yet) grown to ``count``
    systems by renamed copies of the fixture's system, each with its own copy of the fixture
    document and its own rows in every table the fixture has rows in. The copies have long
    names and no abbreviation, so charts name them in full: the widest labels a layout must hold."""
    import shutil

    from ics_evidence.data.csvfiles import read_rows, write_rows

    data_dir = Path(data_dir)
    sources_dir = data_dir.parent / "sources"
    if not any(row["system_id"] == NINTH_SYSTEM_ID for row in read_rows(data_dir / "systems.csv")[1]):
        add_ninth_system(data_dir, sources_dir)
    for document in (NINTH_SYSTEM / "sources").iterdir():  # also where the data already had it
        sources_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(document, sources_dir / document.name)
    have = len(read_rows(data_dir / "systems.csv")[1])
    copies = [f"{NINTH_SYSTEM_ID}-copy-{n}" for n in range(1, count - have + 1)]
    renamed = ("system_id", "source_id", "example_id", "result_id", "lesson_id")
    for extra in sorted((NINTH_SYSTEM / "data").glob("*.csv")):
        header, rows = read_rows(data_dir / extra.name)
        for copy in copies:
            for row in read_rows(extra)[1]:
                clone = {key: f"{copy}{value.removeprefix(NINTH_SYSTEM_ID)}" if key in renamed and value else value
                         for key, value in row.items()}  # fmt: skip
                if extra.name == "systems.csv":
                    number = copy.rsplit("-", 1)[1]
                    clone.update(name=f"{row['name']} and the Long Coastal Valleys {number}", abbreviation="")
                if extra.name == "sources.csv":
                    clone["file"] = f"{copy} {row['file']}"
                    shutil.copy(NINTH_SYSTEM / "sources" / row["file"], sources_dir / clone["file"])
                rows.append(clone)
        write_rows(data_dir / extra.name, header, rows)
    return data_dir


def copy_project_with_ninth_system(target: Path) -> Path:
    """A copy of the checkout (as :func:`copy_project`) with the ninth-system fixture applied
    to its ``data/`` and ``sources/``, and its claims snapshot refreshed as a contributor adding
    a system would (``python -m ics_evidence claims``): the snapshot is the shipped data's."""
    project = copy_project(target)
    add_ninth_system(project / "data", project / "sources")
    run(project, "claims")
    return project


def without_switcher(text: str) -> str:
    """The page as it was before the switcher: the block and the line break put before it."""
    start, end = text.index(SWITCHER_START), text.index(SWITCHER_END) + len(SWITCHER_END)
    assert text[start - 1] == "\n"
    return text[: start - 1] + text[end:]


def dom(text: str) -> str:
    """An HTML page as Beautiful Soup writes it, to compare pages as documents, not bytes."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(text, "html.parser").decode()
