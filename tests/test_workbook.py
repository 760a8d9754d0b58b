"""The one workbook reader (cleaning/workbook.py): merged cells filled into ragged rows, dates as text, and a
corrupt file a one-line InputError naming it."""

from __future__ import annotations

import datetime as dt

import pytest

from chainplan_lib.errors import InputError
from chainplan_lib.files import workbook


def test_merged_ranges_fill_ragged_rows_and_rows_past_the_end():
    rows = [["标题", ""], ["a"]]
    # the title merged over A1:C1; 'a' merged down over A2:A4 (two rows past the end); a range below the rows
    out = workbook._fill_merged(rows, [((0, 0), (0, 2)), ((1, 0), (3, 0)), ((9, 0), (9, 1))])
    assert out == [["标题", "标题", "标题"], ["a"], ["a"], ["a"]]


def test_cells_are_plain_values():
    assert workbook._plain(dt.datetime(2025, 9, 30, 8, 0)) == "2025-09-30 08:00:00"
    assert workbook._plain(dt.date(2025, 9, 30)) == "2025-09-30"
    assert workbook._plain(dt.timedelta(hours=1)) == "1:00:00"
    assert workbook._plain(3.5) == 3.5 and workbook._plain("x") == "x"


@pytest.mark.parametrize("name", ["broken.xlsx", "broken.xls", "broken.ods"])
def test_a_corrupt_workbook_is_one_line_naming_it(tmp_path, name):
    f = tmp_path / name
    f.write_bytes(b"PK\x03\x04" + b"\x00" * 200 if name.endswith(("xlsx", "ods")) else b"\xd0\xcf\x11\xe0" + b"\x00" * 600)
    with pytest.raises(InputError) as exc:
        workbook.read_workbook(f)
    msg = str(exc.value)
    assert name in msg and "\n" not in msg and ("corrupt" in msg or "cannot read" in msg)
