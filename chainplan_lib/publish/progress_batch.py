"""The yearly batch's monthly actuals (统计月报): ``chainplan brief --month N --actuals DIR``.

The batch cleans the actuals (default: the bundled SYNTHETIC sample, ``data/raw/actuals``) into the run's private
working folder beside the targets and registers (the report keeps them as ``data/actuals/``), decides which
1—N月 the report is about and lists the files it read for the manifest:

* ``--month N`` (2–12): the 1—N月 progress briefing; a month the actuals do not have for the year is a one-line
  error naming the months they have (1 is refused: January is published with February, as 1—2月);
* without ``--month``: the yearly briefing, whose progress sections use the latest month the actuals have for
  the year (12 once the year is complete); a year without actuals runs and those sections say so.

Nothing here draws or computes a statistic; :mod:`chainplan_lib.publish.batch` calls :func:`prepare` before it
starts the notebooks and :func:`write` into the build folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ParameterError
from .sources import shown

__all__ = ["ACTUALS_SUBDIR", "BatchActuals", "check_brief_month", "prepare", "write", "month_phrase"]

ACTUALS_SUBDIR = "actuals"  # inside the run's data/ folder (the notebooks get ../data/actuals)


def check_brief_month(month: Any, option: str = "--month") -> int | None:
    """N of the 1—N月 briefing: a whole month 2–12, or None (the yearly briefing)."""
    from ..analysis.monthly import check_month

    try:
        m = check_month(month)
    except ParameterError:
        raise ParameterError(f"{option} {month!r}: not a month; use 2–12 (1—2月 is 2, 1—9月 is 9)") from None
    if m == 1:
        raise ParameterError(f"{option} 1: January is not published on its own — the statistics office publishes "
                             "January with February as 1—2月; use --month 2")
    return m


def month_phrase(months: list[int]) -> str:
    """'1—2月、1—3月 … 1—9月 (--month 2–9)' for an error message; '' for no months."""
    from ..analysis.progress import period_label

    if not months:
        return ""
    shown = [period_label(m) for m in months]
    listed = "、".join(shown) if len(shown) <= 4 else f"{shown[0]}、{shown[1]} … {shown[-1]}"
    span = f"--month {months[0]}" if len(months) == 1 else f"--month {months[0]}–{months[-1]}"
    if len(months) > 1 and months != list(range(months[0], months[-1] + 1)):
        span = "--month " + ", ".join(map(str, months))
    return f"{listed} ({span})"


@dataclass
class BatchActuals:
    """The cleaned actuals of a run, the month its report is about, and the files read."""

    source: Path
    result: Any                    # cleaning.actuals.ActualsResult
    month: int | None              # the 1—N月 of the report (None: no actuals for the year)
    month_given: bool
    months_available: list[int]
    files: list[Path] = field(default_factory=list)

    @property
    def synthetic(self) -> bool:
        return self.result.synthetic

    def manifest(self) -> dict[str, Any]:
        years = sorted({int(y) for y in self.result.actuals["year"]}) if len(self.result.actuals) else []
        return {"source": None if str(self.source) == "-" else shown(Path(self.source)), "month": self.month,
                "month_given": self.month_given,
                "months_available": self.months_available, "years": years, "synthetic": self.synthetic,
                "processed_dir": f"data/{ACTUALS_SUBDIR}"}


def _months(actuals, year: int) -> list[int]:
    a = actuals[(actuals["year"] == year) & actuals["cumulative"] & (actuals["indicator"] == "revenue")]
    return sorted({int(m) for m in a["month"]})


def prepare(source: str | Path | None, year: int, month: int | None, *, plan: Any) -> BatchActuals:
    """Clean (in memory) the actuals at ``source`` (raw 月报 files or a folder holding a cleaned actuals.csv;
    default the bundled sample) and settle the report's month; ParameterError (one line) for a month the
    actuals do not have for ``year``. The bundled sample is the bundled plan's: for another plan without
    ``source`` the run has no actuals (an empty table; the progress sections say none were supplied)."""
    from ..cleaning.actuals.clean import OUTPUT_FILES, actuals_bundle, clean_actuals, default_actuals_dir
    from ..cleaning.actuals.read import list_actuals_files
    from ..plan.load import as_plan, is_bundled

    month = check_brief_month(month)
    p = as_plan(plan)
    if source is None and not is_bundled(p):
        if month is not None:
            raise ParameterError(f"--month {month}: no 统计月报 given for this plan; pass them with --actuals DIR")
        return BatchActuals(Path("-"), clean_actuals([], p), None, False, [], [])
    src = Path(source) if source is not None else default_actuals_dir()
    if not src.exists():
        raise ParameterError(f"actuals={str(src)!r} does not exist")
    result = actuals_bundle(src, None, p)
    cleaned = src.is_dir() and (src / OUTPUT_FILES["actuals"]).exists()
    files = ([src / f for f in OUTPUT_FILES.values() if (src / f).exists()] if cleaned
             else list_actuals_files([src]))
    available = _months(result.actuals, year)
    if month is not None and month not in available:
        if available:
            raise ParameterError(f"--month {month}: the actuals in {src} have no {year}年1—{month}月 figures; "
                                 f"{year} has {month_phrase(available)}")
        years = sorted({int(y) for y in result.actuals["year"]})
        have = f"years with actuals: {years[0]}–{years[-1]}" if years else "they hold no figures"
        raise ParameterError(f"--month {month}: the actuals in {src} have nothing for {year} ({have})")
    chosen = month if month is not None else (available[-1] if available else None)
    return BatchActuals(src, result, chosen, month is not None, available, files)


def write(actuals: BatchActuals, data_dir: Path) -> Path:
    """The cleaned actuals (actuals.csv, quarantine, duplicates, checks, summary) into ``data_dir/actuals``."""
    from ..cleaning.actuals.clean import write_outputs

    out = Path(data_dir) / ACTUALS_SUBDIR
    out.mkdir(parents=True, exist_ok=True)
    write_outputs(actuals.result, out)
    return out
