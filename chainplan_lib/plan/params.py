"""Notebook and batch parameters, validated before anything runs: one clear line on a bad value."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Iterable

from ..errors import ParameterError
from .names import CHAIN_IDS, CHAIN_NAMES, DISTRICT, YEARS, find_chain

__all__ = ["check_year", "check_chain", "check_rates", "check_tolerance", "check_path", "check_base_total",
           "install_short_errors"]

ALL = "all"


def check_year(year: Any, name: str = "year", years: Iterable[int] = YEARS) -> int:
    """A plan year (2023–2026) as int."""
    years = tuple(years)
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={year!r} is not a year; use one of {years[0]}–{years[-1]}") from None
    if y != year and not (isinstance(year, str) and year.strip() == str(y)):
        raise ParameterError(f"{name}={year!r} is not a whole year")
    if y not in years:
        raise ParameterError(f"{name}={y} is outside the plan's years {years[0]}–{years[-1]}")
    return y


def check_chain(chain: Any, *, allow_all: bool = True) -> str:
    """A chain id (textiles / metallurgy / electronics / food_pharma) or 'all' (全区, sum of the four).

    Accepts ids, Chinese names and aliases; returns the id.
    """
    if allow_all and str(chain).strip().lower() in {ALL, DISTRICT, "全部", "合计"}:
        return ALL
    c = find_chain(str(chain)) if chain is not None else None
    if c is None:
        choices = ", ".join(CHAIN_IDS) + (", all (全区)" if allow_all else "")
        raise ParameterError(f"chain={chain!r} is not a known chain; use one of {choices} "
                             f"or a Chinese name ({', '.join(CHAIN_NAMES)})")
    return c.id


def check_rates(rates: Any, name: str = "scenario_rates") -> list[float]:
    """Annual growth rates as fractions (0.10 = 10 %), each between -0.5 and 1."""
    if isinstance(rates, (int, float)):
        rates = [rates]
    try:
        out = [float(r) for r in rates]
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={rates!r} must be a list of fractions such as [0.08, 0.10, 0.12]") from None
    if not out:
        raise ParameterError(f"{name} is empty; give at least one rate such as 0.10")
    bad = [r for r in out if not -0.5 <= r <= 1.0]
    if bad:
        raise ParameterError(f"{name}={rates!r}: {bad[0]} is not a yearly rate as a fraction (0.10 means 10 %)")
    return out


def check_tolerance(pp: Any, name: str = "tolerance_pp") -> float:
    """Tolerance in percentage points (1.0 = ±1 pp), between 0 and 10."""
    try:
        v = float(pp)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={pp!r} is not a number of percentage points") from None
    if not 0 <= v <= 10:
        raise ParameterError(f"{name}={v} must be between 0 and 10 percentage points")
    return v


def check_base_total(total: Any, minimum: float = 0.0, name: str = "base_total_yi") -> float | None:
    """Optional total above-size industrial revenue of the base year, 亿元; must exceed `minimum`."""
    if total is None:
        return None
    try:
        v = float(total)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={total!r} is not an amount in 亿元") from None
    if v <= minimum:
        raise ParameterError(f"{name}={v:g} 亿元 must exceed {minimum:g} 亿元 (the four chains' own base)")
    return v


def check_path(path: Any, name: str, *, must_exist: bool = True, allow_none: bool = True) -> Path | None:
    """A file or folder parameter; None allowed where the library has a bundled default."""
    if path is None or path == "":
        if allow_none:
            return None
        raise ParameterError(f"{name} is required")
    p = Path(path).expanduser()
    if must_exist and not p.exists():
        raise ParameterError(f"{name}={str(path)!r} does not exist")
    return p


def install_short_errors() -> None:
    """In IPython/Jupyter, show :class:`ParameterError` as one line instead of a traceback."""
    ip = sys.modules.get("IPython")
    shell = ip.get_ipython() if ip is not None else None
    if shell is None:
        return

    def _one_line(shell, etype, value, tb, tb_offset=None):  # noqa: ARG001
        # IPython records the error (the cell fails, so papermill and "Run all" stop here) but leaves
        # showing it to the handler: show it as an error output whose traceback is this one line.
        stb = [f"ParameterError: {value}"]
        shell._showtraceback(etype, value, stb)
        return stb

    shell.set_custom_exc((ParameterError,), _one_line)
