"""The validator catches each class of bad input, names file, row, column, value and rule,
reports every problem at once, and writes nothing."""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from ics_evidence import DataPackageError, load_package, validate_package
from ics_evidence.data.csvfiles import read_rows, write_rows
from tests.helpers import copy_project, project_environment

from .conftest import requires_sources


def read(path: Path) -> list[dict[str, str]]:
    return read_rows(path)[1]


def write(path: Path, rows: list[dict[str, str]]) -> None:
    write_rows(path, list(rows[0]), rows)


def edit(data: Path, table: str, row: int, **changes: str) -> None:
    """Change cells of data row ``row`` (2 = first row under the header, as reported)."""
    rows = read(data / f"{table}.csv")
    rows[row - 2].update(changes)
    write(data / f"{table}.csv", rows)


def problems_of(data: Path, sources: Path | None = None) -> list[tuple]:
    return [(Path(p.file).name, p.row, p.column, p.value, p.rule) for p in validate_package(data, sources)]


def test_shipped_copy_is_valid(data_copy, sources):
    assert problems_of(data_copy, sources) == []


def test_missing_file(data_copy):
    (data_copy / "results.csv").unlink()
    assert ("results.csv", None, None, None, "file") in problems_of(data_copy)


def test_malformed_csv_unclosed_quote(data_copy):
    path = data_copy / "systems.csv"
    path.write_text(path.read_text(encoding="utf-8") + 'broken,"never closed\n', encoding="utf-8")
    assert any(p[0] == "systems.csv" and p[4] == "csv" for p in problems_of(data_copy))


def test_malformed_csv_extra_cell(data_copy):
    path = data_copy / "themes.csv"
    path.write_text(path.read_text(encoding="utf-8") + "extra-theme,Label,Definition,surplus\n", encoding="utf-8")
    rows = len(read(data_copy / "themes.csv")) + 2  # header + the well-formed rows, then this one
    assert ("themes.csv", rows, None, None, "csv") in problems_of(data_copy)


def test_wrong_type(data_copy):
    edit(data_copy, "system_figures", 2, value="three million")
    assert ("system_figures.csv", 2, "value", "three million", "type") in problems_of(data_copy)


def test_negative_number(data_copy):
    edit(data_copy, "results", 3, value="-12")
    assert ("results.csv", 3, "value", "-12", "minimum") in problems_of(data_copy)


def test_absurd_number_for_its_measure(data_copy):
    rows = read(data_copy / "system_figures.csv")
    row = next(i for i, r in enumerate(rows, start=2) if r["measure_id"] == "population")
    edit(data_copy, "system_figures", row, value="9000000000")
    assert ("system_figures.csv", row, "value", "9000000000", "plausible-range") in problems_of(data_copy)


def test_duplicate_id(data_copy):
    rows = read(data_copy / "improvement_examples.csv")
    write(data_copy / "improvement_examples.csv", [*rows, rows[0]])
    found = problems_of(data_copy)
    assert ("improvement_examples.csv", len(rows) + 2, "example_id", rows[0]["example_id"], "primary-key") in found


def test_dangling_foreign_key(data_copy):
    edit(data_copy, "improvement_examples", 2, system_id="atlantis")
    assert ("improvement_examples.csv", 2, "system_id", "atlantis", "foreign-key") in problems_of(data_copy)


def test_unknown_theme(data_copy):
    edit(data_copy, "example_themes", 2, theme_id="astrology")
    assert ("example_themes.csv", 2, "theme_id", "astrology", "foreign-key") in problems_of(data_copy)


def test_empty_required_field(data_copy):
    edit(data_copy, "systems", 2, name="")
    assert ("systems.csv", 2, "name", "", "required") in problems_of(data_copy)


def test_non_utf8_bytes(data_copy):
    path = data_copy / "lessons.csv"
    raw = path.read_bytes().split(b"\n")
    header = raw[0].split(b",")
    cells = next(csv.reader([raw[1].decode()]))
    summary = header.index(b"summary")
    cells[summary] = cells[summary] + "\udcff"
    line = ",".join(f'"{c}"' for c in cells).encode("utf-8", errors="surrogateescape")
    path.write_bytes(b"\n".join([raw[0], line, *raw[2:]]))
    found = [p for p in problems_of(data_copy) if p[4] == "encoding"]
    assert found and found[0][:3] == ("lessons.csv", 2, "summary")


def test_email_address_is_refused(data_copy):
    edit(data_copy, "lessons", 2, summary="Write to someone@example.org for details.")
    assert any(p[:3] == ("lessons.csv", 2, "summary") and p[4] == "personal-data" for p in problems_of(data_copy))


def test_markup_in_text_is_data_not_an_error(data_copy, sources):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    edit(data_copy, "improvement_examples", 2, summary=payload)
    assert problems_of(data_copy, sources) == []
    examples = load_package(data_copy, sources=sources)["improvement_examples"]
    assert examples.loc[0, "summary"] == payload  # stored verbatim; pages escape it


@requires_sources
def test_quote_not_in_source(data_copy, sources):
    edit(data_copy, "improvement_examples", 2, quote="Words the report never says about anything")
    found = problems_of(data_copy, sources)
    assert any(p[:3] == ("improvement_examples.csv", 2, "quote") and p[4] == "evidence" for p in found)


def test_quote_too_long(data_copy):
    edit(data_copy, "results", 2, quote=" ".join(["word"] * 21))
    assert any(p[:3] == ("results.csv", 2, "quote") and p[4] == "evidence" for p in problems_of(data_copy))


def _row_of(data: Path, table: str, **match: str) -> int:
    rows = read(data / f"{table}.csv")
    return next(i for i, r in enumerate(rows, start=2) if all(r[k] == v for k, v in match.items()))


def test_value_the_quote_does_not_state(data_copy):
    # A figure whose value its quotation states (no derivation), given a value it does not.
    row, figure = next((i, r) for i, r in enumerate(read(data_copy / "system_figures.csv"), start=2)
                       if not r["derivation"])  # fmt: skip
    value = str(int(float(figure["value"])) + 12_347)
    edit(data_copy, "system_figures", row, value=value)
    assert ("system_figures.csv", row, "value", value, "value-stated") in problems_of(data_copy)


def test_result_value_and_range_the_quote_does_not_state(data_copy):
    row = _row_of(data_copy, "results", result_id="sh-place-population-typical")
    edit(data_copy, "results", row, low="200000")
    assert ("results.csv", row, "low", "200000", "value-stated") in problems_of(data_copy)
    edit(data_copy, "results", row, low="350000", derivation="")
    found = problems_of(data_copy)
    assert ("results.csv", row, "low", "350000", "range") in found
    assert ("results.csv", row, "value", "300000", "value-stated") not in found  # 300,000 is stated


def test_a_derivation_is_checked_not_trusted(data_copy):
    row = _row_of(data_copy, "exemplar_figures", figure_id="jonkoping-hospitals")
    edit(data_copy, "exemplar_figures", row, value="37")  # "three hospitals and 34 primary care centres"
    assert ("exemplar_figures.csv", row, "value", "37", "value-stated") in problems_of(data_copy)
    # Free text explains but never switches the check off.
    edit(data_copy, "exemplar_figures", row, derivation="Hypothetical: counted from a list.")
    assert ("exemplar_figures.csv", row, "value", "37", "value-stated") in problems_of(data_copy)
    # A false sum is refused; the true one is accepted.
    edit(data_copy, "exemplar_figures", row, derivation="sum 3 + 33. Hospitals and centres.")
    assert any(p[:3] == ("exemplar_figures.csv", row, "derivation") and p[4] == "derivation"
               for p in problems_of(data_copy))  # fmt: skip
    edit(data_copy, "exemplar_figures", row, derivation="sum 3 + 34. Hospitals and centres.")
    assert not any(p[:2] == ("exemplar_figures.csv", row) for p in problems_of(data_copy))


def test_one_word_quote_cannot_identify_its_passage(data_copy):
    edit(data_copy, "improvement_examples", 2, quote="a")
    assert ("improvement_examples.csv", 2, "quote", "a", "quote-length") in problems_of(data_copy)


@requires_sources
def test_quote_outside_the_section_it_names(data_copy, sources):
    row, figure = 2, read(data_copy / "system_figures.csv")[0]
    # Another section of the same document, neither inside nor around the row's own.
    own = figure["section"]
    other = next(
        r["section"]
        for r in read(data_copy / "sections.csv")
        if r["source_id"] == figure["source_id"]
        and not r["section"].startswith(own)
        and not own.startswith(r["section"])
    )
    edit(data_copy, "system_figures", row, section=other)
    found = problems_of(data_copy, sources)
    assert any(p[:3] == ("system_figures.csv", row, "quote") and p[4] == "quote-in-section" for p in found)


@requires_sources
def test_section_missing_from_the_sections_table(data_copy, sources):
    edit(data_copy, "results", 2, section="Case studies > Nowhere")
    found = problems_of(data_copy, sources)
    assert ("results.csv", 2, "section", "Case studies > Nowhere", "quote-in-section") in found


@requires_sources
def test_section_heading_not_in_its_source(data_copy, sources):
    edit(data_copy, "sections", 2, heading="A heading the report does not have")
    assert any(p[0] == "sections.csv" and p[4] == "section-heading" for p in problems_of(data_copy, sources))


def test_care_area_coding_must_match_the_examples(data_copy):
    rows = read(data_copy / "system_care_areas.csv")
    row = next(i for i, r in enumerate(rows, start=2) if r["coding"] == "mentioned")
    edit(data_copy, "system_care_areas", row, coding="improvement-work")
    assert ("system_care_areas.csv", row, "coding", "improvement-work", "consistency") in problems_of(data_copy)


def test_missing_evidence(data_copy):
    edit(data_copy, "results", 2, quote="")
    assert ("results.csv", 2, "quote", "", "evidence") in problems_of(data_copy)


def test_two_reference_values(data_copy):
    rows = read(data_copy / "system_figures.csv")
    extra = dict(rows[0], source_id="blog-2023", is_reference="true")
    write(data_copy / "system_figures.csv", [*rows, extra])
    assert any(p[4] == "one-reference" for p in problems_of(data_copy))


def test_every_problem_is_reported_at_once(data_copy):
    edit(data_copy, "systems", 2, name="")
    edit(data_copy, "results", 3, value="-12")
    edit(data_copy, "improvement_examples", 2, system_id="atlantis")
    (data_copy / "exemplars.csv").unlink()
    rules = {p[4] for p in problems_of(data_copy)}
    assert {"required", "minimum", "foreign-key", "file"} <= rules


def test_message_names_file_row_column_value_and_rule(data_copy):
    edit(data_copy, "system_figures", 2, value="lots")
    message = next(str(p) for p in validate_package(data_copy) if p.rule == "type")
    assert message.startswith(f"{data_copy / 'system_figures.csv'}:2 value 'lots' — type:")


def test_loader_refuses_invalid_data(data_copy):
    edit(data_copy, "systems", 2, name="")
    with pytest.raises(DataPackageError) as raised:
        load_package(data_copy)
    assert "systems.csv:2 name" in str(raised.value)


def _tree_digest(path: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(path)).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def test_cli_build_stops_on_bad_data_and_writes_nothing(data_copy, tmp_path):
    edit(data_copy, "system_figures", 2, value="-1")
    project = copy_project(tmp_path / "project")  # never the checkout: its build lock is written first
    watched = [project / "_build" / "html", project / "book" / "generated"]
    before = [_tree_digest(p) if p.exists() else None for p in watched]
    result = subprocess.run(
        [sys.executable, "-m", "ics_evidence", "--data", str(data_copy), "build"],
        capture_output=True,
        text=True,
        cwd=project,
        env=project_environment(project),
        check=False,
    )
    assert result.returncode == 1
    assert "system_figures.csv:2 value '-1' — minimum" in result.stderr
    assert "the last good outputs and book are unchanged" in result.stderr
    assert [_tree_digest(p) if p.exists() else None for p in watched] == before


# --- Facts about the report itself, and each system's evidence origin ---------------------------


def _fact_row(data: Path, fact_id: str) -> int:
    return 2 + [row["fact_id"] for row in read(data / "report_facts.csv")].index(fact_id)


@requires_sources
@pytest.mark.parametrize(
    ("fact", "changes", "column", "rule"),
    [
        ("roundtables", {"value": "4"}, "value", "value-stated"),  # the quote says three
        ("leaders-interviewed", {"qualifier": "over"}, "qualifier", "qualifier-stated"),  # it says around
        ("leaders-interviewed", {"qualifier": ""}, "qualifier", "report-fact"),
        ("publication-date", {"date": "2023-11-22"}, "date", "value-stated"),
        ("publication-date", {"value": "21"}, "value", "report-fact"),  # a value and a date
        ("case-studies", {"quote": "resulting in nine case studies that illustrate the range"}, "quote", "evidence"),
    ],
)
def test_a_report_fact_must_be_what_its_quote_states(data_copy, sources, fact, changes, column, rule):
    row = _fact_row(data_copy, fact)
    edit(data_copy, "report_facts", row, **changes)
    found = [p for p in problems_of(data_copy, sources) if p[0] == "report_facts.csv"]
    assert (row, column, rule) in [(p[1], p[2], p[4]) for p in found]
    assert {p[1] for p in found} == {row}  # that row only


def test_the_facts_the_book_states_about_the_report_cannot_be_removed(data_copy):
    rows = [row for row in read(data_copy / "report_facts.csv") if row["fact_id"] != "roundtables"]
    write(data_copy / "report_facts.csv", rows)
    assert ("report_facts.csv", None, "fact_id", "roundtables", "report-fact") in problems_of(data_copy)


def test_a_systems_evidence_origin_must_fit_the_document_its_row_cites(data_copy):
    edit(data_copy, "systems", 2, evidence_origin="own-document")  # its row cites the report
    assert ("systems.csv", 2, "evidence_origin", "own-document", "consistency") in problems_of(data_copy)
    edit(data_copy, "systems", 2, evidence_origin="earlier-case-study")
    assert ("systems.csv", 2, "evidence_origin", "earlier-case-study", "consistency") in problems_of(data_copy)
    edit(data_copy, "systems", 2, evidence_origin="")
    assert ("systems.csv", 2, "evidence_origin", "", "required") in problems_of(data_copy)


def test_no_more_systems_are_the_reports_case_studies_than_the_report_presents(data_copy):
    edit(data_copy, "report_facts", _fact_row(data_copy, "case-studies"), value="7")
    assert ("systems.csv", None, "evidence_origin", "report-case-study", "consistency") in problems_of(data_copy)
