"""Helpers for batch tests: running the CLI, hostile register names, and tiny notebooks that exercise the
batch's machinery (workers, kernels, isolation, failure handling) at the cost of a kernel start each."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BUNDLED_REGISTERS = ROOT / "data" / "raw" / "registers"
# Register files named to break pages if a name ever reached HTML or Markdown unescaped.
HOSTILE_NAMES = {
    "synthetic_register_2023_gbk.csv": "x <svg onload=alert(1)>.csv",
    "synthetic_register_2024_gbk.csv": "<link rel=attachment href=..%2F..%2Fetc%2Fhostname>.csv",
}


def run_cli(args: list[str], env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """`chainplan ARGS` in a fresh process (from the project folder), output captured."""
    return subprocess.run([sys.executable, "-m", "chainplan_lib.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout, cwd=ROOT)


def cli_here(args: list[str]) -> subprocess.CompletedProcess:
    """`chainplan ARGS` in this process, from the project folder: what a fresh process would print (its own and its
    children's output, captured at the file descriptors as well as at ``sys.stdout``/``sys.stderr``) and return,
    without paying its imports again — a run's pool and kernels are this process's children, as from the command.
    Tests of how the process itself ends (hangs, signals, crashes, leaks) use :func:`run_cli` / :func:`popen_cli`."""
    import contextlib
    import io
    import tempfile

    from chainplan_lib import cli

    here = os.getcwd()
    text = {"out": io.StringIO(), "err": io.StringIO()}
    sys.stdout.flush()
    sys.stderr.flush()
    with tempfile.TemporaryFile() as fd_out, tempfile.TemporaryFile() as fd_err:
        saved = os.dup(1), os.dup(2)
        try:
            os.dup2(fd_out.fileno(), 1)
            os.dup2(fd_err.fileno(), 2)
            os.chdir(ROOT)
            with contextlib.redirect_stdout(text["out"]), contextlib.redirect_stderr(text["err"]):
                code = cli.main(list(args))
        finally:
            os.chdir(here)
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
        fd_out.seek(0)
        fd_err.seek(0)
        out = text["out"].getvalue() + fd_out.read().decode("utf-8", "replace")
        err = text["err"].getvalue() + fd_err.read().decode("utf-8", "replace")
    return subprocess.CompletedProcess(["chainplan", *args], code, out, err)


def popen_cli(args: list[str], env: dict | None = None, forbid: tuple[str, ...] = ()) -> subprocess.Popen:
    """`chainplan ARGS` started in its own session (as a shell job would be), output captured. ``forbid``: modules
    the command's own process must not import (an import of one fails the command; its pool and kernels, started
    afresh, are not concerned)."""
    code = (f"import sys; sys.modules.update(dict.fromkeys({list(forbid)!r})); "
            "from chainplan_lib.cli import main; sys.exit(main())")
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}, cwd=ROOT,
                            start_new_session=True)


def hostile_registers(folder: Path, years: tuple[int, ...] = (2023, 2024), csv_only: bool = False) -> Path:
    """The bundled registers of `years`, two of them (the GBK copies) under hostile names; ``csv_only``: just
    those CSVs (quick to clean, for tests of the batch's machinery)."""
    folder.mkdir(parents=True, exist_ok=True)
    for src in BUNDLED_REGISTERS.iterdir():
        if any(str(y) in src.name for y in years) and (src.suffix == ".csv" or not csv_only):
            shutil.copy(src, folder / HOSTILE_NAMES.get(src.name, src.name))
    return folder


# one small register file: the batch's cleaning step stays quick in tests of its machinery
SMALL_REGISTER = BUNDLED_REGISTERS / "synthetic_register_2024_gbk.csv"


def stderr_lines(stderr: str) -> list[str]:
    """stderr without the progress bar (tqdm redraws its line with carriage returns): what else was said."""
    out = []
    for line in stderr.replace("\r", "\n").split("\n"):
        s = line.strip()
        if s and not s.startswith("brief ") and "nb/s" not in s and "?nb" not in s:
            out.append(s)
    return out


KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

READS_DATA = '''import hashlib, json, pathlib
data = pathlib.Path(processed_dir)
summary = json.loads((data / "register" / "register_summary.json").read_text(encoding="utf-8"))
print("REGISTER_FILES", json.dumps(sorted(pathlib.Path(f["file"]).name for f in summary["files"]), ensure_ascii=False))
print("REGISTER_YEARS", json.dumps(summary["years"]))
print("TARGETS_SHA", hashlib.sha256((data / "targets.csv").read_bytes()).hexdigest())'''

BODIES = {
    "10_reads_data": [READS_DATA],
    "20_sleeps": ["import time", "time.sleep(600)"],
    "98_dies": ["import os, signal", "os.kill(os.getpid(), signal.SIGKILL)"],
    "99_fails": ["print('before')", "raise RuntimeError('deliberate failure')", "print('never')"],
}


def write_notebooks(folder: Path, *names: str) -> Path:
    """Write the named tiny notebooks into `folder` (each with a parameters cell the batch fills in)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = KERNELSPEC
        nb.cells = [nbformat.v4.new_code_cell("year = 2024\nprocessed_dir = None",
                                              metadata={"tags": ["parameters"]})]
        nb.cells += [nbformat.v4.new_code_cell(src) for src in BODIES[name]]
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def outputs_text(ipynb: Path) -> str:
    nb = nbformat.read(ipynb, as_version=4)
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "stream")


# ------------------------------------------------------------------------------- the session's one batch
def run_batch_to(root: Path, args: list[str], env: dict[str, str]) -> None:
    """`chainplan ARGS` (see :func:`run_cli`), its outcome written to ``root/result.json`` when it ends (atomically:
    readers see no file or the whole one). Run in a process of its own by tests/conftest.py, so the batch builds
    while the test workers run other tests."""
    import json
    import time

    t0 = time.perf_counter()
    try:
        cp = run_cli(args, env=env)
        res = {"returncode": cp.returncode, "stdout": cp.stdout, "stderr": cp.stderr}
    except Exception as exc:  # a timeout, or the interpreter could not start: the tests say so
        res = {"returncode": -1, "stdout": "", "stderr": f"{type(exc).__name__}: {exc}"}
    res["seconds"] = time.perf_counter() - t0
    tmp = root / ".result.json.tmp"
    tmp.write_text(json.dumps(res), encoding="utf-8")
    os.replace(tmp, root / "result.json")


if __name__ == "__main__":  # python tests/_batchkit.py ROOT ENV_JSON ARGS_JSON (started by tests/conftest.py)
    import json

    run_batch_to(Path(sys.argv[1]), json.loads(sys.argv[3]), json.loads(sys.argv[2]))
