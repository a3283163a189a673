"""Shared fixtures: a private copy of the shipped data package to corrupt, and the books the
slow tests read, each built once per run in a temporary copy of the project (never in the
checkout, which a final check holds unchanged)."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest

from ics_evidence.project import SOURCES_ENV, WITHOUT_SOURCES_ENV, sources_required
from tests import checkout_guard
from tests.helpers import DATA_DIR, PROJECT, commit_and_build, copy_built, copy_project, git, run

# Every test (and every command it starts) checks quotations against this checkout's sources,
# wherever its data copy lives. Without them the run stops, unless it is asked for explicitly
# (ICS_WITHOUT_SOURCES=1, as the command line's --without-sources): never silently unchecked.
os.environ.setdefault(SOURCES_ENV, str(PROJECT.sources_dir))
NO_SOURCES = (
    f"the source documents are not at {PROJECT.sources_dir}, so the tests cannot check the quotations: "
    f"put them there (or point {SOURCES_ENV} at them), or run the tests without them with "
    f"{WITHOUT_SOURCES_ENV}=1 (see CONTRIBUTING.md)"
)


def pytest_configure(config):
    if not PROJECT.sources_dir.is_dir() and sources_required():
        raise pytest.UsageError(NO_SOURCES)
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # A pytest-xdist worker ignores Ctrl-C (its controller stops it); the tests of Ctrl-C
        # need the interpreter's own handler, as in a build started from a terminal.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    config.stash[_CHECKOUT] = checkout_guard.snapshot(PROJECT.root)
    config.pluginmanager.register(_LongestFirst(), "ics-longest-first")


_CHECKOUT = pytest.StashKey[dict]()


def pytest_sessionfinish(session, exitstatus):
    """The run fails if any test wrote into the checkout (a tracked or untracked file, or a
    build product such as _build or book/generated)."""
    before = session.config.stash.get(_CHECKOUT, None)
    if before is None:
        return
    changed = checkout_guard.changes(before, checkout_guard.snapshot(PROJECT.root))
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = f"the tests changed the checkout {PROJECT.root} (tests must build in temporary copies):"
        lines = [message, *(f"  {line}" for line in changed[:40])]
        if reporter is not None:
            reporter.write_line("")
            for line in lines:
                reporter.write_line(line, red=True, bold=line is message)
        else:
            print("\n".join(lines))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


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


# The modules that take longest (seconds of one worker in `make test --durations`, Dec 2026:
# the two releases and the site ~250, every page's audit ~130, the hostile build ~100, the
# incremental property test ~80). pytest-xdist hands out whole modules in collection order, so
# one of these drawn last by the random order would run alone at the end while the other worker
# idles: they go first (longest first), everything else after them in its random order.
# `make test` passes --no-loadscope-reorder: by default xdist hands out the files with the most
# tests first, whatever the order here, which left the release module's minutes at the end.
LONGEST_FIRST = ("test_release.py", "test_browser_pages.py", "test_hostile_data.py", "test_incremental.py")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # Before pytest's own hook deselects by marker (-m "not slow"): a mark added after it, in the
    # ordering hook below, let `make check` run every book build and browser test.
    for item in items:
        if item.path.name in SLOW_MODULES or item.get_closest_marker("book"):
            item.add_marker(pytest.mark.slow)


class _LongestFirst:
    @pytest.hookimpl(trylast=True)  # after pytest-randomly has shuffled the order
    def pytest_collection_modifyitems(self, items):
        _longest_first(items)


def _longest_first(items) -> None:
    rank = {name: index for index, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep their order


requires_sources = pytest.mark.skipif(
    not PROJECT.sources_dir.is_dir(), reason="the shared source texts are not beside this clone"
)


def _once_per_run(tmp_path_factory, name: str, make) -> Path:
    """``make(folder)`` once per run, its result shared: with pytest-xdist (``-n 2``) the
    first worker to ask makes it in the run's common temporary folder while the others wait
    for it (and a failure is reported to every worker that asks, not made again)."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return make(tmp_path_factory.mktemp(name))
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp().parent / f"shared-{name}"
    done, failed = shared.with_name(shared.name + ".done"), shared.with_name(shared.name + ".failed")
    with FileLock(str(shared) + ".lock"):
        if failed.is_file():
            raise AssertionError(f"{name} failed in another worker:\n{failed.read_text(encoding='utf-8')}")
        if not done.is_file():
            shutil.rmtree(shared, ignore_errors=True)
            shared.mkdir()
            try:
                result = make(shared)
            except BaseException as error:
                failed.write_text(str(error), encoding="utf-8")
                raise
            done.write_text(str(result), encoding="utf-8")
        return Path(done.read_text(encoding="utf-8"))


def _build_shipped(folder: Path) -> Path:
    root = copy_project(folder / "project")
    _, log = run(root, "build")
    (root / "_build" / "logs" / "first-build.out").write_text(log, encoding="utf-8")  # for test_end_to_end
    return root


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Path:
    """A copy of the project with the book built from the shipped data by the README's command,
    once per run. Tests read it and never change it: one that needs a changed book builds in
    ``copy_built(built_project, ...)``, which keeps the build products, so only what its change
    touches is rebuilt."""
    return _once_per_run(tmp_path_factory, "built", _build_shipped)


@pytest.fixture(scope="session")
def built_site(built_project) -> Path:
    """The published HTML of :func:`built_project`."""
    return built_project / "_build" / "html"


@pytest.fixture(scope="session")
def hostile_project(built_project, tmp_path_factory) -> Path:
    """The one hostile-data build of the run (``tests/hostile.py``): a copy of the built project,
    its data poisoned, rebuilt. Every hostile-data test reads it; none changes it."""
    from tests.hostile import poison

    def build(folder: Path) -> Path:
        root = copy_built(built_project, folder / "project")
        poison(root)
        run(root, "build", "--jobs", "2")
        return root

    return _once_per_run(tmp_path_factory, "hostile", build)


@pytest.fixture(scope="session")
def ninth_system_project(built_project, tmp_path_factory) -> tuple[Path, bool]:
    """A copy of the built project as a git repository, built once more in its own commit, then
    with the ninth-system fixture added (True; on data that already hold it, taken away: False)
    and built on top in the next commit: the first two steps of the incremental property test
    and the ninth system's own build, made once per run. Each build is checked to write only
    ignored files. Tests read it; one that changes it copies it (``copy_built``)."""
    from tests.helpers import ensure_ninth_system, remove_ninth_system

    def build(folder: Path) -> Path:
        root = copy_built(built_project, folder / "project")
        git(root, "init", "-q")
        commit_and_build(root)
        added = ensure_ninth_system(root / "data", root / "sources")
        if not added:
            remove_ninth_system(root / "data", root / "sources")
        commit_and_build(root)
        # Beside the copy, not in it: an untracked file would fail the next build's clean-status check.
        (folder / "ninth-system-added").write_text("yes" if added else "no", encoding="utf-8")
        return root

    root = _once_per_run(tmp_path_factory, "ninth", build)
    return root, (root.parent / "ninth-system-added").read_text(encoding="utf-8") == "yes"
