"""The shape of the code's imports: no cycles, no upward imports, frames built only by the live area.

The graph is read from the source with `ast`, not by importing it: every `import` statement counts,
at module level and inside functions (a function-local import that closes a cycle is still a cycle;
it only moves the failure from import time to call time). Imports under `if TYPE_CHECKING:` never
run and are left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("interview", "consumers", "live_interview")
# The product's areas (docs/architecture.md); llm/ and core/ sit below all of them.
AREAS = (
    "accounts",
    "documents",
    "setup",
    "interviews",
    "live",
    "hiring",
    "reports",
    "scoring",
    "usage",
    "calibration",
    "audit",
    "privacy",
    "fairness",
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    """Every module of our packages, by dotted name (migrations included: they import too)."""
    return {_module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement under `node`, at any depth, except those only type checkers see."""
    for child in ast.iter_child_nodes(node):
        children = child.orelse if isinstance(child, ast.If) and _is_type_checking(child.test) else [child]
        for statement in children:
            if isinstance(statement, ast.Import | ast.ImportFrom):
                yield statement
            else:
                yield from _import_nodes(statement)


def _known(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of `name` that is one of our modules."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def _targets(module: str, node: ast.Import | ast.ImportFrom, modules: dict[str, Path]) -> set[str]:
    """Our modules an import statement loads (a name imported from a package counts as the package)."""
    if isinstance(node, ast.Import):
        return {target for alias in node.names if (target := _known(alias.name, modules)) is not None}
    base = node.module or ""
    if node.level:
        package = module.split(".")
        if modules[module].name != "__init__.py":
            package.pop()
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, base] if base else package)
    if base.split(".")[0] not in PACKAGES:
        return set()
    found = set()
    for alias in node.names:
        if f"{base}.{alias.name}" in modules:
            found.add(f"{base}.{alias.name}")
        elif (target := _known(base, modules)) is not None:
            found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    """Each of our modules and the modules of ours it imports, anywhere in its body."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        edges = set().union(*(_targets(module, node, modules) for node in _import_nodes(tree)))
        graph[module] = edges - {module}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (as a path that returns to its start) per strongly connected group of modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def connect(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_cycle_in(group, graph) for group in groups]


def _cycle_in(group: set[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for other in sorted(graph[node] & group):
            if other == start:
                return [*paths[node], start]
            if other not in paths:
                paths[other] = [*paths[node], other]
                queue.append(other)
    raise AssertionError("a strongly connected group always holds a cycle")


def _importers(graph: dict[str, set[str]], target: str) -> list[str]:
    """Modules importing `target` or any module inside it."""
    return sorted(m for m, edges in graph.items() if any(e == target or e.startswith(target + ".") for e in edges))


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_import_nodes_reads_function_local_imports_and_skips_type_checking_ones():
    tree = ast.parse("import a\nif TYPE_CHECKING:\n    import b\nelse:\n    import c\ndef f():\n    from d import e\n")

    names = [node.module if isinstance(node, ast.ImportFrom) else node.names[0].name for node in _import_nodes(tree)]

    assert names == ["a", "c", "d"]


def test_import_cycles_finds_a_cycle_through_a_function_local_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

    assert import_cycles(graph) == [["a", "b", "c", "a"]]


def test_import_graph_has_no_cycles():
    cycles = import_cycles(import_graph())

    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in cycles)


def test_import_graph_interview_never_imports_consumers():
    graph = import_graph()

    upward = [m for m in _importers(graph, "consumers") if _inside(m, "interview")]

    assert not upward, f"interview modules importing consumers: {upward}"


def test_import_graph_only_the_live_area_imports_the_protocol():
    graph = import_graph()

    outside = [m for m in _importers(graph, "interview.live.protocol") if not _inside(m, "interview.live")]

    assert not outside, f"services return data; only interview/live/ builds frames: {outside}"


def test_import_graph_llm_and_core_import_no_area():
    graph = import_graph()
    lower = [m for m in graph if _inside(m, "interview.llm") or _inside(m, "interview.core")]

    upward = {m: sorted(e for e in graph[m] if any(_inside(e, f"interview.{area}") for area in AREAS)) for m in lower}

    assert not {m: e for m, e in upward.items() if e}, f"llm/ and core/ must not import an area: {upward}"
