"""Text cells that are safe to open in Excel or WPS: no cell of ours ever starts a formula.

A CSV or spreadsheet cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or with a tab or carriage
return) is read by Excel, WPS and LibreOffice as a formula, and a formula can run commands or leak data
(``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``, ``@SUM(...)``; OWASP, *CSV Injection*). Input files are what
they are, but everything chainplan *writes* goes through :func:`neutralise_frame`: such a text cell gets a
leading apostrophe (``'=HYPERLINK(...)``), which the spreadsheet hides and treats as "this is text".

The test is made on the NFKC form of the cell's start (full-width ``＝`` becomes ``=`` under the
normalisation cleaners apply) and after leading spaces. Text that is just a number (``-12.5``) or a dash
placeholder (``-``) is left alone: a spreadsheet reads it as the number or text it is. Numeric, boolean and date columns are never touched;
the raw text stays visible wherever a cleaning log quotes it.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

__all__ = ["FORMULA_STARTS", "is_formula_like", "neutralise", "neutralise_frame"]

FORMULA_STARTS = frozenset("=+-@")
_CONTROL_STARTS = ("\t", "\r", "\n")
_DASHES = re.compile(r"^-+$")  # the '-' placeholders tables print for "none"
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")


def is_formula_like(text: object) -> bool:
    """True when a spreadsheet would read this text cell as a formula (see the module docstring)."""
    if not isinstance(text, str) or not text:
        return False
    if text.startswith(_CONTROL_STARTS):
        return True
    head = unicodedata.normalize("NFKC", text[:8]).lstrip(" \u3000")
    if not head or head[0] not in FORMULA_STARTS:
        return False
    whole = unicodedata.normalize("NFKC", text).strip()
    return not (_PLAIN_NUMBER.match(whole) or _DASHES.match(whole))


def neutralise(text: object) -> object:
    """``'`` + text for a formula-like text cell; anything else unchanged."""
    return "'" + text if is_formula_like(text) else text


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text columns (object / string / categorical of strings) are neutralised.

    Numeric, boolean and datetime columns are returned as they are; the frame's shape, column order and
    dtypes of untouched columns are kept.
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            cats = s.cat.categories
            if cats.dtype == object or pd.api.types.is_string_dtype(cats.dtype):
                new = [neutralise(c) for c in cats]
                if list(new) != list(cats):
                    out[col] = s.cat.rename_categories(new)
            continue
        if not (s.dtype == object or pd.api.types.is_string_dtype(s.dtype)):
            continue
        mask = s.map(is_formula_like, na_action="ignore").fillna(False).astype(bool)
        if mask.any():
            out.loc[mask, col] = "'" + s[mask].astype(str)
    return out
