"""Plan files for tests: the bundled one, the second (Yunxi) one, and edited copies of either."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "plans" / "qingshanhu-2024.toml"
YUNXI = ROOT / "tests" / "data" / "plans" / "yunxi-2024.toml"


def plan_copy(folder: Path, *edits: tuple[str, str], source: Path = BUNDLED, name: str = "plan.toml") -> Path:
    """``source`` written into ``folder`` with each (old, new) edit applied once (old must be there), and the raw
    table its ``[table] path`` names copied beside it, so the copy reads the same table (a plan's table must lie
    inside the plan's folder). A path that names no file is left as the edits made it."""
    text = source.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    m = re.search(r'^path = "([^"]+)"', text, flags=re.M)
    table = source.parent / m.group(1) if m else None
    if table is not None and table.is_file():
        shutil.copy(table, Path(folder) / table.name)
        text = text[:m.start(1)] + table.name + text[m.end(1):]
    out = Path(folder) / name
    out.write_text(text, encoding="utf-8")
    return out


def _bundled():
    from chainplan_lib.plan.load import read_plan

    return read_plan(BUNDLED)


PLAN = _bundled()   # the bundled plan as a value, for tests that call the library directly


def bundled_district():
    """The bundled district (plan, sample registers and 统计月报), opened once per test process: its cleaned tables
    are cached on it."""
    global _DISTRICT
    if _DISTRICT is None:
        from chainplan_lib import District

        _DISTRICT = District.open(PLAN)
    return _DISTRICT


_DISTRICT = None
