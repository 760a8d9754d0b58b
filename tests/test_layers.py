"""The package's layers import one way: plan → cleaning → analysis → reporting, with the CLI on top.

Each subpackage's docstring says what it may import; this test reads every module's imports (statically,
with ``ast``, including imports inside functions) and fails on any that goes against the flow.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "chainplan_lib"
LAYERS = ("plan", "cleaning", "analysis", "reporting")
BASE = {"errors", "paths", "__init__"}  # top-level modules every layer may use (chainplan_lib itself: __version__)
ALLOWED = {
    "plan": set(),
    "cleaning": {"plan"},
    "analysis": {"plan", "cleaning"},
    "reporting": {"plan", "cleaning", "analysis"},
}
DRAWING = ("matplotlib", "seaborn")


def _modules() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.py"))


def _layer(path: Path) -> str | None:
    rel = path.relative_to(PKG)
    return rel.parts[0] if len(rel.parts) > 1 and rel.parts[0] in LAYERS else None


def _imports(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """(line, absolute dotted name) of every import in a module, relative ones resolved.

    ``path`` places the module in the package (it need not exist when ``source`` is given).
    """
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    rel = path.relative_to(PKG.parent).with_suffix("")
    package = list(rel.parts[:-1]) if rel.name != "__init__" else list(rel.parts[:-1])
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if node.module is None or node.level and not node.module:
                out += [(node.lineno, f"{mod}.{a.name}") for a in node.names]
            else:
                out.append((node.lineno, mod))
    return out


def _target_layer(name: str) -> str | None:
    parts = name.split(".")
    if parts[0] != "chainplan_lib":
        return None
    if len(parts) == 1 or not ((PKG / parts[1]).is_dir() or (PKG / f"{parts[1]}.py").exists()):
        return "__init__"  # the package itself (``from .. import __version__``)
    return parts[1]


@pytest.mark.parametrize("path", [p for p in _modules() if _layer(p)], ids=lambda p: str(p.relative_to(PKG)))
def test_imports_follow_the_layers(path):
    layer = _layer(path)
    bad = []
    for line, name in _imports(path):
        target = _target_layer(name)
        if target is None or target == layer or target in BASE:
            continue
        if target not in ALLOWED[layer]:
            bad.append(f"line {line}: {name} ({layer} may import {sorted(ALLOWED[layer]) or 'nothing of ours'})")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("path", [p for p in _modules() if _layer(p) in ("plan", "cleaning", "analysis")],
                         ids=lambda p: str(p.relative_to(PKG)))
def test_below_reporting_nothing_draws(path):
    drawing = [f"line {ln}: {n}" for ln, n in _imports(path) if n.split(".")[0] in DRAWING]
    assert not drawing, "\n".join(drawing)


def test_base_modules_import_no_layer():
    for name in ("errors.py", "paths.py"):
        for line, mod in _imports(PKG / name):
            assert _target_layer(mod) in (None, "__init__", "errors", "paths"), f"{name} line {line}: {mod}"


def test_each_subpackage_says_what_it_may_import():
    for layer in LAYERS:
        doc = ast.get_docstring(ast.parse((PKG / layer / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "may import" in doc.lower(), layer


def test_the_rule_catches_a_violation():
    """The checker itself: upward imports in a cleaning module are found, relative or absolute."""
    fake = PKG / "cleaning" / "_layer_probe.py"  # never written: the source is given
    src = "from ..reporting import charts\ndef f():\n    from chainplan_lib.analysis.growth import cagr\n"
    found = [n for _, n in _imports(fake, src)]
    assert found == ["chainplan_lib.reporting", "chainplan_lib.analysis.growth"]
    assert all(_target_layer(n) not in ALLOWED["cleaning"] for n in found)
