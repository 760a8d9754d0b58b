"""A report travels: everything its notebooks need is inside it, referred to by relative paths, and no file in it
names a path of the machine that made it (the session's batch, ``brief_2024``)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from _batchkit import ROOT


@pytest.fixture(scope="module")
def report(brief_2024) -> Path:
    assert brief_2024.returncode == 0, brief_2024.stdout + brief_2024.stderr
    return brief_2024.out_dir


_BASE64 = re.compile(r"data:[^,\"']*;base64,[A-Za-z0-9+/=]+")
_BINARY_MIME = ("image/png", "image/jpeg", "application/pdf")


def _readable(path: Path) -> str:
    """What a file says, as a reader or a program would read it: text files as text (embedded base64 data left out:
    a font or a picture encodes any five letters sooner or later), notebooks without their binary outputs, the
    Word file's XML parts, the PDF's text."""
    if path.suffix == ".pdf":
        from chainplan_lib.publish.render import pdf_text

        return "\n".join(pdf_text(path))
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels", ".svg")))
    text = path.read_bytes().decode("utf-8", errors="replace")
    if path.suffix == ".ipynb":
        nb = json.loads(text)
        for cell in nb["cells"]:
            for out in cell.get("outputs", []):
                for mime in _BINARY_MIME:
                    out.get("data", {}).pop(mime, None)
        text = json.dumps(nb, ensure_ascii=False)
    return _BASE64.sub("data:…", text)


def test_no_file_of_a_report_names_a_path_of_the_machine(report):
    """Pages, notebooks, manifest, data/*.csv (source_file columns), the PDF and the Word file: no checkout path,
    no home folder, no /tmp (where the registers and the report of this test session are)."""
    needles = {str(ROOT), os.path.realpath(ROOT), os.path.expanduser("~"), "/tmp/", str(report.parent)}
    found = []
    for path in sorted([*report.rglob("*"), report.parent / "index.html"]):
        if path.is_file():
            text = _readable(path)
            found += [f"{path.relative_to(report.parent)}: {n}" for n in needles if n in text]
    assert not found, "\n".join(found)


def test_a_report_copied_elsewhere_without_data_raw_re_runs(report, tmp_path):
    """The report copied to another folder, the project's data/ out of reach ($CHAINPLAN_ROOT pointing at an empty
    folder, as on a machine with only the package installed): its notebooks re-run with papermill from the copy
    (05_register: it reads the cleaned registers, the plan copy and the 统计月报 by their relative paths)."""
    copy = tmp_path / "usb" / "2024"
    shutil.copytree(report, copy)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "CHAINPLAN_ROOT": str(elsewhere)}
    env.pop("CHAINPLAN_PLAN", None)
    nbdir, bin_dir = copy / "notebooks", Path(sys.executable).parent
    runs = {
        "05_register": [str(bin_dir / "papermill"), "05_register.ipynb", str(tmp_path / "05.ipynb"), "--cwd", "."],
    }
    for name, cmd in runs.items():
        cp = subprocess.run(cmd, cwd=nbdir, env=env, capture_output=True, text=True, timeout=300)
        assert cp.returncode == 0, (name, cp.stderr[-3000:])
    rerun = nbformat.read(tmp_path / "05.ipynb", as_version=4)
    errors = [o for c in rerun.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    shown = "".join(str(o.get("data", {}).get("text/html", "")) for c in rerun.cells for o in c.get("outputs", []))
    assert "完成率" in shown
