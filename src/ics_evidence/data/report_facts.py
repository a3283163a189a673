"""Facts about the report itself (data/report_facts.csv), and where each system's evidence
comes from (systems.evidence_origin): the rules the validator adds for them.

The report and this edition's data are two things. The report presents a fixed number of case
studies, interviewed around 40 leaders and was published on one date; the data may grow (a
ninth system from its own annual report is not one of the report's case studies). Sentences
about the report therefore use the rows of ``report_facts``, each stated by its quotation, and
counts of systems come from the data. These rules hold the facts to their quotes and the
systems' declared origin to the document their row cites.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from ics_evidence.data.evidence import normalise

# The facts the book's sentences about the report use (src/ics_evidence/analysis/report.py).
REPORT_FACTS = (
    "case-studies",
    "leaders-interviewed",
    "interviewees-per-system",
    "roundtables",
    "statutory-age-at-fieldwork",
    "publication-date",
)

# systems.evidence_origin values. A report case study cites one of the report's own documents
# (those report_facts cites); an earlier case study cites the earlier case studies (document
# type case-studies); a system from its own document cites neither.
ORIGINS = ("report-case-study", "earlier-case-study", "own-document")
EARLIER = "case-studies"

Add = Callable[[str, int | None, str | None, str | None, str, str], None]


def stated_date(quote: str, date: dt.date) -> bool:
    """True when the quote gives ``date`` as day, month name and year ("21 November 2023")."""
    text = normalise(quote)
    pattern = rf"\b0?{date.day} {date.strftime('%B')},? {date.year}\b"
    return re.search(pattern, text, re.I) is not None


def check(tables: dict, shown: Callable[[str], str], add: Add) -> None:
    """Problems of ``report_facts`` and of ``systems.evidence_origin`` (``add`` records one)."""
    facts = tables.get("report_facts")
    if facts is not None:
        where = shown("report_facts")
        present = set()
        for row in facts:
            present.add(row.raw["fact_id"])
            value, date = row.values.get("value"), row.values.get("date")
            if (value is None) == (date is None):
                add(where, row.number, "value", row.raw["value"], "report-fact", "give exactly one of value and date")
            if value is not None:
                qualifier = row.raw["qualifier"]
                if qualifier == "":  # its agreement with the quote is the rule qualifier-stated
                    add(where, row.number, "qualifier", "", "report-fact", "a value needs a qualifier (exact, around)")
            if date is not None and not stated_date(row.raw["quote"], date):
                add(where, row.number, "date", row.raw["date"], "value-stated", "the quote does not state this date")
        for fact in REPORT_FACTS:
            if fact not in present:
                add(where, None, "fact_id", fact, "report-fact", "the book's sentences about the report need this fact")

    systems = tables.get("systems")
    if systems is None or "sources" not in tables:
        return
    types = {row.raw["source_id"]: row.raw["document_type"] for row in tables["sources"]}
    reports = {row.raw["source_id"] for row in facts or []}
    for row in systems:
        origin, source = row.raw.get("evidence_origin"), row.raw["source_id"]
        if origin not in ORIGINS or source not in types:
            continue  # missing, outside the enum or an unknown source: the schema's own rules report it
        if origin == "report-case-study":
            fits, wanted = source in reports, f"one of the report's documents ({', '.join(sorted(reports))})"
        elif origin == "earlier-case-study":
            fits, wanted = types[source] == EARLIER, f"a document of type {EARLIER}"
        else:
            fits, wanted = source not in reports and types[source] != EARLIER, "a document of its own"
        if not fits:
            add(
                shown("systems"), row.number, "evidence_origin", origin, "consistency",
                f"this origin needs the row to cite {wanted}, not {source}",
            )  # fmt: skip
    if facts is not None:
        stated = next((row.values["value"] for row in facts if row.raw["fact_id"] == "case-studies"), None)
        counted = sum(1 for row in systems if row.raw.get("evidence_origin") == "report-case-study")
        if stated is not None and counted > stated:
            add(
                shown("systems"), None, "evidence_origin", "report-case-study", "consistency",
                f"{counted} systems are marked as the report's case studies, but it presents {stated:g}",
            )  # fmt: skip
