"""Notebook and batch parameters, validated before anything runs: one clear line on a bad value.

Years, chains and indicators are checked against the plan they are given; every notebook declares a ``plan``
parameter (a plan file, None for the user's default) and reads it with :func:`plan_file`.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from ..errors import ParameterError
from ..files.limits import PARAMS
from ..files.regular import FileRefused, read_bytes
from .load import read_plan, user_plan_path
from .model import ALL, Plan
from .model import TOTAL as DISTRICT

__all__ = ["plan_file", "check_year", "check_year_or", "check_horizon", "check_chain", "check_chain_or", "check_rates", "check_tolerance", "check_path", "check_base_total",
           "check_jobs", "check_indicator", "parse_assignments", "load_params_file",
           "check_batch_params", "install_short_errors", "ParameterError"]


def _whole_year(year: Any, name: str, use: str) -> int:
    """``year`` as a whole number (an int, or text such as "2024"); a one-line error saying what to ``use``."""
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={year!r} is not a year; use {use}") from None
    if y != year and not (isinstance(year, str) and year.strip() == str(y)):
        raise ParameterError(f"{name}={year!r} is not a whole year")
    return y


def check_year(year: Any, name: str = "year", years: Iterable[int] | None = None, *, plan: Plan) -> int:
    """A plan year (the plan's years, e.g. 2023–2026) as int."""
    years = tuple(years) if years is not None else plan.years
    y = _whole_year(year, name, f"one of {years[0]}–{years[-1]}")
    if y not in years:
        raise ParameterError(f"{name}={y} is outside the plan's years {years[0]}–{years[-1]}")
    return y


def check_year_or(year: Any, name: str, default: str, *, plan: Plan) -> int:
    """:func:`check_year`, with ``None`` meaning one of the plan's own years: ``default`` is ``"base"`` (the base
    year, 2023 for the bundled plan), ``"target"`` (the target year, 2026) or ``"first"`` / ``"last"`` (the table's
    first / last year). Notebook parameters default to None so that every plan's years work."""
    if year is None:
        year = {"base": plan.base_year, "target": plan.target_year, "first": plan.years[0], "last": plan.years[-1]}[default]
    return check_year(year, name, plan=plan)


def check_horizon(year: Any, name: str = "to_year", *, plan: Plan, beyond: int = 10) -> int:
    """The last year of a projection: None → the plan's target year; else a whole year from the plan's last year
    up to ``beyond`` years after it (projections may look past the plan)."""
    if year is None:
        return plan.target_year
    lo, hi = plan.years[-1], plan.years[-1] + beyond
    y = _whole_year(year, name, f"{lo}–{hi}")
    if not lo <= y <= hi:
        raise ParameterError(f"{name}={y}: projections run to a year from the plan's last year {lo} to {hi}")
    return y


def check_chain_or(chain: Any, *, allow_all: bool = True, plan: Plan) -> str:
    """:func:`check_chain`, with ``None`` meaning the plan's first chain (现代针纺 for the bundled plan)."""
    return check_chain(plan.chain_ids[0] if chain is None else chain, allow_all=allow_all, plan=plan)


def check_chain(chain: Any, *, allow_all: bool = True, plan: Plan) -> str:
    """A chain id of the plan (textiles / metallurgy … for the bundled one) or 'all' (全区, sum of the chains).

    Accepts ids, Chinese names and aliases; returns the id.
    """
    if allow_all and str(chain).strip().lower() in {ALL, DISTRICT, "全部", "合计", plan.all_name}:
        return ALL
    c = plan.find_chain(str(chain)) if chain is not None else None
    if c is None:
        choices = ", ".join(plan.chain_ids) + (", all (全区)" if allow_all else "")
        raise ParameterError(f"chain={chain!r} is not a known chain; use one of {choices} "
                             f"or a Chinese name ({', '.join(plan.chain_names)})")
    return c.id


def check_rates(rates: Any, name: str = "scenario_rates") -> list[float]:
    """Annual growth rates as fractions (0.10 = 10 %), each between -0.5 and 1."""
    if isinstance(rates, (int, float)):
        rates = [rates]
    try:
        out = [float(r) for r in rates]
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={rates!r} must be a list of fractions such as [0.08, 0.10, 0.12]") from None
    if not out:
        raise ParameterError(f"{name} is empty; give at least one rate such as 0.10")
    bad = [r for r in out if not -0.5 <= r <= 1.0]
    if bad:
        raise ParameterError(f"{name}={rates!r}: {bad[0]} is not a yearly rate as a fraction (0.10 means 10 %)")
    return out


def check_tolerance(pp: Any, name: str = "tolerance_pp") -> float:
    """Tolerance in percentage points (1.0 = ±1 pp), between 0 and 10."""
    try:
        v = float(pp)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={pp!r} is not a number of percentage points") from None
    if not 0 <= v <= 10:
        raise ParameterError(f"{name}={v} must be between 0 and 10 percentage points")
    return v


def check_base_total(total: Any, minimum: float = 0.0, name: str = "base_total_yi") -> float | None:
    """Optional total above-size industrial revenue of the base year, 亿元; must exceed `minimum`."""
    if total is None:
        return None
    try:
        v = float(total)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={total!r} is not an amount in 亿元") from None
    if not math.isfinite(v):  # inf passes `v <= minimum`, nan passes every comparison
        raise ParameterError(f"{name}={total!r} is not a finite amount in 亿元")
    if v <= minimum:
        raise ParameterError(f"{name}={v:g} 亿元 must exceed {minimum:g} 亿元 (the four chains' own base)")
    return v


def check_path(path: Any, name: str, *, must_exist: bool = True, allow_none: bool = True) -> Path | None:
    """A file or folder parameter; None allowed where the library has a bundled default."""
    if path is None or path == "":
        if allow_none:
            return None
        raise ParameterError(f"{name} is required")
    p = Path(path).expanduser()
    if must_exist and not p.exists():
        raise ParameterError(f"{name}={str(path)!r} does not exist")
    return p


def check_jobs(jobs: Any, name: str = "jobs") -> int | None:
    """Parallel notebook processes: a whole number ≥ 1, or None for the default (the core count)."""
    if jobs is None:
        return None
    if isinstance(jobs, bool) or not isinstance(jobs, (int, str)):
        raise ParameterError(f"{name}={jobs!r} must be a whole number ≥ 1")
    try:
        n = int(jobs)
    except ValueError:
        raise ParameterError(f"{name}={jobs!r} must be a whole number ≥ 1") from None
    if n < 1:
        raise ParameterError(f"{name}={n} must be at least 1 (parallel notebook processes)")
    return n


def check_indicator(indicator: Any, name: str = "indicator", *, plan: Plan) -> str:
    if indicator not in plan.indicator_ids:
        known = " or ".join(f"'{i.id}' ({i.unit})" for i in plan.indicators)
        raise ParameterError(f"{name}={indicator!r} must be {known}")
    return indicator


def _check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ParameterError(f"{name}={value!r} must be true or false")
    return value


# ------------------------------------------------------------------------------- batch parameters (-p)
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_PARAMS_BYTES = PARAMS.max_bytes  # a parameters file is a few lines
MAX_VALUE_BYTES = 10_000       # one -p value

# checks for parameters the notebooks declare, by name: the batch validates given values before any run
# (each takes the value, the name and the plan the batch runs for)
CHECKS: dict[str, Callable[[Any, str, Plan], Any]] = {
    "chain": lambda v, n, p: check_chain(v, plan=p),
    "tolerance_pp": lambda v, n, p: check_tolerance(v, n),
    "scenario_rates": lambda v, n, p: check_rates(v, n),
    "base_total_yi": lambda v, n, p: check_base_total(v, name=n),
    "start_year": lambda v, n, p: check_year(v, n, plan=p), "end_year": lambda v, n, p: check_year(v, n, plan=p),
    "to_year": lambda v, n, p: check_year(v, n, plan=p), "base_year": lambda v, n, p: check_year(v, n, plan=p),
    "indicator": lambda v, n, p: check_indicator(v, n, plan=p),
    "use_register": lambda v, n, p: _check_bool(v, n),
    "raw_path": lambda v, n, p: check_path(v, n),
}


def _alias_line(text: str) -> int | None:
    """The line of the first YAML alias (``*name``) in ``text``, or None. Parameters refuse aliases: a few hundred
    bytes of them expand to billions of elements."""
    import yaml

    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                return event.start_mark.line + 1
    except yaml.YAMLError:
        return None
    return None


def _yaml_scalar(text: str, where: str = "-p") -> Any:
    """A ``-p`` value as papermill reads it: ``None`` → None, else YAML (``0.1`` → float, ``[0.08, 0.1]`` →
    list, ``true`` → bool, anything else the string itself); aliases and values over 10 KB are refused."""
    import yaml

    if text == "None":
        return None
    if len(text.encode("utf-8")) > MAX_VALUE_BYTES:
        raise ParameterError(f"{where}: the value is longer than {MAX_VALUE_BYTES // 1000} KB")
    if _alias_line(text) is not None:
        raise ParameterError(f"{where}: YAML aliases (*name) are not accepted in parameter values")
    try:
        return yaml.safe_load(text) if text.strip() else text
    except yaml.YAMLError:
        return text


def parse_assignments(items: Iterable[str], option: str = "-p") -> dict[str, Any]:
    """``NAME=VALUE`` strings (repeatable ``-p``) → {name: value}; a later one wins."""
    out: dict[str, Any] = {}
    for item in items:
        name, sep, value = str(item).partition("=")
        name = name.strip()
        if not sep or not _NAME_RE.match(name):
            raise ParameterError(f"{option} {item!r}: expected NAME=VALUE, e.g. {option} tolerance_pp=0.5")
        out[name] = _yaml_scalar(value.strip(), f"{option} {name}")
    return out


def load_params_file(path: str | Path) -> dict[str, Any]:
    """A YAML mapping of notebook parameters (``--params FILE.yaml``). Errors are one line with the line."""
    import yaml

    p = Path(path)
    try:  # a regular file of at most 100 KB (a FIFO or /dev/zero is one line, never a hang)
        data = read_bytes(p, PARAMS)
    except FileRefused as exc:
        raise ParameterError(f"--params {path}: {exc.reason}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParameterError(f"--params {path}: not UTF-8 text (byte {exc.start})") from None
    alias = _alias_line(text)
    if alias is not None:
        raise ParameterError(f"--params {path}, line {alias}: YAML aliases (*name) are not accepted")
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParameterError(f"--params {path}{where}: not valid YAML ({problem})") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ParameterError(f"--params {path}: expected a mapping of NAME: VALUE lines, found a "
                             f"{type(doc).__name__}")
    bad = [k for k in doc if not isinstance(k, str) or not _NAME_RE.match(k)]
    if bad:
        raise ParameterError(f"--params {path}: {bad[0]!r} is not a parameter name")
    return dict(doc)


def check_batch_params(given: Mapping[str, Any], declared: Mapping[str, set[str]], *,
                       reserved: Mapping[str, str] | None = None, year: int | None = None,
                       plan: Plan) -> dict[str, Any]:
    """Validate batch parameters against what the notebooks declare (stem → names).

    A name no notebook declares is an error listing the known ones; a name the batch sets itself
    (``reserved``: name → the option that sets it) is an error naming that option; values are checked with
    the same functions the notebooks use (one line each). Returns the values as given.
    """
    reserved = dict(reserved or {})
    known = sorted(set().union(*declared.values()) - set(reserved)) if declared else []
    for name, value in given.items():
        if name in reserved:
            raise ParameterError(f"-p {name}: set by {reserved[name]}, not as a notebook parameter")
        if name not in known:
            raise ParameterError(f"-p {name}: no notebook declares a parameter {name!r}; known: {', '.join(known)}")
        check = CHECKS.get(name)
        if check is not None:
            check(value, name, plan)
    if year is not None and "base_year" in given and check_year(given["base_year"], "base_year", plan=plan) > year:
        raise ParameterError(f"base_year={given['base_year']} is after year={year}")
    return dict(given)


def plan_file(plan: Any = None) -> Plan:
    """A notebook's ``plan`` parameter as a :class:`~chainplan_lib.plan.model.Plan`: a plan file path (or a Plan),
    validated (a mistake is a one-line :class:`~chainplan_lib.plan.load.PlanError`); ``None`` is the user's
    default, ``$CHAINPLAN_PLAN`` or else the bundled plan (read here, at the notebook's edge, and nowhere deeper).

    Nothing in the library holds a plan, so a kernel may open any number of plans, one after another or side by
    side; the returned plan is what the notebook passes on."""
    if isinstance(plan, Plan):
        return plan
    if plan is None:
        return read_plan(user_plan_path())
    if not isinstance(plan, (str, Path)) or not str(plan).strip():
        raise ParameterError(f"plan={plan!r} is not a plan file path (a .toml file, or None for the default)")
    return read_plan(Path(plan))


def install_short_errors() -> None:
    """In IPython/Jupyter, show :class:`ParameterError` as one line instead of a traceback."""
    ip = sys.modules.get("IPython")
    shell = ip.get_ipython() if ip is not None else None
    if shell is None:
        return

    def _one_line(shell, etype, value, tb, tb_offset=None):
        # IPython records the error (the cell fails, so papermill and "Run all" stop here) but leaves
        # showing it to the handler: show it as an error output whose traceback is this one line.
        stb = [f"ParameterError: {value}"]
        shell._showtraceback(etype, value, stb)
        return stb

    shell.set_custom_exc((ParameterError,), _one_line)
