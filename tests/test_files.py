"""files/: one text decoder, one lister, regular files only, bounded reads, the one atomic writer — the same answer
for every kind of input (target tables, registers, 统计月报, plan files)."""

from __future__ import annotations

import codecs
import os
import threading
from pathlib import Path

import pytest

from chainplan_lib.cleaning.actuals.read import csv_rows, list_actuals_files
from chainplan_lib.cleaning.register.read import list_register_files
from chainplan_lib.cleaning.targets.clean import clean_targets
from chainplan_lib.errors import InputError, OutputError
from chainplan_lib.files.limits import PLAN_FILE, TARGET_TABLE, Kind, human_size
from chainplan_lib.files.listing import list_input_files
from chainplan_lib.files.regular import FileRefused, check_regular, read_bytes
from chainplan_lib.files.text import decode, read_text, sniff_encoding

ROOT = Path(__file__).resolve().parents[1]
BUNDLED_TABLE = ROOT / "data" / "raw" / "attachment2_targets.txt"
TEXT = "产业链,年份,营业收入\n现代针纺,2024,370.5\n罗家镇,羅家鎮,全区\n"


# ------------------------------------------------------------------------------------------------ text
ENCODED = {
    "utf-8": TEXT.encode("utf-8"),
    "utf-8-sig": codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    "utf-16": codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    "utf-16-be": codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    "gb18030": TEXT.encode("gb18030"),
    "gbk": TEXT.encode("gbk"),
}


@pytest.mark.parametrize("name", list(ENCODED))
def test_one_decoder_for_every_encoding_offices_use(name, tmp_path):
    d = decode(ENCODED[name], file="x.csv")
    assert d.text == TEXT
    assert d.encoding == {"utf-16-be": "utf-16", "gbk": "gb18030"}.get(name, name)
    p = tmp_path / f"{name}.csv"
    p.write_bytes(ENCODED[name])
    assert read_text(p, TARGET_TABLE) == d
    assert csv_rows(p)[0][1] == ["现代针纺", "2024", "370.5"]   # the actuals reader: the same answer


@pytest.mark.parametrize("name", ["utf-16", "utf-16-be", "utf-8-sig", "gbk"])
def test_the_target_table_takes_every_encoding_registers_take(name, tmp_path, plan):
    """UTF-16 (with its byte-order mark) was accepted for registers and refused for the target table."""
    text = BUNDLED_TABLE.read_text(encoding="utf-8")
    codec = {"utf-16": "utf-16-le", "utf-16-be": "utf-16-be", "utf-8-sig": "utf-8", "gbk": "gb18030"}[name]
    bom = {"utf-16": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE, "utf-8-sig": codecs.BOM_UTF8}.get(name, b"")
    p = tmp_path / "attachment2.txt"
    p.write_bytes(bom + text.encode(codec))
    got, want = clean_targets(p, plan=plan), clean_targets(BUNDLED_TABLE, plan=plan)
    assert got.table.equals(want.table) and len(got.repairs) == len(want.repairs)


def test_undecodable_bytes_name_the_offset_and_the_line():
    data = "第一行\n第二行\n".encode("utf-8") + b"abc\xff\xfe\x81\n"
    with pytest.raises(InputError) as e:
        decode(data, file="t.txt")
    msg = str(e.value)
    assert msg.startswith("t.txt, line 3: cannot decode the text: not UTF-8 (invalid byte at offset 23, line 3)")
    assert "GB18030/GBK" in msg and e.value.line == 3


@pytest.mark.parametrize("data, needle", [
    (codecs.BOM_UTF8 + b"ok\n\xff\n", "starts with a UTF-8 byte-order mark but is not UTF-8: invalid bytes at offset 6"),
    (codecs.BOM_UTF16_LE + "好".encode("utf-16-le") + b"\x00\xd8", "starts with a UTF-16 byte-order mark"),
    ("a,b\n".encode("utf-16-le"), "a NUL character at offset 1"),   # UTF-16 saved without a BOM
    (b"PK\x03\x04\x00\x00binary", "not text: a NUL character"),
])
def test_boms_that_lie_and_binary_data_are_one_line(data, needle):
    with pytest.raises(InputError) as e:
        decode(data, file="f.csv")
    assert needle in str(e.value) and "\n" not in str(e.value)


def test_a_head_cut_inside_a_character_is_not_an_error():
    data = ("名录," * 5000).encode("gb18030")
    assert sniff_encoding(data[:1001], complete=False) == "gb18030"   # 1001 bytes end inside a character
    assert sniff_encoding(("名录," * 5000).encode("utf-8")[:1001], complete=False) == "utf-8"
    with pytest.raises(InputError):
        sniff_encoding(data[:1001], complete=True)


# --------------------------------------------------------------------------------------------- listing
def test_one_lister_folders_one_level_sorted_skipping_hidden_lock_non_regular_and_own_outputs(tmp_path):
    for name in ("b_2024.xlsx", "a_2024.csv", "README.txt", ".hidden.csv", "~$b_2024.xlsx", "register_clean.csv",
                 "C.XLS"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deeper.csv").write_bytes(b"x")
    os.mkfifo(tmp_path / "pipe.csv")
    assert [p.name for p in list_register_files([tmp_path])] == ["C.XLS", "a_2024.csv", "b_2024.xlsx"]
    assert [p.name for p in list_actuals_files([tmp_path])] == ["C.XLS", "a_2024.csv", "b_2024.xlsx",
                                                                "register_clean.csv"]
    given = tmp_path / "README.txt"   # a file named explicitly is taken whatever its suffix
    assert list_input_files([given, tmp_path / "a_2024.csv", given], suffixes=[".csv"], what="x") == \
        [given, tmp_path / "a_2024.csv"]


@pytest.mark.parametrize("what, needle", [
    ("missing", "no such file or folder"),
    ("empty-folder", "no register files (*.xlsx, *.xlsm, *.xls, *.ods, *.et, *.csv) in this folder"),
    ("fifo", "is neither a folder nor a regular file"),
])
def test_lister_refusals_are_one_line(what, needle, tmp_path):
    p = {"missing": tmp_path / "nope", "empty-folder": tmp_path, "fifo": tmp_path / "p.csv"}[what]
    if what == "fifo":
        os.mkfifo(p)
    with pytest.raises(InputError) as e:
        list_register_files([p])
    assert needle in str(e.value) and str(p) in str(e.value)


# ---------------------------------------------------------------------------------------- regular files
def _within(seconds: float, fn):
    """fn() in a thread; the test fails (instead of hanging) if it does not return in time."""
    box: dict = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed back to the test
            box["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"still blocked after {seconds} s"
    if "error" in box:
        raise box["error"]
    return box.get("value")


@pytest.mark.parametrize("reader", [check_regular, read_bytes, lambda p, k: read_text(p, k)])
def test_a_fifo_without_a_writer_is_refused_not_waited_on(reader, tmp_path):
    fifo = tmp_path / "plan.toml"
    os.mkfifo(fifo)
    with pytest.raises(FileRefused) as e:
        _within(10, lambda: reader(fifo, PLAN_FILE))
    assert e.value.reason.startswith("is a named pipe (FIFO), not a regular file")


@pytest.mark.parametrize("path, needle", [
    ("/dev/zero", "is a character device, not a regular file"),
    ("{tmp}", "is a folder; expected the plan file (TOML)"),
    ("{tmp}/nope.toml", "file not found"),
    ("{tmp}/big.toml", "file is larger than 1 MB; a plan file is a few KB (refused before reading further)"),
])
def test_only_regular_files_within_their_cap(path, needle, tmp_path):
    (tmp_path / "big.toml").write_bytes(b"#" * (PLAN_FILE.max_bytes + 1))
    with pytest.raises(FileRefused) as e:
        _within(10, lambda: read_bytes(path.replace("{tmp}", str(tmp_path)), PLAN_FILE))
    assert needle in str(e.value)


def test_a_file_that_grows_past_its_cap_after_the_stat_is_refused(tmp_path, monkeypatch):
    small = Kind("thing", "a thing", 10, "things are small")
    p = tmp_path / "t.txt"
    p.write_bytes(b"0123456789")
    assert read_bytes(p, small) == b"0123456789"
    p.write_bytes(b"0123456789!")
    with pytest.raises(FileRefused, match="larger than 10 bytes; things are small"):
        read_bytes(p, small)
    assert human_size(1_000_000) == "1 MB" and human_size(8_000_000_000) == "8 GB" and human_size(100_000) == "100 KB"


# ------------------------------------------------------------------------------------------ atomic writes
def test_sample_writers_go_through_the_one_atomic_writer(tmp_path, monkeypatch, plan):
    """Both sample writers refuse data/raw and name the path a full disk refused (files/atomic.py)."""
    from chainplan_lib import paths
    from chainplan_lib.cleaning.actuals.sample import write_sample_actuals
    from chainplan_lib.cleaning.register import sample as register_sample

    raw = tmp_path / "project" / "data" / "raw"   # a data/raw of its own: never the real one, whatever the code does
    monkeypatch.setattr(paths, "raw_dir", lambda: raw)
    with pytest.raises(OutputError, match="raw inputs are never written"):
        write_sample_actuals(raw / "actuals", plan, overwrite=True)
    with pytest.raises(OutputError, match="raw inputs are never written"):
        register_sample.write_sample(2024, out=raw / "registers" / "x_synthetic.csv", overwrite=True, plan=plan)
    assert not raw.exists()

    def full(s, path):
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(register_sample.WRITERS, ".csv", full)
    out = tmp_path / "samples" / "r_synthetic_2024.csv"
    with pytest.raises(OutputError, match=f"{out}: could not be written \\(No space left on device\\)"):
        register_sample.write_sample(2024, out=out, plan=plan)
    assert list(out.parent.iterdir()) == []   # no temp file left behind


def test_saved_web_pages_are_read_as_every_input_is(tmp_path):
    from chainplan_lib.files.webpage import read_webpage

    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    with pytest.raises(FileRefused, match="is a named pipe"):
        _within(10, lambda: read_webpage(fifo))
    page = tmp_path / "utf16.html"   # no charset declared: the one decoder (a UTF-16 BOM is read too)
    page.write_bytes(codecs.BOM_UTF16_LE + "<html><title>2025年1—9月</title><table><tr><td>现代针纺</td></tr></table>"
                     "</html>".encode("utf-16-le"))
    got = read_webpage(page)
    assert got.title == "2025年1—9月" and got.tables[0].rows == [["现代针纺"]] and got.encoding == "utf-16"
