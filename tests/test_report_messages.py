"""The report's main messages (data/report_messages.csv), which the front page opens with: the
validator's rules for them (the section must be one sections.csv lists for the source, the page
the one the source's contents give, the words the project's own) and the generated Markdown the
front page includes (every cell literal text; only the evidence page is a link)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ics_evidence import validate_package
from ics_evidence.assemble.markdown import one_line
from ics_evidence.assemble.pages import book_pages, report_messages_markdown
from ics_evidence.data.csvfiles import read_rows, write_rows
from ics_evidence.data.report_messages import OWN_WORDS, contents_pages, copied_run, words
from tests.helpers import ROOT

from .conftest import requires_sources
from .test_markdown import MYST

TABLE = "report_messages.csv"


def _rows(data: Path) -> list[dict[str, str]]:
    return read_rows(data / TABLE)[1]


def _edit(data: Path, row: int, **changes: str) -> None:
    """Change cells of data row ``row`` (2 = the first row under the header, as reported)."""
    header, rows = read_rows(data / TABLE)
    rows[row - 2].update(changes)
    write_rows(data / TABLE, header, rows)


def _problems(data: Path, sources: Path | None = None) -> list[tuple]:
    return [
        (Path(p.file).name, p.row, p.column, p.value, p.rule) for p in validate_package(data, sources)
    ]  # fmt: skip


def test_the_shipped_messages_have_a_row_each_and_name_the_reports_sections():
    rows = _rows(ROOT / "data")
    assert len(rows) >= 6
    assert {row["source_id"] for row in rows} == {"report-2023"}
    sections = {(row["source_id"], row["section"]) for row in read_rows(ROOT / "data" / "sections.csv")[1]}
    assert all((row["source_id"], row["section"]) in sections for row in rows)
    assert {row["evidence_page"] for row in rows} <= book_pages(ROOT)


@pytest.mark.parametrize(
    ("section", "why"),
    [
        ("Where next? > 6. A priority the report does not have", "no such section at all"),
        ("Taking a closer look", "a section of the blog post, not of the report"),
    ],
)
def test_a_message_whose_section_the_source_does_not_have_is_refused(data_copy, section, why):
    _edit(data_copy, 3, section=section)
    found = _problems(data_copy)
    assert (TABLE, 3, "source_id,section", f"report-2023,{section}", "foreign-key") in found, why
    assert {p[1] for p in found if p[0] == TABLE} == {3}  # that row only
    message = next(p.message for p in validate_package(data_copy) if p.file.endswith(TABLE))
    assert "sections.csv" in message


def test_a_message_needs_its_section_and_a_book_page(data_copy):
    _edit(data_copy, 2, section="", evidence_page="../etc/passwd")
    found = _problems(data_copy)
    assert (TABLE, 2, "section", "", "required") in found
    assert (TABLE, 2, "evidence_page", "../etc/passwd", "pattern") in found


@requires_sources
def test_the_shipped_messages_pass_the_source_checks(data_copy, sources):
    assert [p for p in _problems(data_copy, sources) if p[0] == TABLE] == []


@requires_sources
def test_a_page_the_contents_do_not_give_is_refused(data_copy, sources):
    row = 2 + [r["section"] for r in _rows(data_copy)].index("Key points")
    _edit(data_copy, row, page="12")  # the contents give 10 for Key points
    assert (TABLE, row, "page", "12", "page-stated") in _problems(data_copy, sources)


@requires_sources
def test_a_message_that_copies_the_report_is_refused(data_copy, sources):
    # A sentence of the report's key points, not the project's words.
    copied = "There needs to be realism about the time it will take to do so and constancy of purpose."
    _edit(data_copy, 2, message=copied)
    assert (TABLE, 2, "message", copied, "own-words") in _problems(data_copy, sources)


def test_own_words_counts_runs_of_words_not_shared_vocabulary():
    source = words("Leaders should recognise that spreading innovations requires adaptation and skills in taking")
    assert copied_run("Spreading innovations requires adaptation and skills in taking ideas across", source)
    assert copied_run("Spreading an idea means reworking it for a new setting", source) is None
    assert copied_run(" ".join(["word"] * (OWN_WORDS - 1)), ["word"] * 20) is None  # too short to copy


def test_contents_pages_reads_both_layouts():
    pages = contents_pages(["Contents", "5\tForeword", "111\tWhere next?", "Key points ..... 10", "1. Build"])
    assert pages == {"foreword": 5, "where next?": 111, "key points": 10}


HOSTILE = {
    "message_id": "hostile",
    "title": "{glue}`recommendations.ipynb::x` **bold**",
    "message": "<script>alert(1)</script> {{x}} {{ edition_version }} {doc}`cite` [link](javascript:x) $m$\n# heading",
    "source_id": "report-2023",
    "section": "Where next? > <b>4.</b> {{y}}",
    "page": "111",
    "evidence_page": "recommendations",
}


def test_data_text_reaches_the_markdown_as_literal_text():
    markdown = report_messages_markdown([HOSTILE], {"recommendations"})
    for raw in ("{glue}", "<script>", "{{x}}", "{{ edition_version }}", "{doc}`cite`", "<b>", "{{y}}"):
        assert raw not in markdown, raw
    tokens = MYST.parse(markdown)
    blocks = [t for t in tokens if t.type in ("html_block", "heading_open", "fence")]
    assert [t.content.startswith("<!-- Generated") for t in blocks] == [True]  # the page's own comment only
    inline = [t for t in tokens if t.type == "inline"]
    kinds = {child.type for t in inline for child in t.children or []}
    assert kinds <= {"text", "strong_open", "strong_close", "em_open", "em_close", "myst_role"}, kinds
    roles = [child for t in inline for child in t.children or [] if child.type == "myst_role"]
    assert [(role.meta["name"], role.content) for role in roles] == [("doc", "recommendations")]
    shown = ["".join(c.content for c in t.children if c.type == "text") for t in inline]
    assert shown[0] == one_line(HOSTILE["title"]) + ". " + one_line(HOSTILE["message"])
    assert "<b>4.</b> {{y}}" in shown[1] and "(p. 111)" in shown[1]


@pytest.mark.parametrize("page", ["../../etc/passwd", "cite` {download}`x", "no-such-page"])
def test_an_evidence_page_that_is_not_a_page_of_the_book_is_refused(page):
    with pytest.raises(ValueError, match="not a page of the book"):
        report_messages_markdown([{**HOSTILE, "evidence_page": page}], book_pages(ROOT))
