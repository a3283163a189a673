"""No child outlives its build (issue 20, class 6).

``kill -9`` of the build while Sphinx runs left ``jupyter-book`` running, writing into
``_build`` without the lock, while the next build started. A stand-in build here holds the
build lock and starts a child through :func:`ics_evidence.assemble.book_inputs.run_logged`, the way
the book's Sphinx run is started; the child reports its pid through a FIFO and waits. The tests
wait on events only (the FIFO, a pidfd that becomes readable when a process exits), never on time.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="needs Linux pidfds")

BUILD = """
import sys
from pathlib import Path
from ics_evidence.assemble import book_inputs
from ics_evidence.assemble.lock import build_lock
build_dir, fifo = Path(sys.argv[1]), sys.argv[2]
child = [sys.executable, "-c", sys.argv[3], fifo]
with build_lock(build_dir, "the stand-in build"):
    book_inputs.run_logged(child, build_dir, build_dir / "logs" / "sphinx.log")
"""
CHILD = """
import os, signal, sys
with open(sys.argv[1], "w") as fifo:
    fifo.write(str(os.getpid()))
signal.pause()
"""
EXITS = 60_000  # ms: only a bound for a failing test; a passing one returns as soon as the event comes


def _wait_readable(fd: int, also: int | None = None) -> list[int]:
    poller = select.poll()
    for each in (fd, also):
        if each is not None:
            poller.register(each, select.POLLIN)
    return [ready for ready, _ in poller.poll(EXITS)]


@pytest.fixture
def running_build(tmp_path):
    """(build process, child pid, build dir) once the child runs."""
    fifo = tmp_path / "child.pid"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    build_dir = tmp_path / "_build"
    build = subprocess.Popen([sys.executable, "-c", BUILD, str(build_dir), str(fifo), CHILD],
                             stderr=subprocess.PIPE, text=True)  # fmt: skip
    build_exit = os.pidfd_open(build.pid)
    child = None
    try:
        ready = _wait_readable(reader, build_exit)
        assert reader in ready, f"the stand-in build ended before its child ran: {build.stderr.read()}"
        child = int(os.read(reader, 64).decode())
        yield build, child, build_dir
    finally:
        os.close(reader)
        os.close(build_exit)
        build.kill()
        build.wait()
        if child is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)


def test_orphan_child_dies_when_the_build_is_killed(running_build):
    build, child, _ = running_build
    child_exit = os.pidfd_open(child)
    try:
        build.send_signal(signal.SIGKILL)
        build.wait()
        assert _wait_readable(child_exit) == [child_exit], f"child {child} outlived its build (kill -9)"
    finally:
        os.close(child_exit)


def test_orphan_child_holds_the_build_lock_while_it_runs(running_build):
    _, child, build_dir = running_build
    lock = (build_dir / ".lock").resolve()
    assert lock in open_files(child), "the child does not hold the build lock, so a next build could start beside it"


def open_files(pid: int) -> set[Path]:
    """The files ``pid`` holds open. One it closes while they are listed (the child closes the
    FIFO just after writing its pid) is left out, not an error."""
    held = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(FileNotFoundError):
            held.add(Path(os.readlink(f"/proc/{pid}/fd/{fd}")))
    return held


def test_orphan_next_build_waits_for_the_child_then_starts(running_build):
    from ics_evidence.assemble.lock import BuildLocked, build_lock

    build, child, build_dir = running_build
    with pytest.raises(BuildLocked), build_lock(build_dir, "the next build"):
        pass
    child_exit = os.pidfd_open(child)
    try:
        build.send_signal(signal.SIGKILL)
        build.wait()
        assert _wait_readable(child_exit) == [child_exit], "the child outlived its build"
    finally:
        os.close(child_exit)
    with build_lock(build_dir, "the next build"):
        pass  # free once the build and its child are gone
