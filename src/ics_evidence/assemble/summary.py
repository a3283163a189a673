"""The one line ``build`` ends with: where the book is, what was rerun, whether Sphinx ran and
whether the quotations were checked against their sources."""

from __future__ import annotations

from pathlib import Path

from ics_evidence.assemble.book_inputs import BookOutcome
from ics_evidence.project import Project, sources_required

SHOWN_NOTEBOOKS = 4


def _shown(path: Path) -> str:
    # absolute(), not resolve(): _build/html is a link to the published tree, and the line
    # names the stable link, not the tree it points to today.
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def notebooks_phrase(ran: list[str], total: int) -> str:
    if not ran:
        return f"no notebook rerun (all {total} up to date)"
    names = ", ".join(ran[:SHOWN_NOTEBOOKS]) + (
        f" and {len(ran) - SHOWN_NOTEBOOKS} more" if len(ran) > SHOWN_NOTEBOOKS else ""
    )
    return f"reran {len(ran)} of {total} notebooks ({names})"


def sphinx_phrase(outcome: BookOutcome) -> str:
    if outcome.sphinx == "skipped":
        return "Sphinx skipped (nothing the book is built from changed)"
    if outcome.sphinx == "built":
        return "Sphinx rebuilt the site" + (f" (log: {_shown(outcome.log)})" if outcome.log else "")
    return f"Sphinx {outcome.sphinx}"


def quotes_phrase(project: Project, sources: Path) -> str:
    # Only --without-sources lets a build through with documents missing (issue 10): say so.
    opted_out = "" if sources_required() else "; built with --without-sources"
    if Path(sources).is_dir():
        return "quotations checked against the sources"
    local = project.local_sources_dir
    documents = [p for p in local.iterdir() if p.is_file() and p.name != "README.md"] if local.is_dir() else []
    if documents:
        missing = _shown(sources)
        only = f"only against the {len(documents)} document(s) in sources/"
        return f"quotations checked {only} ({missing} not found{opted_out})"
    return f"quotations NOT checked ({_shown(sources)} not found{opted_out})"


def final_line(
    project: Project, ran: list[str], total: int, outcome: BookOutcome, sources: Path, seconds: float
) -> str:
    parts = [notebooks_phrase(ran, total), sphinx_phrase(outcome), quotes_phrase(project, sources)]
    return f"book: {_shown(project.site_dir / 'index.html')} — {'; '.join(parts)} ({seconds:.1f}s)"
