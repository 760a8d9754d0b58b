"""The charts' look: Noto Sans CJK SC (SIL OFL 1.1, from the ``mplfonts`` wheel; never its SimHei) registered with
matplotlib, and seaborn's whitegrid theme written out as matplotlib rc.

:func:`setup_matplotlib` registers the OTF with matplotlib's font manager (not persisted, so it runs in every
process; it is idempotent and cheap after the first call), puts the family first in ``font.sans-serif`` and turns
``axes.unicode_minus`` off (tick labels use the ASCII hyphen-minus, which every font has — with CJK fonts lacking
U+2212 the minus would be a missing glyph — and which matches the numbers in the tables). :func:`apply_theme` sets
the charts' look and then :func:`setup_matplotlib`; importing :mod:`chainplan_lib.present.figures` applies it.
Keep figures SVG or PNG: matplotlib cannot embed this CFF-flavoured OTF in PDF/PS output.
"""

from __future__ import annotations

import threading
from pathlib import Path

from ..errors import ChainplanError

__all__ = ["FONT_FAMILY", "cjk_font_path", "setup_matplotlib", "apply_theme", "THEME_RC", "DEEP"]

FONT_FAMILY = "Noto Sans CJK SC"
_FONT_FILE = "NotoSansCJKsc-Regular.otf"
_lock = threading.Lock()        # matplotlib registration


# --------------------------------------------------------------------------------------------- source font
def cjk_font_path() -> Path:
    """The Noto Sans CJK SC OTF shipped in the ``mplfonts`` wheel (never its SimHei)."""
    try:
        import mplfonts
    except ImportError as exc:  # pragma: no cover - mplfonts is a hard dependency
        raise ChainplanError(
            "mplfonts is not installed: it provides the Chinese font (Noto Sans CJK SC) for charts and "
            "the briefing PDF; install the project's dependencies (pip install -e .)") from exc
    path = Path(mplfonts.__file__).resolve().parent / "fonts" / _FONT_FILE
    if not path.is_file():
        raise ChainplanError(
            f"{path}: Chinese font missing. The mplfonts wheel should ship {_FONT_FILE} (Noto Sans CJK SC, "
            "SIL OFL); reinstall mplfonts (pip install --force-reinstall mplfonts). Do not substitute SimHei: "
            "its licence forbids redistributing it in reports.")
    return path


# ------------------------------------------------------------------------------------------------ matplotlib
_mpl_registered: str | None = None


def setup_matplotlib() -> str:
    """Register Noto Sans CJK SC with matplotlib and make it the sans-serif font. Idempotent; returns the family.

    Sets ``font.family = sans-serif``, ``font.sans-serif = [Noto Sans CJK SC, DejaVu Sans, ...]``,
    ``axes.unicode_minus = False`` and 150 dpi for figures and saved PNGs.
    """
    global _mpl_registered
    import matplotlib as mpl
    from matplotlib import font_manager

    path = str(cjk_font_path())
    with _lock:
        if _mpl_registered != path:
            if not any(getattr(e, "fname", None) == path for e in font_manager.fontManager.ttflist):
                font_manager.fontManager.addfont(path)  # also clears matplotlib's findfont memo
            _mpl_registered = path
    rc = mpl.rcParams
    rest = [f for f in rc["font.sans-serif"] if f != FONT_FAMILY]
    rc["font.family"] = ["sans-serif"]
    rc["font.sans-serif"] = [FONT_FAMILY, *(f for f in ("DejaVu Sans",) if f not in rest), *rest]
    rc["axes.unicode_minus"] = False
    rc["figure.dpi"] = 150
    rc["savefig.dpi"] = 150
    rc["pdf.fonttype"] = 42  # should someone save a PDF anyway: TrueType, not Type 3
    return FONT_FAMILY


# seaborn 0.13's ``set_theme(context="notebook", style="whitegrid", palette="deep")``, written out as matplotlib rc
# (every key those three set, with the values they set; the fonts come from setup_matplotlib): the charts look
# exactly as they did with seaborn, without importing seaborn (and, through it, scipy.stats) in every kernel.
DEEP = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C", "#CCB974", "#64B5CD")
THEME_RC = {
    # style "whitegrid"
    "figure.facecolor": "white", "axes.facecolor": "white", "axes.edgecolor": ".8", "axes.grid": True,
    "axes.axisbelow": True, "axes.labelcolor": ".15", "text.color": ".15", "grid.color": ".8", "grid.linestyle": "-",
    "xtick.color": ".15", "ytick.color": ".15", "xtick.direction": "out", "ytick.direction": "out",
    "xtick.top": False, "ytick.right": False, "xtick.bottom": False, "ytick.left": False,
    "axes.spines.left": True, "axes.spines.bottom": True, "axes.spines.right": True, "axes.spines.top": True,
    "lines.solid_capstyle": "round", "patch.edgecolor": "w", "patch.force_edgecolor": True,
    # context "notebook" (font_scale 1)
    "axes.linewidth": 1.25, "grid.linewidth": 1.0, "lines.linewidth": 1.5, "lines.markersize": 6.0,
    "patch.linewidth": 1.0, "xtick.major.width": 1.25, "ytick.major.width": 1.25, "xtick.minor.width": 1.0,
    "ytick.minor.width": 1.0, "xtick.major.size": 6.0, "ytick.major.size": 6.0, "xtick.minor.size": 4.0,
    "ytick.minor.size": 4.0, "font.size": 12.0, "axes.labelsize": 12.0, "axes.titlesize": 12.0,
    "xtick.labelsize": 11.0, "ytick.labelsize": 11.0, "legend.fontsize": 11.0, "legend.title_fontsize": 12.0,
}


def apply_theme(rc: dict | None = None) -> str:
    """The charts' theme (seaborn's whitegrid / notebook / deep look, see :data:`THEME_RC`, set as plain
    matplotlib rc) then :func:`setup_matplotlib`. ``rc``: extra rc settings on top.

    Returns the font family. Call once at the top of a notebook; calling it again is cheap.
    """
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(THEME_RC)
    mpl.rcParams["axes.prop_cycle"] = cycler(color=list(DEEP))
    if rc:
        mpl.rcParams.update(rc)
    return setup_matplotlib()
