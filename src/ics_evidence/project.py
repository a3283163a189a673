"""Where a project's files are.

The project is the checkout you run the command in (or ``--root``), never the folder the
package happens to be installed from: an editable install binds ``ics_evidence`` to one
checkout, and a copied or moved checkout must build its own data, not the original's.
Every stage takes a :class:`Project` (or paths derived from one) instead of module constants.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

DESCRIPTOR = "datapackage.json"
FIGURES_DIR = "figures"  # under the book's static folder (Project.figures_dir)
MARKERS = ("_config.yml", "notebooks/pipeline.yml")  # what makes a folder a project root
SOURCES_ENV = "ICS_SOURCES_DIR"
LOCAL_SOURCES = "sources"  # documents the project may redistribute, kept in the repository
# Set (by ``--without-sources``) to build without checking quotations; inherited by the
# notebook kernels, so their loader agrees with the command that started them.
WITHOUT_SOURCES_ENV = "ICS_WITHOUT_SOURCES"
# What a copy of a checkout leaves behind: environments, build products, history and caches.
# Names match at any depth; paths (with a slash) match from the project root.
NOT_COPIED = (
    ".venv",
    "_build",
    ".git",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "node_modules",
    "book/generated",
)


def sources_required() -> bool:
    return os.environ.get(WITHOUT_SOURCES_ENV, "") in ("", "0")


class NotAProject(RuntimeError):
    """The folder is not (inside) a checkout of the project."""


@dataclass(frozen=True)
class Project:
    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root).resolve())

    @classmethod
    def find(cls, start: Path | str | None = None) -> Project:
        """The project containing ``start`` (default: the current directory), searching upwards
        as git does, so that a command run from ``notebooks/`` still finds its project."""
        here = Path(start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if all((folder / marker).is_file() for marker in MARKERS):
                return cls(folder)
        raise NotAProject(
            f"{here} is not inside a checkout of the project (no {' and '.join(MARKERS)} found here or above); "
            "run the command from the repository, or pass --root"
        )

    def copy_to(self, target: Path) -> Project:
        """A throw-away copy of the checkout's files (for tests and the benchmark to build in),
        without what :data:`NOT_COPIED` names."""
        names = {n for n in NOT_COPIED if "/" not in n}
        paths = {self.root / n for n in NOT_COPIED if "/" in n}

        def ignore(folder: str, entries: list[str]) -> set[str]:
            return {e for e in entries if e in names or Path(folder, e) in paths}

        shutil.copytree(self.root, target, ignore=ignore)
        return Project(target)

    def command_environment(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """Environment variables for running ``python -m ics_evidence`` with this checkout's own
        package, whichever checkout the interpreter has installed."""
        return dict(os.environ if base is None else base, PYTHONPATH=str(self.root / "src"))

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def book_dir(self) -> Path:
        return self.root / "book"

    @property
    def generated_dir(self) -> Path:
        return self.book_dir / "generated"

    @property
    def static_dir(self) -> Path:
        return self.book_dir / "_static"

    @property
    def figures_dir(self) -> Path:
        """The figures' downloads, under the static folder, so Sphinx copies them into the site."""
        return self.static_dir / FIGURES_DIR

    @property
    def build_dir(self) -> Path:
        return self.root / "_build"

    @property
    def site_dir(self) -> Path:
        """The published book: replaced only by a build that succeeded."""
        return self.build_dir / "html"

    @property
    def work_dir(self) -> Path:
        """Sphinx's own output and doctrees, kept for incremental builds."""
        return self.build_dir / "work"

    @property
    def manifest(self) -> Path:
        return self.root / "notebooks" / "pipeline.yml"

    @property
    def sources_dir(self) -> Path:
        """The plain-text source documents, kept outside the project (see data/README.md).

        ``ICS_SOURCES_DIR`` overrides the default ``../shared/sources`` beside the checkout.
        """
        override = os.environ.get(SOURCES_ENV)
        return Path(override) if override else self.root.parent / "shared" / "sources"

    @property
    def local_sources_dir(self) -> Path:
        """Source documents the project may redistribute, kept in the repository and searched
        before :attr:`sources_dir` (see data/README.md)."""
        return self.root / LOCAL_SOURCES


def sources_for(data_dir: Path) -> Path:
    """The source documents for a data package: its project's, or ``../shared/sources`` beside
    the folder holding a stand-alone package; ``ICS_SOURCES_DIR`` overrides both."""
    try:
        return Project.find(data_dir).sources_dir
    except NotAProject:
        override = os.environ.get(SOURCES_ENV)
        return Path(override) if override else Path(data_dir).resolve().parent.parent / "shared" / "sources"


def local_sources_for(data_dir: Path) -> Path:
    """The repository's own ``sources/`` folder for a data package: its project's, or the one
    beside the folder holding a stand-alone package."""
    try:
        return Project.find(data_dir).local_sources_dir
    except NotAProject:
        return Path(data_dir).resolve().parent / LOCAL_SOURCES
