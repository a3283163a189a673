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

from ics_evidence.build import book, pipeline
from ics_evidence.build.edition import RELEASES, Release, long_date, read_releases
from ics_evidence.build.jobs import load_jobs
from ics_evidence.project import DESCRIPTOR, Project

BUNDLE_EPOCH = 315532800  # 1980-01-01: fixed times in the archive, so one commit gives one archive


class ReleaseError(RuntimeError):
    pass


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout.strip()


def _print_pdf(single_html: Path, pdf: Path) -> None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    subprocess.run(
        [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--virtual-time-budget=20000", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
            single_html.as_uri(),
        ],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_bundle(release: Release, root: Path, target: Path, pdf: Path | None) -> Path:
    """HTML, PDF, data package, executed notebooks, release notes, manifest and SHA256SUMS."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copytree(root / "_build" / "html", target / "html")
    shutil.copytree(root / "data", target / "data")
    for folder in ("analyses", "systems"):
        shutil.copytree(root / "book" / folder, target / "notebooks" / folder)
    if pdf is not None:
        shutil.copy(pdf, target / f"improving-health-and-care-at-scale-{release.version}.pdf")
    generated = root / "book" / "generated"
    notes = [
        f"# Release {release.version} — {long_date(release.date)}",
        "",
        release.summary,
        "",
        "## What changed in the data",
        "",
        (generated / "changes.md").read_text(encoding="utf-8"),
    ]
    (target / "RELEASE_NOTES.md").write_text("\n".join(notes), encoding="utf-8")
    data_digest = hashlib.sha256()
    for path in sorted((root / "data").iterdir()):
        data_digest.update(path.name.encode() + b"\0" + path.read_bytes())
    manifest = {
        "version": release.version,
        "date": release.date.isoformat(),
        "commit": git(root, "rev-parse", "HEAD"),
        "data_package_sha256": data_digest.hexdigest(),
        "descriptor": DESCRIPTOR,
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
        pdf_path = project.build_dir / f"book-{release.version}.pdf"
        _print_pdf(book.build_single_page(project), pdf_path)
    target = project.build_dir / "releases" / f"improving-health-and-care-at-scale-{release.version}"
    bundle = write_bundle(release, root, target, pdf_path)
    archive(bundle)
    shutil.copy(bundle / "RELEASE_NOTES.md", bundle.parent / "RELEASE_NOTES.md")
    return bundle


def bundle_tagged(version: str, project: Project) -> Path:
    """The bundle for an already tagged release (what the publishing workflow runs)."""
    root = project.root
    tagged = git(root, "rev-parse", f"v{version}^{{commit}}")
    if tagged != git(root, "rev-parse", "HEAD"):
        raise ReleaseError(f"HEAD is not the commit tagged v{version}")
    release = next((r for r in read_releases(root) if r.version == version), None)
    if release is None:
        raise ReleaseError(f"{RELEASES} does not list {version}")
    return build_bundle(release, project)
