"""SYNTHETIC monthly statistics (示例数据): a 统计月报 series for the four chains and all above-size industry.

No real monthly report ships with the plan, so the demo, the notebook and the tests run on a made-up one.
:func:`sample_actuals` draws it from a documented process; :func:`write_sample_actuals` writes it as an office
would send it. Every file name says ``synthetic`` and every title row 示例数据 SYNTHETIC: none of it is real.

The process (all amounts 亿元; ``seed`` fixes every draw):

1. **Annual levels.** For each chain, 2023 = the target table's 2023 value × exp(N(0, 1 %)). 2024 and 2025 grow
   by the target path's own growth for that year × a pace (现代针纺 0.80, 冶金建材 1.10, 电子信息 0.95,
   食品医药 1.00, so some chains run behind their path and some ahead) + N(0, 1 %). Before 2023 the underlying
   path grows N(1 %, 1 %) in 2020, N(11 %, 1.5 %) in 2021 (the rebound) and N(7 %, 1.5 %) in 2022 and 2023.
   All above-size industry (规上工业) = the four chains + the rest of industry, which is 0.65 × the chains in
   2023 and grows like them before 2023 and N(6 %, 1 %) after: industry is always larger than the four chains.
2. **Months.** Each year's level is spread over the months by a seasonal pattern: January and February low
   (the Spring Festival; 1—2月 ≈ 13 % of the year), a December peak (≈ 11 %), the rest 8–9 %. A late
   Spring Festival (after 5 February: 2019, 2021, 2024) moves 0.4 % of the year from March into 1—2月, an
   early one (2020, 2023, 2025) 0.3 % the other way. Within the year the level rises with that year's growth,
   so later months are a little larger.
3. **COVID-like 2020.** 2020's months are multiplied by 0.78 (1—2月), 0.85 (March), 0.95 (April), 0.99 (May),
   then 1.03 (June–December): 2020 ends a few per cent below its path, and 2021 rebounds.
4. **Noise.** Every month × exp(N(0, σ)), σ = 2.5 % for a chain, 1.5 % for all industry.
5. **Published growth (可比口径).** The published 同比 is the growth computed from the levels + a per-series bias
   of U(0.3, 1.2) percentage points (firms leaving the above-size set shrink last year's comparable base) +
   N(0, 0.3) pp, rounded to 0.1: published and computed growth differ, as they do in real reports.

Files (``write_sample_actuals``): 2019–2022 as one tidy CSV (cumulative 1—N月, 亿元); 2023, 2024 and 2025 (1—2月
to 1—8月) as workbooks with one sheet per release in two 月报 layouts; 2025年1—9月 as a GB18030 CSV in 万元
with a unit column and a section heading. Workbooks are written byte-for-byte reproducibly (fixed zip and
document timestamps), so the same seed gives the same files.
"""

from __future__ import annotations

import io
import os
import re
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import ParameterError
from ...plan.names import CHAIN_BY_ID, CHAIN_IDS, DISTRICT, INDUSTRY_ID

__all__ = ["SampleActuals", "sample_actuals", "write_sample_actuals", "SAMPLE_FILES", "FIRST_YEAR", "LAST_YEAR",
           "LAST_MONTH", "SEASONAL_SHARES", "PACE", "large_panel"]

FIRST_YEAR, LAST_YEAR, LAST_MONTH = 2019, 2025, 9
SERIES = (INDUSTRY_ID, *CHAIN_IDS)
PACE = {"textiles": 0.80, "metallurgy": 1.10, "electronics": 0.95, "food_pharma": 1.00}
SEASONAL_SHARES = np.array([0.072, 0.058, 0.083, 0.081, 0.083, 0.090, 0.080, 0.081, 0.087, 0.082, 0.090, 0.113])
SPRING_FESTIVAL_LATE = {2019: True, 2020: False, 2021: True, 2022: False, 2023: False, 2024: True, 2025: False}
PRE_2023_GROWTH = {2020: (0.01, 0.01), 2021: (0.11, 0.015), 2022: (0.07, 0.015), 2023: (0.07, 0.015)}  # mean, sd
COVID_2020 = np.array([0.78, 0.78, 0.85, 0.95, 0.99, 1.03, 1.03, 1.03, 1.03, 1.03, 1.03, 1.03])
SAMPLE_FILES = ("synthetic_actuals_2019_2022_tidy.csv", "synthetic_actuals_2023.xlsx", "synthetic_actuals_2024.xlsx",
                "synthetic_actuals_2025.xlsx", "synthetic_actuals_2025-09_gb18030.csv")
_TAG = "示例数据 SYNTHETIC"
NOTE = "注：本表为 chainplan 生成的示例数据（SYNTHETIC），全部数值均为虚构，不是统计部门发布的数据。"
_LABEL = {INDUSTRY_ID: "规上工业", **{c: CHAIN_BY_ID[c].name for c in CHAIN_IDS}}


@dataclass
class SampleActuals:
    """The synthetic truth: one row per series × year × month with the month's value, 1—N月 and published 同比."""

    monthly: pd.DataFrame  # year, month, chain_id, value (本月, 亿元), cumulative (1—N月, 亿元), yoy_pct, yoy_month_pct
    seed: int

    def releases(self) -> pd.DataFrame:
        """What a report publishes: months 2..12 (1—2月 is the first release) up to 2025-09."""
        m = self.monthly
        return m[(m["month"] >= 2) & ((m["year"] < LAST_YEAR) | (m["month"] <= LAST_MONTH))].reset_index(drop=True)


def _targets_2023_2025(targets: pd.DataFrame | None) -> pd.DataFrame:
    if targets is None:
        from ...plan.load import bundled_plan_path, read_plan  # TEMPORARY: until the sample takes the plan
        from ..targets.clean import load_targets

        targets = load_targets(plan=read_plan(bundled_plan_path()))
    t = targets[(targets["area"] == DISTRICT) & (targets["indicator"] == "revenue")]
    wide = t.pivot_table(index="year", columns="chain_id", values="value").reindex(columns=list(CHAIN_IDS))
    if not {2023, 2024, 2025} <= set(wide.index) or wide.loc[[2023, 2024, 2025]].isna().any().any():
        raise ParameterError("the target table lacks 全区 revenue for 2023–2025, which the sample is built on")
    return wide


def sample_actuals(seed: int = 0, targets: pd.DataFrame | None = None) -> SampleActuals:
    """The synthetic monthly series 2019-01 … 2025-12 for 规上工业 and the four chains (see the module docstring)."""
    rng = np.random.default_rng([seed, 2019])
    wide = _targets_2023_2025(targets)
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    level, growth = {}, {}
    for c in CHAIN_IDS:
        g = {y: rng.normal(*PRE_2023_GROWTH[y]) for y in range(FIRST_YEAR + 1, 2024)}
        for y in (2024, 2025):
            g[y] = (wide.loc[y, c] / wide.loc[y - 1, c] - 1) * PACE[c] + rng.normal(0, 0.01)
        lv = {2023: wide.loc[2023, c] * np.exp(rng.normal(0, 0.01))}
        for y in range(2022, FIRST_YEAR - 1, -1):
            lv[y] = lv[y + 1] / (1 + g[y + 1])
        for y in (2024, 2025):
            lv[y] = lv[y - 1] * (1 + g[y])
        level[c], growth[c] = lv, g
    rest = {2023: 0.65 * sum(level[c][2023] for c in CHAIN_IDS)}
    rest_g = {y: rng.normal(*PRE_2023_GROWTH.get(y, (0.06, 0.01))) for y in range(FIRST_YEAR + 1, LAST_YEAR + 1)}
    for y in range(2022, FIRST_YEAR - 1, -1):
        rest[y] = rest[y + 1] / (1 + rest_g[y + 1])
    for y in (2024, 2025):
        rest[y] = rest[y - 1] * (1 + rest_g[y])
    level["rest"], growth["rest"] = rest, rest_g

    months = np.arange(1, 13)
    values = {}
    for key in (*CHAIN_IDS, "rest"):
        sigma = 0.025 if key != "rest" else 0.012
        rows = []
        for y in years:
            shares = SEASONAL_SHARES.copy()
            shift = 0.004 if SPRING_FESTIVAL_LATE[int(y)] else -0.003
            shares[1] += shift
            shares[2] -= shift
            g = growth[key].get(int(y), 0.07)
            shares = shares * (1 + g) ** ((months - 6.5) / 12)
            shares /= shares.sum()
            m = level[key][int(y)] * shares * (COVID_2020 if y == 2020 else 1.0)
            rows.append(m * np.exp(rng.normal(0, sigma, 12)))
        values[key] = np.vstack(rows)  # years × 12
    values[INDUSTRY_ID] = sum(values[c] for c in (*CHAIN_IDS, "rest"))

    frames = []
    for s in SERIES:
        v = values[s]
        cum = v.cumsum(axis=1)
        bias = rng.uniform(0.3, 1.2)
        yoy = np.full_like(cum, np.nan)
        yoy_m = np.full_like(cum, np.nan)
        yoy[1:] = (cum[1:] / cum[:-1] - 1) * 100 + bias + rng.normal(0, 0.3, cum[1:].shape)
        month_v = v.copy()
        month_v[:, 1] = v[:, 0] + v[:, 1]  # the 1—2月 release has no January: its 本月 is left blank
        yoy_m[1:] = (month_v[1:] / month_v[:-1] - 1) * 100 + bias + rng.normal(0, 0.6, cum[1:].shape)
        frames.append(pd.DataFrame({
            "year": np.repeat(years, 12), "month": np.tile(months, len(years)), "chain_id": s,
            "value": v.ravel(), "cumulative": cum.ravel(), "yoy_pct": np.round(yoy.ravel(), 1),
            "yoy_month_pct": np.round(yoy_m.ravel(), 1),
        }))
    return SampleActuals(pd.concat(frames, ignore_index=True), seed)


# --------------------------------------------------------------------------------------------- files
def _period(month: int) -> str:
    return f"1—{month}月" if month > 1 else "1月"


def _tidy_csv(s: SampleActuals) -> bytes:
    r = s.releases()
    r = r[r["year"] <= 2022]
    out = pd.DataFrame({"year": r["year"], "month": r["month"], "chain": r["chain_id"].map(_LABEL), "area": DISTRICT,
                        "indicator": "营业收入", "value": r["cumulative"].map(lambda v: f"{v:.2f}"), "unit": "亿元",
                        "yoy_pct": r["yoy_pct"].map(lambda v: "" if pd.isna(v) else f"{v:.1f}")})
    out["_o"] = out["chain"].map({v: i for i, v in enumerate(_LABEL.values())})
    out = out.sort_values(["year", "month", "_o"], kind="stable").drop(columns="_o")
    title = f"{_TAG}：青山湖区重点产业链营业收入月度累计（1—N月），2019—2022年，整洁格式（虚构数据，非真实统计）"
    return (title + "\n" + out.to_csv(index=False, lineterminator="\n")).encode("utf-8")


def _rows_for(r: pd.DataFrame, year: int, month: int) -> pd.DataFrame:
    x = r[(r["year"] == year) & (r["month"] == month)].set_index("chain_id").reindex(list(SERIES))
    return x


def _sheet_two_row(ws, year: int, month: int, x: pd.DataFrame) -> None:
    from openpyxl.styles import Alignment, Font

    ws.append([f"【{_TAG}】{year}年{_period(month)}青山湖区重点产业链主要指标（虚构数据，非真实统计）"] + [None] * 4)
    ws.merge_cells("A1:E1")
    ws["A1"].font = Font(bold=True)
    ws.append(["单位：亿元，%"] + [None] * 4)
    ws.append(["指标名称", "本月", None, f"{_period(month)}累计", None])
    ws.append([None, "绝对值", "同比增长(%)", "绝对值", "同比增长(%)"])
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:C3")
    ws.merge_cells("D3:E3")
    for row in ws.iter_rows(min_row=3, max_row=4):
        for cell in row:
            cell.alignment = Alignment(horizontal="center", vertical="center")
    labels = {INDUSTRY_ID: "规上工业营业收入", **{c: f"其中：{CHAIN_BY_ID[c].name}产业链" for c in CHAIN_IDS}}
    for s in SERIES:
        v = x.loc[s]
        monthly = None if month == 2 else round(float(v["value"]), 2)
        ym = None if month == 2 or pd.isna(v["yoy_month_pct"]) else float(v["yoy_month_pct"])
        ws.append([labels[s], monthly, ym, round(float(v["cumulative"]), 2),
                   None if pd.isna(v["yoy_pct"]) else float(v["yoy_pct"])])
    ws.append([NOTE] + [None] * 4)
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=5)
    for col, width in zip("ABCDE", (26, 12, 14, 14, 14)):
        ws.column_dimensions[col].width = width


def _sheet_one_row(ws, year: int, month: int, x: pd.DataFrame) -> None:
    ws.append([f"{_TAG}：{year}年{_period(month)}重点产业链营业收入完成情况（虚构数据）"])
    ws.append(["产业链", "本月（亿元）", "本月同比增长(%)", "本年累计（亿元）", "累计同比增长(%)"])
    for s in SERIES:
        v = x.loc[s]
        label = "规模以上工业" if s == INDUSTRY_ID else CHAIN_BY_ID[s].name
        monthly = None if month == 2 else round(float(v["value"]), 2)
        ym = None if month == 2 or pd.isna(v["yoy_month_pct"]) else float(v["yoy_month_pct"])
        ws.append([label, monthly, ym, round(float(v["cumulative"]), 2),
                   None if pd.isna(v["yoy_pct"]) else float(v["yoy_pct"])])
    ws.append([])
    ws.append([NOTE])


def _workbook(s: SampleActuals, year: int, last_month: int, one_row: bool) -> bytes:
    from openpyxl import Workbook

    r = s.releases()
    wb = Workbook()
    wb.remove(wb.active)
    for month in range(2, last_month + 1):
        ws = wb.create_sheet(_period(month))
        (_sheet_one_row if one_row else _sheet_two_row)(ws, year, month, _rows_for(r, year, month))
    buf = io.BytesIO()
    wb.save(buf)
    return reproducible_zip(buf.getvalue())


_FIXED = "2025-10-15T00:00:00Z"


def reproducible_zip(data: bytes) -> bytes:
    """An .xlsx with fixed timestamps (zip entries and docProps/core.xml), so the same content gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" +
                              _FIXED.encode() + rb"\g<3>", body)
            zi = zipfile.ZipInfo(info.filename, date_time=(2025, 10, 15, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def _latest_csv(s: SampleActuals) -> bytes:
    x = _rows_for(s.releases(), LAST_YEAR, LAST_MONTH)
    lines = [f"{_TAG}：{LAST_YEAR}年{_period(LAST_MONTH)}重点产业链主要指标（虚构数据，GB18030编码）",
             f"指标名称,计量单位,{_period(LAST_MONTH)}累计,同比增长(%),本月,同比增长(%)",
             "一、营业收入,,,,,"]
    for s_id in SERIES:
        v = x.loc[s_id]
        label = "规上工业" if s_id == INDUSTRY_ID else f"其中：{CHAIN_BY_ID[s_id].name}"
        lines.append(f"{label},万元,{v['cumulative'] * 1e4:.0f},{v['yoy_pct']:.1f},{v['value'] * 1e4:.0f},"
                     f"{v['yoy_month_pct']:.1f}")
    lines.append(NOTE.replace(",", "，") + ",,,,,")
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


def _files(s: SampleActuals) -> dict[str, bytes]:
    return {
        SAMPLE_FILES[0]: _tidy_csv(s),
        SAMPLE_FILES[1]: _workbook(s, 2023, 12, one_row=False),
        SAMPLE_FILES[2]: _workbook(s, 2024, 12, one_row=True),
        SAMPLE_FILES[3]: _workbook(s, 2025, LAST_MONTH - 1, one_row=False),
        SAMPLE_FILES[4]: _latest_csv(s),
    }


def write_sample_actuals(out: str | Path, *, seed: int = 0, targets: pd.DataFrame | None = None,
                         overwrite: bool = False) -> list[Path]:
    """Write the five sample files into the folder ``out`` and return their paths.

    Existing files are not overwritten unless ``overwrite``; each file is written to a temporary name and
    renamed. (This is how ``data/raw/actuals/`` was made: ``chainplan actuals sample --out data/raw/actuals``.)
    """
    out = Path(out)
    if out.suffix:
        raise ParameterError(f"{out}: give a folder; the sample is five files ({', '.join(SAMPLE_FILES)})")
    paths = [out / n for n in SAMPLE_FILES]
    existing = [p for p in paths if p.exists()]
    if existing and not overwrite:
        raise ParameterError(f"{existing[0]} exists; sample files are written once and not overwritten "
                             "(pass overwrite=True / --overwrite to replace them)")
    files = _files(sample_actuals(seed, targets))
    out.mkdir(parents=True, exist_ok=True)
    for p in paths:
        tmp = p.with_name(f".{p.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            tmp.write_bytes(files[p.name])
            os.replace(tmp, p)
        finally:
            tmp.unlink(missing_ok=True)
    return paths


# --------------------------------------------------------------------------------------------- big
def large_panel(n_areas: int = 100, years: int = 7, seed: int = 0) -> tuple[pd.DataFrame, list[str]]:
    """A tidy monthly panel for speed tests: ``n_areas`` made-up counties × (4 chains + industry) × ``years`` years
    ending in 2025, cumulative 1—N月 for months 2..12 (the last year up to 1—9月, like the sample), with the
    sample's seasonal pattern, noise and 2020 dip. Returns (the tidy rows, the area names). SYNTHETIC: the
    counties are 示例县001 …"""
    rng = np.random.default_rng([seed, n_areas, years])
    areas = [f"示例县{k:03d}" for k in range(1, n_areas + 1)]
    first = LAST_YEAR - years + 1
    yrs = np.arange(first, LAST_YEAR + 1)
    shares = SEASONAL_SHARES / SEASONAL_SHARES.sum()
    n_series = len(CHAIN_IDS)
    base = rng.lognormal(3.5, 0.8, size=(n_areas, n_series))
    growth = rng.normal(0.07, 0.03, size=(n_areas, n_series))
    lv = base[:, :, None] * (1 + growth[:, :, None]) ** (yrs - first)[None, None, :]  # area × chain × year
    month_v = lv[..., None] * shares[None, None, None, :] * np.exp(rng.normal(0, 0.025, lv.shape + (12,)))
    month_v[:, :, yrs == 2020, :] *= COVID_2020
    chains = month_v
    industry = chains.sum(axis=1, keepdims=True) * rng.uniform(1.4, 1.9, size=(n_areas, 1, 1, 1))
    allv = np.concatenate([industry, chains], axis=1).cumsum(axis=-1)[..., 1:]  # months 2..12
    a, s, y, m = np.meshgrid(np.arange(n_areas), np.arange(n_series + 1), yrs, np.arange(2, 13), indexing="ij")
    labels = np.asarray([_LABEL[x] for x in SERIES])
    df = pd.DataFrame({"year": y.ravel(), "month": m.ravel(), "chain": labels[s.ravel()],
                       "area": np.asarray(areas)[a.ravel()], "indicator": "营业收入",
                       "value": np.round(allv.ravel(), 2), "unit": "亿元", "yoy_pct": ""})
    df = df[(df["year"] < LAST_YEAR) | (df["month"] <= LAST_MONTH)].reset_index(drop=True)
    return df, areas
