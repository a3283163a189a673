"""What changed in the data between the edition being built and an earlier release.

The earlier tables are read from git at the release's commit; rows are matched by primary
key, table by table, and the What-changed page lists rows added, removed and changed.
"""

from __future__ import annotations

import csv
import html
import io
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ics_evidence.data.schema import read_package


@dataclass
class TableDiff:
    table: str
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[tuple[str, str, str, str]] = field(default_factory=list)  # key, column, old, new

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def tables_at(ref: str, root: Path) -> dict[str, list[dict[str, str]]]:
    """Every table of data/ as committed at git ``ref`` (e.g. a release commit)."""
    listing = subprocess.run(
        ["git", "ls-tree", "--name-only", ref, "data/"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split()
    tables = {}
    for path in listing:
        if path.endswith(".csv"):
            text = subprocess.run(
                ["git", "show", f"{ref}:{path}"], cwd=root, capture_output=True, text=True, check=True
            ).stdout
            tables[Path(path).stem] = _parse_csv(text)
    return tables


def tables_in(directory: Path) -> dict[str, list[dict[str, str]]]:
    return {path.stem: _parse_csv(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.csv"))}


def diff_tables(
    old: dict[str, list[dict[str, str]]], new: dict[str, list[dict[str, str]]], keys: dict[str, tuple[str, ...]]
) -> list[TableDiff]:
    """Rows added, removed and changed (old value → new value), table by table, by primary key."""
    diffs = []
    for table in sorted(set(old) | set(new)):
        key_fields = keys.get(table) or tuple((new.get(table) or old.get(table) or [{}])[0])[:1]

        def index(rows: list[dict[str, str]], key_fields=key_fields) -> dict[str, dict[str, str]]:
            return {" / ".join(row.get(k, "") for k in key_fields): row for row in rows}

        before, after = index(old.get(table, [])), index(new.get(table, []))
        diff = TableDiff(table)
        diff.added = [after[k] for k in after if k not in before]
        diff.removed = [before[k] for k in before if k not in after]
        for k in after:
            if k in before:
                for column in after[k]:
                    if before[k].get(column) != after[k][column]:
                        diff.changed.append((k, column, before[k].get(column, ""), after[k][column]))
        diffs.append(diff)
    return diffs


def _md(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def diff_markdown(diffs: list[TableDiff], since: str) -> str:
    changed = [d for d in diffs if not d.empty]
    if not changed:
        return f"No row of any table in `data/` has changed since {since}.\n"
    lines = [
        f"Computed from `data/` at {since} and now, table by table, by primary key.",
        "",
        "| Table | Rows added | Rows removed | Values changed |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| `{d.table}` | {len(d.added)} | {len(d.removed)} | {len(d.changed)} |" for d in changed]
    for d in changed:
        lines += ["", f"## `{d.table}`", ""]
        if d.changed:
            lines += ["| Row | Column | Old value | New value |", "|---|---|---|---|"]
            lines += [f"| {_md(k)} | `{c}` | {_md(o)} | {_md(n)} |" for k, c, o, n in d.changed]
            lines.append("")
        for label, rows in (("Added", d.added), ("Removed", d.removed)):
            if rows:
                first = list(rows[0])[:2]
                lines.append(f"{label}: " + "; ".join(_md(" / ".join(r[f] for f in first)) for r in rows) + ".")
                lines.append("")
    return "\n".join(lines) + "\n"


def primary_keys(data_dir: Path) -> dict[str, tuple[str, ...]]:
    return {r.name: r.primary_key for r in read_package(data_dir).resources}
