"""What changed in the data between the edition being built and an earlier release.

The earlier tables are read from git at the release's commit; rows are matched by primary
key, table by table, and the What-changed page lists rows added, removed and changed.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ics_evidence.assemble.markdown import code, text
from ics_evidence.data.csvfiles import parse, read_table
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


def _parse_csv(content: str, shown: str = "") -> list[dict[str, str]]:
    # The data stage's reader, so a BOM or blank row reads here as it does everywhere else.
    return [cells for _, cells in parse(content, shown).rows]


def tables_at(ref: str, root: Path) -> dict[str, list[dict[str, str]]]:
    """Every table of data/ as committed at git ``ref`` (e.g. a release commit)."""
    listing = subprocess.run(
        ["git", "ls-tree", "--name-only", ref, "data/"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split()
    tables = {}
    for path in listing:
        if path.endswith(".csv"):
            content = subprocess.run(
                ["git", "show", f"{ref}:{path}"], cwd=root, capture_output=True, text=True, check=True
            ).stdout
            tables[Path(path).stem] = _parse_csv(content)
    return tables


def tables_in(directory: Path) -> dict[str, list[dict[str, str]]]:
    """Every table the descriptor lists, through the one reader (which refuses a linked file);
    never a walk of the folder, which would read whatever else is there."""
    return {
        Path(resource.path).stem: [cells for _, cells in read_table(directory / resource.path).rows]
        for resource in read_package(directory).resources
    }


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
                    # A column added since then counts as empty there: only a filled cell is a change.
                    was, now = before[k].get(column) or "", after[k][column] or ""
                    if was != now:
                        diff.changed.append((k, column, was, now))
        diffs.append(diff)
    return diffs


_md = text  # data text as literal Markdown: the one escaping rule (build.markdown)


SHOWN_TEXT = 60  # characters: a longer old or new text is summarised, not reprinted


def _shown(old: str, new: str) -> tuple[str, str]:
    """Old and new as the page shows them: short values whole; a long passage (a quotation, a
    summary) by its length only, since the data hold the words and the page must stay readable
    (and printable) when many are re-cut at once."""

    def one(value: str) -> str:
        return value if len(value) <= SHOWN_TEXT else f"{len(value.split())} words"

    shown_old, shown_new = one(old), one(new)
    return shown_old, shown_new + (" (re-worded)" if shown_new != new else "")


def diff_markdown(diffs: list[TableDiff], since: str, *, detail: bool = True) -> str:
    """Rows added, removed and changed, table by table. With ``detail`` every changed cell is listed
    (the release notes); without, each table's changed columns are counted (the book's page, which
    a re-cut of every quotation would otherwise fill with hundreds of rows)."""
    changed = [d for d in diffs if not d.empty]
    if not changed:
        return f"No row of any table in `data/` has changed since {text(since)}.\n"
    lines = [
        f"Computed from `data/` at {text(since)} and now, table by table, by primary key.",
        "",
        "| Table | Rows added | Rows removed | Values changed |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {code(d.table)} | {len(d.added)} | {len(d.removed)} | {len(d.changed)} |" for d in changed]
    for d in changed:
        lines += ["", f"## {code(d.table)}", ""]
        if d.changed and not detail:
            columns: dict[str, int] = {}
            for _key, column, _old, _new in d.changed:
                columns[column] = columns.get(column, 0) + 1
            lines += ["| Column | Rows in which it changed |", "|---|---:|"]
            lines += [f"| {code(column)} | {count} |" for column, count in sorted(columns.items())]
            lines.append("")
        elif d.changed:
            lines += ["| Row | Column | Old value | New value |", "|---|---|---|---|"]
            lines += [f"| {_md(k)} | {code(c)} | {' | '.join(map(_md, _shown(o, n)))} |" for k, c, o, n in d.changed]
            lines.append("")
        for label, rows in (("Added", d.added), ("Removed", d.removed)):
            if rows:
                first = list(rows[0])[:2]
                lines.append(f"{label}: " + "; ".join(_md(" / ".join(r[f] or "" for f in first)) for r in rows) + ".")
                lines.append("")
    return "\n".join(lines) + "\n"


def primary_keys(data_dir: Path) -> dict[str, tuple[str, ...]]:
    return {r.name: r.primary_key for r in read_package(data_dir).resources}


# -- what changed, as a reader reads it ---------------------------------------------------------

CHANGELOG = "CHANGELOG.md"
KINDS = {"revisions (data)": "revision", "corrections (data)": "correction"}
# A changelog line that gives the reason for one row's change:  - `table` key / parts: reason
_REASON_LINE = re.compile(r"^- `(?P<table>[a-z_]+)` (?P<key>[^:`]+?):\s+(?P<reason>\S.*)$")
LABEL_COLUMNS = ("name", "label")  # what a referenced row is called, in this order of preference
# A reader's "value" is a figure: re-worded summaries and re-cut quotations are listed table by
# table, but only a changed number gets a notice on its page.
VALUE_TYPES = {"number", "integer", "year"}


@dataclass(frozen=True)
class Reason:
    kind: str  # "revision" (new or better data) or "correction" (an error fixed)
    text: str


@dataclass(frozen=True)
class Revision:
    """One value that differs from the earlier edition, named as a reader would name it."""

    table: str
    key: str
    what: str  # the row, with ids replaced by names (e.g. "Dorset / Population served / report-2023")
    column: str
    old: str
    new: str
    since: str  # the earlier edition's version
    system_id: str | None
    reason: Reason | None

    def notice(self, edition: str) -> str:
        """What the value's page says, e.g. 'Dorset / Population served (value): revised in 1.1.0,
        was 800000 in 1.0.0, now 812000: correction, the narrative's figure.'"""
        why = f": {self.reason.kind}, {self.reason.text}" if self.reason else ""
        return (
            f"{self.what} ({self.column.replace('_', ' ')}): revised in {edition}, was {self.old or 'not given'} "
            f"in {self.since}, now {self.new or 'not given'}{why}"
        )


def changelog_reasons(text: str, newer_than: str) -> dict[tuple[str, str], Reason]:
    """Reasons the changelog gives for changed rows, in the sections newer than ``newer_than``
    (Unreleased and every later version), keyed by (table, primary key as "a / b")."""
    from ics_evidence.assemble.edition import SEMVER, version_key

    reasons: dict[tuple[str, str], Reason] = {}
    section_counts, kind = False, None
    for line in text.splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
            version = heading.split()[0] if heading else ""
            section_counts = heading.lower().startswith("unreleased") or (
                bool(SEMVER.match(version)) and version_key(version) > version_key(newer_than)
            )
            kind = None
        elif line.startswith("### "):
            kind = KINDS.get(line[4:].strip().lower())
        elif section_counts and kind and (match := _REASON_LINE.match(line.strip())):
            key = " / ".join(part.strip() for part in match["key"].split("/"))
            reasons.setdefault((match["table"], key), Reason(kind, match["reason"].strip()))
    return reasons


def _labels(package, tables: dict[str, list[dict[str, str]]]) -> dict[tuple[str, str], dict[str, str]]:
    """For each (table, key field) that refers to another table: id → that row's name."""
    labels = {}
    for resource in package.resources:
        for foreign in resource.foreign_keys:
            if len(foreign.fields) != 1:
                continue
            rows = tables.get(foreign.resource, [])
            column = next((c for c in LABEL_COLUMNS if rows and c in rows[0]), None)
            if column:
                target = foreign.reference_fields[0]
                labels[(resource.name, foreign.fields[0])] = {r[target]: r[column] for r in rows}
    return labels


def revisions(
    diffs: list[TableDiff],
    tables_now: dict[str, list[dict[str, str]]],
    package,
    since: str,
    reasons: dict[tuple[str, str], Reason],
) -> list[Revision]:
    labels = _labels(package, tables_now)
    keys = {r.name: r.primary_key for r in package.resources}
    values = {(r.name, f.name) for r in package.resources for f in r.fields if f.type in VALUE_TYPES}
    found = []
    for diff in diffs:
        key_fields = keys.get(diff.table, ())
        for key, column, old, new in diff.changed:
            if (diff.table, column) not in values:
                continue
            parts = key.split(" / ")
            named = [labels.get((diff.table, f), {}).get(p, p) for f, p in zip(key_fields, parts, strict=False)]
            system_id = parts[key_fields.index("system_id")] if "system_id" in key_fields else None
            found.append(Revision(diff.table, key, " / ".join(named), column, old, new, since, system_id,
                                  reasons.get((diff.table, key))))  # fmt: skip
    return found


def revisions_markdown(found: list[Revision]) -> str:
    if not found:
        return "No value that the earlier edition holds has changed.\n"
    lines = ["| What | Field | Was | Now | Revision or correction | Why |", "|---|---|---|---|---|---|"]
    for r in found:
        kind, why = (r.reason.kind, r.reason.text) if r.reason else ("not stated", "not given in the changelog")
        lines.append(f"| {_md(r.what)} | {_md(r.column.replace('_', ' '))} | {_md(r.old)} | {_md(r.new)} "
                     f"| {kind} | {_md(why)} |")  # fmt: skip
    return "\n".join(lines) + "\n"
