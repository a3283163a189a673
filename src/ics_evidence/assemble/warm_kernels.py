"""Kernels forked from a warm process: each notebook still runs in a fresh kernel of its own,
without paying for Python, ipykernel, pandas, Altair and the analysis package to start again.

A notebook's kernel spent about two of its three seconds starting up and importing (measured
with ``make benchmark``'s breakdown), in every notebook of every build. Here the pipeline
starts one *fork server* per run, a process that imports all of that once and then does
nothing but fork: each fork becomes one notebook's kernel (``ipykernel``, as
``python -m ipykernel_launcher`` would start it, with the notebook's connection file, working
folder and environment). A fork shares no state with another notebook's kernel: the server
never runs notebook code, only imports, so every kernel begins as a fresh interpreter would,
but already warm.

jupyter_client still manages each kernel (its provisioner, :class:`ForkProvisioner`, differs from
the local one only in how the process starts; signals, interrupts and shutdown are the same),
so papermill, nbclient and the pipeline see an ordinary kernel.

Safety, as for every child of a build (:mod:`ics_evidence.assemble.lock`): the server is
started with the build's lock and dies with the build; each kernel dies with the server
(``PR_SET_PDEATHSIG``) and, like a locally started kernel, leads a session of its own so that an
interrupt reaches it and its children only. The server exits when its requests pipe closes, so
it never outlives the run that started it. Where ``fork`` or pidfds are missing (not Linux),
kernels start the ordinary way.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from ics_evidence.assemble.lock import child_options, die_with

# What a notebook's kernel imports before its first cell: ipykernel, the libraries, and every
# module of the analysis package (imported, never run: importing defines functions only).
PRELOADED = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "pandas",
    "altair",
    "vl_convert",
    "myst_nb",
    "ics_evidence.analysis",
)
LAUNCHER = ["-m", "ipykernel_launcher"]  # the kernel spec's argv after the interpreter


def available() -> bool:
    return hasattr(os, "fork") and hasattr(os, "pidfd_open") and sys.platform.startswith("linux")


class ForkServer:
    """The build's side: start the server, ask it for kernels, stop it."""

    def __init__(self, root: Path):
        self._lock = threading.Lock()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "ics_evidence.assemble.warm_kernels"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=root,
            text=True,
            **child_options(),
        )

    def fork(self, argv: list[str], env: dict[str, str], cwd: str) -> int:
        """The pid of a new kernel started with ``argv`` (after ``-m ipykernel_launcher``)."""
        request = json.dumps({"argv": argv, "env": env, "cwd": cwd}) + "\n"
        with self._lock:
            try:
                self._process.stdin.write(request)
                self._process.stdin.flush()
                reply = self._process.stdout.readline()
            except (BrokenPipeError, ValueError):
                reply = ""
        if not reply:
            raise RuntimeError(f"the kernel fork server stopped (exit {self._process.poll()})")
        return int(json.loads(reply)["pid"])

    def close(self) -> None:
        with self._lock, contextlib.suppress(OSError):
            self._process.stdin.close()  # the server's loop ends at end of input
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


_SERVER: ForkServer | None = None


@contextlib.contextmanager
def forking(root: Path) -> Iterator[None]:
    """Kernels started meanwhile (by :class:`WarmKernelManager`) are forked from one warm server."""
    global _SERVER
    if not available() or _SERVER is not None:
        yield
        return
    _SERVER = ForkServer(root)
    try:
        yield
    finally:
        server, _SERVER = _SERVER, None
        server.close()


class ForkedKernel:
    """What jupyter_client expects of a kernel's ``Popen``, for a process the server forked
    (not this process's child: it is watched through a pidfd, which reports its exit)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self._exit = os.pidfd_open(pid)

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self._exit], [], [], 0)[0]:
            self.returncode = 0  # the server reaps it; its exit status is not ours to read
            os.close(self._exit)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self._exit], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            self.poll()
        return self.returncode

    def send_signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """The local provisioner, but the kernel process is forked by the run's server."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        server = _SERVER
        if server is None or cmd[1:3] != LAUNCHER:
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        pid = server.fork(cmd[3:], env, cwd)
        self.process = ForkedKernel(pid)
        self.pid = self.pgid = pid  # the kernel leads its own session, as a local kernel does
        self.cwd = cwd
        return self.connection_info


class WarmKernelManager(AsyncKernelManager):
    """nbclient's kernel manager with :class:`ForkProvisioner` (papermill passes it on as
    ``kernel_manager_class``)."""

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
            self.provisioner = ForkProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)


# -- the server ----------------------------------------------------------------------------


def _become_kernel(request: dict, server: int, replies: int) -> None:
    """In the fork: become the kernel ``python -m ipykernel_launcher ARGV`` would start."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.setsid()
    die_with(server)
    os.close(replies)
    quiet = os.open(os.devnull, os.O_RDONLY)
    os.dup2(quiet, 0)  # not the server's requests
    os.close(quiet)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    import ipykernel_launcher  # noqa: F401 (what the command names; it only launches under __main__)
    from ipykernel import kernelapp

    # The parent it watches (and exits without) is the server; the value of JPY_PARENT_PID was read
    # when the server imported ipykernel, before any request carried one.
    parent = f"--IPKernelApp.parent_handle={server}"
    sys.argv = [sys.modules["ipykernel_launcher"].__file__, *request["argv"], parent]
    kernelapp.launch_new_instance()


def _reap(signum, frame) -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def serve() -> None:
    """Import what kernels need, then fork one kernel per request line until input ends."""
    replies = os.dup(1)
    os.dup2(2, 1)  # anything printed while importing goes to stderr, not into the replies
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the build's to handle; input ends then
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # no thread pools before fork
    import importlib

    for name in PRELOADED:
        importlib.import_module(name)
    import pkgutil

    import ics_evidence.analysis as analysis

    for module in pkgutil.iter_modules(analysis.__path__, "ics_evidence.analysis."):
        importlib.import_module(module.name)
    signal.signal(signal.SIGCHLD, _reap)
    server = os.getpid()
    with os.fdopen(replies, "w", encoding="utf-8") as out:
        for line in sys.stdin:
            request = json.loads(line)
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    _become_kernel(request, server, out.fileno())
                    code = 0
                except SystemExit as done:
                    code = done.code if isinstance(done.code, int) else 1
                except BaseException:
                    import traceback

                    traceback.print_exc()
                finally:
                    os._exit(code)
            out.write(json.dumps({"pid": pid}) + "\n")
            out.flush()


if __name__ == "__main__":
    serve()
