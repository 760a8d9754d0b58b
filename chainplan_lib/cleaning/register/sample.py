"""SYNTHETIC enterprise registers (示例数据) consistent with the plan's target table, then soiled.

No real 规上企业名录 ships with the plan, so the demo and the tests run on made-up ones. For a year,
:func:`sample_register` draws one firm per above-size enterprise the target table counts for each chain and
area, with revenues from a heavy-tailed (log-normal) size distribution scaled so each area's total is the
target exactly and every firm is at or above the 2000 万元 threshold; it adds firms below the threshold
and firms of other industries, and then soils the rows the way office files are soiled (title row, split
header, alias and Traditional town names, full-width characters, mixed units, bad credit codes,
duplicates, a subtotal, a note, a blank row). :func:`write_sample` writes an .xlsx and a GBK-encoded .csv
copy of it (or one file: .xlsx, .csv or a legacy .xls). Every name contains 示例, every title row and file name says SYNTHETIC: none of it is real.

For any plan: chains, areas, the district and the industry codes come from the plan file. Hand-picked GB/T 4754
classes, firm-name words and the spellings offices use for each chain and area — sample vocabulary, not plan
data — are read from ``<plan file stem>.sample.toml`` beside the plan when there is one (the bundled plan has
``data/plans/qingshanhu-2024.sample.toml``); otherwise a chain draws classes from its own ``industry_codes`` and
words from its name, and the towns' spellings are derived from the plan's names the way the normaliser reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ...errors import ParameterError
from ...files.atomic import atomic_path
from ...plan.model import TOTAL as DISTRICT
from ...plan.model import Plan
from .uscc import make_usccs

__all__ = ["SampleRegister", "sample_register", "write_sample", "large_register", "vocabulary_file",
           "XLSX_COLUMNS", "CSV_COLUMNS"]

THRESHOLD_WAN = 2000.0
TITLE = "【示例数据 SYNTHETIC】{year}年{district}规上工业企业名录（虚构数据，仅供测试，非真实企业）"
CSV_TITLE = "示例数据 SYNTHETIC：{year}年{district}规上工业企业名录（GBK编码副本，虚构数据）"
NOTE = "注：本表为 chainplan 生成的示例数据（SYNTHETIC），企业名称、信用代码和数值均为虚构。"
XLSX_COLUMNS = ["序号", "企业名称", "统一社会信用代码", "所属镇（街道）", "国民经济行业代码", "国民经济行业名称", "营业收入（万元）", "产业链"]
CSV_COLUMNS = ["单位详细名称", "信用代码", "乡镇街道", "行业代码", "行业类别", "主营业务收入", "统计年度"]

# Firms outside every chain (chain_id 'other'): common GB/T 4754-2017 classes and name words, for any plan.
OTHER_CLASSES = [("2231", "纸和纸板容器制造"), ("2319", "包装装潢及其他印刷"), ("2641", "涂料制造"),
                 ("2929", "塑料零件及其他塑料制品制造"), ("3484", "机械零部件加工"), ("3670", "汽车零部件及配件制造")]
OTHER_KIND = ["包装", "塑业", "机械", "化工"]
OTHER_LABELS = ["其他"]
TRADE = list("恒达华鑫泰丰源盛兴宏博瑞德信嘉诚安康明远通祥润和佳美新越晨锦")
# Classes for firms outside every chain, used where the plan maps none of the above to a chain.
OTHER_FALLBACK = [("2110", "木质家具制造"), ("2411", "文具制造"), ("4119", "其他日用杂品制造"), ("2231", "纸和纸板容器制造"),
                  ("2319", "包装装潢及其他印刷"), ("4190", "其他未列明制造业")]
UNKNOWN_TOWNS = ("外区示例镇", "邻县示例乡", "示例街道办")   # towns of no plan, for the area_unknown row
STREETS = ("示例大道", "示例路", "示例东路", "示例西路")        # addresses of large registers


def vocabulary_file(plan: Plan) -> Path:
    """Where a plan's sample vocabulary may lie: ``<plan file stem>.sample.toml`` beside the plan file."""
    return plan.path.with_name(f"{plan.path.stem}.sample.toml")


def _sample_vocabulary(plan: Plan) -> dict:
    """The plan's sample vocabulary file (hand-picked classes, name words and spellings per chain and area), or
    an empty one: sample data kept with the plan's data, never in the code."""
    path = vocabulary_file(plan)
    if not path.is_file():
        return {}
    import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ParameterError(f"{path}: not a readable sample vocabulary ({exc})") from None


def _targets_schema(plan: Plan) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "chain_id": pa.Column(str, pa.Check.isin(plan.chain_ids)),
        "year": pa.Column(int),
        "indicator": pa.Column(str, pa.Check.isin(["revenue", "enterprises"])),
        "area": pa.Column(str, pa.Check.isin(plan.areas_with_total)),
        "value": pa.Column(float, pa.Check.ge(0), coerce=True),
    }, strict=False)


@dataclass(frozen=True)
class _Vocab:
    """What a plan's synthetic register is written with: classes, name words and spellings per chain and area."""

    classes: dict[str, list[tuple[str, str]]]
    kind: dict[str, list[str]]
    chain_labels: dict[str, list[str]]
    area_aliases: dict[str, list[str]]
    areas: tuple[str, ...]
    district: str
    city: str
    unknown_town: str
    streets: tuple[str, ...]


def _vocab(plan: Plan) -> _Vocab:
    code_map = plan.industry_code_map()
    given = _sample_vocabulary(plan)
    given_chains, given_areas = given.get("chains", {}), given.get("areas", {})

    def mapped(code: str) -> bool:
        return any(code[:k] in code_map for k in (4, 3, 2))

    classes, kind, labels = {}, {}, {}
    for c in plan.chains:
        g = given_chains.get(c.id)
        own = [tuple(x) for x in g["classes"]] if g else []
        if own and all(mapped(x[0]) and code_map.get(x[0][:2], c.id) == c.id for x in own):
            classes[c.id], kind[c.id], labels[c.id] = own, list(g["kinds"]), list(g["labels"])
            continue
        own = [(x if len(x) == 4 else (x + "1" * (4 - len(x))), f"{c.name}相关制造（示例行业）") for x in c.industry_codes]
        classes[c.id] = own or [("4190", f"{c.name}相关制造（示例行业）")]
        kind[c.id] = [c.name, f"{c.name}科技", f"{c.name[:2]}实业", f"{c.name[:2]}制造"]
        labels[c.id] = [c.name, f"{c.name}产业链", *c.aliases]
    others = [x for x in OTHER_CLASSES if not mapped(x[0])]
    if len(others) < 4:
        others += [x for x in OTHER_FALLBACK if not mapped(x[0]) and x not in others]
    classes["other"], kind["other"], labels["other"] = others, OTHER_KIND, OTHER_LABELS
    aliases = {}
    for a in plan.areas:
        spelt = given_areas.get(a.name)
        if spelt and all(plan.find_area(x) == a.name for x in spelt):
            aliases[a.name] = list(spelt)
            continue
        cand = [a.name[:-len(suf)] for suf in ("街道", "镇", "乡", "园区") if a.name.endswith(suf) and len(a.name) > len(suf) + 1]
        cand += [f"{plan.district}{a.name}", *a.aliases]
        cand += [f"{a.name}办事处"] if a.name.endswith("街道") else [f"{a.name}人民政府"]
        aliases[a.name] = [x for x in dict.fromkeys(cand) if plan.find_area(x) == a.name] or [a.name]
    m = re.match(r"^(?:.{2,7}?省)?(.{2,4}?)市", plan.issuer or "")
    city = given.get("city") or (m.group(1) if m else re.sub(r"(县|区|市)$", "", plan.district))
    town = next(t for t in (*given.get("unknown_towns", ()), *UNKNOWN_TOWNS) if plan.find_area(t) is None)
    streets = tuple(given.get("streets", STREETS))
    return _Vocab(classes, kind, labels, aliases, plan.area_names, plan.district, city, town, streets)


@dataclass
class SampleRegister:
    """A synthetic register: the truth (one row per firm) and the soiled rows as written to each file."""

    year: int
    truth: pd.DataFrame  # uscc, name, area, chain_id, industry_code, industry_name, revenue_wan, above_size, fate
    xlsx_rows: pd.DataFrame  # XLSX_COLUMNS, cells as they go into the workbook (str or float)
    csv_rows: pd.DataFrame  # CSV_COLUMNS, strings
    district: str = ""  # the plan's district, named in the title rows

    def expected_panel(self) -> pd.DataFrame:
        """Above-size firms per chain × area that should come out clean (fate 'clean' or 'kept_no_code')."""
        t = self.truth[self.truth["above_size"] & self.truth["fate"].isin(["clean", "kept_no_code"])]
        return t.groupby(["chain_id", "area"]).agg(enterprises=("uscc", "size"),
                                                   revenue_yi=("revenue_wan", lambda v: v.sum() / 1e4))


def _targets(targets: pd.DataFrame | None, year: int, plan: Plan) -> pd.DataFrame:
    if targets is None:
        from ..targets.clean import load_targets  # the plan's reconciled annex table

        targets = load_targets(plan=plan)
    targets = targets[targets["indicator"].isin(["revenue", "enterprises"])]  # a register counts firms and revenue
    t = _targets_schema(plan).validate(targets)
    t = t[(t["year"] == year) & (t["area"] != DISTRICT)]
    if t.empty:
        raise ParameterError(f"the target table has no rows for {year}")
    wide = t.pivot_table(index=["chain_id", "area"], columns="indicator", values="value", aggfunc="sum")
    wide = wide.reindex(columns=["enterprises", "revenue"], fill_value=0).fillna(0)
    return wide[wide["enterprises"] > 0].reset_index()


def _revenues(rng: np.random.Generator, n: np.ndarray, total_yi: np.ndarray) -> np.ndarray:
    """Per firm, 万元: heavy-tailed shares of each cell's total on top of the threshold, cells given by n."""
    cell = np.repeat(np.arange(len(n)), n)
    x = rng.lognormal(0.0, 1.3, size=cell.size)
    share = x / np.bincount(cell, weights=x)[cell]
    spare = np.maximum(total_yi * 1e4 - THRESHOLD_WAN * n, 0.0)[cell]
    wan = THRESHOLD_WAN + spare * share
    return np.maximum(np.round(wan, 1), THRESHOLD_WAN)


def _lookup(table: dict[str, list[str]], keys: np.ndarray, pick: np.ndarray) -> np.ndarray:
    """table[key][pick % len(table[key])] for every row, by fancy indexing into a padded 2-D array."""
    order = list(table)
    width = max(len(v) for v in table.values())
    grid = np.array([v + [""] * (width - len(v)) for v in table.values()], dtype=object)
    lens = np.array([len(v) for v in table.values()])
    k = pd.Index(order).get_indexer(keys)
    return grid[k, pick % lens[k]]


def _names(rng: np.random.Generator, chain: np.ndarray, vocab: _Vocab) -> np.ndarray:
    """Distinct firm names, each with 示例 in it."""
    n = chain.size
    trade = np.asarray(TRADE, dtype=object)
    kind = _lookup(vocab.kind, chain, rng.integers(0, 4, n))
    base = pd.Series(f"{vocab.city}示例" + trade[rng.integers(0, len(trade), n)] + trade[rng.integers(0, len(trade), n)] + kind)
    dup = base.groupby(base).cumcount()  # a number for the repeats keeps names distinct
    return (base + np.where(dup > 0, dup.astype(str), "") + "有限公司").to_numpy(dtype=object)


def _grouped(v: pd.Series, decimals: int) -> pd.Series:
    """Numbers with thousands separators, vectorised: 1234567.8 -> '1,234,567.8'."""
    whole = np.floor(v.to_numpy() + 1e-9).astype(np.int64)
    frac = pd.Series(np.round(v.to_numpy() - whole, decimals)).map(("{:.%df}" % decimals).format).str[1:] \
        if decimals else pd.Series("", index=range(len(v)))
    parts = [pd.Series(whole // 10 ** 6), pd.Series(whole // 1000 % 1000), pd.Series(whole % 1000)]
    out = np.where(parts[0] > 0, parts[0].astype(str) + "," + parts[1].astype(str).str.zfill(3) + ","
                   + parts[2].astype(str).str.zfill(3),
                   np.where(parts[1] > 0, parts[1].astype(str) + "," + parts[2].astype(str).str.zfill(3),
                            parts[2].astype(str)))
    return pd.Series(out) + frac.to_numpy()


_FULL = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def _render(wan: np.ndarray, style: np.ndarray, unit: str) -> tuple[np.ndarray, np.ndarray]:
    """Revenue cells as people type them: (text, numeric-or-nan for a plain number cell)."""
    v = pd.Series(wan * (10.0 if unit == "千元" else 1.0))
    decimals = 0 if unit == "千元" else 1
    plain = v.round(decimals).map(("{:.%df}" % decimals).format)
    yi = pd.Series(np.round(wan / 1e4, 5)).astype(str) + "亿"
    text = np.select([style == "yi", style == "comma", style == "full"],
                     [yi, _grouped(v, decimals), plain.str.translate(_FULL)], plain)
    number = np.where(style == "plain", v.round(decimals).to_numpy(), np.nan)
    return text.astype(object), number


def sample_register(year: int, seed: int = 0, targets: pd.DataFrame | None = None,
                    *, plan: Plan) -> SampleRegister:
    """The synthetic register for ``year`` of a plan (see the module docstring); same seed, same register.
    ``targets``: the plan's target table (default: cleaned from the plan's raw table)."""
    vocab = _vocab(plan)
    rng = np.random.default_rng([seed, year])
    cells = _targets(targets, year, plan)
    n = cells["enterprises"].round().astype(int).to_numpy()
    firms = pd.DataFrame({
        "chain_id": np.repeat(cells["chain_id"].to_numpy(), n),
        "area": np.repeat(cells["area"].to_numpy(), n),
        "revenue_wan": _revenues(rng, n, cells["revenue"].to_numpy(dtype=float)),
    })
    # below the threshold: about 15 % more firms in the same chains and areas
    small = firms.sample(frac=0.15, random_state=int(rng.integers(1 << 31)))[["chain_id", "area"]].copy()
    small["revenue_wan"] = np.round(rng.uniform(300, 1990, len(small)), 1)
    # other industries: about 10 % of the total, anywhere, two in three above the threshold
    k = max(8, round(0.10 * len(firms)))
    areas = np.asarray(vocab.areas)
    other = pd.DataFrame({"chain_id": "other", "area": areas[rng.integers(0, len(areas), k)],
                          "revenue_wan": np.round(np.where(rng.random(k) < 2 / 3, 2000 + rng.lognormal(8, 1, k),
                                                           rng.uniform(300, 1990, k)), 1)})
    truth = pd.concat([firms, small, other], ignore_index=True)
    truth = truth.sample(frac=1.0, random_state=int(rng.integers(1 << 31))).reset_index(drop=True)
    m = len(truth)
    pick = rng.integers(0, 1 << 30, m)
    chain = truth["chain_id"].to_numpy()
    truth["industry_code"] = _lookup({c: [x[0] for x in v] for c, v in vocab.classes.items()}, chain, pick)
    truth["industry_name"] = _lookup({c: [x[1] for x in v] for c, v in vocab.classes.items()}, chain, pick)
    truth["uscc"] = make_usccs(rng, m)
    truth["name"] = _names(rng, chain, vocab)
    truth["above_size"] = truth["revenue_wan"] >= THRESHOLD_WAN
    truth["fate"] = "clean"
    return _soil(truth, year, rng, vocab)


def _soil(truth: pd.DataFrame, year: int, rng: np.random.Generator, vocab: _Vocab) -> SampleRegister:
    t = truth
    m = len(t)
    chain_rows = np.flatnonzero((t["chain_id"] != "other").to_numpy() & t["above_size"].to_numpy())
    other_rows = np.flatnonzero((t["chain_id"] == "other").to_numpy())
    hit = rng.choice(chain_rows, size=3, replace=False)  # chain firms: bad check char, no revenue, no code
    oth = rng.choice(other_rows, size=4, replace=False)  # other firms: bad charset, unknown town, negative, conflict
    fates = ["uscc_invalid", "revenue_missing", "kept_no_code", "uscc_invalid", "area_unknown", "revenue_negative",
             "duplicate_conflict"]
    t.loc[np.r_[hit, oth], "fate"] = fates

    code = pd.Series(t["uscc"].to_numpy(dtype=object))
    code = code.where(~(rng.random(m) < 0.04), code.str.lower())
    code = code.where(~(rng.random(m) < 0.03), code.str.slice_replace(8, 8, " "))
    code[hit[0]] = t["uscc"][hit[0]][:17] + ("0" if t["uscc"][hit[0]][17] != "0" else "1")  # wrong check character
    code[oth[0]] = t["uscc"][oth[0]][:10] + "O" + t["uscc"][oth[0]][11:]  # the letter O is not in the charset
    code[hit[2]] = "无"

    name = pd.Series(t["name"].to_numpy(dtype=object))
    name = name.where(~(rng.random(m) < 0.08), name.str.replace("有限公司", "（江西）有限公司", regex=False))
    t["name"] = name.str.replace("（", "(").str.replace("）", ")").to_numpy()  # the truth is the clean form
    name = name.where(~(rng.random(m) < 0.05), name + "\u3000")
    name = name.where(~(rng.random(m) < 0.04), name + "  ")

    area = np.where(rng.random(m) < 0.2, _lookup(vocab.area_aliases, t["area"].to_numpy(), rng.integers(0, 3, m)),
                    t["area"].to_numpy(dtype=object))
    area[oth[1]] = vocab.unknown_town  # a town of another district
    label = np.where(rng.random(m) < 0.5, _lookup(vocab.chain_labels, t["chain_id"].to_numpy(), rng.integers(0, 3, m)), "")
    icode = np.where(rng.random(m) < 0.3, "C" + t["industry_code"], t["industry_code"])
    style = np.select([rng.random(m) < 0.06, rng.random(m) < 0.06, rng.random(m) < 0.05],
                      ["yi", "comma", "full"], "plain").astype(object)

    # the rows as filed: every firm, a conflicting twin, three exact duplicates (one typed in 亿)
    dup_of = rng.choice(np.setdiff1d(np.r_[chain_rows, other_rows], np.r_[hit, oth]), size=3, replace=False)
    src = np.r_[np.arange(m), oth[3], dup_of]
    wan = t["revenue_wan"].to_numpy()[src].copy()
    wan[m] = np.round(wan[m] * 1.37, 1)
    row_style = style[src]
    row_style[m + 1] = "yi"
    cells = {}
    for unit in ("万元", "千元"):
        text, number = _render(wan, row_style, unit)
        gone, negative = np.flatnonzero(src == hit[1]), np.flatnonzero(src == oth[2])
        text[gone] = "—"
        text[negative] = "-" + text[negative]
        number[np.r_[gone, negative]] = np.nan  # these two are typed as text in both files
        cells[unit] = (text, number)
    order = rng.permutation(len(src))
    xlsx_num = np.where(np.isnan(cells["万元"][1]), None, cells["万元"][1]).astype(object)
    rows = pd.DataFrame({
        "序号": np.arange(1, len(src) + 1).astype(object),
        "企业名称": name.to_numpy()[src][order], "统一社会信用代码": code.to_numpy()[src][order],
        "所属镇（街道）": area[src][order], "国民经济行业代码": icode[src][order],
        "国民经济行业名称": t["industry_name"].to_numpy()[src][order],
        "营业收入（万元）": np.where(pd.isna(xlsx_num), cells["万元"][0], xlsx_num)[order],
        "产业链": label[src][order],
    })
    blank = pd.DataFrame([[None] * len(XLSX_COLUMNS)], columns=XLSX_COLUMNS)
    total = pd.DataFrame([["合计", None, None, None, None, None, round(float(wan.sum()), 1), None]], columns=XLSX_COLUMNS)
    cut = len(rows) // 2
    xlsx_rows = pd.concat([rows.iloc[:cut], blank, rows.iloc[cut:], total], ignore_index=True)

    # the GBK copy: the same register exported elsewhere: 千元, a year column, sorted by town, other headings
    csv = pd.DataFrame({
        "单位详细名称": rows["企业名称"], "信用代码": rows["统一社会信用代码"], "乡镇街道": rows["所属镇（街道）"],
        "行业代码": rows["国民经济行业代码"], "行业类别": rows["国民经济行业名称"],
        "主营业务收入": cells["千元"][0][order], "统计年度": f"{year}年",
    }).sort_values("乡镇街道", kind="stable").reset_index(drop=True)
    return SampleRegister(year, t, xlsx_rows, csv.astype(str), vocab.district)


# ------------------------------------------------------------------------------------------- writing
def _check_target(path: Path, overwrite: bool) -> None:
    if "synthetic" not in path.name.lower():
        raise ParameterError(f"{path}: a synthetic register's file name must say so (contain 'synthetic')")
    if path.exists() and not overwrite:
        raise ParameterError(f"{path} exists; sample files are written once and not overwritten")


def _write_xlsx(s: SampleRegister, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = f"{s.year}年名录"
    ncol = len(XLSX_COLUMNS)
    ws.append([TITLE.format(year=s.year, district=s.district)] + [None] * (ncol - 1))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws["A1"].font = Font(bold=True)
    ws.append([f"填报单位：{s.district}（示例）"] + [None] * (ncol - 2) + [f"数据年度：{s.year}"])
    # a two-row heading, as offices draw it: single headings merged down, 国民经济行业 over code and name
    ws.append(["序号", "企业名称", "统一社会信用代码", "所属镇（街道）", "国民经济行业", None, "营业收入", "产业链"])
    ws.append([None, None, None, None, "代码", "名称", "（万元）", None])
    for c in (1, 2, 3, 4, 8):
        ws.merge_cells(start_row=3, start_column=c, end_row=4, end_column=c)
    ws.merge_cells(start_row=3, start_column=5, end_row=3, end_column=6)
    for row in ws.iter_rows(min_row=3, max_row=4):
        for cell in row:
            cell.alignment = Alignment(horizontal="center", vertical="center")
    cells = s.xlsx_rows.astype(object).where(s.xlsx_rows.notna() & s.xlsx_rows.ne(""), None)
    for values in cells.itertuples(index=False, name=None):  # openpyxl's writer takes rows one by one
        ws.append(list(values))
    ws.append([NOTE] + [None] * (ncol - 1))
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=ncol)
    for col, width in zip("ABCDEFGH", (6, 34, 22, 16, 10, 26, 14, 14)):
        ws.column_dimensions[col].width = width
    wb.save(path)


def _write_xls(s: SampleRegister, path: Path) -> None:
    """The workbook's layout as a legacy .xls (BIFF8), as older statistics systems export it. Needs xlwt
    (a development dependency: the cleaner reads .xls through python-calamine, only writing needs xlwt)."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(f"{s.year}年名录")
    ncol = len(XLSX_COLUMNS)
    bold = xlwt.easyxf("font: bold on")
    centre = xlwt.easyxf("align: horiz center, vert center")
    ws.write_merge(0, 0, 0, ncol - 1, TITLE.format(year=s.year, district=s.district), bold)
    ws.write(1, 0, f"填报单位：{s.district}（示例）")
    ws.write(1, ncol - 1, f"数据年度：{s.year}")
    upper = ["序号", "企业名称", "统一社会信用代码", "所属镇（街道）", "国民经济行业", None, "营业收入", "产业链"]
    for c in (0, 1, 2, 3, 7):  # single headings merged down over the two heading rows
        ws.write_merge(2, 3, c, c, upper[c], centre)
    ws.write_merge(2, 2, 4, 5, "国民经济行业", centre)
    for c, text in ((4, "代码"), (5, "名称"), (6, "（万元）")):
        ws.write(3, c, text, centre)
    ws.write(2, 6, "营业收入", centre)
    cells = s.xlsx_rows.astype(object).where(s.xlsx_rows.notna() & s.xlsx_rows.ne(""), None)
    r = 4
    for r, values in enumerate(cells.itertuples(index=False, name=None), start=4):
        for c, v in enumerate(values):
            if v is not None:
                ws.write(r, c, float(v) if isinstance(v, (int, float, np.number)) else str(v))
    ws.write_merge(r + 1, r + 1, 0, ncol - 1, NOTE)
    for c, width in enumerate((6, 34, 22, 16, 10, 26, 14, 14)):
        ws.col(c).width = width * 256
    wb.save(str(path))


def _write_csv(s: SampleRegister, path: Path) -> None:
    lines = [CSV_TITLE.format(year=s.year, district=s.district), "单位：千元"]
    body = s.csv_rows.to_csv(index=False, lineterminator="\r\n")
    text = "\r\n".join(lines) + "\r\n" + body
    try:
        data = text.encode("gbk")
    except UnicodeEncodeError:  # pragma: no cover - every character used is in GBK
        data = text.encode("gb18030")
    path.write_bytes(data)


def _atomic(path: Path, writer, s: SampleRegister) -> None:
    with atomic_path(path) as tmp:  # the one atomic writer: a temp file beside it, renamed; never under data/raw
        writer(s, tmp)


WRITERS = {".xlsx": _write_xlsx, ".xls": _write_xls, ".csv": _write_csv}


def write_sample(year: int, *, seed: int = 0, out: Path, targets: pd.DataFrame | None = None,
                 overwrite: bool = False, plan: Plan) -> list[Path]:
    """Write the synthetic register for ``year`` of a plan and return the paths.

    ``out`` is a folder (then ``synthetic_register_{year}.xlsx`` and ``synthetic_register_{year}_gbk.csv``
    are written into it) or one file path ending .xlsx, .xls or .csv whose name contains 'synthetic'. Existing
    files are not overwritten unless ``overwrite``. Writes only there, each file atomically.
    """
    out = Path(out)
    if out.suffix.lower() in tuple(WRITERS):
        paths = [out]
    else:
        paths = [out / f"synthetic_register_{year}.xlsx", out / f"synthetic_register_{year}_gbk.csv"]
    for p in paths:
        _check_target(p, overwrite)
    s = sample_register(year, seed=seed, targets=targets, plan=plan)
    for p in paths:
        _atomic(p, WRITERS[p.suffix.lower()], s)  # makes the folder, after refusing data/raw
    return paths


# ------------------------------------------------------------------------------------------- big
def large_register(n: int, year: int = 2024, seed: int = 0, wide: bool = False, *, plan: Plan) -> pd.DataFrame:
    """``n`` synthetic register rows (strings, office headings) for speed tests: no targets, light soiling.

    About 1 % of rows carry each kind of dirt (lower-case codes, bad check characters, alias and
    Traditional towns, 亿-suffixed or comma-grouped revenue), 0.5 % a revenue of '—', 0.5 % are exact
    duplicates of the row above. ``wide`` adds the other columns a statistics-bureau export carries
    (法定代表人, 详细地址, 登记注册类型, 利润总额, 从业人员, 资产总计, 联系电话), which the cleaner carries
    along but does not parse.
    """
    vocab = _vocab(plan)
    rng = np.random.default_rng([seed, year, n])
    chains = list(vocab.classes)
    chain = np.asarray(chains)[rng.integers(0, len(chains), n)]
    klass = rng.integers(0, 6, n)
    wan = np.round(np.where(rng.random(n) < 0.8, 2000 + rng.lognormal(8, 1.2, n), rng.uniform(100, 1999, n)), 1)
    firm = pd.Series(np.arange(n)).astype(str).str.zfill(7)
    cols = {
        "序号": pd.Series(np.arange(1, n + 1)).astype(str),
        "企业名称": f"{vocab.city}示例" + firm + "号企业有限公司",
        "统一社会信用代码": pd.Series(make_usccs(rng, n)),
        "所在镇街": pd.Series(np.asarray(vocab.areas)[rng.integers(0, len(vocab.areas), n)]),
        "行业代码": pd.Series(_lookup({c: [x[0] for x in v] for c, v in vocab.classes.items()}, chain, klass)),
        "行业名称": pd.Series(_lookup({c: [x[1] for x in v] for c, v in vocab.classes.items()}, chain, klass)),
        "营业收入（万元）": pd.Series(wan).astype(str),
        "年份": pd.Series([str(year)] * n),
    }
    if wide:
        surname, given = np.asarray(list("王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗")), np.asarray(list(TRADE))
        roads = np.asarray(vocab.streets)
        cols.update({
            "法定代表人": pd.Series(surname[rng.integers(0, 20, n)]) + given[rng.integers(0, len(given), n)],
            "详细地址": f"{vocab.city}市{vocab.district}" + pd.Series(roads[rng.integers(0, len(roads), n)])
                        + pd.Series(rng.integers(1, 2000, n)).astype(str) + "号（示例）",
            "登记注册类型": pd.Series(np.asarray(["有限责任公司", "股份有限公司", "私营企业", "外商投资企业"])[
                rng.integers(0, 4, n)]),
            "利润总额（万元）": pd.Series(np.round(wan * rng.uniform(-0.05, 0.12, n), 1)).astype(str),
            "从业人员期末人数": pd.Series(rng.integers(5, 3000, n)).astype(str),
            "资产总计（万元）": pd.Series(np.round(wan * rng.uniform(0.5, 3.0, n), 1)).astype(str),
            "联系电话": "0791-8" + pd.Series(rng.integers(0, 9_999_999, n)).astype(str).str.zfill(7),
        })
    df = pd.DataFrame(cols)
    r = rng.random(n)
    pos = lambda lo, hi: np.flatnonzero((r >= lo) & (r < hi))
    low, bad = pos(0.00, 0.01), pos(0.01, 0.02)
    df.loc[low, "统一社会信用代码"] = df.loc[low, "统一社会信用代码"].str.lower()
    df.loc[bad, "统一社会信用代码"] = df.loc[bad, "统一社会信用代码"].str.slice(0, 17) + "Z"
    spelt = [x for a in vocab.areas for x in vocab.area_aliases.get(a, [])[:2] if x != a]
    df.loc[pos(0.02, 0.03), "所在镇街"] = spelt[0] if spelt else vocab.areas[0]
    df.loc[pos(0.03, 0.04), "所在镇街"] = spelt[1] if len(spelt) > 1 else vocab.areas[-1]
    yi, cm = pos(0.04, 0.05), pos(0.05, 0.06)
    df.loc[yi, "营业收入（万元）"] = (pd.Series(wan[yi] / 1e4).round(5).astype(str) + "亿").to_numpy()
    df.loc[cm, "营业收入（万元）"] = _grouped(pd.Series(wan[cm]), 1).to_numpy()
    df.loc[pos(0.06, 0.065), "营业收入（万元）"] = "—"
    dup = pos(0.07, 0.075)
    dup = dup[dup > 0]
    df.iloc[dup, 1:] = df.iloc[dup - 1, 1:].to_numpy()  # the row above again, under its own 序号
    return df
