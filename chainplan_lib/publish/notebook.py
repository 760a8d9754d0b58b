"""Executed notebooks as every output format reads them: read one, apply its cell tags, keep what can be printed.

One preparation for the pages (:mod:`~chainplan_lib.publish.pages`), the PDF (:mod:`~chainplan_lib.publish.render`)
and the Word file (:mod:`~chainplan_lib.publish.docx`), as nbconvert's preprocessors are shared by its exporters.

Cell tags: ``remove-cell`` drops the cell, ``remove-input`` / ``hide-input`` its source, ``remove-output`` /
``hide-output`` its outputs, ``analyst-only`` keeps the cell for the analyst page only. A cell with an **error
output**, and papermill's error banner cells, are never removed or emptied by tags: a failing notebook's rendering
shows the failure.

The title of a page comes from the notebook itself (as Quarto takes it from front matter): ``metadata.title``,
else its first level-1 heading (:func:`title`).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from ..errors import ChainplanError

__all__ = ["REMOVE_CELL_TAGS", "REMOVE_INPUT_TAGS", "REMOVE_OUTPUT_TAGS", "ANALYST_ONLY_TAG", "PAPERMILL_ERROR_TAG",
           "read", "tags", "has_error", "printable_output", "prepare", "drop_analyst_only", "title",
           "carries_notice"]

REMOVE_CELL_TAGS = frozenset({"remove-cell", "remove_cell", "hide-cell"})
REMOVE_INPUT_TAGS = frozenset({"remove-input", "remove_input", "hide-input"})
REMOVE_OUTPUT_TAGS = frozenset({"remove-output", "remove_output", "hide-output"})
ANALYST_ONLY_TAG = "analyst-only"
PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"

# mime types a PDF cannot show (scripts, widgets): dropped so nbconvert falls back to HTML/PNG/text
_NON_PRINTABLE = ("application/javascript", "application/vnd.jupyter.widget-view+json",
                  "application/vnd.jupyter.widget-state+json", "text/vnd.plotly.v1+html")
# text/plain-only results that are just object reprs ("[<matplotlib.lines.Line2D at 0x7f…>]", "Text(0.5, …)")
_REPR_NOISE = re.compile(r"^\s*(\[\s*)?(<[\w.]+( object)? at 0x[0-9a-fA-F]+>|Text\(|<Figure size |<Axes)")
_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)
_NOTICE = re.compile(r"""class\s*=\s*["'][^"']*\bsynthetic-notice\b""")


def read(path: str | Path):
    """An ``.ipynb`` file as a notebook (nbformat v4); one-line :class:`ChainplanError` if it is not one."""
    import nbformat

    p = Path(path)
    if not p.is_file():
        raise ChainplanError(f"{p}: notebook not found")
    try:
        return nbformat.read(str(p), as_version=4)
    except Exception as exc:  # nbformat raises a variety of JSON/validation errors
        raise ChainplanError(f"{p}: not a readable notebook ({type(exc).__name__}: {_first_line(exc)})") from None


def _first_line(exc: BaseException) -> str:
    return next((ln.strip() for ln in str(exc).splitlines() if ln.strip()), "")[:200]


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []) or [])


def has_error(cell) -> bool:
    return cell.get("cell_type") == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", []))


def printable_output(out) -> bool:
    """Filter one output for print (PDF, Word): no stderr, no scripts/widgets, no bare object reprs."""
    kind = out.get("output_type")
    if kind == "stream":
        return out.get("name") != "stderr"
    if kind in ("display_data", "execute_result"):
        data = out.get("data", {})
        for mime in _NON_PRINTABLE:
            data.pop(mime, None)
        if not data:
            return False
        if set(data) == {"text/plain"}:
            text = data["text/plain"]
            text = "".join(text) if isinstance(text, list) else text
            return not _REPR_NOISE.match(text)
        return True
    return True  # errors


def prepare(nb, *, for_print: bool = False, drop_stderr: bool = False):
    """A copy of ``nb`` with the tag rules applied (errors always stay visible); ``for_print`` also keeps only
    printable outputs and drops cells left without any; ``drop_stderr`` drops stderr streams."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        cell_tags = tags(cell)
        protected = has_error(cell) or PAPERMILL_ERROR_TAG in cell_tags
        if not protected:
            if cell_tags & REMOVE_CELL_TAGS:
                continue
            if cell_tags & REMOVE_INPUT_TAGS:
                if cell.cell_type != "code":
                    continue  # a markdown/raw cell's input is all it has
                cell.metadata["transient"] = {"remove_source": True}
            if cell.cell_type == "code" and cell_tags & REMOVE_OUTPUT_TAGS:
                cell.outputs = []
        if cell.cell_type == "code":
            if for_print and not protected:
                cell.outputs = [o for o in cell.outputs if printable_output(o)]
            elif drop_stderr and not protected:
                cell.outputs = [o for o in cell.outputs
                                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            if for_print and not cell.outputs:
                continue  # nothing to show; an empty block would only add space
        cells.append(cell)
    nb.cells = cells
    return nb


def drop_analyst_only(nb, *, keep: bool):
    """Cells tagged ``analyst-only`` appear in the analyst page (code shown) only; ``keep=False`` drops them
    (a cell with an error stays)."""
    if not keep:
        nb.cells = [c for c in nb.cells if ANALYST_ONLY_TAG not in tags(c) or has_error(c)]
    return nb


def title(nb, default: str) -> str:
    """A notebook's title: ``metadata.title`` (jupytext front matter or the notebook's metadata), else the text
    of its first level-1 markdown heading (``# 增长：…``), else ``default``."""
    meta: Any = nb.get("metadata", {}).get("title")
    if isinstance(meta, str) and meta.strip():
        return meta.strip()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        src = cell.get("source", "")
        m = _H1.search("".join(src) if isinstance(src, list) else src)
        if m:
            return re.sub(r"[*_`]", "", m.group(1)).strip()
    return default


def carries_notice(fragment: str) -> bool:
    """Whether HTML output carries the synthetic-data notice block (``class="synthetic-notice"``)."""
    return bool(_NOTICE.search(fragment))
