"""What the register cleaner produces: column lists, reason codes, output file names and pandera schemas.

The schemas are the boundary checks of :func:`chainplan_lib.cleaning.register.clean.clean_registers`; the reason
codes (English, for machines) each have a meaning (English, for the command line) and a Chinese label (the
quarantine's ``reason`` column is written in Chinese for the staff who fix the rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ...plan.model import Plan
from ...plan.names import DISTRICT, OTHER_CHAIN
from .values import arrow_strings, matches, utf8_lengths

__all__ = [
    "OTHER_NAME", "OTHER_ID", "CLEAN_COLUMNS",
    "QUARANTINE_TAIL", "DUPLICATE_COLUMNS", "PANEL_COLUMNS", "OUTPUT_FILES", "REASONS", "REASONS_CN",
    "FIELD_LABELS_CN", "QUARANTINE_SCHEMA", "RegisterNames", "register_names",
]

OTHER_NAME, OTHER_ID = OTHER_CHAIN
CLEAN_COLUMNS = ["year", "uscc", "name", "area", "chain", "chain_id", "industry_code", "industry_name",
                 "revenue_yi", "above_size", "uscc_missing", "chain_source", "source_file", "source_sheet",
                 "source_row"]
QUARANTINE_TAIL = ["source_file", "source_sheet", "source_row", "reason_code", "reason"]
DUPLICATE_COLUMNS = ["year", "uscc", "name", "area", "revenue_yi", "source_file", "source_sheet", "source_row",
                     "kept_file", "kept_sheet", "kept_row"]
PANEL_COLUMNS = ["year", "chain_id", "area", "enterprises", "revenue_yi", "chain"]
OUTPUT_FILES = {"clean": "register_clean.csv", "quarantine": "register_quarantine.csv",
                "duplicates": "register_duplicates_dropped.csv", "panel": "register_panel.csv",
                "summary": "register_summary.json"}
REASONS = {  # reason_code -> what it means
    "subtotal_row": "a subtotal/total row (合计/小计/总计), not an enterprise",
    "note_row": "a note or sign-off row (注/说明/填报人 …), not an enterprise",
    "header_repeat": "the header repeated inside the data",
    "name_missing": "no enterprise name",
    "uscc_invalid": "统一社会信用代码 fails GB 32100-2015 (length, characters or check character)",
    "area_missing": "no town/sub-district",
    "area_unknown": "town/sub-district is not one of the plan's areas or a known alias",
    "area_district": "area is the district total (全区), not an enterprise's town",
    "revenue_missing": "revenue blank or a placeholder (—, -, /, 无)",
    "revenue_negative": "revenue is negative",
    "revenue_not_number": "revenue is not a number",
    "revenue_bad_separator": "revenue has thousands separators out of place (3,20 or 1,3), so it is not read",
    "revenue_out_of_range": "revenue is not a finite number or above 10 万亿元 (1e5 亿元) for one firm",
    "year_missing": "no year in the row, the title or the file name",
    "year_invalid": "year is not a year between 1990 and 2100",
    "chain_unknown": "产业链 names none of the plan's chains nor 其他",
    "industry_code_missing": "no 产业链 and no industry code to assign a chain",
    "industry_code_invalid": "industry code is not a GB/T 4754-2017 code",
    "duplicate_conflict": "same credit code twice in one year with different values",
    "name_not_unique": "no credit code and the name is not unique in the year",
}
REASONS_CN = {  # reason_code -> 中文说明 (for tables and the summary people read)
    "subtotal_row": "合计/小计行，不是企业",
    "note_row": "注释或落款行（注、说明、填报人等），不是企业",
    "header_repeat": "数据中重复出现的表头",
    "name_missing": "缺企业名称",
    "uscc_invalid": "统一社会信用代码不符合 GB 32100-2015（位数、字符或校验码）",
    "area_missing": "缺所在镇（街道）",
    "area_unknown": "镇（街道、园区）不在方案所列区域及已知别名之内",
    "area_district": "区域填的是全区合计，不是企业所在镇街",
    "revenue_missing": "营业收入为空或为占位符（—、-、/、无）",
    "revenue_negative": "营业收入为负数",
    "revenue_not_number": "营业收入不是数值",
    "revenue_bad_separator": "营业收入千位分隔符位置不对（如 3,20、1,3），不按数值读取",
    "revenue_out_of_range": "营业收入不是有限数值或超出合理范围（单户大于 10 万亿元）",
    "year_missing": "行内、标题和文件名中都没有年份",
    "year_invalid": "年份不是 1990—2100 年之间的年份",
    "chain_unknown": "产业链不是方案所列产业链之一，也不是“其他”",
    "industry_code_missing": "既无产业链也无行业代码，无法归链",
    "industry_code_invalid": "行业代码不是 GB/T 4754-2017 代码",
    "duplicate_conflict": "同一信用代码同一年份出现多次且内容不同",
    "name_not_unique": "缺信用代码且企业名称在当年不唯一",
}
FIELD_LABELS_CN = {"name": "企业名称", "area": "镇街", "chain_id": "产业链", "industry_code": "行业代码",
                   "revenue_wan": "营业收入"}


def _lengths(s: pd.Series) -> np.ndarray:
    return utf8_lengths(arrow_strings(s))


_CODES = r"^(%s)(; (%s))*$" % ("|".join(REASONS), "|".join(REASONS))


@dataclass(frozen=True, eq=False)
class RegisterNames:
    """What a register's clean table and panel may hold for one plan: its chains plus 其他, its areas."""

    plan: Plan
    chain_ids_all: tuple[str, ...]        # the plan's chain ids, then 'other'
    chain_name_by_id: dict[str, str]      # id -> Chinese name (其他 for 'other')
    areas: tuple[str, ...]                # the plan's areas, in its order
    area_categories: tuple[str, ...]      # 全区, then the areas (the panel's order)
    clean_schema: pa.DataFrameSchema
    panel_schema: pa.DataFrameSchema


@lru_cache(maxsize=8)
def _names(plan: Plan) -> RegisterNames:
    ids = (*plan.chain_ids, OTHER_ID)
    names = {**{c.id: c.name for c in plan.chains}, OTHER_ID: OTHER_NAME}
    areas = plan.area_names
    clean = pa.DataFrameSchema({
        "year": pa.Column(np.int64, pa.Check.in_range(1990, 2100)),
        # lengths read from the Arrow offsets (the str_length check builds a million Python ints)
        "uscc": pa.Column("str", pa.Check(lambda s: pd.Series((lambda n: (n == 0) | (n == 18))(_lengths(s)), index=s.index),
                                          name="uscc_empty_or_18_chars")),
        "name": pa.Column("str", pa.Check(lambda s: pd.Series(_lengths(s) > 0, index=s.index), name="name_not_empty")),
        # a categorical's dtype fixes its allowed values, so these checks cost nothing per row
        "area": pa.Column(pd.CategoricalDtype(list(areas))),
        "chain": pa.Column(pd.CategoricalDtype([names[c] for c in ids])),
        "chain_id": pa.Column(pd.CategoricalDtype(list(ids))),
        "industry_code": pa.Column("category", nullable=True),  # blank when the chain came from 产业链
        "industry_name": pa.Column("category", nullable=True),
        "revenue_yi": pa.Column(float, pa.Check.ge(0)),
        "above_size": pa.Column(bool),
        "uscc_missing": pa.Column(bool),
        "chain_source": pa.Column(pd.CategoricalDtype(["column", "industry_code"])),
        "source_file": pa.Column("category"),
        "source_sheet": pa.Column("category"),
        "source_row": pa.Column(np.int64, pa.Check.ge(1)),
    }, strict=True, ordered=True)
    panel = pa.DataFrameSchema({
        "year": pa.Column(np.int64, pa.Check.in_range(1990, 2100)),
        "chain_id": pa.Column("str", pa.Check.isin(ids)),
        "area": pa.Column("str", pa.Check.isin((DISTRICT, *areas))),
        "enterprises": pa.Column(np.int64, pa.Check.ge(0)),
        "revenue_yi": pa.Column(float, pa.Check.ge(0)),
        "chain": pa.Column("str"),
    }, strict=True, ordered=True, unique=["year", "chain_id", "area"])
    return RegisterNames(plan, ids, names, areas, (DISTRICT, *areas), clean, panel)


def register_names(plan: Plan) -> RegisterNames:
    """The register's names and schemas for ``plan``, built once per plan."""
    return _names(plan)


QUARANTINE_SCHEMA = pa.DataFrameSchema({
    "source_file": pa.Column("str"),
    "source_sheet": pa.Column("str"),
    "source_row": pa.Column(np.int64, pa.Check.ge(1)),
    # both checks run as Arrow kernels (pandera's own str_matches / str_length go value by value)
    "reason_code": pa.Column("str", pa.Check(lambda s: pd.Series(matches(s, _CODES), index=s.index),
                                             name="known_reason_codes")),
    "reason": pa.Column("str", pa.Check(lambda s: pd.Series(_lengths(s) > 0, index=s.index), name="reason_given")),
})

# pandera imports its pandas backends (and hypothesis) on the first validate, ~0.5 s: validating an empty
# frame here makes that part of importing this module rather than of the first register cleaned.
pa.DataFrameSchema({"year": pa.Column(np.int64, pa.Check.ge(0)), "chain_id": pa.Column("str")}).validate(
    pd.DataFrame({"year": pd.Series(dtype=np.int64), "chain_id": pd.Series(dtype="str")}))
