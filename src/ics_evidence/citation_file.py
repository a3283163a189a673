"""``CITATION.cff``: the edition's citable record, and the one place its title is written.

Every stage that names the edition reads it from here: the book's header and front page
(``assemble.sphinx_edition``), a figure's cite line (``analysis.notebook``), the print
edition's cover and running head, and the site of editions (``release``). The title is not
typed anywhere else, so a renamed edition is renamed everywhere by one edit, and the executed
notebooks that quote it rerun (the pipeline's fingerprint carries it).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from ics_evidence.files import regular_file

CITATION = "CITATION.cff"


class CitationError(ValueError):
    """CITATION.cff cannot be used."""


def read_citation(root: Path) -> dict:
    path = regular_file(Path(root) / CITATION, Path(root))
    try:
        cff = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, ValueError) as error:
        reason = " ".join(str(error).split())[:200]
        raise CitationError(f"{CITATION}: not valid YAML ({reason})") from None
    if not isinstance(cff, dict):
        raise CitationError(f"{CITATION}: must be a mapping (Citation File Format)")
    return cff


def edition_title(root: Path) -> str:
    """The edition's full title, e.g. ``Improving health and care at scale: an executable edition``."""
    title = read_citation(root).get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > 200 or not title.isprintable():
        raise CitationError(f"{CITATION}: title must be one line of plain text (at most 200 characters)")
    return " ".join(title.split())


def short_title(title: str) -> str:
    """The title before its subtitle, for the site's header: ``Improving health and care at scale``."""
    return title.split(":", 1)[0].strip()


def edition_url(site_url: str, version: str) -> str:
    """Where an edition is read for good: its own folder of the published site (see ``make site``),
    which never changes once made, unlike the site's root, which leads to the newest."""
    return f"{site_url.rstrip('/')}/v{version}/"


@dataclass(frozen=True)
class Credit:
    """What a figure says of where it comes from: on its cite line and inside its exported files."""

    edition: str  # the edition's title
    site_url: str  # where editions are published (CITATION.cff ``url``), or "" until then
    report: str  # the report the data come from, as a short reference
    licence: str

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()


def _words(value: object) -> str:
    return " ".join(str(value or "").split())


def _report_reference(cff: dict) -> str:
    """``Ham (2023), Improving health and care at scale: …, NHS Confederation``."""
    report = cff.get("preferred-citation") or (cff.get("references") or [{}])[0]
    authors = [a.get("family-names") or a.get("name", "") for a in report.get("authors", []) if isinstance(a, dict)]
    who = " and ".join(_words(a) for a in authors if a)
    year = f"({_words(report['year'])})" if report.get("year") else ""
    publisher = (report.get("publisher") or {}).get("name", "")
    return ", ".join(part for part in (f"{who} {year}".strip(), _words(report.get("title")), _words(publisher)) if part)


def figure_credit(root: Path) -> Credit:
    cff = read_citation(root)
    url = cff.get("url", "")
    licence = _words(cff.get("license")).replace("-", " ")  # SPDX "CC-BY-4.0" as people write it
    return Credit(edition_title(root), url if isinstance(url, str) else "", _report_reference(cff), licence)
