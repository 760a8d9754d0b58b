"""The briefing as a PDF (Chinese, A4, page x of y, running title): executed notebook → HTML → WeasyPrint.

:func:`notebook_to_pdf` — the notebook's *outputs* (markdown cells, HTML tables, charts, text; prepared for print
by :mod:`chainplan_lib.publish.notebook`), its body made by :func:`chainplan_lib.publish.pages.notebook_body`,
wrapped in ``templates/briefing.html`` with ``templates/briefing.css`` and converted by WeasyPrint
(:func:`html_to_pdf`). No LaTeX, no browser. A markdown cell ending in a heading is marked so the PDF keeps it
with what follows.

Fonts: :func:`html_to_pdf` calls :func:`chainplan_lib.publish.fonts.configure_fontconfig` (which sets
``FONTCONFIG_FILE`` for the process) *before* importing WeasyPrint, so WeasyPrint only sees the cached
pre-subset Noto Sans CJK SC; see :mod:`chainplan_lib.publish.fonts`. Do not ``import weasyprint`` yourself before
the first render in a process unless you called ``configure_fontconfig()`` first.

Checking PDFs: :func:`pdf_text` (pypdf) and :func:`pdf_page_images` (pypdfium2) — both dev dependencies,
imported lazily.
"""

from __future__ import annotations

import base64
import html as _html
import io
import logging
import os
import re
import string
from pathlib import Path
from typing import Any, Iterable, Sequence

from .. import __version__
from ..errors import ChainplanError
from ..files.atomic import write_atomic
from . import notebook
from .pages import notebook_body
from .shell import TEMPLATES

__all__ = [
    "SYNTHETIC_NOTICE", "synthetic_notice_html", "notebook_to_pdf", "html_to_pdf", "briefing_css", "pdf_text",
    "pdf_page_images", "pdf_fonts",
]

SYNTHETIC_NOTICE = "示例数据（合成，非真实统计）"
_log = logging.getLogger(__name__)


def synthetic_notice_html(text: str = SYNTHETIC_NOTICE) -> str:
    """The notice as a block a notebook can display (``IPython.display.HTML(...)``).

    In the PDF it is styled red, and its presence turns the per-page notice on even if the caller passed
    ``synthetic=False`` (the notebook knows its data best).
    """
    return f'<div class="synthetic-notice">{_html.escape(text)}</div>'


def _css_string(text: str) -> str:
    """A CSS string literal (double-quoted, escaped)."""
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    out = re.sub(r"[\r\n\f]+", " ", out)
    return f'"{out}"'


def briefing_css() -> str:
    """The briefing stylesheet (``templates/briefing.css``)."""
    path = TEMPLATES / "briefing.css"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ChainplanError(f"{path}: briefing stylesheet missing ({exc}); reinstall chainplan") from exc


def _page_css(title: str, subtitle: str | None, synthetic: bool, footer_note: str | None) -> str:
    header = title if not subtitle else f"{title}　{subtitle}"
    rules = [f"@top-left {{ content: {_css_string(header)}; }}"]
    if synthetic:
        rules.append(f"@top-right {{ content: {_css_string(SYNTHETIC_NOTICE)}; color: #c62828; "
                     "font-size: 9.5pt; }")
    if footer_note:
        rules.append(f"@bottom-left {{ content: {_css_string(footer_note)}; }}")
    return "@page {\n  " + "\n  ".join(rules) + "\n}\n"


# -------------------------------------------------------------------------------------------------- PDF
_INLINE_SVG = re.compile(r"<svg\b[^>]*>.*?</svg>", re.S)


def _svg_as_image(match: re.Match) -> str:
    """An inline chart SVG as an ``<img>`` of the same SVG (data: URI, alt = its aria-label). WeasyPrint draws it
    with the same SVG renderer and fonts (the pages come out pixel-identical), but does not run the document's
    CSS cascade over every node of every chart: a third less time for a briefing with three charts."""
    svg = match.group(0)
    tag = svg[: svg.index(">") + 1]
    if "xmlns=" not in tag:
        svg = svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
    alt = re.search(r'aria-label="([^"]*)"', tag)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img class="chart-svg" src="data:image/svg+xml;base64,{data}" alt="{alt.group(1) if alt else ""}">'


def _briefing_html(nb, *, title: str, subtitle: str | None, synthetic: bool, footer_note: str | None,
                   base_path: Path) -> tuple[str, bool]:
    nb = notebook.drop_analyst_only(nb, keep=False)
    body = _INLINE_SVG.sub(_svg_as_image, notebook_body(nb, title=title, base_path=base_path))
    synthetic = synthetic or notebook.carries_notice(body)
    page = string.Template((TEMPLATES / "briefing.html").read_text(encoding="utf-8"))
    doc = page.substitute(
        title=_html.escape(title), version=_html.escape(__version__), css=briefing_css(),
        page_css=_page_css(title, subtitle, synthetic, footer_note),
        body_class="synthetic" if synthetic else "", body=body)
    return doc, synthetic


def notebook_to_pdf(ipynb_path: str | Path, pdf_path: str | Path, *, title: str, subtitle: str | None = None,
                    synthetic: bool = False, footer_note: str | None = None,
                    html_path: str | Path | None = None, full_fonts: bool = False) -> Path:
    """An executed notebook's outputs → the briefing PDF (A4, Chinese, page x of y, running title).

    Only outputs are shown: markdown cells, HTML tables, PNG charts, text (no code, no prompts, no stderr);
    error outputs stay. ``synthetic=True`` — or a ``synthetic-notice`` block in the notebook's own output,
    see :func:`synthetic_notice_html` — puts the red notice 「示例数据（合成，非真实统计）」 at the top of every
    page. ``footer_note`` goes bottom-left. ``html_path`` also saves the intermediate HTML (for debugging);
    ``full_fonts``: see :func:`html_to_pdf`.
    Written atomically; returns the path.
    """
    src = Path(ipynb_path)
    nb = notebook.prepare(notebook.read(src), for_print=True)
    try:
        doc, _ = _briefing_html(nb, title=title, subtitle=subtitle, synthetic=synthetic,
                                footer_note=footer_note, base_path=src.parent.resolve())
    except ChainplanError:
        raise
    except Exception as exc:
        raise ChainplanError(f"{src}: HTML conversion for the PDF failed ({type(exc).__name__}: {exc})") from exc
    if html_path is not None:
        write_atomic(html_path, doc)
    return html_to_pdf(doc, pdf_path, base_url=src.parent.resolve().as_uri() + "/", full_fonts=full_fonts)


class _QuietFontToolsNotice(logging.Filter):
    """WeasyPrint warns on every PDF that it subsets with fontTools (no HarfBuzz-subset here): expected."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "instead of HarfBuzz-Subset" not in str(record.msg)


_weasy_ready = False


def _weasyprint():
    """Import WeasyPrint with fontconfig already pointed at our font folder (the order matters)."""
    global _weasy_ready
    from . import fonts

    fonts.configure_fontconfig()  # every call: cheap, and re-asserts FONTCONFIG_FILE if someone changed it
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango/HarfBuzz shared libraries missing
        raise ChainplanError(f"WeasyPrint is not usable ({type(exc).__name__}: {exc}); it needs the Pango "
                             "system libraries (see the WeasyPrint installation docs)") from exc
    if not _weasy_ready:
        logging.getLogger("weasyprint").addFilter(_QuietFontToolsNotice())
        _weasy_ready = True
    return weasyprint


def _file_roots(base_url: str | None) -> list[Path]:
    """Folders a report may read files from: its own (the folder of `base_url`) and the font cache."""
    from urllib.parse import unquote, urlsplit

    from . import fonts

    roots = [fonts.cache_dir().resolve()]
    if base_url and base_url.lower().startswith("file:"):
        path = Path(unquote(urlsplit(base_url).path))
        roots.append((path if base_url.endswith("/") else path.parent).resolve())
    return roots


def _allowed_file(url: str, roots: Sequence[Path]) -> bool:
    """A file: URL whose real path (symlinks and '..' resolved, %-escapes decoded) is inside one of `roots`."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return False
    real = Path(os.path.realpath(unquote(parts.path)))
    return any(real == r or r in real.parents for r in roots)


def _url_fetcher(weasyprint, roots: Sequence[Path] = ()):
    """Only ``data:`` URIs and ``file:`` URLs inside `roots` (the report's own folder, the font cache): a
    report never embeds a local file from elsewhere (``<link rel=attachment href=../../etc/hostname>``)
    and never touches the network. Anything else is refused (WeasyPrint logs it and skips the resource)."""
    roots = [Path(r).resolve() for r in roots]

    def check(url: str) -> None:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return
        if scheme == "file" and _allowed_file(url, roots):
            return
        raise ValueError(f"not fetching {url[:120]!r}: reports use only data: URIs and their own files")

    if hasattr(weasyprint, "URLFetcher"):  # WeasyPrint >= 70: a class

        class _LocalOnly(weasyprint.URLFetcher):
            def fetch(self, url, headers=None):
                check(url)
                return super().fetch(url, headers)

        return _LocalOnly(allowed_protocols=("data", "file"), timeout=5, allow_redirects=False)
    default = weasyprint.default_url_fetcher  # WeasyPrint < 70: a function

    def fetch(url: str, *args: Any, **kwargs: Any):
        check(url)
        return default(url, *args, **kwargs)

    return fetch


# Han ideographs (URO, Ext. A, compatibility, Ext. B–H): a missing one becomes 〓 (U+3013, the geta mark that
# Chinese typesetting uses for a character the font lacks) instead of a .notdef box, which would also make
# WeasyPrint switch the font to a custom encoding that pypdf cannot extract text from.
_HAN = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))
GETA = "\u3013"


def _is_han(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _HAN)


def _font_coverage(doc: str) -> tuple[str, str]:
    """Return (``@font-face`` CSS for the supplement font or "", the document with uncoverable hanzi as 〓)."""
    from . import fonts

    chars = {c for c in set(doc) if ord(c) > 0x7E}  # set() first: the document is mostly base64 images
    path, covered = fonts.supplement_font_path(chars)
    have = fonts.subset_codepoints()
    missing = sorted(ch for ch in chars - set(covered)
                     if ord(ch) not in have and ch.isprintable() and not ch.isspace())
    if missing:
        han = [ch for ch in missing if _is_han(ch)]
        _log.warning("no glyph in Noto Sans CJK SC for %d character(s): %s%s", len(missing), "".join(missing[:40]),
                     f" (hanzi shown as {GETA})" if han else "")
        if han:
            doc = doc.translate({ord(ch): GETA for ch in han})
    if path is None:
        return "", doc
    _log.info("supplement font for %d rare character(s): %s", len(covered), covered[:40])
    return f"@font-face {{ font-family: '{fonts.SUPPLEMENT_FAMILY}'; src: url({_css_string(path.as_uri())}); }}", doc


def html_to_pdf(html: str, pdf_path: str | Path, *, base_url: str | None = None,
                stylesheets: Sequence[str | os.PathLike | Any] | None = None, full_fonts: bool = False) -> Path:
    """HTML text → PDF with WeasyPrint, Chinese through the cached Noto subset. Written atomically.

    ``stylesheets``: extra CSS, each a path (file), a ``weasyprint.CSS``, or a string of CSS text.
    Resources are fetched only from ``data:`` URIs and files inside the folder of ``base_url`` and the font
    cache (see :func:`_url_fetcher`): nothing from elsewhere on disk, nothing from the network.
    ``full_fonts=False`` (default) lets WeasyPrint subset the pre-subset font to the glyphs the document uses
    (a 3-page briefing: ~0.2 MB, a fraction of a second more); True embeds the whole pre-subset font (~2 MB).
    """
    weasyprint = _weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()  # @font-face rules in extra stylesheets need it passed explicitly
    fetcher = _url_fetcher(weasyprint, _file_roots(base_url))
    sheets: list[Any] = []
    face, html = _font_coverage(html)
    if face:
        sheets.append(weasyprint.CSS(string=face, font_config=font_config, url_fetcher=fetcher))
    for s in stylesheets or ():
        if isinstance(s, weasyprint.CSS):
            sheets.append(s)
        elif isinstance(s, os.PathLike):
            sheets.append(weasyprint.CSS(filename=os.fspath(s), font_config=font_config, url_fetcher=fetcher))
        else:
            sheets.append(weasyprint.CSS(string=str(s), font_config=font_config, url_fetcher=fetcher))
    try:
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        data = document.write_pdf(stylesheets=sheets or None, font_config=font_config, full_fonts=full_fonts)
    except Exception as exc:
        raise ChainplanError(f"{pdf_path}: PDF rendering failed ({type(exc).__name__}: {exc})") from exc
    return write_atomic(pdf_path, data)


# -------------------------------------------------------------------------------------------- checking
def pdf_text(pdf_path: str | Path) -> list[str]:
    """The text of each page (pypdf), for tests and the batch's checks."""
    try:
        from pypdf import PdfReader
    except ImportError as exc:
        raise ChainplanError("pdf_text needs pypdf (a dev dependency): pip install -e '.[dev]'") from exc
    reader = PdfReader(str(pdf_path))
    return [page.extract_text() or "" for page in reader.pages]


def pdf_fonts(pdf_path: str | Path) -> set[str]:
    """BaseFont names used on the PDF's pages, subset prefix removed (e.g. ``Noto-Sans-CJK-SC``)."""
    try:
        from pypdf import PdfReader
    except ImportError as exc:
        raise ChainplanError("pdf_fonts needs pypdf (a dev dependency): pip install -e '.[dev]'") from exc
    names: set[str] = set()
    for page in PdfReader(str(pdf_path)).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        fonts = fonts.get_object() if hasattr(fonts, "get_object") else fonts
        for ref in fonts.values():
            base = str(ref.get_object().get("/BaseFont", "")).lstrip("/")
            names.add(base.split("+", 1)[-1])
    return names


def pdf_page_images(pdf_path: str | Path, out_dir: str | Path, scale: float = 1.0,
                    pages: Iterable[int] | None = None) -> list[Path]:
    """Render pages to PNG with pypdfium2 (``scale=1`` is 72 dpi); returns the files, ``<stem>-pNN.png``."""
    try:
        import pypdfium2 as pdfium
    except ImportError as exc:
        raise ChainplanError("pdf_page_images needs pypdfium2 (a dev dependency): pip install -e '.[dev]'") from exc
    src = Path(pdf_path)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    doc = pdfium.PdfDocument(str(src))
    written: list[Path] = []
    try:
        wanted = range(len(doc)) if pages is None else list(pages)
        for i in wanted:
            page = doc[i]
            try:
                image = page.render(scale=scale).to_pil()
            finally:
                page.close()
            target = out / f"{src.stem}-p{i + 1:02d}.png"
            buf = io.BytesIO()
            image.save(buf, format="PNG")
            write_atomic(target, buf.getvalue())
            written.append(target)
    finally:
        doc.close()
    return written
