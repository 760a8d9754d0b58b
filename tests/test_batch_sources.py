"""The committed source is what runs: the batch executes the jupytext .py notebooks, and refuses — one line, before
anything runs — a paired .ipynb that carries outputs or differs from its .py (a lab save never reaches a report
unseen). ``chainplan run`` runs one notebook with papermill's and Quarto's parameter forms; ``--name`` keeps a
scenario beside the default report."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import nbformat
from _batchkit import ROOT, SMALL_REGISTER, cli_here, outputs_text, stderr_lines

SOURCE = '''# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 试算页面

# %% tags=["parameters"]
chain = "all"
year = 2024

# %%
print("CHAIN", chain, "YEAR", year)
'''


def _paired(folder: Path) -> Path:
    """A jupytext notebook 40_chain.py and its .ipynb pair, in sync and without outputs (as committed)."""
    import jupytext

    folder.mkdir(parents=True, exist_ok=True)
    py = folder / "40_chain.py"
    py.write_text(SOURCE, encoding="utf-8")
    jupytext.write(jupytext.read(py), py.with_suffix(".ipynb"))
    return py


def _brief(nbs: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    """`chainplan brief` of the notebooks in `nbs`, in this process (a refusal comes before any worker starts)."""
    return cli_here(["brief", "--year", "2024", "--notebooks", str(nbs), "--out", str(out), "--jobs", "1",
                     "--registers", str(SMALL_REGISTER), *extra])


def _refused(nbs: Path, out: Path) -> tuple[int, list[str]]:
    cp = _brief(nbs, out)
    return cp.returncode, stderr_lines(cp.stderr)


def test_the_batch_runs_the_py_and_refuses_a_lab_saved_ipynb(tmp_path, font_cache):
    py = _paired(tmp_path / "nbs")
    ipynb = py.with_suffix(".ipynb")
    # the lab saved the pair: a changed parameter and its outputs (autosave) — refused, nothing runs
    nb = nbformat.read(ipynb, as_version=4)
    nb.cells[1].source = 'chain = "metallurgy"\nyear = 2024'
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", name="stdout", text="CHAIN metallurgy\n")]
    nb.cells[2].execution_count = 3
    nbformat.write(nb, ipynb)
    code, said = _refused(py.parent, tmp_path / "reports")
    assert code == 2 and len(said) == 1 and "40_chain.ipynb: carries outputs" in said[0], said
    # edited (no outputs) and not synced — refused as well
    nb.cells[2].outputs, nb.cells[2].execution_count = [], None
    nbformat.write(nb, ipynb)
    code, said = _refused(py.parent, tmp_path / "reports")
    assert code == 2 and len(said) == 1 and "40_chain.ipynb: differs from 40_chain.py" in said[0], said
    assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").iterdir())
    # in sync again: the .py is what runs, and the report says which source, with its SHA-256
    _paired(py.parent)
    cp = _brief(py.parent, tmp_path / "reports")
    assert cp.returncode == 0, cp.stderr
    report = tmp_path / "reports" / "2024"
    assert "CHAIN all YEAR 2024" in outputs_text(report / "notebooks" / "40_chain.ipynb")
    m = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    (run,) = m["notebooks"]
    assert run["source"].endswith("40_chain.py") and run["title"] == "试算页面"
    import hashlib

    assert run["sha256"] == hashlib.sha256(py.read_bytes()).hexdigest()
    assert m["source"] == {"notebooks": "nbs", "commit": None, "dirty": None}   # not in a git repository
    executed = nbformat.read(report / "notebooks" / "40_chain.ipynb", as_version=4)
    assert "jupytext" not in executed.metadata   # the report's copy is paired with nothing
    assert executed.metadata["papermill"]["input_path"].endswith("40_chain.py")
    assert executed.metadata["papermill"]["output_path"] == "notebooks/40_chain.ipynb"


def test_make_lab_opens_a_working_copy():
    dry = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout
    assert "--notebook-dir=notebooks" not in dry and "lab" in dry and "jupytext" in dry, dry


def test_run_one_notebook_with_papermills_parameters(tmp_path, font_cache):
    """`chainplan run notebooks/04_shares.py -p chain metallurgy`: that page, for that chain, in seconds."""
    out = tmp_path / "try"
    cp = cli_here(["run", "notebooks/04_shares.py", "-p", "chain", "metallurgy", "-P", "year:2024", "--out", str(out)])
    assert cp.returncode == 0, cp.stdout + cp.stderr
    assert cp.stdout.startswith("chainplan run 04_shares: ok in "), cp.stdout
    page = (out / "html" / "04_shares.html").read_text(encoding="utf-8")
    assert "冶金建材" in page and (out / "analyst" / "04_shares.html").is_file()
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["notebooks"][0]["parameters"]["chain"] == "metallurgy" and m["notebooks"][0]["parameters"]["year"] == 2024
    assert m["notebooks"][0]["source"] == "notebooks/04_shares.py"
    executed = nbformat.read(out / "notebooks" / "04_shares.ipynb", as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert 'chain = "metallurgy"' in injected.source
    bad = cli_here(["run", "notebooks/04_shares.py", "-p", "speed", "3", "--out", str(tmp_path / "bad")])
    said = stderr_lines(bad.stderr)
    assert bad.returncode == 2 and len(said) == 1 and "no notebook declares a parameter 'speed'" in said[0], said


def test_a_named_scenario_is_kept_beside_the_default_report(tmp_path, font_cache):
    py = _paired(tmp_path / "nbs")
    out = tmp_path / "reports"
    args = ["brief", "--year", "2024", "--notebooks", str(py.parent), "--out", str(out), "--jobs", "1",
            "--registers", str(SMALL_REGISTER)]
    assert cli_here(args).returncode == 0
    cp = cli_here([*args, "--name", "低增长", "-p", "40_chain:chain=metallurgy"])
    assert cp.returncode == 0, cp.stderr
    assert sorted(p.name for p in out.iterdir()) == ["2024", "2024-低增长", "index.html"]
    assert "CHAIN all" in outputs_text(out / "2024" / "notebooks" / "40_chain.ipynb")
    assert "CHAIN metallurgy" in outputs_text(out / "2024-低增长" / "notebooks" / "40_chain.ipynb")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="2024/index.html"' in index and 'href="2024-低增长/index.html"' in index and "低增长" in index
    m = json.loads((out / "2024-低增长" / "manifest.json").read_text(encoding="utf-8"))
    assert m["scenario"] == "低增长" and m["parameters_given"] == {"40_chain:chain": "metallurgy"}
    assert "情景：低增长" in (out / "2024-低增长" / "index.html").read_text(encoding="utf-8")
    bad = cli_here(["brief", "--year", "2024", "--notebooks", str(py.parent), "--out", str(out), "--name", "../x"])
    assert bad.returncode == 2 and "--name '../x'" in bad.stderr
