"""The import plan of bot/: which module imports which, in floors, with what runs back up or round in a loop.

    python scripts/import_plan.py           # the figures and the floors, one line each
    python scripts/import_plan.py --check   # the same, and exit 1 on an import running back up or a loop

Read from the source (ast), nothing is imported. A module's floor is 1 + the highest floor among the modules it imports
(a module importing nothing of bot/ stands on floor 1), so the number of floors is the longest chain of imports.
An import runs *back up* when a module imports a name from a package that contains it (`from .. import current_bot`
in bot/desk/tickets.py): the package face then depends on what it holds. A *loop* is a group of modules that reach
each other through their imports. Imports under `if TYPE_CHECKING:` never run and are left out; imports inside
functions are counted apart (each should say in a comment why it waits).
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "bot"
SKIP = ("migrations",)  # Alembic's scripts are loaded by Alembic, not imported


@dataclass
class Plan:
    """The modules of the package, their imports and what follows from them."""

    edges: dict[str, set[str]] = field(default_factory=dict)
    back_up: list[tuple[str, str]] = field(default_factory=list)
    in_functions: list[tuple[str, int, str, str]] = field(default_factory=list)  # module, line, import, comment

    def loops(self) -> list[list[str]]:
        """Groups of modules that import each other, directly or round a chain (Tarjan's strongly connected parts)."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        found: list[list[str]] = []

        def visit(node: str) -> None:
            index[node] = low[node] = len(index)
            stack.append(node)
            for nxt in sorted(self.edges.get(node, ())):
                if nxt not in index:
                    visit(nxt)
                    low[node] = min(low[node], low[nxt])
                elif nxt in stack:
                    low[node] = min(low[node], index[nxt])
            if low[node] == index[node]:
                group = []
                while True:
                    top = stack.pop()
                    group.append(top)
                    if top == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))

        for node in sorted(self.edges):
            if node not in index:
                visit(node)
        return sorted(found)

    def floors(self) -> dict[str, int]:
        """Each module's floor; the modules of a loop share one."""
        group_of = {m: tuple(g) for g in self.loops() for m in g}
        floor: dict[str, int] = {}

        def height(node: str) -> int:
            if node in floor:
                return floor[node]
            floor[node] = 1  # provisional, so that a loop ends
            members = group_of.get(node, (node,))
            below = {n for m in members for n in self.edges.get(m, ()) if n not in members}
            value = 1 + max((height(n) for n in below), default=0)
            for m in members:
                floor[m] = value
            return value

        for node in self.edges:
            height(node)
        return floor


def module_name(path: Path, root: Path = ROOT) -> str:
    """bot/desk/__init__.py -> bot.desk; bot/answering/pipeline.py -> bot.answering.pipeline."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.Module) -> list[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import that runs, with whether it sits inside a function."""
    found: list[tuple[ast.Import | ast.ImportFrom, bool]] = []

    def walk(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for other in child.orelse:
                    walk(other, in_function)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                found.append((child, in_function))
            walk(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    walk(tree, False)
    return found


def _targets(node: ast.Import | ast.ImportFrom, here: str, package: bool, modules: set[str]) -> list[tuple[str, bool]]:
    """The modules of bot/ an import statement reaches, each with whether it takes a name from a package face."""
    if isinstance(node, ast.Import):
        return [(alias.name, False) for alias in node.names if alias.name.split(".")[0] == PACKAGE]
    if node.level:
        base = here.split(".") if package else here.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    if source.split(".")[0] != PACKAGE:
        return []
    out = []
    for alias in node.names:
        sub = f"{source}.{alias.name}"
        if sub in modules:
            out.append((sub, False))  # `from . import language`: the submodule itself
        else:
            out.append((source, True))  # a name defined in `source`
    return out


def read(root: Path = ROOT) -> Plan:
    """The import plan of root/bot."""
    files = [p for p in sorted((root / PACKAGE).rglob("*.py")) if not set(SKIP) & set(p.relative_to(root).parts)]
    modules = {module_name(p, root) for p in files}
    plan = Plan({m: set() for m in modules})
    for path in files:
        here = module_name(path, root)
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        for node, in_function in _imports(tree):
            targets = _targets(node, here, is_package(path), modules)
            for target, from_face in targets:
                if target == here or target not in modules:
                    continue
                plan.edges[here].add(target)
                if from_face and here.startswith(target + "."):
                    plan.back_up.append((here, target))
            if in_function:
                comment = lines[(node.end_lineno or node.lineno) - 1].partition("#")[2].strip()
                plan.in_functions.append((here, node.lineno, ast.unparse(node), comment))
    return plan


def report(plan: Plan) -> list[str]:
    """The figures, then the modules floor by floor (highest first)."""
    floors = plan.floors()
    lines = [f"modules: {len(plan.edges)}", f"floors: {max(floors.values(), default=0)}",
             f"imports running back up: {len(set(plan.back_up))}",
             f"imports inside functions: {len(plan.in_functions)}", f"loops: {len(plan.loops())}"]
    lines += [f"  back up: {a} -> {b}" for a, b in sorted(set(plan.back_up))]
    lines += [f"  loop: {' <-> '.join(group)}" for group in plan.loops()]
    lines += [f"  in a function: {m}:{line} {text}" + (f"  # {why}" if why else "  (no reason given)")
              for m, line, text, why in plan.in_functions]
    for level in range(max(floors.values(), default=0), 0, -1):
        lines.append(f"floor {level}: " + " ".join(sorted(m for m, f in floors.items() if f == level)))
    return lines


def main(argv: list[str]) -> int:
    plan = read()
    print("\n".join(report(plan)))
    silent = [f for f in plan.in_functions if not f[3]]
    if "--check" in argv and (plan.back_up or plan.loops() or silent):
        print("import plan: an import runs back up, round a loop, or waits inside a function without a comment "
              "saying why (see above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
