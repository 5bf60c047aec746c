"""lessons/ is generated from solutions/: no drift, and the marker rules hold."""

from __future__ import annotations

import ast

import pytest

from grader import engine
from grader.instructor import stubs


def test_committed_lessons_match_solutions():
    assert stubs.drift(engine.SOLUTIONS, engine.LESSONS) == [], "run: python -m grader build-lessons"


def test_stubs_keep_signatures_and_docstrings():
    for name, student in stubs.build_lessons(engine.SOLUTIONS).items():
        reference = ast.parse((engine.SOLUTIONS / name).read_text())
        stubbed = ast.parse(student)

        def signatures(tree):
            return {
                node.name: (ast.unparse(node.args), ast.get_docstring(node))
                for node in ast.walk(tree)
                if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not isinstance(node, ast.ClassDef)
            }

        assert signatures(reference) == signatures(stubbed), name
        assert "BEGIN SOLUTION" not in student and "END SOLUTION" not in student


def test_stub_names_the_exercise():
    source = "class A:\n    def f(self, x=1):\n        '''Doc.'''\n        # BEGIN SOLUTION\n        return x\n        # END SOLUTION\n"
    student, exercises = stubs.strip_solutions(source, "mod.py")
    assert exercises == ["A.f"]
    assert 'raise NotImplementedError("A.f: not implemented yet (your exercise in mod.py)")' in student
    assert "return x" not in student and "def f(self, x=1):" in student and "'''Doc.'''" in student


@pytest.mark.parametrize(
    "source, problem",
    [
        ("def f():\n    # BEGIN SOLUTION\n    return 1\n", "never closed"),
        ("def f():\n    return 1\n    # END SOLUTION\n", "without a BEGIN"),
        ("def f():\n    # BEGIN SOLUTION\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n", "inside the block"),
        ("# BEGIN SOLUTION\nx = 1\n# END SOLUTION\n", "outside any function"),
        ("def f():\n    # BEGIN SOLUTION\n    return 1\ndef g():\n    return 2\n    # END SOLUTION\n", "does not close"),
        ("def f(:\n", "not valid Python"),
    ],
)
def test_bad_markers_are_errors_naming_the_line(source, problem):
    with pytest.raises(stubs.StubError, match=problem) as info:
        stubs.strip_solutions(source, "bad.py")
    assert "bad.py:" in str(info.value)


def test_every_exercise_module_has_stubs_and_every_class_is_graded():
    from grader.catalogue import exercises
    from grader.sandbox.runner import ANSWER_MODULES, FUNCTIONS
    from grader.target import MODULES

    for module, classes in MODULES.items():
        _, names = stubs.strip_solutions((engine.SOLUTIONS / f"{module}.py").read_text(), module)
        functions = {f for f, m in FUNCTIONS.items() if m == module}
        assert {n.split(".")[0] for n in names} == set(classes) | functions, module
    questions = {f"Questions{n}" for n in range(1, len(ANSWER_MODULES) + 1)}
    assert set(exercises()) == {c for classes in MODULES.values() for c in classes} | set(FUNCTIONS) | questions


def test_answers_modules_become_templates_of_none():
    from grader.sandbox.runner import ANSWER_MODULES

    for module in ANSWER_MODULES:
        text, names = stubs.strip_solutions((engine.SOLUTIONS / f"{module}.py").read_text(), module)
        assert names and all(f"\n{n} = None\n" in text for n in names), module
    with pytest.raises(stubs.StubError, match="top-level"):
        stubs.strip_solutions("def f():\n    x = 1  # ANSWER\n", "bad.py")
