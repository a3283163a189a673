"""The package's own code, hashed one way, for the two records that must change when it does.

* The pipeline's fingerprint (:mod:`ics_evidence.assemble.fingerprint`): an executed notebook
  depends on every module and template its kernel can import, which is the whole package
  except the build and release stages and the command line (they run around the notebooks,
  never inside them). Named by exclusion, so a new module or template is covered the day it
  is added.
* The validation record (:mod:`ics_evidence.data.validated`): whether a package is valid
  depends on the data stage alone.

Both hash the same kinds of file (Python, the JSON rules, the HTML templates) by their path
inside the package and their bytes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CODE_SUFFIXES = (".py", ".json", ".html")
# What never runs inside a notebook's kernel.
OUTSIDE_NOTEBOOKS = ("assemble", "release", "cli.py", "__main__.py", "benchmark.py", "benchmark_floor.py")


def code_files(package_dir: Path = PACKAGE_DIR, parts: tuple[str, ...] | None = None,
               leave_out: tuple[str, ...] = ()) -> list[Path]:  # fmt: skip
    """The package's code files, sorted: under ``parts`` (default: all of it), less ``leave_out``."""
    roots = [package_dir / part for part in parts] if parts is not None else [package_dir]
    found = set()
    for root in roots:
        for path in [root] if root.is_file() else root.rglob("*"):
            relative = path.relative_to(package_dir)
            code = path.suffix in CODE_SUFFIXES and path.is_file() and "__pycache__" not in relative.parts
            if code and relative.parts[0] not in leave_out:
                found.add(path)
    return sorted(found)


def code_digest(package_dir: Path = PACKAGE_DIR, parts: tuple[str, ...] | None = None,
                leave_out: tuple[str, ...] = ()) -> str:  # fmt: skip
    digest = hashlib.sha256()
    for path in code_files(package_dir, parts, leave_out):
        digest.update(path.relative_to(package_dir).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def notebook_code_digest(package_dir: Path = PACKAGE_DIR) -> str:
    """One hash over everything a notebook's kernel can import from the package."""
    return code_digest(package_dir, leave_out=OUTSIDE_NOTEBOOKS)
