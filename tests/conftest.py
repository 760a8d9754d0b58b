"""Shared fixtures.

``brief_2024`` is THE batch of the test suite: one real ``chainplan brief --year 2024`` run through the command
line, once per test session however the tests are distributed. Under pytest-xdist every worker process has
its own session, and ``--dist loadgroup`` is silently ignored with pytest 9.2 + xdist 3.8 (xdist#1386), so a
plain session fixture would run once per worker: here the first worker to need it runs the batch under a file
lock in the run's shared temp folder, and the others read its result. ``runs.log`` there records every build;
``tests/test_batch.py::test_the_batch_fixture_ran_once`` fails if there was more than one.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from _batchkit import hostile_registers, run_cli
from chainplan_lib.reporting.kernels import skip_slow_optional_imports

skip_slow_optional_imports()   # test processes import nbformat/papermill: skip jsonschema's slow optional import

BATCH_PARAMS = ["-p", "tolerance_pp=1.0"]   # the default value: same numbers, and the option is exercised


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


@pytest.fixture(scope="session")
def brief_2024(tmp_path_factory, font_cache) -> BatchRun:
    """The one real batch: `chainplan brief --year 2024` on the bundled data (hostile register names)."""
    root = shared_tmp(tmp_path_factory) / "brief-2024"
    with open(shared_tmp(tmp_path_factory) / "brief-2024.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            result = root / "result.json"
            if not result.exists():
                root.mkdir(exist_ok=True)
                with open(root / "runs.log", "a", encoding="utf-8") as log:
                    log.write(f"{os.getpid()} {os.environ.get('PYTEST_XDIST_WORKER', 'main')}\n")
                regs = hostile_registers(root / "registers")
                t0 = time.perf_counter()
                cp = run_cli(["brief", "--year", "2024", "--registers", str(regs), "--out", str(root / "reports"),
                              *BATCH_PARAMS])
                result.write_text(json.dumps({"returncode": cp.returncode, "stdout": cp.stdout, "stderr": cp.stderr,
                                              "seconds": time.perf_counter() - t0}), encoding="utf-8")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    r = json.loads(result.read_text(encoding="utf-8"))
    return BatchRun(r["returncode"], r["stdout"], r["stderr"], root / "reports" / "2024", root / "registers",
                    r["seconds"], root / "runs.log")
