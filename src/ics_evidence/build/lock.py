"""One build at a time per checkout.

Two builds at once would run the same notebooks, write the same generated pages and publish
over each other (a site with pages missing). Every command that writes build products holds
an exclusive ``fcntl`` lock on ``_build/.lock``; the kernel releases it when the process ends,
however it ends, so a killed build never leaves a stale lock behind. The file records who holds
it, so a second build can say so.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class BuildLocked(RuntimeError):
    """Another process holds the project's build lock."""


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
        yield
    finally:
        handle.close()  # releases the lock
