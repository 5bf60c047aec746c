"""The grader's layout: one role per folder, and no import circles.

- ``grader/``: the checks' engine (registry, catalogue, engine, target, properties, gradcheck,
  diagnose, ledger, stored answers, report) and the CLI;
- ``grader/checks/``: the checks, one module per lesson;
- ``grader/sandbox/``: where student code runs (runner, protocol, worker, jail, isolation);
- ``grader/instructor/``: the instructor's tools, left out of the student release.
"""

from __future__ import annotations

import ast
from pathlib import Path

from grader import engine

GRADER = engine.REPO / "grader"


def _module_name(path: Path) -> str:
    parts = path.relative_to(engine.REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The grader modules that ``path`` imports, at the top or inside functions."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in modules}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in modules else base)
    return {m for m in found if m in modules and m != name}


def _graph() -> dict[str, set[str]]:
    paths = [p for p in GRADER.rglob("*.py") if "__pycache__" not in p.parts]
    modules = {_module_name(p) for p in paths}
    return {_module_name(p): _imports(p, modules) for p in paths}


def test_no_import_circles():
    graph = _graph()
    done, path = set(), []

    def visit(node):
        if node in path:
            raise AssertionError("import circle: " + " -> ".join(path[path.index(node):] + [node]))
        if node in done:
            return
        path.append(node)
        for nxt in sorted(graph[node]):
            # a package's __init__ importing its own submodules is how packages work, not a circle
            if not nxt.startswith(node + "."):
                visit(nxt)
        path.pop()
        done.add(node)

    for node in sorted(graph):
        visit(node)


def test_the_engine_does_not_import_the_instructor_tools():
    graph = _graph()
    engine_side = [m for m in graph if not m.startswith(("grader.instructor", "grader.cli", "grader.__main__"))]
    reaching = {m: sorted(i for i in graph[m] if i.startswith("grader.instructor")) for m in engine_side}
    assert not {m: v for m, v in reaching.items() if v}, reaching


def test_the_student_process_holds_only_the_runner_protocol_worker_and_the_course():
    """What is copied into a student's sandbox imports nothing else of the grader: the runner, the
    protocol, the worker, and the course's declaration (which imports nothing of the grader)."""
    from grader.sandbox.isolation import WORKER_FILES

    graph = _graph()
    inside = {f"grader.sandbox.{Path(f).stem}" for f in WORKER_FILES} | {"grader.course"}
    allowed = inside | {"grader.sandbox"}  # (the runner's `from . import course`: the copy beside it in the sandbox, whose package is empty)
    for module in inside:
        assert graph[module] <= allowed, (module, graph[module] - allowed)
    assert graph["grader.course"] == set()
