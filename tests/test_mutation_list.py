"""benchmarks/mutate.py stays usable: every hand-listed mutation still finds its text exactly once, and both kinds
(calculations, what readers see) include the review's named cases."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_mutation_applies_once():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "mutate.py"), "--check"], capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "each text found once" in out.stdout


def test_the_reviews_survivors_are_listed():
    listing = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "mutate.py"), "--list"], capture_output=True,
                             text=True, check=True).stdout
    for mid in ("briefing-completion-inverted", "register-table-target-actual-swapped", "ahead-strict",
                "ets-band-ignores-level", "pdf-fetcher-allows-http", "methods-tolerance-fixed", "cagr-periods",
                "gb32100-check-digit", "qianyuan-factor", "surplus-cells", "hhi-scale", "shift-share-mix-sign",
                "above-size-threshold", "duplicate-reason"):
        assert mid in listing, mid
