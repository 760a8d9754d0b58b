"""Output formats, registered by name (as papermill registers its engines): what one executed notebook becomes.

=========  =================================  ===========================================================
name       file in the report                 made by
=========  =================================  ===========================================================
html       ``html/<stem>.html``               the page for policy staff, code hidden (:mod:`.pages`)
analyst    ``analyst/<stem>.html``            the same page with each cell's code folded (:mod:`.pages`)
pdf        ``<stem>-<year>.pdf``              the briefing as PDF (:mod:`.render`)
docx       ``<stem>-<year>.docx``             the briefing as an editable Word file (:mod:`.docx`)
=========  =================================  ===========================================================

The registry is the module's only state: :func:`register` adds a format, :func:`get` finds one by name,
:func:`formats_for` says which formats a notebook gets — its metadata's ``chainplan.formats`` if it names them,
else every format for the briefing and the two pages for the others. The batch and ``chainplan run`` render
through :func:`render`, in the worker that executed the notebook. Print formats (PDF, Word) are made only from a
notebook that ran without error.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from ..errors import ChainplanError
from .site import ANALYST_DIR, POLICY_DIR, Site, bar_html

__all__ = ["RenderJob", "Format", "register", "get", "names", "formats_for", "render", "print_file", "PAGES",
           "BRIEFING"]

PAGES = ("html", "analyst")
BRIEFING = ("html", "analyst", "pdf", "docx")


@dataclass(frozen=True)
class RenderJob:
    """One executed notebook to render: where it is, where its report is, and what its pages say."""

    stem: str
    executed: str            # the executed .ipynb (absolute)
    root: str                # the report folder the outputs go into (absolute)
    title: str
    year: int | None         # the year reported (names the PDF and Word file); None when not known
    site: Site
    synthetic: bool = False


def print_file(stem: str, year: int | None, ext: str) -> str:
    """The name of a print format's file: ``briefing-2024.pdf`` (``briefing.pdf`` without a year)."""
    return f"{stem}-{year}.{ext}" if year else f"{stem}.{ext}"


@dataclass(frozen=True)
class Format:
    """A named output format: where its file goes in the report (``path``, relative) and how it is made."""

    name: str
    path: Callable[[RenderJob], str]
    make: Callable[[RenderJob, Path], Any]
    needs_success: bool = False      # made only from a notebook that ran without error (print formats)


_REGISTRY: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add ``fmt`` to the registry under its name (a later one replaces an earlier one of the same name)."""
    _REGISTRY[fmt.name] = fmt
    return fmt


def get(name: str) -> Format:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ChainplanError(f"no output format {name!r}; known: {', '.join(_REGISTRY)}") from None


def names() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def formats_for(stem: str, metadata: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    """The formats a notebook gets: ``metadata["chainplan"]["formats"]`` when the notebook names them, else all
    four for the briefing and the two pages for every other notebook."""
    named = ((metadata or {}).get("chainplan") or {}).get("formats")
    if isinstance(named, (list, tuple)) and named:
        for n in named:
            get(str(n))
        return tuple(str(n) for n in named)
    return BRIEFING if stem == "briefing" else PAGES


def render(job: RenderJob, wanted: tuple[str, ...], ok: bool) -> dict[str, Any]:
    """Render ``job`` to each format in ``wanted`` (print formats only when ``ok``): the outputs made (name →
    path in the report), the first error as one line, and seconds spent on pages and on print formats."""
    outputs: dict[str, str] = {}
    error = None
    seconds = {"seconds_render": 0.0, "seconds_pdf": 0.0}
    for name in wanted:
        fmt = get(name)
        if fmt.needs_success and not ok:
            continue
        t0 = time.perf_counter()
        rel = fmt.path(job)
        try:
            fmt.make(job, Path(job.root) / rel)
            outputs[name] = rel
        except Exception as exc:
            error = error or f"rendering {name} failed: {type(exc).__name__}: {_first_line(exc)}"
        seconds["seconds_pdf" if fmt.needs_success else "seconds_render"] += time.perf_counter() - t0
    return {"outputs": outputs, "render_error": error, **seconds}


def _first_line(exc: BaseException) -> str:
    return next((ln.strip() for ln in str(exc).splitlines() if ln.strip()), "")[:300]


# ------------------------------------------------------------------------------------------ the four formats
def _policy(job: RenderJob, out: Path) -> Path:
    from .pages import notebook_to_html

    return notebook_to_html(job.executed, out, title=job.title, bar=bar_html(job.site, job.stem, "policy"),
                            synthetic=job.synthetic)


def _analyst(job: RenderJob, out: Path) -> Path:
    from .pages import notebook_to_html

    return notebook_to_html(job.executed, out, title=f"{job.title}（含代码）", hide_code=False, drop_stderr=True,
                            bar=bar_html(job.site, job.stem, "analyst"), synthetic=job.synthetic)


def _pdf(job: RenderJob, out: Path) -> Path:
    from .render import notebook_to_pdf

    return notebook_to_pdf(job.executed, out, title=job.title, synthetic=job.synthetic)


def _docx(job: RenderJob, out: Path) -> Path:
    from .docx import notebook_to_docx

    return notebook_to_docx(job.executed, out, title=job.title, synthetic=job.synthetic)


register(Format("html", lambda j: f"{POLICY_DIR}/{j.stem}.html", _policy))
register(Format("analyst", lambda j: f"{ANALYST_DIR}/{j.stem}.html", _analyst))
register(Format("pdf", lambda j: print_file(j.stem, j.year, "pdf"), _pdf, needs_success=True))
register(Format("docx", lambda j: print_file(j.stem, j.year, "docx"), _docx, needs_success=True))
