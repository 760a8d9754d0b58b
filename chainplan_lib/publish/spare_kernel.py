"""A kernel started ahead in a batch worker, so the next notebook does not wait for one to boot.

A kernel takes ~0.6–1 s to start (a Python process importing ipykernel, then the handshake). A worker starts
one for its first notebook while the parent is still cleaning, and the next one as soon as a notebook has
executed, so it boots while the worker renders that notebook's pages. Each notebook still gets a fresh kernel
of its own, started in the same folder with the same environment as papermill would start it; a spare
never runs anything before its notebook.

A spare no notebook takes (the worker had no further task) is killed when the worker exits
(:func:`drop`, registered by :func:`chainplan_lib.publish.worker.init`); an interrupted run stops
it with every other process of the run (it carries the run's tag like any kernel).
"""

from __future__ import annotations

import contextlib
import logging

from .kernels import QuietKernelManager, kernel_config

__all__ = ["start", "take", "finish", "drop"]

_log = logging.getLogger(__name__)
_spare: tuple["SpareKernelManager", str] | None = None  # (manager, working folder)


class SpareKernelManager(QuietKernelManager):
    """A kernel manager that remembers the clients made for it: nbclient leaves the channels of a kernel it
    was handed open (it closes only what it started), so :func:`finish` closes them."""

    def client(self, **kwargs):
        kc = super().client(**kwargs)
        self.__dict__.setdefault("_made_clients", []).append(kc)
        return kc


def _run(coro_fn, *args, **kwargs):
    from jupyter_core.utils import run_sync

    return run_sync(coro_fn)(*args, **kwargs)


def start(kernel_name: str, cwd: str) -> bool:
    """Start a kernel for the next notebook (in folder ``cwd``) unless one is waiting; returns whether one is.
    Any failure leaves no spare: papermill then starts the kernel itself, and reports a kernel that cannot
    start as it always has."""
    global _spare
    if _spare is not None:
        return True
    try:
        km = SpareKernelManager(kernel_name=kernel_name, config=kernel_config())
        _run(km.start_kernel, cwd=cwd)
    except Exception as exc:
        _log.debug("no spare kernel: %s", exc)
        return False
    _spare = (km, cwd)
    return True


def take(kernel_name: str, cwd: str) -> SpareKernelManager | None:
    """The waiting kernel, if it is alive and was started for this kernel name and folder (else it is
    dropped and None returned). The caller passes it to papermill (``km=``) and then calls :func:`finish`."""
    global _spare
    if _spare is None:
        return None
    km, folder = _spare
    _spare = None
    try:
        alive = km.kernel_name == kernel_name and folder == cwd and _run(km.is_alive)
    except Exception:
        alive = False
    if not alive:
        _shut(km, now=True)
        return None
    return km


def finish(km: SpareKernelManager) -> None:
    """After its notebook: close the clients' channels and shut the kernel down as nbclient would its own
    (a shutdown request, SIGKILL if it does not go), then remove its connection file and sockets."""
    for kc in km.__dict__.pop("_made_clients", []):
        with contextlib.suppress(Exception):
            kc.stop_channels()
    _shut(km, now=False)


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
