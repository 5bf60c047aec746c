"""The student release: no solutions, no hidden checks, and its checks and pytest still work."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys

import pytest

from grader import engine, stored
from grader.instructor import release
from grader.instructor.record import record
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
    """Fails when solutions/ or the public checks changed without `python -m grader record`."""
    fresh = record(tmp_path / "fresh.json.gz")
    with gzip.open(fresh) as a, gzip.open(stored.DATA) as b:
        assert a.read() == b.read(), "run: python -m grader record"
