"""The page of what the report recommends (notebooks/recommendations.md): the cross-system
lessons grouped by the part of the report they come from, the Where-next priorities, the
recommendations by addressee and the systems that bear each lesson out.

The HTML is the templates ``recommendation_lesson.html``, ``recommendation_lessons.html`` and
``recommendation_audiences.html``, which escape every data value; every link and HTML id is
built from an id checked against the schema's ``[a-z0-9-]`` pattern, so no data text can become
markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from markupsafe import Markup

from ics_evidence.analysis.codebook import KIND_LABELS
from ics_evidence.analysis.text import as_text, blank, checked_id, speaker_of
from ics_evidence.templating import render

# The report's parts that hold cross-system lessons, in the report's order of argument. A
# lesson whose section matches none goes to "elsewhere", so every lesson lands in one group.
GROUPS = (
    ("key-points", "Key points", lambda s: s == "Key points"),
    ("where-next", "Where next?", lambda s: s.startswith("Where next?") or s.startswith("National work should")),
    ("implications", "Implications for systems", lambda s: s.startswith("Drawing out lessons > Implications")),
    ("emerging-themes", "Emerging themes", lambda s: s.startswith("Drawing out lessons > Emerging themes")),
)


ELSEWHERE = ("elsewhere", "Elsewhere in the report")


PRIORITY = re.compile(r"^Where next\? > (\d+)\. (.+)$")


def cross_system_lessons(lessons: pd.DataFrame) -> pd.DataFrame:
    """The lessons drawn across the systems (``system_id`` empty), in file order."""
    return lessons[lessons["system_id"].isna()].reset_index(drop=True)


def group_of(section: str) -> str:
    for key, _, test in GROUPS:
        if test(str(section)):
            return key
    return ELSEWHERE[0]


def lesson_groups(cross: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Cross-system lessons by the part of the report they come from; every row in one group."""
    keys = cross["section"].map(group_of)
    return {key: cross[keys == key].reset_index(drop=True) for key, _, _ in (*GROUPS, (*ELSEWHERE, None))}


def priorities(where_next: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The numbered Where-next priorities, in number order, then the rest of the section
    (lessons that frame the priorities rather than belong to one) under one heading."""
    matches = where_next["section"].map(lambda s: PRIORITY.match(str(s)))
    numbered = {}
    for match in matches.dropna():
        numbered[int(match.group(1))] = match.group(2)
    out = []
    for number in sorted(numbered):
        mask = matches.map(lambda m, n=number: m is not None and int(m.group(1)) == n)
        out.append((f"{number}. {numbered[number]}", where_next[mask].reset_index(drop=True)))
    rest = where_next[matches.isna()].reset_index(drop=True)
    if len(rest):
        out.append(("Framing the priorities", rest))
    return out


def by_audience(cross: pd.DataFrame, links: pd.DataFrame, audiences: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The recommendations grouped by whom the report addresses them to, in the codebook's
    order; recommendations that name no addressee last, so that every one is listed."""
    recommendations = cross[cross["kind"] == "recommendation"]
    out = []
    for audience in audiences.sort_values("order").itertuples(index=False):
        ids = set(links.loc[links["audience_id"] == audience.audience_id, "lesson_id"])
        rows = recommendations[recommendations["lesson_id"].isin(ids)].reset_index(drop=True)
        if len(rows):
            out.append((audience.label, rows))
    unnamed = recommendations[~recommendations["lesson_id"].isin(set(links["lesson_id"]))].reset_index(drop=True)
    if len(unnamed):
        out.append(("No addressee named", unnamed))
    return out


@dataclass
class Bearing:
    """The systems that bear a cross-system lesson out: the theme is central to them, or they
    report a lesson, barrier or enabler of their own on the same theme."""

    central: list[str] = field(default_factory=list)
    own_lessons: list[str] = field(default_factory=list)


def bearings(cross: pd.DataFrame, lessons: pd.DataFrame, coding: pd.DataFrame, systems: pd.DataFrame) -> dict:
    order = list(systems["system_id"])
    result = {}
    for row in cross.itertuples(index=False):
        if blank(row.theme_id):
            result[row.lesson_id] = Bearing()
            continue
        central = set(coding.loc[(coding["theme_id"] == row.theme_id) & (coding["strength"] == 2), "system_id"])
        own = set(lessons.loc[lessons["theme_id"].eq(row.theme_id) & lessons["system_id"].notna(), "system_id"])
        result[row.lesson_id] = Bearing([s for s in order if s in central], [s for s in order if s in own])
    return result


def _systems(ids: list[str], names: dict[str, str]) -> list[dict[str, str]]:
    return [{"id": checked_id(s), "name": as_text(names.get(s, s))} for s in ids]


def lesson_html(row, *, sources: dict[str, str], themes: dict[str, str], names: dict[str, str],
                bearing: Bearing | None, addressees: list[str] = (), prefix: str = "") -> Markup:  # fmt: skip
    """One cross-system lesson as an article: its summary, kind and theme, whom it addresses,
    the systems that bear it out, and its evidence collapsed."""
    bearing = bearing or Bearing()
    return render(
        "recommendation_lesson.html",
        prefix=prefix,
        lesson_id=checked_id(row.lesson_id),
        summary=as_text(row.summary),
        kind_id=checked_id(row.kind),
        kind=as_text(KIND_LABELS.get(row.kind, row.kind)),
        theme=None if blank(row.theme_id) else as_text(themes.get(row.theme_id, row.theme_id)),
        addressees=[as_text(a) for a in addressees],
        speaker=speaker_of(row),
        central=_systems(bearing.central, names),
        own_lessons=_systems(bearing.own_lessons, names),
        quote=as_text(row.quote),
        source=as_text(sources.get(row.source_id, row.source_id)),
        section=as_text(row.section),
    )


def lesson_list_html(rows: pd.DataFrame, context: dict, heading: str | None = None, level: int = 3) -> Markup:
    """A group of lessons, with an optional heading (data text, escaped)."""
    lessons = [
        lesson_html(
            row,
            addressees=context["addressees"].get(row.lesson_id, []),
            bearing=context["bearings"].get(row.lesson_id),
            **context["lookups"],
        )
        for row in rows.itertuples(index=False)
    ]
    # int(): the level is written into the tag's name, so it must be a number.
    return render("recommendation_lessons.html", heading=heading, level=int(level), lessons=lessons)


def audience_index_html(groups: list[tuple[str, pd.DataFrame]]) -> Markup:
    """Whom the recommendations address: each addressee with links to its recommendations."""
    shown = [
        {
            "label": as_text(label),
            "items": [
                {"lesson_id": checked_id(r.lesson_id), "summary": as_text(r.summary)}
                for r in rows.itertuples(index=False)
            ],
        }
        for label, rows in groups
    ]
    return render("recommendation_audiences.html", groups=shown)


def recommendation_context(tables: dict[str, pd.DataFrame], prefix: str = "") -> dict:
    cross = cross_system_lessons(tables["lessons"])
    links = tables["lesson_audiences"]
    labels = tables["audiences"].set_index("audience_id")["label"]
    order = tables["audiences"].set_index("audience_id")["order"]
    addressees: dict[str, list[str]] = {}
    for link in links.sort_values("audience_id", key=lambda s: s.map(order)).itertuples(index=False):
        addressees.setdefault(link.lesson_id, []).append(labels[link.audience_id])
    return {
        "cross": cross,
        "addressees": addressees,
        "bearings": bearings(cross, tables["lessons"], tables["theme_coding"], tables["systems"]),
        "lookups": {
            "sources": dict(zip(tables["sources"]["source_id"], tables["sources"]["title"], strict=True)),
            "themes": dict(zip(tables["themes"]["theme_id"], tables["themes"]["label"], strict=True)),
            "names": dict(zip(tables["systems"]["system_id"], tables["systems"]["name"], strict=True)),
            "prefix": prefix,
        },
    }
