"""Who a system's row names, and whose remark a lesson is: the validator's attribution rules.

A programme is led by its lead (Thames Valley and Surrey by its senior responsible officer),
not by a chief executive of one of its systems; a board chair is shown as the chair. A remark
the report quotes in its general sections (*Implications*, *Emerging themes*) is the speaker's,
attributed to their organisation (``lessons.speaker`` and ``speaker_role``), not a barrier or
lesson of a case study: a lesson with a speaker may name a system only when it comes from that
system's own case study. Each person must be named in the quotation given for them.
"""

from __future__ import annotations

from collections.abc import Callable

from ics_evidence.data.field_rules import check_person

Add = Callable[[str, int | None, str | None, str | None, str, str], None]

# (table, person column, role column, quotation column)
PEOPLE = (
    ("systems", "lead", "lead_role", "lead_quote"),
    ("systems", "chair", "chair_role", "chair_quote"),
    ("lessons", "speaker", "speaker_role", "speaker_quote"),
)
CASE_STUDIES = "Case studies > "


def check(tables: dict, shown: Callable[[str], str], add: Add) -> None:
    for table, person, role, quote in PEOPLE:
        for row in tables.get(table, []):
            if person not in row.raw or row.raw[person] == "":
                continue
            if row.raw.get(role, "") == "":
                add(shown(table), row.number, role, "", "attribution", f"give the role of {row.raw[person]!r}")
            problem = check_person(row.raw[person], row.raw.get(quote, ""))
            if problem and row.raw.get(quote, ""):
                add(shown(table), row.number, person, row.raw[person], "person-named", problem)
    # A system's own case study: the section its systems row cites, in a document of many cases.
    own = {
        row.raw["system_id"]: (row.raw["source_id"], row.raw["section"])
        for row in tables.get("systems", [])
        if row.raw["section"].startswith(CASE_STUDIES)
    }
    for row in tables.get("lessons", []):
        system, speaker = row.raw.get("system_id", ""), row.raw.get("speaker", "")
        if not system or not speaker or system not in own:
            continue
        source, case_study = own[system]
        section = row.raw["section"]
        if row.raw["source_id"] == source and not (section == case_study or section.startswith(case_study + " > ")):
            add(
                shown("lessons"), row.number, "system_id", system, "attribution",
                f"a remark by {speaker} outside {system}'s case study ({section}) is the speaker's: "
                "leave system_id empty and give their organisation in speaker_role",
            )  # fmt: skip
