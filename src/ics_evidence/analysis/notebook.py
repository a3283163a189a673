"""What the analysis notebooks call: load declared inputs, show tables and numbered figures.

Notebooks stay thin: a parameters cell, a call to :func:`inputs`, then one line per table or
figure. Everything shown is escaped text (data may contain ``<`` and ``>``), and every figure
is glued with its data table for a numbered ``{glue:figure}`` that other chapters can
cross-reference.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from IPython.display import HTML, display

from ics_evidence.analysis import charts, figure_credit
from ics_evidence.analysis.common import quote as quote  # notebooks import it from here
from ics_evidence.analysis.tables import folded_table_html, table_html
from ics_evidence.citation_file import figure_credit as credit_of
from ics_evidence.data.load import load_package
from ics_evidence.data.schema import read_package
from ics_evidence.manifest import Manifest
from ics_evidence.project import Project


def inputs(
    notebook: str, data_dir: str | Path, *, system_id: str | None = None, manifest: Path | None = None
) -> dict[str, pd.DataFrame]:
    """The validated, typed tables ``notebook`` declares in the pipeline manifest, and no others.

    Tables it declares under ``reads_own_rows`` hold only ``system_id``'s rows, so that what the
    notebook can see is exactly what its staleness is computed from. Also switches on the
    book's chart theme and offline renderer.
    """
    charts.enable()
    # papermill runs notebooks in the project root; an analyst's Jupyter finds it upwards.
    entry = Manifest.read(manifest or Project.find().manifest).entry(notebook)
    whole, own = entry.reads, entry.reads_own_rows
    if own and system_id is None:
        raise ValueError(f"{notebook} reads its own rows of {', '.join(own)}: pass system_id")
    tables = load_package(Path(data_dir), tables=whole + own)
    output = Path(entry.output.format(system_id=system_id) if system_id else entry.output)
    # The chapter's MyST source, whose {glue:figure} directives give the figures' captions.
    source = (Project.find().root / entry.source).read_text(encoding="utf-8")
    _PAGE.update(output=output, version=edition_version(data_dir), source=source)
    for name in own:
        tables[name] = tables[name][tables[name]["system_id"] == system_id].reset_index(drop=True)
    return tables


# The page the running notebook becomes (from the manifest), for the figures' download links.
_PAGE: dict = {}


def edition_version(data_dir: str | Path) -> str:
    """The edition's version, as the data package records it: ``make release`` writes the
    version it adds to releases.yml (which the footer shows) into datapackage.json too, and a
    test holds the two equal. Reading it from the descriptor, which every notebook's fingerprint
    covers, means a release reruns every page that shows the version."""
    return read_package(Path(data_dir)).version


def show_table(frame: pd.DataFrame, caption: str, *, numeric: Iterable[str] = (), folded: bool = False) -> None:
    """Show a table; ``folded``, under a one-line summary the reader opens (:func:`folded_table_html`)."""
    shown = folded_table_html if folded else table_html
    display(HTML(shown(frame, caption, numeric=numeric)))


def figure(name: str, chart, data: pd.DataFrame, *, table_caption: str | None = None) -> None:
    """Glue ``chart`` and its data table under ``name`` for a ``{glue:figure}`` directive."""
    from myst_nb import glue

    spec = chart.to_dict()
    wide, _narrow = charts.split_narrow(spec)  # downloads are drawn from the wide layout
    caption = table_caption or wide.get("description", "")
    content = charts.render_html(spec) + charts.data_table(data, caption) + _figure_tools(name, wide, data)
    glue(name, HTML(content), display=False)


def _figure_tools(name: str, spec: dict, data: pd.DataFrame) -> str:
    """PNG, SVG and CSV downloads of the figure, a permalink and a citation line; the images
    carry the figure's title and source inside them."""
    output = _PAGE.get("output")
    if output is None:  # outside the pipeline (an analyst's own notebook): no site to link into
        return ""
    project = Project.find()
    page = output.with_suffix("")
    title = figure_credit.first_sentence(figure_credit.caption_of(_PAGE["source"], name)) or _spec_title(spec, name)
    citation = figure_credit.figure_citation(
        credit_of(project.root), _PAGE.get("version", ""), title, page.as_posix() + ".html", f"figure-{name}"
    )
    stem = "-".join(page.parts[1:]) + "--" + name
    exported = figure_credit.labelled_spec(spec, citation)
    names = charts.write_downloads(exported, data, project.figures_dir, stem, citation.metadata())
    prefix = "../" * (len(output.parts) - 1)
    return charts.downloads_html(names, prefix, f"figure-{name}", citation)


def _spec_title(spec: dict, name: str) -> str:
    title = spec.get("title") or spec.get("description", name)
    if isinstance(title, dict):
        title = title.get("text", name)
    if isinstance(title, list):
        title = " ".join(str(part) for part in title)
    return figure_credit.first_sentence(str(title))


def claims(items) -> None:
    """Glue every :class:`~ics_evidence.analysis.statements.Claim` of a page under its id."""
    for claim in items:
        value(claim.claim_id, claim.value)


def value(name: str, number) -> None:
    """Export a number for prose (``{glue:text}`name:,.0f```), so no figure is typed by hand."""
    from myst_nb import glue

    glue(name, number, display=False)
