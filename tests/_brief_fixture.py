"""The report folder the page and Word tests read (tests/test_pages.py, tests/test_docx.py): the test session's
one batch (``brief_2024`` in tests/conftest.py), so no second batch is built for them."""

from __future__ import annotations

import os
from pathlib import Path


def shared_brief(request) -> Path:
    """The report folder ``…/reports/2024`` of the session's batch (``brief_2024``: the bundled data, its two
    GBK registers under hostile names, the default parameters).

    ``CHAINPLAN_TEST_REPORT=/path/to/reports/2024`` reuses an existing batch output instead (while iterating on
    the page tests; the suite itself always reads its own batch)."""
    reuse = os.environ.get("CHAINPLAN_TEST_REPORT")
    if reuse:
        return Path(reuse)
    run = request.getfixturevalue("brief_2024")
    assert run.returncode == 0, run.stdout + run.stderr
    return run.out_dir
