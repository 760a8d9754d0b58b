"""Chinese fonts for the briefing PDF (WeasyPrint via fontconfig) and the web pages (WOFF2 subsets).

One font family everywhere: **Noto Sans CJK SC** (SIL OFL 1.1), the copy shipped in the ``mplfonts`` wheel
(:func:`chainplan_lib.present.theme.cjk_font_path`; charts register it with matplotlib there).

WeasyPrint
    WeasyPrint finds fonts through fontconfig and subsets every face it embeds with fontTools (no
    HarfBuzz-subset here): on the 16 MB original that costs 8–9 s per face per PDF. So the font is
    pre-subset ONCE to the characters reports use (:func:`report_charset`: GB 2312 — symbols and hanzi
    levels 1+2 — plus ASCII, Latin-1, punctuation, full-width forms, units, arrows, maths symbols and the
    characters of our templates), cached on disk (:func:`subset_font_path`), and fontconfig is pointed at a
    folder holding only that file (:func:`fontconfig_file`, :func:`configure_fontconfig`). Characters
    outside the charset (rare hanzi in company or person names) are covered per document by a tiny
    *supplement* font (:func:`supplement_font_path`), which :mod:`chainplan_lib.publish.render` loads via
    ``@font-face``.

Cache
    ``$CHAINPLAN_CACHE`` if set, else ``$XDG_CACHE_HOME/chainplan``, else ``~/.cache/chainplan``::

        fonts/<key>/NotoSansCJKsc-Regular.otf   the pre-subset font (key: source SHA-256 + charset)
        fonts/supplement/<hash>.otf              per-document supplements (family "Chainplan CJK Supplement")
        fontconfig/fonts-<key>.conf              the FONTCONFIG_FILE we point WeasyPrint at
        fontconfig/cache/                        fontconfig's cache for our folder
        tmp/                                     temp files, renamed into place (atomic)

    Files are written to ``tmp/`` and ``os.replace``-d into place (:func:`chainplan_lib.files.atomic.write_atomic`),
    so a reader never sees half a font; two processes building at once serialise on a lock file (best effort;
    both results would be identical).

Web pages
    HTML pages embed their own font, so Chinese renders on machines without any CJK font: :func:`web_font`
    subsets the pre-subset Noto to the characters one page uses and compresses it as WOFF2 (cached under
    ``fonts/web/``); characters only the full font has come from a WOFF2 of the supplement. The page's
    ``@font-face`` names the family ``Noto Sans CJK SC``, so the SVG charts' text (kept as text) uses it too.

FONTCONFIG_FILE
    fontconfig reads ``FONTCONFIG_FILE`` whenever a configuration is loaded. WeasyPrint loads one when it
    is imported and (WeasyPrint 70, verified by a test) a fresh one for every document it renders. So call
    :func:`configure_fontconfig` before ``import weasyprint``, and in any case before rendering;
    :func:`chainplan_lib.publish.render.html_to_pdf` does both for you. It sets the variable for the whole process
    (and the processes it starts); the file includes the system ``/etc/fonts/fonts.conf``, so other
    fontconfig users keep working, and it rejects other copies of Noto CJK so the small file always wins.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import logging
import os
import threading
import time
import unicodedata
from pathlib import Path
from typing import Iterable, Iterator
from xml.sax.saxutils import escape as _xml_escape

from ..errors import ChainplanError
from ..files.atomic import write_atomic
from ..present.theme import FONT_FAMILY, cjk_font_path

__all__ = [
    "FONT_FAMILY", "SUPPLEMENT_FAMILY", "CHARSET_VERSION",
    "cjk_font_path",
    "cache_dir", "report_charset", "subset_font_path", "subset_codepoints",
    "source_codepoints", "supplement_font_path", "fontconfig_file", "configure_fontconfig", "web_font",
    "WebFont",
]

SUPPLEMENT_FAMILY = "Chainplan CJK Supplement"
#: Bump when :func:`report_charset` or the subsetting options change meaning (part of the cache key).
CHARSET_VERSION = 3
_SYSTEM_FONTS_CONF = Path("/etc/fonts/fonts.conf")
_TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

_build_mutex = threading.Lock()  # font builds (threads of one process; processes use a lock file)
_log = logging.getLogger(__name__)


# ------------------------------------------------------------------------------------------------ the cache
def cache_dir() -> Path:
    """``$CHAINPLAN_CACHE``, else ``$XDG_CACHE_HOME/chainplan``, else ``~/.cache/chainplan`` (created)."""
    env = os.environ.get("CHAINPLAN_CACHE")
    if env:
        root = Path(env).expanduser()
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        root = (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "chainplan"
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ChainplanError(f"{root}: cannot create the chainplan cache folder ({exc}); "
                             "set CHAINPLAN_CACHE to a writable folder") from exc
    return root.resolve()


@functools.lru_cache(maxsize=8)
def _sha256_cached(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _sha256(path: Path) -> str:
    st = path.stat()
    return _sha256_cached(str(path), st.st_size, st.st_mtime_ns)


@contextlib.contextmanager
def _build_lock(root: Path, name: str) -> Iterator[None]:
    """Inter-process lock (fcntl) so two processes don't both spend seconds building the same file."""
    lock_dir = root / "tmp"
    lock_dir.mkdir(parents=True, exist_ok=True)
    with _build_mutex, open(lock_dir / f"{name}.lock", "a+b") as fh:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no lock, os.replace still keeps files whole
            yield
            return
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# ---------------------------------------------------------------------------------------------- the charset
def _gb2312() -> set[str]:
    """All of GB 2312: rows 01–09 (symbols, full-width forms, kana, Greek, Cyrillic, box drawing) and
    rows 16–87 (hanzi level 1 + 2, 6763 characters)."""
    out: set[str] = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                out.add(bytes((hi, lo)).decode("gb2312"))
    return out


_RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: ¥ ° ± × ÷ · § ²
    (0x0391, 0x03C9),  # Greek
    (0x2000, 0x206F),  # general punctuation: — – ‘ ’ “ ” … ‰ ‱ ※ (Python's gb2312 maps A1AA to U+2015, not —)
    (0x2070, 0x209F),  # super/subscripts
    (0x20A0, 0x20CF),  # currency: €
    (0x2100, 0x214F),  # letterlike: ℃ № ™ ℉
    (0x2150, 0x218F),  # number forms: Ⅰ Ⅱ ⅰ ½
    (0x2190, 0x21FF),  # arrows: → ↑ ↓ ⇒
    (0x2200, 0x22FF),  # maths: ≤ ≥ ≈ ≠ ∑ √ ∞ −
    (0x2300, 0x23FF),  # misc technical
    (0x2460, 0x24FF),  # enclosed alphanumerics: ① ⑴ ⒈
    (0x2500, 0x25FF),  # box drawing, blocks, shapes: ■ □ ▲ △ ◆ ○ ●
    (0x2600, 0x27BF),  # misc symbols, dingbats: ★ ☆ ✓ ✔ ✗ (only those the font has)
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、。〈〉《》「」『』【】〔〕〖〗
    (0x30FB, 0x30FB),  # katakana middle dot ・
    (0x3200, 0x33FF),  # enclosed CJK (㈠ ㊣) and CJK compatibility units (㎡ ㎏ ㎞)
    (0xFE30, 0xFE6F),  # CJK compatibility and small form variants
    (0xFF00, 0xFFEF),  # full-width and half-width forms
)


def _template_chars() -> set[str]:
    """Every non-ASCII character in our templates (CSS content strings, page labels, notices)."""
    chars: set[str] = set()
    if _TEMPLATES_DIR.is_dir():
        for p in sorted(_TEMPLATES_DIR.rglob("*")):
            if p.is_file() and p.suffix in {".css", ".html", ".j2", ".txt"}:
                chars.update(c for c in p.read_text(encoding="utf-8") if ord(c) > 0x7E)
    # strings rendered by render.py (kept here too so the charset does not depend on importing render)
    chars.update("示例数据（合成，非真实统计）第页共：")
    return chars


@functools.lru_cache(maxsize=1)
def report_charset() -> str:
    """The characters the pre-subset font covers, as one sorted string (before intersecting with the font)."""
    chars = _gb2312()
    for lo, hi in _RANGES:
        chars.update(chr(c) for c in range(lo, hi + 1))
    chars |= _template_chars()
    # keep spaces (U+00A0, U+3000, …) and format characters too: only C0/C1 controls go
    return "".join(sorted(c for c in chars if unicodedata.category(c) != "Cc"))


def _subset_key(source: Path) -> str:
    charset_hash = hashlib.sha256(report_charset().encode("utf-8")).hexdigest()[:8]
    return f"noto-sc-{_sha256(source)[:12]}-cs{CHARSET_VERSION}-{charset_hash}"


def _subset_options(*, layout: bool):
    from fontTools import subset

    opts = subset.Options()
    opts.name_IDs = ["*"]          # keep every name: family (1, 16), copyright (0) and OFL licence (13, 14)
    opts.name_languages = ["*"]
    opts.name_legacy = True
    opts.notdef_outline = True     # a visible .notdef box rather than nothing
    opts.recalc_bounds = False
    opts.drop_tables += ["vhea", "vmtx", "VORG", "DSIG"]  # no vertical writing in reports
    # Only the horizontal features Pango may apply to SC text. The default list also keeps 'locl' and the
    # vertical/width alternates, which pulls in ~6 000 JP/KR/TC variant glyphs (3.5 MB instead of 2 MB).
    opts.layout_features = ["ccmp", "kern", "liga", "clig", "calt", "rlig", "mark", "mkmk"]
    # WeasyPrint desubroutinizes whatever it embeds; doing it once here makes its per-PDF subsetting
    # cheaper and this build faster (no unused-subroutine pruning).
    opts.desubroutinize = True
    if not layout:
        opts.layout_features = []
        opts.drop_tables += ["GSUB", "GPOS", "BASE"]
    return opts


def _load_source(source: Path):
    from fontTools.ttLib import TTFont

    # recalcBBoxes=False: recomputing the bounding box of thousands of CFF glyphs costs ~10 s for nothing
    return TTFont(str(source), lazy=True, recalcBBoxes=False)


def _build_subset(source: Path, codepoints: Iterable[int], *, layout: bool = True,
                  rename: str | None = None) -> bytes:
    import io

    from fontTools import subset

    font = _load_source(source)
    sub = subset.Subsetter(_subset_options(layout=layout))
    sub.populate(unicodes=sorted(set(codepoints)))
    sub.subset(font)
    if rename:
        _rename_family(font, rename)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def _rename_family(font, family: str) -> None:
    """Give a derived font its own family name (OFL: modified versions shouldn't pose as the original)."""
    ps = family.replace(" ", "")
    names = {1: family, 4: family, 6: ps, 16: family, 17: "Regular", 2: "Regular", 3: f"{ps};chainplan"}
    table = font["name"]
    for rec in list(table.names):
        if rec.nameID in (16, 17):
            table.removeNames(nameID=rec.nameID)
    for name_id, value in names.items():
        table.setName(value, name_id, 3, 1, 0x409)
        table.setName(value, name_id, 1, 0, 0)
    if "CFF " in font:
        cff = font["CFF "].cff
        top = cff[cff.fontNames[0]]
        cff.fontNames = [ps]
        with contextlib.suppress(Exception):
            top.FullName = family
            top.FamilyName = family


def subset_font_path() -> Path:
    """The cached pre-subset Noto Sans CJK SC (≈2 MB, ~8 800 glyphs), built on first use (~3–5 s).

    The file name is keyed by the source font's SHA-256 and the charset (version + hash), so a new mplfonts
    font or a changed charset builds a new file in a new folder; stale folders are harmless.
    """
    source = cjk_font_path()
    root = cache_dir()
    key = _subset_key(source)
    target = root / "fonts" / key / cjk_font_path().name
    if _valid_font_file(target):
        return target
    with _build_lock(root, key):
        if _valid_font_file(target):  # another process built it while we waited
            return target
        t0 = time.perf_counter()
        data = _build_subset(source, (ord(c) for c in report_charset()), layout=True)
        write_atomic(target, data, tmp_dir=root / "tmp")
        _log.info("built %s (%d bytes) in %.1f s", target, len(data), time.perf_counter() - t0)
    return target


def _valid_font_file(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) in (b"OTTO", b"\x00\x01\x00\x00")
    except OSError:
        return False


@functools.lru_cache(maxsize=4)
def _cmap_of(path: str, size: int, mtime_ns: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def subset_codepoints() -> frozenset[int]:
    """Code points the pre-subset font really has (the charset ∩ the source font's cmap)."""
    p = subset_font_path()
    st = p.stat()
    return _cmap_of(str(p), st.st_size, st.st_mtime_ns)


def source_codepoints() -> frozenset[int]:
    """Code points of the full source font."""
    p = cjk_font_path()
    st = p.stat()
    return _cmap_of(str(p), st.st_size, st.st_mtime_ns)


def supplement_font_path(chars: Iterable[str]) -> tuple[Path | None, str]:
    """A tiny font (family :data:`SUPPLEMENT_FAMILY`) for characters the pre-subset font lacks.

    Takes any characters; keeps those that the subset lacks but the full Noto font has, builds (or reuses,
    keyed by the character set) a font with just those glyphs (~0.3 s), and returns ``(path, chars)``.
    Returns ``(None, "")`` when nothing is needed.
    """
    have = subset_codepoints()
    full = source_codepoints()
    need = sorted(({ord(c) for c in chars if ord(c) > 0x7E} - have) & full)
    if not need:
        return None, ""
    text = "".join(map(chr, need))
    source = cjk_font_path()
    root = cache_dir()
    digest = hashlib.sha256(f"{_sha256(source)}|{CHARSET_VERSION}|{text}".encode()).hexdigest()[:16]
    target = root / "fonts" / "supplement" / f"{digest}.otf"
    if not _valid_font_file(target):
        with _build_lock(root, f"supplement-{digest}"):
            if not _valid_font_file(target):
                data = _build_subset(source, need, layout=False, rename=SUPPLEMENT_FAMILY)
                write_atomic(target, data, tmp_dir=root / "tmp")
    return target, text


# ------------------------------------------------------------------------------------------------ web fonts
@dataclasses.dataclass(frozen=True)
class WebFont:
    """A WOFF2 font for one page: ``data`` (bytes), ``family`` and the characters it covers."""

    data: bytes
    family: str
    chars: str


# How page fonts are built (part of their cache key). Every HTML page gets its own subset, so this runs twice per
# notebook in a batch: hints are kept (dropping them executes every CFF charstring, ~0.3 s a page) and Brotli
# runs at quality 9, not fontTools' 11 (~5x faster; the WOFF2 is ~10–20 % larger, a few KB a page).
WEB_BROTLI_QUALITY = 9
_WEB_BUILD = f"hinted|q{WEB_BROTLI_QUALITY}"


class _BrotliAt:
    """fontTools' ``brotli`` module with a default quality (fontTools calls ``brotli.compress(data, mode=…)``)."""

    def __init__(self, module, quality: int) -> None:
        self._module, self._quality = module, quality

    def compress(self, data, **kw):
        kw.setdefault("quality", self._quality)
        return self._module.compress(data, **kw)

    def __getattr__(self, name):
        return getattr(self._module, name)


@contextlib.contextmanager
def _brotli_quality(quality: int) -> Iterator[None]:
    from fontTools.ttLib import woff2

    real = woff2.brotli
    woff2.brotli = _BrotliAt(real, quality)
    try:
        yield
    finally:
        woff2.brotli = real


def _woff2(source: Path, codepoints: Iterable[int], name: str, *, rename: str | None = None) -> bytes:
    """A cached WOFF2 subset of ``source`` (no layout features: horizontal CJK text needs none)."""
    import io

    from fontTools import subset

    cps = sorted(set(codepoints))
    root = cache_dir()
    digest = hashlib.sha256(f"{_sha256(source)}|{CHARSET_VERSION}|{rename}|{_WEB_BUILD}|".encode()
                            + ",".join(map(str, cps)).encode()).hexdigest()[:20]
    target = root / "fonts" / "web" / f"{name}-{digest}.woff2"
    try:
        data = target.read_bytes()
        if data[:4] == b"wOF2":
            return data
    except OSError:
        pass
    with _build_lock(root, f"web-{digest}"):
        font = _load_source(source)
        opts = _subset_options(layout=False)
        opts.flavor = "woff2"
        opts.hinting = True  # see _WEB_BUILD
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=cps)
        sub.subset(font)
        if rename:
            _rename_family(font, rename)
        font.flavor = "woff2"
        buf = io.BytesIO()
        with _brotli_quality(WEB_BROTLI_QUALITY):
            font.save(buf)
        data = buf.getvalue()
        write_atomic(target, data, tmp_dir=root / "tmp")
    return data


def web_font(chars: Iterable[str]) -> list[WebFont]:
    """WOFF2 font(s) covering ``chars`` for an HTML page: the pre-subset Noto cut down to those characters
    (plus printable ASCII), and, for rare characters only the full font has, a supplement.
    Characters no font has are left out (the browser shows its own fallback)."""
    wanted = {ord(c) for c in chars if ord(c) >= 0x20} | set(range(0x20, 0x7F))
    have = subset_codepoints()
    main = sorted(wanted & have)
    out = [WebFont(_woff2(subset_font_path(), main, "noto"), FONT_FAMILY, "".join(map(chr, main)))]
    rare = sorted((wanted - have) & source_codepoints())
    if rare:
        path, text = supplement_font_path(map(chr, rare))
        if path is not None:
            out.append(WebFont(_woff2(path, rare, "supplement"), SUPPLEMENT_FAMILY, text))
    return out


# ------------------------------------------------------------------------------------------------ fontconfig
def fontconfig_file() -> Path:
    """A fonts.conf (cached) for WeasyPrint: the system config, our subset font's folder, our cachedir.

    Other installed Noto CJK files (``*/NotoSansCJK*``, e.g. a system fonts-noto-cjk TTC) are rejected and
    our folder accepted, so WeasyPrint always picks the small pre-subset file and never pays for subsetting
    a 16–30 MB font.
    """
    font = subset_font_path()
    root = cache_dir()
    font_dir = font.parent
    fc_dir = root / "fontconfig"
    fc_cache = fc_dir / "cache"
    fc_cache.mkdir(parents=True, exist_ok=True)
    include = (f'  <include ignore_missing="yes">{_xml_escape(str(_SYSTEM_FONTS_CONF))}</include>\n'
               if _SYSTEM_FONTS_CONF.is_file() else "")
    text = (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<!-- Generated by chainplan_lib.publish.fonts.fontconfig_file(); rewritten when needed, do not edit. -->\n"
        "<fontconfig>\n"
        f"  <cachedir>{_xml_escape(str(fc_cache))}</cachedir>\n"
        f"{include}"
        f"  <dir>{_xml_escape(str(font_dir))}</dir>\n"
        "  <selectfont>\n"
        f"    <acceptfont><glob>{_xml_escape(str(font_dir))}/*</glob></acceptfont>\n"
        # (a <pattern> on the family name would also hide our accepted file from matching: globs it is)
        "    <rejectfont><glob>*/NotoSansCJK*</glob><glob>*/NotoSerifCJK*</glob>"
        "<glob>*/NotoSansMonoCJK*</glob></rejectfont>\n"
        "  </selectfont>\n"
        "</fontconfig>\n"
    )
    target = fc_dir / f"fonts-{font_dir.name}.conf"
    try:
        current = target.read_text(encoding="utf-8")
    except OSError:
        current = None
    if current != text:
        write_atomic(target, text.encode("utf-8"), tmp_dir=root / "tmp")
    return target


def configure_fontconfig() -> Path:
    """Set ``os.environ["FONTCONFIG_FILE"]`` to :func:`fontconfig_file` and return the path.

    Call before ``import weasyprint`` (WeasyPrint loads a fontconfig configuration at import and for every
    document). Builds the pre-subset font first if the cache is cold.
    """
    path = fontconfig_file()
    os.environ["FONTCONFIG_FILE"] = str(path)
    return path
