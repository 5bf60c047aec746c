"""Class grading with isolation: hostile code costs its own points and nothing else.

The demo class (complete, partial, buggy, hostile) is graded once per session on a subset of
exercises that touches every module, with a short time limit; the tests read its outputs.
"""

from __future__ import annotations

import csv
import json
import re
import shutil

import pytest

from grader import engine
from grader.instructor import demo, grading
from grader.catalogue import all_checks

from .helpers import variant

SUBSET = ("Quadratic", "GaussianWells", "Rosenbrock", "Momentum", "Newton", "BFGS", "PhysicalGradient")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    submissions = demo.build(root / "submissions")
    out = root / "out"
    lines = []
    rows = grading.grade_class(submissions, out, workers=2, call_seconds=10, only=SUBSET, progress=lines.append)
    return {row["student"]: row for row in rows}, out, lines


def _results(out, student):
    """Per check: its score and status, and the output of its exercise's box (which says each message once)."""
    found = {}
    for box in json.loads((out / student / "results.json").read_text())["tests"]:
        for c in box["extra_data"]["checks"]:
            found[c["name"]] = {"score": c["score"], "status": "passed" if c["kind"] == "passed" else "failed", "output": box["output"]}
    return found


def test_every_submission_is_graded_with_progress_and_a_summary(graded):
    rows, out, lines = graded
    assert set(rows) == set(demo.STUDENTS)
    assert sum(line.startswith("[") for line in lines) == 4 and lines[-1].startswith("Graded 4 submissions")
    with open(out / "gradebook.csv") as f:
        book = list(csv.DictReader(f))
    assert [r["student"] for r in book] == sorted(demo.STUDENTS)
    assert (out / "histogram.png").stat().st_size > 1000
    # the similarity report, for the instructor: the demo's complete and buggy students share the reference's code
    assert "Similarity:" in lines[-1] and "similarity.md" in (out / "summary.txt").read_text()
    with open(out / "similarity.csv") as f:
        pairs = {(r["student_a"], r["student_b"]): float(r["share"]) for r in csv.DictReader(f) if r["exercise"] == "(all)"}
    assert pairs[("buggy", "complete")] > 0.9
    assert "buggy and complete" in (out / "similarity.md").read_text()


def test_complete_gets_full_marks_and_the_others_do_not(graded):
    rows, out, _ = graded
    assert rows["complete"]["total"] == rows["complete"]["max"] > 0
    for student in ("partial", "buggy", "hostile"):
        assert rows[student]["total"] < rows[student]["max"], student


def test_hostile_behaviours_cost_only_their_own_checks(graded):
    rows, out, _ = graded
    tests = _results(out, "hostile")
    # sys.exit in Quadratic.grad, after printing a fake score
    assert tests["Quadratic.grad.gradcheck"]["status"] == "failed" and "SystemExit" in tests["Quadratic.grad.gradcheck"]["output"]
    # an endless loop in GaussianWells.hessian
    assert "did not finish" in tests["GaussianWells.hessian.gradcheck"]["output"]
    # a memory bomb in Rosenbrock.grad
    assert "MemoryError" in tests["Rosenbrock.grad.gradcheck"]["output"] or "memory" in tests["Rosenbrock.grad.gradcheck"]["output"]
    # os._exit in Newton.direction
    assert "exited" in tests["Newton.trajectory.notebook"]["output"] or "crashed" in tests["Newton.trajectory.notebook"]["output"]
    # unbounded recursion in BFGS.inverse_update
    assert tests["BFGS.secant_spd"]["status"] == "failed"
    # PhysicalGradient.update returns an array whose == always says True: it earns nothing
    assert tests["PhysicalGradient.trajectory.notebook"]["status"] == "failed"
    assert rows["hostile"]["exercises"]["PhysicalGradient"] < 10
    # what still works is still graded: the untouched parts of the same modules pass
    for name in ("Quadratic.hessian.gradcheck", "GaussianWells.grad.gradcheck", "Rosenbrock.hessian.gradcheck"):
        assert tests[name]["status"] == "passed", name
    assert rows["hostile"]["exercises"]["Newton"] == 0


def test_numpy_monkeypatching_only_hurts_the_student(graded):
    _, out, _ = graded
    tests = _results(out, "hostile")
    # np.allclose and np.linalg.norm were replaced in the student's process: their optimizers
    # stop at once, and the grader (which compares in its own process) sees it.
    assert tests["Momentum.contract.stopping"]["status"] == "failed"  # norm() == 0: "converged" at once
    assert tests["Momentum.trajectory.reference"]["status"] == "passed"  # tol=0: the patch changes nothing there


def test_hidden_checks_do_not_leak_and_totals_are_apart(graded):
    _, out, _ = graded
    data = json.loads((out / "buggy" / "results.json").read_text())
    hidden = [t for t in data["tests"] if t["visibility"] != "visible"]
    assert hidden and all(t["visibility"] == "after_published" and t["name"].endswith(": hidden checks") for t in hidden)
    assert all(line.endswith(("`: passed", "`: failed")) for t in hidden for line in t["output"].splitlines())
    feedback = (out / "buggy" / "feedback.md").read_text()
    assert "public checks" in feedback and "hidden checks" in feedback
    assert "Hidden checks failed: `GaussianWells.reference`." in feedback
    assert "agree with the reference to 1e-9" not in feedback


def test_feedback_draws_the_students_path(graded):
    _, out, _ = graded
    pngs = list((out / "hostile").glob("*.png")) + list((out / "buggy").glob("*.png"))
    assert pngs, "a failed trajectory check on a 2-D landscape should come with a figure"
    assert any("![your path against the reference]" in (out / s / "feedback.md").read_text() for s in ("hostile", "buggy"))


def test_in_process_and_isolated_grading_give_the_same_points(graded):
    rows, out, _ = graded
    submissions = out.parent / "submissions"
    checks = grading.select_checks(SUBSET)
    for student in ("complete", "partial", "buggy"):
        target, reference = engine.make_targets(submissions / student)
        local = {r.name: r.score for r in engine.run_checks(checks, target, reference)}
        isolated = {name: t["score"] for name, t in _results(out, student).items()}
        assert local == isolated, student


def test_student_code_cannot_import_the_reference_or_the_grader(tmp_path):
    """A grad that returns garbage if it can import solutions/ or the grader loses no points."""
    probe = (
        "        for forbidden in ('solutions', 'solutions.landscapes', 'grader', 'grader.checks', '_grader_reference'):\n"
        "            try:\n"
        "                __import__(forbidden)\n"
        "                return X * 0 + 12345.0\n"
        "            except ImportError:\n"
        "                pass\n"
        "        S = 0.5 * (self.A + self.A.T)\n        return X @ S.T - self.b"
    )
    folder = variant(tmp_path, {"landscapes.py": [("        S = 0.5 * (self.A + self.A.T)\n        return X @ S.T - self.b", probe)]})
    row = grading.grade_one("probe", folder, tmp_path / "out", call_seconds=10, only=("Quadratic",))
    assert row["total"] == row["max"], (tmp_path / "out" / "probe" / "feedback.md").read_text()


def test_grading_twice_gives_the_same_gradebook(graded, tmp_path):
    _, out, _ = graded
    few = ("Quadratic", "Momentum")
    books = []
    for run in ("first", "second"):
        grading.grade_class(out.parent / "submissions", tmp_path / run, workers=2, call_seconds=10, only=few, progress=lambda line: None)
        books.append((tmp_path / run / "gradebook.csv").read_text())
    assert books[0] == books[1] and len(books[0].splitlines()) == 5


def test_zip_submissions_and_missing_files(tmp_path):
    import zipfile

    root = tmp_path / "subs"
    root.mkdir()
    with zipfile.ZipFile(root / "zed.zip", "w") as z:
        z.write(engine.SOLUTIONS / "landscapes.py", "my_work/landscapes.py")
        z.writestr("../../evil.py", "print('outside')")
    files, notes = grading.unpack(root / "zed.zip", tmp_path / "files")
    assert (files / "landscapes.py").is_file() and not (tmp_path / "evil.py").exists()
    assert any("not handed in" in n and "first_order.py" in n for n in notes)
    assert grading.find_submissions(root) == [("zed", root / "zed.zip")]


def test_every_check_is_selectable():
    assert len(grading.select_checks()) == len(all_checks())


def test_each_worker_keeps_to_one_core():
    """Grading processes pin themselves round robin (their students' processes inherit it)."""
    import os
    import subprocess
    import sys

    if not hasattr(os, "sched_setaffinity"):
        pytest.skip("no CPU affinity on this platform")
    allowed = sorted(os.sched_getaffinity(0))
    seen = []
    for index in (0, 1):
        code = f"import os; from grader.instructor.grading import pin_to_one_core; pin_to_one_core({index}); print(sorted(os.sched_getaffinity(0)))"
        seen.append(tuple(json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=engine.REPO).stdout)))
    assert all(len(cores) == 1 and cores[0] in allowed for cores in seen)
    if len(allowed) > 1:
        assert seen[0] != seen[1], seen  # two workers, two different cores
    assert sorted(os.sched_getaffinity(0)) == allowed  # the parent is left alone


def test_a_student_whose_grading_hangs_is_regraded_once_then_reported_alone(tmp_path):
    """The watchdog: a submission whose grading runs past the per-student limit is stopped and
    graded again once; then it alone gets a "grader failure" row and a results file, and a
    classmate graded beside it keeps its points."""
    import shutil

    subs = tmp_path / "submissions"
    shutil.copytree(engine.SOLUTIONS, subs / "complete", ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    (subs / "sleepy").mkdir()
    (subs / "sleepy" / "landscapes.py").write_text((engine.SOLUTIONS / "landscapes.py").read_text() + "\nimport time\ntime.sleep(60)\n")
    lines = []
    rows = {r["student"]: r for r in grading.grade_class(subs, tmp_path / "out", workers=2, call_seconds=30, only=("Quadratic",), progress=lines.append, student_seconds=8)}
    assert rows["complete"]["total"] == sum(c.points for c in grading.select_checks(("Quadratic",)))
    assert rows["sleepy"]["status"].startswith("grader failure") and "2 times" in rows["sleepy"]["status"]
    assert any("sleepy" in line and "grading again" in line for line in lines)
    data = json.loads((tmp_path / "out" / "sleepy" / "results.json").read_text())
    assert data["score"] == 0 and "could not finish" in data["output"]


def test_rows_come_back_as_checked_json():
    good = 'noise\nROW {"total": 3, "max": 5, "public": 3, "hidden": 0, "seconds": 1.5, "exercises": {"Quadratic": 3}, "status": "graded", "sandbox": "namespaces"}'
    row = grading._row_from(good, "alice")
    assert row["student"] == "alice" and row["total"] == 3.0 and row["exercises"] == {"Quadratic": 3.0}
    assert grading._row_from('ROW {"total": "lots"}', "alice") is None
    assert grading._row_from("no row at all", "alice") is None
    assert grading._row_from('ROW {"total": 1, "max": 1, "public": 1, "hidden": 0, "seconds": 1, "exercises": 5, "status": "x"}', "a") is None


def test_no_matplotlib_costs_no_grade(tmp_path, monkeypatch):
    """Without matplotlib the feedback leaves its figure out with a note, and the class summary its
    histogram; every grade stands."""
    import sys

    from grader.instructor import demo as demo_class

    subs = demo_class.build(tmp_path / "submissions")
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    row = grading.grade_one("buggy", subs / "buggy", tmp_path / "out", call_seconds=10, only=("Adam",))  # a failed path: a figure is due
    assert not row["status"].startswith("grader failure") and row["max"] > 0
    notes = (tmp_path / "out" / "buggy" / "grader-notes.txt").read_text()  # the instructor's, not the student's
    assert "figures left out" in notes and "figures left out" not in (tmp_path / "out" / "buggy" / "feedback.md").read_text()
    text = grading._summary(tmp_path / "out", [row], 1.0)
    assert "histogram left out" in text and not (tmp_path / "out" / "histogram.png").exists()


HALF_FRAME = '''
import os as _o, struct as _st, sys as _sy, time as _t, signal as _sg
_sg.setitimer(_sg.ITIMER_PROF, 0)
_sg.setitimer(_sg.ITIMER_REAL, 0)
_f = _sy._getframe()
while "fd_out" not in _f.f_locals:
    _f = _f.f_back
_body = b'{"ok": false, "kind": "error", "message": "late"}'
_o.write(_f.f_locals["fd_out"], _st.pack(">II", len(_body), len(_body)) + _body[:5])
_t.sleep(30)
'''

FLOOD = '''
import sys as _sy, time as _t, signal as _sg, threading as _th
_sg.setitimer(_sg.ITIMER_PROF, 0)
_sg.setitimer(_sg.ITIMER_REAL, 0)
_f = _sy._getframe()
while "fd_out" not in _f.f_locals:
    _f = _f.f_back
_w = _f.f_locals["fd_out"]
_P = _sy.modules["_gradeworker.protocol"]
def _flood():
    for _k in range(3000):  # callbacks whose replies nobody reads: the grader's writes fill the pipe
        _P.write_frame(_w, {"op": "callback", "handle": None, "method": "grad", "args": []})
_th.Thread(target=_flood, daemon=True).start()
_t.sleep(30)
'''


@pytest.mark.parametrize("attack", [HALF_FRAME, FLOOD], ids=["stops_mid_frame", "stops_reading_replies"])
def test_a_child_that_stalls_the_pipes_is_stopped_at_the_deadline(tmp_path, attack):
    """A student's process that sends half a frame and sleeps, or stops reading the grader's
    replies, cannot hold the grader past the request's deadline (5 times a 1 s CPU limit)."""
    import time

    import numpy as np

    folder = variant(tmp_path, {"landscapes.py": [("import numpy as np\n", "import numpy as np\n" + attack)]})
    target, reference = engine.make_targets(folder, call_seconds=1.0, isolated=True)
    try:
        start = time.monotonic()
        with pytest.raises(Exception) as caught:
            target.landscape("Quadratic", A=np.eye(2), b=np.zeros(2)).grad(np.zeros((1, 2)))
        seconds = time.monotonic() - start
    finally:
        engine.close_targets(target)
    assert getattr(caught.value, "kind", None) in ("timeout", "error"), caught.value
    assert seconds < 12, seconds


def test_one_assignment_at_a_time_later_lessons_never_count(tmp_path):
    """The demo's partial student finished lessons 1 and 2 (code and answers): graded on
    assignments 1 and 2 it gets full marks, and the gradebook has a column per assignment graded
    and per exercise of theirs, and none of later lessons."""
    from grader import course
    from grader.cli import main

    subs = tmp_path / "submissions"
    demo.build(tmp_path / "demo")
    shutil.copytree(tmp_path / "demo" / "partial", subs / "partial")
    assert main(["grade", str(subs), "--assignment", "1,2", "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    chosen = course.select("1,2")
    with open(tmp_path / "out" / "gradebook.csv") as f:
        reader = csv.DictReader(f)
        row, columns = next(reader), reader.fieldnames
    possible = {a.number: sum(c.points for c in all_checks(assignments=(a,))) for a in chosen}
    assert row["total"] == row["max"] == f"{sum(possible.values()):g}", row
    assert [c for c in columns if re.match(r"A\d+ ", c)] == [f"A{a.number} {a.title} (of {possible[a.number]:g})" for a in chosen]
    assert row[f"A2 First-order methods (of {possible[2]:g})"] == f"{possible[2]:g}" and "Adam (of 22)" in columns
    assert not any(name.startswith(("Newton", "BFGS", "Questions3")) for name in columns)
    assert "Assignments 1, 2: Graded 1 submissions" in (tmp_path / "out" / "summary.txt").read_text()
    data = json.loads((tmp_path / "out" / "partial" / "results.json").read_text())
    assert [t["name"] for t in data["tests"] if t["visibility"] == "visible"] == [e for a in chosen for e in a.exercises]


def test_the_reference_gets_full_marks_on_every_check_in_its_sandbox():
    """Every check, run against the reference solutions in the sandboxed process the instructor's
    grading uses: a landscape method or attribute the sandbox does not carry across (a finite
    sum's grad_batch and n_samples, once) would cost every student those points."""
    target, reference = engine.make_targets(engine.SOLUTIONS, isolated=True)
    try:
        results = engine.run_checks(all_checks(), target, reference)
    finally:
        engine.close_targets(target, reference)
    failed = {r.name: r.output[:200] for r in results if r.status != "passed"}
    assert not failed, failed
