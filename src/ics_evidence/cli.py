"""The one command line: ``python -m ics_evidence [--root DIR] COMMAND``.

validate   check the data package and report every problem
quote-share  report the share of each source's words the package republishes (fails over the limits)
audit      apply the catalogue of careless edits to copies of the data; say how many the validator refused
status     say, per notebook, whether it would rerun and why
run        validate, then rerun the stale notebooks (papermill)
build      validate, rerun the stale notebooks, then build the book (the README's `make book`)
watch      rerun and rebuild whenever a data file changes
pages      regenerate the generated pages (data dictionary, downloads, cite, versions, changes)
new-system add the rows a new system needs, with the cells to fill in left empty
release    record and bundle a new edition (the README's `make release`)
pdf        the print edition: rerun stale notebooks, print the book to _build/pdf (A4)
site       every recorded edition side by side in _build/site, with edition switchers
rules      regenerate the required schema (src/ics_evidence/data/required_schema.json) from the descriptor
benchmark  time the rerun pipeline in throw-away copies, reported as ratios

The project is the checkout you run in (or --root), whatever checkout the package was
installed from. The Makefile calls this; there is no other entry point.

Why one module of about 450 lines: it is the one command line: each verb's handler beside
the one parser that names them all (:func:`parser`), the environment every verb runs in
(:func:`main`) and the one way a failure is told (``_dispatch``: the build lock, an
interruption, a full disk); the handlers are thin and call the stages, which hold the work.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import subprocess
import sys
import time
from pathlib import Path

from ics_evidence.project import DESCRIPTOR, SOURCES_ENV, WITHOUT_SOURCES_ENV, NotAProject, Project, sources_required
from ics_evidence.terminal import escaped


def _say(message: object, stream=None) -> None:
    """Print a message (to stderr unless told): every one goes through the one rule for the
    terminal (:func:`ics_evidence.terminal.escaped`), line by line, so untrusted text in it
    (an id, a cell, a path, a releases.yml value) never reaches the terminal raw."""
    for line in str(message).split("\n"):
        print(escaped(line), file=stream or sys.stderr)


UNCHECKED = "quotations NOT checked against the source documents (--without-sources)"  # as the final line says


def _validate(data_dir: Path, sources: Path) -> int:
    from ics_evidence.data.validate import validate_package

    problems = validate_package(data_dir, sources)
    if not sources_required():
        _say(f"note: {UNCHECKED}")
    for problem in problems:
        _say(problem)
    if problems:
        _say(f"{len(problems)} problem(s) in {data_dir}")
        return 1
    _say(f"{data_dir}: valid", sys.stdout)
    return 0


def _checked(args: argparse.Namespace) -> bool:
    """Whether every quotation was checked: always, unless --without-sources let a build through
    without the external source folder."""
    return sources_required() or Path(args.sources).is_dir()


def _quote_share(data_dir: Path, sources: Path) -> int:
    from ics_evidence.data.quote_share import quote_shares, report

    if not sources.is_dir():
        _say(f"error: {sources} not found; the shares cannot be measured")
        return 2
    shares = quote_shares(data_dir, sources)
    print(report(shares))
    return 0 if all(s.within_limit for s in shares) else 1


def _audit(args: argparse.Namespace, project: Project) -> int:
    from ics_evidence.data.audit import report, run_audit

    if not Path(args.sources).is_dir():
        print(f"error: {args.sources} not found; the audit needs the source documents", file=sys.stderr)
        return 2
    try:
        outcomes = run_audit(args.data, args.sources, rows_per_kind=args.rows, seed=args.seed, kinds=args.kind)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(report(outcomes))
    return 0 if all(o.refused == o.tried for o in outcomes) else 1


def _run(args: argparse.Namespace, project: Project, outcome: dict | None = None) -> int:
    from ics_evidence.assemble import pipeline
    from ics_evidence.assemble.jobs import PipelineError, load_jobs
    from ics_evidence.data import validated

    started = time.perf_counter()
    key = validated.validation_key(args.data, args.sources)
    if _validate(args.data, args.sources):
        _say("stopped before any notebook ran; the last good outputs and book are unchanged")
        return 1
    if validated.validation_key(args.data, args.sources) == key:  # unchanged while it was validated
        validated.record(project.build_dir, key)  # the notebooks' loader then does not validate again
    try:
        jobs = load_jobs(project, args.data)
        result = pipeline.run(jobs, jobs_in_parallel=args.jobs, force=args.force)
    except PipelineError as error:
        _say(f"error: {error}")
        return 1
    if not result.ok:
        for failure in result.failed:
            _say(f"error: {failure}")
        print(
            f"{len(result.failed)} notebook(s) failed; their last good outputs are kept and the book was not rebuilt",
            file=sys.stderr,
        )
        return 1
    if outcome is not None:
        outcome.update(ran=result.ran, notebooks=len(jobs))
    else:
        print(f"notebooks done in {time.perf_counter() - started:.1f}s")
    return 0


def _build(args: argparse.Namespace, project: Project) -> int:
    from ics_evidence.assemble.edition import read_releases
    from ics_evidence.assemble.summary import final_line

    started = time.perf_counter()
    read_releases(project.root)  # a malformed edition record stops the build before any notebook runs
    run: dict = {}
    status = _run(args, project, run)
    if status:
        return status
    from ics_evidence.assemble import book  # imports Altair; only the build needs it
    from ics_evidence.assemble.book_inputs import BookOutcome

    print("assembling the book")
    outcome = BookOutcome()
    status = book.build_book(
        project, args.data, verbose=args.verbose, force=args.force, outcome=outcome, sources_checked=_checked(args)
    )
    if status:
        return status
    print(final_line(project, run["ran"], run["notebooks"], outcome, args.sources, time.perf_counter() - started))
    return 0


def _status(args: argparse.Namespace, project: Project) -> int:
    from ics_evidence.assemble import pipeline
    from ics_evidence.assemble.jobs import PipelineError, load_jobs

    try:
        plans = pipeline.plan(load_jobs(project, args.data), args.force)
    except PipelineError as error:
        _say(f"error: {error}")
        return 1
    print("\n".join(pipeline.status_lines(plans)))
    return 0


def _watch(args: argparse.Namespace, project: Project) -> int:
    from ics_evidence.assemble import pipeline

    _build(args, project)
    args.force = False
    pipeline.watch(lambda: _build(args, project), args.data)
    return 0


def _pages(args: argparse.Namespace, project: Project) -> int:
    from ics_evidence.assemble.pages import generate_pages

    generate_pages(project, args.data, sources_checked=_checked(args))
    return 0


def _claims(args: argparse.Namespace, project: Project) -> int:
    from ics_evidence.assemble.claims import SNAPSHOT, ledger, to_csv

    if _validate(args.data, args.sources):
        return 1
    from ics_evidence.data.load import read_typed

    frame = ledger(read_typed(args.data), project.root)
    text = to_csv(frame)
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    target = Path(args.output) if args.output else project.root / SNAPSHOT
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"{target}: {len(frame)} claims")
    return 0


def _new_system(args: argparse.Namespace, project: Project) -> int:
    from ics_evidence.data.scaffold import ScaffoldError, add_system, report

    try:
        plans = add_system(args.data, args.system_id, args.name, args.abbreviation)
    except ScaffoldError as error:
        _say(f"new-system refused: {error}")
        return 1
    _say(report(plans, args.data, args.system_id), sys.stdout)
    return 0


def _release(args: argparse.Namespace, project: Project) -> int:
    from ics_evidence.release import ReleaseError
    from ics_evidence.release.bundle import bundle_recorded
    from ics_evidence.release.record import make_release

    if not args.bundle_only and not args.summary:
        _say("release: --summary is required for a new release")
        return 2
    try:
        if args.bundle_only:
            bundle = bundle_recorded(args.version, project)
        else:
            bundle = make_release(args.version, args.summary, project, pdf=not args.no_pdf)
    except (ReleaseError, ValueError, subprocess.CalledProcessError) as error:
        _say(f"release refused: {error}")
        return 1
    _say(f"released {args.version}: {bundle} (+ .tar.gz); tag v{args.version}", sys.stdout)
    return 0


def _pdf(args: argparse.Namespace, project: Project) -> int:
    from ics_evidence.assemble.edition import read_releases

    read_releases(project.root)  # a malformed edition record stops it before any notebook runs
    status = _run(args, project)
    if status:
        return status
    from ics_evidence.release import ReleaseError
    from ics_evidence.release.pdf import make_pdf

    try:
        pdf = make_pdf(project, data_dir=args.data, sources_checked=_checked(args))
    except ReleaseError as error:
        _say(f"pdf not made: {error}")
        return 1
    print(f"print edition: {pdf}")
    return 0


def _site(args: argparse.Namespace, project: Project) -> int:
    from ics_evidence.release import ReleaseError
    from ics_evidence.release.site import build_site

    try:
        site = build_site(project)
    except (ReleaseError, subprocess.CalledProcessError) as error:
        _say(f"site not made: {error}")
        return 1
    print(f"every edition: {site / 'index.html'}")
    return 0


def _rules(args: argparse.Namespace, project: Project) -> int:
    from ics_evidence.data.rules import REQUIRED_SCHEMA, write_required_schema

    target = project.root / "src" / "ics_evidence" / "data" / REQUIRED_SCHEMA.name
    write_required_schema(project.data_dir / DESCRIPTOR, target)
    print(f"{target.relative_to(project.root)} now holds the rules of {DESCRIPTOR}: review both together")
    return 0


def _benchmark(args: argparse.Namespace, project: Project) -> int:
    from ics_evidence.benchmark import benchmark

    return benchmark(project, systems=args.systems, jobs=args.jobs, skip_large=args.skip_large)


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="python -m ics_evidence", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    main_parser.add_argument(
        "--root", type=Path, default=None, help="the project checkout (default: the one you are in)"
    )
    main_parser.add_argument("--data", type=Path, default=None, help="data package folder (default: ROOT/data)")
    main_parser.add_argument(
        "--sources",
        type=Path,
        default=None,
        help="source texts folder (default: $ICS_SOURCES_DIR or ../shared/sources)",
    )
    main_parser.add_argument(
        "--without-sources",
        action="store_true",
        help="do not check quotations against the source documents (the book and the build say so)",
    )
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler, text: str) -> argparse.ArgumentParser:
        # argparse expands % in help strings (for %(prog)s): a literal one is written %%.
        sub = commands.add_parser(name, help=text.replace("%", "%%"), description=text)
        sub.set_defaults(handler=handler)
        return sub

    command("validate", lambda a, p: _validate(a.data, a.sources), "check the data package and report every problem")
    command(
        "quote-share",
        lambda a, p: _quote_share(a.data, a.sources),
        "share of each source's words the package republishes (limits: report 15%, others 30%)",
    )
    audit = command("audit", _audit, "apply each kind of careless edit at seeded random rows; report what was refused")
    audit.add_argument("--rows", type=int, default=3, help="rows drawn per kind of edit (default 3)")
    audit.add_argument("--seed", type=int, default=0, help="seed of the random draw (default 0)")
    audit.add_argument("--kind", action="append", help="only this kind of edit (repeatable; default every kind)")
    command("pages", _pages, "regenerate the generated pages")
    status = command("status", _status, "say which notebooks would rerun, and why")
    status.add_argument("--force", action="store_true", help="as if every notebook were forced")
    for name, handler, text in (
        ("run", _run, "rerun stale notebooks"),
        ("build", _build, "rerun stale notebooks, then build the book"),
        ("pdf", _pdf, "rerun stale notebooks, then print the book to _build/pdf (A4)"),
        ("watch", _watch, "rebuild when data change"),
    ):
        sub = command(name, handler, text)
        sub.add_argument("--jobs", "-j", type=int, default=None, help="notebooks run in parallel (default: cores)")
        sub.add_argument("--force", action="store_true", help="rerun every notebook (and, to build, Sphinx)")
        sub.add_argument("--verbose", "-v", action="store_true", help="show Sphinx's own output instead of logging it")
    claims = command("claims", _claims, "write the claims ledger: every computed statement the book makes")
    claims.add_argument(
        "--output", default=None, help="file to write (default: the snapshot tests/snapshots/claims.csv; - for stdout)"
    )
    new_system = command("new-system", _new_system, "add the rows a new system needs, with cells to fill in")
    new_system.add_argument("system_id", metavar="ID", help="the new system's id, a lowercase slug (north-somerset)")
    new_system.add_argument("--name", required=True, help="the system's name as the sources give it")
    new_system.add_argument("--abbreviation", default="", help="its abbreviation, if the sources use one")
    release = command("release", _release, "record and bundle a new edition")
    release.add_argument(
        "version",
        help="semantic version: major = findings or data model, minor = new data or chapters, patch = corrections",
    )
    release.add_argument("--summary", help="one line for the Versions page and release notes")
    release.add_argument("--no-pdf", action="store_true", help="skip the PDF edition")
    release.add_argument("--bundle-only", action="store_true", help="bundle the release recorded at HEAD")
    command("rules", _rules, "regenerate the project's required schema from a reviewed data/datapackage.json")
    command("site", _site, "assemble every recorded edition, side by side, in _build/site")
    bench = command("benchmark", _benchmark, "time the rerun pipeline (shipped and a generated dataset)")
    bench.add_argument("--systems", type=int, default=42, help="size of the generated dataset (default 42)")
    bench.add_argument("--jobs", type=int, default=None, help="parallel jobs (default: cores)")
    bench.add_argument("--skip-large", action="store_true", help="only the shipped dataset")
    return main_parser


@contextlib.contextmanager
def _environment(values: dict[str, str | None]):
    """Set (or, for None, unset) environment variables while the block runs, then restore them."""
    before = {name: os.environ.get(name) for name in values}
    try:
        _set_environment(values)
        yield
    finally:
        _set_environment(before)


def _set_environment(values: dict[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        project = Project.find(args.root)
    except NotAProject as error:
        _say(f"error: {error}")
        return 2
    args.data = (args.data or project.data_dir).resolve()
    args.sources = (args.sources or project.sources_dir).resolve()
    # Children (papermill kernels, their loader) see the same sources and the same choice, for
    # this command only: a caller in the same process (a test, a notebook) keeps its own.
    with _environment({SOURCES_ENV: str(args.sources), WITHOUT_SOURCES_ENV: "1" if args.without_sources else None}):
        return _dispatch(args, project)


def _dispatch(args: argparse.Namespace, project: Project) -> int:
    from ics_evidence.assemble.edition import EditionError
    from ics_evidence.assemble.lock import BuildLocked, build_lock
    from ics_evidence.assemble.pipeline import Interrupted
    from ics_evidence.citation_file import CitationError
    from ics_evidence.files import UnsafeFile

    try:
        if args.command in WRITERS:
            with build_lock(project.build_dir, f"python -m ics_evidence {args.command}"):
                return args.handler(args, project)
        return args.handler(args, project)
    except BuildLocked as error:
        _say(f"error: {error}")
        return 75  # EX_TEMPFAIL: try again later
    except (EditionError, CitationError, UnsafeFile) as error:
        # Untrusted input the command cannot use (releases.yml, CITATION.cff, a linked file): one line.
        _say(f"error: {error}")
        return 1
    except KeyboardInterrupt as interrupt:
        done = f": {interrupt}" if isinstance(interrupt, Interrupted) else ""
        _say(f"interrupted{done}; the published book is unchanged")
        return 130
    except OSError as error:
        # Anticipated failures of the machine, not of the code: one line, what and what to do.
        _say(f"error: {_os_error(error)}")
        return 1


# Commands that write build products, so that two of them never run at once in a checkout.
WRITERS = {"run", "build", "watch", "pages", "pdf", "site", "release", "benchmark"}

_OS_ADVICE = {
    errno.ENOSPC: "the disk is full; free some space and run the command again",
    errno.EDQUOT: "the disk quota is exhausted; free some space and run the command again",
    errno.EROFS: "the file system is read-only; build in a writable checkout",
    errno.EACCES: "permission denied; make the checkout writable (or build in a copy)",
    errno.EPERM: "permission denied; make the checkout writable (or build in a copy)",
    errno.ENAMETOOLONG: "a file name is too long; shorten the id or folder name it comes from",
    errno.ENOENT: "not found; check the path",
}


def _os_error(error: OSError) -> str:
    import shutil

    if isinstance(error, shutil.Error) and error.args and isinstance(error.args[0], list) and error.args[0]:
        # copytree tries every file, then raises one error listing each failure: say the first.
        failures = error.args[0]
        source, _, why = failures[0]
        full = "No space left" in str(why) or "quota" in str(why).lower()
        advice = _OS_ADVICE[errno.ENOSPC] if full else "see the message and run the command again"
        return f"{len(failures)} file(s) could not be copied, the first {source}: {why}: {advice}"
    where = f" ({error.filename})" if error.filename else ""
    advice = _OS_ADVICE.get(error.errno, "see the message and run the command again")
    return f"{error.strerror or error}{where}: {advice}"
