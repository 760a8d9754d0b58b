"""Reading and validating a plan file (TOML). Every mistake is one line naming the file and the key.

The bundled plan is ``data/plans/qingshanhu-2024.toml``; ``--plan FILE`` (or ``$CHAINPLAN_PLAN``, read at the
CLI and notebook edges only) selects another; inside the library a plan is always passed as a value. The README documents the keys with the bundled file as the example; ``chainplan plan new``
writes a commented skeleton and ``chainplan plan check`` validates one.

A plan file is untrusted input. Only a regular file of at most 1 MB is read (a FIFO or ``/dev/zero`` is one
line, never a hang). ``[table].path`` must lead to a file inside the plan's own folder — or, for a plan kept in
a ``data/plans/`` folder, inside that ``data/`` folder (so ``../raw/table.txt`` works there) —, never through
an absolute path, a ``..`` that climbs out or a symbolic link pointing out. Every text value is NFC-normalised;
one holding an invisible or text-direction control character (zero-width spaces, U+FEFF, bidi overrides and
isolates, other format and control characters) is refused, and so is a name beginning with a character a
spreadsheet reads as a formula (``= + - @``, their full-width forms, or a tab or line break), each naming the key.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ChainplanError
from ..files.limits import PLAN_FILE
from ..files.regular import FileRefused, check_regular, read_bytes
from ..paths import project_root
from .model import ALL, QUALIFIERS, TOTAL, Area, Chain, Indicator, OtherTarget, Plan, SizeBands, Target
from .normalise import label_key

__all__ = ["PlanError", "FORMAT", "bundled_plan_path", "user_plan_path", "read_plan", "as_plan", "is_bundled"]

FORMAT = 1
MAX_PLAN_BYTES = PLAN_FILE.max_bytes
_ID = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_CODE = re.compile(r"^\d{2,4}$")
_RESERVED_IDS = {ALL, "other", "industry"}
# a text value starting with one of these is read as a formula by Excel, WPS and LibreOffice (after NFKC,
# full-width ＝＋－＠ are the same characters); tabs and line breaks are refused as control characters
_FORMULA_STARTS = frozenset("=+-@")


class PlanError(ChainplanError):
    """A plan file that cannot be used; the message names the file and the key."""

    def __init__(self, path: str | Path, key: str, message: str):
        self.path, self.key = str(path), key
        super().__init__(f"{path}: {key}: {message}" if key else f"{path}: {message}")


def bundled_plan_path() -> Path:
    """The plan shipped with chainplan, ``data/plans/qingshanhu-2024.toml``; the bundled sample registers and
    monthly reports under ``data/raw/`` belong to it."""
    return project_root() / "data" / "plans" / "qingshanhu-2024.toml"


def user_plan_path() -> Path:
    """The plan a user means by giving none: ``$CHAINPLAN_PLAN`` if set, else the bundled plan.

    Read only at the edges — the CLI's ``--plan`` default and a notebook's ``plan`` parameter
    (:func:`chainplan_lib.plan.params.plan_file`) — never inside the library, which is always handed a plan."""
    env = os.environ.get("CHAINPLAN_PLAN")
    return Path(env) if env else bundled_plan_path()


def is_bundled(plan: Plan) -> bool:
    """Whether ``plan`` is the bundled plan (so the bundled sample data under data/raw/ are its data)."""
    try:
        return plan.path.resolve() == bundled_plan_path().resolve()
    except OSError:
        return False


def as_plan(plan: Plan | str | Path) -> Plan:
    """A Plan from a Plan or a plan file's path."""
    if isinstance(plan, Plan):
        return plan
    if not isinstance(plan, (str, Path)):
        raise TypeError(f"a plan is a Plan or a plan file's path, not {type(plan).__name__}")
    return read_plan(plan)


def read_plan(path: str | Path) -> Plan:
    """Read and validate a plan file (cached per path, size and modification time)."""
    p = Path(path)
    try:  # only a regular file of at most 1 MB (a FIFO, /dev/zero or a folder is one line)
        st = check_regular(p, PLAN_FILE)
    except FileRefused as exc:
        raise PlanError(p, "", "plan file not found" if exc.reason == "file not found" else exc.reason) from None
    return _read(str(p.resolve()), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=16)
def _read(path: str, size: int, mtime_ns: int) -> Plan:
    p = Path(path)
    try:
        data = read_bytes(p, PLAN_FILE)
    except FileRefused as exc:
        raise PlanError(p, "", exc.reason) from None
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PlanError(p, "", f"not UTF-8 (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(p, "", f"not valid TOML: {exc}") from None
    return _build(p, raw, hashlib.sha256(data).hexdigest())


# --------------------------------------------------------------------------------------------- helpers
class _Reader:
    """Typed access to one table of the TOML with errors naming the key."""

    def __init__(self, path: Path, table: Any, key: str):
        self.path, self.key = path, key
        if not isinstance(table, dict):
            self.fail("", "must be a table")
        self.t = table

    def fail(self, sub: str, message: str):
        key = f"{self.key}.{sub}" if sub and self.key else (sub or self.key)
        raise PlanError(self.path, key, message)

    def text(self, name: str, v: str, formula_ok: bool = False) -> str:
        """A text value NFC-normalised and stripped; refused (naming the key) when it holds an invisible or
        text-direction control character, or begins like a spreadsheet formula."""
        v = unicodedata.normalize("NFC", v).strip()
        hidden = lambda ch: unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")
        bad = next((ch for ch in v if hidden(ch)), None)
        if bad is not None:
            at = v.index(bad)
            near = "".join(f"⟦U+{ord(ch):04X}⟧" if hidden(ch) else ch for ch in v[max(0, at - 8): at + 9])
            near = ("…" if at > 8 else "") + near + ("…" if at + 9 < len(v) else "")
            self.fail(name, f"contains U+{ord(bad):04X} ({unicodedata.name(bad, 'a control character')}), an "
                            "invisible or text-direction control character: it would hide a difference between "
                            f"names or reorder text on the pages; remove it (at '{near}')")
        if not formula_ok and v and unicodedata.normalize("NFKC", v[0]) in _FORMULA_STARTS:
            self.fail(name, f"{v!r} begins with {v[0]!r}, which a spreadsheet reads as a formula; a name or "
                            "text must not begin with = + - or @")
        return v

    def str(self, name: str, default: str | None = None, required: bool = True, formula_ok: bool = False) -> str:
        v = self.t.get(name, default)
        if v is None:
            if required:
                self.fail(name, "missing")
            return ""
        if not isinstance(v, str) or (required and not v.strip()):
            self.fail(name, f"must be a non-empty string, got {v!r}")
        return self.text(name, v, formula_ok)

    def int(self, name: str, default: int | None = None) -> int:
        v = self.t.get(name, default)
        if v is None:
            self.fail(name, "missing")
        if isinstance(v, bool) or not isinstance(v, int):
            self.fail(name, f"must be a whole number, got {v!r}")
        return v

    def year(self, name: str, years: tuple[int, ...], default: int | None = None,
             required: bool = True) -> int | None:
        """A whole year that is one of the plan's ``years`` (None when optional and absent)."""
        if not required and self.t.get(name, default) is None:
            return None
        y = self.int(name, default)
        if y not in years:
            self.fail(name, f"{y} is outside plan.years {years[0]}–{years[-1]}")
        return y

    def num(self, name: str, default: float | None = None, required: bool = True) -> float | None:
        v = self.t.get(name, default)
        if v is None:
            if required:
                self.fail(name, "missing")
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            self.fail(name, f"must be a finite number, got {v!r}")
        return float(v)

    def strs(self, name: str, required: bool = False) -> tuple[str, ...]:
        v = self.t.get(name)
        if v is None:
            if required:
                self.fail(name, "missing")
            return ()
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            self.fail(name, f"must be a list of non-empty strings, got {v!r}")
        return tuple(self.text(f"{name}[{k}]", x) for k, x in enumerate(v))

    def list(self, name: str, required: bool = False) -> list:
        v = self.t.get(name)
        if v is None:
            if required:
                self.fail(name, "missing")
            return []
        if not isinstance(v, list):
            self.fail(name, "must be an array (use [[" + (f"{self.key}.{name}" if self.key else name) + "]])")
        return v

    def unknown(self, allowed: set[str]) -> None:
        extra = sorted(set(self.t) - allowed)
        if extra:
            self.fail(extra[0], f"unknown key (known: {', '.join(sorted(allowed))})")


def _build(path: Path, raw: dict, sha: str) -> Plan:
    top = _Reader(path, raw, "")
    fmt = raw.get("format", FORMAT)
    if fmt != FORMAT:
        top.fail("format", f"{fmt!r} is not a plan format this chainplan knows (it reads format {FORMAT})")
    top.unknown({"format", "plan", "table", "indicators", "chains", "areas", "size_bands", "other_targets"})

    # [plan]
    pl = _Reader(path, raw.get("plan"), "plan") if "plan" in raw else top.fail("plan", "missing table [plan]")
    pl.unknown({"title", "reference", "issued", "issuer", "district", "district_aliases", "years", "base_year",
                "target_year", "overall_indicator", "overall_growth", "overall_qualifier", "overall_section",
                "parent", "parent_growth", "parent_qualifier"})
    years_raw = pl.t.get("years")
    if (not isinstance(years_raw, list) or len(years_raw) < 2
            or not all(isinstance(y, int) and not isinstance(y, bool) and 1990 <= y <= 2100 for y in years_raw)):
        pl.fail("years", f"must list at least two years between 1990 and 2100, got {years_raw!r}")
    years = tuple(years_raw)
    if list(years) != list(range(years[0], years[0] + len(years))):
        pl.fail("years", f"must be consecutive and increasing, got {list(years)}")
    base_year = pl.year("base_year", years, years[0])
    target_year = pl.year("target_year", years, years[-1])
    if target_year <= base_year:
        pl.fail("target_year", f"{target_year} must be after base_year {base_year}")
    growth = pl.num("overall_growth", required=False)
    if growth is not None and not -0.5 < growth < 1:
        pl.fail("overall_growth", f"{growth!r} is not a yearly rate as a fraction (0.10 means 10 %)")
    parent = pl.str("parent", "", required=False)
    parent_growth = pl.num("parent_growth", required=False)
    parent_qualifier = pl.str("parent_qualifier", "", required=False)
    if parent_growth is not None and not -0.5 < parent_growth < 1:
        pl.fail("parent_growth", f"{parent_growth!r} is not a yearly rate as a fraction (0.10 means 10 %)")
    if parent_qualifier not in QUALIFIERS:
        pl.fail("parent_qualifier", f"{parent_qualifier!r} is not a qualifier of a growth goal; known: "
                                    f"{', '.join(q for q in QUALIFIERS if q)}")
    if (parent_growth is not None or "parent_qualifier" in pl.t) and not parent:
        key = "parent_growth" if parent_growth is not None else "parent_qualifier"
        pl.fail(key, "the parent plan's goal needs plan.parent, the parent plan's name as its title reads")
    if "parent_qualifier" in pl.t and parent_growth is None:
        pl.fail("parent_qualifier", "a qualifier without plan.parent_growth (the parent plan's rate, 0.10 for 10 %)")

    # [[indicators]]
    indicators = []
    for k, t in enumerate(top.list("indicators", required=True)):
        r = _Reader(path, t, f"indicators[{k}]")
        r.unknown({"id", "labels", "unit"})
        iid = r.str("id")
        if not _ID.match(iid):
            r.fail("id", f"{iid!r} must be lower-case letters, digits and _ (e.g. 'revenue')")
        indicators.append(Indicator(iid, r.strs("labels", required=True), r.str("unit")))
    if not indicators:
        top.fail("indicators", "at least one [[indicators]] is needed")
    _unique(path, "indicators", [i.id for i in indicators], "id")
    _unique(path, "indicators", [label_key(x) for i in indicators for x in i.labels], "label")
    ind_ids = {i.id for i in indicators}
    overall_indicator = pl.str("overall_indicator", indicators[0].id)
    if overall_indicator not in ind_ids:
        pl.fail("overall_indicator", f"{overall_indicator!r} is not an indicator id ({', '.join(sorted(ind_ids))})")

    # [[chains]]
    chains = []
    for k, t in enumerate(top.list("chains", required=True)):
        r = _Reader(path, t, f"chains[{k}]")
        r.unknown({"id", "name", "english", "aliases", "industry_codes", "targets"})
        cid = r.str("id")
        if not _ID.match(cid) or cid in _RESERVED_IDS:
            r.fail("id", f"{cid!r} must be lower-case letters, digits and _, and not one of "
                         f"{', '.join(sorted(_RESERVED_IDS))}")
        codes = r.strs("industry_codes")
        for code in codes:
            if not _CODE.match(code):
                r.fail("industry_codes", f"{code!r} is not a GB/T 4754 division, group or class (2–4 digits)")
        targets = []
        for j, tt in enumerate(r.list("targets")):
            tr = _Reader(path, tt, f"chains[{k}].targets[{j}]")
            tr.unknown({"year", "indicator", "value", "qualifier", "section"})
            y = tr.year("year", years)
            ind = tr.str("indicator")
            if ind not in ind_ids:
                tr.fail("indicator", f"{ind!r} is not an indicator id ({', '.join(sorted(ind_ids))})")
            v = tr.num("value")
            if v < 0:
                tr.fail("value", f"{v:g} is negative")
            targets.append(Target(cid, y, ind, v, tr.str("qualifier", ""  , required=False),
                                  tr.str("section")))
        _unique(path, f"chains[{k}].targets", [(t.year, t.indicator) for t in targets], "year and indicator")
        chains.append(Chain(cid, r.str("name"), r.str("english", "", required=False), r.strs("aliases"),
                            codes, tuple(targets)))
    if not chains:
        top.fail("chains", "at least one [[chains]] is needed")
    _unique(path, "chains", [c.id for c in chains], "id")
    _unique(path, "chains", [label_key(x) for c in chains for x in (c.name, *c.aliases)], "name or alias")
    _unique(path, "chains", [x for c in chains for x in c.industry_codes], "industry code")
    chain_ids = {c.id for c in chains}

    # [[areas]]
    areas = []
    for k, t in enumerate(top.list("areas", required=True)):
        r = _Reader(path, t, f"areas[{k}]")
        r.unknown({"name", "aliases"})
        areas.append(Area(r.str("name"), r.strs("aliases")))
    if not areas:
        top.fail("areas", "at least one [[areas]] is needed")
    district = pl.str("district")
    _unique(path, "areas", [label_key(x) for a in areas for x in (a.name, *a.aliases)], "name or alias")
    for a in areas:
        if label_key(a.name) in {label_key(TOTAL), label_key(district)}:
            top.fail("areas", f"{a.name!r} is the district total ({TOTAL}); list only its towns, sub-districts "
                              "and parks")

    # [table]
    tb = _Reader(path, raw.get("table"), "table") if "table" in raw else top.fail("table", "missing table [table]")
    tb.unknown({"path", "title", "unit", "section"})
    table_path = _table_path(path, tb)

    # [[size_bands]]
    bands = []
    for k, t in enumerate(top.list("size_bands")):
        r = _Reader(path, t, f"size_bands[{k}]")
        r.unknown({"chain", "year", "thresholds", "counts", "section"})
        cid = r.str("chain")
        if cid not in chain_ids:
            r.fail("chain", f"{cid!r} is not a chain id ({', '.join(c.id for c in chains)})")
        y = r.year("year", years)
        xs, ns = r.t.get("thresholds"), r.t.get("counts")
        if (not isinstance(xs, list) or not isinstance(ns, list) or len(xs) != len(ns) or len(xs) < 2
                or not all(isinstance(x, (int, float)) and not isinstance(x, bool) and x > 0 for x in xs)
                or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in ns)):
            r.fail("thresholds", "thresholds (亿元, > 0) and counts (户, whole numbers) must be two lists of the "
                                 "same length, at least 2")
        if any(b <= a for a, b in zip(xs, xs[1:])):
            r.fail("thresholds", f"{xs} must increase")
        if any(b > a for a, b in zip(ns, ns[1:])):
            r.fail("counts", f"{ns} are cumulative (firms above each threshold) and must not increase")
        bands.append(SizeBands(cid, y, tuple(float(x) for x in xs), tuple(int(n) for n in ns), r.str("section")))
    _unique(path, "size_bands", [b.chain_id for b in bands], "chain")

    others = []
    for k, t in enumerate(top.list("other_targets")):
        r = _Reader(path, t, f"other_targets[{k}]")
        r.unknown({"chain", "year", "what", "value", "qualifier", "section"})
        cid = r.t.get("chain")
        if cid is not None and cid not in chain_ids:
            r.fail("chain", f"{cid!r} is not a chain id")
        y = r.year("year", years, required=False)
        others.append(OtherTarget(cid, y, r.str("what"), r.num("value"), r.str("qualifier", "", required=False),
                                  r.str("section")))

    return Plan(
        path=path, sha256=sha, title=pl.str("title"), reference=pl.str("reference", "", required=False),
        issued=pl.str("issued", "", required=False), issuer=pl.str("issuer", "", required=False),
        district=district, district_aliases=pl.strs("district_aliases"), years=years, base_year=base_year,
        target_year=target_year, overall_indicator=overall_indicator, overall_growth=growth,
        overall_qualifier=pl.str("overall_qualifier", "", required=False),
        overall_section=pl.str("overall_section", "", required=False),
        table_path=table_path, table_title=tb.str("title"), table_unit=tb.str("unit", "", required=False),
        table_section=tb.str("section", "", required=False), indicators=tuple(indicators), chains=tuple(chains),
        areas=tuple(areas), size_bands=tuple(bands), other_targets=tuple(others),
        parent=parent, parent_growth=parent_growth, parent_qualifier=parent_qualifier,
    )


def table_root(plan_path: Path) -> Path:
    """The folder a plan's ``[table].path`` must stay in: the plan file's folder, or — for a plan kept in a
    ``data/plans/`` folder, as the bundled one is — that ``data/`` folder (its ``raw/`` beside ``plans/``)."""
    folder = Path(plan_path).parent
    return folder.parent if folder.name == "plans" and folder.parent.name == "data" else folder


def _inside(p: Path, root: Path) -> bool:
    return p == root or root in p.parents


def _table_path(path: Path, tb: _Reader) -> Path:
    """``[table].path`` resolved, refused (naming ``table.path``) unless it is a file inside :func:`table_root`."""
    given = tb.str("path", formula_ok=True)
    root = table_root(path)
    rule = (f"the table must be inside {root}" + (" (the data/ folder of this data/plans/ plan)"
                                                    if root != path.parent else " (the plan file's folder)"))
    if Path(given).is_absolute() or given.startswith(("~", "\\")) or re.match(r"^[A-Za-z]:[\\/]", given):
        tb.fail("path", f"{given!r} is an absolute path; give the table's path relative to the plan file: {rule}")
    lexical = Path(os.path.normpath(path.parent / given))
    if not _inside(lexical, root):
        tb.fail("path", f"{given!r} leads outside the plan's folder; {rule}")
    resolved = lexical.resolve()
    if not _inside(resolved, root.resolve()):
        tb.fail("path", f"{given!r} is a symbolic link leading outside the plan's folder; {rule} (copy the file "
                        "there)")
    if not resolved.is_file():
        tb.fail("path", f"{given!r} (relative to the plan file) is not a file")
    return resolved


def _unique(path: Path, key: str, values: list, what: str) -> None:
    seen = set()
    for v in values:
        if v in seen:
            shown = v if not isinstance(v, tuple) else " ".join(map(str, v))
            raise PlanError(path, key, f"{what} {shown!r} appears twice")
        seen.add(v)
