"""Sphinx extension: stamp every page with the edition from releases.yml.

Listed in ``_config.yml``'s extensions, it puts the version and date in the footer of every
page and offers ``{{ edition_version }}`` and ``{{ edition_date }}`` to the Markdown pages, so
no page types the version by hand.
"""

from __future__ import annotations

import html
from pathlib import Path

from ics_evidence.build.edition import long_date, read_releases


def _stamp(app, config) -> None:
    releases = read_releases(Path(app.srcdir))
    if releases:
        version, date, doi = releases[0].version, long_date(releases[0].date), releases[0].doi
    else:
        version, date, doi = "unreleased draft", "not yet released", None
    footer = f"Edition {html.escape(version)}, {html.escape(date)}"
    if doi:
        footer += f' · DOI <a href="https://doi.org/{html.escape(doi)}">{html.escape(doi)}</a>'
    config.html_theme_options = {**config.html_theme_options, "extra_footer": f'<p class="ics-edition">{footer}</p>'}
    config.myst_substitutions = {
        **getattr(config, "myst_substitutions", {}),
        "edition_version": version,
        "edition_date": date,
        "edition_doi": doi or "not yet minted",
    }
    config.version = config.release = version


def setup(app):
    app.connect("config-inited", _stamp, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
