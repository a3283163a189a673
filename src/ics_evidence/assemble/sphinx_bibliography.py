"""Sphinx extension: the references list labels each work by author and year ("Ham 2023a"),
as the in-text citations name it, instead of pybtex's alpha labels ("Ham3a", "Unattributed21").

sphinxcontrib-bibtex formats the list with a pybtex style; this registers ``ics``, the plain
style with an author–year label style, and sets it as the book's default. The year is the
entry's own ``year`` field, which already tells two works of one author and year apart
(``2023a``, ``2023b``; see ``book/references.bib``); labels still alike get a letter each.
"""

from __future__ import annotations

from collections import Counter

from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle


def _name(person) -> str:
    # A corporate author is written in braces ({NHS Confederation}) so it stays one name.
    return " ".join(" ".join(person.prelast_names + person.last_names).replace("{", "").replace("}", "").split())


def author_year(entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_name(p) for p in people]
    if not names:
        who = entry.fields.get("organization") or entry.fields.get("publisher") or entry.fields.get("title", "")
        names = [" ".join(str(who).replace("{", "").replace("}", "").split()[:3])]
    who = names[0] if len(names) == 1 else f"{names[0]} and {names[1]}" if len(names) == 2 else f"{names[0]} et al."
    year = " ".join(str(entry.fields.get("year", "n.d.")).split())
    return f"{who} {year}".strip()


class AuthorYearLabels(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        labels = [author_year(entry) for entry in sorted_entries]
        count, seen = Counter(labels), Counter()
        for label in labels:
            if count[label] == 1:
                yield label
            else:
                yield label + chr(ord("a") + seen[label])
                seen[label] += 1


class Style(PlainStyle):
    default_label_style = AuthorYearLabels


def _default_style(app, config) -> None:
    config.bibtex_default_style = "ics"


def setup(app):
    register_plugin("pybtex.style.formatting", "ics", Style)
    app.connect("config-inited", _default_style)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
