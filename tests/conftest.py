"""Shared fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def font_cache(tmp_path_factory) -> Path:
    """One hermetic font cache per test run; CHAINPLAN_CACHE/FONTCONFIG_FILE restored afterwards."""
    base = tmp_path_factory.getbasetemp()
    # under xdist, workers share the run's folder (the build is locked), so the font is built once per run
    cache = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "chainplan-cache"
    saved = {k: os.environ.get(k) for k in ("CHAINPLAN_CACHE", "FONTCONFIG_FILE")}
    os.environ["CHAINPLAN_CACHE"] = str(cache)
    yield cache
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
