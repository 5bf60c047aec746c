"""The student release: no solutions, no hidden checks, and its checks and pytest still work."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from grader import engine, stored
from grader.instructor import cpus, release
from grader.instructor.record import differences, record
from grader.target import SUBMITTED


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return release.build(tmp_path_factory.mktemp("release") / "course")


def _run(cwd, *args):
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=900)


def test_release_leaves_out_solutions_and_hidden_checks(built):
    assert not (built / "solutions").exists()
    assert not (built / "grader" / "checks" / "hidden.py").exists()
    text = "".join(p.read_text() for p in built.rglob("*.py"))
    assert "BEGIN SOLUTION" not in text and "hidden=True" not in text
    assert (built / "lessons" / "01_gradients_by_hand" / "README.md").is_file()


def test_release_speaks_only_of_what_it_contains(built):
    """No text a student reads points at the instructor's side: bench/, solutions/, COURSE_CODE=solutions,
    and the answer key holds digests only."""
    for path in [*built.rglob("*.md"), *(built / "lessons").rglob("*.py")]:
        text = path.read_text()
        for word in ("bench/", "solutions/", "COURSE_CODE=solutions", "grader/instructor"):
            assert word not in text, f"{path.relative_to(built)} mentions {word}"
    for module in SUBMITTED:
        assert (built / "lessons" / f"{module}.py").is_file(), module
    assert (built / "grader" / "answer_key.json").is_file()
    assert not (built / "grader" / "instructor").exists()
    assert not list(built.rglob("*similarity*")), "the similarity report is the instructor's"
    for script in (built / "lessons").glob("*/walkthrough.py"):
        assert script.with_suffix(".ipynb").is_file(), f"the release lacks {script.parent.name}'s notebook"
        assert script.with_suffix(".ipynb").read_text() == (engine.LESSONS / script.parent.name / "walkthrough.ipynb").read_text()
    walkthroughs = {p.parent.name for p in (built / "lessons").glob("*/walkthrough.py")}
    assert walkthroughs == {p.name for p in (built / "lessons").iterdir() if p.is_dir() and p.name[:2].isdigit()}, "every lesson has a walkthrough"


def test_release_grades_stubs_as_not_implemented(built):
    proc = _run(built, "-m", "grader", "check", "-q")
    assert proc.returncode == 1, proc.stderr
    assert "not implemented yet" in proc.stdout and "the grader failed" not in proc.stdout
    assert "hidden" not in proc.stdout


def test_release_gives_full_public_marks_to_complete_work_and_its_pytest_passes(built, tmp_path):
    done = tmp_path / "done"
    shutil.copytree(built, done)
    for module in SUBMITTED:
        shutil.copyfile(engine.SOLUTIONS / f"{module}.py", done / "lessons" / f"{module}.py")
    proc = _run(done, "-m", "grader", "check", "-q")
    assert proc.returncode == 0, proc.stdout[-3000:]
    tests = _run(done, "-m", "pytest", "-q", "-p", "no:cacheprovider")
    assert tests.returncode == 0, tests.stdout[-3000:]


def test_stored_reference_data_is_fresh(tmp_path):
    """Fails when solutions/ or the public checks changed without `python -m grader record`
    (compared question by question up to rounding, so that it holds on any processor)."""
    fresh = record(tmp_path / "fresh.json.gz", prove_headroom=False)
    found = differences(fresh, stored.DATA)
    assert not found, "run: python -m grader record\n" + "\n".join(found[:20])


@pytest.mark.skipif("avx2" not in cpus.available() or cpus.this_kind() == "avx2", reason="this machine cannot stand in for another processor family")
def test_a_record_made_on_another_cpu_is_the_same_record(tmp_path):
    """A record made where NumPy rounds as an AVX2 machine does (other BLAS kernels, other SIMD
    loops) differs in last bits and in the keys of questions built from earlier answers, and
    freshness still holds: the comparison is by question, up to rounding."""
    env = {**os.environ, **cpus.environment("avx2")}
    script = f"from grader.instructor.record import record; record({str(tmp_path / 'avx2.json.gz')!r}, prove_headroom=False)"
    done = subprocess.run([sys.executable, "-c", script], cwd=engine.REPO, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    other, _ = stored.load(tmp_path / "avx2.json.gz")
    here, _ = stored.load(stored.DATA)
    assert set(other) != set(here), "the stand-in rounded exactly as this machine: the test proves nothing"
    assert differences(tmp_path / "avx2.json.gz", stored.DATA) == []


def test_freshness_sees_changed_new_and_dropped_questions(tmp_path):
    """The comparison is not blind: an answer moved beyond rounding, a question added and one dropped are each reported."""

    class Echo:  # a reference that answers every question with its arrays scaled
        def __init__(self, scale):
            self.scale = scale

        def handle(self, request):
            return {"ok": True, "value": self.scale * request["args"][0]}

    def write(name, scale, questions):
        recorder = stored.RecordingRunner(Echo(scale))
        for q in questions:
            recorder.handle({"op": "call", "method": "grad", "landscape": {"name": "Bowl"}, "args": [np.full(3, q)]})
        return recorder.write(tmp_path / name)

    base = write("base.json.gz", 1.0, [1.0, 2.0, 3.0])
    assert differences(write("same.json.gz", 1.0 + 1e-12, [1.0, 2.0, 3.0]), base) == []
    assert any("changed" in d for d in differences(write("moved.json.gz", 1.001, [1.0, 2.0, 3.0]), base))
    assert any("new" in d for d in differences(write("more.json.gz", 1.0, [1.0, 2.0, 3.0, 4.0]), base))
    assert any("no longer asked" in d for d in differences(write("fewer.json.gz", 1.0, [1.0, 2.0]), base))


@pytest.mark.skipif("avx2" not in cpus.available() or cpus.this_kind() == "avx2", reason="this machine cannot stand in for another processor family")
def test_release_gives_full_marks_on_another_cpu(built, tmp_path):
    """Complete work in the release, checked where NumPy rounds as an AVX2 machine does, against
    answers recorded on this one: full marks."""
    done = tmp_path / "done"
    shutil.copytree(built, done)
    for module in SUBMITTED:
        shutil.copyfile(engine.SOLUTIONS / f"{module}.py", done / "lessons" / f"{module}.py")
    proc = subprocess.run([sys.executable, "-m", "grader", "check", "-q"], cwd=done, env={**os.environ, **cpus.environment("avx2")}, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:]


# ----------------------------------------------------------------------------- a release of lessons 1 and 2
@pytest.fixture(scope="module")
def first_two(tmp_path_factory):
    return release.build(tmp_path_factory.mktemp("release") / "course", upto=2)


def test_a_release_of_two_lessons_holds_them_and_nothing_after(first_two):
    from grader import course

    chosen = course.select("1,2")
    assert sorted(p.name for p in (first_two / "lessons").iterdir() if p.is_dir()) == [a.folder for a in chosen]
    modules = {p.stem for p in (first_two / "lessons").glob("*.py")}
    assert modules == {"__init__", "_walkthrough", *course.support_modules(chosen), *course.handed_in(chosen)}
    checks = {p.stem for p in (first_two / "grader" / "checks").glob("*.py")}
    assert "second_order" not in checks and "quasi_newton" not in checks and {"landscapes", "first_order", "questions"} <= checks
    key = json.loads((first_two / "grader" / "answer_key.json").read_text())["questions"]
    assert {q["lesson"] for q in key} == {1, 2}
    assert "python -m grader submit --assignment 2" in (first_two / "README.md").read_text()
    listed = _run(first_two, "-m", "grader", "list")
    assert listed.returncode == 0
    exercises = {line.split()[1].split(".")[0] for line in listed.stdout.splitlines()}
    assert exercises == {e for a in chosen for e in a.exercises}
    refused = _run(first_two, "-m", "grader", "check", "--assignment", "3")
    assert refused.returncode == 2 and "no assignment 3" in refused.stderr


def test_a_release_of_two_lessons_stores_only_their_reference_answers(first_two):
    """Its record is the committed one without the later lessons' questions: none new, none changed."""
    mine = first_two / "grader" / stored.DATA.name
    found = differences(mine, stored.DATA)
    assert found and all(d.endswith("are no longer asked") for d in found), found[:5]
    assert 0 < len(stored.load(mine)[0]) < len(stored.load(stored.DATA)[0])


def test_a_release_of_two_lessons_grades_and_hands_in_complete_work(first_two, tmp_path):
    import zipfile

    from grader import course

    done = tmp_path / "done"
    shutil.copytree(first_two, done)
    for module in course.handed_in(course.select("1,2")):
        shutil.copyfile(engine.SOLUTIONS / f"{module}.py", done / "lessons" / f"{module}.py")
    proc = _run(done, "-m", "grader", "check", "-q")
    assert proc.returncode == 0, proc.stdout[-3000:]
    handed = _run(done, "-m", "grader", "submit", "--assignment", "2", "-q")
    assert handed.returncode == 0, handed.stderr
    possible = sum(c.points for c in _public(2))
    assert f"The public checks gave {possible:g} / {possible:g} for assignment 2." in handed.stdout
    with zipfile.ZipFile(done / "submission-2.zip") as z:
        assert sorted(z.namelist()) == sorted(course.assignment(2).files)
        assert z.read("first_order.py") == (engine.SOLUTIONS / "first_order.py").read_bytes()


def _public(number):
    from grader import course
    from grader.catalogue import all_checks

    return all_checks(include_hidden=False, assignments=(course.assignment(number),))
