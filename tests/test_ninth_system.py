"""The ninth-system fixture (tests/fixtures/ninth_system): a fictional system with its own
fictional source document, added as CONTRIBUTING.md describes. Applied to a copy it is valid
data whose every quotation is checked against its document, and the book builds with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ics_evidence import validate_package
from ics_evidence.data.csvfiles import edit_cell, read_rows
from ics_evidence.data.quote_share import DEFAULT_LIMIT, quote_shares
from tests.helpers import NINTH_SYSTEM, NINTH_SYSTEM_ID, add_ninth_system, copy_built, remove_ninth_system, run

from .conftest import requires_sources

SOURCE = read_rows(NINTH_SYSTEM / "data" / "sources.csv")[1][0]


def _fixture_rows() -> dict[str, int]:
    return {path.name: len(read_rows(path)[1]) for path in (NINTH_SYSTEM / "data").glob("*.csv")}


@pytest.fixture
def data_copy(data_copy):
    """The data copy without the fixture (the suite also runs on data that already hold it)."""
    return remove_ninth_system(data_copy)


def test_the_fixture_adds_its_rows_and_its_document(data_copy):
    assert NINTH_SYSTEM_ID not in {row["system_id"] for row in read_rows(data_copy / "systems.csv")[1]}
    before = {name: len(read_rows(data_copy / name)[1]) for name in _fixture_rows()}
    add_ninth_system(data_copy)
    after = {name: len(read_rows(data_copy / name)[1]) for name in _fixture_rows()}
    assert {name: after[name] - before[name] for name in after} == _fixture_rows()
    assert NINTH_SYSTEM_ID in {row["system_id"] for row in read_rows(data_copy / "systems.csv")[1]}
    assert (data_copy.parent / "sources" / SOURCE["file"]).is_file()
    with pytest.raises(ValueError, match="already has the system"):
        add_ninth_system(data_copy)


def test_the_fixture_is_a_whole_system():
    """Every table a system has rows in, the fixture has rows in (so the suite sees a system
    with figures, examples, results, methods, partners, lessons and care areas)."""
    tables = set(_fixture_rows())
    assert {"systems.csv", "system_figures.csv", "system_dimensions.csv", "theme_coding.csv", "sections.csv",
            "sources.csv", "improvement_examples.csv", "example_themes.csv", "example_care_areas.csv",
            "system_care_areas.csv", "results.csv", "system_methods.csv", "system_partners.csv",
            "lessons.csv"} <= tables  # fmt: skip
    for name in ("systems.csv", "system_figures.csv", "theme_coding.csv", "system_dimensions.csv"):
        assert {row["system_id"] for row in read_rows(NINTH_SYSTEM / "data" / name)[1]} == {NINTH_SYSTEM_ID}
    assert "TEST FIXTURE" in (NINTH_SYSTEM / "sources" / SOURCE["file"]).read_text(encoding="utf-8")


@requires_sources
def test_the_fixture_applied_is_valid_with_every_quotation_checked(data_copy, sources):
    add_ninth_system(data_copy)
    assert validate_package(data_copy, sources) == []


@requires_sources
def test_the_fixture_quotations_are_checked_against_its_document(data_copy, sources):
    """Not valid by accident: a quotation its document does not contain is reported."""
    add_ninth_system(data_copy)
    edit_cell(data_copy / "systems.csv", {"system_id": NINTH_SYSTEM_ID}, "quote", "healthier lives in every town")
    problems = validate_package(data_copy, sources)
    assert [(Path(p.file).name, p.column, p.rule) for p in problems] == [("systems.csv", "quote", "evidence")]


@requires_sources
def test_the_fixture_document_is_measured_for_its_quote_share(data_copy, sources):
    """The document lives in the repository's sources/ folder, which quote-share searches too."""
    add_ninth_system(data_copy)
    shares = {s.source_id: s for s in quote_shares(data_copy, sources)}
    share = shares[SOURCE["source_id"]]
    assert share.covered > 0
    assert share.share <= DEFAULT_LIMIT


@requires_sources
@pytest.mark.book
def test_the_book_builds_with_the_ninth_system(ninth_system_project, built_project, tmp_path):
    """The run's build with the fixture added on top of the shipped data's (it reruns what the
    fixture touches); on data that already hold the fixture, that build takes it away, so this
    test builds its own."""
    project, added = ninth_system_project
    if not added:
        project = copy_built(built_project, tmp_path / "project")
        remove_ninth_system(project / "data", project / "sources")
        add_ninth_system(project / "data", project / "sources")
        run(project, "build")
    page = project / "_build" / "html" / "book" / "systems" / f"{NINTH_SYSTEM_ID}.html"
    name = read_rows(NINTH_SYSTEM / "data" / "systems.csv")[1][0]["name"]
    assert name in page.read_text(encoding="utf-8")
    # No sentence about the report changed; every count of the data counts the ninth system.
    from tests.test_ninth_system_statements import check_ninth_site

    check_ninth_site(project / "_build" / "html", project / "data")
