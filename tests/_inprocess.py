"""Notebooks executed in this process: papermill's parameters, IPython's shell, no kernel to start.

The notebooks are thin (a parameters cell, then calls into chainplan_lib), so their parameter variants are tested by
running their cells here — the library already imported — instead of starting a kernel for each (issue 22: the
real kernels stay for the batches, which test pages, PDF, manifest and the kernels themselves).
:func:`execute` is papermill's ``execute_notebook`` for that purpose: the committed jupytext source, the parameters
injected after the cell tagged ``parameters`` exactly as papermill does, each code cell run in an
:class:`~IPython.core.interactiveshell.InteractiveShell` with the inline backend, its outputs (streams, HTML,
Markdown, charts) kept in the notebook it returns; a failing cell raises papermill's
:class:`~papermill.exceptions.PapermillExecutionError` with the exception's name and value.
"""

from __future__ import annotations

import base64
import contextlib
import os
import sys
from pathlib import Path

import jupytext
import matplotlib
import nbformat
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from papermill.exceptions import PapermillExecutionError
from papermill.parameterize import parameterize_notebook

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"


class _Shell(InteractiveShell):
    """IPython's shell without a GUI loop (enough for the inline backend)."""

    def enable_gui(self, gui=None):  # no event loop to start in a test process
        return None


_shell: _Shell | None = None


def _the_shell() -> _Shell:
    global _shell
    if _shell is None:
        _shell = _Shell.instance()
        _shell.enable_matplotlib("inline")
    return _shell


@contextlib.contextmanager
def _cwd(path: Path):
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def execute(name: str, **parameters) -> nbformat.NotebookNode:
    """``notebooks/NAME.py`` with ``parameters`` injected, every code cell executed here; the notebook with its
    outputs. Each call starts from an empty namespace and matplotlib's defaults (as a fresh kernel would)."""
    nb = jupytext.read(NB_DIR / f"{name}.py")
    nb.metadata.setdefault("kernelspec", {"name": "python3", "language": "python", "display_name": "Python 3"})
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])   # as papermill's loader leaves them
    nb.metadata.setdefault("papermill", {})
    nb = parameterize_notebook(nb, parameters, report_mode=False, kernel_name="python3", language="python")
    main = sys.modules["__main__"]   # IPython's shell installs its own __main__: multiprocessing needs ours back
    try:
        return _execute(nb)
    finally:
        sys.modules["__main__"] = main


def _execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    import matplotlib.pyplot as plt

    sh = _the_shell()
    sh.reset(new_session=False)
    plt.close("all")
    matplotlib.rcdefaults()
    sh.enable_matplotlib("inline")
    with _cwd(NB_DIR):
        for k, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            with capture_output() as cap:
                result = sh.run_cell(cell.source, store_history=False)
            outputs = []
            if cap.stdout:
                outputs.append(nbformat.v4.new_output("stream", name="stdout", text=cap.stdout))
            for o in cap.outputs:   # binary data (the briefing's PNGs) as a notebook keeps it: base64 text
                data = {m: base64.b64encode(v).decode("ascii") if isinstance(v, bytes) else v for m, v in o.data.items()}
                outputs.append(nbformat.v4.new_output("display_data", data=data, metadata=dict(o.metadata)))
            cell.outputs = outputs
            err = result.error_in_exec or result.error_before_exec
            if err is not None:
                plt.close("all")
                raise PapermillExecutionError(k, k, cell.source, type(err).__name__, str(err), [str(err)])
    plt.close("all")
    return nb


def output_text(nb: nbformat.NotebookNode | str | Path) -> str:
    """All output text of an executed notebook (streams, HTML, Markdown, plain), then ``[images: N]`` for the charts
    (one SVG each; the briefing adds a PNG of each). ``nb``: the notebook, or the path of an executed one (a
    batch's)."""
    if not isinstance(nb, nbformat.NotebookNode):
        nb = nbformat.read(nb, as_version=4)
    texts, images = [], 0
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                texts.append(o["text"])
            data = o.get("data", {})
            images += "image/svg+xml" in data
            for mime in ("text/html", "text/markdown", "text/plain"):
                if mime in data:
                    texts.append("".join(data[mime]))
    return "\n".join(texts) + f"\n[images: {images}]"


def run(name: str, **parameters) -> str:
    """:func:`execute` then :func:`output_text`."""
    return output_text(execute(name, **parameters))
