"""The modules of prongsai import each other top-down: no circle of imports.

Read from the source (``ast``), without importing anything: every ``import``/``from … import`` of a prongsai
module, at module level (what runs when a module is first imported) and inside functions (what runs later).
Imports under ``if TYPE_CHECKING:`` are left out (they never run).

- Module level: no cycle at all.  A module-level circle makes the import order matter and half-initialised
  modules possible.
- Inside functions too: no cycle, except the few edges listed in ``ALLOWED`` with the reason each stays.  When
  one of them is untangled, remove it from the list (the test says so).

How a circle is broken here: a shared piece moves down a layer (``prongsai.cli_base``, ``prongsai.web.setup``,
``surveys.scope``), or a lower module names an upper one by its dotted path where the project already does
(a task's path, as the queue row stores it: ``oit.common.CHECK_TASK``, ``documents.batches.TASK_PATH``).
"""

from __future__ import annotations

import ast
import functools
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: (importer, imported) edges inside functions that may close a circle, with the reason each stays
ALLOWED = {}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in (ROOT / "prongsai").rglob("*.py") if "migrations" not in p.parts}


def _known(name: str) -> str | None:
    """The prongsai module an import names (``a.b.c`` may be the function ``c`` of module ``a.b``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


@functools.cache
def imports(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """(module-level, inside-function) prongsai modules that ``name`` imports."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    top: set[str] = set()
    inner: set[str] = set()

    def targets(node: ast.Import | ast.ImportFrom) -> set[str]:
        if isinstance(node, ast.Import):
            return {t for a in node.names if (t := _known(a.name))}
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join(anchor + ([node.module] if node.module else []))
        return {t for a in node.names if (t := _known(f"{base}.{a.name}"))}

    def visit(nodes: list[ast.stmt], in_function: bool) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit(node.orelse, in_function)
                continue
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                (inner if in_function else top).update(targets(node))
                continue
            nested = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            visit([child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt)], nested)

    visit(ast.parse(path.read_text(encoding="utf-8")).body, False)
    return frozenset(top - {name}), frozenset(inner - {name})


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return found


def graph(include_functions: bool) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for name in MODULES:
        top, inner = imports(name)
        edges[name] |= top | (inner if include_functions else set())
    return edges


def test_no_module_level_import_cycle():
    assert cycles(graph(include_functions=False)) == []


def test_no_import_cycle_through_functions_beyond_the_documented_few():
    edges = graph(include_functions=True)
    present = {edge for edge in ALLOWED if edge[1] in edges[edge[0]]}
    assert present == set(ALLOWED), f"no longer imported, remove from ALLOWED: {set(ALLOWED) - present}"
    for importer, imported in ALLOWED:
        edges[importer].discard(imported)
    assert cycles(edges) == []


def test_the_checker_sees_a_cycle_when_there_is_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
