"""Plan files for tests: the bundled one, the second (Yunxi) one, and edited copies of either."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "plans" / "qingshanhu-2024.toml"
YUNXI = ROOT / "tests" / "data" / "plans" / "yunxi-2024.toml"


def plan_copy(folder: Path, *edits: tuple[str, str], source: Path = BUNDLED, name: str = "plan.toml") -> Path:
    """``source`` written into ``folder`` with each (old, new) edit applied once (old must be there) and the
    table path made absolute, so the copy reads the same raw table."""
    text = source.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    table_dir = source.parent.parent / "raw"
    text = text.replace('path = "../raw/', f'path = "{table_dir}/')
    out = Path(folder) / name
    out.write_text(text, encoding="utf-8")
    return out
