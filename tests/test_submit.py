"""``python -m grader submit``: the student's hand-in, on a complete folder, an incomplete one, a file
that does not import, and in the student release (no solutions/, stored reference answers)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest

from grader import course, engine, submit
from grader.catalogue import all_checks
from grader.instructor import release

A2 = course.assignment(2)


def _run(cwd, *args):
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, capture_output=True, text=True, timeout=900)


def _possible(a):
    return sum(c.points for c in all_checks(include_hidden=False, assignments=(a,)))


def test_a_complete_folder_is_handed_in_with_exactly_its_files_and_its_score(tmp_path):
    proc = _run(engine.REPO, "submit", str(engine.SOLUTIONS), "--assignment", "2", "--out", str(tmp_path), "-q")
    assert proc.returncode == 0, proc.stderr
    assert f"The public checks gave {_possible(A2):g} / {_possible(A2):g} for assignment 2." in proc.stdout
    with zipfile.ZipFile(tmp_path / "submission-2.zip") as z:
        assert sorted(z.namelist()) == sorted(A2.files)
        for name in A2.files:
            assert z.read(name) == (engine.SOLUTIONS / name).read_bytes()


def test_an_assignment_that_uses_an_earlier_module_hands_it_in_too(tmp_path):
    folder = tmp_path / "work"
    shutil.copytree(engine.LESSONS, folder, ignore=shutil.ignore_patterns("__pycache__", "0*"))
    path, found = submit.hand_in(folder, (course.assignment(5),), tmp_path)
    with zipfile.ZipFile(path) as z:
        assert sorted(z.namelist()) == sorted(["inversion.py", "second_order.py", "answers_inversion.py"])
    assert found.score == 0 and found.max_score == _possible(course.assignment(5))  # untouched stubs: handed in, and scored 0


def test_a_missing_file_is_refused_naming_it_and_nothing_is_written(tmp_path):
    folder = tmp_path / "work"
    shutil.copytree(engine.SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "answers_first_order.py").unlink()
    proc = _run(engine.REPO, "submit", str(folder), "--assignment", "2", "--out", str(tmp_path / "out"), "-q")
    assert proc.returncode == 2
    assert "nothing written" in proc.stderr and "answers_first_order.py is missing" in proc.stderr
    assert not (tmp_path / "out" / "submission-2.zip").exists()


def test_a_file_that_does_not_import_is_refused_with_its_error(tmp_path):
    folder = tmp_path / "work"
    shutil.copytree(engine.SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    path = folder / "first_order.py"
    path.write_text(path.read_text().replace("class Adam(BaseOptimizer):", "class Adam(BaseOptimizer)"))
    with pytest.raises(submit.SubmitError, match=r"first_order.py does not import: .*SyntaxError"):
        submit.hand_in(folder, (A2,), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_submit_works_in_the_student_release(tmp_path):
    """No solutions/ there: the public checks compare with the stored reference answers."""
    built = release.build(tmp_path / "course", upto=1)
    for name in course.assignment(1).files:
        shutil.copyfile(engine.SOLUTIONS / name, built / "lessons" / name)
    proc = _run(built, "submit", "-q")  # every assignment of this release: lesson 1
    assert proc.returncode == 0, proc.stderr
    a1 = course.assignment(1)
    assert f"The public checks gave {_possible(a1):g} / {_possible(a1):g}." in proc.stdout
    with zipfile.ZipFile(built / "submission-all.zip") as z:
        assert sorted(z.namelist()) == sorted(a1.files)
    (built / "lessons" / "answers_gradients.py").unlink()
    refused = _run(built, "submit", "--assignment", "1", "-q")
    assert refused.returncode == 2 and "answers_gradients.py is missing" in refused.stderr
