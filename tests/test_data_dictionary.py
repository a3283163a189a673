"""The data dictionary is generated from the descriptor and renders text, never markup."""

from __future__ import annotations

import json

from ics_evidence.assemble.datadict import render_markdown
from ics_evidence.data.schema import read_package
from tests.helpers import DATA_DIR


def test_every_table_and_column_is_documented():
    package = read_package(DATA_DIR)
    page = render_markdown(package, {})
    for resource in package.resources:
        assert f"(`{resource.path}`)" in page
        for field in resource.fields:
            assert f"| `{field.name}` |" in page


def test_row_counts_are_shown():
    package = read_package(DATA_DIR)
    page = render_markdown(package, {"systems": 8})
    assert "| [`systems.csv`](#table-systems) | Evidenced facts | 8 |" in page


def test_descriptions_are_escaped(tmp_path):
    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["description"] = "<script>alert(1)</script> | pipe"
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    page = render_markdown(read_package(tmp_path), {})
    assert "<script>" not in page
    assert "\\<script\\>alert\\(1\\)\\<\\/script\\> \\| pipe" in page
