"""What data a briefing year has, and what the pages say where a part is missing.

Every plan year (2023–2026) can be briefed: the base year has levels and shares but no changes, and a year
whose enterprise register has not been supplied still gets everything that needs no register. These notes
say so plainly, in Chinese, and tell the reader what to pass to fill the gap — so a notebook fails only
for a real error, never because a year is early or its register is not in yet.
"""

from __future__ import annotations

__all__ = ["register_years", "has_register_year", "register_missing_md", "base_year_md", "NO_REGISTER_MD"]

NO_REGISTER_MD = "未提供企业名录（`use_register = False`），本节从略。"


def register_years(register) -> list[int]:
    """Years the cleaned register covers ([] when there is no register)."""
    return [] if register is None else list(register.years)


def has_register_year(register, year: int) -> bool:
    return int(year) in register_years(register)


def register_missing_md(year: int | None, register) -> str:
    """The note a register section shows when the year's register has not been supplied
    (``year=None``: no register year up to the briefing year)."""
    years = register_years(register)
    have = f"现有名录年份：{'、'.join(str(y) for y in years)} 年" if years else "目前没有任何年份的名录"
    which = f"{year} 年的" if year is not None else "本年及以前的"
    y = year if year is not None else "YYYY"
    return (f"**{which}规上企业名录尚未提供**（{have}），本节需要该年名录，暂从略；其余各节不受影响。"
            f"补齐方法：把{' ' if year is not None else ''}{which}名录文件（.xlsx / .csv）放进一个文件夹，运行 "
            f"`chainplan brief --year {y} --registers 名录文件夹`；直接运行本笔记本时，把参数 "
            f"`register_dir` 设为该文件夹。")


def base_year_md(year: int, base_year: int) -> str:
    """The note shown instead of changes when the briefing year is the base year itself."""
    return (f"{year} 年即基年（{base_year} 年）：本页只列当年水平与占比，不列变化，也不做偏离-份额分析；"
            f"这些从 {base_year + 1} 年起才有可比的前一年份。")
