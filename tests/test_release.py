"""Versioned, citable releases: one place for the version, a refused dirty tree, a verified
bundle, a computed data diff, and reproducible builds."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from ics_evidence import citation_file
from ics_evidence.assemble import changes, citation, edition
from ics_evidence.data.csvfiles import read_rows, write_rows
from ics_evidence.project import Project
from ics_evidence.release import ReleaseError, record
from tests.helpers import ROOT, copy_project, dom, project_environment, run, without_switcher


def test_diff_finds_added_removed_and_changed_rows():
    old = {"systems": [{"system_id": "a", "name": "Alpha"}, {"system_id": "b", "name": "Beta"}]}
    new = {"systems": [{"system_id": "a", "name": "Alpha One"}, {"system_id": "c", "name": "Gamma"}]}
    (diff,) = changes.diff_tables(old, new, {"systems": ("system_id",)})
    assert [r["system_id"] for r in diff.added] == ["c"]
    assert [r["system_id"] for r in diff.removed] == ["b"]
    assert diff.changed == [("a", "name", "Alpha", "Alpha One")]
    page = changes.diff_markdown([diff], "v1.0.0")
    assert "| `systems` | 1 | 1 | 1 |" in page and "| a | `name` | Alpha | Alpha One |" in page


def test_diff_uses_composite_keys_and_escapes_values():
    old = {"t": [{"x": "1", "y": "2", "v": "<b>"}]}
    new = {"t": [{"x": "1", "y": "2", "v": "<i>"}]}
    (diff,) = changes.diff_tables(old, new, {"t": ("x", "y")})
    assert diff.changed == [("1 / 2", "v", "<b>", "<i>")]
    page = changes.diff_markdown([diff], "v1")
    assert "\\<i\\>" in page and "<i>" not in page  # every ASCII punctuation escaped: literal text


def test_versions_must_be_semantic_and_increase(tmp_path):
    (tmp_path / "releases.yml").write_text(
        yaml.safe_dump({"releases": [{"version": "1.2.0", "date": dt.date(2026, 1, 1), "summary": "x"}]})
    )
    with pytest.raises(ReleaseError, match="not newer"):
        record.record("1.1.9", "older", tmp_path)
    with pytest.raises(edition.EditionError, match="semantic"):
        edition.version_key("1.2")


def test_a_release_sets_the_data_packages_version_on_its_own_line(tmp_path):
    descriptor = tmp_path / "datapackage.json"
    shutil.copy(ROOT / "data" / "datapackage.json", descriptor)
    before = descriptor.read_text(encoding="utf-8").splitlines()
    record.set_package_version(descriptor, "9.8.7")
    after = descriptor.read_text(encoding="utf-8").splitlines()
    assert json.loads("\n".join(after))["version"] == "9.8.7"
    assert [(a, b) for a, b in zip(before, after, strict=True) if a != b] == [
        (next(line for line in before if line.startswith('  "version"')), '  "version": "9.8.7",')
    ]
    descriptor.write_text(json.dumps({"name": "x", "resources": []}), encoding="utf-8")  # no version yet
    record.set_package_version(descriptor, "9.8.7")
    assert json.loads(descriptor.read_text(encoding="utf-8")) == {"name": "x", "resources": [], "version": "9.8.7"}


def test_the_shipped_data_package_carries_the_editions_version():
    """One version: the data package says the edition the footer and citation say."""
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    cited = str(citation_file.read_citation(ROOT)["version"])
    assert package["version"] == edition.read_releases(ROOT)[0].version == cited


def test_citation_is_formatted_by_the_converters():
    cff = citation_file.read_citation(ROOT)
    apa_edition, apa_report = citation.apa(cff)
    assert "(Version " in apa_edition and "[Dataset]" in apa_edition
    assert apa_report.startswith("Ham, C. (2023).")
    entries = citation.bibtex(cff)
    assert "@techreport{ham2023," in entries and "@misc{ics_edition_" in entries


def test_citation_points_at_the_editions_own_folder_when_the_site_is_known():
    cff = {**citation_file.read_citation(ROOT), "url": "https://example.org/ics/", "version": "1.2.0"}
    (item, _) = citation.csl_items(cff)
    assert item["URL"] == "https://example.org/ics/v1.2.0/"
    assert "https://example.org/ics/v1.2.0/" in citation.apa(cff)[0]
    assert 'url = "https://example.org/ics/v1.2.0/"' in citation.bibtex(cff)


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> Path:
    """A copy of the project as its own git repository, built once."""
    root = copy_project(tmp_path_factory.mktemp("release") / "project")
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Initial"]):
        subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", *command], cwd=root,
                       check=True)  # fmt: skip
    return root


def release_command(root: Path, *args: str) -> subprocess.CompletedProcess:
    environment = project_environment(root) | {
        "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }  # fmt: skip
    return subprocess.run([sys.executable, "-m", "ics_evidence", "release", *args], cwd=root, env=environment,
                          capture_output=True, text=True, check=False)  # fmt: skip


def next_minor(root: Path, steps: int = 1) -> str:
    """A version newer than the project's current edition, whatever that is by now."""
    releases = edition.read_releases(root)
    major, minor, _ = edition.version_key(releases[0].version) if releases else (0, 0, 0)
    return f"{major}.{minor + steps}.0"


@pytest.mark.book
def test_release_refuses_a_dirty_tree(repository):
    (repository / "scratch.txt").write_text("uncommitted", encoding="utf-8")
    try:
        result = release_command(repository, next_minor(repository), "--summary", "First edition")
    finally:
        (repository / "scratch.txt").unlink()
    assert result.returncode == 1 and "uncommitted changes" in result.stderr


@pytest.mark.book
def test_release_always_checks_the_quotations(repository, tmp_path):
    """--without-sources cannot make a release: without the sources it is refused."""
    environment = project_environment(repository) | {"ICS_SOURCES_DIR": str(tmp_path / "none")}
    result = subprocess.run(
        [sys.executable, "-m", "ics_evidence", "--without-sources", "release", next_minor(repository),
         "--summary", "Unchecked"], cwd=repository, env=environment, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1 and "— sources:" in result.stderr, result.stderr[-2000:]


@dataclass
class Released:
    """What the release made in ``repository`` left, for the tests to check."""

    version: str
    previous: str  # the edition before it: the newest of the shipped record, in the Initial commit
    bundle: Path
    head: str  # the release's commit
    tags: list[str]  # the tags after the release
    notes: str


@pytest.fixture(scope="module")
def released(repository) -> Released:
    """A data edit, committed, then a release of it. Every test of it reads this, in any order.

    One release, not two: every release rebuilds the whole book from scratch (its version is on
    every page), and what a second one would show, a data diff with the edition before and the
    statements it changed, this one shows against the newest edition of the shipped record,
    which the repository's first commit holds (found from the history of releases.yml)."""
    previous = edition.read_releases(repository)[0].version
    version = next_minor(repository)
    # What changed: edit, add and remove rows, and the release lists them.
    header, figures = read_rows(repository / "data" / "system_figures.csv")
    # A revision the validator accepts: a longer passage of the same source, and the value derived
    # from its numbers (a derivation is checked against the quotation, never trusted).
    figures[0]["value"] = "3005000"
    figures[0]["quote"] = "more than three million people across over 5,000 square miles"
    figures[0]["derivation"] = "sum 3000000 + 5000. Test edit: a revised value derived from the quotation."
    write_rows(repository / "data" / "system_figures.csv", header, figures)
    key = " / ".join(figures[0][k] for k in ("system_id", "measure_id", "source_id"))
    changelog = repository / "CHANGELOG.md"
    changelog.write_text(changelog.read_text(encoding="utf-8").replace(
        "## Unreleased\n", f"## Unreleased\n\n### Corrections (data)\n- `system_figures` {key}: a test correction.\n", 1
    ), encoding="utf-8")  # fmt: skip
    header, lessons = read_rows(repository / "data" / "lessons.csv")
    added = dict(lessons[0], lesson_id="test-added-lesson")
    write_rows(repository / "data" / "lessons.csv", header, [*lessons[1:], added])
    subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", "commit", "-qam", "Data edit"],
                   cwd=repository, check=True)  # fmt: skip
    # Without the PDF: printing it costs as much as a build, and test_pdf prints and reads it;
    # that a release asks for it and ships it is checked without printing (below).
    result = release_command(repository, version, "--summary", "Revised figures", "--no-pdf")
    assert result.returncode == 0, result.stderr[-3000:]
    bundle = repository / "_build" / "releases" / f"improving-health-and-care-at-scale-{version}"
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repository, capture_output=True, text=True).stdout.strip()
    tags = subprocess.run(["git", "tag"], cwd=repository, capture_output=True, text=True).stdout.split()
    notes = (bundle / "RELEASE_NOTES.md").read_text(encoding="utf-8")
    return Released(version, previous, bundle, head, tags, notes)


@pytest.mark.book
def test_release_bundle_version_stamp_diff_and_reproducibility(released):
    first, bundle = released.version, released.bundle

    # The bundle: contents, manifest, checksums that verify, an archive.
    assert not list(bundle.glob("*.pdf"))  # asked for none
    for part in ("html/index.html", "data/datapackage.json", "notebooks/systems/dorset.ipynb", "RELEASE_NOTES.md",
                 "claims.csv"):  # fmt: skip
        assert (bundle / part).exists(), part
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["version"] == first and manifest["commit"] == released.head
    assert manifest["quotations_checked_against_sources"] is True
    check = subprocess.run(["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=bundle, capture_output=True)
    assert check.returncode == 0, check.stdout
    archive = bundle.parent / f"{bundle.name}.tar.gz"
    listing = subprocess.run(["tar", "-tzf", str(archive)], capture_output=True, text=True, check=True).stdout
    assert f"{bundle.name}/SHA256SUMS" in listing.split()
    assert released.tags == [f"v{first}"]

    # One version, everywhere: every page's footer, the citation file and page, the data package
    # (in the release's commit and in the bundle) and the profiles that name it.
    repository = bundle.parents[2]
    at_release = subprocess.run(["git", "show", f"{released.head}:CITATION.cff"], cwd=repository,
                                capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert f'version: "{first}"' in at_release
    descriptor = subprocess.run(["git", "show", f"{released.head}:data/datapackage.json"], cwd=repository,
                                capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert json.loads(descriptor)["version"] == first
    assert json.loads((bundle / "data" / "datapackage.json").read_text(encoding="utf-8"))["version"] == first
    assert f"edition {first}" in (bundle / "html" / "book" / "systems" / "dorset.html").read_text(encoding="utf-8")
    # Every page a reader opens (not theme fragments in _static, nor the root redirect to book/).
    pages = [p for p in (bundle / "html").rglob("*.html") if "_static" not in p.parts and p.parent != bundle / "html"]
    assert len(pages) > 20 and all(f"Edition {first}" in p.read_text(encoding="utf-8") for p in pages)
    assert f"(Version {first})" in (bundle / "html" / "book" / "cite.html").read_text(encoding="utf-8")

    # What changed: the release lists the rows edited, added and removed since the edition before.
    unescaped = released.notes.replace("\\", "")  # the notes are Markdown, their text escaped
    assert f"at edition {released.previous} (commit" in unescaped, released.notes[:2000]
    text = released.notes
    assert (
        "| `lessons` | 1 | 1 | 0 |" in text and "| `system_figures` | 0 | 0 | 3 |" in text
    )  # value, its quotation and its derivation
    assert "| `value` | 3000000 | 3005000 |" in text
    # ...and the statements that edit changed, each with its old and new text.
    assert "## Statements that changed" in text and "`scale-total-population`:" in text


@pytest.mark.book
def test_site_holds_every_edition_found_without_tags(repository, released, built_site):
    """After the release: every edition from its own release commit, with switchers; one
    book built per commit (editions recorded in the same commit share it); an edition built at
    its commit is, but for its switcher, the same bytes as the suite's own build of that tree
    (reproducible: two builds from scratch, in other folders, of the same sources)."""
    from ics_evidence.release.site import START, editions

    subprocess.run("git tag | xargs -r git tag -d", shell=True, cwd=repository, check=True, capture_output=True)
    versions = [r.version for r in edition.read_releases(repository)]
    assert versions[:2] == [released.version, released.previous] and len(versions) >= 3
    _, log = run(repository, "site")
    commits = {e.commit for e in editions(Project(repository))} - {released.head}
    commits.discard(subprocess.run(["git", "rev-parse", "HEAD"], cwd=repository, capture_output=True,
                                   text=True).stdout.strip())  # fmt: skip
    assert log.count("building at") == len(commits), log  # the release comes from its bundle
    site = repository / "_build" / "site"
    latest, oldest = versions[0], versions[-1]
    assert sorted(p.name for p in site.glob("v*")) == sorted(f"v{v}" for v in versions)
    assert f'url=v{latest}/index.html"' in (site / "index.html").read_text(encoding="utf-8")

    for version in versions:
        pages = [p for p in (site / f"v{version}").rglob("*.html") if "_static" not in p.parts]
        assert len(pages) > 20
        for page in pages:
            text = page.read_text(encoding="utf-8")
            if "<body" not in text:
                continue  # the root's redirect to book/index.html: not a page anyone reads
            assert text.count(START) == 1, page
            block = text[text.index(START) :]
            for href in re.findall(r'href="([^"]+)"', block[: block.index("</nav>")]):
                assert (page.parent / html.unescape(href)).resolve().is_file(), (page, href)
            old_notice = f"You are reading edition {version}; the latest is {latest}."
            assert (old_notice in text) == (version != latest), page
    # The same page in another edition: the chapter exists in both, so the switcher goes there.
    chapter = (site / f"v{oldest}" / "book" / "context.html").read_text(encoding="utf-8")
    assert f'href="../../v{latest}/book/context.html"' in chapter

    # The latest edition's What-changed compares with the edition before it, found without tags.
    changes = (site / f"v{latest}" / "book" / "changes.html").read_text(encoding="utf-8")
    assert f"edition {versions[1]}" in changes and "3005000" in changes
    assert "a test correction." in changes and "North East and North Cumbria / " in changes
    # ... and the value's own page says so, beside the figures.
    profile = (site / f"v{latest}" / "book" / "systems" / "north-east-and-north-cumbria.html").read_text("utf-8")
    assert f"revised in {latest}, was 3000000 in {versions[1]}, now 3005000: correction, a test correction." in profile
    assert "revised in" not in (site / f"v{latest}" / "book" / "systems" / "dorset.html").read_text("utf-8")
    assert "a test correction." in (site / f"v{latest}" / "book" / "changelog.html").read_text("utf-8")

    # Reproducible: the editions of the repository's first commit (a copy of the tree the suite
    # built) were built there from scratch, in a clone: the same pages and executed notebooks
    # (html/_sources) as the suite's own build, once the switcher is taken out (the site writes
    # each page back through Beautiful Soup, so pages compare as documents). Only the What-changed
    # page and the search index of its words differ: in a clone the page finds earlier editions
    # in the git history, which the suite's build has none of.
    initial = [v for v in versions if v != released.version]
    assert initial
    edition_folder = site / f"v{initial[0]}"
    shown = {p.relative_to(edition_folder) for p in edition_folder.rglob("*") if p.is_file()} - {Path(".edition.json")}
    assert shown == {p.relative_to(built_site) for p in built_site.rglob("*") if p.is_file()}
    differ = []
    for relative in sorted(shown - {Path("book/changes.html"), Path("searchindex.js")}):
        made, ours = (edition_folder / relative).read_bytes(), (built_site / relative).read_bytes()
        if relative.suffix == ".html" and START.encode() in made:
            same = dom(without_switcher(made.decode("utf-8"))) == dom(ours.decode("utf-8"))
        else:
            same = made == ours
        if not same:
            differ.append(str(relative))
    assert differ == [], differ[:20]

    # Made once: a second run keeps every edition as it was.
    stamp = (site / f"v{oldest}" / ".edition.json").stat().st_mtime_ns
    _, log = run(repository, "site")
    assert "already made" in log and (site / f"v{oldest}" / ".edition.json").stat().st_mtime_ns == stamp


def test_a_release_prints_the_pdf_unless_told_not_to_and_ships_it(tmp_path, monkeypatch):
    """The release command asks for the PDF by default, the bundle step prints it after the
    HTML, and the bundle carries it under the edition's name (the print itself: test_pdf)."""
    from ics_evidence import cli
    from ics_evidence.release import bundle as bundle_module
    from ics_evidence.release import record as record_module

    project = Project(copy_project(tmp_path / "project"))
    asked = []
    monkeypatch.setattr(record_module, "make_release", lambda version, summary, project, pdf=True: asked.append(pdf))
    assert cli.main(["--root", str(project.root), "release", "9.9.9", "--summary", "x"]) == 0
    assert cli.main(["--root", str(project.root), "release", "9.9.9", "--summary", "x", "--no-pdf"]) == 0
    assert asked == [True, False]

    steps, printed = [], tmp_path / "printed.pdf"
    printed.write_bytes(b"%PDF-1.7 test")
    finished = bundle_module.pipeline.RunResult()
    monkeypatch.setattr(bundle_module.pipeline, "run", lambda jobs, force: steps.append("notebooks") or finished)
    monkeypatch.setattr(bundle_module.book, "build_book", lambda project, force: steps.append("html") or 0)
    monkeypatch.setattr(bundle_module, "make_pdf", lambda project: steps.append("pdf") or printed)
    monkeypatch.setattr(bundle_module, "load_jobs", lambda project: [])
    written = {}

    def write_bundle(release, root, target, pdf, notebooks):
        written.update(pdf=pdf)
        target.mkdir(parents=True, exist_ok=True)
        (target / "RELEASE_NOTES.md").write_text("notes", encoding="utf-8")
        return target

    monkeypatch.setattr(bundle_module, "write_bundle", write_bundle)
    monkeypatch.setattr(bundle_module, "archive", lambda bundle: bundle)
    release = edition.Release(version="9.9.9", date=dt.date(2026, 1, 1), summary="x")
    bundle_module.build_bundle(release, project)
    assert steps == ["notebooks", "html", "pdf"] and written["pdf"] == printed
    steps.clear()
    bundle_module.build_bundle(release, project, pdf=False)
    assert steps == ["notebooks", "html"] and written["pdf"] is None


@pytest.mark.book
def test_the_bundle_carries_the_pdf_it_is_given_under_the_editions_name(built_project, tmp_path):
    from ics_evidence.release.bundle import write_bundle
    from tests.helpers import copy_built, git

    root = copy_built(built_project, tmp_path / "project")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "built")
    printed = tmp_path / "printed.pdf"
    printed.write_bytes(b"%PDF-1.7 test")
    release = edition.Release(version="9.9.9", date=dt.date(2026, 1, 1), summary="x")
    bundle = write_bundle(release, root, tmp_path / "bundle", printed, [])
    assert (bundle / "improving-health-and-care-at-scale-9.9.9.pdf").read_bytes() == printed.read_bytes()
    assert "improving-health-and-care-at-scale-9.9.9.pdf" in (bundle / "SHA256SUMS").read_text(encoding="utf-8")


def test_editions_recorded_in_one_commit_are_built_once(tmp_path, monkeypatch):
    """Three editions, two of them recorded in the same commit: two books built, three folders."""
    from ics_evidence.release import site as site_module

    root = tmp_path / "project"
    (root / "notebooks").mkdir(parents=True)
    (root / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (root / "CITATION.cff").write_text("title: T\n", encoding="utf-8")
    (root / "notebooks" / "pipeline.yml").write_text("notebooks: []\n", encoding="utf-8")

    def commit(*versions: str) -> None:
        entries = [{"version": v, "date": dt.date(2026, 1, i + 1), "summary": v} for i, v in enumerate(versions)]
        (root / "releases.yml").write_text(yaml.safe_dump({"releases": entries[::-1]}), encoding="utf-8")
        for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", versions[-1]]):
            subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", *command], cwd=root,
                           check=True, capture_output=True)  # fmt: skip

    commit("1.0.0", "1.1.0")
    commit("1.0.0", "1.1.0", "1.2.0")
    built: list[str] = []

    def build_at_commit(project, edition, scratch, log):
        built.append(edition.commit)
        (scratch / "html").mkdir()
        (scratch / "html" / "index.html").write_text(f"<body>{edition.commit}</body>", encoding="utf-8")
        return scratch / "html"

    monkeypatch.setattr(site_module, "_build_at_commit", build_at_commit)
    site = site_module.build_site(Project(root), report=lambda line: None)
    assert sorted(built) == sorted(set(built)) and len(built) == 2
    commits = {e.release.version: e.commit for e in site_module.editions(Project(root))}
    assert commits["1.0.0"] == commits["1.1.0"] != commits["1.2.0"]
    for version, commit in commits.items():  # each folder holds the book of its own commit
        assert f"{commit}</body>" in (site / f"v{version}" / "index.html").read_text(encoding="utf-8")
