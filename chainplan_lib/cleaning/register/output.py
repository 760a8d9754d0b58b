"""The register cleaner's outputs: the clean table, the quarantine, the duplicates log, the summary, written.

Every CSV goes through :func:`chainplan_lib.files.cellsafety.neutralise_frame` on its way out (a name typed
as ``=HYPERLINK(...)`` is written ``'=HYPERLINK(...)``); numbers stay numbers and the tables in memory keep
the text as typed. Files are written to temporary names in the output folder and renamed into place together.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from ...errors import InputError
from ...files.atomic import atomic_path
from ...files.cellsafety import neutralise_frame
from ...paths import guard_not_raw
from ...plan.model import Plan
from .config import RegisterConfig
from .read import SheetTable
from .schemas import DUPLICATE_COLUMNS, OUTPUT_FILES, QUARANTINE_SCHEMA, QUARANTINE_TAIL, REASONS, REASONS_CN
from .values import arrow_strings

__all__ = ["RegisterResult", "clean_frame", "quarantine_frame", "duplicates_frame", "summarise", "is_synthetic",
           "check_out_dir", "write_outputs", "safe_for_spreadsheets"]


@dataclass
class RegisterResult:
    """What :func:`~chainplan_lib.cleaning.register.clean.clean_registers` produced (and, when it wrote, where)."""

    clean: pd.DataFrame
    quarantine: pd.DataFrame
    duplicates: pd.DataFrame
    panel: pd.DataFrame
    summary: dict
    plan: Plan
    written: list[Path] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready (``chainplan register clean --json``): the summary (as register_summary.json has it) and
        ``written``, the files written (empty when nothing was)."""
        return {**self.summary, "written": [str(p) for p in self.written]}

    def summary_text(self) -> str:
        """What ``chainplan register clean`` prints, in Chinese (reason codes as in the quarantine's
        ``reason_code`` column, each with its meaning)."""
        s = self.summary
        lines = [f"名录：读取 {s['rows_read']} 行（{len(s['files'])} 张表）→ 清洗后 {s['clean']} 行（其中规上 "
                 f"{s['above_size']} 行，缺统一社会信用代码 {s['uscc_missing_kept']} 行），隔离 {s['quarantined']} 行，"
                 f"删除完全重复 {s['duplicates_dropped']} 行{'' if s['balanced'] else '  !! 行数对不上'}"]
        if s["blank_rows_skipped"]:
            lines.append(f"  跳过空行 {s['blank_rows_skipped']} 行")
        for code, k in s["quarantined_by_reason"].items():
            lines.append(f"  隔离 {code:<22} {k:>7} 行：{REASONS_CN.get(code, REASONS.get(code, code))}")
        for fi in s["files"]:
            sheet = f" [{fi['sheet']}]" if fi["sheet"] else ""
            rows = "、".join(str(r) for r in fi["header_rows"])
            lines.append(f"  {fi['file']}{sheet}：{fi['rows_read']} 行，表头第 {rows} 行，"
                         f"单位 {fi['revenue_unit'] or '逐格标注'}，年份取自{_year_source_cn(fi['year_source'])}")
            lines.extend(f"    注：{x}" for x in fi["notes"])
        if self.written:
            lines.append("已写入：" + "、".join(str(p) for p in self.written))
        return "\n".join(lines)


def _year_source_cn(source: str) -> str:
    """Where a sheet's year came from (the summary's ``year_source``), in Chinese."""
    if source.startswith("column "):
        return f"“{source.removeprefix('column ')}”列"
    return {"revenue heading": "营业收入列标题", "title": "标题", "file name": "文件名"}.get(source, source)


# ---------------------------------------------------------------------------------------------- frames
def clean_frame(rows: pd.DataFrame, cfg: RegisterConfig) -> pd.DataFrame:
    """The clean table from the kept rows (``rows`` is consumed: its columns are dropped as they are used)."""
    names = cfg.names
    wan = rows.pop("revenue_wan").to_numpy()
    chain_id = rows.pop("chain_id")
    clean = pd.DataFrame({
        "year": rows.pop("year").to_numpy().astype(np.int64),
        "uscc": rows.pop("uscc"),
        "name": rows.pop("name"),
        "area": rows.pop("area").cat.set_categories(list(names.areas)),
        "chain": pd.Categorical.from_codes(chain_id.cat.codes.to_numpy(),
                                           categories=[names.chain_name_by_id[c] for c in names.chain_ids_all]),
        "chain_id": chain_id,
        "industry_code": rows.pop("industry_code"),
        "industry_name": rows.pop("industry_name"),
        "revenue_yi": (wan / 1e4).round(8),
        "above_size": wan >= cfg.threshold_wan - 1e-9,
        "uscc_missing": rows.pop("uscc_missing"),
        "chain_source": rows.pop("chain_source"),  # categories already in this order (column, industry_code)
        "source_file": rows.pop("source_file"),
        "source_sheet": rows.pop("source_sheet"),
        "source_row": rows.pop("source_row"),
    }, copy=False)
    return names.clean_schema.validate(clean, inplace=True)  # a frame made here: no copy to check


def quarantine_frame(at: pd.DataFrame, why: pd.DataFrame, originals: dict[int, pd.DataFrame],
                     tables: list[SheetTable]) -> pd.DataFrame:
    """The original cells of each quarantined row (headings as in its file) + where it came from + why.

    ``at`` holds the quarantined rows (``_sheet``, ``_pos``, ``source_row``) in the order of ``why``;
    ``originals`` holds, per sheet, the cells as typed of its quarantined rows, indexed by row position.
    """
    pieces = []
    sheet_of = at["_sheet"].to_numpy()
    for sid in np.unique(sheet_of):  # one piece per sheet, not per row
        sel = sheet_of == sid
        t = tables[int(sid)]
        orig = originals[int(sid)].loc[at["_pos"].to_numpy()[sel]].reset_index(drop=True)
        orig.columns = [f"原:{c}" if c in QUARANTINE_TAIL else c for c in orig.columns]
        orig["source_file"] = t.file
        orig["source_sheet"] = t.sheet
        orig["source_row"] = at["source_row"].to_numpy()[sel]
        orig["reason_code"] = why["reason_code"].to_numpy()[sel]
        orig["reason"] = why["reason"].to_numpy()[sel]
        pieces.append(orig)
    if not pieces:
        return pd.DataFrame({c: pd.Series(dtype=np.int64 if c == "source_row" else "str") for c in QUARANTINE_TAIL})
    q = pd.concat(pieces, ignore_index=True)
    q = q[[c for c in q.columns if c not in QUARANTINE_TAIL] + QUARANTINE_TAIL]
    text_cols = [c for c in q.columns if c != "source_row"]
    q[text_cols] = q[text_cols].astype("str").fillna("")
    return QUARANTINE_SCHEMA.validate(q, inplace=True)


def duplicates_frame(d: pd.DataFrame, kept: pd.DataFrame) -> pd.DataFrame:
    """The log of exact duplicates dropped: ``d`` the dropped rows, ``kept`` the row each repeats (same order)."""
    return pd.DataFrame({
        "year": d["year"].to_numpy().astype(np.int64), "uscc": d["uscc"].to_numpy(), "name": d["name"].to_numpy(),
        "area": d["area"].astype("str").to_numpy(), "revenue_yi": (d["revenue_wan"].to_numpy() / 1e4).round(8),
        "source_file": d["source_file"].astype("str").to_numpy(),
        "source_sheet": d["source_sheet"].astype("str").to_numpy(), "source_row": d["source_row"].to_numpy(),
        "kept_file": kept["source_file"].astype("str").to_numpy(),
        "kept_sheet": kept["source_sheet"].astype("str").to_numpy(), "kept_row": kept["source_row"].to_numpy(),
    }, columns=DUPLICATE_COLUMNS)


# ---------------------------------------------------------------------------------------------- summary
def _sheet_info(t: SheetTable, cfg: RegisterConfig) -> dict:
    h = t.header
    ycol = t.column("year")
    notes = list(t.notes)
    if h.revenue_unit and h.note_unit and h.revenue_unit != h.note_unit:
        notes.append(f"unit {h.revenue_unit} from the heading used, not {h.note_unit} from the note")
    return {
        "file": t.file, "sheet": t.sheet, "reader": t.reader, "encoding": t.encoding,
        "header_rows": t.header_rows,
        "columns": {k: t.column(k) for k in cfg.fields if t.column(k)},
        "revenue_unit": h.revenue_unit or h.note_unit,
        "unit_source": "heading" if h.revenue_unit else "note" if h.note_unit else "per value",
        "year_source": ("column " + ycol) if ycol else ("revenue heading" if h.header_year else
                                                       "title" if h.title_year else "file name"),
        "synthetic": is_synthetic(t),
        "notes": notes,
    }


def is_synthetic(t: SheetTable) -> bool:
    """Whether the file says it is made up: SYNTHETIC / 示例 / 合成 in its name or in the title rows."""
    text = (Path(t.file).name + " " + t.header.title).lower()
    return any(k in text for k in ("synthetic", "示例", "合成", "虚构"))


def _reason_counts(codes: pd.Series) -> dict[str, int]:
    """Rows per reason code (a row with several, 'a; b', counts for each), most first, ties in order of first
    appearance: counted over the few distinct combinations, not over every row."""
    counts: dict[str, int] = {}
    for combo, k in codes.value_counts(sort=False).items():  # in order of first appearance
        for code in str(combo).split("; "):
            counts[code] = counts.get(code, 0) + int(k)
    return {c: counts[c] for c in sorted(counts, key=lambda c: -counts[c])}  # a stable sort


def summarise(sheet: np.ndarray, failed: np.ndarray, dropped: np.ndarray, why: pd.DataFrame,
              tables: list[SheetTable], blanks: list[int], clean: pd.DataFrame, quarantine: pd.DataFrame,
              duplicates: pd.DataFrame, cfg: RegisterConfig) -> dict:
    k = len(tables)
    counts = {"rows_read": np.bincount(sheet, minlength=k),
              "clean": np.bincount(sheet[~failed & ~dropped], minlength=k),
              "quarantined": np.bincount(sheet[failed], minlength=k),
              "duplicates_dropped": np.bincount(sheet[dropped], minlength=k)}
    files = []
    for i, t in enumerate(tables):
        info = _sheet_info(t, cfg)
        info.update({key: int(v[i]) for key, v in counts.items()}, blank_rows=blanks[i])
        if info["rows_read"] == 0:
            info["notes"].append("no data rows below the header")
        files.append(info)
    by_reason = _reason_counts(why["reason_code"]) if len(why) else {}
    n_in = int(len(sheet))
    return {
        "rows_read": n_in,
        "clean": int(len(clean)),
        "quarantined": int(len(quarantine)),
        "duplicates_dropped": int(len(duplicates)),
        "balanced": n_in == len(clean) + len(quarantine) + len(duplicates),
        "blank_rows_skipped": int(sum(blanks)),
        "quarantined_by_reason": by_reason,
        "above_size": int(clean["above_size"].sum()),
        "uscc_missing_kept": int(clean["uscc_missing"].sum()),
        "years": sorted(int(y) for y in pd.unique(clean["year"])),
        "synthetic": any(f["synthetic"] for f in files),
        "threshold_wan": cfg.threshold_wan,
        "config": cfg.path,
        "files": files,
        "note": "rows_read counts the non-blank rows below each header; rows_read = clean + quarantined + "
                "duplicates_dropped. A quarantined row may carry several reasons, so quarantined_by_reason "
                "can add up to more than quarantined.",
    }


# ---------------------------------------------------------------------------------------------- writing
# A text cell's first non-space character, in any of the forms NFKC turns into = + - @ (full-width, small,
# super- and subscript), or a leading tab / CR / LF: only such cells need the (per-value) formula check.
_FORMULA_START = r"^[ \x{3000}]*[=+\-@\x{FF1D}\x{FF0B}\x{FF0D}\x{FF20}\x{FE66}\x{FE62}\x{FE63}\x{FE6B}" \
                 r"\x{207A}\x{207B}\x{207C}\x{208A}\x{208B}\x{208C}]|^[\t\r\n]"


def safe_for_spreadsheets(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` through :func:`neutralise_frame`, touching only the rows that can start a formula.

    Large text columns are first screened with one Arrow regex (a million names take milliseconds), and
    :func:`neutralise_frame` judges the few candidates; categorical columns are judged on their categories.
    """
    out = None
    for col in df.columns:
        s = df[col]
        if isinstance(s.dtype, pd.CategoricalDtype) or s.dtype == object:
            fixed = neutralise_frame(df[[col]])[col]
            if fixed is not s and not fixed.equals(s):
                out = df.copy(deep=False) if out is None else out
                out[col] = fixed
        elif pd.api.types.is_string_dtype(s.dtype):
            cand = pc.fill_null(pc.match_substring_regex(arrow_strings(s), _FORMULA_START), False)
            idx = np.flatnonzero(cand.to_numpy(zero_copy_only=False))
            if len(idx):
                fixed = neutralise_frame(s.iloc[idx].to_frame())[col]
                if not fixed.equals(s.iloc[idx]):
                    out = df.copy(deep=False) if out is None else out
                    new = s.copy()
                    new.iloc[idx] = fixed.to_numpy()
                    out[col] = new
    return df if out is None else out


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV through pyarrow (categoricals go as Arrow dictionaries: no per-value Python)."""
    pcsv.write_csv(pa.Table.from_pandas(safe_for_spreadsheets(df), preserve_index=False), path)


def check_out_dir(out_dir: Path, inputs: list[Path] | None = None) -> Path:
    """Refuse an output folder that is an existing file, lies under ``data/raw`` or is one of the input folders."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("--out must be a folder; this is an existing file (nothing was written)", file=out_dir)
    guard_not_raw(out_dir)
    parts = out_dir.resolve().parts
    if any(a == "data" and b == "raw" for a, b in zip(parts, parts[1:])):
        raise InputError("refusing to write under a data/raw folder (raw inputs are never written)", file=out_dir)
    for p in map(Path, inputs or ()):
        if p.is_dir() and p.resolve() == out_dir.resolve():
            raise InputError("--out is one of the input folders: the next run would read the outputs as "
                             "registers; choose another folder", file=out_dir)
    return out_dir


def write_outputs(result: RegisterResult, out_dir: Path) -> list[Path]:
    """Write the five outputs into ``out_dir``: every file to a temporary name first, then all renamed.

    Nothing outside ``out_dir`` is touched; if anything fails, the temporaries are removed and the
    outputs of an earlier run stay as they were.
    """
    out_dir = check_out_dir(out_dir)
    frames = {"clean": result.clean, "quarantine": result.quarantine, "duplicates": result.duplicates,
              "panel": result.panel}
    written: list[Path] = []
    with ExitStack() as stack:  # files/atomic.py: the renames happen together, at the end, if every write succeeded
        for key, df in frames.items():
            written.append(out_dir / OUTPUT_FILES[key])
            _write_csv(df, stack.enter_context(atomic_path(written[-1])))
        written.append(out_dir / OUTPUT_FILES["summary"])
        tmp = stack.enter_context(atomic_path(written[-1]))
        tmp.write_text(json.dumps(result.summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return written

