"""The one workbook reader (files/workbook.py): merged cells filled into ragged rows, dates as text, a corrupt
file a one-line InputError naming it, and bounded reads (files/extent.py): a sheet beyond what a register or a
monthly report can be is refused, naming file, sheet and range, before calamine allocates it."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import _hostile_workbooks as H
import pytest

from chainplan_lib.errors import InputError
from chainplan_lib.files import workbook
from chainplan_lib.files.extent import check_extents
from chainplan_lib.files.limits import ACTUALS, REGISTER

ROOT = Path(__file__).resolve().parents[1]


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


# ------------------------------------------------------------------------------- bounded reads (extent.py)
# A dense grid from A1 to a sheet's last value is what calamine allocates (and aborts the process when it cannot):
# every sheet is measured from the file first. These call the measurement alone, never calamine, on hostile files.
HOSTILE_XLSX = {
    "far-cell": dict(cells=H.A1 + H.FAR),
    "attributes-in-another-order": dict(cells=H.A1 + '<row r="2"><c s="0" t="n" r="XFD1048576"><v>1</v></c></row>'),
    "single-quotes": dict(cells=H.A1 + "<row r='2'><c r='XFD1048576'><v>1</v></c></row>"),
    "character-reference": dict(cells=H.A1 + '<row r="2"><c r="&#88;FD1048576"><v>1</v></c></row>'),
    "prefixed-elements": dict(cells=H.A1 + '<x:row r="2"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>'),
    "positional-cells": dict(cells=H.A1 + '<row r="1048576">' + "<c><v>1</v></c>" * 300 + "</row>"),
    "dimension-claims-A1": dict(cells=H.A1 + H.FAR, dim="A1"),
    "utf-16-sheet": dict(sheet_bytes=H.SHEET.format(dim="A1", cells=H.A1 + H.FAR, tail="").replace(
        'encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")),
    "sheet-outside-xl-worksheets": dict(cells=H.A1 + H.FAR, target="/hidden/data.xml"),
}


@pytest.mark.parametrize("name", list(HOSTILE_XLSX))
def test_a_far_cell_is_found_however_the_sheet_is_written(name, tmp_path):
    p = H.xlsx(tmp_path / "r.xlsx", **HOSTILE_XLSX[name])
    with pytest.raises(InputError) as e:
        _measure(p, REGISTER)
    msg = str(e.value)
    assert msg.startswith(f"{p}: sheet '名录': its cells reach A1:") and "\n" not in msg
    assert "a register sheet has at most 1,048,576 rows, 200 columns and 50,000,000 cells" in msg
    assert "refused before reading it" in msg


def test_a_zip_header_that_understates_the_sheet_does_not_hide_it(tmp_path):
    p = H.lying_sizes(H.xlsx(tmp_path / "r.xlsx"))   # a reader trusting the header would stop before XFD1048576
    with pytest.raises(InputError, match="'xl/worksheets/sheet1.xml' unzips to more than the 150 bytes its zip "
                                         "header declares"):
        _measure(p, REGISTER)


def test_a_zip_bomb_is_refused_by_its_declared_size(tmp_path):
    p = H.lying_sizes(H.xlsx(tmp_path / "r.xlsx"), size=4_100_000_000)
    with pytest.raises(InputError, match="unzips to 4.1 GB, more than 4 GB; a register is not that large"):
        _measure(p, REGISTER)


def test_the_message_names_file_sheet_and_range(tmp_path):
    p = H.xlsx(tmp_path / "m.xlsx")
    with pytest.raises(InputError) as e:
        workbook.read_workbook(p, ACTUALS)   # safe: refused before calamine sees it
    assert str(e.value) == (
        f"{p}: sheet '名录': its cells reach A1:XFD1048576 (1,048,576 rows × 16,384 columns = 17,179,869,184 cells "
        "from A1); a monthly report sheet has at most 1,048,576 rows, 200 columns and 10,000,000 cells — refused "
        "before reading it (a stray value far from the table? delete it and save again)")


def test_empty_styled_cells_and_the_dimension_do_not_count_as_calamine_does_not(tmp_path):
    p = H.xlsx(tmp_path / "ok.xlsx", cells=H.A1 + '<row r="1048576"><c r="XFD1048576" s="1"/></row>',
               dim="A1:XFD1048576")
    assert [(s.name, len(s.rows), len(s.rows[0])) for s in workbook.read_workbook(p)] == [("名录", 1, 1)]


def test_merged_ranges_are_held_to_the_same_limits_before_they_are_filled(tmp_path):
    p = H.xlsx(tmp_path / "merge.xlsx", cells=H.A1, tail='<mergeCells count="1"><mergeCell ref="A1:GR60000"/></mergeCells>')
    with pytest.raises(InputError, match="sheet '名录': its merged cells reach A1:GR60000 .* a monthly report sheet"):
        workbook.read_workbook(p, ACTUALS)
    assert len(workbook.read_workbook(p, REGISTER)[0].rows) == 60000   # within a register's limits: filled


def test_xlsb_is_refused_by_its_bytes(tmp_path):
    with pytest.raises(InputError, match=r"an \.xlsb \(binary Excel\) workbook; save it as \.xlsx"):
        workbook.read_workbook(H.xlsb(tmp_path / "r.xlsx"))


def test_ods_repeats_count_only_where_they_hold_a_value(tmp_path):
    ok = H.ods(tmp_path / "ok.ods", H.ODS_A1 + H.ODS_TRAILING)   # LibreOffice's trailing empty rows
    assert [(len(s.rows), len(s.rows[0])) for s in workbook.read_workbook(ok)] == [(1, 1)]
    far = H.ods(tmp_path / "far.ods", H.ODS_A1 + H.ODS_FAR)
    with pytest.raises(InputError, match=r"sheet '名录': its cells reach A1:AMJ1048576 \(1,048,576 rows × 1,024"):
        _measure(far, REGISTER)


def test_xls_cell_records_far_out_are_refused_and_blank_ones_ignored(tmp_path):
    far = H.xls(tmp_path / "far.xls")   # BIFF stores the column in 16 bits: 65,536 × 65,536 cells
    with pytest.raises(InputError, match=r"sheet '名录': its cells reach A1:CRXP65536 \(65,536 rows × 65,536 col"):
        _measure(far, REGISTER)
    et = far.with_suffix(".et")   # WPS .et: the same compound file
    et.write_bytes(far.read_bytes())
    with pytest.raises(InputError, match="CRXP65536"):
        _measure(et, REGISTER)
    ok = H.xls(tmp_path / "ok.xls", far=None, blank_far=True)
    assert [e.ref for e in _measure(ok, REGISTER)] == ["A1:B2"]
    assert [(len(s.rows), len(s.rows[0])) for s in workbook.read_workbook(ok)] == [(2, 2)]


def test_a_small_xls_in_the_mini_stream_is_measured_too(tmp_path):
    """A 3.5 KB .xls (its Workbook stream under 4,096 bytes lives in the compound file's mini stream)."""
    ok = H.small_xls(tmp_path / "ok.xls")
    assert [e.ref for e in _measure(ok, REGISTER)] == ["A1:B2"]
    assert workbook.read_workbook(ok)[0].rows == [["企业名称", ""], ["", 0.123456789012345]]
    with pytest.raises(InputError, match="sheet '名录': its cells reach A1:CRXP65536"):
        _measure(H.small_xls(tmp_path / "far.xls", far=(0xFFFF, 0xFFFF)), REGISTER)


@pytest.mark.parametrize("path", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "data" / "raw").rglob("*")
                                        if p.suffix in (".xlsx", ".xls")))
def test_bundled_workbooks_measure_what_calamine_reads(path):
    p = ROOT / path
    measured = {e.sheet: (e.rows, e.columns) for e in _measure(p, REGISTER)}
    sheets = workbook.read_workbook(p)
    assert {s.name: (len(s.rows), max(map(len, s.rows))) for s in sheets} == \
        {name: rc for name, rc in measured.items() if name in {s.name for s in sheets}}


def test_a_fifo_is_refused_before_it_is_opened(tmp_path):
    fifo = tmp_path / "r.xlsx"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is a named pipe"):
        workbook.read_workbook(fifo)   # would block in open() if it were opened for reading


def _measure(path: Path, kind):
    with open(path, "rb") as fh:
        return check_extents(fh, fh.read(1 << 20), path, kind)
