"""Builds that cannot corrupt the site (issue 10): one build at a time, publishing in one
atomic step with leftovers recovered, an interrupted Sphinx run repaired by the next build,
Ctrl-C that stops promptly and keeps the records of finished notebooks, and one line (not a
traceback) for anticipated failures."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ics_evidence.assemble import book, pipeline
from ics_evidence.assemble.jobs import load_jobs
from ics_evidence.project import Project
from tests.helpers import ROOT, copy_project, project_environment


def cli(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    env = env or project_environment(root)
    command = [sys.executable, "-m", "ics_evidence", *args]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("safety") / "project")


# -- publishing -------------------------------------------------------------------------------


def tree(path: Path, **pages: str) -> Path:
    path.mkdir(parents=True)
    for name, content in pages.items():
        (path / f"{name}.html").write_text(content, encoding="utf-8")
    return path


def test_publish_never_leaves_the_site_missing(tmp_path, monkeypatch):
    """After every file-system step of a publish (each rename, and each removal: a site removed
    before its replacement is linked would be missing in between), the site is there and whole."""
    site = tmp_path / "html"
    book.publish(tree(tmp_path / "b0", index="first"), site)
    steps = []

    def watched(original):
        def step(*args, **kwargs):
            result = original(*args, **kwargs)
            steps.append((site / "index.html").is_file() and (site / "other.html").is_file())
            return result

        return step

    monkeypatch.setattr(os, "replace", watched(os.replace))
    monkeypatch.setattr(os, "rename", watched(os.rename))
    monkeypatch.setattr(Path, "rename", watched(Path.rename))
    monkeypatch.setattr(Path, "replace", watched(Path.replace))
    for name in ("unlink", "remove", "rmdir"):
        monkeypatch.setattr(os, name, watched(getattr(os, name)))
    monkeypatch.setattr(shutil, "rmtree", watched(shutil.rmtree))
    (site.resolve() / "other.html").write_text("x", encoding="utf-8")
    for number in range(3):
        book.publish(tree(tmp_path / f"b{number + 1}", index=f"n{number}", other="o"), site)
    assert steps and all(steps), steps
    assert (site / "index.html").read_text(encoding="utf-8") == "n2"


def test_publish_keeps_one_tree_and_replaces_the_site_whole(tmp_path):
    site = tree(tmp_path / "html", old="old")  # a site published before links were used
    for number in range(3):
        book.publish(tree(tmp_path / f"built{number}", new=str(number)), site)
    assert sorted(p.name for p in site.iterdir()) == ["new.html"]
    assert (site / "new.html").read_text(encoding="utf-8") == "2"
    assert [p for p in tmp_path.glob("html.*")] == [site.resolve()]


def test_leftovers_of_an_interrupted_publish_are_recovered(tmp_path):
    """A kill between the two renames of the old scheme left no site, only html.outgoing; a
    kill during a copy leaves a half tree and a temporary link. The next publish recovers."""
    site = tmp_path / "html"
    tree(tmp_path / "html.outgoing", index="last good")
    tree(tmp_path / "html.incoming", index="half")
    tree(tmp_path / "html.12345", index="half copy")
    (tmp_path / ".html.link-999").symlink_to("html.12345")
    book.recover(site)
    assert (site / "index.html").read_text(encoding="utf-8") == "last good"
    book.publish(tree(tmp_path / "built", index="new"), site)
    assert (site / "index.html").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "built") == ["html", site.resolve().name]


# -- one build at a time ----------------------------------------------------------------------


def test_a_second_lock_on_the_same_build_is_refused(tmp_path):
    """The lock is exclusive (two holders would write the same products); released, it can be
    taken again."""
    from ics_evidence.assemble.lock import BuildLocked, build_lock

    first = build_lock(tmp_path / "_build", "the first build")
    with first, pytest.raises(BuildLocked, match="the first build"), build_lock(tmp_path / "_build", "a second"):
        pass
    with build_lock(tmp_path / "_build", "a later build"):
        pass


def test_a_child_started_under_the_lock_holds_it_until_it_ends(tmp_path):
    """A build's child (Sphinx, an edition's build) keeps the lock after its parent has let go,
    so no later build can start while it still writes into _build."""
    from ics_evidence.assemble.lock import BuildLocked, build_lock, child_options

    build = tmp_path / "_build"
    with build_lock(build, "the parent build"):
        child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE,
                                 **child_options())  # fmt: skip
    try:
        with pytest.raises(BuildLocked, match="the parent build"), build_lock(build, "a later build"):
            pass
    finally:
        child.stdin.close()  # the child reads to the end of its input, then exits
        child.wait()
    with build_lock(build, "a later build"):
        pass


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="needs Linux pidfd_open")
def test_a_build_s_child_dies_when_the_build_is_killed(tmp_path):
    """A kill -9 of the build takes its children with it (the kernel's parent-death signal), so
    none goes on writing into _build without the lock."""
    import select

    script = (
        "import subprocess, sys\nfrom pathlib import Path\n"
        "from ics_evidence.assemble.lock import build_lock, child_options\n"
        f"with build_lock(Path({str(tmp_path / '_build')!r}), 'killed build'):\n"
        "    child = subprocess.Popen([sys.executable, '-c', 'import signal; signal.pause()'], **child_options())\n"
        "    print(child.pid, flush=True)\n"
        "    child.wait()\n"
    )
    build = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    child = int(build.stdout.readline())
    watch = os.pidfd_open(child)  # readable once the child has ended
    try:
        build.kill()
        build.wait()
        ended, _, _ = select.select([watch], [], [], 30)  # a safety limit: the kernel kills it at once
        if not ended:
            os.kill(child, signal.SIGKILL)
        assert ended, "the child outlived the build that was killed"
    finally:
        os.close(watch)


@pytest.mark.parametrize("verb", ["build", "run", "pages"])
def test_a_second_build_says_who_holds_the_lock_and_exits_cleanly(project, verb):
    from ics_evidence.assemble.lock import build_lock

    with build_lock(project / "_build", "the test's build"):
        started = time.perf_counter()
        result = cli(project, verb)
    assert result.returncode == 75, result.stderr
    assert "the test's build" in result.stderr and f"pid {os.getpid()}" in result.stderr
    assert "Traceback" not in result.stderr
    assert time.perf_counter() - started < 30
    assert not (project / "_build" / "html").exists()


def test_the_lock_dies_with_its_holder(project):
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from ics_evidence.assemble.lock import build_lock\n"
        f"with build_lock(Path({str(project / '_build')!r}), 'killed build'):\n"
        "    print('held', flush=True); time.sleep(60)")], stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait()
    assert cli(project, "validate").returncode == 0
    result = cli(project, "status")
    assert result.returncode == 0, result.stderr


# -- Ctrl-C -------------------------------------------------------------------------------------


def test_ctrl_c_stops_promptly_and_keeps_finished_records(project):
    jobs = load_jobs(Project(project))
    assert len(jobs) >= 8
    executed: list[str] = []
    lock = threading.Lock()

    def slow(job, fingerprint):
        time.sleep(0.4)
        with lock:
            executed.append(job.key)
        return 0.4

    def report(line: str) -> None:
        if line.startswith("[1/"):
            signal.raise_signal(signal.SIGINT)  # Ctrl-C after the first notebook finished

    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        pipeline.run(jobs, jobs_in_parallel=2, report=report, executor=slow)
    assert time.perf_counter() - started < 0.4 * len(jobs) / 2, "waited for the queued notebooks"
    time.sleep(1)  # let the notebooks already running finish
    assert len(executed) < len(jobs)
    state = pipeline.read_state(project / "_build" / pipeline.STATE_NAME)
    assert executed[0] in state, "the finished notebook's record was lost"
    assert set(state) <= set(executed)


# -- anticipated failures -------------------------------------------------------------------------


def test_a_too_long_id_is_refused_in_one_line(project, tmp_path):
    import shutil

    from ics_evidence.data.csvfiles import read_rows, write_rows

    data = tmp_path / "data"
    shutil.copytree(project / "data", data)
    header, rows = read_rows(data / "systems.csv")
    rows[0]["system_id"] = "a" * 300
    write_rows(data / "systems.csv", header, rows)
    result = cli(project, "--data", str(data), "validate")
    assert result.returncode == 1 and "id-length" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("verb", ["validate", "status", "build"])
def test_file_system_errors_are_one_line_with_advice(project, verb):
    long_path = "/tmp/" + "x" * 300
    result = cli(project, "--data", long_path, verb)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "too long" in result.stderr.lower()


# -- an interrupted Sphinx run ----------------------------------------------------------------------

KILLER = """
import os

def _die(app, pagename, *args):
    if os.environ.get("KILL_WHILE_WRITING") and pagename == "index":
        os._exit(9)  # as a kill or a power cut would, after the environment was saved

def setup(app):
    app.connect("html-page-context", _die)
    return {"parallel_read_safe": True}
"""


@pytest.mark.book
def test_an_interrupted_sphinx_build_is_repaired_by_the_next(tmp_path, monkeypatch):
    """A page including a generated file is rewritten after a build killed while writing,
    although neither the page's source nor the generated file changes again."""
    root = tmp_path / "tiny"
    (root / "notebooks").mkdir(parents=True)
    (root / "notebooks" / "pipeline.yml").write_text("notebooks: []\n", encoding="utf-8")
    (root / "_config.yml").write_text(
        "title: tiny\nexecute:\n  execute_notebooks: 'off'\nonly_build_toc_files: true\n"
        "sphinx:\n  extra_extensions: [killer]\n",
        encoding="utf-8",
    )
    (root / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n  - file: other\n", encoding="utf-8")
    (root / "index.md").write_text("# Index\n\n```{include} generated.md\n```\n", encoding="utf-8")
    (root / "other.md").write_text("# Other\n\nText.\n", encoding="utf-8")
    (root / "killer.py").write_text(KILLER, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(root))
    project, work = Project(root), root / "_build" / "work"
    (root / "generated.md").write_text("first edition\n", encoding="utf-8")
    assert book.run_sphinx(project, work) == 0
    (root / "generated.md").write_text("second edition\n", encoding="utf-8")
    monkeypatch.setenv("KILL_WHILE_WRITING", "1")
    assert book.run_sphinx(project, work) != 0
    monkeypatch.delenv("KILL_WHILE_WRITING")
    assert book.run_sphinx(project, work) == 0
    page = (work / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    assert "second edition" in page


# -- the build's last line says whether the evidence was checked ------------------------------------


@pytest.mark.parametrize("opted_out", [False, True])
def test_build_last_line_says_whether_quotations_were_checked(monkeypatch, tmp_path, opted_out):
    from ics_evidence.assemble.book_inputs import BookOutcome
    from ics_evidence.assemble.summary import final_line
    from ics_evidence.project import WITHOUT_SOURCES_ENV

    if opted_out:
        monkeypatch.setenv(WITHOUT_SOURCES_ENV, "1")
    else:
        monkeypatch.delenv(WITHOUT_SOURCES_ENV, raising=False)
    project = Project(ROOT)
    line = final_line(project, [], 3, BookOutcome(), tmp_path / "no-sources", 1.0)
    assert ("--without-sources" in line) is opted_out, line
    (tmp_path / "sources").mkdir()
    assert "checked against the sources" in final_line(project, [], 3, BookOutcome(), tmp_path / "sources", 1.0)


@pytest.mark.parametrize(
    ("code", "advice"), [(28, "disk is full"), (30, "read-only"), (13, "permission denied"), (36, "too long")]
)
def test_full_or_read_only_disk_is_one_line_with_advice(monkeypatch, capsys, code, advice):
    """ENOSPC, EROFS, EACCES, ENAMETOOLONG from anywhere in a command (they cannot be caused
    for real here: the tests may run as root, on a roomy disk)."""
    from ics_evidence import cli as command_line

    def fails(*args, **kwargs):
        raise OSError(code, os.strerror(code), "_build/html.123/index.html")

    monkeypatch.setattr(command_line, "_validate", fails)
    assert command_line.main(["--root", str(ROOT), "validate"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and advice in err[0] and "_build/html.123/index.html" in err[0], err
