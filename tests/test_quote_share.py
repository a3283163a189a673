"""The quote-share measure: how much of each source the package republishes."""

from __future__ import annotations

import subprocess
import sys

from ics_evidence.data.csvfiles import read_rows
from ics_evidence.data.quote_share import covered_words, quote_shares
from tests.helpers import DATA_DIR, ROOT

from .conftest import requires_sources


def test_each_word_counts_once_however_many_quotes_cover_it():
    text = "one two three four five six seven eight nine ten"
    assert covered_words(text, {"two three four", "three four five", "nine ten"}) == (6, 10)
    assert covered_words(text, {"not in the text"}) == (0, 10)


def test_every_place_a_quotation_stands_counts():
    # A phrase the source repeats is republished at each place a reader finds it.
    assert covered_words("a b c a b d a b", {"a b"}) == (6, 8)


@requires_sources
def test_shipped_package_quotes_within_the_limits(sources):
    shares = {s.source_id: s for s in quote_shares(DATA_DIR, sources)}
    # Every document is measured (none silently left out for want of its file).
    assert set(shares) == {row["source_id"] for row in read_rows(DATA_DIR / "sources.csv")[1]}
    assert shares["report-2023"].share <= 0.15
    assert all(s.share <= 0.30 for s in shares.values())


@requires_sources
def test_command_reports_every_source_and_fails_over_the_limit(data_copy, sources):
    run = [sys.executable, "-m", "ics_evidence", "--root", str(ROOT), "--data", str(data_copy)]
    ok = subprocess.run([*run, "--sources", str(sources), "quote-share"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "report-2023" in ok.stdout and "quality-case-studies-2021" in ok.stdout
    # Quote the whole landing page: far over its 30% limit.
    page = (sources / "004_642fd4e9bf5aadb0.txt").read_text(encoding="utf-8")
    extra = " ".join(page.split()[:300])
    path = data_copy / "methods.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = dict.fromkeys(header, "")
    row.update(method_id="x-test", name="X", kind="approach", description="d", source_id="landing-page-2023",
               section="Key points", quote=extra)  # fmt: skip
    with path.open("a", encoding="utf-8") as handle:
        handle.write(",".join(f'"{row[h]}"' for h in header) + "\n")
    over = subprocess.run([*run, "--sources", str(sources), "quote-share"], capture_output=True, text=True)
    assert over.returncode == 1 and "OVER THE LIMIT" in over.stdout
