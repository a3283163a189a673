"""Command line: ``python -m ics_evidence COMMAND``.

validate   check the data package and report every problem
status     say, per notebook, whether it would rerun and why
run        validate, then rerun the stale notebooks (papermill)
build      validate, rerun the stale notebooks, then build the book (the README's `make book`)
watch      rerun and rebuild whenever a data file changes
datadict   regenerate the data dictionary page
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ics_evidence import pipeline
from ics_evidence.paths import DATA_DIR, sources_dir
from ics_evidence.validate import validate_package


def _validate(data_dir: Path, sources: Path) -> int:
    problems = validate_package(data_dir, sources)
    if not sources.is_dir():
        print(f"note: {sources} not found; quotations were not checked against the sources", file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {data_dir}", file=sys.stderr)
        return 1
    print(f"{data_dir}: valid")
    return 0


def _run(args: argparse.Namespace, sources: Path) -> int:
    started = time.perf_counter()
    if _validate(args.data, sources):
        print("stopped before any notebook ran; the last good outputs and book are unchanged", file=sys.stderr)
        return 1
    try:
        jobs = pipeline.load_jobs(args.manifest, args.data)
        result = pipeline.run(jobs, jobs_in_parallel=args.jobs, force=args.force)
    except pipeline.PipelineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if not result.ok:
        for failure in result.failed:
            print(f"error: {failure}", file=sys.stderr)
        print(
            f"{len(result.failed)} notebook(s) failed; their last good outputs are kept and the book was not rebuilt",
            file=sys.stderr,
        )
        return 1
    print(f"notebooks done in {time.perf_counter() - started:.1f}s")
    return 0


def _build(args: argparse.Namespace, sources: Path) -> int:
    status = _run(args, sources)
    if status:
        return status
    from ics_evidence import book  # imports Altair; only the build needs it

    return book.build_book(args.data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ics_evidence", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="data package folder (default: data/)")
    parser.add_argument("--sources", type=Path, default=None, help="source texts folder (default: ../shared/sources)")
    parser.add_argument("--manifest", type=Path, default=pipeline.MANIFEST, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="check the data package and report every problem")
    commands.add_parser("datadict", help="regenerate the data dictionary page")
    status = commands.add_parser("status", help="say which notebooks would rerun, and why")
    status.add_argument("--force", action="store_true", help="as if every notebook were forced")
    for name, text in (
        ("run", "rerun stale notebooks"),
        ("build", "rerun stale notebooks, then build the book"),
        ("watch", "rebuild when data change"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("--jobs", "-j", type=int, default=None, help="notebooks run in parallel (default: cores)")
        command.add_argument("--force", action="store_true", help="rerun every notebook")
    args = parser.parse_args(argv)
    sources = args.sources or sources_dir()

    if args.command == "validate":
        return _validate(args.data, sources)
    if args.command == "datadict":
        from ics_evidence import book

        book.generate_pages(args.data)
        return 0
    if args.command == "status":
        try:
            plans = pipeline.plan(pipeline.load_jobs(args.manifest, args.data), args.force)
        except pipeline.PipelineError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print("\n".join(pipeline.status_lines(plans)))
        return 0
    if args.command == "run":
        return _run(args, sources)
    if args.command == "build":
        return _build(args, sources)
    if args.command == "watch":
        _build(args, sources)
        args.force = False
        pipeline.watch(lambda: _build(args, sources), args.data)
        return 0
    return 2
