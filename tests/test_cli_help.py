"""`python -m ics_evidence --help` lists every command (a literal % in a command's help once
made argparse fail while printing it)."""

from __future__ import annotations

import subprocess
import sys

from ics_evidence.cli import parser


def test_help_lists_every_command():
    result = subprocess.run([sys.executable, "-m", "ics_evidence", "--help"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    commands = next(a for a in parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    assert commands.choices, "the parser has commands"
    for name in commands.choices:
        assert name in result.stdout
    assert "15%" in result.stdout
