"""Generate the student files in ``lessons/`` from the reference code in ``solutions/``.

Inside a function, the lines from ``# BEGIN SOLUTION`` to ``# END SOLUTION`` (markers
included) become one ``raise NotImplementedError("<Class.method>: not implemented yet ...")``
at the marker's indentation. Everything else (signatures, docstrings, defaults,
given code) is copied as it is. Markers must pair up, may not nest, and must sit
inside a function: anything else is a ``StubError`` naming the file and line.

In a lesson's answers module, a top-level ``NAME = <value>  # ANSWER`` becomes ``NAME = None``:
the student writes the value.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"
_MARKER = re.compile(r"^(\s*)# (BEGIN|END) SOLUTION\s*$")
_ANSWER = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+?)\s*# ANSWER\s*$")


class StubError(ValueError):
    """A solution file whose markers cannot be turned into stubs."""


def _enclosing_names(tree: ast.AST) -> dict[int, str]:
    """Map each line number to the qualified name of the innermost function holding it."""
    names: dict[int, str] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                qual = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    for line in range(child.lineno, child.end_lineno + 1):
                        names[line] = qual
                visit(child, qual + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return names


def strip_solutions(source: str, filename: str = "<source>") -> tuple[str, list[str]]:
    """Return ``(student_source, exercises)``: the source with solution blocks stubbed out,
    and the qualified names of the stubbed functions, in order."""
    try:
        tree = ast.parse(source, filename)
    except SyntaxError as exc:
        raise StubError(f"{filename}:{exc.lineno}: not valid Python: {exc.msg}") from exc
    where = _enclosing_names(tree)
    out: list[str] = []
    exercises: list[str] = []
    open_at: int | None = None
    open_indent = ""
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        answer = _ANSWER.match(line)
        if answer is None and line.rstrip().endswith("# ANSWER"):
            raise StubError(f"{filename}:{number}: an # ANSWER line must be a top-level assignment NAME = value")
        if answer is not None:
            if open_at is not None or number in where:
                raise StubError(f"{filename}:{number}: an # ANSWER line must be a top-level assignment")
            exercises.append(answer.group(1))
            out.append(f"{answer.group(1)} = None\n")
            continue
        match = _MARKER.match(line)
        if match is None:
            if open_at is None:
                out.append(line)
            continue
        indent, kind = match.groups()
        if kind == "BEGIN":
            if open_at is not None:
                raise StubError(f"{filename}:{number}: BEGIN SOLUTION inside the block opened at line {open_at}")
            if number not in where:
                raise StubError(f"{filename}:{number}: BEGIN SOLUTION outside any function")
            open_at, open_indent = number, indent
            name = where[number]
            module = Path(filename).name
            exercises.append(name)
            out.append(
                f'{indent}raise NotImplementedError("{name}: not implemented yet (your exercise in {module})")\n'
            )
        else:
            if open_at is None:
                raise StubError(f"{filename}:{number}: END SOLUTION without a BEGIN SOLUTION")
            inside = {where.get(line) for line in range(open_at, number)} - {None}
            if inside != {where[open_at]} or indent != open_indent:
                raise StubError(f"{filename}:{number}: END SOLUTION does not close the block opened at line {open_at} in the same function at the same indentation")
            open_at = None
    if open_at is not None:
        raise StubError(f"{filename}:{open_at}: BEGIN SOLUTION never closed by END SOLUTION")
    return "".join(out), exercises


def build_lessons(solutions: Path) -> dict[str, str]:
    """The student version of every course module in ``solutions`` (``*.py`` at the top
    level, except ``__init__.py``, which each folder keeps its own), by file name.

    Nothing is written; see ``write_lessons``.
    """
    files = {}
    for path in sorted(Path(solutions).glob("*.py")):
        if path.name != "__init__.py":
            files[path.name] = strip_solutions(path.read_text(), str(path))[0]
    return files


def write_lessons(solutions: Path, lessons: Path) -> list[Path]:
    """Write the generated files into ``lessons`` and return the paths that changed."""
    lessons.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in build_lessons(solutions).items():
        target = lessons / name
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
            changed.append(target)
    return changed


def drift(solutions: Path, lessons: Path) -> list[str]:
    """Names of the files in ``lessons`` that differ from what ``build_lessons`` would write."""
    return [
        name
        for name, text in build_lessons(solutions).items()
        if not (lessons / name).exists() or (lessons / name).read_text() != text
    ]
