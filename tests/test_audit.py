"""The evidence audit: every kind of careless edit in the catalogue is refused by the validator,
and a kind that slips through is reported as a gap."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ics_evidence.data.audit import CATALOGUE, EditKind, report, run_audit
from ics_evidence.data.csvfiles import read_rows, write_rows
from tests.helpers import DATA_DIR, ROOT

from .conftest import requires_sources

# The kinds of slip issue 19 found passing, or refused, when tried by hand.
ISSUE_KINDS = {
    "drop-qualifier", "add-qualifier", "basis-allocation-to-budget", "basis-budget-to-nhs-budget",
    "kind-target-to-result", "move-result", "move-figure", "theme-0-to-2", "indirect-above-limit",
    "false-derivation", "free-text-derivation", "rename-chief-executive", "care-area-recoded",
    "new-document-any-section", "changed-value", "quote-other-section", "truncated-quote",
}  # fmt: skip


def test_the_catalogue_holds_every_kind_the_issue_found():
    assert {kind.name for kind in CATALOGUE} >= ISSUE_KINDS


@requires_sources
def test_a_sample_of_every_kind_is_refused(sources):
    outcomes = run_audit(DATA_DIR, sources, rows_per_kind=1, seed=19)
    assert {o.kind.name for o in outcomes} == {kind.name for kind in CATALOGUE}
    assert all(o.tried == 1 for o in outcomes), report(outcomes)
    assert all(o.refused == o.tried for o in outcomes), report(outcomes)


@requires_sources
def test_an_edit_the_validator_accepts_is_reported_as_a_gap(sources):
    harmless = EditKind("reworded-summary", "a summary reworded", "lessons", lambda r, t: True,
                        lambda r, t, g: r.update(summary="Reworded in the project's own words."))  # fmt: skip
    outcomes = run_audit(DATA_DIR, sources, rows_per_kind=2, seed=1, catalogue=(harmless,))
    assert outcomes[0].tried == 2 and outcomes[0].refused == 0
    assert "PASSED at lessons.csv:" in report(outcomes)


@requires_sources
@pytest.mark.slow  # runs the whole command, twice
def test_the_command_prints_the_table_and_fails_on_a_gap(sources):
    command = [sys.executable, "-m", "ics_evidence", "--root", str(ROOT), "--sources", str(sources), "audit"]
    done = subprocess.run([*command, "--rows", "1", "--kind", "truncated-quote"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "truncated-quote" in done.stdout and "1 kinds, 1 edits, 1 refused" in done.stdout
    unknown = subprocess.run([*command, "--kind", "no-such-kind"], capture_output=True, text=True)
    assert unknown.returncode == 2 and "no such kind of edit: no-such-kind" in unknown.stderr


@requires_sources
def test_a_new_systems_own_document_is_read_beside_the_copy(data_copy, sources):
    """The audit validates each edited copy with the repository's own sources/ beside it: a
    system added with its own document is audited, not refused for a missing document."""
    from tests.helpers import ensure_ninth_system

    ensure_ninth_system(data_copy)
    harmless = EditKind("reworded-summary", "a summary reworded", "systems", lambda r, t: True,
                        lambda r, t, g: r.update(name=r["name"]))  # fmt: skip
    outcomes = run_audit(data_copy, sources, rows_per_kind=20, seed=1, catalogue=(harmless,))
    assert outcomes[0].tried > 8 and outcomes[0].refused == 0, report(outcomes)


@requires_sources
def test_an_invalid_package_is_not_audited(data_copy, sources):
    """Every edit to data that were invalid already would look refused."""
    header, rows = read_rows(data_copy / "systems.csv")
    rows[0]["quote"] = "words the source never says"
    write_rows(data_copy / "systems.csv", header, rows)
    with pytest.raises(ValueError, match="not valid before any edit"):
        run_audit(data_copy, sources, rows_per_kind=1, seed=1)
