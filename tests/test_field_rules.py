"""Each evidenced field is checked against its own quotation: a careless edit of a qualifier, a
budget's basis or a person's name is refused with the rule that names it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ics_evidence import load_package
from ics_evidence.data.field_rules import check_basis, check_kind, check_person, check_qualifier, hedges
from tests.helpers import DATA_DIR

from .test_validator import _row_of, edit, problems_of, read, write


@pytest.mark.parametrize(
    ("quote", "value", "qualifier"),
    [
        ("more than three million people", 3_000_000, "more-than"),
        ("over 5,000 square miles", 5000, "over"),
        ("across around 1,442 square miles", 1442, "around"),
        ("total income of circa £4 billion", 4e9, "circa"),
        ("WYAAT trusts provide a c.£2m budget", 2e6, "circa"),
        ("was in excess of £2 billion", 2e9, "more-than"),
        ("serves an estimated 645,000 people", 645000, "estimated"),
        ("provide at-home care for up to five days", 5, "up-to"),
        ("impact became evident within three months of the work starting", 3, "within"),
        ("typically for populations of between 250,000 and 300,000", 300000, "typically"),
        ("reduce smoking rates among adults to 5 per cent or below by 2030", 5, "or-below"),
        ("approximately 170 improvement staff", 170, "approximately"),
        # The hedge belongs to another number, or is not next to this one: exact is right.
        ("over 2,000 staff were engaged in the first six weeks", 6, "exact"),
        ("over a period of six months", 6, "exact"),
        ("It receives an NHS allocation of £1.5 billion", 1.5e9, "exact"),
    ],
)
def test_a_qualifier_the_quote_states_is_accepted(quote, value, qualifier):
    assert check_qualifier(quote, value, qualifier) is None


@pytest.mark.parametrize(
    ("quote", "value", "qualifier"),
    [
        ("more than three million people", 3_000_000, "exact"),  # dropped
        ("over 5,000 square miles", 5000, "exact"),
        ("over 2,000 staff were engaged in the first six weeks", 2000, "exact"),
        ("Dorset ICS serves 800,000 people", 800000, "around"),  # added
        ("It receives an NHS allocation of £1.5 billion", 1.5e9, "circa"),  # the next number's hedge
        ("over 2,000 staff were engaged in the first six weeks", 6, "over"),  # another number's hedge
        ("serving 2.4 million people", 2_400_000, "more-than"),
    ],
)
def test_a_qualifier_the_quote_does_not_state_is_refused(quote, value, qualifier):
    assert check_qualifier(quote, value, qualifier)


def test_hedges_are_read_per_mention_of_the_value():
    assert hedges("over 2,000 staff were engaged in the first six weeks", 2000) == [{"over": "over"}]
    assert hedges("Dorset ICS serves 800,000 people", 810000) is None  # not stated


@pytest.mark.parametrize(
    ("quote", "basis", "ok"),
    [
        ("It receives an NHS allocation of £1.5 billion", "nhs-allocation", True),
        ("It receives an NHS allocation of £1.5 billion", "nhs-budget", False),
        ("It receives an NHS allocation of £1.5 billion", "budget", False),
        ("an NHS budget of £1.6 billion.", "nhs-budget", True),
        ("an NHS budget of £1.6 billion.", "budget", False),
        ("an NHS budget of £1.6 billion.", "nhs-allocation", False),
        ("a budget of £6.6 billion", "budget", True),
        ("a budget of £6.6 billion", "nhs-budget", False),
    ],
)
def test_basis_words_must_appear(quote, basis, ok):
    assert (check_basis(quote, basis) is None) is ok


def test_person_must_be_named_in_their_quote():
    assert check_person("Sam Allen", "Sam Allen, chief executive of the ICB") is None
    assert check_person("Samantha Allen", "Sam Allen, chief executive of the ICB")


@pytest.fixture(scope="module")
def tables():
    return load_package(DATA_DIR)


def _figure_row(data: Path, system: str, measure: str) -> int:
    return _row_of(data, "system_figures", system_id=system, measure_id=measure, source_id="report-2023")


def test_validator_refuses_a_dropped_qualifier(data_copy):
    row = _figure_row(data_copy, "north-east-and-north-cumbria", "population")
    edit(data_copy, "system_figures", row, qualifier="exact")
    assert ("system_figures.csv", row, "qualifier", "exact", "qualifier-stated") in problems_of(data_copy)


def test_validator_refuses_an_added_qualifier(data_copy):
    row = _figure_row(data_copy, "dorset", "population")
    edit(data_copy, "system_figures", row, qualifier="around")
    assert ("system_figures.csv", row, "qualifier", "around", "qualifier-stated") in problems_of(data_copy)


def test_validator_refuses_a_changed_basis(data_copy):
    row = _figure_row(data_copy, "cambridgeshire-and-peterborough", "nhs_budget_gbp_bn")
    edit(data_copy, "system_figures", row, basis="nhs-budget")
    assert ("system_figures.csv", row, "basis", "nhs-budget", "basis-stated") in problems_of(data_copy)
    row = _figure_row(data_copy, "west-yorkshire", "nhs_budget_gbp_bn")
    edit(data_copy, "system_figures", row, basis="nhs-budget")
    assert ("system_figures.csv", row, "basis", "nhs-budget", "basis-stated") in problems_of(data_copy)


def test_validator_refuses_a_renamed_chief_executive(data_copy):
    row = _row_of(data_copy, "systems", system_id="dorset")
    edit(data_copy, "systems", row, chief_executive="Patricia Millar")
    assert ("systems.csv", row, "chief_executive", "Patricia Millar", "person-named") in problems_of(data_copy)


def test_results_and_exemplar_qualifiers_are_checked_too(data_copy):
    row = _row_of(data_copy, "results", result_id="cp-cbyc-wraparound-days")
    edit(data_copy, "results", row, qualifier="exact")
    assert ("results.csv", row, "qualifier", "exact", "qualifier-stated") in problems_of(data_copy)
    row = _row_of(data_copy, "exemplar_figures", figure_id="his-improvement-staff")
    edit(data_copy, "exemplar_figures", row, qualifier="around")
    assert ("exemplar_figures.csv", row, "qualifier", "around", "qualifier-stated") in problems_of(data_copy)


@pytest.mark.parametrize(
    ("kind", "quote", "ok"),
    [
        ("target", "reduce smoking rates among adults to 5 per cent or below by 2030", True),
        ("target", "a target of 75 per cent of the population", True),
        ("target", "reduce delayed discharges by half by March 2026", True),
        ("target", "We will save 55,000 children from being overweight by 2040.", True),
        ("target", "the service has supported 4,241 people", False),
        ("result", "the service has supported 4,241 people", True),
        ("result", "Around 2,000 clinically unnecessary cardiac investigations have been avoided.", True),
        ("result", "a target of 75 per cent of the population", False),
        ("result", "We will save 55,000 children from being overweight by 2040.", False),
        ("scale", "a target of 75 per cent of the population", True),  # no wording rule for scale
    ],
)
def test_kind_must_agree_with_the_quote(kind, quote, ok):
    assert (check_kind(kind, quote) is None) is ok


def test_validator_refuses_a_target_recoded_as_a_result(data_copy):
    row = _row_of(data_copy, "results", result_id="nenc-target-adult-smoking")
    edit(data_copy, "results", row, kind="result")
    assert ("results.csv", row, "kind", "result", "kind-stated") in problems_of(data_copy)
    row = _row_of(data_copy, "results", result_id="cp-cbyc-people-supported")
    edit(data_copy, "results", row, kind="target")
    assert ("results.csv", row, "kind", "target", "kind-stated") in problems_of(data_copy)


def test_a_result_without_a_number_has_no_qualifier_or_unit(data_copy):
    row = _row_of(data_copy, "results", result_id="wy-result-faster-diagnosis-standard")
    edit(data_copy, "results", row, qualifier="exact")
    assert ("results.csv", row, "qualifier", "exact", "no-value") in problems_of(data_copy)
    row = _row_of(data_copy, "results", result_id="cp-cbyc-people-supported")
    edit(data_copy, "results", row, unit="")
    assert ("results.csv", row, "unit", "", "required") in problems_of(data_copy)


def test_the_issue_data_fixes_hold(tables):
    results = tables["results"].set_index("result_id")
    assert results.loc["wy-result-faster-diagnosis-standard", "kind"] == "result"
    assert results.loc["wy-result-62-day-backlog", "kind"] == "result"
    assert results.loc["dorset-older-people-living-well", "kind"] == "target"
    for not_an_outcome in ("tvs-adjacent-trust-joined", "wy-result-wakefield-impact-time", "wy-target-srp-specialties"):
        assert results.loc[not_an_outcome, "kind"] in ("scale", "context"), not_an_outcome
    figures = tables["system_figures"]
    allocation = figures[(figures["system_id"] == "cambridgeshire-and-peterborough")
                         & (figures["measure_id"] == "nhs_budget_gbp_bn")]  # fmt: skip
    assert set(allocation["qualifier"]) == {"exact"}


def test_validator_refuses_a_result_moved_to_another_system(data_copy, sources):
    row = _row_of(data_copy, "results", result_id="cp-cbyc-people-supported")
    edit(data_copy, "results", row, system_id="gloucestershire", example_id="")
    found = problems_of(data_copy, sources)
    assert ("results.csv", row, "section", "Case studies > Cambridgeshire and Peterborough > Example of improvement",
            "quote-system") in found  # fmt: skip


def test_a_comparison_table_cell_belongs_to_its_column(data_copy, sources):
    # "Five place partnerships lead improvements in their areas" is West Yorkshire's cell.
    row = _row_of(data_copy, "system_figures", system_id="west-yorkshire", measure_id="place_partnerships",
                  source_id="case-study-summary-2023")  # fmt: skip
    edit(data_copy, "system_figures", row, system_id="dorset")
    found = problems_of(data_copy, sources)
    assert any(p[:2] == ("system_figures.csv", row) and p[4] == "quote-system" for p in found)


def test_a_quote_that_names_the_system_may_come_from_another_systems_section(data_copy, sources):
    row = _row_of(data_copy, "lessons", lesson_id="lsc-emergent-icb-collaborative-roles")
    assert not [p for p in problems_of(data_copy, sources) if p[:2] == ("lessons.csv", row)]
    edit(data_copy, "lessons", row, system_id="dorset")
    assert any(p[:2] == ("lessons.csv", row) and p[4] == "quote-system" for p in problems_of(data_copy, sources))


def test_a_document_needs_its_sections_or_its_system(data_copy, sources):
    sections = [r for r in read(data_copy / "sections.csv") if r["source_id"] != "blog-2023"]
    write(data_copy / "sections.csv", sections)
    row = _row_of(data_copy, "sources", source_id="blog-2023")
    found = problems_of(data_copy, sources)
    assert ("sources.csv", row, "system_id", "", "section-registry") in found
    edit(data_copy, "sources", row, system_id="west-yorkshire")  # a document about one system
    found = problems_of(data_copy, sources)
    assert ("sources.csv", row, "system_id", "", "section-registry") not in found
    # ...whose quotations are then about that system only
    assert any(p[0] == "lessons.csv" and p[4] == "quote-system" for p in found)


def test_a_section_names_one_system(data_copy):
    rows = read(data_copy / "sections.csv")
    index = next(i for i, r in enumerate(rows) if r["section"] == "Case studies > Dorset")
    rows.append(dict(rows[index], occurrence="2", system_id="gloucestershire"))
    write(data_copy / "sections.csv", rows)
    assert any(p[0] == "sections.csv" and p[4] == "section-system" for p in problems_of(data_copy))


def test_a_theme_code_raised_from_0_needs_its_evidence(data_copy):
    rows = read(data_copy / "theme_coding.csv")
    row = next(i for i, r in enumerate(rows, start=2) if r["strength"] == "0" and r["quote"])
    edit(data_copy, "theme_coding", row, strength="2")
    assert ("theme_coding.csv", row, "evidence_basis", "", "codebook") in problems_of(data_copy)


def test_indirect_evidence_caps_the_code(data_copy):
    rows = read(data_copy / "theme_coding.csv")
    row = next(i for i, r in enumerate(rows, start=2) if r["evidence_basis"] == "indirect")
    edit(data_copy, "theme_coding", row, strength="2")
    assert ("theme_coding.csv", row, "strength", "2", "codebook") in problems_of(data_copy)


def test_a_care_area_code_needs_a_quote_about_that_care_area(data_copy):
    row = _row_of(data_copy, "system_care_areas", system_id="west-yorkshire", care_area_id="cancer")
    edit(data_copy, "system_care_areas", row, care_area_id="maternity", coding="mentioned")
    assert any(p[:3] == ("system_care_areas.csv", row, "quote") and p[4] == "care-area-term"
               for p in problems_of(data_copy))  # fmt: skip


def test_an_addressee_link_needs_a_passage_that_names_the_addressee(data_copy):
    # The NHS Confederation is asked to make the case for clearer roles (Where next? 4); the
    # Health Foundation is not named in that section, so the same link to it is refused.
    row = _row_of(data_copy, "lesson_audiences", lesson_id="cross-rec-high-trust-low-bureaucracy")
    assert problems_of(data_copy) == []
    edit(data_copy, "lesson_audiences", row, audience_id="health-foundation")
    assert ("lesson_audiences.csv", row, "audience_id", "health-foundation", "addressee-named") in problems_of(
        data_copy
    )


def test_an_addressee_without_names_is_refused(data_copy):
    row = _row_of(data_copy, "audiences", audience_id="regulator")
    edit(data_copy, "audiences", row, terms="")
    assert any(p[:3] == ("audiences.csv", row, "terms") for p in problems_of(data_copy))


def test_mentioned_codes_are_not_counted_as_work_on_a_care_area(tables):
    from ics_evidence.analysis import figures, improvement

    counts = improvement.care_area_counts(tables).set_index("care_area_id")
    coded = tables["system_care_areas"]
    peers = set(figures.peer_ids(tables))
    mentioned = coded[(coded["coding"] == "mentioned") & coded["system_id"].isin(peers)]
    assert len(mentioned)  # the rule is exercised
    for area in set(mentioned["care_area_id"]):
        working = coded[(coded["care_area_id"] == area) & (coded["coding"] == "improvement-work")]
        assert counts.loc[area, "systems_with_work"] == working["system_id"].isin(peers).sum()
