"""The package's shape: layers that only import downward, no import circle (imports inside functions
count), no module over 400 lines, and at most four loose modules at the top."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

import neurosim

PACKAGE = Path(neurosim.__file__).parent
# Each layer may import from the layers ranked below it and from itself; equal ranks may not import each other.
RANK = {"base": 0, "core": 1, "data": 2, "witnesses": 2, "explain": 3, "views": 4, "bench": 5, "cli": 6,
        "notebooks": 6, "__init__": 7, "__main__": 7}
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def imports_of(name: str) -> set[str]:
    """Every neurosim module ``name`` imports, at any depth of its code (functions included)."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    here = name if is_package(name) else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")
                base = base[:len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            # "from pkg import mod" imports the module pkg.mod when there is one
            targets = [f"{origin}.{a.name}" if f"{origin}.{a.name}" in MODULES else origin for a in node.names]
        else:
            continue
        found.update(t for t in targets if t in MODULES and t != name)
    return found


GRAPH = nx.DiGraph((name, target) for name in MODULES for target in imports_of(name))


def layer(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_the_walker_sees_imports_inside_functions():
    # views.animation imports the trace only inside animate(); the walker must still see it.
    assert "neurosim.explain.trace" in imports_of("neurosim.views.animation")


def test_no_import_circle():
    cycles = list(nx.simple_cycles(GRAPH))
    assert not cycles, "import circles: " + "; ".join(" -> ".join(c + [c[0]]) for c in cycles[:5])


def test_layers_only_import_downward():
    upward = []
    for source, target in GRAPH.edges:
        a, b = layer(source), layer(target)
        if a != b and b != "__init__" and RANK[b] >= RANK[a]:
            upward.append(f"{source} -> {target}")
        if b == "__init__" and a != "__init__" and target == "neurosim":
            upward.append(f"{source} -> neurosim (the top package)")
    assert not upward, "imports against the layers: " + ", ".join(upward)


def test_every_module_belongs_to_a_known_layer():
    unknown = sorted({layer(name) for name in MODULES} - set(RANK))
    assert not unknown, f"modules outside the known layers: {unknown} (add them to RANK with a rank)"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_is_at_most_400_lines(name):
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{MODULES[name]} has {lines} lines (at most {MAX_LINES}): split it along its seams"


def test_at_most_four_loose_modules_at_the_top():
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert len(loose) <= 4, f"loose top-level modules: {loose}"
