"""Every recorded edition side by side: ``make site`` writes ``_build/site/``.

One folder per edition in ``releases.yml`` (``v1.0.0/``, ``v1.1.0/``, ...), each the book as
built from that edition's own release commit (found from the history of ``releases.yml``, so a
clone without tags gives the same site). An edition is made once: its release bundle's HTML
is reused when the bundle was built from the same commit, and a folder already made from that
commit is kept as it is, and editions recorded in the same commit (their data and code are
that commit's, so their books are one) are built once and copied. Every page of every edition
then gets an edition switcher, plain
links that work without JavaScript and from files opened locally, which lead to the same page
in the other editions (or to their Versions page when the page does not exist there), and the
pages of an older edition get a notice naming the latest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, Comment, NavigableString
from markupsafe import Markup

from ics_evidence.assemble.edition import Release, long_date, read_releases, release_commits, version_key
from ics_evidence.assemble.lock import child_options
from ics_evidence.citation_file import edition_title, short_title
from ics_evidence.project import SOURCES_ENV, Project
from ics_evidence.release import BUNDLE_NAME, ReleaseError
from ics_evidence.templating import render

STAMP = ".edition.json"  # in each edition folder: the version and commit it was made from
# The comments around the switcher on a page, so that making the site again replaces it.
START_MARK, END_MARK = "ics-editions:start", "ics-editions:end"
START, END = f"<!-- {START_MARK} -->", f"<!-- {END_MARK} -->"
VERSIONS_PAGE = "book/versions.html"


@dataclass(frozen=True)
class Edition:
    release: Release
    commit: str

    @property
    def folder(self) -> str:
        return f"v{self.release.version}"


def editions(project: Project) -> list[Edition]:
    """The recorded editions, newest first, each with its release commit."""
    commits = release_commits(project.root)
    found = []
    for release in read_releases(project.root):
        commit = commits.get(release.version)
        if commit is None:
            raise ReleaseError(
                f"{release.version} is in releases.yml but no commit in its history adds it "
                "(commit the release first, or fetch the full history: git fetch --unshallow)"
            )
        found.append(Edition(release, commit))
    return sorted(found, key=lambda e: version_key(e.release.version), reverse=True)


def _stamp(folder: Path) -> dict:
    try:
        return json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _bundle_html(project: Project, edition: Edition) -> Path | None:
    bundle = project.build_dir / "releases" / BUNDLE_NAME.format(version=edition.release.version)
    try:
        manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return bundle / "html" if manifest.get("commit") == edition.commit and (bundle / "html").is_dir() else None


def _build_at_commit(project: Project, edition: Edition, scratch: Path, log: Path) -> Path:
    """Build the book of ``edition`` in a clone at its commit, with that commit's own code."""
    clone = scratch / "project"
    subprocess.run(["git", "clone", "-q", "--shared", "--no-checkout", str(project.root), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", "--detach", edition.commit], check=True)
    environment = dict(os.environ, PYTHONPATH=str(clone / "src"), **{SOURCES_ENV: str(project.sources_dir)})
    with log.open("w", encoding="utf-8") as output:
        # The edition's build dies with this one (and holds its lock meanwhile).
        result = subprocess.run([sys.executable, "-m", "ics_evidence", "build"], cwd=clone, env=environment,
                                stdout=output, stderr=subprocess.STDOUT, check=False, **child_options())  # fmt: skip
    if result.returncode != 0:
        raise ReleaseError(f"edition {edition.release.version} did not build at {edition.commit[:12]}; see {log}")
    return clone / "_build" / "html"


def make_edition(
    project: Project, edition: Edition, site: Path, report=print, made: dict[str, Path] | None = None
) -> Path:
    """The edition's folder in ``site``: kept if made from the same commit, else copied from an
    edition made from the same commit in this run (``made``: commit -> folder; editions recorded
    in one commit are one book), from its bundle, or built at its commit."""
    made = {} if made is None else made
    target = site / edition.folder
    if _stamp(target).get("commit") == edition.commit:
        report(f"{edition.folder}: already made from {edition.commit[:12]}")
        made.setdefault(edition.commit, target)
        return target
    with tempfile.TemporaryDirectory(prefix=f"ics-edition-{edition.release.version}-") as scratch:
        built = made.get(edition.commit)
        if built is not None:
            report(f"{edition.folder}: the book of {built.name}, made from the same commit {edition.commit[:12]}")
        elif (built := _bundle_html(project, edition)) is not None:
            report(f"{edition.folder}: from its release bundle")
        else:
            report(f"{edition.folder}: building at {edition.commit[:12]} (a few minutes)")
            log = project.build_dir / "logs" / f"edition-{edition.release.version}.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            built = _build_at_commit(project, edition, Path(scratch), log)
        incoming = site / f".{edition.folder}.incoming"
        shutil.rmtree(incoming, ignore_errors=True)
        shutil.copytree(built, incoming)
    stamp = {"version": edition.release.version, "commit": edition.commit}
    (incoming / STAMP).write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    incoming.rename(target)
    made[edition.commit] = target
    return target


# -- the switcher and the notice ------------------------------------------------------------


def _link(from_page: Path, to_page: Path) -> str:
    return os.path.relpath(to_page, from_page.parent).replace(os.sep, "/")


def switcher(site: Path, page: Path, this: Edition, all_editions: list[Edition]) -> Markup:
    """The block put on ``page`` (inside ``this`` edition's folder)."""
    relative = page.relative_to(site / this.folder)
    latest = all_editions[0]
    items = []
    for other in all_editions:
        target = site / other.folder / relative
        if not target.exists():
            target = site / other.folder / VERSIONS_PAGE
        label = f"{other.release.version}, {long_date(other.release.date)}"
        if other is latest:
            label += " (latest)"
        items.append({"href": _link(page, target), "label": label, "current": other is this})
    notice = None
    if this is not latest:
        same_page = site / latest.folder / relative
        same_page = same_page if same_page.exists() else site / latest.folder / VERSIONS_PAGE
        notice = {"this": this.release.version, "latest": latest.release.version, "href": _link(page, same_page)}
    return render(
        "editions_switcher.html", start=START_MARK, end=END_MARK, version=this.release.version, items=items,
        notice=notice,
    )  # fmt: skip


def _remove_switcher(document: BeautifulSoup) -> None:
    """Take out a switcher put on the page before (from its start marker to its end marker)."""
    for start in document.find_all(string=lambda s: isinstance(s, Comment) and s.strip() == START_MARK):
        before = start.previous_sibling
        if isinstance(before, NavigableString) and not isinstance(before, Comment) and before == "\n":
            before.extract()  # the line break put before the block with it
        node = start
        while node is not None:
            following = node.next_sibling
            node.extract()
            if isinstance(node, Comment) and node.strip() == END_MARK:
                break
            node = following


def inject(site: Path, this: Edition, all_editions: list[Edition]) -> int:
    """Put the switcher on every page of ``this`` edition (replacing one put there before).

    The editions were built by their own commits' code, so the switcher, which knows the
    editions made since, cannot come from their theme: it is added to each page's document
    tree (parsed by Beautiful Soup, never edited as text), after the skip link, which must stay
    the first thing a keyboard reaches, or else first in the body."""
    count = 0
    for page in sorted((site / this.folder).rglob("*.html")):
        document = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        _remove_switcher(document)
        skip_link = document.select_one("a.skip-link")
        if skip_link is None and document.body is None:
            continue  # not a page (e.g. a fragment); nothing to attach to
        block = BeautifulSoup(switcher(site, page, this, all_editions), "html.parser")
        nodes = [NavigableString("\n"), *block.contents]
        if skip_link is not None:
            skip_link.insert_after(*nodes)
        else:
            document.body.insert(0, *nodes)
        page.write_text(str(document), encoding="utf-8")
        count += 1
    return count


def write_index(site: Path, all_editions: list[Edition], title: str) -> None:
    def shown(edition: Edition) -> dict:
        release = edition.release
        return {"folder": edition.folder, "version": release.version, "date": long_date(release.date),
                "summary": release.summary}  # fmt: skip

    page = render("editions_index.html", title=title, latest=shown(all_editions[0]),
                  editions=[shown(e) for e in all_editions])  # fmt: skip
    (site / "index.html").write_text(page + "\n", encoding="utf-8")


def build_site(project: Project, site: Path | None = None, report=print) -> Path:
    site = site or project.build_dir / "site"
    site.mkdir(parents=True, exist_ok=True)
    found = editions(project)
    if not found:
        raise ReleaseError("releases.yml records no edition yet: nothing to publish")
    made: dict[str, Path] = {}  # one book per commit: editions recorded together share it
    for edition in sorted(found, key=lambda e: _stamp(site / e.folder).get("commit") != e.commit):
        make_edition(project, edition, site, report, made)
    for stale in site.glob("v*"):
        if stale.is_dir() and stale.name not in {e.folder for e in found}:
            shutil.rmtree(stale)
    for edition in found:
        report(f"{edition.folder}: switcher on {inject(site, edition, found)} pages")
    write_index(site, found, short_title(edition_title(project.root)))
    return site
