"""What each notebook of a run is given: the run's own parameters, the batch's defaults, and the user's.

The user's parameters come as ``NAME=VALUE`` (``-p``, papermill's ``-p NAME VALUE`` and Quarto's
``-P NAME:VALUE`` are turned into that form by the command line) or from a YAML file, and apply to every notebook
that declares the name; ``NOTEBOOK:NAME=VALUE`` (``-p 04_shares:chain=metallurgy``) applies to that notebook only.
Everything is checked before any notebook runs (:func:`resolve`): a name no notebook declares, a notebook that is
not in the run and a value the notebooks would refuse are each one line.

The run owns the parameters that say where its data is (:data:`BATCH_PARAMETERS`); they are passed as paths
relative to the folder the notebooks run in (``<report>/notebooks``): ``../data``, ``../data/actuals``,
``../data/plan.toml`` — so a report's notebooks re-run wherever the report is copied.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..errors import ParameterError
from ..plan.params import check_batch_params, parse_assignments

__all__ = ["BATCH_PARAMETERS", "DEFAULTS", "parse", "resolve", "for_notebook"]

BATCH_PARAMETERS = {"year": "--year", "processed_dir": "the batch (the report's data/ folder)",
                    "register_dir": "--registers", "month": "--month", "actuals_dir": "--actuals", "plan": "--plan"}

# notebook parameters the batch sets unless the user gives them (04_shares: its chain and base year are the
# plan's, the notebook's own defaults)
DEFAULTS: dict[str, dict[str, Any]] = {
    "02_growth": {"chain": "all"},
}


def parse(items: list[str], option: str = "-p") -> dict[str, Any]:
    """``[NOTEBOOK:]NAME=VALUE`` strings → {``NAME`` or ``NOTEBOOK:NAME``: value} (values read as YAML, as
    papermill reads ``-p``); a later one wins."""
    out: dict[str, Any] = {}
    for item in items:
        head, sep, value = str(item).partition("=")
        scope, colon, name = head.rpartition(":")
        if not sep:
            raise ParameterError(f"{option} {item!r}: expected NAME=VALUE or NAME VALUE, e.g. {option} tolerance_pp=0.5")
        parsed = parse_assignments([f"{name.strip()}={value}"], option)
        key = f"{scope.strip()}:{name.strip()}" if colon else name.strip()
        out[key] = parsed[name.strip()]
    return out


def resolve(given: Mapping[str, Any], declared: Mapping[str, Mapping[str, Any]], *, year: int | None, plan: Any,
            reserved: Mapping[str, str] = BATCH_PARAMETERS) -> dict[str, dict[str, Any]]:
    """Check the user's parameters against what each notebook declares (stem → names) and return, per notebook,
    the ones it gets. Errors are one line."""
    names = {stem: set(d) for stem, d in declared.items()}
    everywhere = {k: v for k, v in given.items() if ":" not in k}
    check_batch_params(everywhere, names, reserved=reserved, year=year, plan=plan)
    per: dict[str, dict[str, Any]] = {stem: {k: v for k, v in everywhere.items() if k in names[stem]}
                                      for stem in names}
    for key, value in given.items():
        if ":" not in key:
            continue
        stem, name = key.split(":", 1)
        if stem not in names:
            raise ParameterError(f"-p {key}: no notebook {stem!r} in this run; notebooks: {', '.join(sorted(names))}")
        if name not in names[stem] - set(reserved):
            known = ", ".join(sorted(names[stem] - set(reserved)))
            if name in reserved:
                raise ParameterError(f"-p {key}: set by {reserved[name]}, not as a notebook parameter")
            raise ParameterError(f"-p {key}: {stem} declares no parameter {name!r}; it declares: {known}")
        check_batch_params({name: value}, {stem: names[stem]}, reserved=reserved, year=year, plan=plan)
        per[stem][name] = value
    return per


def for_notebook(stem: str, declared: Mapping[str, Any], run: Mapping[str, Any], user: Mapping[str, Any]) -> dict:
    """The parameters one notebook gets: the run's own (``run``: year, processed_dir, plan …), the batch's
    defaults for it, then the user's; only those it declares."""
    merged = {**run, **DEFAULTS.get(stem, {}), **user}
    return {k: v for k, v in merged.items() if k in declared}
