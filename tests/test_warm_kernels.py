"""Kernels forked from the run's warm server (``ics_evidence.assemble.warm_kernels``) are real,
fresh kernels: they answer, they give the same notebook a kernel started the ordinary way
gives, they hold the build's lock, and none outlives its build. Waits are on events (a FIFO,
a kernel's reply, pidfds), never on time."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys

import pytest

from ics_evidence.assemble import execute, pipeline, warm_kernels
from ics_evidence.assemble.jobs import load_jobs
from ics_evidence.project import Project
from tests.helpers import copy_built
from tests.test_untrusted_orphans import EXITS, _wait_readable, open_files

pytestmark = pytest.mark.skipif(not warm_kernels.available(), reason="needs fork and Linux pidfds")

BUILD = """
import os, signal, sys
from pathlib import Path
from ics_evidence.assemble import warm_kernels
from ics_evidence.assemble.lock import build_lock
from jupyter_client.connect import write_connection_file
build_dir, fifo, connection = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
write_connection_file(connection)  # as jupyter_client does before it starts a kernel
with build_lock(build_dir, "the stand-in build"), warm_kernels.forking(build_dir):
    server = warm_kernels._SERVER
    kernel = server.fork(["-f", connection], dict(os.environ), str(build_dir))
    with open(fifo, "w") as out:
        out.write(f"{kernel} {server._process.pid}")
    signal.pause()
"""


@pytest.fixture
def forked_kernel(tmp_path):
    """(build process, kernel pid, server pid, build dir) once the forked kernel answers."""
    from jupyter_client import BlockingKernelClient

    fifo, connection, build_dir = tmp_path / "pids", tmp_path / "kernel.json", tmp_path / "_build"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    build = subprocess.Popen([sys.executable, "-c", BUILD, str(build_dir), str(fifo), str(connection)],
                             stderr=subprocess.PIPE, text=True)  # fmt: skip
    build_exit = os.pidfd_open(build.pid)
    kernel = server = None
    try:
        assert reader in _wait_readable(reader, build_exit), f"the build ended first: {build.stderr.read()}"
        kernel, server = (int(part) for part in os.read(reader, 64).decode().split())
        client = BlockingKernelClient()
        client.load_connection_file(str(connection))
        client.start_channels()
        try:
            client.wait_for_ready(timeout=EXITS / 1000)  # a reply, or a failure after the bound
        finally:
            client.stop_channels()
        yield build, kernel, server, build_dir
    finally:
        os.close(reader)
        os.close(build_exit)
        build.kill()
        build.wait()
        for pid in (kernel, server):
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


@pytest.mark.slow  # starts the kernels' server
def test_a_forked_kernel_leads_its_own_session_and_holds_the_build_lock(forked_kernel):
    _, kernel, server, build_dir = forked_kernel
    assert os.getsid(kernel) == kernel, "an interrupt for the kernel would reach the build"
    assert (build_dir / ".lock").resolve() in open_files(kernel), "a next build could start beside this kernel"
    assert os.getppid() != server and kernel != server


@pytest.mark.slow  # starts the kernels' server
def test_no_forked_kernel_outlives_its_build(forked_kernel):
    build, kernel, server, _ = forked_kernel
    exits = {pid: os.pidfd_open(pid) for pid in (kernel, server)}
    try:
        build.send_signal(signal.SIGKILL)
        build.wait()
        for pid, fd in exits.items():
            assert _wait_readable(fd) == [fd], f"{pid} outlived its build (kill -9)"
    finally:
        for fd in exits.values():
            os.close(fd)


@pytest.mark.slow  # starts the kernels' server
def test_the_server_stops_when_the_run_ends(tmp_path):
    with warm_kernels.forking(tmp_path):
        process = warm_kernels._SERVER._process
        assert process.poll() is None
    assert process.returncode == 0 and warm_kernels._SERVER is None


@pytest.mark.book
def test_a_forked_kernel_gives_the_notebook_an_ordinary_kernel_gives(built_project, tmp_path, monkeypatch):
    """The shared build ran every notebook in forked kernels; the explore chapter run again in a
    kernel started the ordinary way is the same bytes."""
    project = copy_built(built_project, tmp_path / "project")
    job = next(j for j in load_jobs(Project(project)) if j.name == "explore")
    forked = job.output.read_bytes()
    job.output.unlink()
    monkeypatch.setattr(warm_kernels, "available", lambda: False)
    monkeypatch.chdir(project)
    result = pipeline.run([job], report=lambda line: None)
    assert result.ok and result.ran == [job.label]
    assert execute.WarmKernelManager is warm_kernels.WarmKernelManager  # the same manager, unforked
    assert job.output.read_bytes() == forked
