"""Validate once per build: a record that exactly these bytes were found valid.

A build validates the data package (quotations included) before any notebook runs; each
notebook then loads its tables through :func:`ics_evidence.data.load.load_package`, which would
validate the whole package again, in every kernel. Instead, the build records the package's
*validation key* under ``_build/validated/``, and the loader skips validation only when the
key of what it is about to read is recorded there.

The key is a SHA-256 digest of everything the outcome of validation depends on: every file in
the data folder (names, kinds, link targets and bytes), every file in both source folders
(the external one and the repository's own ``sources/``), whether the sources are required
(``--without-sources``) and the validating code itself (the data stage's modules and rules).
Any change to any of them, a poisoned cell or a removed source document alike, gives another
key, so the loader validates afresh: a record can never vouch for data it did not see.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ics_evidence.package_code import PACKAGE_DIR, code_digest
from ics_evidence.project import local_sources_for, sources_for, sources_required

FOLDER = "validated"  # under the project's _build


def _add_tree(digest, folder: Path) -> None:
    """Names, kinds and contents of every entry under ``folder`` (links: target and content)."""
    digest.update(f"\0folder {folder.resolve()}\0".encode("utf-8", "surrogateescape"))
    if not folder.is_dir():
        digest.update(b"missing")
        return
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames + [d for d in dirnames if Path(dirpath, d).is_symlink()]):
            path = Path(dirpath, name)
            relative = path.relative_to(folder).as_posix()
            digest.update(f"\0entry {relative}\0".encode("utf-8", "surrogateescape"))
            if path.is_symlink():
                digest.update(f"link {os.readlink(path)}\0".encode("utf-8", "surrogateescape"))
            if path.is_file():
                digest.update(path.read_bytes())
            else:
                digest.update(b"not a file")


_PACKAGE_DIR = PACKAGE_DIR


def _code_digest() -> str:
    return code_digest(_PACKAGE_DIR, parts=("data",))  # the data stage: the validator, its rules, the reader


def validation_key(directory: Path, sources: Path | None = None, *, require_sources: bool | None = None) -> str:
    """The digest of everything validating ``directory`` against ``sources`` depends on."""
    directory = Path(directory)
    required = sources_required() if require_sources is None else require_sources
    digest = hashlib.sha256(f"ics-evidence validation\0{_code_digest()}\0required={required}".encode())
    for folder in (directory, Path(sources or sources_for(directory)), local_sources_for(directory)):
        _add_tree(digest, folder)
    return digest.hexdigest()


def _records(build_dir: Path) -> Path:
    return build_dir / FOLDER


def record(build_dir: Path, key: str) -> None:
    """Record that the package with ``key`` was found valid (the latest record replaces the
    others: one build, one package)."""
    folder = _records(build_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / key).touch()
    for other in folder.iterdir():
        if other.name != key:
            other.unlink(missing_ok=True)


def is_recorded(key: str, build_dir: Path) -> bool:
    """Whether a build in ``build_dir`` recorded ``key`` as valid."""
    return (_records(build_dir) / key).is_file()
