"""requirements.lock pins everything pyproject.toml asks for, within its specifiers, with hashes.

The lock is what `make install` installs (`pip install --require-hashes --no-deps -r requirements.lock`, then the
project itself with `--no-deps`): a dependency added to pyproject.toml without `make lock` would be missing at
run time, so this test names it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)\s*(?:;\s*(?P<marker>[^\\]+?))?\s*\\?$")
ENV = {"python_version": "3.11", "python_full_version": "3.11.7", "sys_platform": "linux",
       "platform_system": "Linux", "os_name": "posix", "platform_machine": "x86_64",
       "implementation_name": "cpython", "platform_python_implementation": "CPython"}


def parse_lock(text: str) -> list[dict]:
    """Pins of a pip/uv requirements file with hashes: name, version, marker and hashes of each."""
    pins: list[dict] = []
    for line in text.splitlines():
        m = PIN.match(line)
        if m:
            pins.append({"name": canonicalize_name(m["name"]), "version": Version(m["version"]),
                         "marker": m["marker"], "hashes": []})
        elif pins and line.strip().startswith("--hash="):
            pins[-1]["hashes"].append(line.strip().split("=", 1)[1].rstrip(" \\"))
    return pins


def pinned_for(pins: list[dict], name: str, env: dict = ENV) -> list[dict]:
    return [p for p in pins if p["name"] == canonicalize_name(name)
            and (p["marker"] is None or Marker(p["marker"]).evaluate(env))]


def declared() -> list[Requirement]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = pyproject["project"]["dependencies"] + pyproject["project"]["optional-dependencies"]["dev"]
    return [Requirement(r) for r in reqs + pyproject["build-system"]["requires"]]


def test_every_dependency_is_pinned_within_its_specifier():
    pins = parse_lock(LOCK.read_text(encoding="utf-8"))
    problems = []
    for req in declared():
        if req.marker is not None and not req.marker.evaluate(ENV):
            continue
        found = pinned_for(pins, req.name)
        if len(found) != 1:
            problems.append(f"{req.name}: {len(found)} pins for Python 3.11 on Linux")
        elif not req.specifier.contains(found[0]["version"], prereleases=True):
            problems.append(f"{req.name}: pinned {found[0]['version']}, pyproject asks {req.specifier}")
    assert not problems, "requirements.lock is out of date, run `make lock`:\n" + "\n".join(problems)


def test_every_pin_has_a_sha256_hash_and_one_version_per_environment():
    pins = parse_lock(LOCK.read_text(encoding="utf-8"))
    assert len(pins) > 50
    assert all(p["hashes"] and all(h.startswith("sha256:") and len(h) == 71 for h in p["hashes"]) for p in pins)
    for name in {p["name"] for p in pins}:
        assert len(pinned_for(pins, name)) <= 1, name  # forks by Python version never overlap on 3.11


def test_the_checker_catches_a_stale_lock():
    text = "pandas==2.0.3 \\\n    --hash=sha256:" + "a" * 64 + "\nnumpy==2.1.0 ; python_full_version >= '3.12' \\\n" \
           "    --hash=sha256:" + "b" * 64 + "\n"
    pins = parse_lock(text)
    assert [(p["name"], str(p["version"]), bool(p["hashes"])) for p in pins] == [
        ("pandas", "2.0.3", True), ("numpy", "2.1.0", True)]
    assert not Requirement("pandas>=2.1").specifier.contains(pins[0]["version"])
    assert pinned_for(pins, "NumPy") == []  # pinned only for 3.12+: missing on 3.11


def test_make_install_installs_the_lock_without_resolving():
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"pip install .*--require-hashes --no-deps -r \$\(LOCK\)", make)
    assert re.search(r"pip install .*--no-deps --no-build-isolation -e \.", make)
    assert re.search(r"^lock:", make, re.M) and "uv pip compile" in make
    assert "make lock" in LOCK.read_text(encoding="utf-8").splitlines()[1]


@pytest.mark.parametrize("name", ["pandas", "pyarrow", "python-calamine", "weasyprint", "setuptools"])
def test_key_packages_are_in_the_lock(name):
    assert pinned_for(parse_lock(LOCK.read_text(encoding="utf-8")), name)
