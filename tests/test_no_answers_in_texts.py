"""No exercise can be transcribed: no line of a solution block appears in what a student reads
(the lesson texts, the walkthroughs, the generated stubs, the checks' hints and messages).

Lines are compared without spaces; short lines (``g = self.loss.grad(X)``) and lines that the
given code also contains are not evidence of anything and are skipped. The formulas are the
other half: the lessons teach their methods on worked examples instead (see each README).
"""

from __future__ import annotations

import ast
import re

import pytest

from grader import engine

MARKER = re.compile(r"^\s*# (BEGIN|END) SOLUTION\s*$")
SHORTEST = 24  # characters without spaces
#: lines that fix a convention the grader relies on, and that the docstrings therefore state
CONVENTIONS = {
    "xi=self.rng_.standard_normal(X.shape)",  # Langevin's draw: same seed, same path, for everyone
}


def _squeeze(line: str) -> str:
    return re.sub(r"\s+", "", line.split("  #")[0])


def solution_lines() -> dict[str, set[str]]:
    """By module, the distinctive lines inside its solution blocks."""
    found = {}
    for path in sorted(engine.SOLUTIONS.glob("*.py")):
        inside, lines, given = False, set(), set()
        for line in path.read_text().splitlines():
            if MARKER.match(line):
                inside = not inside
                continue
            (lines if inside else given).add(_squeeze(line))
        lines = {s for s in lines - given - CONVENTIONS if len(s) >= SHORTEST}
        if lines:
            found[path.name] = lines
    return found


def _strings(source: str) -> str:
    """The string literals of a module: a check's hints and messages, not its own computations."""
    return "\n".join(node.value for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Constant) and isinstance(node.value, str))


def _readable() -> dict[str, str]:
    texts = {}
    for path in [*engine.LESSONS.glob("*/README.md"), *engine.LESSONS.glob("*/walkthrough.py"), *engine.LESSONS.glob("*.py")]:
        texts[str(path.relative_to(engine.REPO))] = re.sub(r"\s+", "", path.read_text())
    for path in (engine.REPO / "grader" / "checks").glob("*.py"):
        texts[str(path.relative_to(engine.REPO))] = re.sub(r"\s+", "", _strings(path.read_text()))
    return texts


def test_there_are_solution_lines_to_look_for():
    lines = solution_lines()
    assert len(lines) >= 5 and sum(map(len, lines.values())) > 50


@pytest.mark.parametrize("module", sorted(solution_lines()))
def test_no_solution_line_can_be_copied_from_what_students_read(module):
    texts = _readable()
    leaks = [(line, where) for line in sorted(solution_lines()[module]) for where, text in texts.items() if line in text]
    assert not leaks, f"lines of {module}'s solutions appear where students read them:\n  " + "\n  ".join(f"{where}: {line}" for line, where in leaks)


#: the batched basics that lesson 1 teaches as tools (a dot, an outer product, a matrix times a vector, per row)
GENERIC_EINSUMS = {"ni,ni->n", "ni,nj->nij", "nij,nj->ni", "ni,nij->nj"}


def solution_einsums() -> set[str]:
    """The ``einsum`` subscripts used inside solution blocks (``"npi,npj,np->nij"``): a hint that
    quotes one hands over the contraction the exercise asks the student to find."""
    found, given = set(), set()  # given code anywhere in the course shows its contractions openly
    for path in sorted(engine.SOLUTIONS.glob("*.py")):
        inside = False
        for line in path.read_text().splitlines():
            if MARKER.match(line):
                inside = not inside
                continue
            subscripts = set(re.findall(r"einsum\(\s*[\"']([a-z.,]+->[a-z.]*)[\"']", line))
            (found if inside else given).update(subscripts)
    return found - given


def test_no_hint_or_text_quotes_a_solution_einsum():
    texts = _readable()
    quoted = sorted((sub, where) for sub in solution_einsums() - GENERIC_EINSUMS for where, text in texts.items() if sub in text)
    assert not quoted, "einsum subscripts of solutions appear where students read them:\n  " + "\n  ".join(f"{w}: {s}" for s, w in quoted)
