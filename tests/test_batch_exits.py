"""Every way a batch can end — its own error, an interrupt, a crash — shuts its pool and kernels down and returns;
and what can be checked before anything runs is checked first (issue 23)."""

from __future__ import annotations

import multiprocessing as mp
import signal
import subprocess
import time
from pathlib import Path

import pytest
from _batchkit import SMALL_REGISTER, run_cli, stderr_lines, write_notebooks

from chainplan_lib.publish import kernels

CORRUPT_XLSX = b"PK\x03\x04" + bytes(range(256)) * 8   # a zip header, then nothing a workbook reader can use


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def test_stopping_a_run_leaves_its_workers_exit_status_to_multiprocessing():
    """stop_processes kills a worker without reaping it: multiprocessing must still see it end (a reaped child
    is 'alive' to it for ever, and the pool's manager thread then spins at interpreter exit)."""
    proc = mp.get_context("spawn").Process(target=_sleep, args=(60,))
    proc.start()
    try:
        assert kernels.stop_processes("no-such-tag", [proc.pid]) == 1
        proc.join(10)
        assert proc.exitcode == -signal.SIGTERM, proc.exitcode
    finally:
        if proc.exitcode is None:
            proc.kill()
            proc.join(5)


def _bad_registers(folder: Path) -> Path:
    folder.mkdir()
    (folder / "bad.xlsx").write_bytes(CORRUPT_XLSX)
    (folder / SMALL_REGISTER.name).write_bytes(SMALL_REGISTER.read_bytes())
    return folder


def test_a_batch_stopped_by_its_own_error_exits_every_time(tmp_path, font_cache):
    """The corrupt-register case at --jobs 2, again and again: the one-line error, exit 2, and the process ends
    (it used to hang after the error in about one run of two under load); nothing is left behind."""
    regs = _bad_registers(tmp_path / "regs")
    nbs = write_notebooks(tmp_path / "nbs", "10_reads_data")
    out = tmp_path / "reports"
    for i in range(6):
        try:
            cp = run_cli(["brief", "--year", "2024", "--registers", str(regs), "--notebooks", str(nbs),
                          "--out", str(out), "--jobs", "2"], timeout=120)
        except subprocess.TimeoutExpired:
            pytest.fail(f"run {i + 1}: the batch did not exit within 120 s of its own error")
        assert cp.returncode == 2, cp.stderr
        said = stderr_lines(cp.stderr)
        assert len(said) == 1 and said[0].startswith("chainplan: error: ") and "bad.xlsx" in said[0], said
        assert not out.exists() or not any(out.iterdir()), sorted(p.name for p in out.iterdir())
