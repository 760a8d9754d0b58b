"""A kernel started ahead in a batch worker, warm, so the next notebook waits neither for a boot nor for imports.

A kernel takes ~0.6–1 s to start (a Python process importing ipykernel, then the handshake) and a notebook's
first cells another 1–2 s to import pandas, matplotlib, statsmodels, pandera and ``chainplan_lib``. A worker
starts the next notebook's kernel as soon as it hands a kernel to a notebook, so it boots while the current
notebook runs.

**Warm, not used.** Where the worker runs a template (:mod:`.kernel_template`, the usual case), a spare is a
``fork`` of it: the template imported the run's modules (:func:`warm_modules`: the packages every notebook pays
for and the ``chainplan_lib`` modules the notebooks import) once, and the fork waits until it has. Without one, a
spare imports them while it starts: ipykernel runs them before it answers its first request
(``IPKernelApp.exec_lines``), in a throw-away namespace (``exec(…, {})``), without history and without touching the
execution count. Either way a notebook finds the modules in ``sys.modules`` and nothing else: no name in its
namespace, no plan, no figure, no matplotlib setting or display hook other than a cold kernel's (what importing
``chainplan_lib.present`` sets is put back), no output. A module that fails to import is skipped; the notebook
then imports it itself and reports the error as it always would. Each notebook gets a kernel *process* of its
own; a kernel never runs two notebooks.

**Handed out when ready.** :func:`take` waits until the spare answers on its shell and IOPub channels (booted,
its imports done) — bounded by ``timeout``: a spare that does not answer in time (a hung import, a dead process)
is killed and the notebook starts its own kernel, as papermill would. The client that saw it answer is the one
nbclient uses (:class:`ReadyClient`). A spare started in another folder (the districts of a run each run in
their own ``notebooks/``) is moved to the notebook's folder before it is handed out, by a silent ``os.chdir``
that leaves no name behind either.

A spare no notebook takes (the worker had no further task) is killed when the worker exits (:func:`drop`,
registered by :func:`chainplan_lib.publish.worker.init`); an interrupted run stops it with every other process of
the run (it carries the run's tag like any kernel).
"""

from __future__ import annotations

import ast
import contextlib
import logging
import re
import time
from pathlib import Path
from typing import Iterable, Sequence

from jupyter_client.asynchronous import AsyncKernelClient

from . import kernel_template
from .kernels import QuietKernelManager, kernel_config

__all__ = ["BASE_MODULES", "READY_SECONDS", "warm_modules", "notebook_imports", "warm_code", "start", "take",
           "finish", "drop"]

_log = logging.getLogger(__name__)
# (manager, working folder, when it was started)
_spare: tuple["SpareKernelManager", str, float] | None = None

#: What every notebook of the batch imports, directly or in its first analyses: the heavy third-party packages (the
#: statsmodels and scipy modules the library imports inside its functions included).
BASE_MODULES = ("pandas", "matplotlib", "matplotlib.pyplot", "pandera.pandas", "scipy.stats", "scipy.optimize",
                "statsmodels.regression.linear_model", "statsmodels.tsa.exponential_smoothing.ets",
                "IPython.display")
#: How long :func:`take` waits for a spare to finish booting and importing before it gives up on it.
READY_SECONDS = 60.0
#: The kernel a worker's template forks (the project's own Python, ipykernel's ``python3`` kernelspec).
TEMPLATE_KERNEL = "python3"


def notebook_imports(sources: Iterable[str]) -> list[str]:
    """The modules the top-level import statements of notebook code import (``from chainplan_lib.present import
    briefing`` → ``chainplan_lib.present.briefing`` and ``chainplan_lib.present``), in order, once each. Cells that
    do not parse (IPython magics) are skipped."""
    found: dict[str, None] = {}
    for src in sources:
        for node in _statements(src):
            if isinstance(node, ast.Import):
                found.update(dict.fromkeys(a.name for a in node.names))
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found[node.module] = None
                found.update(dict.fromkeys(f"{node.module}.{a.name}" for a in node.names if a.name != "*"))
    return list(found)


def _statements(src: str) -> list:
    """The top-level statements of ``src``; when it does not parse as a whole, of each jupytext cell (``# %%``) that
    does."""
    try:
        return ast.parse(src).body
    except SyntaxError:
        pass
    out = []
    for cell in re.split(r"^# %%.*$", src, flags=re.M):
        try:
            out += ast.parse(cell).body
        except SyntaxError:
            continue
    return out


def library_modules() -> tuple[str, ...]:
    """Every module of ``chainplan_lib`` but the batch's own (``publish``) and the command line, read off the
    package's files (nothing imported): what a notebook's calls may import inside their functions — the readers
    of workbooks and registers, pandera's checks (and, with them, hypothesis where it is installed), the
    analyses' models. A kernel forked after the template imported them pays none of it (~0.2–0.3 s of CPU a
    notebook, measured on the bundled notebooks)."""
    root = Path(__file__).resolve().parents[1]
    names = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[1] in ("publish", "cli"):
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return tuple(names)


def warm_modules(notebook_sources: Iterable[str] = ()) -> tuple[str, ...]:
    """What the notebooks (their code cells' sources) import, after :data:`BASE_MODULES` and
    :func:`library_modules` when they import ``chainplan_lib`` (whose analyses load those in their first calls).
    ``from package import name`` lists ``package.name`` too: a submodule is imported, an attribute looked up
    (:func:`warm_code`)."""
    own = notebook_imports(notebook_sources)
    base = (*BASE_MODULES, *library_modules()) if any(m.split(".")[0] == "chainplan_lib" for m in own) else ()
    return tuple(dict.fromkeys([*base, *own]))


def warm_code(modules: Sequence[str]) -> str:
    """One line for ``IPKernelApp.exec_lines``: import ``modules`` in a namespace thrown away afterwards, each
    failure skipped. A name that is no module (``chainplan_lib.District``) is looked up on its package instead,
    which loads what the package loads on first use. What importing a module sets of matplotlib's settings
    (``chainplan_lib.present.figures`` applies the charts' theme) and of IPython's display of figures is put back
    as ``import matplotlib.pyplot`` left it: chart functions apply the theme themselves, so a notebook draws the
    same in a warm kernel and in a cold one."""
    return f"exec({kernel_template.WARM_BODY.replace('MODULES', repr(tuple(modules)))!r}, {{}})"


class ReadyClient(AsyncKernelClient):
    """A kernel client that :func:`take` has already seen the kernel answer on (shell and IOPub both connected):
    nbclient's own wait for the kernel — whose last step always waits 0.2 s for IOPub to fall silent — is not
    repeated, and starting its channels again changes nothing."""

    _started = False
    known_ready = False

    def start_channels(self, *args, **kwargs) -> None:
        if not self._started:
            super().start_channels(*args, **kwargs)
            self._started = True

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        if not self.known_ready:
            await AsyncKernelClient.wait_for_ready(self, timeout=timeout)


class SpareKernelManager(QuietKernelManager):
    """A kernel manager that remembers the clients made for it — nbclient leaves the channels of a kernel it
    was handed open (it closes only what it started), so :func:`finish` closes them — and gives nbclient the
    client :func:`take` readied."""

    client_class = "chainplan_lib.publish.spare_kernel.ReadyClient"
    client_factory = ReadyClient

    def client(self, **kwargs):
        kc = self.__dict__.pop("_prepared", None)
        if kc is not None:
            return kc
        kc = super().client(**kwargs)
        self.__dict__.setdefault("_made_clients", []).append(kc)
        return kc


def _run(coro_fn, *args, **kwargs):
    from jupyter_core.utils import run_sync

    return run_sync(coro_fn)(*args, **kwargs)


def start(kernel_name: str, cwd: str, warm: Sequence[str] = (), *, timeout: float = READY_SECONDS) -> bool:
    """Start a kernel for the next notebook (in folder ``cwd``) unless one is waiting; returns whether one is.
    With the worker's template running (:mod:`.kernel_template`) the kernel is a fork of it, its modules loaded
    already (this waits for the template's imports the first time); otherwise a new process that imports ``warm``
    as it boots (not waited for). Any failure leaves no spare: papermill then starts the kernel itself, and reports
    a kernel that cannot start as it always has. ``timeout``: how long to wait for the template's imports."""
    global _spare
    if _spare is not None:
        return True
    template = kernel_template.current() if kernel_name == TEMPLATE_KERNEL else None
    try:
        km = SpareKernelManager(kernel_name=kernel_name, config=kernel_config())
        extra = [f"--IPKernelApp.exec_lines={warm_code(warm)}"] if warm and template is None else []
        if template is not None:
            import uuid

            km.kernel_id = str(uuid.uuid4())
            km.provisioner = kernel_template.ForkProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec,
                                                             parent=km)
            km.provisioner.template, km.provisioner.timeout = template, timeout
        _run(km.start_kernel, cwd=cwd, extra_arguments=extra)
    except Exception as exc:
        _log.debug("no spare kernel: %s", exc)
        if template is not None and template.broken:   # the template did not come up: boot kernels anew
            return start(kernel_name, cwd, warm, timeout=timeout)
        return False
    _spare = (km, cwd, time.monotonic())
    return True


async def _answers(kc, timeout: float) -> None:
    """Until the kernel answers a ``kernel_info`` request on the shell channel and IOPub is connected (a message
    of it arrives): what ``wait_for_ready`` checks, without its closing 0.2 s wait for silence."""
    import queue

    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"the kernel did not answer in {timeout:.0f} s")
        kc.kernel_info()   # while it boots, requests queue up; any of their replies says it is up
        try:
            reply = await kc.get_shell_msg(timeout=min(1.0, left))
        except queue.Empty:
            if not await kc.is_alive():
                raise RuntimeError("the kernel died before it answered") from None
            continue
        if reply["msg_type"] != "kernel_info_reply":
            continue
        try:
            await kc.get_iopub_msg(timeout=0.2)   # IOPub connected: nothing of the notebook's output is lost
        except queue.Empty:
            continue
        return


async def _ready(km: SpareKernelManager, timeout: float, cwd: str | None) -> None:
    """Wait until the kernel answers (booted, its warm imports done); then, if ``cwd`` is given, move it there.
    The client that saw it is handed to nbclient (:class:`ReadyClient`)."""
    import asyncio

    kc = km.client()
    kc.start_channels()
    await _answers(kc, timeout)
    if cwd is not None:
        code = f"__import__('os').chdir({cwd!r})"
        msg_id = kc.execute(code, silent=True, store_history=False, allow_stdin=False)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no reply to the change of folder")
            try:
                reply = await asyncio.wait_for(kc.get_shell_msg(), left)
            except asyncio.TimeoutError:
                raise TimeoutError("no reply to the change of folder") from None
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if reply["content"].get("status") != "ok":
            raise RuntimeError(f"cannot change to {cwd}: {reply['content'].get('evalue')}")
    kc.known_ready = True
    km._prepared = kc


def take(kernel_name: str, cwd: str, *, timeout: float = READY_SECONDS) -> SpareKernelManager | None:
    """The waiting kernel once it is ready (it answers: booted, its imports done — a fork of the template has them
    from the template, which it waited for; up to ``timeout`` seconds), moved to folder ``cwd`` if it was started elsewhere;
    None when there is none, it was started for another kernel name, it died or it did not become ready in time
    (then it is killed). The caller passes it to papermill (``km=``) and then calls :func:`finish`."""
    global _spare
    if _spare is None and kernel_template.current() is not None:
        start(kernel_name, cwd, timeout=timeout)   # the first kernel of a worker with a template: forked now
    if _spare is None:
        return None
    km, folder, _ = _spare
    _spare = None
    try:
        usable = km.kernel_name == kernel_name and _run(km.is_alive)
        if usable:
            _run(_ready, km, timeout, None if folder == cwd else cwd)
    except Exception as exc:
        _log.debug("spare kernel not used: %s", exc)
        usable = False
    if not usable:
        _close_clients(km)
        _shut(km, now=True)
        return None
    return km


def finish(km: SpareKernelManager) -> None:
    """After its notebook (whose executed copy is written): close the clients' channels and stop the kernel at
    once (it holds nothing to save: its history is in memory), then remove its connection file and sockets."""
    _close_clients(km)
    _shut(km, now=True)


def _close_clients(km: SpareKernelManager) -> None:
    km.__dict__.pop("_prepared", None)
    for kc in km.__dict__.pop("_made_clients", []):
        with contextlib.suppress(Exception):
            kc.stop_channels()


def _shut(km: SpareKernelManager, now: bool) -> None:
    """Shut the kernel down if it is still running (``now``: kill it at once), then remove its connection
    file and sockets."""
    with contextlib.suppress(Exception):
        if _run(km.is_alive):
            _run(km.shutdown_kernel, now=now)
    with contextlib.suppress(Exception):
        _run(km.cleanup_resources)


def drop() -> None:
    """Kill the waiting kernel, if any (it never ran anything): at worker exit."""
    global _spare
    if _spare is not None:
        km, _spare = _spare[0], None
        _shut(km, now=True)
