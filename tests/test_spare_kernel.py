"""The kernel a batch worker starts ahead: used once, by a notebook in the folder it was started for, and gone
afterwards (also when no notebook takes it)."""


import nbformat
import papermill
import pytest

from chainplan_lib.publish import kernels, spare_kernel

KERNEL = "python3"


@pytest.fixture
def runtime(monkeypatch):
    with kernels.runtime_dir() as d:
        monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(d))
        monkeypatch.setenv(kernels.RUN_ENV, "spare-test")
        yield d
    spare_kernel.drop()


def _pid(km) -> int:
    return km.provisioner.process.pid


def _notebook(path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import os\nprint(os.getcwd(), os.getpid(), os.environ['CHAINPLAN_RUN'])")]
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def test_a_notebook_runs_in_the_spare_started_for_its_folder(runtime, tmp_path):
    src = _notebook(tmp_path / "nb.ipynb")
    assert spare_kernel.start(KERNEL, str(tmp_path))
    assert spare_kernel.start(KERNEL, str(tmp_path))  # one is waiting already: no second kernel
    km = spare_kernel.take(KERNEL, str(tmp_path))
    assert km is not None and spare_kernel.take(KERNEL, str(tmp_path)) is None  # taken once
    pid = _pid(km)
    try:
        papermill.execute_notebook(str(src), str(tmp_path / "out.ipynb"), kernel_name=KERNEL, cwd=str(tmp_path),
                                   progress_bar=False, km=km, config=kernels.kernel_config())
    finally:
        spare_kernel.finish(km)
    out = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[0].outputs[0]["text"].split()
    assert out == [str(tmp_path), str(pid), "spare-test"]  # that kernel, that folder, the run's tag inherited
    assert kernels.wait_gone([pid]) == []
    assert not list(runtime.glob("k-*.json")), "connection files removed"


def test_a_spare_for_another_folder_or_kernel_is_dropped_not_used(runtime, tmp_path):
    (tmp_path / "a").mkdir()
    assert spare_kernel.start(KERNEL, str(tmp_path / "a"))
    pid = _pid(spare_kernel._spare[0])
    assert spare_kernel.take(KERNEL, str(tmp_path)) is None
    assert kernels.wait_gone([pid]) == []
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
