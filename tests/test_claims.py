"""The claims ledger: every computed statement of the book, checked against its snapshot, so a
data change shows its effect on sentences in the diff a reviewer reads; and What-changed lists
the statements that differ between editions.

Refresh the snapshot after a reviewed change with ``python -m ics_evidence claims``.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess

import pandas as pd
import pytest

from ics_evidence.analysis import statements
from ics_evidence.assemble import claims
from ics_evidence.assemble.pages import statements_changed
from ics_evidence.data.csvfiles import read_rows, write_rows
from ics_evidence.data.load import read_typed
from ics_evidence.manifest import Manifest
from tests.helpers import DATA_DIR, PROJECT


@pytest.fixture(scope="module")
def ledger() -> pd.DataFrame:
    return claims.ledger(read_typed(DATA_DIR), PROJECT.root)  # the shipped data's validity is tested elsewhere


def test_the_claims_match_their_checked_in_snapshot(ledger):
    computed = claims.to_csv(ledger)
    snapshot = (PROJECT.root / claims.SNAPSHOT).read_text(encoding="utf-8")
    if computed != snapshot:
        diff = "".join(difflib.unified_diff(snapshot.splitlines(True), computed.splitlines(True),
                                            str(claims.SNAPSHOT), "computed", n=0))  # fmt: skip
        pytest.fail(f"the book's statements changed; review, then run `python -m ics_evidence claims`:\n{diff}")


def test_every_pasted_value_of_a_chapter_is_a_claim_of_the_statement_layer():
    assert claims.unresolved(read_typed(DATA_DIR), PROJECT.root) == []
    # ...and those chapters glue nothing of their own: their values come from statements.py.
    for entry in Manifest.read(PROJECT.manifest).notebooks:
        if entry.name in statements.PAGES:
            source = (PROJECT.root / entry.source).read_text(encoding="utf-8")
            assert "value(" not in source, f"{entry.source} glues a value of its own"


def test_the_ledger_shows_each_value_as_its_page_does(ledger):
    rows = ledger.set_index(["page", "claim_id"])
    share = rows.loc[("index", "improvement-share-place-neighbourhood")]
    assert share["text"].endswith("%") and float(share["value"]) < 1  # pasted as .0%
    assert rows.loc[("lessons", "themes-most-shared"), "tables"] == "systems themes theme_coding"
    # The values tables show: a rank with its ties, and the compare page's figures as stated.
    assert rows.loc[("systems/dorset", "rank:oversight_segment"), "text"].startswith("joint first of 7")
    assert rows.loc[("compare", "west-yorkshire:wy-result-srp-patients"), "text"].endswith(
        ": over 4,400 people (since April 2022)"
    )
    assert not ledger.duplicated(["page", "claim_id", "text"]).any()


def test_a_data_edit_changes_the_statements_that_rest_on_it(tmp_path, ledger):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    header, rows = read_rows(data / "theme_coding.csv")
    for row in rows:  # one theme now central everywhere it is coded
        if row["theme_id"] == "convening-leadership":
            row["strength"] = "2"
    write_rows(data / "theme_coding.csv", header, rows)
    after = claims.ledger(read_typed(data), PROJECT.root)
    found = {(page, claim_id): (old, new) for page, claim_id, old, new in claims.changed(ledger, after)}
    old, new = found[("index", "themes-most-shared")]
    every_ics = sum(1 for row in read_rows(data / "systems.csv")[1] if row["kind"] == "ics")
    assert "“Convening and distributed leadership”" in new and f"(in {every_ics} of the {every_ics})" in new
    assert old != new
    assert ("lessons", "themes-most-shared") in found
    assert all(page not in ("compare", "analyses/scale_and_structure") for page, _ in found)


def test_changed_lists_added_removed_and_altered_statements():
    old = pd.DataFrame([("index", "a", "1", "1", "t"), ("index", "b", "2", "2", "t")], columns=claims.COLUMNS)
    new = pd.DataFrame([("index", "a", "3", "3", "t"), ("lessons", "c", "4", "4", "t")], columns=claims.COLUMNS)
    assert claims.changed(old, new) == [("index", "a", "1", "3"), ("index", "b", "2", ""), ("lessons", "c", "", "4")]
    page = claims.changed_markdown(claims.changed(old, new))
    assert "- front page, `a`: 1 → 3" in page and "*(no longer stated)*" in page and "*(not stated)*" in page
    assert claims.changed_markdown([]) == "No statement of the book changed.\n"
    hostile = claims.changed_markdown([("index", "a", "<b>{{x}}</b>", "*y*")])
    assert "<b>" not in hostile and "*y*" not in hostile


def _repository(tmp_path, leave_out: str = ""):
    """A git repository holding the checkout's data, notebooks and pages, committed once (without
    ``leave_out``, a data file an earlier edition did not have); its root and that commit."""
    root = tmp_path / "project"
    for folder in ("data", "notebooks"):
        shutil.copytree(PROJECT.root / folder, root / folder)
    (root / "book").mkdir()
    for page in PROJECT.root.joinpath("book").glob("*.md"):
        shutil.copy(page, root / "book" / page.name)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    if leave_out:
        subprocess.run([*git, "rm", "-q", "--cached", f"data/{leave_out}"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "edition"], cwd=root, check=True)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    return root, commit


def test_what_changed_lists_the_statements_an_edit_changed(tmp_path):
    root, commit = _repository(tmp_path)
    assert statements_changed(root, root / "data", commit) == "No statement of the book changed.\n"
    header, rows = read_rows(root / "data" / "results.csv")
    write_rows(root / "data" / "results.csv", header, rows[1:])
    listed = statements_changed(root, root / "data", commit)
    total = str(len(rows))
    assert f"- front page, `results-count-total`: {total} → {len(rows) - 1}" in listed
    assert f"- Cross\\-cutting lessons, `results-count-total`: {total} → {len(rows) - 1}" in listed


def test_an_earlier_edition_without_a_table_today_s_code_reads_is_compared_where_it_can_be(tmp_path):
    root, commit = _repository(tmp_path, leave_out="report_facts.csv")
    listed = statements_changed(root, root / "data", commit)
    assert "Not compared: the statements of `recommendations`" in listed
    assert "report-year" not in listed and "systems-count-word" not in listed  # not listed as new statements
    assert listed.startswith("No statement of the book changed.")  # everything else was compared, and agrees
