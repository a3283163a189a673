"""Text the reader's pages share: data values as text for a template to escape, ids checked
before they enter a link or an HTML id, and people named with the roles the sources give them."""

from __future__ import annotations

import re

import pandas as pd

ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def checked_id(value: str) -> str:
    """An id safe in a URL or an HTML id: the schema's pattern, enforced again here."""
    value = str(value)
    if not ID.match(value):
        raise ValueError(f"not an id: {value!r}")
    return value


def as_text(value) -> str:
    """A data value as a template is given it: its text, or '' when the data hold none (a
    template would otherwise show a missing value as "nan"). The template escapes it."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def blank(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or str(value) == ""


def people(system: pd.Series) -> list[tuple[str, str, str]]:
    """(term, text, quotation) for who leads a system and who chairs its board, as the source
    gives them: a programme's lead ("Jane Hogg, senior responsible officer of the programme"),
    else the ICB's chief executive; a board chair with the role the source gives."""
    out = []
    if not blank(system.get("lead")):
        role = "" if blank(system.get("lead_role")) else f", {system['lead_role']}"
        out.append(("Who leads", f"{system['lead']}{role}", system.get("lead_quote")))
    elif not blank(system.get("chief_executive")):
        out.append(("Who leads", f"{system['chief_executive']}, chief executive", system.get("chief_executive_quote")))
    if not blank(system.get("chair")):
        role = "" if blank(system.get("chair_role")) else f", {system['chair_role']}"
        out.append(("Board chair", f"{system['chair']}{role}", system.get("chair_quote")))
    return out


def who_leads(system: pd.Series) -> str:
    """The "Who leads" text of :func:`people` (empty when the sources name no one)."""
    return next((text for term, text, _ in people(system) if term == "Who leads"), "")


def speaker_of(row) -> str:
    """Whose remark a lesson is ("Fiona Edwards, chief executive of Frimley ICB"), or ''."""
    speaker = getattr(row, "speaker", None)
    if blank(speaker):
        return ""
    role = getattr(row, "speaker_role", None)
    return f"{speaker}, {role}" if not blank(role) else str(speaker)
