"""Industries as bureaus print them (GB/T 4754 行业) → division codes, and rows by industry → the plan's chains.

A statistics bureau publishes industrial figures by 行业 — the GB/T 4754-2017 divisions (两位数大类) 06–46 — and
a plan assigns industries to its chains (``[[chains]] industry_codes``). :class:`IndustryIndex` reads a row label
as a division: the standard's names (``config/gbt4754_divisions.csv``: the 2017 name, the 2011 name where it
differs, the short names bureaus print), compared after the register cleaner's normalisation (full-width,
spaces, Traditional characters) with 、/，/· dropped, 及 read as 和 and a trailing 制造业 / 业 optional; a code
printed before the name (``39 计算机…``, ``C39``, ``3971 …``) is read as the code. A name within one character of a
known one is never matched silently: :meth:`IndustryIndex.near` names the candidate for the quarantine.

:func:`chain_sums` adds the industry rows of one table up to each chain: the value is the sum of the rows whose
code the chain lists (a division needs its division row, a group or class code its own row: a division's row is
never split, and rows marked as of-which are never added to the row they are part of); the growth of the sum
comes from the printed 上年同期 column when every part has one, else from each part's own growth
(base_i = value_i / (1 + g_i)); the coverage says which codes were found and which were not. A chain none of
whose codes appear is absent from the result — never 0.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ...errors import InputError
from ...plan.names import normalise_label
from ...plan.normalise import to_simplified

__all__ = ["DIVISIONS_FILE", "Division", "IndustryMatch", "IndustryIndex", "load_divisions", "industry_key",
           "chain_sums", "COVERAGE_COLUMNS", "YOY_BASES"]

DIVISIONS_FILE = Path(str(resources.files("chainplan_lib") / "config" / "gbt4754_divisions.csv"))
COVERAGE_COLUMNS = ["chain_id", "chain", "year", "month", "cumulative", "indicator", "area", "status",
                    "codes_expected", "codes_found", "codes_missing", "value", "yoy_pct", "yoy_basis",
                    "source_file", "source_table", "note"]
YOY_BASES = {
    "prior_year": "同比按表中“上年同期”列的合计计算",
    "growth": "同比按各行业本身的增速倒推上年基数（基数 = 本期值 ÷ (1 + 增速)）后计算",
    "none": "无法计算同比",
}


@dataclass(frozen=True)
class Division:
    code: str
    section: str
    name: str
    name_2011: str
    short: tuple[str, ...]


@dataclass(frozen=True)
class IndustryMatch:
    """A row label read as an industry: its code, the standard name and how it was recognised
    (``name`` 2017 name, ``name_2011``, ``short``, ``stem`` without 制造业/业, ``code`` printed, ``misprint`` a
    misprint accepted in the layout config)."""

    code: str
    name: str
    how: str


_DROP = re.compile(r"[、，,·・\.．;；]")


def industry_key(text: object) -> str:
    """A label as industry names are compared: normalised, Simplified, 、/，/· dropped, 及 read as 和."""
    key = to_simplified(normalise_label("" if text is None else str(text))).lower()
    return _DROP.sub("", key).replace("及", "和")


def _stems(key: str) -> list[str]:
    """A name's forms without a trailing 制造业 / 业 (only when at least three characters are left)."""
    out = []
    for suf in ("制造业", "业"):
        if key.endswith(suf) and len(key) - len(suf) >= 3:
            out.append(key[: -len(suf)])
    return out


def load_divisions(path: str | Path | None = None) -> tuple[Division, ...]:
    """The divisions of ``config/gbt4754_divisions.csv`` (or another file with the same columns)."""
    return _load_divisions(str(path or DIVISIONS_FILE))


@lru_cache(maxsize=4)
def _load_divisions(path: str) -> tuple[Division, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the GB/T 4754 divisions: {exc}", file=path) from None
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    out = []
    for i, r in enumerate(rows, start=2):
        code = (r.get("code") or "").strip()
        if not re.fullmatch(r"\d{2}", code) or not (r.get("name") or "").strip():
            raise InputError(f"row {i}: a division needs a two-digit code and a name", file=path)
        out.append(Division(code, (r.get("section") or "").strip(), r["name"].strip(),
                            (r.get("name_2011") or "").strip(),
                            tuple(s.strip() for s in (r.get("short") or "").split(";") if s.strip())))
    return tuple(out)


_CODE_LABEL = re.compile(r"^(?:[a-d])?(\d{2}|\d{3}|\d{4})(?![\d.])[:：]?([^\d年月日号%].+)$")


class IndustryIndex:
    """Row label → division (see the module docstring). ``misprints``: label → code accepted as they are printed
    (from the layout config; each one checked by a person)."""

    def __init__(self, divisions: tuple[Division, ...], misprints: dict[str, str] | None = None):
        self.divisions = {d.code: d for d in divisions}
        self.full: dict[str, str] = {}     # full names (2017 / 2011), with their 业
        self.short: dict[str, str] = {}    # short names and stems
        self.how: dict[str, str] = {}
        clashes = []
        for d in divisions:
            for how, names in (("name", (d.name,)), ("name_2011", (d.name_2011,) if d.name_2011 else ())):
                for n in names:
                    k = industry_key(n)
                    clashes += self._put(self.full, k, d.code, how)
                    for s in _stems(k):
                        clashes += self._put(self.short, s, d.code, "stem")
            for n in d.short:
                clashes += self._put(self.short, industry_key(n), d.code, "short")
        if clashes:
            raise InputError("GB/T 4754 divisions: a name points at two divisions: " + ", ".join(sorted(set(clashes))),
                             file=DIVISIONS_FILE)
        self.misprints = {industry_key(k): str(v) for k, v in (misprints or {}).items()}
        self._keys = sorted({*self.full, *self.short})

    def _put(self, table: dict[str, str], key: str, code: str, how: str) -> list[str]:
        if not key:
            return []
        if table.get(key, code) != code or (table is self.short and self.full.get(key, code) != code):
            return [key]
        table.setdefault(key, code)
        self.how.setdefault(key, how)
        return []

    def name(self, code: str) -> str:
        d = self.divisions.get(code[:2])
        return d.name if d else ""

    def full_name(self, key: str) -> IndustryMatch | None:
        """A standard full name (2017 or 2011, with its 业), or a code printed before the name."""
        if key in self.full:
            return IndustryMatch(self.full[key], self.name(self.full[key]), self.how[key])
        m = _CODE_LABEL.match(key)
        if m and m.group(1)[:2] in self.divisions:
            code, rest = m.group(1), m.group(2)
            if len(code) == 2 and self._lookup(rest) not in (None, code):
                return None  # "13 食品制造业": code and name disagree; not read as either
            return IndustryMatch(code, self.name(code) if len(code) == 2 else rest, "code")
        if key in self.misprints:
            code = self.misprints[key]
            return IndustryMatch(code, self.name(code), "misprint")
        return None

    def _lookup(self, key: str) -> str | None:
        return self.full.get(key) or self.short.get(key) or next(
            (self.short[s] for s in _stems(key) if s in self.short), None)

    def short_name(self, key: str) -> IndustryMatch | None:
        """A short name bureaus print, or a full name without its 制造业 / 业."""
        if key in self.short:
            return IndustryMatch(self.short[key], self.name(self.short[key]), self.how[key])
        for s in _stems(key):
            if s in self.short:
                return IndustryMatch(self.short[s], self.name(self.short[s]), "stem")
        return None

    def near(self, key: str) -> list[tuple[str, str]]:
        """(code, standard name) of the divisions whose names are within one character of ``key`` (an
        insertion, a deletion or a substitution), for a label that matched nothing. Labels under four
        characters are not compared."""
        if len(key) < 4:
            return []
        forms = {key, *_stems(key)}
        codes = []
        for k in self._keys:
            if any(abs(len(k) - len(f)) <= 1 and _one_edit(f, k) for f in forms):
                code = self.full.get(k) or self.short.get(k)
                if code not in codes:
                    codes.append(code)
        return [(c, self.name(c)) for c in sorted(codes)]


def _one_edit(a: str, b: str) -> bool:
    """Whether a and b differ by exactly one insertion, deletion or substitution."""
    if a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) != 1:
        return False
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


# --------------------------------------------------------------------------------------------- chain sums
def _fmt(codes) -> str:
    return " ".join(codes)


def chain_sums(rows: list[dict], plan, *, source_file: str, source_table: str) -> tuple[list[dict], list[dict]]:
    """The plan's chains from the industry rows of one table, for one period, indicator and area.

    ``rows``: dicts with ``code``, ``value`` (float or NaN for a growth-only table), ``yoy_pct`` (float or NaN),
    ``prior`` (the printed 上年同期 in the same unit, or NaN), ``of_which`` (a row marked as part of another
    industry row), ``source_row``; and the period keys ``year, month, cumulative, indicator, area``.
    Returns (records: one per chain whose value could be computed, coverage: one per chain of the plan).
    """
    if not rows:
        return [], []
    key = {k: rows[0][k] for k in ("year", "month", "cumulative", "indicator", "area")}
    by_code: dict[str, dict] = {}
    for r in rows:
        by_code.setdefault(r["code"], r)  # the first row printed for a code (a later copy is a repeat)
    code_chain = plan.industry_code_map()
    records, coverage = [], []
    for chain in plan.chains:
        expected = list(chain.industry_codes)
        found, missing, notes, parts = [], [], [], []
        for code in expected:
            row = by_code.get(code)
            if row is None:
                if len(code) > 2 and code[:2] in by_code:
                    notes.append(f"{code} 是中类/小类，表中只有大类 {code[:2]} 的行，不能拆分")
                missing.append(code)
                continue
            # codes under this one that the plan gives to another chain must come out of this row
            minus = [c for c, other in code_chain.items() if other != chain.id and c != code and c.startswith(code)]
            sub = []
            for c in minus:
                if c in by_code:
                    sub.append(by_code[c])
                else:
                    notes.append(f"{code} 含 {c}（方案归入另一条链），表中没有 {c} 的行，无法扣除")
            if any(c not in by_code for c in minus):
                missing.append(code)
                continue
            found.append(code)
            parts.append((row, sub))
        status = "absent" if not found else ("full" if not missing else "partial")
        cov = {"chain_id": chain.id, "chain": chain.name, **key, "status": status,
               "codes_expected": _fmt(expected), "codes_found": _fmt(found), "codes_missing": _fmt(missing),
               "value": math.nan, "yoy_pct": math.nan, "yoy_basis": "", "source_file": source_file,
               "source_table": source_table, "note": "；".join(notes)}
        if not expected:
            cov.update(status="absent", note="方案没有为此链列出行业代码（industry_codes）")
        if found:
            value, yoy, basis, why = _sum(parts)
            cov.update(value=value, yoy_pct=yoy, yoy_basis=basis)
            if why:
                cov["note"] = "；".join(x for x in (cov["note"], why) if x)
            if math.isnan(value):
                cov["status"] = status + "_growth_only" if status != "absent" else status
            else:
                records.append({**key, "chain_id": chain.id, "value": value, "yoy_pct": yoy,
                                "coverage": status, "divisions_found": _fmt(found),
                                "divisions_missing": _fmt(missing), "yoy_basis": basis,
                                "source_row": int(min(r["source_row"] for r, _ in parts))})
        coverage.append(cov)
    return records, coverage


def _sum(parts) -> tuple[float, float, str, str]:
    """(value, yoy %, basis, note) of the sum of (row, rows to subtract) parts."""
    def net(field, row, sub):
        return row[field] - sum(s[field] for s in sub)

    values = [net("value", r, s) for r, s in parts]
    if any(math.isnan(v) for v in values):
        if len(parts) == 1 and not parts[0][1] and not math.isnan(parts[0][0]["yoy_pct"]):
            return math.nan, parts[0][0]["yoy_pct"], "growth", "只有增速、没有总量：一个行业的增速即本链增速"
        return math.nan, math.nan, "none", "只有增速、没有总量：几个行业的增速无法相加（需要各自的总量作权重）"
    total = sum(values)
    priors = [net("prior", r, s) for r, s in parts]
    if all(not math.isnan(p) for p in priors):
        base = sum(priors)
        return total, ((total / base - 1) * 100 if base > 0 else math.nan), "prior_year", ""
    bases = []
    for r, sub in parts:
        for x, sign in ((r, 1), *((s, -1) for s in sub)):
            g = x["yoy_pct"]
            if math.isnan(g) or g <= -100:
                return total, math.nan, "none", "有行业没有同比增速，无法倒推上年基数"
            bases.append(sign * x["value"] / (1 + g / 100))
    base = sum(bases)
    return total, ((total / base - 1) * 100 if base > 0 else math.nan), "growth", ""
