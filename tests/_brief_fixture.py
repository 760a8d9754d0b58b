"""One real `chainplan brief --year 2024` run shared by the page and Word tests (tests/test_pages.py,
tests/test_docx.py). Under xdist the workers share the run's folder and a lock, so it runs once per test run."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


def shared_brief(tmp_path_factory) -> Path:
    """The report folder ``…/reports/2024`` of a batch on the bundled data (built on first use).

    ``CHAINPLAN_TEST_REPORT=/path/to/reports/2024`` reuses an existing batch output instead (while iterating on
    the page tests; the suite itself always builds its own)."""
    from chainplan_lib.reporting.batch import run_brief

    reuse = os.environ.get("CHAINPLAN_TEST_REPORT")
    if reuse:
        return Path(reuse)

    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared-brief"
    root.mkdir(parents=True, exist_ok=True)
    out = root / "reports" / "2024"
    with open(root / ".lock", "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            if not (out / "manifest.json").is_file():
                outcome = run_brief(2024, out=root / "reports", processed=root / "processed", progress=False)
                assert outcome.ok, outcome.summary()
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
    return out
