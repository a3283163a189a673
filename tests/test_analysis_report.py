"""Sentences about the report use the report's facts; counts of systems come from the data.

Adding a system from its own document changes what the data count and no sentence about the
report (issue 17: "The nine case studies were picked because informants..." was false)."""

from __future__ import annotations

import pandas as pd
import pytest

from ics_evidence.analysis import report
from ics_evidence.data.report_facts import REPORT_FACTS, stated_date


def _facts() -> pd.DataFrame:
    rows = [
        ("case-studies", 8, "exact", "case studies", None),
        ("leaders-interviewed", 40, "around", "leaders", None),
        ("interviewees-per-system", 6, "up-to", "people per system", None),
        ("roundtables", 3, "exact", "roundtables", None),
        ("statutory-age-at-fieldwork", 1, "around", "years", None),
        ("publication-date", None, None, None, "2023-11-21"),
    ]
    frame = pd.DataFrame(rows, columns=["fact_id", "value", "qualifier", "unit", "date"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.assign(source_id="report-2023", section="Somewhere", quote="a quote of enough words")


def _tables(systems: int = 8, extra: tuple[str, int] | None = None) -> dict[str, pd.DataFrame]:
    rows = [(f"s{i}", "report-case-study", "report-2023") for i in range(systems)]
    sources = [("report-2023", "report", 2023), ("summary-2023", "summary", 2023), ("earlier", "case-studies", 2021)]
    if extra:
        rows.append(("ninth", "own-document", extra[0]))
        sources.append((extra[0], "annual-report", extra[1]))
    return {
        "report_facts": _facts(),
        "systems": pd.DataFrame(rows, columns=["system_id", "evidence_origin", "source_id"]),
        "sources": pd.DataFrame(sources, columns=["source_id", "document_type", "year"]).assign(title="A title"),
    }


def test_sentences_about_the_report_state_its_facts_with_their_hedges():
    said = report.statements(_tables())
    assert said["report-case-studies-word"] == "eight"
    assert said["report-leaders-interviewed"] == "around 40"
    assert said["report-interviewees-per-system"] == "up to six"
    assert said["report-roundtables-word"] == "three"
    assert said["report-statutory-age"] == "around one year"
    assert said["report-published"] == "21 November 2023" and said["report-year"] == 2023
    assert said["data-systems-origin"] == (
        "Each of the eight systems in this edition's data is one of the report's case studies."
    )
    assert said["sources-alongside"] == "all but one"


def test_a_ninth_system_from_its_own_document_changes_the_data_counts_and_no_report_fact():
    before = report.statements(_tables())
    after = report.statements(_tables(extra=("annual-2024", 2024)))
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"data-systems-origin", "sources-alongside"}
    assert after["data-systems-origin"] == (
        "Of the nine systems in this edition's data, eight are the report's case studies; "
        "the other comes from another document."
    )
    assert after["sources-alongside"] == "two of them"  # the report and its summary, of four


def test_the_report_facts_do_not_follow_the_count_of_systems():
    assert report.statements(_tables(systems=5))["report-case-studies-word"] == "eight"


def test_a_missing_fact_is_named():
    tables = _tables()
    tables["report_facts"] = tables["report_facts"][tables["report_facts"]["fact_id"] != "roundtables"]
    with pytest.raises(report.MissingFact, match=r"report_facts\.csv has no row 'roundtables'"):
        report.statements(tables)


def test_every_fact_the_book_needs_is_in_the_shipped_table(shipped_tables):
    assert set(REPORT_FACTS) <= set(shipped_tables["report_facts"]["fact_id"])
    assert report.statements(shipped_tables)["report-case-studies-word"] == "eight"


def test_a_date_is_stated_with_its_day_month_and_year():
    import datetime as dt

    assert stated_date("Professor Sir Chris Ham 21 November 2023", dt.date(2023, 11, 21))
    assert not stated_date("Professor Sir Chris Ham 21 November 2023", dt.date(2023, 11, 2))
    assert not stated_date("published November 2023", dt.date(2023, 11, 21))


def test_a_profiles_lede_names_its_case_study_or_its_own_document_and_no_id():
    sources = pd.DataFrame(
        [("report-2023", "report", 2023, "The report"), ("wv-2024", "annual-report", 2024, "Annual report 2024")],
        columns=["source_id", "document_type", "year", "title"],
    )
    case_study = pd.Series({"system_id": "dorset", "name": "Dorset", "evidence_origin": "report-case-study",
                            "source_id": "report-2023", "case_study_title": "a vision"})  # fmt: skip
    ninth = pd.Series({"system_id": "wessex-vale", "name": "Wessex Vale", "evidence_origin": "own-document",
                       "source_id": "wv-2024", "case_study_title": None})  # fmt: skip
    lede = report.profile_lede(case_study, sources, "9.9.9")
    assert lede.startswith("The report's case study of Dorset is titled “a vision”.") and "edition 9.9.9" in lede
    other = report.profile_lede(ninth, sources, "9.9.9")
    assert other.startswith("Wessex Vale is not one of the report's case studies") and "Annual report 2024" in other
    assert "titled" not in other and not any("dorset" in text or "wessex-vale" in text for text in (lede, other))
