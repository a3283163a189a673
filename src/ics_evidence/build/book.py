"""Assembling the Jupyter Book: table of contents, strict Sphinx build, atomic publish.

Jupyter Book only assembles here (``execute_notebooks: off``); notebooks are executed by
papermill beforehand. The published site in ``_build/html`` is replaced only after a build
succeeds, so a failed build leaves the last good book untouched.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

from ics_evidence.build import book_inputs
from ics_evidence.build.pages import generate_pages, write_atomic
from ics_evidence.manifest import Manifest
from ics_evidence.project import Project

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


# docutils marks bibliography entries with the DPUB-ARIA role doc-biblioentry, deprecated in
# DPUB-ARIA 1.1, inside a role="list" that then has no list items: both fail WCAG 4.1.2 audits.
HTML_FIXES = ((' role="doc-biblioentry"', ' role="listitem"'),)


def fix_html(tree: Path) -> None:
    for page in tree.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = text
        for old, new in HTML_FIXES:
            fixed = fixed.replace(old, new)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def publish(built: Path, site: Path) -> None:
    """Swap a finished HTML tree into place in two renames."""
    incoming = site.with_name(site.name + ".incoming")
    outgoing = site.with_name(site.name + ".outgoing")
    for leftover in (incoming, outgoing):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(built, incoming)
    fix_html(incoming)
    if site.exists():
        site.rename(outgoing)
    incoming.rename(site)
    shutil.rmtree(outgoing, ignore_errors=True)


def run_sphinx(project: Project, work_dir: Path, builder: str = "html", verbose: bool = False) -> int:
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    toc = write_toc(project)
    command = [
        str(jupyter_book), "build", str(project.root), "--toc", str(toc),
        "--path-output", str(work_dir), "--builder", builder,
        "--warningiserror", "--nitpick", "--keep-going",
    ]  # fmt: skip
    return book_inputs.run_logged(command, project.root, book_inputs.log_path(project, builder), verbose)


def build_single_page(project: Project) -> Path:
    """The whole book as one HTML page (for the PDF edition, printed by Chromium)."""
    work = project.build_dir / "work-single"
    if run_sphinx(project, work, "singlehtml") != 0:
        raise RuntimeError("the single-page book did not build")
    output = work / "_build" / "singlehtml"
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
    publish(project.work_dir / "_build" / "html", project.site_dir)
    book_inputs.record(project, inputs)
    outcome.sphinx = "built"
    return 0
