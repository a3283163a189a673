"""One build at a time per checkout.

Two builds at once would run the same notebooks, write the same generated pages and publish
over each other (a site with pages missing). Every command that writes build products holds
an exclusive ``fcntl`` lock on ``_build/.lock``; the kernel releases it when the process ends,
however it ends, so a killed build never leaves a stale lock behind. The file records who holds
it, so a second build can say so.

The build's children (Jupyter Book running Sphinx, the build of an edition at its commit) must
not outlive it: a ``kill -9`` of the build would leave them writing into ``_build`` without the
lock while the next build starts. Started with :func:`child_options`, a child is killed by the
kernel when the build dies (``PR_SET_PDEATHSIG``), and it holds the lock itself meanwhile (the
lock's descriptor is passed to it), so no later build can start before it has gone.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import fcntl
import functools
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class BuildLocked(RuntimeError):
    """Another process holds the project's build lock."""


_HELD: list[int] = []  # descriptors of the locks this process holds, passed to its children
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _libc():
    try:
        return ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
    except OSError:
        return None


_LIBC = _libc()


def child_options() -> dict:
    """Keyword arguments for ``subprocess`` so that the child dies with this process (SIGKILL
    from the kernel, on Linux) and holds this process's build lock while it runs."""
    options: dict = {"pass_fds": tuple(_HELD)}
    if _LIBC is not None:
        options["preexec_fn"] = functools.partial(die_with, os.getpid())  # in the child, before exec
    return options


def die_with(parent: int) -> None:
    """In a child of ``parent``: be killed (SIGKILL, by the kernel) when ``parent`` dies, and exit
    at once if it already has. A no-op where the kernel offers no parent-death signal."""
    if _LIBC is None:
        return
    _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


@contextmanager
def build_lock(build_dir: Path, what: str) -> Iterator[None]:
    build_dir.mkdir(parents=True, exist_ok=True)
    path = build_dir / ".lock"
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held for the whole block)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildLocked(f"{holder} holds {path}; wait for it to finish and run the command again") from None
        handle.seek(0)
        handle.truncate()
        started = dt.datetime.now().isoformat(timespec="seconds")
        handle.write(f"'{what}' (pid {os.getpid()}, started {started}, {Path(sys.argv[0]).name})")
        handle.flush()
        _HELD.append(handle.fileno())
        try:
            yield
        finally:
            _HELD.remove(handle.fileno())
    finally:
        handle.close()  # releases the lock (once no child holds it either)
