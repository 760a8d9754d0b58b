"""`chainplan plan new`: a commented plan-file skeleton for another district, to fill in with the document open.

The district's name is text, never a path: :func:`check_district` refuses one holding a path separator or
characters no name holds (control, invisible or text-direction characters, ``: * ? " < > |``), starting with a dot
or like a spreadsheet formula; values are written into the TOML as escaped strings.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path

from ..errors import ParameterError

__all__ = ["check_district", "skeleton"]

_NOT_IN_NAMES = set('/\\:*?"<>|')

_TEMPLATE = '''\
# ============================================================================================================
# Plan file for {district}. Fill in every value with the plan document open, and cite for each number the
# section it comes from. Check it with:  chainplan plan check {filename}
# Units: revenue in 亿元, enterprises in 户. Names in their plain simplified form: full-width and Traditional
# forms, the suffixes 产业链/产业集群 (chains) and 镇/乡/街道/园区/办事处/管委会 (areas) and the district prefix
# are understood without listing them; add `aliases` only for other spellings.
# The bundled example is data/plans/qingshanhu-2024.toml.
# ============================================================================================================

format = 1

[plan]
title = {title}   # the document's full title
reference = ""                 # 文号, e.g. "X政发〔{year}〕N号"
issued = "{today}"             # date of issue, YYYY-MM-DD
issuer = {issuer}
district = {district_str}
years = [{years}]              # the years of the annex table, consecutive
base_year = {y0}
target_year = {y1}
overall_indicator = "revenue"  # the indicator the overall goal is about
overall_growth = 0.10          # e.g. "规模以上工业营业收入年均增长10%左右" → 0.10; remove if the plan has none
overall_qualifier = "左右"      # 左右 (about, read as ± a tolerance) or 以上 (at least)
overall_section = "二、目标要求"

[table]
# the annex table as extracted from the PDF, relative to this file and inside its folder (for a plan kept in a
# data/plans/ folder: anywhere under that data/ folder, e.g. "../raw/targets.txt")
path = {table_path}
title = {table_title}    # the table's title as printed
unit = "亿元"
section = "附件N"

[[indicators]]
id = "revenue"
labels = ["营业收入", "主营业务收入"]
unit = "亿元"

[[indicators]]
id = "enterprises"
labels = ["规上户数", "户数"]
unit = "户"

# One [[chains]] per chain, in the order the plan presents them.
[[chains]]
id = "chain_one"               # lower-case letters, digits and _
name = "第一条产业链"            # as the plan names it, without 产业链
aliases = []
industry_codes = []            # GB/T 4754-2017 divisions/classes whose firms belong to it, e.g. ["17", "18"]
  [[chains.targets]]           # a target stated in the text (repeat for each)
  year = {y1}
  indicator = "revenue"
  value = 0
  qualifier = "力争达到"
  section = "三、……"

# One [[areas]] per town, sub-district or park, in the column order of the table (the district total is 全区).
[[areas]]
name = "某某镇"

# Optional: firm-size targets of a chain (cumulative counts of firms above each threshold).
# [[size_bands]]
# chain = "chain_one"
# year = {y1}
# thresholds = [1, 5, 10]   # 亿元
# counts = [20, 5, 2]       # 户
# section = "附件M ……"
'''


def check_district(district: str) -> str:
    """``district`` as a name (NFC, stripped), or :class:`ParameterError`: it is written into the plan and into
    the default file names (``DISTRICT-plan.toml``, ``DISTRICT-targets.txt``), so it never holds a path."""
    name = unicodedata.normalize("NFC", district).strip()
    shown = f"--district {district!r}"
    if not name:
        raise ParameterError("--district must name the district or county, e.g. --district 云溪县")
    bad = next((ch for ch in name if ch in _NOT_IN_NAMES or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")),
               None)
    if bad is not None:
        raise ParameterError(f"{shown}: a district's name, not a path: it may not hold {ascii(bad)} "
                             "(nor / \\ : * ? \" < > | or control, invisible or text-direction characters)")
    if name.startswith(".") or unicodedata.normalize("NFKC", name[0]) in "=+-@":
        raise ParameterError(f"{shown}: a district's name may not begin with {name[0]!r}")
    if len(name) > 64:
        raise ParameterError(f"{shown}: longer than 64 characters; give the district's name as the plan prints it")
    return name


def skeleton(district: str, years: tuple[int, int] | None = None, filename: str = "PLAN.toml",
             today: date | None = None) -> str:
    """The skeleton's text for ``district`` (years default to this year + 3); the table is expected beside the
    plan file as ``DISTRICT-targets.txt``."""
    district = check_district(district)
    today = today or date.today()
    y0, y1 = years or (today.year, today.year + 3)
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in filename):
        filename = "PLAN.toml"  # the name goes into a comment line
    toml = lambda text: json.dumps(text, ensure_ascii=False)  # a TOML basic string, escaped
    return _TEMPLATE.format(district=district, district_str=toml(district), issuer=toml(f"{district}人民政府"),
                            title=toml(f"{district}……行动计划方案（{y0}-{y1}年）"),
                            table_path=toml(f"{district}-targets.txt"), table_title=toml(f"{district}重点产业链目标预测表"),
                            y0=y0, y1=y1,
                            years=", ".join(str(y) for y in range(y0, y1 + 1)), today=today.isoformat(),
                            year=today.year, filename=filename)


def parse_years(text: str, flag: str = "--years") -> tuple[int, int]:
    """``FIRST-LAST`` (e.g. ``2024-2027``) → (2024, 2027); a clear error naming ``flag`` otherwise."""
    y0, sep, y1 = text.partition("-")
    if not (sep and y0.strip().isdigit() and y1.strip().isdigit() and 1990 <= int(y0) < int(y1) <= 2100):
        raise ParameterError(f"{flag} {text!r}: expected FIRST-LAST such as 2024-2027")
    return int(y0), int(y1)


def write_skeleton(district: str, *, years: tuple[int, int] | None = None, out: Path | None = None) -> Path:
    """Write :func:`skeleton` of ``district`` (a name, never a path) to ``out`` (default ``<district>-plan.toml``
    here), never over a file — not even one that appears meanwhile; returns the path written."""
    from ..paths import check_output_file

    district = check_district(district)
    out = check_output_file(out if out is not None else Path(f"{district}-plan.toml"), "--out")
    if out.exists():
        raise ParameterError(f"--out {out}: exists; a skeleton is never written over a file (choose another name)")
    text = skeleton(district, years=years, filename=out.name)
    with open(out, "x", encoding="utf-8") as fh:
        fh.write(text)
    return out
