"""SIGINT (Ctrl-C) and SIGTERM (`kill PID`) on a live `chainplan brief`: workers and kernels stop, nothing of
the run is left running, one line is printed, the exit code is 130 / 143, and the previous report stays."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import time
import uuid
from pathlib import Path

import psutil
import pytest
from _batchkit import SMALL_REGISTER, popen_cli, stderr_lines, write_notebooks

TAG = "CHAINPLAN_TEST_SIGNALS"


def census(tag: str) -> list[psutil.Process]:
    """Live processes started for this test's batch: everything whose environment carries our tag (the batch
    process, its pool workers and the kernels they started, which run in sessions of their own)."""
    found = []
    for p in psutil.process_iter():
        try:
            if p.environ().get(TAG) == tag and p.status() != psutil.STATUS_ZOMBIE:
                found.append(p)
        except psutil.Error:
            continue
    return found


def _kernels(procs: list[psutil.Process]) -> list[psutil.Process]:
    """The notebooks' kernels: ``python -m ipykernel_launcher`` when booted cold, or a fork of a warm kernel
    template (publish/kernel_template.py), which keeps its template's command line."""
    out = []
    for p in procs:
        try:
            cmd = " ".join(p.cmdline())
            parent = p.parent()
            forked = ("kernel_template" in cmd and parent is not None
                      and "kernel_template" in " ".join(parent.cmdline()))
            if "ipykernel" in cmd or forked:
                out.append(p)
        except psutil.Error:
            continue
    return out


def _still_running(procs: list[psutil.Process], timeout: float = 5.0) -> list[tuple[int, str]]:
    deadline = time.monotonic() + timeout
    while True:
        alive = []
        for p in procs:
            try:
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                    alive.append((p.pid, " ".join(p.cmdline())[:120]))
            except psutil.Error:
                continue
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("signum, how, code", [(signal.SIGINT, "group", 130), (signal.SIGTERM, "pid", 143)],
                         ids=["SIGINT-ctrl-c", "SIGTERM-kill"])
def test_signal_stops_the_whole_run_and_keeps_the_previous_report(tmp_path, font_cache, signum, how, code):
    nbs = write_notebooks(tmp_path / "nbs", "20_sleeps", "10_reads_data")
    nbs.joinpath("21_sleeps.ipynb").write_bytes(nbs.joinpath("20_sleeps.ipynb").read_bytes())
    out = tmp_path / "reports"
    (out / "2024").mkdir(parents=True)
    (out / "2024" / "index.html").write_text("previous report", encoding="utf-8")
    before = _files(out / "2024")
    tag = uuid.uuid4().hex
    proc = popen_cli(["brief", "--year", "2024", "--notebooks", str(nbs), "--out", str(out), "--jobs", "2",
                      "--registers", str(SMALL_REGISTER)], env={TAG: tag})
    try:
        deadline = time.monotonic() + 300
        while len(_kernels(census(tag))) < 2:   # both sleeping notebooks are running in their kernels
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the kernels never started"
            time.sleep(0.2)
        running = census(tag)
        assert len(running) >= 5   # the batch, two workers, two kernels (and a third kernel, maybe)
        if how == "group":          # Ctrl-C in a terminal: the whole foreground process group
            os.killpg(proc.pid, signum)
        else:                       # kill PID: the batch process alone
            os.kill(proc.pid, signum)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == code, stderr
    said = stderr_lines(stderr)
    assert len(said) == 1 and said[0].startswith(f"chainplan: interrupted by {signal.Signals(signum).name}"), said
    assert "left as it was" in said[0] and "Traceback" not in stderr and stdout == ""
    # every process of the run, seen before the signal or found by its tag now, is gone (a zombie waiting for
    # its reaper counts as gone; a process caught while exiting gets a moment to finish)
    left = _still_running([p for p in running if p.pid != proc.pid] + census(tag))
    assert left == [], f"left running: {left}"
    assert _files(out / "2024") == before                         # the previous report, exactly
    assert sorted(p.name for p in out.iterdir()) == ["2024"]       # no temp folder, no .failed


def test_a_killed_batch_leaves_no_folder_and_no_kernel(tmp_path, font_cache):
    """SIGKILL (or a crash: an abort in a C library) runs no cleanup in the batch itself; its guardian then stops
    the run's kernels and removes its build and Jupyter runtime folders."""
    nbs = write_notebooks(tmp_path / "nbs", "20_sleeps", "10_reads_data")
    nbs.joinpath("21_sleeps.ipynb").write_bytes(nbs.joinpath("20_sleeps.ipynb").read_bytes())
    out = tmp_path / "reports"
    runtime = Path(f"/tmp/cpk{uuid.uuid4().hex[:8]}")   # the run's Jupyter runtime folder goes in here (short)
    runtime.mkdir()
    tag = uuid.uuid4().hex
    proc = popen_cli(["brief", "--year", "2024", "--notebooks", str(nbs), "--out", str(out), "--jobs", "2",
                      "--registers", str(SMALL_REGISTER)], env={TAG: tag, "TMPDIR": str(runtime)})
    try:
        deadline = time.monotonic() + 300
        while len(_kernels(census(tag))) < 2:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the kernels never started"
            time.sleep(0.2)
        running = census(tag)
        assert [p.name for p in out.iterdir() if p.name.startswith(".2024.build-")], "no build folder yet"
        assert list(runtime.iterdir()), "no runtime folder yet"
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
        left = _still_running([p for p in running if p.pid != proc.pid] + census(tag), timeout=15)
        assert left == [], f"left running: {left}"
        deadline = time.monotonic() + 15
        while (list(out.iterdir()) or list(runtime.iterdir())) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert list(out.iterdir()) == [] and list(runtime.iterdir()) == []
    finally:
        if proc.poll() is None:
            proc.kill()
        for p in census(tag):
            with contextlib.suppress(psutil.Error):
                p.kill()
        shutil.rmtree(runtime, ignore_errors=True)


def test_a_stop_is_not_an_error_a_district_may_swallow():
    """The batch reads each district's 统计月报 beside its running notebooks and turns a ChainplanError there into
    a warning; a SIGINT arriving then must still stop the run (it was swallowed, and the batch waited)."""
    from chainplan_lib.errors import ChainplanError, Interrupted

    for broad in (Exception, ChainplanError):
        with pytest.raises(Interrupted):
            try:
                raise Interrupted(signal.SIGINT)
            except broad:
                pytest.fail(f"except {broad.__name__} caught the stop")
    assert Interrupted(signal.SIGTERM).exit_code == 143 and "SIGTERM" in str(Interrupted(signal.SIGTERM))
