"""`make help` lists every target of the Makefile, and every target is .PHONY (none names a file it makes)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def _targets() -> list[str]:
    """The Makefile's own targets, in order: rules whose name is a plain word (not a file such as
    ``$(BIN)/python``, not a variable assignment ``NAME :=``)."""
    return re.findall(r"^([a-z][a-z-]*):(?!=)", MAKEFILE, re.M)


def _phony() -> set[str]:
    return {w for line in re.findall(r"^\.PHONY:(.*)$", MAKEFILE, re.M) for w in line.split()}


def test_the_makefile_has_its_verbs():
    assert {"help", "install", "brief", "test", "targets", "registers", "lab", "clean", "lock", "bench"} <= set(
        _targets())


def test_every_target_is_phony_and_every_phony_a_target():
    assert set(_targets()) == _phony()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_help_lists_every_target_with_what_it_does():
    out = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "help"], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    listed = re.findall(r"^make (\S+)\s+- (.+)$", out, re.M)
    assert [name for name, _ in listed] == _targets()
    assert all(len(what.strip()) > 5 for _, what in listed)
    assert "YEAR=" in out   # the variables a user sets
    # `make` alone is `make help`: it never starts a build
    default = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT)], capture_output=True, text=True,
                             check=True, timeout=60).stdout
    assert default == out
