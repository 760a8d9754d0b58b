"""Shared fixtures.

``brief_2024`` is THE batch of the test suite: one real ``chainplan brief --year 2024`` run through the command
line, once per test session however the tests are distributed. Under pytest-xdist every worker process has
its own session, and ``--dist loadgroup`` is silently ignored with pytest 9.2 + xdist 3.8 (xdist#1386), so a
plain session fixture would run once per worker: here the first worker to need it runs the batch under a file
lock in the run's shared temp folder, and the others read its result. ``runs.log`` there records every build;
``tests/test_batch.py::test_the_batch_fixture_ran_once`` fails if there was more than one.

The batch starts as soon as a worker has collected a test that needs it (:func:`pytest_collection_modifyitems`),
in a process of its own, so it builds while the workers run other tests; the fixture only waits for its
``result.json``. Tests are ordered for two workers: files with the most notebook executions first, and in every
file the tests that read the batch last (the order changes when a test runs, never what it checks).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from _batchkit import hostile_registers

from chainplan_lib.publish.kernels import BLAS_THREADS, skip_slow_optional_imports

skip_slow_optional_imports()   # test processes import nbformat/papermill: skip jsonschema's slow optional import
# Two test workers (and their kernels and batches) share the cores already: one BLAS thread each, as the batch
# gives its kernels (reporting.kernels.BLAS_THREADS); a user's own setting wins.
for _var in BLAS_THREADS:
    os.environ.setdefault(_var, "1")

BATCH_PARAMS = ["-p", "tolerance_pp=1.0"]


@pytest.fixture(scope="session")
def plan():
    """The bundled plan (Qingshanhu, data/plans/qingshanhu-2024.toml), passed to everything that needs names."""
    from _plans import BUNDLED

    from chainplan_lib.plan.load import read_plan

    return read_plan(BUNDLED)


@pytest.fixture(scope="session")
def yunxi_plan():
    """The second district's plan (a fictional 云溪县: 3 chains, 5 areas, 2024–2027), tests/data/plans/."""
    from _plans import YUNXI

    from chainplan_lib.plan.load import read_plan

    return read_plan(YUNXI)   # the default value: same numbers, and the option is exercised


def shared_tmp(tmp_path_factory) -> Path:
    """A folder shared by all xdist workers of this test run (the run's own base temp otherwise)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def font_cache(tmp_path_factory) -> Path:
    """One hermetic font cache per test run; CHAINPLAN_CACHE/FONTCONFIG_FILE restored afterwards."""
    # under xdist, workers share the run's folder (the build is locked), so the font is built once per run
    cache = shared_tmp(tmp_path_factory) / "chainplan-cache"
    saved = {k: os.environ.get(k) for k in ("CHAINPLAN_CACHE", "FONTCONFIG_FILE")}
    os.environ["CHAINPLAN_CACHE"] = str(cache)
    yield cache
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@dataclass
class BatchRun:
    """What one `chainplan brief` command did: exit code, output, and where its report is."""

    returncode: int
    stdout: str
    stderr: str
    out_dir: Path          # reports/2024
    registers: Path
    seconds: float
    runs_log: Path         # one line per time the batch was built in this test session

    @property
    def manifest(self) -> dict:
        return json.loads((self.out_dir / "manifest.json").read_text(encoding="utf-8"))

    @property
    def pdf(self) -> Path:
        return self.out_dir / "briefing-2024.pdf"


BATCH_ARGS = ["brief", "--year", "2024", "--jobs", "1"]   # one worker: the suite runs beside it on the other cores
NEEDS_BATCH = frozenset({"brief_2024", "report", "word"})   # fixtures that read the session's batch
BATCH_WAIT = 900.0                                         # seconds: a batch that takes longer is broken
# Notebook executions and small batches per file, roughly in seconds of CPU (for the order only: a wrong weight
# costs time, never correctness). Unlisted files weigh 1.
WEIGHTS = {"test_notebooks.py": 100, "test_progress_notebook.py": 60, "test_batch.py": 40, "test_signals.py": 30,
           "test_register_clean.py": 20, "test_bad_inputs.py": 15, "test_render.py": 12, "test_units.py": 10,
           "test_shares.py": 10, "test_fonts.py": 10, "test_pages.py": 15, "test_regional.py": 7,
           "test_register_workbooks.py": 6, "test_actuals_sample.py": 6, "test_uscc.py": 5}


_STARTED: dict[int, subprocess.Popen] = {}   # the batch's process, in the test process that started it


def _batch_root(base: Path) -> Path:
    return base / "brief-2024"


def _needs_batch(item) -> bool:
    return bool(NEEDS_BATCH & set(getattr(item, "fixturenames", ())))


def _start_batch(base: Path) -> None:
    """Start the session's batch in its own process unless some worker already did (under a file lock)."""
    root = _batch_root(base)
    with open(base / "brief-2024.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if (root / "started").exists():
                return
            root.mkdir(exist_ok=True)
            with open(root / "runs.log", "a", encoding="utf-8") as log:
                log.write(f"{os.getpid()} {os.environ.get('PYTEST_XDIST_WORKER', 'main')}\n")
            regs = hostile_registers(root / "registers")
            args = [*BATCH_ARGS, "--registers", str(regs), "--out", str(root / "reports"), *BATCH_PARAMS]
            env = {"CHAINPLAN_CACHE": str(base / "chainplan-cache")}   # the run's font cache (font_cache)
            proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("_batchkit.py")), str(root),
                                     json.dumps(env), json.dumps(args)], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            _STARTED[proc.pid] = proc
            (root / "started").write_text(str(proc.pid), encoding="utf-8")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _alive(pid: int) -> bool:
    """Whether the batch's process still runs (a zombie, ended but not yet reaped by its parent, does not)."""
    if _STARTED.get(pid) is not None:  # started by this process: ask it (this also reaps it)
        return _STARTED[pid].poll() is None
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:  # no /proc: whether the pid exists at all
        from chainplan_lib.publish.workspace import _pid_alive

        return _pid_alive(pid)


@pytest.hookimpl(trylast=True)   # after -k / -m deselection
def pytest_collection_modifyitems(session, config, items):
    """Order: files that only read the batch last; the others heaviest first; in a file, batch readers last."""
    position = {id(it): i for i, it in enumerate(items)}
    files: dict[str, list[bool]] = {}
    for it in items:
        files.setdefault(Path(str(it.fspath)).name, []).append(_needs_batch(it))

    def order(it) -> tuple:
        name = Path(str(it.fspath)).name
        return (all(files[name]), -WEIGHTS.get(name, 1), name, _needs_batch(it), position[id(it)])

    items.sort(key=order)
    if any(_needs_batch(it) for it in items) and not config.option.collectonly:
        _start_batch(shared_tmp(config._tmp_path_factory))


def pytest_sessionfinish(session, exitstatus):
    """The session's batch ends with the session — in the process that runs the session (under xdist the
    controller, after every worker): a Ctrl-C, an -x stop or a run that never read the batch leaves nothing
    running. SIGTERM to its process group (the batch cleans up its build folders and kernels), SIGKILL after 30 s."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    factory = getattr(session.config, "_tmp_path_factory", None)
    started = _batch_root(factory.getbasetemp()) / "started" if factory is not None else None
    if started is None or not started.exists():
        return
    pid = int(started.read_text(encoding="utf-8"))
    for sig, wait in ((signal.SIGTERM, 30.0), (signal.SIGKILL, 5.0)):
        if not _alive(pid):
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, sig)
        deadline = time.monotonic() + wait
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)


@pytest.fixture(scope="session")
def brief_2024(tmp_path_factory, font_cache) -> BatchRun:
    """The one real batch: `chainplan brief --year 2024` on the bundled data (hostile register names)."""
    base = shared_tmp(tmp_path_factory)
    root = _batch_root(base)
    result = root / "result.json"
    _start_batch(base)  # already started at collection, normally
    pid = int((root / "started").read_text(encoding="utf-8"))
    deadline = time.monotonic() + BATCH_WAIT
    while not result.exists():
        if not _alive(pid) and not result.exists():
            pytest.fail(f"the session's batch (pid {pid}) ended without writing {result}")
        if time.monotonic() > deadline:
            pytest.fail(f"the session's batch (pid {pid}) took more than {BATCH_WAIT:.0f} s")
        time.sleep(0.2)
    r = json.loads(result.read_text(encoding="utf-8"))
    return BatchRun(r["returncode"], r["stdout"], r["stderr"], root / "reports" / "2024", root / "registers",
                    r["seconds"], root / "runs.log")
