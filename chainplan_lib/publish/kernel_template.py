"""Kernels forked from a warm template: a fresh kernel process per notebook without paying its imports again.

A notebook's kernel spends ~1.5 s of CPU importing pandas, matplotlib, statsmodels, pandera, scipy and
``chainplan_lib`` before its first analysis, and a batch of seven notebooks pays that seven times (per district).
So each batch worker starts one **template** process: a Python that imports ipykernel and the run's modules once
(:func:`chainplan_lib.publish.spare_kernel.warm_modules`) and then waits. Each kernel is a ``fork`` of it: a new
process, with its own pid, session, folder and environment, that starts ipykernel (``IPKernelApp``) exactly as
``python -m ipykernel_launcher -f CONNECTION_FILE`` would — it finds the modules loaded and nothing else: the
template never runs a notebook, holds no user namespace and no plan, and puts back what importing changed of
matplotlib's settings (the charts' theme); matplotlib's inline backend is hooked into the new kernel's shell as
importing ``matplotlib.pyplot`` in a kernel does. numpy's global random generator is seeded afresh in each kernel,
as a new process would be. A kernel is never reused: it runs one notebook and is stopped.

The worker's side is :class:`ForkProvisioner` (jupyter_client's local provisioner, launching by asking the template
to fork instead of ``Popen``) and :class:`Template` (the process and its pipe). The template reaps its children,
dies with its worker (``PR_SET_PDEATHSIG``), and so do the kernels with it; all carry the run's tag. Where
anything of this is not available (no ``fork``, a template that did not start, a thread in the template), kernels
start as before (:mod:`.spare_kernel` with its imports run as the kernel boots).

Protocol on the template's pipes, one JSON object a line: worker → template ``{"argv": [...], "cwd": ...,
"env": {...}}``; template → worker ``{"ready": true}`` once, then ``{"pid": N}`` or ``{"error": "..."}`` per request.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from typing import Any, Sequence

from jupyter_client.provisioning import LocalProvisioner

__all__ = ["Template", "ForkProvisioner", "start", "current", "close", "main"]

_template: "Template | None" = None
_LAUNCHER = ("-m", "ipykernel_launcher")


class Template:
    """The template process of this worker and the two pipes to it."""

    def __init__(self, modules: Sequence[str], cwd: str | None = None):
        to_r, self._to = os.pipe()
        self._from, from_w = os.pipe()
        env = {**os.environ, "MPLBACKEND": os.environ.get("MPLBACKEND") or
               "module://matplotlib_inline.backend_inline"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "chainplan_lib.publish.kernel_template", str(to_r), str(from_w)],
            pass_fds=(to_r, from_w), stdin=subprocess.DEVNULL, cwd=cwd, env=env, close_fds=True)
        os.close(to_r)
        os.close(from_w)
        self._buf = b""
        self.ready = False
        self.broken: str | None = None
        self._send({"modules": list(modules)})

    def _send(self, obj: dict) -> None:
        os.write(self._to, (json.dumps(obj) + "\n").encode("utf-8"))

    def _line(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"the kernel template gave no answer in {timeout:.0f} s")
            r, _, _ = select.select([self._from], [], [], left)
            if r:
                chunk = os.read(self._from, 65536)
                if not chunk:
                    raise EOFError("the kernel template ended")
                self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return json.loads(line)

    def wait_ready(self, timeout: float) -> None:
        """Wait until the template has imported its modules (raises, and marks it broken, when it does not)."""
        if self.ready:
            return
        if self.broken:
            raise RuntimeError(self.broken)
        try:
            answer = self._line(timeout)
            if not answer.get("ready"):
                raise RuntimeError(str(answer.get("error") or answer))
        except Exception as exc:
            self.broken = f"{type(exc).__name__}: {exc}"
            self.close()   # kernels start anew from now on; nothing of it is left running
            raise
        self.ready = True

    def fork(self, argv: Sequence[str], cwd: str, env: dict[str, str], timeout: float) -> int:
        """A new kernel process (its pid): ``python`` + ``argv`` (``-f CONNECTION_FILE …``) run in folder ``cwd``
        with environment ``env``; waits for the template to be ready first."""
        self.wait_ready(timeout)
        self._send({"argv": list(argv), "cwd": cwd, "env": env})
        answer = self._line(timeout)
        if "pid" not in answer:
            raise RuntimeError(f"the kernel template could not start a kernel: {answer.get('error')}")
        return int(answer["pid"])

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._to)   # the template reads end-of-file and exits
        with contextlib.suppress(Exception):
            self.process.wait(timeout=5 if self.ready else 0.1)
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self.process.kill()
            with contextlib.suppress(Exception):
                self.process.wait(timeout=5)
        with contextlib.suppress(OSError):
            os.close(self._from)
        self._to = self._from = -1


def start(modules: Sequence[str], cwd: str | None = None) -> Template | None:
    """Start this worker's template (importing ``modules``) unless one runs; None where forking is not available."""
    global _template
    if _template is None and hasattr(os, "fork"):
        try:
            _template = Template(modules, cwd)
        except OSError:
            _template = None
    return _template


def current() -> Template | None:
    """The worker's template, unless there is none or it broke."""
    return _template if _template is not None and not _template.broken else None


def close() -> None:
    global _template
    if _template is not None:
        t, _template = _template, None
        t.close()


class _Forked:
    """A forked kernel as ``subprocess.Popen`` is used by the provisioner: its template reaps it, so "gone" is
    "no such process"."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
                with open(f"/proc/{self.pid}/stat", encoding="ascii") as fh:
                    if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                        self.returncode = -signal.SIGKILL
            except (ProcessLookupError, FileNotFoundError):
                self.returncode = 0
            except OSError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("kernel", timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, launching ``python -m ipykernel_launcher …`` as a fork of the worker's
    template (same arguments, folder and environment). ``template`` and ``timeout`` are set by the caller."""

    template: Template | None = None
    timeout: float = 60.0

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        if self.template is None or tuple(cmd[1:3]) != _LAUNCHER:
            return await super().launch_kernel(cmd, **kwargs)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        pid = self.template.fork(cmd[3:], cwd, env, self.timeout)
        self.process = _Forked(pid)
        self.pid = self.pgid = pid       # a session of its own, as jupyter_client starts kernels
        self.cwd = cwd
        return self.connection_info


# ------------------------------------------------------------------------------------- in the template
#: Imports ``MODULES`` (a tuple literal put in its place), each failure skipped, then puts back what importing
#: changed of matplotlib's settings and, in a kernel, of IPython's display of figures: the template's warm-up
#: and a spare kernel's first line (:func:`chainplan_lib.publish.spare_kernel.warm_code`).
WARM_BODY = """\
import contextlib, importlib


def load(m):
    try:
        importlib.import_module(m)
    except ImportError:
        try:
            p, _, a = m.rpartition('.')
            getattr(importlib.import_module(p), a)
        except BaseException:
            pass
    except BaseException:
        pass


settings, ip, shown = contextlib.nullcontext(), None, {}
try:
    import matplotlib, matplotlib.pyplot
    from IPython import get_ipython
    settings, ip = matplotlib.rc_context(), get_ipython()
    shown = {k: (dict(f.type_printers), dict(f.deferred_printers))
             for k, f in (ip.display_formatter.formatters.items() if ip is not None else ())}
except BaseException:
    pass
with settings:
    for m in MODULES:
        load(m)
for k, (types, deferred) in shown.items():
    f = ip.display_formatter.formatters[k]
    f.type_printers.clear(), f.type_printers.update(types)
    f.deferred_printers.clear(), f.deferred_printers.update(deferred)
"""


def _reap(signum, frame) -> None:
    with contextlib.suppress(ChildProcessError, OSError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _die_with_parent(signum: int) -> None:
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signum, 0, 0, 0)   # PR_SET_PDEATHSIG


def _kernel(request: dict, fds: tuple[int, int]) -> None:  # pragma: no cover - runs in the forked kernel
    """In the forked child: become the kernel ``python -m ipykernel_launcher ARGV`` would start."""
    import gc

    gc.enable()   # the template's objects stay frozen (gc.freeze), the kernel's own are collected as usual
    for fd in fds:
        os.close(fd)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.setsid()
    _die_with_parent(signal.SIGKILL)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ["JPY_PARENT_PID"] = str(os.getppid())   # as jupyter_client's launcher sets it: the kernel's parent
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()    # a new process's entropy, not the template's state
    # ipykernel read JPY_PARENT_PID when the template imported it: say whose child this kernel is (it exits when
    # its parent, the template, goes), or it would print a banner for a kernel started by hand
    sys.argv = [sys.executable, *request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"]
    del sys.path[0]    # the template's own folder; ipykernel adds '' (the folder the kernel runs in), as it would
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - runs in the template process
    import gc

    gc.disable()   # as the gc module's docs advise before fork: no collection leaves holes in the template's pages
    argv = sys.argv[1:] if argv is None else argv
    r, w = int(argv[0]), int(argv[1])
    _die_with_parent(signal.SIGTERM)
    signal.signal(signal.SIGCHLD, _reap)
    inp = os.fdopen(r, "rb", buffering=0)
    reader = iter(inp.readline, b"")

    def say(obj: dict) -> None:
        os.write(w, (json.dumps(obj) + "\n").encode("utf-8"))

    try:
        first = json.loads(next(reader))
        import threading

        import ipykernel.kernelapp  # noqa: F401  (the kernel's own imports: most of a kernel's start)

        exec(WARM_BODY.replace("MODULES", repr(tuple(first.get("modules", ())))), {})
        if threading.active_count() > 1:   # forking a process with threads is not safe: let kernels start anew
            say({"error": f"{threading.active_count()} threads after the imports"})
            return
        gc.freeze()   # the imported modules' objects: a kernel's collections never touch (hence copy) their pages
        say({"ready": True})
    except Exception as exc:
        say({"error": f"{type(exc).__name__}: {exc}"})
        return
    for line in reader:
        request = json.loads(line)
        try:
            pid = os.fork()
        except OSError as exc:
            say({"error": str(exc)})
            continue
        if pid == 0:
            code = 0
            try:
                _kernel(request, (r, w))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 0
            except BaseException:
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        say({"pid": pid})


if __name__ == "__main__":  # pragma: no cover
    main()
