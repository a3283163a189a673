"""The report and this edition's data are two things: what sentences about each may say.

The report presents a fixed set of case studies (how many, how many leaders were interviewed,
when it was published: ``data/report_facts.csv``, each row stated by its quote). This edition's
data may hold more systems than that, from other documents (``systems.evidence_origin`` says
where each system's evidence comes from). A sentence about the report uses :func:`facts`; a
sentence about the data counts the data; neither stands in for the other, so adding a ninth
system from its own annual report changes the data's counts and no sentence about the report.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ics_evidence.analysis.stated import QUALIFIER_WORDS
from ics_evidence.analysis.text import blank
from ics_evidence.data.report_facts import REPORT_FACTS

# systems.evidence_origin, as a reader is told where a system's evidence comes from.
REPORT_CASE_STUDY = "report-case-study"
ORIGIN_LABELS = {
    REPORT_CASE_STUDY: "one of the report's case studies",
    "earlier-case-study": "the earlier quality-oversight case studies",
    "own-document": "its own document",
}


class MissingFact(KeyError):
    """A fact the book's sentences about the report need is not in report_facts."""

    def __str__(self) -> str:
        return f"data/report_facts.csv has no row {self.args[0]!r}, which the book's sentences about the report use"


@dataclass(frozen=True)
class Fact:
    fact_id: str
    value: float | None
    qualifier: str
    unit: str
    date: pd.Timestamp | None
    source_id: str
    section: str
    quote: str

    @property
    def count(self) -> int:
        if self.value is None or not float(self.value).is_integer():
            raise ValueError(f"report fact {self.fact_id!r} is not a count")
        return int(self.value)


def _count_text(n: int) -> str:
    from ics_evidence.analysis.stated import number_word

    return number_word(n)


def facts(tables: dict[str, pd.DataFrame]) -> dict[str, Fact]:
    """Every row of ``report_facts`` by id; raises :class:`MissingFact` if one the book needs is absent."""
    found = {}
    for row in tables["report_facts"].itertuples(index=False):
        value = None if pd.isna(row.value) else float(row.value)
        date = None if pd.isna(row.date) else pd.Timestamp(row.date)
        qualifier = "" if pd.isna(row.qualifier) else str(row.qualifier)
        unit = "" if pd.isna(row.unit) else str(row.unit)
        found[row.fact_id] = Fact(row.fact_id, value, qualifier, unit, date, row.source_id, row.section, row.quote)
    for name in REPORT_FACTS:
        if name not in found:
            raise MissingFact(name)
    return found


def phrase(fact: Fact, *, unit: bool = False) -> str:
    """A fact as running text writes it, its hedge kept: 'eight', 'around 40', 'up to six',
    with ``unit`` 'around one year'; a date as '21 November 2023'."""
    if fact.date is not None:
        return f"{fact.date.day} {fact.date.strftime('%B %Y')}"
    words = "up to" if fact.qualifier == "up-to" else QUALIFIER_WORDS.get(fact.qualifier, fact.qualifier)
    text = f"{words} {_count_text(fact.count)}".strip()
    if unit and fact.unit:
        text += " " + (fact.unit.removesuffix("s") if fact.count == 1 else fact.unit)
    return text


def statements(tables: dict[str, pd.DataFrame]) -> dict[str, object]:
    """The values that sentences about the report paste ({glue:text}), by glue name.

    ``report-*`` come from ``report_facts`` only, never from a count of the data;
    ``data-systems-origin`` says how many of this edition's systems are the report's case
    studies, and ``sources-alongside`` how many documents came out with the report.
    """
    every = facts(tables)
    case_studies = every["case-studies"].count
    published = every["publication-date"].date
    systems = tables["systems"]
    origins = systems["evidence_origin"] if "evidence_origin" in systems.columns else pd.Series(dtype=str)
    from_report = int((origins == REPORT_CASE_STUDY).sum())
    return {
        "report-case-studies": case_studies,
        "report-case-studies-word": _count_text(case_studies),
        "report-leaders-interviewed": phrase(every["leaders-interviewed"]),
        "report-interviewees-per-system": phrase(every["interviewees-per-system"]),
        "report-roundtables-word": phrase(every["roundtables"]),
        "report-statutory-age": phrase(every["statutory-age-at-fieldwork"], unit=True),
        "report-published": phrase(every["publication-date"]),
        "report-year": published.year,
        "data-systems-origin": systems_origin_sentence(len(systems), from_report),
        "sources-alongside": sources_alongside(tables, published.year),
    }


def systems_origin_sentence(systems: int, from_report: int) -> str:
    """Which of this edition's systems are the report's case studies, as one sentence."""
    total = _count_text(systems)
    if from_report == systems:
        return f"Each of the {total} systems in this edition's data is one of the report's case studies."
    others = systems - from_report
    rest = "the other comes from another document" if others == 1 else "the others come from other documents"
    ours = _count_text(from_report)
    return f"Of the {total} systems in this edition's data, {ours} are the report's case studies; {rest}."


def sources_alongside(tables: dict[str, pd.DataFrame], year: int) -> str:
    """How many of the edition's documents came out with the report, itself included, for
    "N public documents, all but one published alongside the report": 'all', 'all but one',
    'four of them'. A document of another year (the earlier case studies, a system's own
    annual report) was not published alongside it."""
    sources = tables["sources"]
    alongside = int((pd.to_numeric(sources["year"], errors="coerce") == year).sum())
    others = len(sources) - alongside
    if others == 0:
        return "all"
    if others == 1:
        return "all but one"
    return f"{_count_text(alongside)} of them" if alongside else "none of them"


def origin_of(system: pd.Series, sources: pd.DataFrame) -> str:
    """Where one system's evidence comes from, for a caption or label: "one of the report's
    case studies", or the title and year of the document its row cites."""
    origin = system.get("evidence_origin", REPORT_CASE_STUDY)
    if origin == REPORT_CASE_STUDY:
        return ORIGIN_LABELS[REPORT_CASE_STUDY]
    row = sources[sources["source_id"] == system["source_id"]]
    if row.empty:
        return ORIGIN_LABELS.get(origin, str(origin))
    title, year = row.iloc[0]["title"], row.iloc[0]["year"]
    return f"{title} ({int(year)})" if not pd.isna(year) else str(title)


def origin_sentence(system: pd.Series, sources: pd.DataFrame) -> str:
    """The profile's sentence on where the system's evidence comes from."""
    where = origin_of(system, sources)
    if system.get("evidence_origin", REPORT_CASE_STUDY) == REPORT_CASE_STUDY:
        return f"The system is {where}."
    return f"The system is not one of the report's case studies: its evidence comes from {where}."


def profile_lede(system: pd.Series, sources: pd.DataFrame, version: str) -> str:
    """The profile's opening paragraph (also the page's description in search results and link
    previews): what the system's story is called and where its evidence comes from, in words, with
    no ids."""
    name, title = system["name"], system.get("case_study_title")
    title = "" if blank(title) else str(title)
    if system.get("evidence_origin", REPORT_CASE_STUDY) == REPORT_CASE_STUDY:
        opening = (
            f"The report's case study of {name} is titled “{title}”."
            if title
            else (f"{name} is {ORIGIN_LABELS[REPORT_CASE_STUDY]}.")
        )
    else:
        where = origin_of(system, sources)
        opening = f"{name} is not one of the report's case studies: its evidence comes from {where}."
        if title:
            opening += f" Its source titles its account “{title}”."
    return (
        f"{opening} This profile gathers what the sources say about the system, from the data package of "
        f"edition {version}: every value is computed from the data, and each row's evidence is a short "
        "quotation from the source it names."
    )
