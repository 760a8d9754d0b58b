"""Rounding as statistics offices print (四舍五入): a half goes up, away from zero — 56.25 % prints 56.3 %, 2.25 亿元
prints 2.3 — where Python's own formatting rounds an exact half to even (56.2, 2.2). The decimal written is the
shortest one that reads back as the float (``repr``), so 0.05 is a half, not 0.05000000000000000277."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["half_up", "fixed", "pct"]


def half_up(x: float, digits: int = 1) -> float:
    """``x`` rounded to ``digits`` decimals, a half away from zero; NaN and infinities unchanged."""
    if not math.isfinite(x):
        return x
    return float(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def fixed(x: float, digits: int = 1, *, sign: bool = False, grouping: bool = False) -> str:
    """``x`` printed with ``digits`` decimals, rounded half up (``sign``: a + before positive values; ``grouping``:
    thousands separators). A value that rounds to zero prints without a sign."""
    r = half_up(float(x), digits)
    if r == 0:
        r = 0.0
    return f"{r:{'+' if sign and r != 0 else ''}{',' if grouping else ''}.{digits}f}"


def pct(fraction: float, digits: int = 1, *, sign: bool = False) -> str:
    """A fraction as a percentage, rounded half up: 0.5625 → '56.3%'."""
    return fixed(float(fraction) * 100, digits, sign=sign) + "%"
