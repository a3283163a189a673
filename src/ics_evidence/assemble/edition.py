"""The edition: ``releases.yml``, read for the pages that show it (``CITATION.cff`` is
:mod:`ics_evidence.assemble.citation`'s).

``releases.yml`` is the one place that holds the edition: its first entry is the current
version and date. The footer and title page of every page (through
:mod:`ics_evidence.assemble.sphinx_edition`), the How-to-cite and Versions pages and the release
bundle all take it from there. Recording a new release is the release stage's job.

A release's commit is the commit that added its entry to ``releases.yml``, found from that
file's history: git tags do not travel with every clone, so nothing here needs them.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import yaml
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ics_evidence.data.cells import hidden_character
from ics_evidence.files import regular_file
from ics_evidence.templating import render

RELEASES = "releases.yml"
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
# Crossref's pattern for the DOIs it registers (Zenodo's among them): a prefix and a suffix of
# letters, digits and -._;()/: only, so a DOI never carries markup, quotes or spaces.
DOI = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SUMMARY_MAX = 1000  # characters: one paragraph on the Versions page and in the release notes


class EditionError(ValueError):
    """releases.yml or CITATION.cff cannot be used."""


@dataclass(frozen=True)
class Release:
    """One edition, as the pages show it (checked by :class:`ReleaseEntry` when read)."""

    version: str
    date: dt.date
    summary: str
    doi: str | None = None


def _plain_text(value: str) -> str:
    """Plain text on one line: control, format (bidi, zero-width) and line or paragraph
    separator characters are refused, as they are in the data (they reorder or hide text, or
    break the lines of whatever shows it)."""
    hidden = hidden_character(value)
    if hidden:
        raise ValueError(f"contains {hidden}")
    if value != value.strip():
        raise ValueError("has leading or trailing white space")
    return value


class ReleaseEntry(BaseModel):
    """An entry of ``releases.yml``: untrusted input like the data, so each field is typed."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    version: str = Field(pattern=SEMVER.pattern)
    date: str
    summary: str = Field(min_length=1, max_length=SUMMARY_MAX)
    doi: str | None = Field(default=None, pattern=DOI.pattern)

    @field_validator("date")
    @classmethod
    def _iso_date(cls, value: str) -> str:
        if not ISO_DATE.match(value):
            raise ValueError("not a date in the form YYYY-MM-DD")
        try:
            dt.date.fromisoformat(value)
        except ValueError as error:
            raise ValueError(f"not a calendar date ({error})") from None
        return value

    @field_validator("summary")
    @classmethod
    def _plain_summary(cls, value: str) -> str:
        return _plain_text(value)

    def release(self) -> Release:
        return Release(self.version, dt.date.fromisoformat(self.date), self.summary, self.doi)


class _StrictLoader(yaml.SafeLoader):
    """YAML's safe loader, with dates left as text (the model checks them: PyYAML's own
    timestamp parsing raises a bare ValueError on ``2026-13-45``) and duplicate keys refused
    (YAML would keep the last one silently)."""

    yaml_implicit_resolvers: ClassVar[dict] = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _refuse_tags_and_aliases(text: str) -> None:
    """No YAML tag (``!!python/...``, ``!!binary``, ``!custom``), anchor or alias: the record is
    plain mappings, lists and text."""
    for event in yaml.parse(text, Loader=_StrictLoader):
        line = event.start_mark.line + 1
        if getattr(event, "tag", None) is not None:
            raise EditionError(f"{RELEASES}:{line}: YAML tag {event.tag!r} is not allowed; write plain values")
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise EditionError(f"{RELEASES}:{line}: YAML anchors and aliases are not allowed; write each value out")


def _shown(value: object) -> str:
    from ics_evidence.terminal import escaped

    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return escaped(text if len(text) <= 80 else text[:77] + "...")


def parse_releases(text: str) -> list[Release]:
    """The entries of a ``releases.yml`` text, newest first; :class:`EditionError` (one line naming
    the entry and field) for anything else."""
    try:
        _refuse_tags_and_aliases(text)
        loader = _StrictLoader(text)
        try:
            node = loader.get_single_node()
            document = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise EditionError(f"{RELEASES}{where}: not valid YAML ({_shown(problem)[1:-1]})") from None
    if document is None:
        return []
    if not isinstance(document, dict) or set(document) - {"releases"}:
        raise EditionError(f"{RELEASES}: must be a mapping with one key, releases (a list of entries)")
    entries = document.get("releases") or []
    if not isinstance(entries, list):
        raise EditionError(f"{RELEASES}: releases must be a list of entries, not {type(entries).__name__}")
    lines = [item.start_mark.line + 1 for item in _releases_node(node).value]
    found: list[Release] = []
    for index, (entry, line) in enumerate(zip(entries, lines, strict=True), start=1):
        where = f"{RELEASES}:{line} entry {index}"
        if not isinstance(entry, dict):
            raise EditionError(f"{where} {_shown(entry)} — must be a mapping of version, date, summary and doi")
        if isinstance(entry.get("version"), str):
            where += f" (version {_shown(entry['version'])[1:-1]})"
        try:
            release = ReleaseEntry.model_validate(entry).release()
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "entry"
            value = f" {_shown(first['input'])}" if first["type"] != "missing" else ""
            raise EditionError(f"{where} {field}{value} — {_reason(first)}") from None
        for earlier in found:
            if version_key(earlier.version) == version_key(release.version):
                raise EditionError(f"{where} version '{release.version}' — recorded twice; keep one entry")
            if version_key(earlier.version) < version_key(release.version):
                raise EditionError(
                    f"{where} version '{release.version}' — newer than {earlier.version} above it; "
                    "list the newest edition first"
                )
        found.append(release)
    return found


def checked_release(version: str, date: dt.date, summary: str, doi: str | None = None) -> Release:
    """A new release, checked by the same rules as the entries of ``releases.yml`` (a summary
    typed after ``make release`` is untrusted too)."""
    entry = {"version": version, "date": date.isoformat(), "summary": summary, "doi": doi}
    try:
        return ReleaseEntry.model_validate(entry).release()
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise EditionError(f"release {field} {_shown(first['input'])} — {_reason(first)}") from None


def _releases_node(node):
    return next(value for key, value in node.value if key.value == "releases")


def _reason(error: dict) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required: this field is missing"
    if kind == "extra_forbidden":
        return "not a field of a release (version, date, summary, doi)"
    if kind == "string_pattern_mismatch":
        field = error["loc"][0]
        return {
            "version": "not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.2.0)",
            "doi": "not a DOI (10.NNNN/suffix of letters, digits and -._;()/:)",
        }.get(str(field), error["msg"])
    if kind == "string_type":
        return "not a date in the form YYYY-MM-DD" if error["loc"][0] == "date" else "must be text (quote it)"
    return str(error["msg"]).removeprefix("Value error, ")


def read_releases(root: Path) -> list[Release]:
    path = root / RELEASES
    if not path.exists() and not path.is_symlink():
        return []
    regular_file(path, root)
    return parse_releases(path.read_text(encoding="utf-8", errors="strict"))


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
            document = yaml.safe_load(shown.stdout)
        except (yaml.YAMLError, ValueError):  # PyYAML raises ValueError on an impossible date
            continue
        entries = document.get("releases") if isinstance(document, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict):  # a malformed entry of an old commit is not a release
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


# The edition's values in HTML (the footer, the DOI links, the Versions table) are templates
# rendered with autoescape, URLs percent-encoded; every value is put on one line, so a fragment
# cannot end the raw block it sits in.


def footer_html(version: str, date: str, doi: str | None) -> Markup:
    return render("edition_footer.html", version=version, date=date, doi=doi)


def doi_html(doi: str) -> Markup:
    return render("edition_doi.html", doi=doi)


def versions_html(releases: list[Release]) -> Markup:
    rows = [{"version": r.version, "date": long_date(r.date), "doi": r.doi, "summary": r.summary} for r in releases]
    return render("edition_versions.html", releases=rows)
