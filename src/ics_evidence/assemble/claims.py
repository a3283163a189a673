"""The claims ledger: every statement the book makes that carries a computed value.

One row per page and claim: the page that shows it (``index``, ``analyses/themes``,
``systems/dorset``, ``compare``), the claim's id, its value, the text as the page shows it (the
value through the page's glue format, so ``0.2813`` pasted as ``.0%`` is ``28%``) and the tables
it is computed from. Pasted values are found by reading every ``{glue:text}`` reference in the
book's pages and notebook sources, so a page that quotes a claim from another chapter (the
front page, the lessons page) has its own rows; values shown in tables (ranks on the system
pages, figures on the compare page) come from :func:`statements.shown_in_tables`.

The build writes the ledger to ``claims.csv`` beside the data download; a checked-in snapshot
(:data:`SNAPSHOT`) is compared with it by the tests, and What-changed lists the statements
that differ from the earlier edition's.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

from ics_evidence.analysis import statements
from ics_evidence.manifest import Manifest

COLUMNS = ("page", "claim_id", "value", "text", "tables")
CLAIMS = "claims.csv"  # the ledger's name in the downloads, the data zip and the release bundle
# How What-changed names a page.
PAGE_NAMES = {"index": "front page", "lessons": "Cross-cutting lessons"}
# The checked-in snapshot of the shipped data's claims (relative to the project root).
SNAPSHOT = Path("tests") / "snapshots" / "claims.csv"
# {glue:text}`key`, {glue:text}`book/x.ipynb::key:.0f` (the notebook part is relative to book/).
GLUE = re.compile(r"\{glue:text\}`(?:(?P<notebook>[^`:]+\.ipynb)::)?(?P<key>[^`:]+)(?::(?P<spec>[^`]*))?`")


def _page(output: str) -> str:
    """book/analyses/themes.ipynb -> analyses/themes."""
    return Path(output).relative_to("book").with_suffix("").as_posix()


def references(root: Path) -> list[tuple[str, str, str, str]]:
    """Every pasted value in the book, in page order: (page, notebook page, key, format spec).

    The narrative pages (book/*.md) paste from a named notebook; a notebook pastes its own
    values. The per-system template is left out: it pastes names, not computed values (its
    ranks are claims of :func:`statements.shown_in_tables`)."""
    manifest = Manifest.read(root / "notebooks" / "pipeline.yml")
    found = []
    for path in sorted((root / "book").glob("*.md")):
        for match in GLUE.finditer(path.read_text(encoding="utf-8")):
            if match["notebook"]:
                notebook = Path(match["notebook"]).with_suffix("").as_posix()
                found.append((path.stem, notebook, match["key"], match["spec"] or ""))
    for entry in manifest.notebooks:
        if entry.for_each:
            continue
        page = _page(entry.output)
        for match in GLUE.finditer((root / entry.source).read_text(encoding="utf-8")):
            found.append((page, page, match["key"], match["spec"] or ""))
    return found


def ledger(
    tables: dict[str, pd.DataFrame], root: Path, *, skipped: list[tuple[str, str]] | None = None
) -> pd.DataFrame:
    """Every computed statement of the book for these tables, sorted by page and claim id.

    A pasted value that no page function of :mod:`statements` computes is not in the ledger:
    :func:`unresolved` lists those. With ``skipped`` (a list to fill), a page whose statements
    cannot be computed from these tables (an earlier edition's data lacking a table today's
    code reads) is left out and named there, as (notebook name, reason), instead of failing the
    whole ledger."""
    manifest = Manifest.read(root / "notebooks" / "pipeline.yml")
    computed: dict[str, dict[str, statements.Claim]] = {}
    for entry in manifest.notebooks:
        make = statements.PAGES.get(entry.name)
        if make is not None and not entry.for_each:
            page = _page(entry.output)
            try:
                computed[page] = {c.claim_id: c for c in make(tables)}
            except (KeyError, ValueError, TypeError, IndexError) as error:
                if skipped is None:
                    raise
                skipped.append((entry.name, f"{type(error).__name__}: {error}"))
    rows = {}
    for page, notebook, key, spec in references(root):
        claim = computed.get(notebook, {}).get(key)
        if claim is not None:
            rows[(page, claim.claim_id, spec)] = (page, claim.claim_id, str(claim.value), claim.text(spec),
                                                  " ".join(claim.tables))  # fmt: skip
    try:
        shown = statements.shown_in_tables(tables)
    except (KeyError, ValueError, TypeError, IndexError) as error:
        if skipped is None:
            raise
        skipped.append(("tables", f"{type(error).__name__}: {error}"))
        shown = []
    for page, claim in shown:
        rows[(page, claim.claim_id, "")] = (
            page,
            claim.claim_id,
            str(claim.value),
            claim.text(),
            " ".join(claim.tables),
        )
    frame = pd.DataFrame(sorted(rows.values()), columns=list(COLUMNS))
    return frame.drop_duplicates().reset_index(drop=True)


def unresolved(tables: dict[str, pd.DataFrame], root: Path) -> list[str]:
    """The pasted values (``page: notebook::key``) that no page function of :mod:`statements`
    computes, for notebooks that have one."""
    manifest = Manifest.read(root / "notebooks" / "pipeline.yml")
    computed = {}
    for entry in manifest.notebooks:
        make = statements.PAGES.get(entry.name)
        if make is not None and not entry.for_each:
            computed[_page(entry.output)] = {c.claim_id for c in make(tables)}
    return [f"{page}: {notebook}::{key}" for page, notebook, key, _spec in references(root)
            if notebook in computed and key not in computed[notebook]]  # fmt: skip


def to_csv(frame: pd.DataFrame) -> str:
    """The ledger as CSV text (a fixed layout, so the same claims give the same bytes)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(frame[list(COLUMNS)].itertuples(index=False, name=None))
    return out.getvalue()


def read_csv(text: str) -> pd.DataFrame:
    rows = list(csv.DictReader(io.StringIO(text)))
    return pd.DataFrame(rows, columns=list(COLUMNS)).fillna("")


def changed(old: pd.DataFrame, new: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    """The statements whose text differs between two ledgers: (page, claim id, old text, new
    text), with '' for a statement one side does not make."""

    def index(frame: pd.DataFrame) -> dict[tuple[str, str], str]:
        out: dict[tuple[str, str], list[str]] = {}
        for page, claim_id, shown in zip(frame["page"], frame["claim_id"], frame["text"], strict=True):
            out.setdefault((page, claim_id), []).append(str(shown))
        return {k: " / ".join(v) for k, v in out.items()}

    before, after = index(old), index(new)
    return [(page, claim_id, before.get((page, claim_id), ""), after.get((page, claim_id), ""))
            for page, claim_id in sorted(before.keys() | after.keys())
            if before.get((page, claim_id), "") != after.get((page, claim_id), "")]  # fmt: skip


def ledger_at(commit: str, root: Path, skipped: list[tuple[str, str]]) -> pd.DataFrame:
    """The statements this book's pages and code make on the data committed at ``commit`` (an
    earlier edition's): the same code on both editions' data, so only the data's effect shows.
    The earlier tables are read in today's layout (a column added since is empty); a page
    today's code cannot compute from them is named in ``skipped``."""
    from ics_evidence.data.load import read_typed

    listing = subprocess.run(["git", "ls-tree", "--name-only", commit, "data/"], cwd=root, capture_output=True,
                             text=True, check=True).stdout.split()  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="ics-claims-") as folder:
        for path in listing:
            if path.endswith(".csv"):
                content = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=root, capture_output=True,
                                         check=True).stdout  # fmt: skip
                (Path(folder) / Path(path).name).write_bytes(content)
        earlier = read_typed(Path(folder), schema_from=root / "data")
    return ledger(earlier, root, skipped=skipped)


def changed_markdown(rows: list[tuple[str, str, str, str]], skipped: list[tuple[str, str]] = ()) -> str:
    """The changed statements as a Markdown list: "front page, themes-most-shared: old → new",
    then the pages whose earlier statements could not be recomputed. Every text is
    data-derived, so it is escaped as literal Markdown."""
    from ics_evidence.assemble.markdown import text

    note = "".join(
        f"- Not compared: the statements of `{name}`, which the earlier data cannot give ({text(reason)})\n"
        for name, reason in skipped
    )
    if not rows:
        return "No statement of the book changed.\n" + (f"\n{note}" if note else "")
    lines = []
    for page, claim_id, old, new in rows:
        before = text(old) if old else "*(not stated)*"
        after = text(new) if new else "*(no longer stated)*"
        lines.append(f"- {text(PAGE_NAMES.get(page, page))}, `{claim_id}`: {before} → {after}")
    return "\n".join(lines) + "\n" + (f"\n{note}" if note else "")
