"""Tests never write into the checkout: what a test run may not change there.

:func:`snapshot` records the checkout's git status (tracked and untracked files) and every
build product a test could leave behind (``_build``, ``book/generated``, executed notebooks,
chart downloads), each with its size and modification time; :func:`changes` says, in one line
per path, what differs between two snapshots. ``tests/conftest.py`` takes one when the session
starts and fails the run at its end if anything changed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

# Build products (ignored by git, so its status does not show them): what a build writes.
PRODUCTS = (
    "_build",
    "book/generated",
    "book/systems",
    "book/analyses",
    "book/_static/figures",
    "book/_static/vega-bundle.js",
    "book/_static/.vega-bundle.js.version",
)
PRODUCT_GLOBS = ("book/*.ipynb",)


def _status(root: Path) -> dict[str, str]:
    """git's porcelain status, path -> status code (empty when ``root`` is not a git checkout)."""
    result = subprocess.run(["git", "status", "--porcelain=v1", "-z", "--untracked-files=all"], cwd=root,
                            capture_output=True, check=False)  # fmt: skip
    if result.returncode != 0:
        return {}
    entries = result.stdout.decode("utf-8", "surrogateescape").split("\0")
    return {entry[3:]: entry[:2] for entry in entries if entry}


def _stat(path: Path) -> str:
    info = path.lstat()
    return f"{info.st_size}:{info.st_mtime_ns}"


def _products(root: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    paths = [root / name for name in PRODUCTS] + [p for pattern in PRODUCT_GLOBS for p in root.glob(pattern)]
    for path in paths:
        if path.is_symlink() or path.is_file():
            found[path.relative_to(root).as_posix()] = _stat(path)
        elif path.is_dir():
            found[path.relative_to(root).as_posix() + "/"] = "folder"
            for child in path.rglob("*"):
                if child.is_symlink() or child.is_file():
                    found[child.relative_to(root).as_posix()] = _stat(child)
    return found


def snapshot(root: Path) -> dict[str, dict[str, str]]:
    """What the checkout at ``root`` holds that a test run could change."""
    return {"git status": _status(root), "build products": _products(root)}


def changes(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> list[str]:
    """One line per path that differs between two snapshots (empty: the checkout is untouched)."""
    lines = []
    for part in before.keys() | after.keys():
        old, new = before.get(part, {}), after.get(part, {})
        for path in sorted(old.keys() | new.keys()):
            if path not in old:
                lines.append(f"{part}: {path} appeared ({new[path].strip() or '?'})")
            elif path not in new:
                lines.append(f"{part}: {path} disappeared")
            elif old[path] != new[path]:
                lines.append(f"{part}: {path} changed ({old[path]} -> {new[path]})")
    return sorted(lines)
