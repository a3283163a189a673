"""The report's other parts (data/report_parts.csv), which the Background chapter
``book/report-parts`` lists (issue 21): the table holds every kind of part the issue asks for,
the validator holds its summaries to the report messages' rules and its printed names and
addresses to the report's text, and the generated Markdown shows every cell as literal text,
linking only a plain https address."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from ics_evidence import validate_package
from ics_evidence.assemble.markdown import link, one_line
from ics_evidence.assemble.pages import REPORT_PARTS, report_parts_markdown
from ics_evidence.data.csvfiles import read_rows, write_rows
from ics_evidence.data.report_parts import TERM_WORDS, printed_address, printed_as_name
from tests.helpers import ROOT

from .conftest import requires_sources
from .test_markdown import MYST

TABLE = "report_parts.csv"
# What the reviewer found missing (issue 21): each must have at least one row.
ISSUE_KINDS = {"foreword", "framework", "principle", "resource", "offer", "diagram"}
CHAPTER = ROOT / "book" / "report-parts.md"


def _rows(data: Path) -> list[dict[str, str]]:
    return read_rows(data / TABLE)[1]


def _edit(data: Path, part_id: str, **changes: str) -> int:
    """Change cells of the row ``part_id``; its row number as the validator reports it."""
    header, rows = read_rows(data / TABLE)
    index = next(i for i, row in enumerate(rows) if row["part_id"] == part_id)
    rows[index].update(changes)
    write_rows(data / TABLE, header, rows)
    return index + 2


def _problems(data: Path, sources: Path | None = None) -> list[tuple]:
    return [(Path(p.file).name, p.row, p.column, p.value, p.rule) for p in validate_package(data, sources)]


def test_the_shipped_parts_hold_every_kind_the_issue_asks_for():
    rows = _rows(ROOT / "data")
    kinds = {row["kind"] for row in rows}
    assert kinds >= ISSUE_KINDS, ISSUE_KINDS - kinds
    assert {row["source_id"] for row in rows} == {"report-2023"}
    sections = {(row["source_id"], row["section"]) for row in read_rows(ROOT / "data" / "sections.csv")[1]}
    assert all((row["source_id"], row["section"]) in sections for row in rows)
    # The principles one by one, as the box names them, and the annex's resources under its headings.
    principles = {row["printed"] for row in rows if row["kind"] == "principle"}
    assert {"Define scope and goals together", "Use an improvement mindset"} <= principles
    assert len([row for row in rows if row["kind"] == "principle" and row["part_id"] != "five-principles"]) == 5
    resources = [row for row in rows if row["kind"] == "resource"]
    assert {row["section"].split(" > ")[0] for row in resources} == {"Annex"}
    assert len({row["section"] for row in resources}) == 4  # the annex's four headings
    # Every figure is described, and every address is one the page may link to.
    assert all(len(row["summary"].split()) >= 12 for row in rows if row["kind"] == "diagram")
    urls = [row["url"] for row in rows if row["url"]]
    assert urls and all(link("x", url) for url in urls)


def test_the_chapter_includes_every_generated_list_and_the_toc_lists_it():
    chapter = CHAPTER.read_text(encoding="utf-8")
    included = re.findall(r"```\{include\} generated/(\S+)", chapter)
    assert included == list(REPORT_PARTS)  # each once, in order: a list not included is never shown
    kinds = [kind for listed in REPORT_PARTS.values() for kind in listed]
    assert len(kinds) == len(set(kinds))
    assert set(kinds) == set(_enum_of_kind())
    assert "- file: book/report-parts" in (ROOT / "_toc.yml").read_text(encoding="utf-8")


def _enum_of_kind() -> list[str]:
    import json

    descriptor = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "report_parts")
    return next(f for f in resource["schema"]["fields"] if f["name"] == "kind")["constraints"]["enum"]


@requires_sources
def test_the_shipped_parts_pass_the_source_checks(data_copy, sources):
    assert [p for p in _problems(data_copy, sources) if p[0] == TABLE] == []


@requires_sources
@pytest.mark.parametrize(
    ("printed", "why"),
    [
        ("The following diagram summarises the approach:", "a sentence of the report, not a title"),
        ("Strategy on a page", "a title, but of another section's figure"),
        ("Engineering Better Care approach across Lancashire", "words of the report that are no name"),
    ],
)
def test_a_printed_name_must_stand_in_its_section_as_a_name(data_copy, sources, printed, why):
    row = _edit(data_copy, "figure-lsc-approach", printed=printed)
    assert (TABLE, row, "printed", printed, "name-printed") in _problems(data_copy, sources), why


@requires_sources
def test_a_quotation_cannot_pass_as_a_term(data_copy, sources):
    # The foreword quotes 'copy and paste'; a longer clause around it is a quotation.
    printed = "we cannot 'copy and paste' solutions"
    row = _edit(data_copy, "foreword-adapt", printed=printed)
    assert (TABLE, row, "printed", printed, "name-printed") in _problems(data_copy, sources)


@requires_sources
def test_an_address_the_section_does_not_print_is_refused(data_copy, sources):
    url = "https://www.nhsconfed.org/learning-improving-systems-elsewhere"
    row = _edit(data_copy, "offer-programme", url=url)
    assert (TABLE, row, "url", url, "url-printed") in _problems(data_copy, sources)
    # q.health.org.uk is printed, but in the principles' section, not the offer's.
    row = _edit(data_copy, "offer-programme", url="https://q.health.org.uk")
    assert (TABLE, row, "url", "https://q.health.org.uk", "url-printed") in _problems(data_copy, sources)


@requires_sources
def test_pages_are_the_reports(data_copy, sources):
    # The front matter points to page 3 for the offer; it points to no page 4.
    stated = _edit(data_copy, "offer-programme", page="4")
    # The contents begin the annex on page 129.
    listed = _edit(data_copy, "resource-hexitime", page="128")
    # A page the report does not state for the item is refused, whichever basis is claimed.
    claimed = _edit(data_copy, "foreword-adapt", page_basis="stated")
    found = _problems(data_copy, sources)
    assert (TABLE, stated, "page", "4", "page-stated") in found
    assert (TABLE, listed, "page", "128", "page-stated") in found
    assert (TABLE, claimed, "page", "5", "page-stated") in found


@requires_sources
def test_a_summary_that_copies_the_report_is_refused(data_copy, sources):
    copied = "Invest time and energy in developing relationships and building connections across the system."
    row = _edit(data_copy, "principle-relationships", summary=copied)
    assert (TABLE, row, "summary", copied, "own-words") in _problems(data_copy, sources)


def test_a_part_needs_a_known_kind_a_section_and_a_plain_address(data_copy):
    row = _edit(data_copy, "resource-hexitime", kind="pamphlet", section="", url="javascript:alert(1)")
    found = _problems(data_copy)
    assert (TABLE, row, "kind", "pamphlet", "enum") in found
    assert (TABLE, row, "section", "", "required") in found
    assert (TABLE, row, "url", "javascript:alert(1)", "pattern") in found


@pytest.mark.parametrize(
    ("printed", "lines", "expected"),
    [
        ("Strategy on a page", ["Strategy on a page", "In the early stages"], True),  # a title line
        ("Use an improvement mindset", ["Define scope\tUse an improvement mindset"], True),  # a box's cell
        ("Hexitime", ["- [Hexitime](#), an improvement focused platform"], True),  # a link's text
        ("copy and paste", ["we cannot \u2018copy and paste\u2019 solutions"], True),  # a term it quotes
        ("The outcomes we seek.", ["The outcomes we seek."], False),  # a sentence on a line of its own
        ('"A pull quote"', ["\u201cA pull quote\u201d"], False),
        ("Strategy on a", ["Strategy on a page"], False),  # part of a title
        ("cannot copy", ["we cannot 'copy' it"], False),
        ("s online groups", ["Q's online groups' list"], False),  # an apostrophe is not a quotation mark
    ],
)
def test_what_counts_as_a_printed_name(printed, lines, expected):
    assert printed_as_name(printed, lines) is expected


def test_a_term_is_short():
    term = " ".join(["word"] * (TERM_WORDS + 1))
    assert not printed_as_name(term, [f"a '{term}' b"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("To find out more, visit www.nhsconfed.org/learning-improving-systems", True),
        ("visit www.nhsconfed.org/learning-improving-systems.", True),  # the sentence's full stop
        ("visit <https://www.nhsconfed.org/learning-improving-systems>", True),
        ("visit www.nhsconfed.org/learning-improving-systems/more", False),
        ("visit www.nhsconfed.org/learning-improving-systems-x", False),
        ("visit mywww.nhsconfed.org/learning-improving-systems", False),
    ],
)
def test_an_address_is_printed_whole(text, expected):
    assert printed_address("https://www.nhsconfed.org/learning-improving-systems", text) is expected


HOSTILE = {
    "part_id": "hostile",
    "kind": "resource",
    "title": "{glue}`recommendations.ipynb::x` **bold**",
    "summary": "<script>alert(1)</script> {{x}} {{ edition_version }} {doc}`cite` [link](javascript:x) $m$\n# heading",
    "printed": "[a](https://evil.example) <b>",
    "source_id": "report-2023",
    "section": "Annex > <b>4.</b> {{y}}",
    "page": "129",
    "page_basis": "part-begins",
    "url": "https://q.health.org.uk",
}


def _inline(markdown: str) -> list:
    return [t for t in MYST.parse(markdown) if t.type == "inline"]


def test_data_text_reaches_the_markdown_as_literal_text():
    markdown = report_parts_markdown([HOSTILE], ("resource",), by_section=True)
    for raw in ("{glue}", "<script>", "{{x}}", "{{ edition_version }}", "{doc}`cite`", "<b>", "{{y}}", "](javascript"):
        assert raw not in markdown, raw
    tokens = MYST.parse(markdown)
    blocks = [t for t in tokens if t.type in ("html_block", "fence")]
    assert [t.content.startswith("<!-- Generated") for t in blocks] == [True]  # the page's own comment only
    headings = [t for t in tokens if t.type == "heading_open"]
    assert [t.tag for t in headings] == ["h3"]  # the section's own heading, nothing from a cell
    inline = _inline(markdown)
    kinds = {child.type for t in inline for child in t.children or []}
    assert kinds <= {"text", "strong_open", "strong_close", "em_open", "em_close", "link_open", "link_close"}, kinds
    links = [child.attrs.get("href") for t in inline for child in t.children or [] if child.type == "link_open"]
    assert links == ["https://q.health.org.uk"]  # the address, and nothing a cell wrote
    shown = ["".join(c.content for c in t.children if c.type == "text") for t in inline]
    assert shown[0] == "<b>4.</b> {{y}}"  # the section's last part heads its run
    item = shown[1]
    assert item.startswith(one_line(HOSTILE["title"]) + ". " + one_line(HOSTILE["summary"]))
    assert f"“{HOSTILE['printed']}” (report, p. 129 ff.; Annex › <b>4.</b> {{{{y}}}})." in item
    assert item.endswith("Online: q.health.org.uk.")


def test_a_stated_page_is_shown_without_ff():
    markdown = report_parts_markdown([{**HOSTILE, "page": "3", "page_basis": "stated", "printed": ""}], ("resource",))
    shown = "".join(c.content for t in _inline(markdown) for c in t.children if c.type == "text")
    assert "(report, p. 3; Annex › <b>4.</b> {{y}})." in shown and "ff." not in shown


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "http://q.health.org.uk",
        "https://q.health.org.uk/a b",
        "https://x.org/(y)",
        "https://x.org/a\\b",
        "https://q.health.org.uk)[x](javascript:y",
        "file:///etc/passwd",
        "https://x.org/\u202e",
    ],
)
def test_only_a_plain_https_address_becomes_a_link(url):
    with pytest.raises(ValueError, match="not an address a page may link to"):
        report_parts_markdown([{**HOSTILE, "url": url}], ("resource",))


def test_every_shipped_part_is_listed_once():
    rows = _rows(ROOT / "data")
    lists = {name: report_parts_markdown(rows, kinds) for name, kinds in REPORT_PARTS.items()}
    for row in rows:
        shown = [name for name, markdown in lists.items() if f"**{_escaped_title(row)}.**" in markdown]
        assert len(shown) == 1, (row["part_id"], shown)


def _escaped_title(row: dict[str, str]) -> str:
    from ics_evidence.assemble.markdown import text

    return text(row["title"].rstrip("."))


def shows_every_part(page: str, rows: list[dict[str, str]]) -> list[str]:
    """What of ``rows`` the built page ``page`` (HTML) does not show: every title, summary and
    printed name as text, and every address as a link."""
    shown = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", page)))
    missing = []
    for row in rows:
        for column in ("title", "summary", "printed"):
            if row[column] and one_line(row[column].rstrip(".") if column == "title" else row[column]) not in shown:
                missing.append(f"{row['part_id']}.{column}")
        if row["url"] and f'href="{row["url"]}"' not in page:
            missing.append(f"{row['part_id']}.url")
    return missing


@pytest.mark.book
def test_the_built_chapter_shows_every_part(built_site):
    page = (built_site / "book" / "report-parts.html").read_text(encoding="utf-8")
    assert shows_every_part(page, _rows(ROOT / "data")) == []
    assert "<script>alert" not in page
