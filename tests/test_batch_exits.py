"""Every way a batch can end — its own error, an interrupt, a crash — shuts its pool and kernels down and returns;
and what can be checked before anything runs is checked first (issue 23)."""

from __future__ import annotations

import multiprocessing as mp
import signal
import subprocess
import time
from pathlib import Path

import pytest
from _batchkit import SMALL_REGISTER, cli_here, run_cli, stderr_lines, write_notebooks

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
    (it used to hang after the error in about one run of two under load: three runs would have caught it seven
    times in eight); nothing is left behind."""
    regs = _bad_registers(tmp_path / "regs")
    nbs = write_notebooks(tmp_path / "nbs", "10_reads_data")
    out = tmp_path / "reports"
    for i in range(3):
        try:
            cp = run_cli(["brief", "--year", "2024", "--registers", str(regs), "--notebooks", str(nbs),
                          "--out", str(out), "--jobs", "2"], timeout=120)
        except subprocess.TimeoutExpired:
            pytest.fail(f"run {i + 1}: the batch did not exit within 120 s of its own error")
        assert cp.returncode == 2, cp.stderr
        said = stderr_lines(cp.stderr)
        assert len(said) == 1 and said[0].startswith("chainplan: error: ") and "bad.xlsx" in said[0], said
        assert not out.exists() or not any(out.iterdir()), sorted(p.name for p in out.iterdir())


# ------------------------------------------------------------------------------- checked before anything runs
def test_a_file_where_the_report_goes_is_one_line_before_anything_runs(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    (out / "2024").write_text("not a folder", encoding="utf-8")
    nbs = write_notebooks(tmp_path / "nbs", "20_sleeps")   # would take 600 s if it ran
    t0 = time.monotonic()
    cp = run_cli(["brief", "--year", "2024", "--notebooks", str(nbs), "--out", str(out), "--jobs", "1",
                  "--registers", str(SMALL_REGISTER)], timeout=120)
    assert cp.returncode == 2 and time.monotonic() - t0 < 60, cp.stderr
    said = stderr_lines(cp.stderr)
    assert len(said) == 1 and "2024 is a file; the report needs a folder there" in said[0], said
    assert sorted(p.name for p in out.iterdir()) == ["2024"]


def test_a_notebook_that_is_not_json_is_one_line(tmp_path):
    nbs = write_notebooks(tmp_path / "nbs", "10_reads_data")
    (nbs / "30_broken.ipynb").write_text("{not json at all", encoding="utf-8")
    cp = cli_here(["brief", "--year", "2024", "--notebooks", str(nbs), "--out", str(tmp_path / "reports"),
                  "--jobs", "1", "--registers", str(SMALL_REGISTER)])
    assert cp.returncode == 2, cp.stderr
    said = stderr_lines(cp.stderr)
    assert len(said) == 1 and "30_broken.ipynb: not a readable notebook" in said[0] and "Traceback" not in cp.stderr
    assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").iterdir())


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path):
    levels = ["&a [x,x,x,x,x,x,x,x,x]"] + [f"&{c} [{','.join([f'*{p}'] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi")]
    bomb = "[" + ", ".join(levels) + "]"
    assert len(bomb) < 400
    params = tmp_path / "params.yaml"
    params.write_text(f"chain: {bomb}\n", encoding="utf-8")
    for args in (["-p", f"chain={bomb}"], ["--params", str(params)]):
        cp = run_cli(["brief", "--year", "2024", *args, "--out", str(tmp_path / "r")], timeout=60)
        said = stderr_lines(cp.stderr)
        assert cp.returncode == 2 and len(said) == 1 and "YAML aliases" in said[0], cp.stderr


# ------------------------------------------------------------------------------ corrupt state is not fatal
@pytest.mark.parametrize("where", ["this year's", "a sibling year's"])
@pytest.mark.parametrize("content", ['{"notebooks": [1, 2]}', "{not json", '["a list"]',
                                     '{"notebooks": [{"name": "10_reads_data", "ok": true, "seconds_execute": "x"}]}'],
                         ids=["records-not-objects", "not-json", "a-list", "seconds-not-numbers"])
def test_a_corrupt_earlier_manifest_is_ignored_with_a_warning(tmp_path, where, content):
    """run_order reads the last report's timings: a manifest that is not what a run writes is skipped with one
    warning naming it, never fatal (it was an AttributeError for records that are not objects)."""
    from chainplan_lib.publish.run_order import run_order

    other = tmp_path / ("2024" if where == "this year's" else "2023")
    other.mkdir()
    (other / "manifest.json").write_text(content, encoding="utf-8")
    assert run_order(["briefing", "10_reads_data"], [True, False], tmp_path / "2024") in ([0, 1], [1, 0])


def test_a_batch_beside_a_corrupt_manifest_runs_and_warns(tmp_path, font_cache):
    out = tmp_path / "reports"
    (out / "2023").mkdir(parents=True)
    (out / "2023" / "manifest.json").write_text('{"notebooks": [1, 2]}', encoding="utf-8")
    nbs = write_notebooks(tmp_path / "nbs", "10_reads_data")
    cp = cli_here(["brief", "--year", "2024", "--notebooks", str(nbs), "--out", str(out), "--jobs", "1",
                   "--registers", str(SMALL_REGISTER)])
    assert cp.returncode == 0, cp.stderr
    said = stderr_lines(cp.stderr)
    assert len(said) == 1 and said[0].startswith("chainplan: warning: ") and "2023/manifest.json" in said[0], said
    assert (out / "2024" / "manifest.json").is_file()
