"""The shape of the code: no import cycle in src/claimtrace, no module importing another's private name.

Read with ``ast`` from the sources (nothing is imported). An import inside ``if TYPE_CHECKING:``
counts for neither rule's cycle (it never runs) but does for private names.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "claimtrace"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                inside.update(id(n) for n in ast.walk(child))
    return inside


def imports(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, str | None, bool]]:
    """(module imported, name imported from it or None, at run time) for every import of one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = _type_checking_nodes(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        runtime = id(node) not in typing_only
        if isinstance(node, ast.Import):
            found.extend((alias.name, None, runtime) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in known:
                    found.append((submodule, None, runtime))
                else:
                    found.append((base, alias.name, runtime))
    return [(m, n, r) for m, n, r in found if m.split(".")[0] == "claimtrace"]


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {
        name: {m for m, _, runtime in imports(name, path, known) if runtime and m in known and m != name}
        for name, path in known.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` as a list of modules (first = last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_no_module_imports_another_modules_private_name() -> None:
    known = modules()
    private = [
        f"{name} imports {imported}.{what}"
        for name, path in known.items()
        for imported, what, _ in imports(name, path, known)
        if what and what.startswith("_") and not what.startswith("__")
    ]
    assert private == []


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"a"}}, ["a", "a"]),
    ],
)
def test_find_cycle_finds_cycles(graph: dict[str, set[str]], expected: list[str] | None) -> None:
    assert find_cycle(graph) == expected


def test_imports_reads_relative_private_and_type_checking_imports(tmp_path: Path) -> None:
    package = tmp_path / "claimtrace"
    package.mkdir()
    source = package / "mod.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from .other import _hidden\n"
        "import claimtrace.third\n"
        "if TYPE_CHECKING:\n    from claimtrace.fourth import Thing\n",
        encoding="utf-8",
    )
    known = {"claimtrace.mod": source, "claimtrace.third": source}
    assert imports("claimtrace.mod", source, known) == [
        ("claimtrace.other", "_hidden", True),
        ("claimtrace.third", None, True),
        ("claimtrace.fourth", "Thing", False),
    ]


# The layers, lowest first; a module imports only from its own layer or lower ones (docs/architecture.md).
LAYERS = (
    ("errors", "settings", "sanitize", "workers", "model"),
    ("readers", "geo", "language"),
    ("extract",),
    ("nlp",),
    ("pipeline",),
    ("store",),
    ("link",),
    ("ingest", "cluster"),
    ("report",),
    ("web",),
    ("cli", "claimtrace"),
)


def top_package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "claimtrace"


def layer_of(module: str) -> int:
    return next(i for i, names in enumerate(LAYERS) if top_package(module) in names)


def test_layers_import_one_way_only():
    upward = [
        f"{a} -> {b}" for a, targets in import_graph().items() for b in targets if layer_of(b) > layer_of(a)
    ]
    assert upward == []


def test_every_module_belongs_to_a_layer():
    layered = {name for names in LAYERS for name in names}
    assert sorted({top_package(m) for m in modules()} - layered) == []


def test_the_readme_layout_names_every_top_level_package_and_module():
    readme = (PACKAGE.parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("- Layout (") :].split("\n- ", 1)[0]
    tops = {p.name + "/" if p.is_dir() else p.name for p in PACKAGE.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    assert sorted(name for name in tops - {"__init__.py"} if f"`{name}`" not in section) == []
