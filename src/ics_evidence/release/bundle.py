"""The release bundle: every notebook and Sphinx rerun from scratch, HTML, PDF, data package,
executed notebooks, release notes, a manifest and ``SHA256SUMS``, and a reproducible archive.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

from ics_evidence.assemble import book, pipeline
from ics_evidence.assemble.claims import CLAIMS
from ics_evidence.assemble.edition import RELEASES, Release, long_date, read_releases, release_commits
from ics_evidence.assemble.jobs import load_jobs
from ics_evidence.assemble.pages import CHANGES_DETAIL, STATEMENTS_CHANGED, package_files
from ics_evidence.data.schema import read_package
from ics_evidence.files import regular_file
from ics_evidence.project import DESCRIPTOR, Project
from ics_evidence.release import BUNDLE_NAME, ReleaseError
from ics_evidence.release.pdf import make_pdf

BUNDLE_EPOCH = 315532800  # 1980-01-01: fixed times in the archive, so one commit gives one archive


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout.strip()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy_regular(source: Path, target: Path, inside: Path) -> None:
    regular_file(source, inside)  # a link (to a file outside, or anywhere) is refused, not followed
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def write_bundle(release: Release, root: Path, target: Path, pdf: Path | None, notebooks: list[Path]) -> Path:
    """HTML, PDF, data package, executed notebooks, release notes, manifest and SHA256SUMS.

    The data package and the notebooks are copied from explicit lists (the descriptor's files,
    the manifest's outputs), never a walk of their folders, and each must be a regular file
    inside the repository: a link committed beside them would otherwise ship whatever it points at.
    The HTML is this build's own output; a link found in it is refused all the same."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    site = (root / "_build" / "html").resolve()
    shutil.copytree(site, target / "html", copy_function=lambda s, d: _copy_regular(Path(s), Path(d), site))
    data_dir = root / "data"
    data_files = [
        path for path in package_files(data_dir, read_package(data_dir)) if path.exists() or path.is_symlink()
    ]
    for path in data_files:
        _copy_regular(path, target / "data" / path.name, data_dir)
    book_dir = root / "book"
    for notebook in sorted(notebooks):
        _copy_regular(notebook, target / "notebooks" / notebook.relative_to(book_dir), book_dir)
    if pdf is not None:
        shutil.copy(pdf, target / f"{BUNDLE_NAME.format(version=release.version)}.pdf")
    generated = root / "book" / "generated"
    # The claims ledger the build wrote beside the data download: every computed statement.
    _copy_regular(generated / "downloads" / CLAIMS, target / CLAIMS, generated)
    notes = [
        f"# Release {release.version} — {long_date(release.date)}",
        "",
        release.summary,
        "",
        "## What changed in the data",
        "",
        (generated / CHANGES_DETAIL).read_text(encoding="utf-8"),
        "## Statements that changed",
        "",
        (generated / STATEMENTS_CHANGED).read_text(encoding="utf-8"),
    ]
    (target / "RELEASE_NOTES.md").write_text("\n".join(notes), encoding="utf-8")
    data_digest = hashlib.sha256()
    for path in sorted(data_files):
        data_digest.update(path.name.encode() + b"\0" + path.read_bytes())
    manifest = {
        "version": release.version,
        "date": release.date.isoformat(),
        "commit": git(root, "rev-parse", "HEAD"),
        "data_package_sha256": data_digest.hexdigest(),
        "descriptor": DESCRIPTOR,
        # make_release refuses to run without the sources, so every release has checked them.
        "quotations_checked_against_sources": True,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    files = sorted(p for p in target.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    sums = "".join(f"{sha256(p)}  {p.relative_to(target).as_posix()}\n" for p in files)
    (target / "SHA256SUMS").write_text(sums, encoding="utf-8")
    return target


def archive(bundle: Path) -> Path:
    """A .tar.gz of the bundle with fixed times and owners, so the same bundle gives the same bytes."""
    path = bundle.parent / f"{bundle.name}.tar.gz"

    def normalise(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.mtime, info.uid, info.gid, info.uname, info.gname = BUNDLE_EPOCH, 0, 0, "", ""
        return info

    with (
        open(path, "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=BUNDLE_EPOCH) as zipped,
        tarfile.open(fileobj=zipped, mode="w") as tar,
    ):
        for item in sorted(bundle.rglob("*")):
            tar.add(item, arcname=f"{bundle.name}/{item.relative_to(bundle).as_posix()}", recursive=False,
                    filter=normalise)  # fmt: skip
    return path


def build_bundle(release: Release, project: Project, pdf: bool = True) -> Path:
    """Rerun every notebook from scratch, build HTML (and PDF), write the bundle and its archive."""
    root = project.root
    result = pipeline.run(load_jobs(project), force=True)
    # Sphinx from scratch too: an incremental build can differ in asset query strings, and a
    # release must be the same bytes whoever builds the commit.
    shutil.rmtree(project.work_dir, ignore_errors=True)
    if not result.ok:
        raise ReleaseError("a notebook failed; the release commit is made but not tagged: fix and rerun")
    if book.build_book(project, force=True) != 0:
        raise ReleaseError("the book did not build; the release commit is made but not tagged")
    pdf_path = None
    if pdf:
        pdf_path = make_pdf(project)
    target = project.build_dir / "releases" / BUNDLE_NAME.format(version=release.version)
    notebooks = [job.output for job in load_jobs(project)]
    bundle = write_bundle(release, root, target, pdf_path, notebooks)
    archive(bundle)
    shutil.copy(bundle / "RELEASE_NOTES.md", bundle.parent / "RELEASE_NOTES.md")
    return bundle


def bundle_recorded(version: str, project: Project) -> Path:
    """The bundle for a release already recorded, built at its release commit (what the
    publishing workflow runs). The commit is found from the history of releases.yml, not a tag."""
    root = project.root
    release = next((r for r in read_releases(root) if r.version == version), None)
    if release is None:
        raise ReleaseError(f"{RELEASES} does not list {version}")
    commit = release_commits(root).get(version)
    if commit != git(root, "rev-parse", "HEAD"):
        raise ReleaseError(f"HEAD is not the release commit of {version} ({commit or 'not found in the history'})")
    return build_bundle(release, project)
