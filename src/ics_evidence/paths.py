"""Where things live. Everything is relative to the repository root so that a clone runs anywhere."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
DESCRIPTOR = "datapackage.json"
BOOK_DIR = ROOT / "book"
GENERATED_DIR = BOOK_DIR / "generated"
STATIC_DIR = BOOK_DIR / "_static"
BUILD_DIR = ROOT / "_build"


def sources_dir() -> Path:
    """The plain-text source documents; kept outside the project (see data/README.md).

    ``ICS_SOURCES_DIR`` overrides the default ``../shared/sources`` beside the clone.
    """
    return Path(os.environ.get("ICS_SOURCES_DIR", ROOT.parent / "shared" / "sources"))
