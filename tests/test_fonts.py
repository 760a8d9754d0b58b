"""Fonts: Noto Sans CJK SC for matplotlib, the cached pre-subset font and the fontconfig file for WeasyPrint.

The cache lives in a per-session folder (CHAINPLAN_CACHE), shared with tests/test_render.py through the same
path under pytest's basetemp, so the ~4 s subset build happens once per session (per xdist worker).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from chainplan_lib.errors import ChainplanError
from chainplan_lib.present import theme
from chainplan_lib.publish import fonts


@pytest.fixture(autouse=True)
def _hermetic_cache(font_cache, monkeypatch):
    monkeypatch.setenv("CHAINPLAN_CACHE", str(font_cache))


# ------------------------------------------------------------------------------------------ source font
def test_cjk_font_is_noto_sans_cjk_sc_under_ofl_not_simhei():
    from fontTools.ttLib import TTFont

    path = fonts.cjk_font_path()
    assert path.name == "NotoSansCJKsc-Regular.otf" and path.is_file()
    assert "simhei" not in str(path).lower()
    name = TTFont(str(path), lazy=True)["name"]
    assert name.getDebugName(16) == "Noto Sans CJK SC"
    assert "Open Font License" in name.getDebugName(13)


def test_missing_font_is_a_clear_chainplan_error(monkeypatch, tmp_path):
    import mplfonts

    monkeypatch.setattr(mplfonts, "__file__", str(tmp_path / "mplfonts" / "__init__.py"))
    with pytest.raises(ChainplanError, match="NotoSansCJKsc-Regular.otf.*mplfonts"):
        fonts.cjk_font_path()


# ------------------------------------------------------------------------------------------- matplotlib
def test_setup_matplotlib_is_idempotent_and_sets_rc():
    from matplotlib import font_manager, rcParams

    fname = str(fonts.cjk_font_path())

    def entries() -> int:
        return sum(1 for e in font_manager.fontManager.ttflist if e.fname == fname)

    assert theme.setup_matplotlib() == "Noto Sans CJK SC"
    n = entries()
    assert n >= 1  # matplotlib may list the OTF under both its typographic and legacy family names
    assert theme.setup_matplotlib() == "Noto Sans CJK SC"
    assert entries() == n  # registered once, not once per call
    assert rcParams["font.sans-serif"][0] == "Noto Sans CJK SC"
    assert rcParams["font.sans-serif"].count("Noto Sans CJK SC") == 1
    assert "sans-serif" in rcParams["font.family"]
    assert rcParams["axes.unicode_minus"] is False
    assert rcParams["savefig.dpi"] == 150
    assert Path(font_manager.findfont("Noto Sans CJK SC", fallback_to_default=False)).name == \
        "NotoSansCJKsc-Regular.otf"


def test_apply_theme_reapplies_font_after_seaborn():
    import seaborn as sns
    from matplotlib import rcParams

    sns.set_theme()  # resets font.sans-serif to Arial/DejaVu…
    assert rcParams["font.sans-serif"][0] != "Noto Sans CJK SC"
    assert theme.apply_theme() == "Noto Sans CJK SC"
    assert rcParams["font.sans-serif"][0] == "Noto Sans CJK SC"
    assert rcParams["axes.unicode_minus"] is False
    assert rcParams["axes.grid"]  # whitegrid


def _render_png(title: str) -> list[str]:
    import matplotlib.pyplot as plt

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot([-2, -1, 0, 1], [3, -4, 1, 2])
        ax.set(title=title, xlabel="年份", ylabel="亿元（同比 −5%）")
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)
    return [str(w.message) for w in caught]


def test_chinese_png_has_no_missing_glyph_warning():
    theme.apply_theme()
    messages = _render_png("青山湖区四条产业链营业收入（亿元）")
    assert not [m for m in messages if "missing from" in m.lower() or "glyph" in m.lower()], messages


def test_missing_glyph_check_is_sensitive():
    """Control: without our font the same figure warns, so the test above can fail."""
    import matplotlib

    theme.setup_matplotlib()
    with matplotlib.rc_context({"font.family": ["sans-serif"], "font.sans-serif": ["DejaVu Sans"]}):
        messages = _render_png("青山湖区")
    assert any("missing from" in m.lower() for m in messages), messages


# --------------------------------------------------------------------------------------- cache and subset
def test_cache_dir_env_and_default(monkeypatch, tmp_path):
    monkeypatch.setenv("CHAINPLAN_CACHE", str(tmp_path / "c"))
    assert fonts.cache_dir() == (tmp_path / "c").resolve()
    monkeypatch.delenv("CHAINPLAN_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert fonts.cache_dir() == (tmp_path / "xdg" / "chainplan").resolve()
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert fonts.cache_dir() == (tmp_path / "home" / ".cache" / "chainplan").resolve()


def test_report_charset_covers_what_reports_print():
    cs = set(fonts.report_charset())
    assert len(cs) > 7000
    for ch in ("示例数据（合成，非真实统计）第页共" "啊齄"  # GB 2312 level 1 first, level 2 last
               "—…“”‘’、。，；：？！（）《》【】〔〕×÷±≤≥→%‰·％㎡℃①Ⅱ０９Ａ\u00a0\u3000"):
        assert ch in cs, ch


def test_subset_font_is_built_once_cached_and_keyed(font_cache):
    from fontTools.ttLib import TTFont

    path = fonts.subset_font_path()
    assert font_cache.resolve() in path.parents
    key = path.parent.name
    assert key.startswith("noto-sc-") and f"-cs{fonts.CHARSET_VERSION}-" in key
    mtime = path.stat().st_mtime_ns
    assert fonts.subset_font_path() == path
    assert path.stat().st_mtime_ns == mtime   # not rebuilt (speed is benchmarks/bench_pdf.py's business)
    assert 1_000_000 < path.stat().st_size < 4_000_000

    font = TTFont(str(path), lazy=True)
    name = font["name"]
    assert name.getDebugName(16) == "Noto Sans CJK SC"   # what CSS and fontconfig ask for
    assert "Open Font License" in name.getDebugName(13)  # the licence travels with the font
    cmap = set(font.getBestCmap())
    wanted = {ord(c) for c in fonts.report_charset()} & fonts.source_codepoints()
    assert cmap == wanted
    # nothing half-written left behind, one file per font folder (fontconfig scans the folder)
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    assert not list((font_cache / "tmp").glob(f".{path.name}.*.part"))


def test_supplement_font_covers_rare_hanzi_with_own_family():
    from fontTools.ttLib import TTFont

    assert fonts.supplement_font_path("青山湖区 abc") == (None, "")
    path, chars = fonts.supplement_font_path("江西喆堃科技 赟")
    assert chars == "".join(sorted("喆堃赟"))
    font = TTFont(str(path))
    assert font["name"].getDebugName(1) == fonts.SUPPLEMENT_FAMILY
    assert {ord(c) for c in chars} <= set(font.getBestCmap())
    assert path.stat().st_size < 50_000
    assert fonts.supplement_font_path("赟喆堃")[0] == path  # keyed by the character set


def test_concurrent_supplement_builds_are_safe():
    results, errors = [], []

    def build():
        try:
            results.append(fonts.supplement_font_path("珺璟琤"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({r[0] for r in results}) == 1
    assert results[0][0].read_bytes()[:4] == b"OTTO"


# --------------------------------------------------------------------------------------------- fontconfig
def test_fontconfig_file_points_at_the_subset_folder(font_cache, monkeypatch):
    conf = fonts.fontconfig_file()
    text = conf.read_text(encoding="utf-8")
    folder = fonts.subset_font_path().parent
    assert f"<dir>{folder}</dir>" in text
    assert f"<cachedir>{font_cache.resolve() / 'fontconfig' / 'cache'}</cachedir>" in text
    assert f"<acceptfont><glob>{folder}/*</glob></acceptfont>" in text
    assert "mplfonts" not in text  # never the folder holding SimHei and the 16 MB originals
    if Path("/etc/fonts/fonts.conf").is_file():
        assert "/etc/fonts/fonts.conf" in text
    mtime = conf.stat().st_mtime_ns
    assert fonts.fontconfig_file() == conf and conf.stat().st_mtime_ns == mtime  # not rewritten

    monkeypatch.setenv("FONTCONFIG_FILE", "/nonexistent/fonts.conf")  # restored after the test
    assert fonts.configure_fontconfig() == conf
    assert os.environ["FONTCONFIG_FILE"] == str(conf)


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fc-match not installed")
def test_fontconfig_resolves_family_to_the_subset_even_with_another_copy_installed(tmp_path):
    conf = fonts.fontconfig_file()
    # simulate a system-wide full Noto CJK install: it must be rejected in favour of our subset
    other = tmp_path / "sysfonts"
    other.mkdir()
    os.symlink(fonts.cjk_font_path(), other / "NotoSansCJKsc-Regular.otf")
    text = conf.read_text(encoding="utf-8").replace("<selectfont>", f"<dir>{other}</dir>\n  <selectfont>")
    test_conf = tmp_path / "fonts.conf"
    test_conf.write_text(text, encoding="utf-8")
    for c in (conf, test_conf):
        out = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK SC"], capture_output=True, text=True,
                             env={**os.environ, "FONTCONFIG_FILE": str(c)}, check=True).stdout
        assert out == str(fonts.subset_font_path()), (c, out)


# ------------------------------------------------------------------------------------------------ web fonts
def test_web_font_is_a_woff2_of_exactly_the_page_characters(font_cache):
    from fontTools.ttLib import TTFont

    text = "青山湖区制造业重点产业链 2024年度简报：营业收入 1,000.0 亿元（13.2%）"
    faces = fonts.web_font(text)
    assert [f.family for f in faces] == [fonts.FONT_FAMILY]
    data = faces[0].data
    assert data[:4] == b"wOF2"
    font = TTFont(io.BytesIO(data))
    cmap = set(font.getBestCmap())
    wanted = {ord(c) for c in text} | set(range(0x20, 0x7F))
    assert {ord(c) for c in text} <= cmap and cmap <= wanted  # nothing the page does not use (beyond ASCII)
    assert len(data) < 40_000  # ~30 hanzi, not the 2 MB pre-subset font
    assert fonts.web_font(reversed(text))[0].data == data  # cached by character set, order-free
    assert list((font_cache / "fonts" / "web").glob("noto-*.woff2"))


def test_web_font_adds_a_supplement_for_rare_hanzi():
    from fontTools.ttLib import TTFont

    faces = fonts.web_font("江西喆华堃业科技")
    assert [f.family for f in faces] == [fonts.FONT_FAMILY, fonts.SUPPLEMENT_FAMILY]
    rare = set(TTFont(io.BytesIO(faces[1].data)).getBestCmap())
    assert {ord("喆"), ord("堃")} <= rare and ord("江") not in rare


def test_theme_is_seaborns_whitegrid_written_as_matplotlib_rc():
    """The charts keep seaborn's look (whitegrid, notebook, deep) without importing seaborn in the kernels."""
    import seaborn as sns
    from matplotlib.colors import to_hex

    expected = {**sns.axes_style("whitegrid"), **sns.plotting_context("notebook")}
    for key in ("font.sans-serif", "font.family", "image.cmap"):  # fonts: ours; no image uses the default cmap
        expected.pop(key)
    assert {k: theme.THEME_RC[k] for k in expected} == expected
    assert set(theme.THEME_RC) == set(expected)
    assert [to_hex(c).upper() for c in sns.color_palette("deep")] == list(theme.DEEP)


def test_drawing_a_chart_imports_neither_seaborn_nor_scipy_stats():
    code = ("import sys; from chainplan_lib import District; from chainplan_lib.present import figures, targets\n"
            "from chainplan_lib.plan.load import bundled_plan_path, read_plan\n"
            "plan = read_plan(bundled_plan_path())\n"
            "fig = targets.target_paths(District.open(plan).targets.table, plan=plan)\n"
            "figures.figure_svg(fig); figures.figure_png(fig)\n"
            "print(sorted(m for m in ('seaborn', 'scipy.stats', 'statsmodels') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
