"""The course's declaration (``grader/course.py``) matches the files, and everything derives from it:
adding a lesson is the declaration plus the lesson's own files."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

from grader import course, engine
from grader.catalogue import all_checks
from grader.sandbox import runner


def test_every_declared_file_is_there_and_every_course_file_is_declared():
    for a in course.COURSE:
        assert (engine.LESSONS / a.folder / "README.md").is_file(), a.folder
        assert (engine.LESSONS / a.folder / "walkthrough.py").is_file(), a.folder
        for module in (*a.modules, *a.support):
            assert (engine.SOLUTIONS / f"{module}.py").is_file() and (engine.LESSONS / f"{module}.py").is_file(), module
        for module in a.checks:
            assert (engine.REPO / "grader" / "checks" / f"{module}.py").is_file(), module
        for module in a.uses:
            assert any(module in b.code for b in course.COURSE if b.number < a.number), f"{a.number} uses {module}, which no earlier lesson declares"
    declared = {f"{m}.py" for m in (*course.handed_in(), *course.support_modules())}
    modules = {p.name for p in engine.SOLUTIONS.glob("*.py") if p.name != "__init__.py"}
    assert modules == declared, "a module of solutions/ that the course does not declare, or the reverse"


def test_every_exercise_has_checks_and_every_check_an_assignment():
    exercises = {c.exercise for c in all_checks()}
    assert exercises == set(course.exercises())
    for a in course.COURSE:
        mine = all_checks(assignments=(a,))
        assert {c.exercise for c in mine} == set(a.exercises), a.number
        assert all(course.assignment_of(c.exercise) is a for c in mine)


def test_the_runner_tables_are_the_declarations():
    assert runner.MODULES == course.exercise_modules()
    assert set(runner.SUBMITTED) == {m for a in course.COURSE for m in a.modules}
    assert runner.FUNCTIONS == {"backtracking": "second_order"}
    assert runner.CLASS_MODULE["Adam"] == "first_order" and runner.CLASS_MODULE["LinearPhysics"] == "landscapes"


def test_each_walkthrough_checks_its_own_assignment():
    """The notebook's check cells (``check("Adam").show()``) cover exactly the lesson's exercises."""
    for a in course.COURSE:
        text = (engine.LESSONS / a.folder / "walkthrough.py").read_text()
        assert set(re.findall(r'check\("([A-Za-z0-9_]+)"\)', text)) == set(a.exercises), a.folder


@pytest.mark.parametrize("text, numbers", [("2", [2]), ("1,3", [1, 3]), ("3,1", [1, 3]), ("1-3", [1, 2, 3]), ("all", [1, 2, 3, 4, 5, 6, 7]), (None, [1, 2, 3, 4, 5, 6, 7])])
def test_assignments_are_chosen_by_number_list_range_or_all(text, numbers):
    assert [a.number for a in course.select(text)] == numbers


@pytest.mark.parametrize("text", ["9", "two", "1,x"])
def test_a_wrong_assignment_is_a_clear_error(text):
    with pytest.raises(ValueError, match="assignment"):
        course.select(text)


def test_an_assignment_hands_in_its_modules_the_ones_it_uses_and_its_answers():
    assert course.assignment(2).files == ("first_order.py", "answers_first_order.py")
    assert course.assignment(5).files == ("inversion.py", "second_order.py", "answers_inversion.py")
    assert course.assignment(6).files == ("answers_bakeoff.py",)


def test_list_and_check_take_an_assignment(capsys):
    from grader.cli import main

    assert main(["list", "--assignment", "3"]) == 0
    listed = {line.split()[1].split(".")[0] for line in capsys.readouterr().out.splitlines()}
    assert listed == set(course.assignment(3).exercises)
    assert main(["check", str(engine.SOLUTIONS), "--assignment", "9"]) == 2
    assert "no assignment 9" in capsys.readouterr().err


def test_adding_a_lesson_is_its_declaration_and_its_own_files(tmp_path):
    """A copy of the course gains lesson 7 (one exercise class in a new module, its checks, its
    folder) by one ``Assignment`` in the declaration: the stubs, the checks, grading one
    assignment and the hand-in all follow, with no other file of the grader touched."""
    repo = tmp_path / "course"
    for item in ("grader", "solutions", "lessons"):
        shutil.copytree(engine.REPO / item, repo / item, ignore=shutil.ignore_patterns("__pycache__", "*.png", "released.json"))
    for item in ("conftest.py", "pytest.ini", "requirements.txt"):
        shutil.copyfile(engine.REPO / item, repo / item)
    (repo / "solutions" / "toy.py").write_text(textwrap.dedent('''
        """Lesson 7's toy exercise."""
        import numpy as np


        class Doubler:
            """Doubles a batch of points: X (n, d) -> 2 X (n, d)."""

            def __init__(self):
                pass

            def __call__(self, X):
                """2 X, shape (n, d) as X."""
                # BEGIN SOLUTION
                return 2.0 * np.asarray(X, dtype=float)
                # END SOLUTION
    '''))
    (repo / "grader" / "checks" / "toy.py").write_text(textwrap.dedent('''
        """Checks for lesson 7."""
        import numpy as np

        from ..registry import check, expect


        @check("Doubler.doubles", points=2)
        def doubles(t, ref):
            """Doubler()(X) is 2 X."""
            X = np.arange(6.0).reshape(3, 2)
            got = t.landscape("Doubler").call("__call__", X, shape=X.shape)
            expect(np.allclose(got, 2 * X), f"Doubler: expected {(2 * X).tolist()}, got {got.tolist()}")
    '''))
    folder = repo / "lessons" / "07_toy"
    folder.mkdir()
    (folder / "README.md").write_text("# Lesson 7: a toy\n")
    (folder / "walkthrough.py").write_text('# %%\nfrom grader import check\n\n# %%\ncheck("Doubler").show()\n')
    declaration = repo / "grader" / "course.py"
    text = declaration.read_text()
    anchor = '    Assignment(6, "Bake-off", "06_bakeoff", answers="answers_bakeoff"),\n'
    assert anchor in text
    declaration.write_text(text.replace(anchor, anchor + '    Assignment(7, "A toy", "07_toy", code={"toy": ("Doubler",)}, checks=("toy",)),\n'))

    def run(*args):
        return subprocess.run([sys.executable, "-m", "grader", *args], cwd=repo, capture_output=True, text=True, timeout=600)

    stubs = run("build-lessons")
    assert stubs.returncode == 0 and "lessons/toy.py" in stubs.stdout, stubs.stderr
    assert run("check", "solutions", "--assignment", "7", "-q").returncode == 0
    todo = run("check", "--assignment", "7", "-q")
    assert todo.returncode == 1 and "not implemented yet" in todo.stdout
    handed = run("submit", "solutions", "--assignment", "7", "-q", "--out", str(tmp_path))
    assert handed.returncode == 0 and "2 / 2" in handed.stdout and (tmp_path / "submission-7.zip").is_file(), handed.stderr
    subs = tmp_path / "subs"
    (subs / "ada").mkdir(parents=True)
    shutil.copyfile(repo / "solutions" / "toy.py", subs / "ada" / "toy.py")
    graded = run("grade", str(subs), "--assignment", "7", "--out", str(tmp_path / "out"), "--workers", "1")
    assert graded.returncode == 0, graded.stderr
    with open(tmp_path / "out" / "gradebook.csv") as f:
        row = next(csv.DictReader(f))
    assert row["total"] == row["max"] == "2" and row["A7 A toy (of 2)"] == "2" and row["Doubler (of 2)"] == "2"
