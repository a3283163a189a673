"""``CITATION.cff``: the edition's citable record, and the one place its title is written.

Every stage that names the edition reads it from here: the book's header and front page
(``assemble.sphinx_edition``), a figure's cite line (``analysis.notebook``), the print
edition's cover and running head, and the site of editions (``release``). The title is not
typed anywhere else, so a renamed edition is renamed everywhere by one edit, and the executed
notebooks that quote it rerun (the pipeline's fingerprint carries it).
"""

from __future__ import annotations

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
