"""The package's layers import one way, and no module imports itself back through others.

plan → files → cleaning → analysis → district → present → publish, with the CLI on top. Each subpackage's
docstring says what it may import; this test reads every module's imports (statically, with ``ast``, including
imports inside functions) and fails on any that goes against the flow, and on any import cycle in the whole
graph of ``chainplan_lib`` modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "chainplan_lib"
LAYERS = ("plan", "files", "cleaning", "analysis", "district", "present", "publish", "cli")
BASE = {"errors", "paths", "rounding", "__init__"}  # top-level modules every layer may use (chainplan_lib itself: __version__)
ALLOWED = {layer: set(LAYERS[:k]) for k, layer in enumerate(LAYERS)}
ALLOWED["files"] = set()   # files know nothing of plans
ALLOWED["plan"] = {"files"}   # a plan file is read as any input is: regular files only, bounded (files/regular.py)
DRAWING = ("matplotlib", "seaborn")
PROCESSES = ("subprocess", "multiprocessing", "concurrent.futures.ProcessPoolExecutor", "papermill", "nbclient", "jupyter_client")


def _modules() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.py"))


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(path: Path) -> str | None:
    rel = path.relative_to(PKG)
    head = rel.parts[0].removesuffix(".py")
    return head if head in LAYERS else None


def _imports(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """(line, absolute dotted name) of every import in a module, relative ones resolved.

    ``from package import name`` gives ``package.name`` (a submodule or an attribute; :func:`_resolve` tells).
    ``path`` places the module in the package (it need not exist when ``source`` is given).
    """
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    rel = path.relative_to(PKG.parent).with_suffix("")
    package = list(rel.parts[:-1])
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
            out += [(node.lineno, f"{mod}.{a.name}") for a in node.names]
    return out


_KNOWN = {_module_name(p) for p in _modules()}


def _resolve(name: str) -> str | None:
    """The chainplan_lib module an imported name lives in (the longest known prefix), or None if not ours."""
    parts = name.split(".")
    if parts[0] != "chainplan_lib":
        return None
    for n in range(len(parts), 0, -1):
        head = ".".join(parts[:n])
        if head in _KNOWN:
            return head
    return None


def _target_layer(name: str) -> str | None:
    mod = _resolve(name)
    if mod is None:
        return None
    parts = mod.split(".")
    if len(parts) == 1:
        return "__init__"  # the package itself (``from .. import __version__``)
    return parts[1] if parts[1] in LAYERS else parts[1]


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


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in _modules():
        me = _module_name(path)
        deps = {_resolve(n) for _, n in _imports(path)}
        graph[me] = {d for d in deps if d is not None and d != me and d != "chainplan_lib"}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each a cycle or a knot of cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles_counting_imports_inside_functions():
    cycles = _cycles(_graph())
    assert not cycles, "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in cycles)


def test_the_cycle_check_finds_a_cycle():
    """The checker itself: a two-module and a three-module cycle are found, a chain is not."""
    g = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"g"}, "g": set()}
    assert _cycles(g) == [["a", "b"], ["c", "d", "e"]]


@pytest.mark.parametrize("path", [p for p in _modules() if _layer(p) in ("plan", "files", "cleaning", "analysis",
                                                                          "district")],
                         ids=lambda p: str(p.relative_to(PKG)))
def test_below_present_nothing_draws(path):
    drawing = [f"line {ln}: {n}" for ln, n in _imports(path) if n.split(".")[0] in DRAWING]
    assert not drawing, "\n".join(drawing)


@pytest.mark.parametrize("path", [p for p in _modules() if _layer(p) not in ("publish", "cli")],
                         ids=lambda p: str(p.relative_to(PKG)))
def test_below_publish_nothing_starts_a_process(path):
    found = [f"line {ln}: {n}" for ln, n in _imports(path)
             if any(n == m or n.startswith(m + ".") for m in PROCESSES)]
    assert not found, "\n".join(found)


def test_base_modules_import_no_layer():
    for name in ("errors.py", "paths.py"):
        for line, mod in _imports(PKG / name):
            assert _target_layer(mod) in (None, "__init__", "errors", "paths"), f"{name} line {line}: {mod}"


def test_each_subpackage_says_what_it_may_import():
    for layer in LAYERS:
        init = PKG / layer / "__init__.py"
        if not init.exists():
            continue  # a top-level module (district.py, cli.py)
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "may import" in doc.lower(), layer


def test_the_rule_catches_a_violation():
    """The checker itself: upward imports in a cleaning module are found, relative or absolute."""
    fake = PKG / "cleaning" / "_layer_probe.py"  # never written: the source is given
    src = "from ..present import charts\ndef f():\n    from chainplan_lib.analysis.growth import cagr\n"
    found = [n for _, n in _imports(fake, src)]
    assert found == ["chainplan_lib.present.charts", "chainplan_lib.analysis.growth.cagr"]
    assert [_target_layer(n) for n in found] == ["present", "analysis"]
    assert all(_target_layer(n) not in ALLOWED["cleaning"] for n in found)
