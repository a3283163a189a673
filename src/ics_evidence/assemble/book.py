"""Assembling the Jupyter Book: table of contents, strict Sphinx build, atomic publish.

Jupyter Book only assembles here (``execute_notebooks: off``); notebooks are executed by
papermill beforehand. The published site in ``_build/html`` is replaced only after a build
succeeds, so a failed build leaves the last good book untouched.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
import time
from pathlib import Path

import yaml

from ics_evidence.assemble import book_inputs
from ics_evidence.assemble.pages import generate_pages, write_atomic
from ics_evidence.manifest import Manifest
from ics_evidence.project import FIGURES_DIR, Project

TOC_TEMPLATE = "_toc.yml"
FROM_MANIFEST = "chapters_from_manifest"  # the _toc.yml key that the manifest's chapters replace


def write_toc(project: Project) -> Path:
    """``_toc.yml`` with the analysis chapters filled in from the manifest, so that a new
    analysis is declared in one place (``notebooks/pipeline.yml``)."""
    toc = yaml.safe_load((project.root / TOC_TEMPLATE).read_text(encoding="utf-8"))
    chapters = [
        {"file": str(Path(entry.output).with_suffix("").as_posix())}
        for entry in Manifest.read(project.manifest).chapters
    ]
    for part in toc.get("parts", []):
        if part.pop(FROM_MANIFEST, False):
            part["chapters"] = chapters
    target = project.build_dir / "toc.yml"
    write_atomic(target, yaml.safe_dump(toc, sort_keys=False, allow_unicode=True))
    return target


def _trees(site: Path) -> list[Path]:
    return [p for p in site.parent.glob(f"{site.name}.*") if p.is_dir() and not p.is_symlink()]


def recover(site: Path) -> None:
    """Tidy what an interrupted publish left behind (the lock is held, so nothing is in use):
    temporary links, trees the link does not point to, and the two-rename scheme's
    ``html.incoming``/``html.outgoing`` (a kill between its renames left no site at all: the
    outgoing tree is the last good one, so it is put back)."""
    outgoing = site.with_name(site.name + ".outgoing")
    if not site.exists() and not site.is_symlink() and outgoing.is_dir():
        outgoing.rename(site)
    for link in site.parent.glob(f".{site.name}.link-*"):
        link.unlink()
    current = site.resolve() if site.is_symlink() else None
    for tree in _trees(site):
        if tree != current:
            shutil.rmtree(tree, ignore_errors=True)


class _CopyFailed(Exception):
    """Carries the first OSError out of ``shutil.copytree``, which would otherwise try every
    other file and then raise one error listing them all (a 22,000-character line)."""


def _size(tree: Path) -> int:
    return sum(path.stat().st_size for path in tree.rglob("*") if path.is_file())


def _mib(size: int) -> str:
    return f"{size / 2**20:.0f} MB" if size >= 2**20 else f"{size / 2**10:.0f} KB"


def copy_tree(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target``, stopping at the first failure. A full disk (or quota) is
    one OSError saying where and how much is needed: the tree's size and the space free there."""

    def copy(src: str, dst: str) -> None:
        try:
            shutil.copy2(src, dst)
        except OSError as error:
            raise _CopyFailed(error) from None

    try:
        shutil.copytree(source, target, copy_function=copy)
    except _CopyFailed as failed:
        error = failed.args[0]
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            free = shutil.disk_usage(target.parent).free
            raise OSError(
                error.errno,
                f"{os.strerror(error.errno)}: copying the book to {target.parent} needs {_mib(_size(source))}, "
                f"{_mib(free)} free there",
                str(target),
            ) from None
        raise error from None


def publish(built: Path, site: Path) -> None:
    """Make a finished HTML tree the published site in one atomic step.

    ``site`` (``_build/html``) is a symbolic link to ``html.<id>``; the new tree is copied
    beside it and the link is replaced by ``rename``, which is atomic: a reader (or a kill)
    sees the old site or the new one, never neither and never a mixture. A copy that fails
    (a full disk) removes what it had copied and leaves the site as it was.
    """
    recover(site)
    tree = site.with_name(f"{site.name}.{time.time_ns()}")
    try:
        copy_tree(built, tree)
    except BaseException:
        shutil.rmtree(tree, ignore_errors=True)  # a partial tree never stays on a full disk
        raise
    link = site.with_name(f".{site.name}.link-{os.getpid()}")
    link.symlink_to(tree.name)  # relative, so the build folder can be moved
    if site.is_dir() and not site.is_symlink():
        # A site published before links were used: a directory cannot be replaced by a
        # rename, so it is moved aside first (the only non-atomic moment, once per checkout).
        site.rename(site.with_name(f"{site.name}.{time.time_ns() - 1}"))
    os.replace(link, site)
    recover(site)


INCOMPLETE = ".incomplete"


def run_sphinx(project: Project, work_dir: Path, builder: str = "html", verbose: bool = False) -> int:
    """Run Sphinx (through Jupyter Book) incrementally, unless the last run did not finish.

    Sphinx saves its environment before it writes pages, and decides what to write from the
    sources' times, not from the files they include: a build interrupted while writing would
    leave pages that include generated files (data dictionary, downloads, cite, changes) stale
    for every later build. A marker present from start to successful end makes the next build
    after an interruption or a failure start from scratch (``--all``)."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    toc = write_toc(project)
    marker = work_dir / INCOMPLETE
    command = [
        str(jupyter_book), "build", str(project.root), "--toc", str(toc),
        "--path-output", str(work_dir), "--builder", builder,
        "--warningiserror", "--nitpick", "--keep-going",
    ]  # fmt: skip
    if marker.exists():
        print(f"the last book build in {work_dir} did not finish; rebuilding every page", file=sys.stderr)
        command.append("--all")
    work_dir.mkdir(parents=True, exist_ok=True)
    marker.touch()
    status = book_inputs.run_logged(command, project.root, book_inputs.log_path(project, builder), verbose)
    if status == 0:
        marker.unlink()
    return status


def sync_static(static_dir: Path, output_static: Path) -> list[Path]:
    """Bring the book's own static files (stylesheet, scripts, the Vega bundle) up to date in the
    output. Sphinx copies them only when it writes at least one page: after a change to
    ``ics.css`` alone it reports "no targets are out of date" and the site would keep the old
    stylesheet. The figures' downloads are mirrored: Sphinx never deletes a static file, so one
    the pipeline removed (a figure drawn from data the book no longer shows) would stay published.
    Returns the files it replaced, added or removed."""
    updated = []
    for source in sorted(p for p in static_dir.rglob("*") if p.is_file()):
        target = output_static / source.relative_to(static_dir)
        if not target.is_file() or target.read_bytes() != source.read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            updated.append(target)
    published_figures = output_static / FIGURES_DIR
    for target in sorted(published_figures.iterdir()) if published_figures.is_dir() else []:
        if target.is_file() and not (static_dir / FIGURES_DIR / target.name).is_file():
            target.unlink()
            updated.append(target)
    return updated


def build_single_page(project: Project) -> Path:
    """The whole book as one HTML page (for the PDF edition, printed by Chromium)."""
    work = project.build_dir / "work-single"
    if run_sphinx(project, work, "singlehtml") != 0:
        raise RuntimeError("the single-page book did not build")
    output = work / "_build" / "singlehtml"
    sync_static(project.static_dir, output / "_static")
    # With the root document in book/, Sphinx writes the page to book/index.html but links its
    # assets relative to the output root (and puts a redirect there): move the page up so the
    # styles and the chart scripts resolve.
    page = output / "index.html"
    shutil.copy(output / "book" / "index.html", page)
    return page


def build_book(
    project: Project,
    data_dir: Path | None = None,
    *,
    verbose: bool = False,
    force: bool = False,
    outcome: book_inputs.BookOutcome | None = None,
    sources_checked: bool = True,
) -> int:
    """Generate pages, build with warnings as errors, publish on success. Returns an exit code.
    Sphinx is skipped when nothing the book is built from changed since the site was published
    (unless ``force``: a release builds from scratch)."""
    outcome = outcome if outcome is not None else book_inputs.BookOutcome()
    generate_pages(project, data_dir, sources_checked=sources_checked)
    inputs = book_inputs.digest(project)
    if not force and book_inputs.unchanged(project, inputs):
        outcome.sphinx = "skipped"
        return 0
    outcome.log = None if verbose else book_inputs.log_path(project, "html")
    status = run_sphinx(project, project.work_dir, verbose=verbose)
    if status != 0:
        outcome.sphinx = "failed"
        print(f"book build failed (exit {status}); {project.site_dir} is unchanged", file=sys.stderr)
        return status
    book_inputs.forget(project)
    sync_static(project.static_dir, project.work_dir / "_build" / "html" / "_static")
    publish(project.work_dir / "_build" / "html", project.site_dir)
    book_inputs.record(project, inputs)
    outcome.sphinx = "built"
    return 0
