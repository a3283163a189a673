"""What changed between editions, as a reader reads it: names instead of ids, old and new
values, and the changelog's reason (revision or correction) beside each value."""

from __future__ import annotations

from ics_evidence.assemble.changes import Reason, changelog_reasons, diff_tables, revisions, revisions_markdown
from ics_evidence.data.schema import read_package
from tests.helpers import DATA_DIR

CHANGELOG = """# Changelog

## Unreleased

### Corrections (data)
- `system_figures` dorset / population / report-2023: the narrative's figure, not the table's.

## 1.1.0 — 2027-01-01

### Revisions (data)
- `systems` dorset: a newer name.
- Not a row reference at all.

## 1.0.0 — 2026-11-22

### Corrections (data)
- `systems` west-yorkshire: too old to count.
"""


def test_reasons_come_from_sections_newer_than_the_earlier_edition():
    reasons = changelog_reasons(CHANGELOG, "1.0.0")
    assert reasons == {
        ("system_figures", "dorset / population / report-2023"): Reason(
            "correction", "the narrative's figure, not the table's."
        ),
        ("systems", "dorset"): Reason("revision", "a newer name."),
    }
    assert ("systems", "dorset") not in changelog_reasons(CHANGELOG, "1.1.0")


def test_changed_values_are_named_as_readers_name_them():
    package = read_package(DATA_DIR)
    old = {
        "systems": [{"system_id": "dorset", "name": "Dorset"}],
        "measures": [{"measure_id": "population", "label": "Population served"}],
        "system_figures": [{"system_id": "dorset", "measure_id": "population", "source_id": "report-2023",
                            "value": "800000"}],
    }  # fmt: skip
    new = {**old, "system_figures": [dict(old["system_figures"][0], value="812000")]}
    keys = {r.name: r.primary_key for r in package.resources}
    found = revisions(diff_tables(old, new, keys), new, package, "1.0.0", changelog_reasons(CHANGELOG, "1.0.0"))
    (revision,) = found
    assert revision.what == "Dorset / Population served / report-2023" and revision.system_id == "dorset"
    assert revision.notice("1.1.0") == (
        "Dorset / Population served / report-2023 (value): revised in 1.1.0, was 800000 in 1.0.0, now 812000: "
        "correction, the narrative's figure, not the table's."
    )
    page = revisions_markdown(found)
    # Data text is literal Markdown: every ASCII punctuation character escaped (issue 10).
    assert "| Dorset \\/ Population served \\/ report\\-2023 | value | 800000 | 812000 | correction |" in page


def test_only_figures_get_notices_and_a_change_without_a_reason_says_so():
    package = read_package(DATA_DIR)
    keys = {r.name: r.primary_key for r in package.resources}
    row = {"system_id": "dorset", "measure_id": "population", "source_id": "report-2023", "value": "1", "quote": "a"}
    old = {"systems": [{"system_id": "dorset", "name": "Dorset"}], "system_figures": [row]}
    new = {"systems": [{"system_id": "dorset", "name": "Dorset <b>"}],
           "system_figures": [dict(row, value="2", quote="b")]}  # fmt: skip
    found = revisions(diff_tables(old, new, keys), new, package, "1.0.0", {})
    assert [(r.table, r.column) for r in found] == [("system_figures", "value")]  # not the name, not the quote
    page = revisions_markdown(found)
    assert "not stated" in page and "\\<b\\>" in page and "<b>" not in page


def test_long_texts_are_summarised_in_the_table_by_table_list():
    from ics_evidence.assemble.changes import diff_markdown

    old = {"t": [{"id": "a", "quote": "word " * 30, "value": "1"}]}
    new = {"t": [{"id": "a", "quote": "other " * 12, "value": "2"}]}
    page = diff_markdown(diff_tables(old, new, {"t": ("id",)}), "1.0.0")
    assert "| a | `quote` | 30 words | 12 words \\(re\\-worded\\) |" in page and "word word" not in page
    assert "| a | `value` | 1 | 2 |" in page


def test_a_column_added_since_the_earlier_edition_is_not_a_change_where_it_is_empty():
    old = {"t": [{"id": "a", "value": "1"}]}
    new = {"t": [{"id": "a", "value": "1", "low": "", "high": "3"}]}
    (diff,) = diff_tables(old, new, {"t": ("id",)})
    assert diff.changed == [("a", "high", "", "3")]
