"""The statement layer on small hand-made tables: superlatives state their ties, and a count
and the total it is "of" count the same set (the integrated care systems, never the programme)."""

from __future__ import annotations

import pandas as pd
import pytest

from ics_evidence.analysis import statements


def tables_with(coding: dict[str, dict[str, int]], kinds: dict[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """Systems (columns of ``coding``, kind 'ics' unless ``kinds`` says otherwise) coded on themes."""
    systems = list(coding)
    themes = list(next(iter(coding.values())))
    kinds = kinds or {}
    return {
        "systems": pd.DataFrame({"system_id": systems, "name": [s.title() for s in systems],
                                 "kind": [kinds.get(s, "ics") for s in systems]}),
        "themes": pd.DataFrame({"theme_id": themes, "label": [f"Theme {t}" for t in themes]}),
        "theme_coding": pd.DataFrame(
            [{"system_id": s, "theme_id": t, "strength": v} for s, row in coding.items() for t, v in row.items()]
        ).astype({"strength": "Int64"}),
    }  # fmt: skip


def test_one_theme_ahead_is_named_with_its_count_of_the_ics():
    tables = tables_with({"a": {"x": 2, "y": 1}, "b": {"x": 1, "y": 0}, "c": {"x": 0, "y": 0}})
    assert statements.most_shared_themes(tables) == (
        "“Theme x” is the most widely shared, present in 2 of the 3 integrated care systems and central in 1"
    )


def test_themes_present_everywhere_are_all_counted_and_the_most_central_named():
    tables = tables_with({"a": {"x": 2, "y": 1, "z": 2}, "b": {"x": 2, "y": 1, "z": 1}, "c": {"x": 0, "y": 0, "z": 1}})
    assert statements.most_shared_themes(tables) == "“Theme z” is the most widely shared, present in all 3 " \
        "integrated care systems and central in 1"  # fmt: skip
    tables = tables_with({"a": {"x": 2, "y": 1, "z": 2}, "b": {"x": 2, "y": 1, "z": 1}})
    assert statements.most_shared_themes(tables) == (
        "three are present in both integrated care systems; among them the most often central "
        "(in 2 of the 2) is “Theme x”"
    )
    tables = tables_with({"a": {"x": 2, "y": 2, "z": 1}, "b": {"x": 2, "y": 2, "z": 1}})
    assert statements.most_shared_themes(tables).endswith("are “Theme x” and “Theme y”")


def test_a_tie_below_every_system_says_tie():
    tables = tables_with({"a": {"x": 1, "y": 1}, "b": {"x": 1, "y": 1}, "c": {"x": 0, "y": 0}})
    assert statements.most_shared_themes(tables) == (
        "two tie as the most widely shared, each present in 2 of the 3 integrated care systems"
    )


def test_a_programme_is_in_neither_the_count_nor_the_total():
    coding = {"a": {"x": 1}, "b": {"x": 1}, "joint": {"x": 1}}
    tables = tables_with(coding, {"joint": "programme"})
    assert "present in both integrated care systems" in statements.most_shared_themes(tables)
    claims = {c.claim_id: c.value for c in statements.themes(tables)}
    assert claims["themes-peers"] == 2 and claims["themes-present-everywhere-count"] == 1


@pytest.mark.parametrize(("n", "total", "text"), [(7, 7, "all 7 integrated care systems"),
                                                  (5, 7, "5 of the 7 integrated care systems"),
                                                  (2, 2, "both integrated care systems"),
                                                  (1, 1, "1 of the 1 integrated care systems")])  # fmt: skip
def test_of_ics(n, total, text):
    assert statements.of_ics(n, total) == text


def test_a_claim_shows_its_value_through_the_page_s_format():
    claim = statements.Claim("share", 0.28125, ("t",))
    assert claim.text(".0%") == "28%" and claim.text() == "0.28125"
    assert statements.Claim("n", 3_000_000, ("t",)).text(",.0f") == "3,000,000"
    assert statements.Claim("r", 2.0, ("t",), "joint first of 7 (5 tied)").text() == "joint first of 7 (5 tied)"


def test_listed():
    assert statements.listed([]) == "" and statements.listed(["a"]) == "a"
    assert statements.listed(["a", "b", "c"]) == "a, b and c"
    assert statements.listed(["a and b", "c"], quoted=True) == "“a and b” and “c”"


def test_a_most_frequent_item_names_every_tie():
    assert statements._most("area", ["“A” (3 examples)"]) == "the area with the most examples is “A” (3 examples)"
    assert statements._most("method", ["“A”", "“B”"]) == "two methods tie for the most examples: “A” and “B”"
    assert statements._most("area", []) == "no area has an example"


def test_the_busiest_level_and_theme_names_every_tie(shipped_tables):
    tables = {name: frame.copy() for name, frame in shipped_tables.items()}
    claims = {c.claim_id: c.value for c in statements.improvement(tables)}
    assert claims["improvement-top-level-theme"].startswith("the most frequent combination of level and theme is ")
    # Link one more example to the runner-up combination until it ties with the busiest.
    from ics_evidence.analysis import improvement

    grid = improvement.level_theme_grid(tables).sort_values("examples", ascending=False, kind="stable")
    first, second = grid.iloc[0], grid.iloc[1]
    examples = tables["improvement_examples"]
    at_level = examples[examples["level"] == second["level"]]["example_id"]
    linked = tables["example_themes"]
    theme = second["theme_id"]
    free = [e for e in at_level if not ((linked["example_id"] == e) & (linked["theme_id"] == theme)).any()]
    need = int(first["examples"] - second["examples"])
    extra = pd.DataFrame({"example_id": free[:need], "theme_id": theme})
    tables["example_themes"] = pd.concat([linked, extra], ignore_index=True)
    tied = {c.claim_id: c.value for c in statements.improvement(tables)}["improvement-top-level-theme"]
    assert tied.startswith("two combinations of level and theme tie as the most frequent, with ")
    assert f"“{first['label']}”" in tied and f"“{second['label']}”" in tied


def test_the_most_used_method_or_partner_names_every_tie_and_counts_all_systems():
    frame = pd.DataFrame({"name": ["A", "B and C", "D"], "systems": [5, 3, 1]})
    assert (
        statements.most_used(frame, "name", "systems", 8) == "the most widely used, “A”, appears in 5 of the 8 systems"
    )
    assert statements.most_used(frame, "name", "systems", 8, alone=True) == "“A” alone supports 5 of the 8 systems"
    tied = frame.assign(systems=[5, 5, 1])
    assert statements.most_used(tied, "name", "systems", 8) == (
        "the most widely used, each in 5 of the 8 systems, are “A” and “B and C”"
    )
    assert (
        statements.most_used(tied, "name", "systems", 8, alone=True)
        == "“A” and “B and C” each support 5 of the 8 systems"
    )
    assert (
        statements.most_used(frame.assign(systems=0), "name", "systems", 8) == "none is named by any of the 8 systems"
    )


def test_a_count_is_written_with_its_noun_and_verb_in_the_right_number():
    from ics_evidence.analysis.stated import counted

    assert counted(1, "cell", verb=("rests", "rest")) == "1 cell rests"
    assert counted(3, "cell", verb=("rests", "rest")) == "3 cells rest"
    assert counted(0, "multi-system programme") == "0 multi-system programmes"
    assert counted(1, "area", verb=("is", "are")) == "1 area is"


def test_no_page_writes_a_count_with_an_optional_plural():
    # "1 cell(s)" and "programme(s)": a glued count is followed by a noun in the right number.
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    offenders = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted([*(root / "notebooks").glob("*.md"), *(root / "book").glob("*.md")])
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"[a-z]\(s\)", line)
    ]
    assert offenders == []
