"""The book's tables (analysis/tables.py): data text escaped, a long table folded under its
caption and row count, an empty one never folded."""

from __future__ import annotations

import pandas as pd

from ics_evidence.analysis.tables import folded_table_html, table_html


def test_a_table_escapes_its_cells_and_caption():
    html = table_html(pd.DataFrame({"Name": ["<script>x</script>"]}), "A <b> caption")
    assert "<script>" not in html and "&lt;script&gt;" in html and "A &lt;b&gt; caption" in html


def test_a_folded_table_is_a_details_element_summarised_by_its_caption_and_row_count():
    html = folded_table_html(pd.DataFrame({"Name": ["one", "two"]}), "Themes of <X>")
    assert html.startswith('<details class="ics-fold"><summary>Themes of &lt;X&gt; (2 rows)</summary>')
    assert html.endswith("</details>") and "<table" in html


def test_one_row_is_a_row_and_an_empty_table_is_not_folded():
    assert "(1 row)" in folded_table_html(pd.DataFrame({"Name": ["one"]}), "Caption")
    empty = folded_table_html(pd.DataFrame({"Name": []}), "Caption")
    assert "<details" not in empty and "None recorded in the data." in empty
