"""The release record is untrusted data (issue 20, classes 1 and 8).

``releases.yml`` is read as typed entries (semantic version, ISO date, DOI pattern, plain-text
summary, no YAML tags, anchors or duplicates), each problem one line naming the entry and the
field, never a traceback, in every command that reads it (``build``, ``pages``, ``site``). And
whatever a value holds, it reaches a page only as escaped text, in text and in attributes: the
renderers are tested here with values the schema would refuse, so the escaping holds on its own.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from ics_evidence import cli
from ics_evidence.assemble import edition, pages, sphinx_edition
from ics_evidence.assemble.edition import EditionError, Release
from tests.helpers import ROOT

GOOD = "  version: 1.2.0\n  date: 2026-01-02\n  summary: Fine.\n"


def _record(*entries: str) -> str:
    return "releases:\n" + "".join("-" + entry[1:] for entry in entries)


MALFORMED = {
    "a date that is a word": (_record(GOOD.replace("2026-01-02", "tomorrow")), "entry 1 (version 1.2.0) date"),
    "an impossible date": (_record(GOOD.replace("2026-01-02", "2026-13-45")), "date '2026-13-45'"),
    "a date as a number": (_record(GOOD.replace("2026-01-02", "1700000000")), "date 1700000000"),
    "an entry that is a string": ("releases:\n- 1.2.0 on 2026-01-02\n", "entry 1 '1.2.0 on 2026-01-02'"),
    "a missing version": (_record(GOOD.replace("  version: 1.2.0\n", "")), "entry 1 version — required"),
    "a non-semantic version": (_record(GOOD.replace("1.2.0", "'1.2'")), "version '1.2' — not a semantic"),
    "a version as a number": (_record(GOOD.replace("1.2.0", "1.2")), "version 1.2 — must be text"),
    "a hostile version": (_record(GOOD.replace("1.2.0", "'1.2.0\"><script>x</script>'")), "not a semantic"),
    "a hostile DOI": (_record(GOOD + "  doi: 10.5281/zenodo.1 <img src=x onerror=alert(1)>\n"), "doi '10.5281"),
    "a YAML tag": (_record(GOOD.replace("1.2.0", "!!str 1.2.0")), "YAML tag"),
    "a python tag": (_record(GOOD.replace("1.2.0", "!!python/object/apply:os.system ['true']")), "YAML tag"),
    "a custom tag": (_record(GOOD.replace("Fine.", "!shout Fine.")), "YAML tag"),
    "an alias": ("releases:\n- &e {version: 1.2.0, date: 2026-01-02, summary: x}\n- *e\n", "aliases"),
    "a duplicate version": (_record(GOOD, GOOD), "entry 2 (version 1.2.0) version '1.2.0' — recorded twice"),
    "a duplicate key": (_record(GOOD + "  version: 1.3.0\n"), "duplicate key 'version'"),
    "an older version first": (_record(GOOD, GOOD.replace("1.2.0", "1.3.0")), "list the newest edition first"),
    "an unknown field": (_record(GOOD + "  sumary: typo\n"), "sumary 'typo' — not a field"),
    "a summary with a separator": (_record(GOOD.replace("Fine.", '"Fine.\\u2028Bad"')), "U+2028"),
    "a summary with a control character": (_record(GOOD.replace("Fine.", '"\\e[2J"')), "'\\x1b[2J'"),
    "an empty summary": (_record(GOOD.replace("Fine.", "''")), "summary '' —"),
    "a list at the top": ("- 1.2.0\n", "must be a mapping"),
    "releases not a list": ("releases: 1.2.0\n", "must be a list"),
    "not YAML": ("releases: [\n", "not valid YAML"),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_release_record_malformed_entry_is_one_line_naming_entry_and_field(case, tmp_path):
    text, expected = MALFORMED[case]
    (tmp_path / "releases.yml").write_text(text, encoding="utf-8")
    with pytest.raises(EditionError) as refused:
        edition.read_releases(tmp_path)
    message = str(refused.value)
    assert message.startswith("releases.yml"), message
    assert "\n" not in message and "\x1b" not in message and "\u2028" not in message, message
    assert expected in message, message


def test_release_record_well_formed_entries_are_typed():
    text = _record(GOOD.replace("Fine.", "'Uses <b>, {{ x }} and [links](javascript:x)'") + "  doi: 10.5281/zenodo.9\n",
                   GOOD.replace("1.2.0", "1.1.0"))  # fmt: skip
    first, second = edition.parse_releases(text)
    assert first == Release(
        "1.2.0", dt.date(2026, 1, 2), "Uses <b>, {{ x }} and [links](javascript:x)", "10.5281/zenodo.9"
    )
    assert second.version == "1.1.0" and second.doi is None
    assert edition.parse_releases("") == [] and edition.parse_releases("releases: []\n") == []


def test_release_record_shipped_file_is_valid():
    assert edition.read_releases(ROOT), "the shipped releases.yml records an edition"


def test_release_record_new_summary_follows_the_same_rules():
    with pytest.raises(EditionError, match="summary"):
        edition.checked_release("1.2.0", dt.date(2026, 1, 2), "line\u2029break")
    with pytest.raises(EditionError, match="not a semantic version"):
        edition.checked_release("1.2.0`id`", dt.date(2026, 1, 2), "fine")


# Values the schema refuses, given straight to the renderers: the escaping must hold without it.
HOSTILE = Release(
    version='9.9.9"><img src=x onerror=alert(1)>',
    date=dt.date(2026, 1, 2),
    summary="<script>alert(1)</script> {{ 7*7 }} [x](javascript:alert(1)) `code` *em*",
    doi='10.5281/z"><img src=x onerror=alert(2)>/_em_',
)


def _only_text(fragment: str) -> BeautifulSoup:
    soup = BeautifulSoup(fragment, "html.parser")
    assert not soup.find_all(["img", "script", "em", "code"]), fragment
    assert not soup.find_all(attrs={"onerror": True}), fragment
    return soup


def test_release_metadata_escaped_in_versions_table_text_and_hrefs():
    soup = _only_text(edition.versions_html([HOSTILE]))
    cells = [cell.get_text() for cell in soup.find_all("td")]
    assert cells[0] == HOSTILE.version and cells[2] == HOSTILE.doi and cells[3] == HOSTILE.summary
    archive, doi = (a["href"] for a in soup.find_all("a")[::-1])
    assert archive == "../../v9.9.9%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E/index.html"
    assert doi.startswith("https://doi.org/10.5281/z%22%3E%3Cimg") and '"' not in doi and " " not in doi
    assert "\n" not in edition.versions_html([HOSTILE]), "a new line could end the raw block"


def test_release_metadata_escaped_in_footer_and_doi_link():
    for fragment in (
        edition.footer_html(HOSTILE.version, "2 January 2026", HOSTILE.doi),
        edition.doi_html(HOSTILE.doi),
    ):
        soup = _only_text(fragment)
        assert HOSTILE.doi in soup.get_text()
        assert soup.find("a")["href"].startswith("https://doi.org/10.5281/z%22%3E")


def test_release_metadata_escaped_in_the_title_page_substitutions(monkeypatch):
    monkeypatch.setattr(sphinx_edition, "read_releases", lambda root: [HOSTILE])

    class Config:
        html_theme_options: dict = {}  # noqa: RUF012

    class App:
        srcdir = str(ROOT)

    config = Config()
    sphinx_edition._stamp(App(), config)
    _only_text(config.html_theme_options["extra_footer"])
    markdown = MarkdownIt("commonmark")
    for name, value in (("edition_version", HOSTILE.version), ("edition_doi", HOSTILE.doi)):
        rendered = markdown.render(config.myst_substitutions[name])
        assert BeautifulSoup(rendered, "html.parser").get_text().strip() == value
        _only_text(rendered)


def test_release_metadata_escaped_on_the_cite_and_versions_pages(monkeypatch, tmp_path):
    monkeypatch.setattr(pages, "read_releases", lambda root: [HOSTILE])
    monkeypatch.setattr(pages, "write_changes", lambda *args: None)
    pages.write_edition_pages(tmp_path, ROOT, ROOT / "data")
    cite = (tmp_path / "how-to-cite.md").read_text(encoding="utf-8")
    heading = next(line for line in cite.splitlines() if line.startswith("## This edition"))
    assert (
        BeautifulSoup(MarkdownIt("commonmark").render(heading), "html.parser")
        .get_text()
        .startswith(f"This edition ({HOSTILE.version}, ")
    )
    raw = cite.split("```{raw} html\n", 2)[1].split("\n```", 1)[0]
    assert HOSTILE.doi in _only_text(raw).get_text()
    versions = (tmp_path / "versions.md").read_text(encoding="utf-8")
    assert versions.startswith("```{raw} html\n") and versions.count("\n") == 3
    _only_text(versions.split("\n")[1])


def _copy_with_record(tmp_path, record: str):
    """The files a command reads before the edition record (no notebooks, no book)."""
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    for name in ("_config.yml", "notebooks/pipeline.yml", "CITATION.cff"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "data", project / "data")
    (project / "releases.yml").write_text(record, encoding="utf-8")
    return project


@pytest.mark.parametrize("command", ["build", "pages", "site", "pdf"])
def test_release_record_malformed_stops_each_command_in_one_line(tmp_path, capsys, command):
    project = _copy_with_record(tmp_path, MALFORMED["an impossible date"][0])
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    status = cli.main(["--root", str(project), command])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 1
    assert err == [err[0]] and err[0].startswith("error: releases.yml:") and "date '2026-13-45'" in err[0], err


def test_release_summary_typed_after_make_release_is_literal_on_the_changelog_page(tmp_path):
    from ics_evidence.release.record import record

    root = _copy_with_record(tmp_path, (ROOT / "releases.yml").read_text(encoding="utf-8"))
    shutil.copy(ROOT / "CHANGELOG.md", root / "CHANGELOG.md")
    summary = "Fixed <img src=x onerror=alert(1)> and {{ 7*7 }} and [x](javascript:alert(1))"
    newest = edition.read_releases(ROOT)[0].version.split(".")
    version = f"{newest[0]}.{int(newest[1]) + 1}.0"
    record(version, summary, root, dt.date(2026, 12, 31))
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    section = changelog.split(f"## {version}", 1)[1].split("\n#", 1)[0]  # up to the next heading
    rendered = MarkdownIt("commonmark").render(section)
    _only_text(rendered)
    assert not BeautifulSoup(rendered, "html.parser").find_all("a")
    assert summary in BeautifulSoup(rendered, "html.parser").get_text()
    assert edition.read_releases(root)[0].summary == summary  # the record keeps the text as typed
