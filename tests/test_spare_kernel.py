"""The kernel a batch worker starts ahead: warm — forked from the worker's template that imported the run's modules
once (publish/kernel_template.py), or, without one, importing them as it boots — handed to a notebook only once
ready, used once, moved to the notebook's folder when it was started elsewhere, and gone afterwards (also when no
notebook takes it). A warm kernel carries no name, plan or matplotlib setting into its notebook."""

import json
import time

import nbformat
import papermill
import pytest

from chainplan_lib.publish import kernel_template, kernels, sources, spare_kernel

KERNEL = "python3"
LIMITS = {"start_timeout": 30, "execution_timeout": 30}   # a hang fails the test instead of stalling it


@pytest.fixture
def runtime(monkeypatch):
    with kernels.runtime_dir() as d:
        monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(d))
        monkeypatch.setenv(kernels.RUN_ENV, "spare-test")
        yield d
    spare_kernel.drop()
    kernel_template.close()


def _pid(km) -> int:
    return km.provisioner.process.pid


def _notebook(path, *cells: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells or
                ["import os\nprint(os.getcwd(), os.getpid(), os.environ['CHAINPLAN_RUN'])"]]
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _execute(src, out, cwd, km=None):
    """papermill as the worker runs it (a kernel handed over or none), bounded in time; the executed notebook."""
    try:
        papermill.execute_notebook(str(src), str(out), kernel_name=KERNEL, cwd=str(cwd), progress_bar=False, km=km,
                                   config=kernels.kernel_config(), **LIMITS)
    finally:
        if km is not None:
            spare_kernel.finish(km)
    return nbformat.read(out, as_version=4)


def _stdout(nb, cell: int = 0) -> str:
    return "".join(o.get("text", "") for o in nb.cells[cell].outputs if o.get("output_type") == "stream")


def test_a_notebook_runs_in_the_spare_started_for_its_folder(runtime, tmp_path):
    src = _notebook(tmp_path / "nb.ipynb")
    assert spare_kernel.start(KERNEL, str(tmp_path))
    assert spare_kernel.start(KERNEL, str(tmp_path))  # one is waiting already: no second kernel
    km = spare_kernel.take(KERNEL, str(tmp_path))
    assert km is not None and spare_kernel.take(KERNEL, str(tmp_path)) is None  # taken once
    pid = _pid(km)
    out = _stdout(_execute(src, tmp_path / "out.ipynb", tmp_path, km)).split()
    assert out == [str(tmp_path), str(pid), "spare-test"]  # that kernel, that folder, the run's tag inherited
    assert kernels.wait_gone([pid]) == []
    assert not list(runtime.glob("k-*.json")), "connection files removed"


def test_a_spare_started_in_another_folder_moves_to_the_notebooks(runtime, tmp_path):
    """The districts of a run each run in their own notebooks/ folder: a spare started for one serves the next."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    src = _notebook(tmp_path / "b" / "nb.ipynb", "import os\nprint(os.getcwd())\nprint(open('here.txt').read())")
    (tmp_path / "b" / "here.txt").write_text("b's own file", encoding="utf-8")
    assert spare_kernel.start(KERNEL, str(tmp_path / "a"))
    km = spare_kernel.take(KERNEL, str(tmp_path / "b"))
    assert km is not None
    nb = _execute(src, tmp_path / "out.ipynb", tmp_path / "b", km)
    assert _stdout(nb).split("\n")[:2] == [str(tmp_path / "b"), "b's own file"]
    assert nb.cells[0].execution_count == 1           # the change of folder ran silently: not counted


def test_a_spare_for_another_kernel_is_dropped_not_used(runtime, tmp_path):
    assert spare_kernel.start(KERNEL, str(tmp_path))
    pid = _pid(spare_kernel._spare[0])
    assert spare_kernel.take("another-kernel", str(tmp_path)) is None
    assert kernels.wait_gone([pid]) == []


def test_an_unused_spare_is_killed_by_drop(runtime, tmp_path):
    assert spare_kernel.start(KERNEL, str(tmp_path))
    pid = _pid(spare_kernel._spare[0])
    spare_kernel.drop()
    assert spare_kernel._spare is None and kernels.wait_gone([pid]) == []
    spare_kernel.drop()  # nothing waiting: nothing to do


def test_a_kernel_that_cannot_start_leaves_no_spare(runtime, tmp_path):
    assert not spare_kernel.start("no-such-kernel-spec", str(tmp_path))
    assert spare_kernel._spare is None and spare_kernel.take("no-such-kernel-spec", str(tmp_path)) is None


SLOW_MODULE = "import time\nSTARTED = time.time()\ntime.sleep({seconds})\nDONE = time.time()\n"
READS_SLOW = ("import sys, time\nm = sys.modules.get('slow_warm')\n"
              "print(m is not None, getattr(m, 'DONE', 0.0) <= time.time(), getattr(m, 'DONE', 0.0))")


def test_a_notebook_handed_a_spare_before_its_imports_finished_waits_for_them(runtime, tmp_path):
    """The hang of the last round: a worker took the spare as soon as it asked, while the kernel was still booting.
    Now the spare is handed out only once its imports are done, and the notebook runs in it."""
    (tmp_path / "slow_warm.py").write_text(SLOW_MODULE.format(seconds=2.0), encoding="utf-8")
    src = _notebook(tmp_path / "nb.ipynb", READS_SLOW)
    t0 = time.time()
    assert spare_kernel.start(KERNEL, str(tmp_path), ("slow_warm",))
    km = spare_kernel.take(KERNEL, str(tmp_path))   # at once: the kernel is booting, its import sleeping
    handed = time.time()
    assert km is not None and handed - t0 >= 2.0, "handed out before the warm import had finished"
    pid = _pid(km)
    nb = _execute(src, tmp_path / "out.ipynb", tmp_path, km)
    loaded, before, done = _stdout(nb).split()
    assert loaded == "True" and before == "True" and t0 + 2.0 <= float(done) <= handed   # imported, in that kernel
    assert kernels.wait_gone([pid]) == []


def test_a_spare_that_never_gets_ready_is_killed_and_the_notebook_starts_its_own(runtime, tmp_path):
    (tmp_path / "slow_warm.py").write_text(SLOW_MODULE.format(seconds=60), encoding="utf-8")
    src = _notebook(tmp_path / "nb.ipynb", READS_SLOW)
    assert spare_kernel.start(KERNEL, str(tmp_path), ("slow_warm",))
    pid = _pid(spare_kernel._spare[0])
    t0 = time.monotonic()
    assert spare_kernel.take(KERNEL, str(tmp_path), timeout=3.0) is None
    assert time.monotonic() - t0 < 10 and kernels.wait_gone([pid]) == []
    (tmp_path / "slow_warm.py").unlink()             # papermill's own kernel imports nothing ahead
    assert _stdout(_execute(src, tmp_path / "out.ipynb", tmp_path)).split()[0] == "False"


NAMESPACE = ("import json, os, sys\nimport matplotlib\nip = get_ipython()\n"
             "print(json.dumps({'names': sorted(k for k in globals() if not k.startswith('_')),"
             " 'rc': {k: str(v) for k, v in matplotlib.rcParams.items()},"
             " 'figures': len(sys.modules['matplotlib.pyplot'].get_fignums()) if 'matplotlib.pyplot' in sys.modules"
             " else 0, 'library': 'chainplan_lib.district' in sys.modules,"
             " 'hooks': [getattr(f, '__name__', '') for f in ip.events.callbacks['post_execute']],"
             " 'display': sorted(str(t) for t in ip.display_formatter.formatters['image/svg+xml'].type_printers),"
             " 'parent': os.environ.get('JPY_PARENT_PID') == str(os.getppid()), 'session': os.getsid(0) == os.getpid(),"
             " 'cwd': os.getcwd(), 'path': '' in sys.path}))",
             "import matplotlib.pyplot as plt\nfig = plt.figure()\nip = get_ipython()\n"
             "print(matplotlib.is_interactive(), [getattr(f, '__name__', '') for f in ip.events.callbacks['post_execute']])")


@pytest.mark.parametrize("how", ["forked", "importing"])
def test_a_warm_kernel_gives_its_notebook_nothing_but_modules(runtime, tmp_path, how):
    """Warmed with what the real notebooks import (chainplan_lib included) — forked from a template, or importing
    as it boots — a kernel shows its notebook the same names, matplotlib settings, display hooks and figures as a
    cold one (no plan, no d), a session of its own under its parent, and the inline backend hooked in as a cold
    kernel does on its first figure; only its modules are loaded already."""
    from _plans import ROOT

    warm = spare_kernel.warm_modules(sources.code_texts(sources.find(ROOT / "notebooks")))
    assert {"pandas", "pandera.pandas", "chainplan_lib.District", "chainplan_lib.present.briefing"} <= set(warm)
    src = _notebook(tmp_path / "nb.ipynb", *NAMESPACE)
    if how == "forked":
        kernel_template.start(warm, str(tmp_path))
        km = spare_kernel.take(KERNEL, str(tmp_path))
        assert isinstance(km.provisioner, kernel_template.ForkProvisioner)
    else:
        assert spare_kernel.start(KERNEL, str(tmp_path), warm)
        km = spare_kernel.take(KERNEL, str(tmp_path))
    pid = _pid(km)
    warm_nb = _execute(src, tmp_path / "warm.ipynb", tmp_path, km)
    cold_nb = _execute(src, tmp_path / "cold.ipynb", tmp_path)
    seen, fresh = json.loads(_stdout(warm_nb)), json.loads(_stdout(cold_nb))
    assert seen["library"] and not fresh["library"]
    assert seen["names"] == fresh["names"] and not {"plan", "d", "m", "importlib"} & set(seen["names"])
    assert seen["rc"] == fresh["rc"] and seen["figures"] == 0
    assert {k: seen[k] for k in ("hooks", "display", "parent", "session", "cwd", "path")} == \
        {k: fresh[k] for k in ("hooks", "display", "parent", "session", "cwd", "path")}
    assert _stdout(warm_nb, 1) == _stdout(cold_nb, 1) == "True ['_on_post_execute', '_draw_all_if_interactive', " \
                                                          "'flush_figures']\n"
    assert warm_nb.cells[0].execution_count == cold_nb.cells[0].execution_count == 1
    assert kernels.wait_gone([pid]) == []


def test_a_notebook_asking_for_a_kernel_before_the_templates_imports_finished_waits(runtime, tmp_path):
    """The template imports as the worker starts; the first notebook may ask for its kernel before that is done."""
    (tmp_path / "slow_warm.py").write_text(SLOW_MODULE.format(seconds=2.0), encoding="utf-8")
    src = _notebook(tmp_path / "nb.ipynb", READS_SLOW)
    t0 = time.time()
    template = kernel_template.start(("slow_warm",), str(tmp_path))
    km = spare_kernel.take(KERNEL, str(tmp_path))   # at once: the template is still importing
    handed = time.time()
    assert km is not None and isinstance(km.provisioner, kernel_template.ForkProvisioner)
    assert handed - t0 >= 2.0 and template.ready
    loaded, before, done = _stdout(_execute(src, tmp_path / "out.ipynb", tmp_path, km)).split()
    assert loaded == "True" and before == "True" and t0 + 2.0 <= float(done) <= handed
    assert spare_kernel.start(KERNEL, str(tmp_path))     # the next: forked at once from the ready template
    km = spare_kernel.take(KERNEL, str(tmp_path))
    assert _stdout(_execute(src, tmp_path / "out2.ipynb", tmp_path, km)).split()[0] == "True"


def test_a_template_that_never_gets_ready_is_stopped_and_kernels_start_anew(runtime, tmp_path):
    (tmp_path / "slow_warm.py").write_text(SLOW_MODULE.format(seconds=60), encoding="utf-8")
    template = kernel_template.start(("slow_warm",), str(tmp_path))
    t0 = time.monotonic()
    km = spare_kernel.take(KERNEL, str(tmp_path), timeout=3.0)
    assert time.monotonic() - t0 < 15 and template.broken and kernel_template.current() is None
    assert template.process.poll() is not None                 # stopped, not left importing
    assert km is not None and not isinstance(km.provisioner, kernel_template.ForkProvisioner)
    (tmp_path / "slow_warm.py").unlink()
    src = _notebook(tmp_path / "nb.ipynb", READS_SLOW)
    assert _stdout(_execute(src, tmp_path / "out.ipynb", tmp_path, km)).split()[0] == "False"


def test_the_modules_warmed_are_what_the_notebooks_import():
    code = ["from chainplan_lib.present import briefing, tables\nimport pandas as pd\n%matplotlib inline",
            "import os\nfrom chainplan_lib import District\nif True:\n    import json"]
    assert spare_kernel.notebook_imports(code) == ["os", "chainplan_lib", "chainplan_lib.District"]  # a magic: skipped
    warm = spare_kernel.warm_modules(["from chainplan_lib.present import briefing\nimport pandas"])
    assert warm[: len(spare_kernel.BASE_MODULES)] == spare_kernel.BASE_MODULES
    library = spare_kernel.library_modules()   # what the notebooks' calls import inside functions, too
    assert warm[len(spare_kernel.BASE_MODULES):] == library and warm[-1] != "pandas"
    assert {"chainplan_lib", "chainplan_lib.present", "chainplan_lib.present.briefing", "chainplan_lib.district",
            "chainplan_lib.files.workbook", "chainplan_lib.cleaning.actuals.clean"} <= set(library)
    assert not [m for m in library if m.startswith(("chainplan_lib.publish", "chainplan_lib.cli"))]
    assert len(library) == len(set(library)) > 70
    assert spare_kernel.warm_modules(["import tomllib"]) == ("tomllib",)   # a stand-in notebook: only its own
    line = spare_kernel.warm_code(("json", "no_such_module_xyz", "chainplan_lib.District"))
    namespace: dict = {}
    exec(line, namespace)                              # a failing import is skipped; nothing is left behind
    assert set(namespace) == {"__builtins__"}
    import sys

    assert "chainplan_lib.district" in sys.modules     # what `from chainplan_lib import District` loads
