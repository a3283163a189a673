"""The hostile-data project: the shipped data with markup, roles, directives, substitutions,
bidi overrides and very long strings in every kind of field that reaches a page. It is built
once per run (``hostile_project`` in ``tests/conftest.py``) and read by every hostile-data test:
the page-by-page checks in ``test_hostile_data.py`` and the browser's in ``test_browser.py``.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

from ics_evidence.data.csvfiles import read_rows, write_rows

JINJA = "Jinja {{ 123456789*9 }} end"  # would render as 1111111101
ROLE = "Role {download}`../../_config.yml` end"  # would copy _config.yml into _downloads/
RAW = "Raw <script>window.pwned=1</script> end"
LINK = "Link [click](javascript:alert(1)) end"
IMAGE = "Image <img src=x onerror=alert(1)> end"
MATH = "Math {math}`x^2` and $$y^2$$ end"
SUBST = "Subst {{ edition_version }} end"  # the project's own substitution must not reach data
PAYLOADS = (JINJA, ROLE, RAW, LINK, IMAGE, MATH, SUBST)
# Only the descriptor can carry these: CSV cells refuse control characters and new lines.
DIRECTIVE = 'Directive\n\n```{raw} html\n<b id="pwned">x</b>\n```\n\nend'
BIDI = "Bidi \u202eevil\u202c end"
LONG = "Long " + "x" * 5000 + " end"
# A DOI the release schema accepts that Markdown would still read as emphasis (issue 20).
DOI = "10.5281/zenodo.1/_x_;(y):z"
# What the browser fires if it is not escaped: in the system's name (headings, chart tooltips)
# and in one of its example's summaries.
NAME_PAYLOAD = 'Dorset <img src=x onerror="window.__xss=1">'
SUMMARY_PAYLOAD = "<script>window.__xss=2</script>Health villages"
SYSTEM = "dorset"  # the system whose name and example carry payloads
SYSTEM_NAME = f"{NAME_PAYLOAD} {JINJA}"


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=root, check=True,
                   capture_output=True)  # fmt: skip


def poison(root: Path) -> None:
    """Commit the project at ``root`` as the previous release (so What-changed compares with
    it), then put the payloads in its data, descriptor and releases.yml and commit again."""
    version = yaml.safe_load((root / "releases.yml").read_text(encoding="utf-8"))["releases"][0]["version"]
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "before")
    _git(root, "tag", f"v{version}")

    descriptor_path = root / "data" / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "lessons":
            resource["title"] = JINJA + " " + RAW
            resource["description"] = DIRECTIVE + " " + ROLE
            resource["schema"]["fields"][0]["description"] = " ".join([BIDI, LINK, IMAGE, MATH, SUBST, LONG])
    descriptor_path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    data = root / "data"
    header, rows = read_rows(data / "systems.csv")
    for row in rows:
        if row["system_id"] == SYSTEM:
            row.update(name=SYSTEM_NAME, case_study_title=ROLE)
    write_rows(data / "systems.csv", header, rows)
    header, rows = read_rows(data / "lessons.csv")
    for row, payload in zip(rows, PAYLOADS, strict=False):
        row["summary"] = payload
    write_rows(data / "lessons.csv", header, rows)
    header, rows = read_rows(data / "improvement_examples.csv")
    own = next(row for row in rows if row["system_id"] == SYSTEM)
    own["summary"] = SUMMARY_PAYLOAD
    for row, payload in zip([row for row in rows if row is not own], PAYLOADS, strict=False):
        row["title"], row["summary"] = payload, payload
    write_rows(data / "improvement_examples.csv", header, rows)
    # A figure of the system changes too, so What-changed names the system (and its payload).
    header, rows = read_rows(data / "theme_coding.csv")
    coded = next(row for row in rows if row["system_id"] == SYSTEM and row["strength"] == "2")
    coded["strength"] = "1"
    write_rows(data / "theme_coding.csv", header, rows)
    releases_path = root / "releases.yml"
    releases = yaml.safe_load(releases_path.read_text(encoding="utf-8"))
    releases["releases"][0]["summary"] = JINJA + " " + LINK
    releases["releases"][0]["doi"] = DOI
    releases_path.write_text(yaml.safe_dump(releases, sort_keys=False, allow_unicode=True), encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "hostile")
