"""The order a batch hands its notebooks to the workers: longest first, from the last report's own timings."""

from __future__ import annotations

from pathlib import Path

from . import manifest

__all__ = ["previous_seconds", "run_order"]


def previous_seconds(final: Path) -> dict[str, float]:
    """Seconds each notebook took (execute + render + PDF) in the last report: the one this run replaces
    (``final/manifest.json``), else the newest report beside it; {} when there is none. A manifest that is
    not usable is skipped with a warning (:func:`chainplan_lib.publish.manifest.read`)."""
    candidates = [final / manifest.NAME]
    if final.parent.is_dir():
        candidates += manifest.newest_first(final.parent)
    for path in dict.fromkeys(candidates):  # this year's own manifest is also among those beside it
        took = manifest.timings(path)
        if took:
            return took
    return {}


def run_order(names: list[str], renders_pdf: list[bool], final: Path) -> list[int]:
    """The order notebooks are handed to the workers: longest first, as the last report timed them (so the two
    slowest do not both start last); a notebook it did not time counts as the slowest it did. Without a last
    report: the briefing first (it renders the PDF and Word file too), then the rest as listed."""
    took = previous_seconds(final)
    known = [took[n] for n in names if n in took]
    if not known:
        return sorted(range(len(names)), key=lambda i: not renders_pdf[i])
    slowest = max(known)
    return sorted(range(len(names)), key=lambda i: (-took.get(names[i], slowest), not renders_pdf[i], i))
