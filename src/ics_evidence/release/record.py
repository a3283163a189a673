"""Recording a release: ``make release VERSION=1.1.0 SUMMARY="..."``.

Refuses a dirty tree or invalid data; adds the release to ``releases.yml``, ``CITATION.cff``,
``CHANGELOG.md``, ``.zenodo.json`` and the data package's version in a commit; builds the bundle from scratch
(:mod:`ics_evidence.release.bundle`); then tags the commit.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import yaml

from ics_evidence.assemble.edition import (
    RELEASES,
    Release,
    checked_release,
    read_releases,
    version_key,
)
from ics_evidence.assemble.markdown import text as literal
from ics_evidence.citation_file import CITATION, read_citation
from ics_evidence.data.validate import validate_package
from ics_evidence.project import DESCRIPTOR, Project
from ics_evidence.release import ReleaseError
from ics_evidence.release.bundle import build_bundle, git

CHANGELOG = "CHANGELOG.md"
ZENODO = ".zenodo.json"


def zenodo_metadata(cff: dict, release: Release) -> dict:
    """.zenodo.json, so that a release on a code host can mint a DOI with the right metadata."""
    return {
        "title": cff["title"],
        "version": release.version,
        "publication_date": release.date.isoformat(),
        "upload_type": "dataset",
        "description": cff.get("abstract", cff.get("message", "")),
        "creators": [
            {"name": a.get("name") or f"{a['family-names']}, {a.get('given-names', '')}"} for a in cff["authors"]
        ],
        "license": str(cff.get("license", "")).lower(),
        "keywords": cff.get("keywords", []),
        "related_identifiers": [],
    }


def record(version: str, summary: str, root: Path, today: dt.date | None = None) -> Release:
    """Add the release to releases.yml, CITATION.cff, CHANGELOG.md, .zenodo.json and datapackage.json."""
    today = today or dt.date.today()
    release = checked_release(version, today, summary)
    new = version_key(version)
    releases = read_releases(root)
    if releases and new <= version_key(releases[0].version):
        raise ReleaseError(f"version {version} is not newer than the current {releases[0].version}")
    entries = [{"version": r.version, "date": r.date, "doi": r.doi, "summary": r.summary} for r in [release, *releases]]
    text = (root / RELEASES).read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    (root / RELEASES).write_text(header + yaml.safe_dump({"releases": entries}, sort_keys=False, allow_unicode=True))

    citation = (root / CITATION).read_text(encoding="utf-8")
    citation = re.sub(r"^version: .*$", f'version: "{version}"', citation, flags=re.M)
    citation = re.sub(r"^date-released: .*$", f'date-released: "{today.isoformat()}"', citation, flags=re.M)
    (root / CITATION).write_text(citation, encoding="utf-8")

    changelog = (root / CHANGELOG).read_text(encoding="utf-8")
    changelog = changelog.replace(
        # The changelog is a page of the book: the summary typed after `make release` is literal text there.
        "## Unreleased\n",
        f"## Unreleased\n\n## {version} — {today.isoformat()}\n\n{literal(summary)}\n",
        1,
    )
    (root / CHANGELOG).write_text(changelog, encoding="utf-8")
    (root / ZENODO).write_text(json.dumps(zenodo_metadata(read_citation(root), release), indent=2) + "\n")
    set_package_version(Project(root).data_dir / DESCRIPTOR, version)
    return release


def set_package_version(descriptor: Path, version: str) -> None:
    """The data package carries the edition's version, so a downloaded package says which
    edition it is. The descriptor is kept in the layout ``json.dumps(indent=2)`` writes, so
    only its "version" line changes."""
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    package["version"] = version
    descriptor.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def make_release(version: str, summary: str, project: Project, pdf: bool = True) -> Path:
    root = project.root
    checked_release(version, dt.date.today(), summary)
    read_releases(root)  # the record it adds to is well formed
    if git(root, "status", "--porcelain"):
        raise ReleaseError("the working tree has uncommitted changes; commit or stash them first")
    # A release always checks the evidence: --without-sources cannot make one.
    problems = validate_package(project.data_dir, project.sources_dir, require_sources=True)
    if problems:
        raise ReleaseError("the data package is invalid:\n" + "\n".join(f"  {p}" for p in problems))
    if subprocess.run(["git", "rev-parse", "-q", "--verify", f"refs/tags/v{version}"], cwd=root,
                      capture_output=True).returncode == 0:  # fmt: skip
        raise ReleaseError(f"tag v{version} already exists")
    release = record(version, summary, root)
    git(root, "add", RELEASES, CITATION, CHANGELOG, ZENODO, str(project.data_dir / DESCRIPTOR))
    git(root, "commit", "-q", "-m", f"Release {version}")

    bundle = build_bundle(release, project, pdf)
    git(root, "tag", "-a", f"v{version}", "-m", f"Release {version}: {summary}")
    return bundle
