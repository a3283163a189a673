"""Only regular files inside the repository are read or published.

A symbolic link committed in ``data/`` or ``sources/`` (or among a release's inputs) would
make the build read, and publish in the site's download or the release bundle, whatever it
points at: another checkout's data, a system file, a secret. Every such file is checked here
first: it must be a regular file (not a link, a pipe or a device), and its real path must lie
inside the folder it is read from. Anything else is refused with one line, before its content
is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class UnsafeFile(ValueError):
    """A file that is a link, not a regular file, or outside the folder it is read from."""

    def __init__(self, path: Path, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"{path} {reason}")


def _reason(path: Path, inside: Path) -> str | None:
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link; only regular files in the repository are read (put the file itself there)"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file; only regular files in the repository are read"
    if not path.resolve().is_relative_to(inside.resolve()):
        return f"resolves to {path.resolve()}, outside {inside}; only files inside it are read"
    return None


def regular_file(path: Path, inside: Path) -> Path:
    """``path``, once it is known to be a regular file whose real path is inside ``inside``;
    :class:`UnsafeFile` otherwise (``FileNotFoundError`` if it does not exist)."""
    reason = _reason(path, inside)
    if reason:
        raise UnsafeFile(path, reason)
    return path


def unsafe_reason(path: Path, inside: Path) -> str | None:
    """Why ``path`` would be refused (None if it is a regular file inside ``inside``, or missing)."""
    try:
        return _reason(path, inside)
    except FileNotFoundError:
        return None
