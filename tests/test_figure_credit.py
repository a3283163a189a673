"""A figure cites itself: its caption's opening sentence, the edition's address when it is
published, the report credited; the exported PNG and SVG carry the title and source inside."""

from __future__ import annotations

import struct
import zlib
from xml.etree import ElementTree

from ics_evidence.analysis import figure_credit, file_text
from ics_evidence.citation_file import Credit
from ics_evidence.citation_file import figure_credit as credit_of
from tests.helpers import ROOT

SOURCE = """# A chapter

```{glue:figure} scale-population
:name: fig-scale-population

Population served by each {term}`ICS <integrated care system>`, as its *source* states it. The
second sentence is not the title.
```

```{glue:figure} other
:name: fig-other

Another caption.
```
"""
HOSTILE = 'A <b>bold</b> & "quoted" title'
CREDIT = Credit("An edition: subtitle", "", "Ham (2023), The report, NHS Confederation", "CC BY 4.0")


def test_the_caption_is_the_directives_own_as_plain_words():
    caption = figure_credit.caption_of(SOURCE, "scale-population")
    assert caption.startswith("Population served by each ICS, as its source states it. The second")
    assert figure_credit.first_sentence(caption) == "Population served by each ICS, as its source states it"
    assert figure_credit.caption_of(SOURCE, "other") == "Another caption."
    assert figure_credit.caption_of(SOURCE, "missing") == ""


def test_a_long_first_sentence_is_cut_at_a_word():
    title = figure_credit.first_sentence("word " * 60, limit=50)
    assert title.endswith("word…") and len(title) <= 51


def test_the_address_is_the_editions_own_once_published_else_the_page_in_the_book():
    page = figure_credit.figure_citation(CREDIT, "1.2.0", "T", "book/x.html", "figure-a")
    assert page.url == "book/x.html#figure-a"
    published = Credit(CREDIT.edition, "https://example.org/ics/", CREDIT.report, CREDIT.licence)
    assert figure_credit.figure_citation(published, "1.2.0", "T", "book/x.html", "figure-a").url == (
        "https://example.org/ics/v1.2.0/book/x.html#figure-a"
    )
    assert page.cite_as == "An edition: subtitle, version 1.2.0"
    assert page.source == "Data from Ham (2023), The report, NHS Confederation. Figure: CC BY 4.0"


def test_the_shipped_credit_names_the_report_and_the_licence():
    credit = credit_of(ROOT)
    assert credit.report.startswith("Ham (2023), Improving health and care at scale")
    assert "NHS Confederation" in credit.report and credit.licence == "CC BY 4.0"


def _text_chunks(png: bytes) -> dict[str, str]:
    found, at = {}, 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, data = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", png[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + data), kind
        if kind == b"iTXt":
            key, rest = data.split(b"\0", 1)
            found[key.decode()] = rest[4:].decode("utf-8")  # flag, method, empty language and keyword
        at += 12 + length
    return found


def test_exports_carry_the_title_and_source_inside_them():
    import vl_convert

    spec = {"data": {"values": [{"a": 1}]}, "mark": "bar", "encoding": {"x": {"field": "a", "type": "quantitative"}}}
    citation = figure_credit.figure_citation(CREDIT, "1.2.0", HOSTILE, "book/x.html", "figure-a")
    fields = citation.metadata()
    labelled = figure_credit.labelled_spec(spec, citation)
    png = file_text.png_with_text(vl_convert.vegalite_to_png(labelled), fields)
    assert _text_chunks(png) == fields and fields["Title"] == HOSTILE
    assert "CC BY 4.0" in fields["Source"] and "version 1.2.0" in fields["Source"]
    svg = file_text.svg_with_text(vl_convert.vegalite_to_svg(labelled), fields)
    root = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root[0].tag == f"{ns}title" and root[0].text == HOSTILE and root[1].text == fields["Source"]
    assert not root.findall(f".//{ns}b")
    drawn = " ".join("".join(t.itertext()) for t in root.iter(f"{ns}text"))
    assert HOSTILE.split()[0] in drawn and "Ham (2023)" in drawn, "the title and source are drawn, too"
