"""Every lesson's walkthrough runs headless: with the reference it draws all its figures, and
with untouched stubs it skips them, naming the exercise, instead of failing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from grader import course, engine

WALKTHROUGHS = [engine.LESSONS / a.folder / "walkthrough.py" for a in course.COURSE]


def _run(script, code, figures):
    env = {**os.environ, "COURSE_CODE": code, "COURSE_FIGURES": str(figures), "MPLBACKEND": "Agg"}
    env.pop("DISPLAY", None)
    # --small: the bake-off's quick version (the other walkthroughs take no options)
    return subprocess.run([sys.executable, str(script), "--small"], cwd=engine.REPO, env=env, capture_output=True, text=True, timeout=600)


def test_every_assignment_has_its_walkthrough_and_no_other_lesson_folder_is_there():
    assert WALKTHROUGHS and all(w.is_file() for w in WALKTHROUGHS)
    folders = {p.name for p in engine.LESSONS.iterdir() if p.is_dir() and p.name[:2].isdigit()}
    assert folders == {a.folder for a in course.COURSE}, "a lesson folder the course does not declare (grader/course.py)"


@pytest.mark.parametrize("script", WALKTHROUGHS, ids=lambda p: p.parent.name)
def test_walkthrough_draws_every_figure_with_the_reference(script, tmp_path):
    proc = _run(script, "solutions", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "skipped" not in proc.stdout, proc.stdout
    written = [line.split("wrote ", 1)[1] for line in proc.stdout.splitlines() if "wrote " in line]
    assert written and all(os.path.getsize(path) > (200 if path.endswith(".md") else 5000) for path in written), proc.stdout


@pytest.mark.parametrize("script", WALKTHROUGHS, ids=lambda p: p.parent.name)
def test_walkthrough_skips_unfinished_exercises(script, tmp_path):
    proc = _run(script, "lessons", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "skipped" in proc.stdout and "not implemented yet" in proc.stdout


def test_bakeoff_counts_evaluations_and_covers_every_optimizer(tmp_path):
    proc = _run(engine.LESSONS / "06_bakeoff" / "walkthrough.py", "solutions", tmp_path)
    table = (tmp_path / "06_bakeoff" / "results.md").read_text()
    from grader.target import MODULES

    for module, classes in MODULES.items():
        if module not in ("landscapes", "stochastic"):  # lesson 7's methods come after the bake-off (they need finite sums)
            for name in classes:
                assert f"| {name} |" in table, name
    newton_on_rosenbrock = next(line for line in table.splitlines() if line.startswith("| rosenbrock 2-D | Newton |"))
    cells = [c.strip() for c in newton_on_rosenbrock.split("|")]
    assert float(cells[9]) > 0, "Newton's Hessian evaluations must be counted"
    assert proc.returncode == 0
