"""Pages computed from the data package and the edition rather than executed notebooks:
the data dictionary, the downloads page (and the package as one zip), the report's main
messages on the front page, How-to-cite, Versions and What-changed. Each is written only when
its content changed, so Sphinx rebuilds only the pages that include it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import zipfile
from pathlib import Path

from ics_evidence.analysis import charts, statements
from ics_evidence.assemble.changes import (
    CHANGELOG,
    changelog_reasons,
    diff_markdown,
    diff_tables,
    primary_keys,
    revisions,
    revisions_markdown,
    tables_at,
    tables_in,
)
from ics_evidence.assemble.citation import apa, bibtex
from ics_evidence.assemble.claims import CLAIMS, changed, changed_markdown, ledger, ledger_at, to_csv
from ics_evidence.assemble.datadict import render_markdown
from ics_evidence.assemble.edition import (
    Release,
    comparison_release,
    doi_html,
    long_date,
    read_releases,
    versions_html,
)
from ics_evidence.assemble.markdown import link, text
from ics_evidence.citation_file import read_citation
from ics_evidence.data.load import read_typed
from ics_evidence.data.schema import read_package
from ics_evidence.data.validate import read_tables
from ics_evidence.files import regular_file
from ics_evidence.manifest import Manifest
from ics_evidence.project import DESCRIPTOR, Project
from ics_evidence.templating import render

CHANGES_DETAIL = "changes-detail.md"  # every changed cell: the release notes' list
STATEMENTS_CHANGED = "statements-changed.md"  # the book's statements that changed: the release notes' list
REVISIONS = "revisions.json"  # system id → notices of values revised since the earlier edition
REPORT_MESSAGES = "report-messages.md"  # the report's main messages, included by the front page
# The report's other parts (data/report_parts.csv), one include per section of book/report-parts.md:
# file name -> the kinds it lists, in order.
REPORT_PARTS = {
    "report-parts-framing.md": ("foreword", "epigraph"),
    "report-parts-offer.md": ("offer",),
    "report-parts-principles.md": ("framework", "principle"),
    "report-parts-figures.md": ("diagram",),
    "report-parts-resources.md": ("resource",),
}
# What the report's printed words are, before them, by kind.
_PRINTED_AS = {
    "foreword": "In the report's words",
    "epigraph": "In the report's words",
    "offer": "In the report's words",
    "framework": "Its title in the report",
    "principle": "In the report",
    "diagram": "Its title in the report",
    "resource": "Its link in the report",
}
# A page of the book as a {doc} target: the descriptor's pattern for evidence_page, checked
# again here, since the target is written into the page outside the text escaping.
_PAGE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*")


def write_atomic(path: Path, content: str) -> bool:
    """Write ``content`` unless the file already holds it; True if it changed."""
    if path.exists() and path.read_text(encoding="utf-8") == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    temporary.write_text(content, encoding="utf-8")
    temporary.replace(path)
    return True


UNCHECKED_NOTE = """```{warning}
This build was made with `--without-sources` and without the source folder: the quotations
below were **not** checked against all the source documents, so a quotation may not appear in
the document it names.
```

"""


def generate_pages(project: Project, data_dir: Path | None = None, *, sources_checked: bool = True) -> None:
    """Every generated page, for the data in ``data_dir`` (default: the project's).

    A build that did not check the quotations says so at the top of the data dictionary, which
    the data page (the one that explains the checking) includes."""
    data_dir = data_dir or project.data_dir
    generated_dir = project.generated_dir
    package = read_package(data_dir)
    _, tables, _ = read_tables(data_dir)
    counts = {name: len(rows) for name, rows in tables.items()}
    dictionary = render_markdown(package, counts)
    if not sources_checked:
        dictionary = UNCHECKED_NOTE + dictionary
    write_atomic(generated_dir / "data-dictionary.md", dictionary)
    write_atomic(generated_dir / "quote-share.md", quote_share_markdown(data_dir, project.sources_dir))
    # The edition pages first: a malformed releases.yml is reported before anything reads the book.
    write_edition_pages(generated_dir, project.root, data_dir)
    # The front page's messages link to the book's pages, so they come after the edition pages.
    messages = [row.raw for row in tables.get("report_messages", [])]
    write_atomic(generated_dir / REPORT_MESSAGES, report_messages_markdown(messages, book_pages(project.root)))
    parts = [row.raw for row in tables.get("report_parts", [])]
    for name, kinds in REPORT_PARTS.items():
        write_atomic(generated_dir / name, report_parts_markdown(parts, kinds, by_section=kinds == ("resource",)))
    write_downloads(data_dir, generated_dir, package, claims_csv(project.root, data_dir))
    charts.write_bundle(project.static_dir)


def book_pages(root: Path) -> set[str]:
    """The book's pages a data row may link to, as {doc} names relative to book/: the narrative
    pages (book/*.md) and the chapters the manifest executes (``analyses/themes``)."""
    pages = {path.stem for path in (root / "book").glob("*.md")}
    manifest = Manifest.read(root / "notebooks" / "pipeline.yml")
    for entry in manifest.notebooks:
        if entry.for_each is None:
            pages.add(Path(entry.output).relative_to("book").with_suffix("").as_posix())
    return pages


def report_messages_markdown(rows: list[dict[str, str]], pages: set[str] | None = None) -> str:
    """The report's main messages (``report_messages`` rows, raw cells) as a Markdown list: each
    message's title and text, the report's section that makes it (with the page the report's
    contents give for its part) and a link to the page of this edition with the evidence.

    Every cell reaches the page as literal text (:func:`markdown.text`); the evidence page is
    the one value written as markup, a {doc} target, so it must be a page name and, when
    ``pages`` is given, one of the book's pages (:func:`book_pages`)."""
    lines = ["<!-- Generated from data/report_messages.csv by ics_evidence.assemble.pages. Do not edit. -->", ""]
    for row in rows:
        target = row["evidence_page"]
        if not _PAGE_NAME.fullmatch(target) or (pages is not None and target not in pages):
            raise ValueError(
                f"report_messages {text(row['message_id'])}: evidence_page {target!r} is not a page of the book"
            )
        parts = row["section"].split(" > ")
        shown = [f"*{text(part)}*" for part in parts]
        if row.get("page"):
            shown[0] += f" (p. {text(row['page'])})"
        title = text(row["title"].rstrip("."))
        lines += [
            f"- **{title}.** {text(row['message'])}",
            f"  - In the report: {' › '.join(shown)}",
            f"  - The evidence in this edition: {{doc}}`{target}`",
        ]
    if len(lines) == 2:
        lines.append("No message of the report is recorded in this edition's data.")
    return "\n".join(lines) + "\n"


def report_parts_markdown(rows: list[dict[str, str]], kinds: tuple[str, ...], *, by_section: bool = False) -> str:
    """The report's parts of ``kinds`` (``report_parts`` rows, raw cells, in the table's order,
    kind by kind) as a Markdown list: each part's title and summary, the words the report prints
    for it in quotation marks, the report's page and section, and its web address as a link.

    Every cell reaches the page as literal text (:func:`markdown.text`); the address is the one
    value written as markup, and :func:`markdown.link` refuses any but a plain https address.
    A page the contents give for the part holding the item is shown "p. N ff." (the item is on
    it or a later page of the part); a page the report states for the item, "p. N".
    ``by_section`` heads each run of parts from one section with that section's own heading."""
    lines = ["<!-- Generated from data/report_parts.csv by ics_evidence.assemble.pages. Do not edit. -->", ""]
    shown = [row for kind in kinds for row in rows if row["kind"] == kind]
    heading = None
    for row in shown:
        section = row["section"].split(" > ")
        if by_section and section[-1] != heading:
            heading = section[-1]
            lines += [*([""] if lines[-1] else []), f"### {text(heading)}", ""]
        page = f"p. {text(row['page'])}" + (" ff." if row.get("page_basis") != "stated" else "")
        where = f"(report, {page}; {' › '.join(f'*{text(part)}*' for part in section)})"
        printed = row.get("printed", "")
        lead = _PRINTED_AS.get(row["kind"], "In the report")
        cited = f"{lead}: “{text(printed)}” {where}." if printed else f"{where}."
        item = f"- **{text(row['title'].rstrip('.'))}.** {text(row['summary'])} {cited}"
        if row.get("url"):
            item += f" Online: {link(row['url'].removeprefix('https://').rstrip('/'), row['url'])}."
        lines.append(item)
    if not shown:
        lines.append("No part of the report of this kind is recorded in this edition's data.")
    return "\n".join(lines) + "\n"


def quote_share_markdown(data_dir: Path, sources: Path) -> str:
    """The share of each source's words the package quotes, as a Markdown table."""
    from ics_evidence.data.quote_share import quote_shares

    if not sources.is_dir():
        return "The source texts were not available when this page was built, so the shares were not measured.\n"
    lines = ["| Source | Words in the source | Words quoted | Share quoted | Limit |", "|---|---:|---:|---:|---:|"]
    for s in quote_shares(data_dir, sources):
        lines.append(f"| `{s.source_id}` | {s.words:,} | {s.covered:,} | {s.share:.1%} | {s.limit:.0%} |")
    return "\n".join(lines) + "\n"


def claims_csv(root: Path, data_dir: Path) -> str:
    """The claims ledger of the data in ``data_dir`` (validated by the build before pages are
    generated): every computed statement the book makes, as CSV."""
    return to_csv(ledger(read_typed(data_dir), root))


def package_files(data_dir: Path, package) -> list[Path]:
    """The data package's files, named one by one (the download and the release bundle copy
    exactly these, never a walk of the folder): descriptor, README and every table."""
    return [data_dir / DESCRIPTOR, data_dir / "README.md", *(data_dir / r.path for r in package.resources)]


def write_downloads(data_dir: Path, generated_dir: Path, package, claims: str | None = None) -> None:
    """The data package as one zip (fixed times, so the same data give the same bytes), the
    claims ledger beside it and in it, and a page of download links to them, the descriptor and
    every table."""
    archive = generated_dir / "downloads" / "data-package.zip"
    archive.parent.mkdir(parents=True, exist_ok=True)
    if claims is not None:
        write_atomic(archive.with_name(CLAIMS), claims)
    temporary = archive.with_name(f".{archive.name}.tmp-{os.getpid()}")
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in package_files(data_dir, package):
                if path.exists() or path.is_symlink():
                    regular_file(path, data_dir)  # a link is refused, never followed into the download
                    info = zipfile.ZipInfo(f"data/{path.name}", date_time=(1980, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    bundle.writestr(info, path.read_bytes())
            if claims is not None:
                info = zipfile.ZipInfo(CLAIMS, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                bundle.writestr(info, claims.encode("utf-8"))
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if archive.exists() and archive.read_bytes() == temporary.read_bytes():
        temporary.unlink()
    else:
        temporary.replace(archive)
    relative = os.path.relpath(data_dir.resolve(), generated_dir.parent.resolve())
    lines = [
        "| File | What it holds |",
        "|---|---|",
        "| {download}`data-package.zip <generated/downloads/data-package.zip>` | The whole package: every table, "
        "the descriptor and the README |",
        f"| {{download}}`datapackage.json <{relative}/{DESCRIPTOR}>` | The descriptor: schema, keys, licence |",
    ]
    if claims is not None:
        lines.append(
            f"| {{download}}`{CLAIMS} <generated/downloads/{CLAIMS}>` | The claims ledger: every computed statement "
            "the book makes (page, claim, value, the text as shown, the tables it derives from) |"
        )
    for resource in package.resources:
        lines.append(f"| {{download}}`{resource.path} <{relative}/{resource.path}>` | {text(resource.title)} |")
    write_atomic(generated_dir / "downloads.md", "\n".join(lines) + "\n")


def write_edition_pages(generated_dir: Path, root: Path, data_dir: Path) -> None:
    """How-to-cite, Versions and What-changed."""
    cff = read_citation(root)
    releases = read_releases(root)
    edition = releases[0] if releases else Release("unreleased draft", dt.date.today(), "")
    edition_reference, report_reference = (render("citation.html", reference=r) for r in apa(cff))
    entries = bibtex(cff).strip()
    # The fence is longer than any run of backticks in the entries, so no value can close it.
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", entries)), default=0))
    cite = [
        "<!-- Generated from CITATION.cff by ics_evidence.assemble.pages. Do not edit. -->",
        "",
        f"## This edition ({text(edition.version)}, {text(long_date(edition.date))})",
        "",
        "APA, formatted by citeproc-py with the APA CSL style:",
        "",
        "```{raw} html",
        edition_reference,
        "```",
        "",
        "## The report it is built from",
        "",
        "```{raw} html",
        report_reference,
        "```",
        "",
        "## BibTeX",
        "",
        f"{fence}bibtex",
        entries,
        fence,
    ]
    if edition.doi:
        cite[3:3] = ["```{raw} html", doi_html(edition.doi), "```", ""]
    write_atomic(generated_dir / "how-to-cite.md", "\n".join(cite) + "\n")

    rows = ["```{raw} html", versions_html(releases), "```"] if releases else ["No edition has been released yet."]
    write_atomic(generated_dir / "versions.md", "\n".join(rows) + "\n")

    write_changes(generated_dir, root, data_dir)


def statements_changed(root: Path, data_dir: Path, commit: str) -> str:
    """The book's statements (the claims ledger) that differ between the data at ``commit`` and
    now, both computed by this edition's code, as Markdown."""
    skipped: list[tuple[str, str]] = []
    before = ledger_at(commit, root, skipped)
    now = read_typed(data_dir)
    after = ledger(now, root)
    # A chapter whose statements the earlier data cannot give is named, not listed as new.
    unknown = set()
    for name, _reason in skipped:
        make = statements.PAGES.get(name)
        unknown |= {c.claim_id for c in make(now)} if make else set()
        if name == "tables":
            unknown |= {c.claim_id for _page, c in statements.shown_in_tables(now)}
    after = after[~after["claim_id"].isin(unknown)]
    return changed_markdown(changed(before, after), skipped)


def write_changes(generated_dir: Path, root: Path, data_dir: Path) -> None:
    """What changed since the earlier edition: for readers (names, old and new values, revision or
    correction and why, from the changelog), then table by table; plus the notices that the
    system pages show beside a revised value, and the changelog itself."""
    compared = comparison_release(root)
    notices: dict[str, list[str]] = {}
    if compared is None:
        changes = "No earlier release is recorded in the history of `releases.yml`: nothing to compare with yet.\n"
    else:
        earlier, commit = compared
        package = read_package(data_dir)
        now = tables_in(data_dir)
        diffs = diff_tables(tables_at(commit, root), now, primary_keys(data_dir))
        changelog = (root / CHANGELOG).read_text(encoding="utf-8") if (root / CHANGELOG).exists() else ""
        found = revisions(diffs, now, package, earlier.version, changelog_reasons(changelog, earlier.version))
        releases = read_releases(root)
        # Building the current edition compares with the one before it; a later draft, with it.
        edition = releases[0].version if releases and releases[0].version != earlier.version else "this draft"
        for revision in found:
            if revision.system_id:
                notices.setdefault(revision.system_id, []).append(revision.notice(edition))
        since = f"edition {earlier.version} (commit {commit[:12]})"
        said = statements_changed(root, data_dir, commit)
        write_atomic(generated_dir / STATEMENTS_CHANGED, said)
        changes = "\n".join([
            f"## Values revised or corrected since {earlier.version}",
            "",
            revisions_markdown(found),
            f"## Statements that changed since {earlier.version}",
            "",
            said,
            "## Table by table",
            "",
            diff_markdown(diffs, since, detail=False),
        ])  # fmt: skip
        # Every changed cell, for the release notes (not a page of the book).
        write_atomic(generated_dir / CHANGES_DETAIL, diff_markdown(diffs, since))
    write_atomic(generated_dir / "changes.md", changes)
    if compared is None:
        write_atomic(generated_dir / CHANGES_DETAIL, changes)
        write_atomic(generated_dir / STATEMENTS_CHANGED, changes)
    write_atomic(generated_dir / REVISIONS, json.dumps(notices, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    if (root / CHANGELOG).exists():
        log = (root / CHANGELOG).read_text(encoding="utf-8")
        # The changelog is the project's own text; its first heading is the page's.
        write_atomic(generated_dir / "changelog.md", log.split("\n", 1)[1] if log.startswith("# ") else log)
