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

from ics_evidence.analysis import charts
from ics_evidence.analysis.common import quote as quote  # notebooks import it from here
from ics_evidence.analysis.tables import table_html
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
    for name in own:
        tables[name] = tables[name][tables[name]["system_id"] == system_id].reset_index(drop=True)
    return tables


def package_version(data_dir: str | Path) -> str:
    return read_package(Path(data_dir)).version


def show_table(frame: pd.DataFrame, caption: str, *, numeric: Iterable[str] = ()) -> None:
    display(HTML(table_html(frame, caption, numeric=numeric)))


def figure(name: str, chart, data: pd.DataFrame, *, table_caption: str | None = None) -> None:
    """Glue ``chart`` and its data table under ``name`` for a ``{glue:figure}`` directive."""
    from myst_nb import glue

    spec = chart.to_dict()
    caption = table_caption or spec.get("description", "")
    content = charts.render_html(spec) + charts.data_table(data, caption)
    glue(name, HTML(content), display=False)


def value(name: str, number) -> None:
    """Export a number for prose (``{glue:text}`name:,.0f```), so no figure is typed by hand."""
    from myst_nb import glue

    glue(name, number, display=False)
