"""Mutants: do the tests catch a broken protection? (``make mutants``; not in CI, nor in ``make test``)

Each :class:`Mutant` in :data:`CATALOGUE` is one deliberate breakage of a protection the project
relies on (the escaping of data text, a reason a notebook reruns, a validator rule, the build
lock, ...), written as an exact edit of one file: ``old`` text -> ``new`` text. The runner
copies the project to a temporary folder (never the checkout), applies one mutant there, runs
the few tests named for it, and records whether they failed. A mutant whose tests still pass
*survives*: the protection could be broken without any test noticing, so a test is missing or
too weak. The run prints a table (mutant, what it breaks, tests run, caught, tests that failed)
and exits non-zero if any mutant survived or could not be run.

Before any mutant, the named tests are run once on an unbroken copy: a test that fails there
would make every mutant look caught, so the run stops.

An edit whose ``old`` text is not in its file exactly once is refused before anything runs, so
the catalogue cannot silently rot when the code moves on; ``tests/test_mutants.py`` (in
``make check``) checks that for every mutant, and that every test a mutant names exists.

    python -m tests.mutants             # every mutant (make mutants)
    python -m tests.mutants NAME ...    # only these
    python -m tests.mutants --list      # the catalogue, without running anything

To add a mutant, see CONTRIBUTING.md (*Mutants: do the tests catch a broken protection?*).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

from ics_evidence.project import SOURCES_ENV, Project
from ics_evidence.terminal import escaped


@dataclass(frozen=True)
class Mutant:
    name: str
    breaks: str  # the protection it breaks, in a few words
    path: str  # the file it edits, relative to the project root
    old: str  # exact text, found exactly once in the file
    new: str
    tests: tuple[str, ...]  # pytest node ids or test files (relative to the project root) that must fail

    def problems(self, root: Path) -> list[str]:
        """Why this mutant cannot be applied to the project at ``root`` (empty: it can)."""
        file = root / self.path
        if not file.is_file():
            return [f"{self.name}: {self.path} does not exist"]
        found = file.read_text(encoding="utf-8").count(self.old)
        out = []
        if found != 1:
            out.append(f"{self.name}: {self.path} holds its old text {found} times, not once: {self.old!r}")
        if self.old == self.new:
            out.append(f"{self.name}: its new text is its old text")
        if not self.tests:
            out.append(f"{self.name}: names no test")
        for test in self.tests:
            module, _, rest = test.partition("::")
            function = re.sub(r"\[.*\]$", "", rest.split("::")[-1])
            test_file = root / module
            if not test_file.is_file():
                out.append(f"{self.name}: the test file {module} does not exist")
            elif rest and not re.search(rf"^\s*def {re.escape(function)}\(", test_file.read_text("utf-8"), re.M):
                out.append(f"{self.name}: {module} has no test {function!r}")
        return out

    def apply(self, root: Path) -> None:
        """Edit the copy at ``root``; refuses (loudly) when the old text is not there once."""
        problems = self.problems(root)
        if problems:
            raise CatalogueRotted("\n".join(problems))
        file = root / self.path
        file.write_text(file.read_text(encoding="utf-8").replace(self.old, self.new), encoding="utf-8")


class CatalogueRotted(RuntimeError):
    """A mutant's old text (or a test it names) is no longer in the project."""


def _m(name: str, breaks: str, path: str, old: str, new: str, *tests: str) -> Mutant:
    return Mutant(name, breaks, path, old, new, tests)


SRC = "src/ics_evidence"
CATALOGUE: tuple[Mutant, ...] = (
    _m("markdown-braces", "Markdown escaping of data text: { and } left raw (a MyST substitution would run)",
       f"{SRC}/assemble/markdown.py", r'_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")',
       r'_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`|~])")',
       "tests/test_markdown.py::test_every_ascii_punctuation_character_is_escaped",
       "tests/test_markdown.py::test_hostile_text_renders_as_its_characters",
       "tests/test_data_dictionary.py::test_descriptions_are_escaped"),
    _m("markdown-newline", "data text on one line: a new line in a cell would end a table row or start a block",
       f"{SRC}/assemble/markdown.py", r'_WHITESPACE = re.compile(r"\s+")', r'_WHITESPACE = re.compile(r"[ \t]+")',
       "tests/test_markdown.py::test_hostile_text_renders_as_its_characters",
       "tests/test_markdown.py::test_text_and_code_stay_on_one_line"),
    _m("heading-escape", "a value glued into a notebook's heading ({{ name }}) is escaped as Markdown text",
       f"{SRC}/assemble/execute.py", "    return markdown.text(value)\n", "    return value\n",
       "tests/test_markdown.py::test_a_glued_value_fills_a_notebook_heading_as_literal_text"),
    _m("fingerprint-code", "a notebook reruns when the analysis code changes",
       f"{SRC}/assemble/fingerprint.py", 'why.append("analysis code changed")', "pass",
       "tests/test_pipeline.py::test_analysis_code_change"),
    _m("fingerprint-environment", "a notebook reruns when the runtime packages change",
       f"{SRC}/assemble/fingerprint.py", 'why.append("runtime packages changed")', "pass",
       "tests/test_pipeline.py::test_environment_change"),
    _m("fingerprint-edition", "a notebook reruns when the edition's citation (CITATION.cff) changes",
       f"{SRC}/assemble/fingerprint.py", 'why.append("edition\'s citation changed")', "pass",
       "tests/test_pipeline.py::test_edition_title_change"),
    _m("fingerprint-data", "a notebook reruns when a data table it reads changes",
       f"{SRC}/assemble/fingerprint.py", 'why.append(f"data/{name} changed")', "pass",
       "tests/test_pipeline.py::test_one_system_edit_reruns_only_that_systems_page",
       "tests/test_pipeline.py::test_table_read_by_every_notebook_reruns_all"),
    _m("validated-key-code", "validate once per build: a change to the validating code invalidates the record",
       f"{SRC}/data/validated.py", "validation\\0{_code_digest()}\\0required", "validation\\0required",
       "tests/test_validated.py::test_a_change_to_the_validating_code_changes_the_key"),
    _m("quote-verbatim", "validator: a quotation must be found verbatim in its source document",
       f"{SRC}/data/quote_checks.py", "                    if found is False:\n", "                    if False:\n",
       "tests/test_validator.py::test_quote_not_in_source"),
    _m("value-stated", "validator: a value must be a number its quotation states",
       f"{SRC}/data/quote_checks.py", 'if not states_value(row.raw["quote"], row.values[column], unit):', "if False:",
       "tests/test_validator.py::test_value_the_quote_does_not_state",
       "tests/test_validator.py::test_result_value_and_range_the_quote_does_not_state"),
    _m("derivation", "validator: a derivation is evaluated against the quotation's numbers, not trusted",
       f"{SRC}/data/derivations.py", 'return f"the derivation gives {result:g}, not {value:g}"', "return None",
       "tests/test_validator.py::test_a_derivation_is_checked_not_trusted",
       "tests/test_derivations.py::test_forms"),
    _m("qualifier-stated", "validator: a qualifier (over, around, up to) must be what the quotation says",
       f"{SRC}/data/field_rules.py",
       'out.append(Finding(row.number, "qualifier", qualifier, "qualifier-stated", problem))', "pass",
       "tests/test_field_rules.py::test_validator_refuses_a_dropped_qualifier",
       "tests/test_field_rules.py::test_validator_refuses_an_added_qualifier"),
    _m("quote-in-section", "validator: a quotation must lie inside the section it names",
       f"{SRC}/data/quote_checks.py",
       "elif parts is not None and not any(normalise(quote) in part for part in parts):", "elif False:",
       "tests/test_validator.py::test_quote_outside_the_section_it_names"),
    _m("quote-system", "validator: a row about a system quotes a passage about that system",
       f"{SRC}/data/quote_checks.py", "if not about or about & allowed or names_system(quote, system):", "if True:",
       "tests/test_field_rules.py::test_validator_refuses_a_result_moved_to_another_system"),
    _m("email", "validator: a cell holding an e-mail address anywhere is refused (personal data)",
       f"{SRC}/data/cells.py", 'if field.type == "string" and EMAIL.search(cell):',
       'if field.type == "string" and EMAIL.fullmatch(cell):',
       "tests/test_validator.py::test_email_address_is_refused"),
    _m("separator-u2028", "validator: line and paragraph separators (U+2028, U+2029) in a cell are refused",
       f"{SRC}/data/cells.py", 'HIDDEN_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")', 'HIDDEN_CATEGORIES = ("Cc", "Cf")',
       "tests/test_untrusted_text.py::test_separator_in_a_text_field_is_refused_at_its_row"),
    _m("formula-cell", "validator: a text cell starting with @ (a spreadsheet formula) is refused",
       f"{SRC}/data/cells.py", 'FORMULA_START = ("=", "+", "-", "@")', 'FORMULA_START = ("=", "+", "-")',
       "tests/test_hostile_input.py::test_formula_leading_text_is_refused"),
    _m("descriptor-enum", "descriptor rules: a required enum cannot be widened (_loosened)",
       f"{SRC}/data/rules.py", "return not set(actual) <= set(required)", "return not set(actual) >= set(required)",
       "tests/test_hostile_input.py::test_no_required_constraint_can_be_loosened"),
    _m("descriptor-removed", "descriptor rules: a required constraint cannot be removed (_loosened)",
       f"{SRC}/data/rules.py", "if actual is None:\n        return True", "if actual is None:\n        return False",
       "tests/test_hostile_input.py::test_no_required_constraint_can_be_removed"),
    _m("descriptor-path", "descriptor rules: a table's path is its name in the package folder (no ../, no /)",
       f"{SRC}/data/schema.py", 'if self.path != f"{self.name}.csv":', 'if self.path.startswith("/"):',
       "tests/test_hostile_input.py::test_resource_path_is_confined_to_the_package_folder"),
    _m("build-lock", "one build at a time: the build lock is exclusive",
       f"{SRC}/assemble/lock.py", "fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)",
       "fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)",
       "tests/test_build_safety.py::test_a_second_lock_on_the_same_build_is_refused",
       "tests/test_build_safety.py::test_a_second_build_says_who_holds_the_lock_and_exits_cleanly[pages]"),
    _m("lock-held-by-children", "a build's children hold its lock (no later build starts while they write)",
       f"{SRC}/assemble/lock.py", 'options: dict = {"pass_fds": tuple(_HELD)}', 'options: dict = {"pass_fds": ()}',
       "tests/test_build_safety.py::test_a_child_started_under_the_lock_holds_it_until_it_ends"),
    _m("children-die-with-the-build", "a killed build's children are killed by the kernel (parent-death signal)",
       f"{SRC}/assemble/lock.py", "prctl(PR_SET_PDEATHSIG, signal.SIGKILL)", "prctl(PR_SET_PDEATHSIG, 0)",
       "tests/test_build_safety.py::test_a_build_s_child_dies_when_the_build_is_killed"),
    _m("forked-kernel-session", "a kernel forked from the warm server leads its own session (an interrupt is its own)",
       f"{SRC}/assemble/warm_kernels.py", "    os.setsid()\n", "    pass\n",
       "tests/test_warm_kernels.py::test_a_forked_kernel_leads_its_own_session_and_holds_the_build_lock"),
    _m("fork-server-stops", "the warm kernels' server ends with the run that started it",
       f"{SRC}/assemble/warm_kernels.py", "self._process.stdin.close()  # the server's", "pass  # the server's",
       "tests/test_warm_kernels.py::test_the_server_stops_when_the_run_ends"),
    _m("publish-atomic", "atomic publish: the old site is removed before the new one is linked (a moment with none)",
       f"{SRC}/assemble/book.py", "    os.replace(link, site)\n",
       "    if site.is_symlink():\n        site.unlink()\n    os.replace(link, site)\n",
       "tests/test_build_safety.py::test_publish_never_leaves_the_site_missing"),
    _m("publish-partial-tree", "a publish that fails (a full disk) removes the tree it had half copied",
       f"{SRC}/assemble/book.py", "shutil.rmtree(tree, ignore_errors=True)  # a partial tree", "pass  # a partial tree",
       "tests/test_untrusted_disk_full.py::test_disk_full_publish_removes_its_partial_tree_and_keeps_the_site"),
    _m("sphinx-incomplete", "a Sphinx run that was interrupted makes the next build rewrite every page",
       f"{SRC}/assemble/book.py", '        command.append("--all")\n', "        pass\n",
       "tests/test_build_safety.py::test_an_interrupted_sphinx_build_is_repaired_by_the_next"),  # the only guard
    _m("glue-dependency", "a page that glues a value from a notebook is written again when that notebook changes",
       f"{SRC}/assemble/sphinx_dependencies.py", "    if named:\n        sources[env.docname] = named\n",
       "    if named:\n        pass\n",
       "tests/test_sphinx_dependencies.py::test_a_page_follows_what_it_shows_of_other_pages"),
    _m("claims-ledger", "the claims ledger holds every value the book's tables state",
       f"{SRC}/assemble/claims.py", "    for page, claim in shown:\n", "    for page, claim in shown[1:]:\n",
       "tests/test_claims.py::test_the_claims_match_their_checked_in_snapshot"),
    _m("release-autoescape", "release metadata (releases.yml) is escaped in the edition's HTML (Jinja autoescape)",
       f"{SRC}/templating.py", "    autoescape=True,  # every template", "    autoescape=False,  # every template",
       "tests/test_untrusted_release_record.py::test_release_metadata_escaped_in_versions_table_text_and_hrefs",
       "tests/test_untrusted_release_record.py::test_release_metadata_escaped_in_footer_and_doi_link",
       "tests/test_site_switcher.py::test_the_index_lists_every_edition_with_its_summary_escaped"),
    _m("symlink-followed", "only regular files are read: a symbolic link is looked at, not followed",
       f"{SRC}/files.py", "info = os.lstat(path)", "info = os.stat(path)",
       "tests/test_untrusted_symlinks.py::test_symlink_inside_the_package_is_refused_too",
       "tests/test_untrusted_symlinks.py::test_symlink_table_is_refused_without_echoing_its_content"),
    _m("terminal-escape", "terminal output: bidi and zero-width characters are escaped",
       f"{SRC}/terminal.py", 'UNSAFE_CATEGORIES = ("Cc", "Cf", "Cs", "Zl", "Zp")', 'UNSAFE_CATEGORIES = ("Cc", "Cs")',
       "tests/test_untrusted_text.py::test_terminal_escapes_control_bidi_and_separator_characters"),
    _m("make-recipe-quoting", 'Make arguments reach the program byte for byte: the recipe reads "$$NAME"',
       "Makefile", '--name="$$NAME"', '--name="$(NAME)"',
       "tests/test_untrusted_make_arguments.py::test_make_new_system_passes_id_and_name_byte_for_byte"),
    _m("make-value", "Make arguments are kept raw with $(value ...): Make never expands $(shell ...)",
       "Makefile", "override SUMMARY := $(value SUMMARY)", "override SUMMARY := $(SUMMARY)",
       "tests/test_untrusted_make_arguments.py::test_make_release_passes_version_and_summary_byte_for_byte",
       "tests/test_untrusted_make_arguments.py::test_make_dry_run_runs_nothing_from_the_arguments"),
    _m("report-messages-escape", "the front page's report messages reach its Markdown as literal text",
       f"{SRC}/assemble/pages.py",
       "f\"- **{title}.** {text(row['message'])}\",", "f\"- **{title}.** {row['message']}\",",
       "tests/test_report_messages.py::test_data_text_reaches_the_markdown_as_literal_text"),
    _m("report-messages-page-target", "a report message's evidence page becomes a {doc} link only if it is a book page",
       f"{SRC}/assemble/pages.py",
       "if not _PAGE_NAME.fullmatch(target) or (pages is not None and target not in pages):", "if False:",
       "tests/test_report_messages.py::test_an_evidence_page_that_is_not_a_page_of_the_book_is_refused"),
    _m("report-messages-own-words", "validator: a report message may not copy a run of its source's words",
       f"{SRC}/data/report_messages.py", "            if run is not None:\n", "            if False:\n",
       "tests/test_report_messages.py::test_a_message_that_copies_the_report_is_refused"),
    _m("report-messages-page-stated", "validator: a report message's page is the one its source's contents give",
       f"{SRC}/data/report_messages.py", "if page is not None and listed != page:", "if False:",
       "tests/test_report_messages.py::test_a_page_the_contents_do_not_give_is_refused"),
    _m("report-parts-escape", "the report's other parts reach their chapter's Markdown as literal text",
       f"{SRC}/assemble/pages.py", "{text(row['summary'])} {cited}", "{row['summary']} {cited}",
       "tests/test_report_parts.py::test_data_text_reaches_the_markdown_as_literal_text"),
    _m("link-plain-address", "a data address becomes a link only if it is a plain https address",
       f"{SRC}/assemble/markdown.py", "if not isinstance(url, str) or not _ADDRESS.fullmatch(url):", "if False:",
       "tests/test_report_parts.py::test_only_a_plain_https_address_becomes_a_link"),
    _m("report-parts-name-printed", "validator: a part's printed words must stand in its section as a name",
       f"{SRC}/data/report_parts.py", "if printed and not printed_as_name(printed, section_lines):", "if False:",
       "tests/test_report_parts.py::test_a_printed_name_must_stand_in_its_section_as_a_name",
       "tests/test_report_parts.py::test_a_quotation_cannot_pass_as_a_term"),
    _m("report-parts-url-printed", "validator: a part's address must be one its section prints",
       f"{SRC}/data/report_parts.py",
       'if url and not any(printed_address(url, " ".join(lines[at:end])) for at, end in parts):', "if False:",
       "tests/test_report_parts.py::test_an_address_the_section_does_not_print_is_refused"),
    _m("report-parts-page-pointed", "validator: a stated page is one the part's own text points to",
       f"{SRC}/data/report_messages.py", "if page is not None and not pointed:", "if False:",
       "tests/test_report_parts.py::test_pages_are_the_reports"),
    _m("meta-tags-kept", "page metadata: Sphinx's own meta tags are added to as text (Markup + str escapes them)",
       f"{SRC}/assemble/sphinx_metadata.py", 'context.get("metatags", "") + str(', 'context.get("metatags", "") + (',
       "tests/test_page_metadata.py::test_the_tags_are_added_to_sphinxs_own_unescaped_and_without_a_relative_og_url"),
    _m("book-inputs-templates", "a changed template is a book input (Sphinx runs and writes every page)",
       f"{SRC}/assemble/book_inputs.py", 'PACKAGE_CODE_SUFFIXES = (".py", ".html", ".css", ".js")',
       'PACKAGE_CODE_SUFFIXES = (".py",)',
       "tests/test_quiet_build.py::test_the_whole_package_is_an_input_templates_included"),
    _m("kernel-restart", "a kernel that fails to start is started once more",
       f"{SRC}/assemble/execute.py", "KERNEL_STARTS = 2", "KERNEL_STARTS = 1",
       "tests/test_pipeline.py::test_a_kernel_that_does_not_start_is_started_once_more"),
    _m("slow-mark-first", "make check leaves out book builds: the slow mark is added before deselection",
       "tests/conftest.py", "@pytest.hookimpl(tryfirst=True)\ndef pytest_collection_modifyitems",
       "@pytest.hookimpl(trylast=True)\ndef pytest_collection_modifyitems",
       "tests/test_suite_setup.py::test_make_check_leaves_out_every_book_build_and_the_longest_modules_come_first"),
)  # fmt: skip

# A mutant's tests are stopped after this long (a broken lock could let a test start a build).
TIMEOUT_SECONDS = 900


def catalogue_problems(root: Path, catalogue: tuple[Mutant, ...] = CATALOGUE) -> list[str]:
    """Every reason a mutant of ``catalogue`` cannot be applied to the project at ``root``."""
    names = [mutant.name for mutant in catalogue]
    out = [f"two mutants are named {name!r}" for name in sorted({n for n in names if names.count(n) > 1})]
    for mutant in catalogue:
        out.extend(mutant.problems(root))
    return out


@dataclass
class Outcome:
    mutant: Mutant | None  # None: the unbroken copy
    status: str  # "caught", "SURVIVED", or "ERROR" (the tests could not run: see detail)
    failed: list[str] = field(default_factory=list)
    detail: str = ""


def _failed_tests(report: Path) -> list[str]:
    """The node ids of the tests that failed or errored, from pytest's JUnit XML report."""
    if not report.is_file():
        return []
    failed = []
    for case in ElementTree.parse(report).iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            module = case.get("classname", "").replace(".", "/")
            failed.append(f"{module}.py::{case.get('name', '')}")
    return failed


def run_tests(root: Path, tests: tuple[str, ...], sources: Path) -> tuple[int, list[str], str]:
    """Run ``tests`` in the copy at ``root`` with its own code: (pytest's exit code, the tests
    that failed, the tail of its output)."""
    report = root.parent / "report.xml"
    report.unlink(missing_ok=True)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
               f"--junitxml={report}", *tests]  # fmt: skip
    environment = Project(root).command_environment() | {SOURCES_ENV: str(sources)}
    # In a session of its own, so that a stop (the time limit, Ctrl-C) ends the processes its
    # tests started too (a build a broken lock let start), not only pytest.
    tests_run = subprocess.Popen(command, cwd=root, env=environment, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True, start_new_session=True)  # fmt: skip
    try:
        output, _ = tests_run.communicate(timeout=TIMEOUT_SECONDS)
        code = tests_run.returncode
    except subprocess.TimeoutExpired:
        output, code = f"stopped after {TIMEOUT_SECONDS} s", -1
    finally:
        if tests_run.poll() is None:  # still running: the session is certainly its own
            os.killpg(tests_run.pid, signal.SIGKILL)
            tests_run.wait()
    return code, _failed_tests(report), output[-1500:]


def run_one(project: Project, mutant: Mutant | None, tests: tuple[str, ...]) -> Outcome:
    """Apply ``mutant`` (none: the unbroken project) to a fresh temporary copy and run ``tests``."""
    with tempfile.TemporaryDirectory(prefix="ics-mutant-") as folder:
        root = project.copy_to(Path(folder) / "project").root
        if mutant is not None:
            mutant.apply(root)
        code, failed, output = run_tests(root, tests, project.sources_dir)
    if code == 0:
        return Outcome(mutant, "SURVIVED" if mutant else "passed")
    if code == 1 and failed:  # pytest: some tests failed (and none could not be collected)
        return Outcome(mutant, "caught" if mutant else "FAILED", failed)
    last = (output.strip().splitlines() or [""])[-1]
    return Outcome(mutant, "ERROR", failed, f"pytest exit {code}: {last}")


def _short(test: str) -> str:
    return test.removeprefix("tests/")


def _listed(tests: list[str], most: int = 3) -> str:
    shown = [_short(t) for t in tests[:most]] + ([f"and {len(tests) - most} more"] if len(tests) > most else [])
    return "<br>".join(shown) or "none"


def table(outcomes: list[Outcome]) -> str:
    """The outcomes as a Markdown table (for the terminal and for a pull request or issue)."""
    lines = ["| mutant | what it breaks | tests run | caught | tests that failed |", "|---|---|---|---|---|"]
    for outcome in outcomes:
        mutant = outcome.mutant
        assert mutant is not None
        cells = [
            f"`{mutant.name}`",
            f"{mutant.breaks} (`{mutant.path}`)",
            "<br>".join(_short(t) for t in mutant.tests),
            {"caught": "yes", "SURVIVED": "**NO**"}.get(outcome.status, f"**{outcome.status}** {outcome.detail}"),
            _listed(outcome.failed),
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(escaped(line) for line in lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutants", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="run only these mutants (default: every one)")
    parser.add_argument("--list", action="store_true", help="list the catalogue and check it; run nothing")
    options = parser.parse_args(argv)
    project = Project.find(Path(__file__).parent)
    known = {mutant.name: mutant for mutant in CATALOGUE}
    unknown = [name for name in options.names if name not in known]
    if unknown:
        print(escaped(f"no such mutant: {', '.join(unknown)} (known: {', '.join(known)})"), file=sys.stderr)
        return 2
    chosen = [known[name] for name in options.names] or list(CATALOGUE)
    problems = catalogue_problems(project.root, tuple(chosen))
    if problems:
        print("the mutant catalogue no longer fits the code (tests/mutants.py):", file=sys.stderr)
        print("\n".join(f"  {escaped(p)}" for p in problems), file=sys.stderr)
        return 2
    if options.list:
        for mutant in chosen:
            print(escaped(f"{mutant.name}: {mutant.breaks} ({mutant.path}); tests: {', '.join(mutant.tests)}"))
        return 0
    every_test = tuple(dict.fromkeys(test for mutant in chosen for test in mutant.tests))
    print(f"the {len(every_test)} tests the mutants name, on an unbroken copy ...", file=sys.stderr, flush=True)
    baseline = run_one(project, None, every_test)
    if baseline.status != "passed":
        print(escaped(f"they do not pass without a mutant ({baseline.status} {baseline.detail}): "
                      f"{', '.join(baseline.failed)}; fix them first"), file=sys.stderr)  # fmt: skip
        return 1
    outcomes = []
    for number, mutant in enumerate(chosen, 1):
        print(f"[{number}/{len(chosen)}] {mutant.name} ...", end=" ", file=sys.stderr, flush=True)
        outcome = run_one(project, mutant, mutant.tests)
        print(escaped(f"{outcome.status} {outcome.detail}".strip()), file=sys.stderr, flush=True)
        outcomes.append(outcome)
    print(table(outcomes))
    survived = [o.mutant.name for o in outcomes if o.status != "caught" and o.mutant]
    caught = len(outcomes) - len(survived)
    summary = f"{caught} of {len(outcomes)} mutants caught"
    print(f"\n{summary}; not caught: {', '.join(survived)}" if survived else f"\n{summary}")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
