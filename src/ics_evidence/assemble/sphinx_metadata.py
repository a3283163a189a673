"""Sphinx extension: each page's description and OpenGraph tags, written from its own lede.

A shared link or a search result shows a page's title and description. The description is the
page's first paragraph of prose (its lede), cut at the end of a sentence, or at a word with an
ellipsis, so it never stops mid-word and never carries a figure's caption or a table. ``og:url``
is an absolute address or absent: where the edition is published is one setting, ``url`` in
``CITATION.cff`` (absent until it is published at a fixed address; the citations use it too),
and a relative ``og:url`` would be invalid. Written here rather than by sphinxext-opengraph, which cuts the
description at a fixed length mid-word and always writes ``og:url``, relative when no address is
set. The tags are a template, so page text reaches them escaped.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

from docutils import nodes

from ics_evidence.assemble.citation import edition_url
from ics_evidence.assemble.edition import read_releases
from ics_evidence.citation_file import read_citation
from ics_evidence.templating import render

DESCRIPTION_MAX = 200  # characters: what search results and link previews show whole
SHORTEST_SENTENCE_CUT = 80  # a cut at a sentence end shorter than this says too little
_SENTENCE_END = re.compile(r"[.?!](?=\s)")
_SKIPPED = (nodes.Admonition, nodes.Invisible, nodes.caption, nodes.table, nodes.figure, nodes.raw)


def lede(doctree: nodes.document) -> str:
    """The text of the page's first paragraph of prose (not in a box, caption, table or figure)."""
    for paragraph in doctree.findall(nodes.paragraph):
        parent, skipped = paragraph.parent, False
        while parent is not None:
            if isinstance(parent, _SKIPPED) or "cell_output" in parent.get("classes", []):
                skipped = True
                break
            parent = parent.parent
        words = " ".join(paragraph.astext().split())
        if not skipped and words:
            return words
    return ""


def description(text: str, limit: int = DESCRIPTION_MAX) -> str:
    """``text`` whole if it fits, else cut after its last sentence that fits, else at a word."""
    if len(text) <= limit:
        return text
    ends = [match.end() for match in _SENTENCE_END.finditer(text) if match.end() <= limit]
    if ends and ends[-1] >= SHORTEST_SENTENCE_CUT:
        return text[: ends[-1]]
    cut = text[: limit - 1]
    return cut[: cut.rfind(" ")].rstrip(" ,;:—–-") + "…" if " " in cut else cut + "…"


def _read_edition(app) -> None:
    root = Path(app.srcdir)
    cff, releases = read_citation(root), read_releases(root)
    app.ics_site_name = cff["title"]
    app.ics_edition_url = edition_url(cff["url"], releases[0].version) if cff.get("url") and releases else ""


def _page_meta(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is None:  # Sphinx's own pages (search, index) have no document
        return
    title = doctree.next_node(nodes.title)
    url = urljoin(app.ics_edition_url, app.builder.get_target_uri(pagename)) if app.ics_edition_url else ""
    # Sphinx's own tags are a plain string: added to as text (Markup + str would escape them).
    context["metatags"] = context.get("metatags", "") + str(
        render(
            "page_meta.html",
            title=title.astext() if title else context.get("title", ""),
            site_name=app.ics_site_name,
            description=description(lede(doctree)),
            url=url,
        )
    )


def setup(app):
    app.connect("builder-inited", _read_edition)
    app.connect("html-page-context", _page_meta)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
