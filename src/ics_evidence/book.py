"""Assembling the Jupyter Book: generated pages in, strict Sphinx build, atomic publish.

Jupyter Book only assembles here (``execute_notebooks: off``); notebooks are executed by
papermill beforehand. The published site in ``_build/html`` is replaced only after a build
succeeds, so a failed build leaves the last good book untouched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from ics_evidence import charts, release
from ics_evidence.datadict import render_markdown
from ics_evidence.paths import BUILD_DIR, DATA_DIR, DESCRIPTOR, GENERATED_DIR, ROOT, STATIC_DIR
from ics_evidence.schema import read_package
from ics_evidence.validate import read_tables

SITE_DIR = BUILD_DIR / "html"
WORK_DIR = BUILD_DIR / "work"  # Sphinx's own output and doctrees, kept for incremental builds


def write_atomic(path: Path, content: str) -> bool:
    """Write ``content`` unless the file already holds it; True if it changed."""
    if path.exists() and path.read_text(encoding="utf-8") == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    temporary.write_text(content, encoding="utf-8")
    temporary.replace(path)
    return True


def generate_pages(data_dir: Path = DATA_DIR, generated_dir: Path = GENERATED_DIR) -> None:
    """Pages computed from the data package rather than executed notebooks."""
    package = read_package(data_dir)
    _, tables, _ = read_tables(data_dir)
    counts = {name: len(rows) for name, rows in tables.items()}
    write_atomic(generated_dir / "data-dictionary.md", render_markdown(package, counts))
    write_downloads(data_dir, generated_dir, package)
    release.write_pages(generated_dir, ROOT, data_dir)
    charts.write_bundle(STATIC_DIR)


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


def write_downloads(data_dir: Path, generated_dir: Path, package) -> None:
    """The data package as one zip (fixed times, so the same data give the same bytes) and a
    page of download links to it, the descriptor and every table."""
    archive = generated_dir / "downloads" / "data-package.zip"
    archive.parent.mkdir(parents=True, exist_ok=True)
    files = [data_dir / DESCRIPTOR, data_dir / "README.md", *(data_dir / r.path for r in package.resources)]
    temporary = archive.with_name(f".{archive.name}.tmp-{os.getpid()}")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in files:
            if path.exists():
                info = zipfile.ZipInfo(f"data/{path.name}", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                bundle.writestr(info, path.read_bytes())
    if archive.exists() and archive.read_bytes() == temporary.read_bytes():
        temporary.unlink()
    else:
        temporary.replace(archive)
    relative = os.path.relpath(data_dir.resolve(), generated_dir.parent.resolve())
    lines = [
        "| File | What it holds |",
        "|---|---|",
        "| {download}`data-package.zip <generated/downloads/data-package.zip>` | The whole package: every table, "
        "the descriptor and the README |",
        f"| {{download}}`datapackage.json <{relative}/{DESCRIPTOR}>` | The descriptor: schema, keys, licence |",
    ]
    for resource in package.resources:
        lines.append(f"| {{download}}`{resource.path} <{relative}/{resource.path}>` | {resource.title} |")
    write_atomic(generated_dir / "downloads.md", "\n".join(lines) + "\n")


def publish(built: Path, site: Path = SITE_DIR) -> None:
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


def run_sphinx(work_dir: Path = WORK_DIR, builder: str = "html") -> int:
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [
        str(jupyter_book), "build", str(ROOT),
        "--path-output", str(work_dir), "--builder", builder,
        "--warningiserror", "--nitpick", "--keep-going",
    ]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def build_single_page() -> Path:
    """The whole book as one HTML page (for the PDF edition, printed by Chromium)."""
    work = BUILD_DIR / "work-single"
    if run_sphinx(work, "singlehtml") != 0:
        raise RuntimeError("the single-page book did not build")
    output = work / "_build" / "singlehtml"
    # With the root document in book/, Sphinx writes the page to book/index.html but links its
    # assets relative to the output root (and puts a redirect there): move the page up so the
    # styles and the chart scripts resolve.
    page = output / "index.html"
    shutil.copy(output / "book" / "index.html", page)
    return page


def build_book(data_dir: Path = DATA_DIR) -> int:
    """Generate pages, build with warnings as errors, publish on success. Returns an exit code."""
    generate_pages(data_dir)
    status = run_sphinx()
    if status != 0:
        print(f"book build failed (exit {status}); {SITE_DIR} is unchanged", file=sys.stderr)
        return status
    publish(WORK_DIR / "_build" / "html")
    print(f"book built: {SITE_DIR / 'index.html'}")
    return 0
