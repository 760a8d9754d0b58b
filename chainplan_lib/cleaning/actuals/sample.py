"""SYNTHETIC monthly statistics (示例数据): a 统计月报 series for a plan's chains and all above-size industry.

No real monthly report ships with the plan, so the demo, the notebook and the tests run on a made-up one.
:func:`sample_actuals` draws it from a documented process; :func:`write_sample_actuals` writes it as an office
would send it. Every file name says ``synthetic`` and every title row 示例数据 SYNTHETIC: none of it is real.

The process (all amounts 亿元; ``seed`` fixes every draw):

The years follow the plan: its first year Y0 (2023 for the bundled plan) is the anchor, the sample runs from
Y0 − 4 to Y0 + 2 (2019–2025), the last year to 1—9月.

1. **Annual levels.** For each chain, Y0 = the target table's Y0 value × exp(N(0, 1 %)). Y0+1 and Y0+2 grow
   by the target path's own growth for that year × a pace (by the chain's position in the plan: 0.80, 1.10,
   0.95, 1.00, then again — for the bundled plan 现代针纺 behind its path, 冶金建材 ahead) + N(0, 1 %). Before
   Y0 the underlying path grows N(1 %, 1 %) in 2020, N(11 %, 1.5 %) in 2021 (the rebound) and N(7 %, 1.5 %) in
   other years. All above-size industry (规上工业) = the chains + the rest of industry, which is 0.65 × the
   chains in Y0 and grows like them before Y0 and N(6 %, 1 %) after: industry is always larger than the chains.
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

Files (``write_sample_actuals``): Y0−4 … Y0−1 as one tidy CSV (cumulative 1—N月, 亿元); Y0, Y0+1 and Y0+2 (1—2月
to 1—8月) as workbooks with one sheet per release in two 月报 layouts; Y0+2年1—9月 as a GB18030 CSV in 万元
with a unit column and a section heading. Workbooks are written byte-for-byte reproducibly (fixed zip and
document timestamps), so the same seed gives the same files.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import ParameterError
from ...files.atomic import write_atomic
from ...plan.model import TOTAL, Plan
from ...plan.names import INDUSTRY_ID, INDUSTRY_NAME

__all__ = ["SampleActuals", "sample_actuals", "write_sample_actuals", "sample_files", "sample_years", "LAST_MONTH",
           "SEASONAL_SHARES", "PACES", "large_panel"]

LAST_MONTH = 9
PACES = (0.80, 1.10, 0.95, 1.00)  # by a chain's position in the plan (then again from the first)
SEASONAL_SHARES = np.array([0.072, 0.058, 0.083, 0.081, 0.083, 0.090, 0.080, 0.081, 0.087, 0.082, 0.090, 0.113])
# Spring Festival after 5 February (a "late" one moves some of March's output into 1—2月)
SPRING_FESTIVAL_LATE = {2015: True, 2016: True, 2017: False, 2018: True, 2019: True, 2020: False, 2021: True,
                        2022: False, 2023: False, 2024: True, 2025: False, 2026: True, 2027: True, 2028: False,
                        2029: True, 2030: False, 2031: False, 2032: True}
PRE_ANCHOR_GROWTH = {2020: (0.01, 0.01), 2021: (0.11, 0.015)}  # mean, sd by calendar year; else (0.07, 0.015)
COVID_2020 = np.array([0.78, 0.78, 0.85, 0.95, 0.99, 1.03, 1.03, 1.03, 1.03, 1.03, 1.03, 1.03])
_TAG = "示例数据 SYNTHETIC"
NOTE = "注：本表为 chainplan 生成的示例数据（SYNTHETIC），全部数值均为虚构，不是统计部门发布的数据。"


def sample_years(plan: Plan) -> tuple[int, int, int]:
    """(first year, anchor year, last year) of the plan's sample: Y0 − 4, Y0 = the plan's first year, Y0 + 2."""
    y0 = plan.years[0]
    if not min(SPRING_FESTIVAL_LATE) + 4 <= y0 <= max(SPRING_FESTIVAL_LATE) - 2:
        raise ParameterError(f"the synthetic sample is made for plans starting {min(SPRING_FESTIVAL_LATE) + 4}–"
                             f"{max(SPRING_FESTIVAL_LATE) - 2}; this plan starts in {y0}")
    return y0 - 4, y0, y0 + 2


def sample_files(plan: Plan) -> tuple[str, ...]:
    """The five file names the sample writes for ``plan`` (its years in them)."""
    first, y0, last = sample_years(plan)
    return (f"synthetic_actuals_{first}_{y0 - 1}_tidy.csv", f"synthetic_actuals_{y0}.xlsx",
            f"synthetic_actuals_{y0 + 1}.xlsx", f"synthetic_actuals_{last}.xlsx",
            f"synthetic_actuals_{last}-{LAST_MONTH:02d}_gb18030.csv")


def _labels(plan: Plan) -> dict[str, str]:
    return {INDUSTRY_ID: INDUSTRY_NAME, **{c.id: c.name for c in plan.chains}}


@dataclass
class SampleActuals:
    """The synthetic truth: one row per series × year × month with the month's value, 1—N月 and published 同比."""

    monthly: pd.DataFrame  # year, month, chain_id, value (本月, 亿元), cumulative (1—N月, 亿元), yoy_pct, yoy_month_pct
    seed: int
    plan: Plan

    @property
    def years(self) -> tuple[int, int, int]:
        return sample_years(self.plan)

    def releases(self) -> pd.DataFrame:
        """What a report publishes: months 2..12 (1—2月 is the first release) up to the last year's 1—9月."""
        m = self.monthly
        last = self.years[2]
        return m[(m["month"] >= 2) & ((m["year"] < last) | (m["month"] <= LAST_MONTH))].reset_index(drop=True)


def _pre_growth(year: int) -> tuple[float, float]:
    return PRE_ANCHOR_GROWTH.get(year, (0.07, 0.015))


def _target_levels(plan: Plan, targets: pd.DataFrame | None) -> pd.DataFrame:
    _, y0, last = sample_years(plan)
    if targets is None:
        from ..targets.clean import load_targets

        targets = load_targets(plan=plan)
    t = targets[(targets["area"] == TOTAL) & (targets["indicator"] == "revenue")]
    wide = t.pivot_table(index="year", columns="chain_id", values="value").reindex(columns=list(plan.chain_ids))
    years = list(range(y0, last + 1))
    if not set(years) <= set(wide.index) or wide.loc[years].isna().any().any():
        raise ParameterError(f"the target table lacks {TOTAL} revenue for {y0}–{last}, which the sample is built on")
    return wide


def sample_actuals(plan: Plan, seed: int = 0, targets: pd.DataFrame | None = None) -> SampleActuals:
    """The synthetic monthly series (Y0−4)-01 … (Y0+2)-12 for 规上工业 and the plan's chains (see the module
    docstring); ``targets``: the plan's cleaned target table (default: cleaned from the plan's own table)."""
    first, y0, last = sample_years(plan)
    rng = np.random.default_rng([seed, first])
    wide = _target_levels(plan, targets)
    chain_ids = plan.chain_ids
    years = np.arange(first, last + 1)
    level, growth = {}, {}
    for k, c in enumerate(chain_ids):
        g = {y: rng.normal(*_pre_growth(y)) for y in range(first + 1, y0 + 1)}
        for y in (y0 + 1, last):
            g[y] = (wide.loc[y, c] / wide.loc[y - 1, c] - 1) * PACES[k % len(PACES)] + rng.normal(0, 0.01)
        lv = {y0: wide.loc[y0, c] * np.exp(rng.normal(0, 0.01))}
        for y in range(y0 - 1, first - 1, -1):
            lv[y] = lv[y + 1] / (1 + g[y + 1])
        for y in (y0 + 1, last):
            lv[y] = lv[y - 1] * (1 + g[y])
        level[c], growth[c] = lv, g
    rest = {y0: 0.65 * sum(level[c][y0] for c in chain_ids)}
    rest_g = {y: rng.normal(*(_pre_growth(y) if y <= y0 else (0.06, 0.01))) for y in range(first + 1, last + 1)}
    for y in range(y0 - 1, first - 1, -1):
        rest[y] = rest[y + 1] / (1 + rest_g[y + 1])
    for y in (y0 + 1, last):
        rest[y] = rest[y - 1] * (1 + rest_g[y])
    level["rest"], growth["rest"] = rest, rest_g

    months = np.arange(1, 13)
    values = {}
    for key in (*chain_ids, "rest"):
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
    values[INDUSTRY_ID] = sum(values[c] for c in (*chain_ids, "rest"))

    frames = []
    for s in (INDUSTRY_ID, *chain_ids):
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
    return SampleActuals(pd.concat(frames, ignore_index=True), seed, plan)


# --------------------------------------------------------------------------------------------- files
def _period(month: int) -> str:
    return f"1—{month}月" if month > 1 else "1月"


def _tidy_csv(s: SampleActuals) -> bytes:
    first, y0, _ = s.years
    labels = _labels(s.plan)
    r = s.releases()
    r = r[r["year"] < y0]
    out = pd.DataFrame({"year": r["year"], "month": r["month"], "chain": r["chain_id"].map(labels), "area": TOTAL,
                        "indicator": "营业收入", "value": r["cumulative"].map(lambda v: f"{v:.2f}"), "unit": "亿元",
                        "yoy_pct": r["yoy_pct"].map(lambda v: "" if pd.isna(v) else f"{v:.1f}")})
    out["_o"] = out["chain"].map({v: i for i, v in enumerate(labels.values())})
    out = out.sort_values(["year", "month", "_o"], kind="stable").drop(columns="_o")
    title = (f"{_TAG}：{s.plan.district}重点产业链营业收入月度累计（1—N月），{first}—{y0 - 1}年，整洁格式"
             "（虚构数据，非真实统计）")
    return (title + "\n" + out.to_csv(index=False, lineterminator="\n")).encode("utf-8")


def _rows_for(r: pd.DataFrame, year: int, month: int, plan: Plan) -> pd.DataFrame:
    x = r[(r["year"] == year) & (r["month"] == month)].set_index("chain_id").reindex([INDUSTRY_ID, *plan.chain_ids])
    return x


def _sheet_two_row(ws, year: int, month: int, x: pd.DataFrame, plan: Plan) -> None:
    from openpyxl.styles import Alignment, Font

    ws.append([f"【{_TAG}】{year}年{_period(month)}{plan.district}重点产业链主要指标（虚构数据，非真实统计）"] + [None] * 4)
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
    labels = {INDUSTRY_ID: f"{INDUSTRY_NAME}营业收入", **{c.id: f"其中：{c.name}产业链" for c in plan.chains}}
    for s in (INDUSTRY_ID, *plan.chain_ids):
        v = x.loc[s]
        monthly = None if month == 2 else round(float(v["value"]), 2)
        ym = None if month == 2 or pd.isna(v["yoy_month_pct"]) else float(v["yoy_month_pct"])
        ws.append([labels[s], monthly, ym, round(float(v["cumulative"]), 2),
                   None if pd.isna(v["yoy_pct"]) else float(v["yoy_pct"])])
    ws.append([NOTE] + [None] * 4)
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=5)
    for col, width in zip("ABCDE", (26, 12, 14, 14, 14)):
        ws.column_dimensions[col].width = width


def _sheet_one_row(ws, year: int, month: int, x: pd.DataFrame, plan: Plan) -> None:
    ws.append([f"{_TAG}：{year}年{_period(month)}重点产业链营业收入完成情况（虚构数据）"])
    ws.append(["产业链", "本月（亿元）", "本月同比增长(%)", "本年累计（亿元）", "累计同比增长(%)"])
    names = {INDUSTRY_ID: "规模以上工业", **{c.id: c.name for c in plan.chains}}
    for s in (INDUSTRY_ID, *plan.chain_ids):
        v = x.loc[s]
        monthly = None if month == 2 else round(float(v["value"]), 2)
        ym = None if month == 2 or pd.isna(v["yoy_month_pct"]) else float(v["yoy_month_pct"])
        ws.append([names[s], monthly, ym, round(float(v["cumulative"]), 2),
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
        (_sheet_one_row if one_row else _sheet_two_row)(ws, year, month, _rows_for(r, year, month, s.plan), s.plan)
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
    last = s.years[2]
    x = _rows_for(s.releases(), last, LAST_MONTH, s.plan)
    lines = [f"{_TAG}：{last}年{_period(LAST_MONTH)}重点产业链主要指标（虚构数据，GB18030编码）",
             f"指标名称,计量单位,{_period(LAST_MONTH)}累计,同比增长(%),本月,同比增长(%)",
             "一、营业收入,,,,,"]
    names = {INDUSTRY_ID: INDUSTRY_NAME, **{c.id: f"其中：{c.name}" for c in s.plan.chains}}
    for s_id in (INDUSTRY_ID, *s.plan.chain_ids):
        v = x.loc[s_id]
        lines.append(f"{names[s_id]},万元,{v['cumulative'] * 1e4:.0f},{v['yoy_pct']:.1f},{v['value'] * 1e4:.0f},"
                     f"{v['yoy_month_pct']:.1f}")
    lines.append(NOTE.replace(",", "，") + ",,,,,")
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


def _files(s: SampleActuals) -> dict[str, bytes]:
    names = sample_files(s.plan)
    _, y0, last = s.years
    return {
        names[0]: _tidy_csv(s),
        names[1]: _workbook(s, y0, 12, one_row=False),
        names[2]: _workbook(s, y0 + 1, 12, one_row=True),
        names[3]: _workbook(s, last, LAST_MONTH - 1, one_row=False),
        names[4]: _latest_csv(s),
    }


def write_sample_actuals(out: str | Path, plan: Plan, *, seed: int = 0, targets: pd.DataFrame | None = None,
                         overwrite: bool = False) -> list[Path]:
    """Write the five sample files for ``plan`` into the folder ``out`` and return their paths.

    Existing files are not overwritten unless ``overwrite``; each file is written to a temporary name and
    renamed. (This is how ``data/raw/actuals/`` was made: ``chainplan actuals sample --out data/raw/actuals``.)
    """
    out = Path(out)
    names = sample_files(plan)
    if out.suffix:
        raise ParameterError(f"{out}: give a folder; the sample is five files ({', '.join(names)})")
    paths = [out / n for n in names]
    existing = [p for p in paths if p.exists()]
    if existing and not overwrite:
        raise ParameterError(f"{existing[0]} exists; sample files are written once and not overwritten "
                             "(pass overwrite=True / --overwrite to replace them)")
    files = _files(sample_actuals(plan, seed, targets))
    for p in paths:
        write_atomic(p, files[p.name])  # the one atomic writer: never under data/raw, a refusal names the path
    return paths


# --------------------------------------------------------------------------------------------- big
def large_panel(plan: Plan, n_areas: int = 100, years: int = 7, seed: int = 0) -> tuple[pd.DataFrame, list[str]]:
    """A tidy monthly panel for speed tests: ``n_areas`` made-up counties × (the plan's chains + industry) ×
    ``years`` years ending in the sample's last year, cumulative 1—N月 for months 2..12 (the last year up to
    1—9月, like the sample), with the sample's seasonal pattern, noise and 2020 dip. Returns (the tidy rows, the
    area names). SYNTHETIC: the counties are 示例县001 …"""
    rng = np.random.default_rng([seed, n_areas, years])
    areas = [f"示例县{k:03d}" for k in range(1, n_areas + 1)]
    last = sample_years(plan)[2]
    first = last - years + 1
    yrs = np.arange(first, last + 1)
    shares = SEASONAL_SHARES / SEASONAL_SHARES.sum()
    n_series = len(plan.chains)
    base = rng.lognormal(3.5, 0.8, size=(n_areas, n_series))
    growth = rng.normal(0.07, 0.03, size=(n_areas, n_series))
    lv = base[:, :, None] * (1 + growth[:, :, None]) ** (yrs - first)[None, None, :]  # area × chain × year
    month_v = lv[..., None] * shares[None, None, None, :] * np.exp(rng.normal(0, 0.025, lv.shape + (12,)))
    month_v[:, :, yrs == 2020, :] *= COVID_2020
    chains = month_v
    industry = chains.sum(axis=1, keepdims=True) * rng.uniform(1.4, 1.9, size=(n_areas, 1, 1, 1))
    allv = np.concatenate([industry, chains], axis=1).cumsum(axis=-1)[..., 1:]  # months 2..12
    a, s, y, m = np.meshgrid(np.arange(n_areas), np.arange(n_series + 1), yrs, np.arange(2, 13), indexing="ij")
    names = _labels(plan)
    labels = np.asarray([names[x] for x in (INDUSTRY_ID, *plan.chain_ids)])
    df = pd.DataFrame({"year": y.ravel(), "month": m.ravel(), "chain": labels[s.ravel()],
                       "area": np.asarray(areas)[a.ravel()], "indicator": "营业收入",
                       "value": np.round(allv.ravel(), 2), "unit": "亿元", "yoy_pct": ""})
    df = df[(df["year"] < last) | (df["month"] <= LAST_MONTH)].reset_index(drop=True)
    return df, areas
