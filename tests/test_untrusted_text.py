"""Odd characters in untrusted text (issue 20, classes 4 and 5, and the scaffold's text rules).

- Nothing raw reaches a terminal: every message the command line prints escapes control, bidi
  and separator characters by one function (:func:`ics_evidence.terminal.escaped`), the
  foreign-key and header messages included.
- U+2028 and U+2029 (and the other characters ``str.splitlines`` splits on) are refused in every
  text field by the validator, and the CSV reader never splits a row on them.
- ``new-system`` applies the validator's text rules to what it is given before writing anything.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ics_evidence import cli, validate_package
from ics_evidence.data.csvfiles import parse, read_rows, read_table, write_rows
from ics_evidence.data.scaffold import ScaffoldError, add_system

ESC = "\x1b[2J\x1b[31m"  # clear the screen, then red
BIDI = "\u202e"  # right-to-left override


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\x1b[31mb", "a\\x1b[31mb"),
        ("a\nb\rc\td", "a\\nb\\rc\\td"),
        ("a\u202eb\u200bc", "a\\u202eb\\u200bc"),
        ("a\u2028b\u2029c\x85d", "a\\u2028b\\u2029c\\x85d"),
        ("bad byte \udcff", "bad byte \\xff"),
        ("café, naïve: ünchanged", "café, naïve: ünchanged"),
    ],
)
def test_terminal_escapes_control_bidi_and_separator_characters(raw, shown):
    from ics_evidence.terminal import escaped

    assert escaped(raw) == shown
    assert escaped(escaped(raw)) == shown  # idempotent: a message escaped twice reads the same


def _validate_output(data: Path, capsys) -> str:
    status = cli.main(["--data", str(data), "--without-sources", "validate"])
    captured = capsys.readouterr()
    assert status == 1
    return captured.err + captured.out


def test_terminal_foreign_key_message_escapes_the_id(data_copy, capsys):
    header, rows = read_rows(data_copy / "system_dimensions.csv")
    rows[0]["system_id"] = f"dorset{ESC}{BIDI}x"
    write_rows(data_copy / "system_dimensions.csv", header, rows)
    output = _validate_output(data_copy, capsys)
    assert "\x1b" not in output and BIDI not in output
    assert "foreign-key" in output and "\\x1b[2J" in output


def test_terminal_header_name_is_escaped(data_copy, capsys):
    path = data_copy / "lessons.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",", f",x{ESC}y{BIDI},", 1), encoding="utf-8")
    output = _validate_output(data_copy, capsys)
    assert "\x1b" not in output and BIDI not in output
    assert "x\\x1b[2J\\x1b[31my\\u202e" in output


def test_terminal_every_line_of_a_refusal_is_escaped(data_copy, capsys):
    status = cli.main(["--data", str(data_copy), "new-system", f"bad{ESC}id", "--name", "Somewhere"])
    err = capsys.readouterr().err
    assert status == 1 and "\x1b" not in err and "\\x1b" in err


SEPARATORS = ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]


@pytest.mark.parametrize("separator", SEPARATORS, ids=[f"U+{ord(c):04X}" for c in SEPARATORS])
def test_separator_in_a_text_field_is_refused_at_its_row(data_copy, separator):
    header, rows = read_rows(data_copy / "systems.csv")
    rows[1]["name"] = f"North{separator}Somerset"
    write_rows(data_copy / "systems.csv", header, rows)  # unquoted: csv quotes only , " \r \n
    problems = [p for p in validate_package(data_copy, require_sources=False) if Path(p.file).name == "systems.csv"]
    assert [(p.row, p.column, p.rule) for p in problems] == [(3, "name", "characters")], problems


@pytest.mark.parametrize("separator", SEPARATORS, ids=[f"U+{ord(c):04X}" for c in SEPARATORS])
def test_csv_reader_never_splits_a_row_on_a_separator(separator):
    for cell in (f"a{separator}b", f'"a{separator}b"'):
        table = parse(f'id,name\n1,{cell}\n2,c\r\n3,"multi\nline"\n', "t.csv")
        assert table.ok, table.problems
        assert [(number, row["id"]) for number, row in table.rows] == [(2, "1"), (3, "2"), (4, "3")]
        assert table.rows[0][1]["name"] == f"a{separator}b" and table.rows[2][1]["name"] == "multi\nline"


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ('=HYPERLINK("http://x")', "formula"),
        ("@SUM(A1)", "formula"),
        ("North\u2028Somerset", "characters"),
        ("North\u202eSomerset", "characters"),
        ("North Somerset ", "whitespace"),
        ("Write to someone" + "@" + "example.org", "personal-data"),  # built here: no address in a tracked file
    ],
)
def test_scaffold_applies_the_validators_text_rules_before_writing(data_copy, name, rule):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data_copy.iterdir()}
    with pytest.raises(ScaffoldError, match=rule):
        add_system(data_copy, "north-somerset", name)
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data_copy.iterdir()} == before


def test_scaffold_refuses_a_name_differing_only_in_unicode_form(data_copy):
    name = read_rows(data_copy / "systems.csv")[1][0]["name"]
    with pytest.raises(ScaffoldError, match="already has the name"):
        add_system(data_copy, "north-somerset", name.replace(" ", "\u00a0", 1) if " " in name else name.upper())


def test_scaffold_refuses_an_abbreviation_the_validator_would(data_copy):
    with pytest.raises(ScaffoldError, match="formula"):
        add_system(data_copy, "north-somerset", "North Somerset", "+NS")


def test_csv_reader_rows_agree_with_the_validator(data_copy):
    assert read_table(data_copy / "systems.csv").ok


def test_terminal_sphinx_warning_lines_are_escaped(tmp_path, capsys):
    """A Sphinx warning may quote data text; the lines the build shows from its log are escaped."""
    import sys

    from ics_evidence.assemble.book_inputs import run_logged

    warning = "WARNING: page \x1b[2J\u202eevil\x07 end"
    command = [sys.executable, "-c", f"print({warning!r}); raise SystemExit(1)"]
    assert run_logged(command, tmp_path, tmp_path / "sphinx.log") == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\u202e" not in err and "\x07" not in err
    assert "WARNING: page \\x1b[2J\\u202eevil\\x07 end" in err
