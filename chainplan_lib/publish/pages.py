"""Executed notebooks → web pages: for policy staff (code hidden) and for analysts (each cell's code folded
under its outputs).

The body goes through the project's nbconvert template (``templates/nbconvert/chainplan``, based on ``basic``: a
body fragment, no JupyterLab CSS, no require.js or MathJax from a CDN): SVG charts inlined with their Chinese alt
text, PNGs with theirs, numbers in tables right-aligned, no ¶ anchors. The page around it is
:func:`chainplan_lib.publish.shell.page_html`; the cells shown follow :mod:`chainplan_lib.publish.notebook`.
"""

from __future__ import annotations

import html as _html
import re
from pathlib import Path
from typing import Any

from ..errors import ChainplanError
from ..files.atomic import write_atomic
from . import notebook
from .shell import TEMPLATES, page_html

__all__ = ["notebook_body", "notebook_to_html", "prepare_exporters", "mark_numeric_cells"]

NBCONVERT_TEMPLATES = TEMPLATES / "nbconvert"
_ANCHOR = re.compile(r'<a class="anchor-link" href="[^"]*">[^<]*</a>')
_NUM_CELL = re.compile(r"<td(\s[^>]*)?>([^<]*)</td>", re.IGNORECASE)
_NUMBER = re.compile(
    r"^[(（]?[-+−–]?\s*[¥￥$€]?\s*(\d[\d,，\s]*(\.\d+)?|\.\d+)([eE][-+]?\d+)?\s*"
    r"(%|％|‰|pp|个百分点|亿元|万元|元|亿|万|倍|家|户|个|人|吨|年)?[)）]?$")
_MISSING = {"—", "–", "-", "－", "…", "nan", "NaN", "<NA>", "None", "NaT", "n/a", "N/A"}
_EXPORTERS: dict[bool, Any] = {}


def mark_numeric_cells(body: str) -> str:
    """Add class="num" to table cells holding a number (or a missing-value mark) so CSS right-aligns them."""
    def repl(m: re.Match) -> str:
        attrs, content = m.group(1) or "", m.group(2)
        text = _html.unescape(content).strip()
        if not text or not (_NUMBER.match(text) or text in _MISSING):
            return m.group(0)
        cls = re.search(r"""\bclass\s*=\s*(["'])(.*?)\1""", attrs, re.IGNORECASE)
        if cls:
            attrs = attrs[:cls.start(2)] + "num " + attrs[cls.start(2):]
        else:
            attrs += ' class="num"'
        return f"<td{attrs}>{content}</td>"

    return _NUM_CELL.sub(repl, body)


def _exporter(*, show_code: bool):
    """The project's HTML exporter, one per process and per ``show_code``: its Jinja templates are compiled on
    first use and kept (compiling them took ~0.5 s of every render)."""
    cached = _EXPORTERS.get(show_code)
    if cached is not None:
        return cached
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML

    class Exporter(HTMLExporter):
        """HTMLExporter without its BeautifulSoup pass, which re-serialises inline SVG (``viewBox`` becomes
        ``viewbox``) and gives images an English placeholder alt text; our template writes Chinese alt texts."""

        def from_notebook_node(self, nb, resources=None, **kw):
            info = nb.metadata.get("language_info", {})
            lexer = info.get("pygments_lexer", info.get("name", None))
            self.register_filter("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            return TemplateExporter.from_notebook_node(self, nb, self._init_resources(resources), **kw)

    exporter = Exporter(template_name="chainplan", extra_template_basedirs=[str(NBCONVERT_TEMPLATES)],
                        exclude_input=not show_code, exclude_input_prompt=True, exclude_output_prompt=True,
                        embed_images=True)
    _EXPORTERS[show_code] = exporter
    return exporter


def prepare_exporters() -> None:
    """Import nbconvert and compile both exporters' templates now (a batch worker does this while the batch
    cleans, so its first page does not pay for it)."""
    for show_code in (False, True):
        _exporter(show_code=show_code).template


def notebook_body(nb, *, title: str, base_path: Path, fold_code: bool = False) -> str:
    """A prepared notebook → an HTML body fragment (project template: inline SVG charts with alt text, code
    folded under each output when ``fold_code``, numbers right-aligned, no ¶ anchor links)."""
    resources = {"metadata": {"name": title, "path": str(base_path)}, "chainplan": {"fold": fold_code}}
    body, _ = _exporter(show_code=fold_code).from_notebook_node(nb, resources=resources)
    return mark_numeric_cells(_ANCHOR.sub("", body))


def notebook_to_html(ipynb_path: str | Path, html_path: str | Path, *, title: str | None = None,
                     hide_code: bool = True, drop_stderr: bool = False, bar: str = "",
                     synthetic: bool = False) -> Path:
    """An executed notebook → one self-contained HTML page (no network, embedded subset WOFF2 font).

    ``hide_code`` (policy staff): outputs only. ``hide_code=False`` (analysts): each code cell's source folded
    under its outputs (click 显示代码), and cells tagged ``analyst-only`` kept. Tags are honoured (see
    :mod:`~chainplan_lib.publish.notebook`); errors and papermill's error banner stay visible. ``bar`` is the
    site's header bar HTML (:func:`chainplan_lib.publish.site.bar_html`). Written atomically; returns the path.
    """
    src = Path(ipynb_path)
    nb = notebook.prepare(notebook.read(src), drop_stderr=drop_stderr or hide_code)
    nb = notebook.drop_analyst_only(nb, keep=not hide_code)
    try:
        body = notebook_body(nb, title=title or src.stem, base_path=src.parent.resolve(), fold_code=not hide_code)
    except Exception as exc:
        raise ChainplanError(f"{src}: HTML conversion failed ({type(exc).__name__}: {exc})") from exc
    # the footer flags synthetic data only on pages that show some (they say 示例数据 where they do)
    page = page_html(title or src.stem, body, bar=bar, code=not hide_code,
                     synthetic=notebook.carries_notice(body) or (synthetic and "示例数据" in body),
                     root=Path(html_path).resolve().parent.parent)
    return write_atomic(html_path, page)
