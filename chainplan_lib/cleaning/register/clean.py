"""Enterprise registers (规上企业名录) -> a validated clean table, a quarantine and a chain × area × year panel.

``clean_registers(inputs, out_dir)`` reads every register file (:mod:`.register_read`: header found, columns
mapped; big CSV files streamed part by part), parses and checks each part (:mod:`.register_checks`, with the
value parsers of :mod:`.register_values`), deduplicates within a year by credit code and counts the panel
(:mod:`.register_dedupe`), and builds and writes the outputs (:mod:`.register_output`, schemas and reason
codes in :mod:`.register_schemas`). Every data row ends in exactly one of: the clean table, the quarantine
(with a reason), or the log of exact duplicates dropped; the summary checks rows read = clean + quarantined +
duplicates dropped.

Parts are parsed side by side in threads (the work is numpy and pyarrow, which release the GIL), at most
:data:`WORKERS` + 1 in flight, so memory holds a few parts' text plus the compact typed rows, not the file.
Each part keeps only the original cells of its failing rows; rows that fail later (duplicate conflicts) have
theirs read again, from the parts that hold them only (each part's row count is kept).

Policies (documented here because they are choices):
* a row without a credit code is kept, flagged ``uscc_missing``, only when its name is unique in its year;
* an explicit 产业链 cell wins over the industry code; a label that names no chain is quarantined; a
  blank 产业链 cell falls back to the industry code;
* exact duplicates are rows of one year with the same code and the same cleaned name, area, chain,
  industry code and revenue (序号, position, file and formatting may differ): the first is kept, the rest
  dropped and logged; same code with any of those different is a conflict and all its rows go to quarantine;
* revenue is a number only when it reads as one: ``1,234.5`` is, ``3,20`` and ``1,3`` are not (quarantined,
  never read as 320 or 13); a value that is not finite or above 10 万亿元 for one firm is quarantined;
* subtotal (合计/小计), note (注：…) and repeated-header rows go to quarantine with their own reason; fully
  blank rows are not data and are only counted.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals

from ...errors import InputError
from ...plan.model import Plan
from .checks import PartResult, empty_reasons, parse_sheet, require_columns
from .config import RegisterConfig, load_register_config
from .dedupe import build_panel, deduplicate
from .output import (
    RegisterResult,
    check_out_dir,
    clean_frame,
    duplicates_frame,
    quarantine_frame,
    summarise,
    write_outputs,
)
from .read import NotRegular, SheetTable, list_register_files, read_register_file
from .schemas import (
    CLEAN_COLUMNS,
    DUPLICATE_COLUMNS,
    OUTPUT_FILES,
    PANEL_COLUMNS,
    QUARANTINE_SCHEMA,
    QUARANTINE_TAIL,
    REASONS,
    REASONS_CN,
)
from .values import take_rows, text_frame

__all__ = [
    "RegisterResult", "clean_registers", "parse_sheet", "deduplicate", "build_panel", "write_outputs",
    "CLEAN_COLUMNS", "QUARANTINE_TAIL", "DUPLICATE_COLUMNS", "PANEL_COLUMNS", "REASONS", "REASONS_CN",
    "OUTPUT_FILES", "QUARANTINE_SCHEMA", "WORKERS",
]

WORKERS = min(os.cpu_count() or 1, 8)
_CLEAN_SOURCE = ["year", "uscc", "name", "area", "chain_id", "industry_code", "industry_name", "revenue_wan",
                 "uscc_missing", "chain_source", "source_file", "source_sheet", "source_row"]


def clean_registers(inputs: list[Path], out_dir: Path | None = None, *,
                    config: str | Path | None = None, plan: Plan) -> RegisterResult:
    """Clean register files (workbooks / .csv, or folders of them) into a clean table, quarantine and panel.

    With ``out_dir`` the five outputs are written there (all computed first, then each written to a
    temporary file in ``out_dir`` and renamed into place); with ``None`` nothing is written. ``out_dir`` may
    not be an existing file, lie under ``data/raw`` or be one of the input folders (checked before reading).
    ``config`` is an alternative industry_chains.toml (headings, threshold); ``plan`` the plan whose chains,
    industry codes and areas the rows are read against (its schemas: ``result.plan`` and
    :func:`~chainplan_lib.cleaning.register.schemas.register_names`).
    """
    cfg = load_register_config(config, plan=plan)
    inputs = [Path(p) for p in inputs]
    if out_dir is not None:
        check_out_dir(Path(out_dir), inputs)
    tables = [t for p in list_register_files(inputs) for t in read_register_file(p, cfg)]
    results: list[list[PartResult]] = []
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for sid, t in enumerate(tables):
            require_columns(t, cfg)
            try:
                results.append(_parse_parts(pool, t, cfg, sid))
            except NotRegular:  # a streamed part was irregular: the careful reader takes the whole file
                t.to_memory()
                results.append(_parse_parts(pool, t, cfg, sid))
    _release_memory()
    rows, whys, originals, blanks = _gather(tables, results)
    del results
    _release_memory()

    dropped, kept_at, dup_why = deduplicate(rows)
    _release_memory()
    if len(dup_why):  # rows that fail only now: their original cells are read again
        _add_originals(rows, dup_why.index.to_numpy(), tables, originals)
    why = pd.concat([w for w in (whys, dup_why) if len(w)]) if len(whys) or len(dup_why) else empty_reasons()
    failed = rows["failed"].to_numpy().copy()
    failed[dup_why.index.to_numpy()] = True
    keep = ~failed & ~dropped
    sheet = rows["_sheet"].to_numpy()
    ordered = why.sort_index()
    q_at = take_rows(rows, ordered.index.to_numpy(), ["_sheet", "source_row"])  # the few rows the logs need,
    gone = np.flatnonzero(dropped)                                                 # taken before rows is consumed
    d_cols = ["year", "uscc", "name", "area", "revenue_wan", "source_file", "source_sheet", "source_row"]
    d_rows, d_kept = take_rows(rows, gone, d_cols), take_rows(rows, kept_at[gone], ["source_file", "source_sheet",
                                                                                 "source_row"])
    for c in ("uscc_key", "structural", "failed", "_sheet"):  # not part of the clean table: freed before it is built
        del rows[c]
    _release_memory()
    with ThreadPoolExecutor(max_workers=2) as pool:  # the logs are built while the clean table is filtered
        fut_q = pool.submit(quarantine_frame, q_at.assign(_pos=positions(q_at, tables)), ordered, originals, tables)
        fut_d = pool.submit(duplicates_frame, d_rows, d_kept)
        clean = clean_frame(_take(rows, keep, _CLEAN_SOURCE), cfg)
        del rows
        panel = build_panel(clean, plan=cfg.plan)
        quarantine, duplicates = fut_q.result(), fut_d.result()
    summary = summarise(sheet, failed, dropped, why, tables, blanks, clean, quarantine, duplicates, cfg)
    result = RegisterResult(clean, quarantine, duplicates, panel, summary, cfg.plan)
    if out_dir is not None:
        result.written = write_outputs(result, Path(out_dir))
    return result


def _libc():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:  # pragma: no cover - not glibc
        return None


_LIBC = _libc()


def _release_memory() -> None:
    """Hand freed memory back to the system between phases: the parsing threads leave it in their malloc
    arenas (glibc) and in Arrow's pool, where a five-million-row run would otherwise keep ~0.5 GB it no
    longer uses."""
    pa.default_memory_pool().release_unused()
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)


def _parse_parts(pool: ThreadPoolExecutor, t: SheetTable, cfg: RegisterConfig, sid: int) -> list[PartResult]:
    """Every part of one sheet parsed, at most WORKERS + 1 in flight; positions made sheet-wide."""
    pending, done = deque(), []

    def job(read):
        return parse_sheet(t, cfg, read(), sheet_id=sid)

    try:
        for read in t.parts():
            pending.append(pool.submit(job, read))
            if len(pending) > WORKERS:
                done.append(pending.popleft().result())
        while pending:
            done.append(pending.popleft().result())
    finally:
        for f in pending:
            f.cancel()
        for f in pending:
            if not f.cancelled():
                f.exception()  # wait for it: nothing of this sheet runs on after we return
    offset = 0
    for part in done:
        part.rows["_pos"] += offset
        part.originals.index = part.originals.index + offset
        if part.no_unit_at >= 0:
            heading = t.column("revenue")
            raise InputError(f"{heading} has plain numbers but neither its heading nor a '单位：万元' note gives the "
                             f"unit; write the heading as e.g. {heading}（万元）", file=t.file,
                             line=t.header.data_start + 1 + offset + part.no_unit_at, cell=heading)
        offset += part.n
    t.part_rows = [part.n for part in done]  # so rows read again later come from their parts only
    return done


def _gather(tables: list[SheetTable], results: list[list[PartResult]]):
    """All parts' rows one under another, their reasons indexed by row, originals per sheet, blanks per sheet."""
    parts, whys, originals, blanks, offset = [], [], {}, [], 0
    for sid, (t, done) in enumerate(zip(tables, results)):
        blanks.append(sum(p.blank for p in done))
        originals[sid] = text_frame(_concat_frames([p.originals for p in done])) if done else t.frame_like()
        for p in done:
            p.rows["source_row"] = p.rows.pop("_pos") + (t.header.data_start + 1)  # the position, kept once
            p.why.index = p.why.index + offset
            parts.append(p.rows)
            whys.append(p.why)
            offset += len(p.rows["source_row"])
            p.rows = p.why = None  # the parts' frames are released as the columns are joined
    rows = _concat_rows(parts)
    files = list(dict.fromkeys(t.file for t in tables))
    sheets = list(dict.fromkeys(t.sheet for t in tables))
    sheet_ids = rows["_sheet"].to_numpy()
    small = np.int8 if max(len(files), len(sheets)) < 127 else np.int32  # the codes' own width: no widening
    rows["source_file"] = pd.Categorical.from_codes(
        np.array([files.index(t.file) for t in tables], dtype=small)[sheet_ids], categories=files, validate=False)
    rows["source_sheet"] = pd.Categorical.from_codes(
        np.array([sheets.index(t.sheet) for t in tables], dtype=small)[sheet_ids], categories=sheets, validate=False)
    whys = [w for w in whys if len(w)]
    return rows, (pd.concat(whys) if whys else empty_reasons()), originals, blanks


def _join(cols: list[pd.Series], sort_categories: bool = False) -> pd.Series:
    """Columns one under another; categoricals with different categories are united (codes joined), not turned
    into Python objects."""
    if len(cols) == 1:
        return cols[0]
    if all(isinstance(x.dtype, pd.CategoricalDtype) for x in cols) and any(x.dtype != cols[0].dtype for x in cols):
        return pd.Series(union_categoricals([x.array for x in cols], sort_categories=sort_categories))
    return pd.concat(cols, ignore_index=True)


def _concat_frames(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """``pd.concat(frames)``, categoricals united (:func:`_join`)."""
    out = {c: _join([f[c] for f in frames]) for c in frames[0].columns}
    return pd.DataFrame(out, columns=frames[0].columns).set_axis(np.concatenate([f.index for f in frames]))


def _concat_rows(parts: list[dict]) -> pd.DataFrame:
    """Parts' rows (dicts of columns) one under another, a column at a time, each part's column freed once
    joined; categoricals united (:func:`_join`, categories sorted)."""
    out = {}
    for c in list(parts[0]) if parts else []:
        if all(isinstance(p[c], np.ndarray) for p in parts):  # numbers: one copy, not a Series each and a concat
            out[c] = pd.Series(np.concatenate([p.pop(c) for p in parts]), copy=False)
            continue
        out[c] = _join([pd.Series(p.pop(c), copy=False) for p in parts], sort_categories=True)
    return pd.DataFrame(out, copy=False)  # copy=False: no consolidation, so no second copy of the numbers


def positions(rows: pd.DataFrame, tables: list[SheetTable]) -> np.ndarray:
    """Each row's position below its sheet's header (its source_row less the header's rows)."""
    starts = np.array([t.header.data_start + 1 for t in tables], dtype=np.int64)
    return rows["source_row"].to_numpy() - starts[rows["_sheet"].to_numpy()]


def _add_originals(rows: pd.DataFrame, idx: np.ndarray, tables: list[SheetTable],
                   originals: dict[int, pd.DataFrame]) -> None:
    sub = take_rows(rows, idx, ["_sheet", "source_row"])
    sheet_of, pos = sub["_sheet"].to_numpy(), positions(sub, tables)
    for sid in np.unique(sheet_of):
        more = tables[int(sid)].rows_at(np.sort(pos[sheet_of == sid]))
        originals[int(sid)] = pd.concat([originals[int(sid)], more])


def _take(rows: pd.DataFrame, keep: np.ndarray, columns: list[str]) -> pd.DataFrame:
    """``rows[keep]`` for ``columns``; each source column is dropped from ``rows`` when taken. Numbers and
    categorical codes are filtered with numpy here while a thread filters the text columns with Arrow
    (which releases the GIL), one at a time, so memory holds the rows plus one text column."""
    if keep.all():
        return pd.DataFrame({c: rows.pop(c).reset_index(drop=True) for c in columns}, copy=False)
    text = [c for c in columns if rows[c].dtype == "str" and hasattr(rows[c].array, "_pa_array")]
    mask = pa.array(keep)

    def filter_text():
        return {c: pd.Series(pd.array(rows_text.pop(c).array._pa_array.filter(mask), dtype="str"), name=c)
                for c in text}

    rows_text = {c: rows.pop(c) for c in text}
    out = {}
    with ThreadPoolExecutor(max_workers=1) as pool:
        fut = pool.submit(filter_text)
        for c in columns:
            if c in text:
                continue
            s = rows.pop(c)
            if isinstance(s.dtype, pd.CategoricalDtype):
                out[c] = pd.Series(pd.Categorical.from_codes(s.cat.codes.to_numpy()[keep], dtype=s.dtype,
                                                             validate=False), name=c, copy=False)
            elif isinstance(s.array, np.ndarray) or s.dtype.kind in "biufb":
                out[c] = pd.Series(s.to_numpy()[keep], name=c, copy=False)
            else:
                out[c] = s[keep].reset_index(drop=True)
            del s
        out.update(fut.result())
    return pd.DataFrame({c: out[c] for c in columns}, copy=False)
