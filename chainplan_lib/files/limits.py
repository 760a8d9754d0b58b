"""How big each kind of input may be: one :class:`Kind` per kind of file, with its byte cap and, for workbooks,
the largest sheet it can hold.

Caps are generous for real files and small enough that a wrong or hostile file (``/dev/zero``, a 5 KB workbook
whose one stray cell sits at ``XFD1048576``, a zip bomb) is refused with one line before anything large is
allocated. :mod:`chainplan_lib.files.regular` applies the byte caps, :mod:`chainplan_lib.files.workbook` the sheet
limits.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Kind", "PLAN_FILE", "TARGET_TABLE", "TARGETS_CSV", "REGISTER", "ACTUALS", "WEBPAGE", "PARAMS",
           "human_size"]


@dataclass(frozen=True)
class Kind:
    """A kind of input file: what it is called in messages, what is expected instead of a folder, and how big
    it may be (``why`` says so in the refusal). Workbook kinds also bound a sheet: rows, columns and cells of
    its used range counted from A1 (what the reader would allocate), and the sheet's XML once unzipped."""

    name: str
    expected: str
    max_bytes: int
    why: str
    max_rows: int = 0
    max_columns: int = 0
    max_cells: int = 0
    max_sheet_xml: int = 0


PLAN_FILE = Kind("plan file", "the plan file (TOML)", 1_000_000, "a plan file is a few KB")
TARGET_TABLE = Kind("target table", "the text file of Attachment 2", 1_000_000,
                    "Attachment 2 is a few KB of text, so this is not it")
TARGETS_CSV = Kind("targets table", "a targets.csv written by `chainplan targets`", 50_000_000,
                   "a cleaned targets table is a few hundred KB at most")
REGISTER = Kind("register", "a register file (.xlsx, .xls, .ods, .et, .csv)", 8_000_000_000,
                "a register of five million firms is about 2 GB of text",
                max_rows=1_048_576, max_columns=200, max_cells=50_000_000, max_sheet_xml=4_000_000_000)
ACTUALS = Kind("monthly report", "a 统计月报 file (.xlsx, .xls, .ods, .et, .csv) or actuals.csv", 500_000_000,
               "monthly reports and tidy actuals files are a few MB",
               max_rows=1_048_576, max_columns=200, max_cells=10_000_000, max_sheet_xml=1_000_000_000)
WEBPAGE = Kind("saved web page", "a page saved from a statistics bureau's site (.html, .htm)", 20_000_000,
               "a bureau's page is far smaller")
PARAMS = Kind("parameters file", "a YAML file of NAME: VALUE lines", 100_000,
              "a parameters file is a few lines of NAME: VALUE")


def human_size(n: int) -> str:
    """1_000_000 → '1 MB', 100_000 → '100 KB', 8_000_000_000 → '8 GB' (decimal units, as the messages say)."""
    for unit, size in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if n >= size:
            return f"{n / size:g} {unit}"
    return f"{n} bytes"
