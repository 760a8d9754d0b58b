"""The plan's text targets (config/plan_targets.toml), loaded once and typed."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["PLAN_TARGETS_FILE", "load_plan", "chain_targets_2026"]

PLAN_TARGETS_FILE = Path(str(resources.files("chainplan_lib") / "config" / "plan_targets.toml"))


@lru_cache(maxsize=None)
def _load(path: str) -> dict[str, Any]:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def load_plan(path: str | Path | None = None) -> dict[str, Any]:
    """The parsed plan-targets config (a fresh copy-safe dict; do not mutate)."""
    return _load(str(path or PLAN_TARGETS_FILE))


def chain_targets_2026(path: str | Path | None = None) -> dict[str, dict[str, float]]:
    """{chain_id: {"revenue": 亿元, "enterprises": 户}} as the plan's text states them for 2026."""
    plan = load_plan(path)
    return {
        cid: {"revenue": float(c["revenue_2026_yi"]), "enterprises": float(c["enterprises_2026"])}
        for cid, c in plan["chains"].items()
    }
