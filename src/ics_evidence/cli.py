"""Command line: ``python -m ics_evidence {validate,datadict,build}``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ics_evidence import book
from ics_evidence.paths import DATA_DIR, sources_dir
from ics_evidence.validate import validate_package


def _validate(data_dir: Path, sources: Path) -> int:
    problems = validate_package(data_dir, sources)
    if not sources.is_dir():
        print(f"note: {sources} not found; quotations were not checked against the sources", file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {data_dir}; nothing was written", file=sys.stderr)
        return 1
    print(f"{data_dir}: valid")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ics_evidence", description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="data package folder (default: data/)")
    parser.add_argument("--sources", type=Path, default=None, help="source texts folder (default: ../shared/sources)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="check the data package and report every problem")
    commands.add_parser("datadict", help="regenerate the data dictionary page")
    commands.add_parser("build", help="validate, then build the book into _build/html")
    args = parser.parse_args(argv)
    sources = args.sources or sources_dir()

    if args.command == "validate":
        return _validate(args.data, sources)
    if args.command == "datadict":
        book.generate_pages(args.data)
        return 0
    if args.command == "build":
        status = _validate(args.data, sources)
        if status:
            print("build stopped before any page was written; the last good book is unchanged", file=sys.stderr)
            return status
        return book.build_book(args.data)
    return 2
