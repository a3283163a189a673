"""Who leads, who chairs, whose remark: issue 17's Thames Valley and Surrey correction.

The report says the programme is led by Jane Hogg, its senior responsible officer; Fiona
Edwards chairs its shared care record board (one of the system chief executives: Frimley
ICB's). Her remarks in the report's general Implications section are hers, attributed to
Frimley ICB, not the programme's barrier and lessons."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ics_evidence import validate_package
from ics_evidence.analysis import compare, explore, profile, recommendations
from ics_evidence.data.csvfiles import edit_cell

TVS = "thames-valley-and-surrey"
REMARKS = ("tvs-improvement-next-big-thing", "tvs-people-based-approach", "tvs-difficult-conversations")


def _problems(data: Path) -> list[tuple]:
    return [(Path(p.file).name, p.row, p.column, p.value, p.rule) for p in validate_package(data)]


def test_the_programme_profile_opens_with_its_lead_and_its_board_chair(shipped_tables):
    page = profile.at_a_glance_html(shipped_tables, TVS)
    assert "<dt>Who leads</dt><dd>Jane Hogg, senior responsible officer of the programme</dd>" in page
    assert "<dt>Board chair</dt><dd>Fiona Edwards, chairs the shared care record board" in page
    assert "Fiona Edwards, chief executive</dd>" not in page
    assert "led by Jane Hogg" in page and "chaired by Fiona Edwards" in page  # each with its quotation


def test_an_ics_is_still_led_by_its_chief_executive(shipped_tables):
    page = profile.at_a_glance_html(shipped_tables, "dorset")
    assert "<dt>Who leads</dt><dd>Patricia Miller, chief executive</dd>" in page
    assert "Board chair" not in page


def test_compare_says_who_leads_each_system(shipped_tables):
    ids, _header, rows = compare.compare_rows(shipped_tables)
    leads = dict(zip(ids, next(row for row in rows if row[0] == "Who leads")[1:], strict=True))
    assert leads[TVS] == "Jane Hogg, senior responsible officer of the programme"
    assert leads["dorset"] == "Patricia Miller, chief executive"


def test_remarks_from_the_general_sections_are_the_speakers_not_the_programmes(shipped_tables):
    lessons = shipped_tables["lessons"].set_index("lesson_id")
    for lesson in REMARKS:
        assert pd.isna(lessons.loc[lesson, "system_id"])
        assert lessons.loc[lesson, "speaker"] == "Fiona Edwards"
        assert lessons.loc[lesson, "speaker_role"] == "chief executive of Frimley ICB"
    # No lesson of any system from the report's general sections carries a speaker.
    own = lessons[lessons["system_id"].notna() & lessons["speaker"].notna()]
    assert own.empty


def test_a_remark_is_shown_as_its_speakers_view(shipped_tables):
    context = recommendations.recommendation_context(shipped_tables)
    row = next(r for r in context["cross"].itertuples(index=False) if r.lesson_id == REMARKS[0])
    html = recommendations.lesson_list_html(pd.DataFrame([row._asdict()]), context)
    assert "the view of Fiona Edwards, chief executive of Frimley ICB" in html
    items = explore.explore_items(shipped_tables)
    item = next(i for i in items["Item"] if "lesson-" + REMARKS[0] in i)
    assert item.startswith("<strong>The view of Fiona Edwards, chief executive of Frimley ICB</strong>: ")


def test_a_remark_filed_under_a_case_study_it_is_not_from_is_refused(data_copy):
    edit_cell(data_copy / "lessons.csv", {"lesson_id": REMARKS[1]}, "system_id", TVS)
    found = [p for p in _problems(data_copy) if p[0] == "lessons.csv"]
    assert [(p[2], p[3], p[4]) for p in found] == [("system_id", TVS, "attribution")]


def test_each_person_is_named_in_their_quotation_with_a_role(data_copy):
    edit_cell(data_copy / "systems.csv", {"system_id": TVS}, "lead", "Fiona Edwards")
    edit_cell(data_copy / "systems.csv", {"system_id": TVS}, "chair_role", "")
    edit_cell(data_copy / "lessons.csv", {"lesson_id": REMARKS[0]}, "speaker_quote", "")
    found = {(p[0], p[2], p[4]) for p in _problems(data_copy)}
    assert ("systems.csv", "lead", "person-named") in found
    assert ("systems.csv", "chair_role", "attribution") in found
    assert ("lessons.csv", "speaker_quote", "evidence") in found  # required with a speaker
