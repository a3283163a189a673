"""Sphinx extension: stamp every page with the edition from releases.yml, mark on each
system's page the values revised since the earlier edition, and write bibliography entries as
list items.

Listed in ``_config.yml``'s extensions, it puts the version and date in the footer of every
page, sets the header's title from ``CITATION.cff`` and offers ``{{ edition_title }}``,
``{{ edition_version }}``, ``{{ edition_date }}`` and the validator's quotation limits to the
Markdown pages (the project's own values, never data), so no page types them by hand. The
revision notices come from ``book/generated/revisions.json`` (written by
:mod:`ics_evidence.assemble.pages`), which every system page declares as a dependency, so a
changed notice rebuilds exactly those pages.
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes

from ics_evidence.assemble.edition import footer_html, long_date, read_releases
from ics_evidence.assemble.markdown import text
from ics_evidence.citation_file import edition_title, short_title
from ics_evidence.data.evidence import QUOTE_MAX_WORDS, QUOTE_MIN_WORDS
from ics_evidence.templating import render


def _stamp(app, config) -> None:
    title = edition_title(Path(app.srcdir))
    # The header shows the title before its subtitle; the front page's heading, the whole title.
    config.html_title = short_title(title)
    releases = read_releases(Path(app.srcdir))
    if releases:
        version, date, doi = releases[0].version, long_date(releases[0].date), releases[0].doi
    else:
        version, date, doi = "unreleased draft", "not yet released", None
    config.html_theme_options = {**config.html_theme_options, "extra_footer": footer_html(version, date, doi)}
    # A substitution's value is parsed as Markdown: each one is literal text (the one escaping rule).
    config.myst_substitutions = {
        **getattr(config, "myst_substitutions", {}),
        "edition_title": text(title),
        "edition_version": text(version),
        "edition_date": text(date),
        "edition_doi": text(doi) if doi else "not yet minted",
        # The validator's limits on a quotation's length, so the method pages state the rule it enforces.
        "quote_min_words": str(QUOTE_MIN_WORDS),
        "quote_max_words": str(QUOTE_MAX_WORDS),
    }
    config.version = config.release = version
    # One date in the footer (the edition's, above), not also Sphinx's build date.
    config.html_last_updated_fmt = None
    # What is the project's and what is the report's (LICENSE.md says it in full).
    year = releases[0].date.year if releases else ""
    config.copyright = (
        f"{year} the ICS improvement evidence project: this edition's text, data structure and code "
        "(CC BY 4.0 and MIT). Quotations from the report and its companion documents remain "
        "© NHS Confederation 2023, reproduced as short attributed extracts"
    ).strip()


SYSTEM_PAGES = "book/systems/"
REVISIONS = Path("book") / "generated" / "revisions.json"


def _depend_on_revisions(app, doctree) -> None:
    if app.env.docname.startswith(SYSTEM_PAGES):
        app.env.note_dependency(str(Path(app.srcdir) / REVISIONS))


def _notices(app, pagename: str) -> list[str]:
    try:
        every = json.loads((Path(app.srcdir) / REVISIONS).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return []
    return every.get(pagename.removeprefix(SYSTEM_PAGES), []) if isinstance(every, dict) else []


def _mark_revisions(app, doctree, docname: str) -> None:
    """Put the page's revision notices under its title, as a fragment rendered from a template
    (every notice is escaped). At write time (``doctree-resolved``), so the notices are never
    kept in Sphinx's cached doctrees: the page is written again when revisions.json changes."""
    if not docname.startswith(SYSTEM_PAGES):
        return
    notices = _notices(app, docname)
    if not notices:
        return
    block = nodes.raw("", render("revisions.html", notices=[str(n) for n in notices]), format="html")
    section = next(iter(doctree.findall(nodes.section)), None)
    title = section.next_node(nodes.title) if section is not None else None
    if title is not None and title.parent is section:
        section.insert(section.index(title) + 1, block)
    else:
        doctree.insert(0, block)


def _visit_citation(self, node) -> None:
    """A bibliography entry as a list item of its list. docutils marks each entry with the
    DPUB-ARIA role doc-biblioentry, deprecated in DPUB-ARIA 1.1, inside a role="list" that then
    has no list items: both fail WCAG 4.1.2 audits. Otherwise as docutils writes it (its
    ``depart_citation`` closes both elements)."""
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append(self.starttag(nodes.container(), "div", CLASS="citation-list", role="list"))
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def setup(app):
    app.connect("config-inited", _stamp, priority=900)
    app.connect("doctree-read", _depend_on_revisions)
    app.connect("doctree-resolved", _mark_revisions)
    app.add_node(nodes.citation, override=True, html=(_visit_citation, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
