"""Whom a recommendation is addressed to, held to the report's words: the validator rule
"addressee-named".

A ``lesson_audiences`` row says the report addresses a cross-system recommendation to an
addressee of the ``audiences`` codebook. The data description allows that only where the
lesson's own quotation or the section it cites names the addressee, so the rule asks that the
text of that section (from ``sections.csv``; the quotation lies inside it, rule
"quote-in-section") contain one of the addressee's ``terms``: the names the report gives it
(case ignored, at the start of a word). It is a
necessary condition, not a sufficient one: a section that names a body does not by that alone
address the recommendation to it, which stays the coder's reading. A lesson whose source text
is not at hand is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ics_evidence.data.evidence import normalise

Add = Callable[[str, int | None, str | None, str | None, str, str], None]


def terms_of(raw: str) -> list[str]:
    """An addressee's names, from its ``terms`` cell (separated by '|'), normalised and casefolded."""
    return [normalise(t).casefold() for t in raw.split("|") if t.strip()]


def names_any(text: str, terms: list[str]) -> bool:
    text = normalise(text).casefold()
    return any(re.search(rf"(?<!\w){re.escape(term)}", text) for term in terms)


def check(tables: dict, regions: dict, shown: Callable[[str], str], add: Add) -> None:
    """Each addressee link rests on a passage that names the addressee."""
    if "lesson_audiences" not in tables or not regions:
        return
    names = {row.raw["audience_id"]: terms_of(row.raw.get("terms", "")) for row in tables.get("audiences", [])}
    lessons = {row.raw["lesson_id"]: row.raw for row in tables.get("lessons", [])}
    for row in tables["lesson_audiences"]:
        lesson, audience = lessons.get(row.raw["lesson_id"]), row.raw["audience_id"]
        terms = names.get(audience)
        if lesson is None or terms is None:
            continue  # a broken foreign key, reported as such
        parts = regions.get(lesson.get("source_id", ""), {}).get(lesson.get("section", ""))
        if parts is None:
            continue  # the section cannot be read here: the evidence rules say why
        if not terms:
            continue  # terms are required: the schema reports an empty cell
        if any(names_any(part, terms) for part in parts):
            continue
        add(shown("lesson_audiences"), row.number, "audience_id", audience, "addressee-named",
            f"the section {row.raw['lesson_id']} cites ({lesson.get('section', '')}) does not "
            f"name {audience} (none of: {', '.join(terms)}); link an addressee only where the report "
            "names it")  # fmt: skip
