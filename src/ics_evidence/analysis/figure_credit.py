"""A figure that cites itself: its caption's opening sentence, where it can be read for good,
and the credit, on the page's cite line and inside the PNG and SVG a reader downloads.

The caption is the one a notebook's ``{glue:figure}`` directive gives in the chapter's MyST
source (the notebook's own source, which its fingerprint covers, so an edited caption reruns
it). The credit (the edition's title, published address, the report and the licence) comes from
``CITATION.cff`` through :func:`ics_evidence.citation_file.figure_credit`; the files carry it
by :mod:`ics_evidence.analysis.file_text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ics_evidence.analysis.charts import label_lines
from ics_evidence.citation_file import Credit, edition_url

_DIRECTIVE = re.compile(r"^(`{3,}|:{3,})\{glue:figure\}\s+(?P<name>\S+)[ \t]*\n(?P<body>.*?)^\1[ \t]*$", re.M | re.S)
_ROLE = re.compile(r"\{[a-z:]+\}`([^`<]*?)(?:\s*<[^`>]*>)?`")  # {term}`ICSs <ICS>` -> ICSs
_SENTENCE_END = re.compile(r"[.?!](?=\s|$)")


def caption_of(source: str, name: str) -> str:
    """The caption of the ``{glue:figure} name`` directive in a MyST ``source``, as plain words."""
    for match in _DIRECTIVE.finditer(source):
        if match.group("name") == name:
            lines = [line for line in match.group("body").splitlines() if not line.startswith(":")]
            text = _ROLE.sub(r"\1", " ".join(lines))
            return " ".join(text.replace("*", "").replace("`", "").split())
    return ""


def first_sentence(text: str, limit: int = 160) -> str:
    """The caption's opening sentence (a figure's title), cut at a word if it runs long."""
    end = _SENTENCE_END.search(text)
    sentence = text[: end.start()] if end else text
    if len(sentence) > limit:
        sentence = sentence[: sentence.rfind(" ", 0, limit)].rstrip(" ,;:") + "…"
    return sentence


@dataclass(frozen=True)
class FigureCitation:
    title: str
    cite_as: str  # the edition and its version
    url: str  # absolute when the edition's address is known, else the page's path in the book
    source: str  # the data's source and the licence, one line

    def metadata(self) -> dict[str, str]:
        """What the exported files carry (PNG text chunks, SVG title and description)."""
        return {"Title": self.title, "Source": f"{self.cite_as}, {self.url}. {self.source}"}


def figure_citation(credit: Credit, version: str, title: str, page: str, anchor: str) -> FigureCitation:
    base = edition_url(credit.site_url, version) if credit.site_url and version else ""
    source = f"Data from {credit.report}. Figure: {credit.licence}" if credit.licence else f"Data from {credit.report}"
    return FigureCitation(title, f"{credit.edition}, version {version}", f"{base}{page}#{anchor}", source)


def labelled_spec(spec: dict, citation: FigureCitation) -> dict:
    """The chart as exported: titled, with the source line under the title, as a figure lifted
    from the page should be (Our World in Data's exports are the model)."""
    return {
        **spec,
        "title": {"text": label_lines(citation.title, 80), "subtitle": label_lines(citation.metadata()["Source"], 110),
                  "anchor": "start", "fontSize": 14, "subtitleFontSize": 11, "subtitlePadding": 4, "offset": 12},
    }  # fmt: skip
