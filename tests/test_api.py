"""``from grader import check``: the same grading as the command, as an object, in a REPL or a
notebook; every call sees the module as it is now."""

from __future__ import annotations

import os
import py_compile
import shutil
import subprocess
import sys

import pytest

from grader import api, check, engine


def test_check_returns_scores_failures_and_the_commands_table(tmp_path):
    done = check("Adam", path=engine.SOLUTIONS)
    assert done.passed and done.score == done.max_score > 0 and done.failed == []
    todo = check("Adam", path=engine.LESSONS)
    assert todo.score == 0 and todo.max_score == done.max_score
    assert todo.failed and all(f.kind == "not_implemented" for f in todo.failed)
    assert all("not implemented yet" in f.message or "hidden check" in f.message for f in todo.failed)
    cli = subprocess.run([sys.executable, "-m", "grader", "check", "-k", "Adam", str(engine.LESSONS)], cwd=engine.REPO, capture_output=True, text=True)
    assert cli.returncode == 1 and cli.stdout.strip() == repr(todo).strip()


def test_failures_carry_message_and_hint_and_hidden_checks_stay_hidden(tmp_path):
    folder = tmp_path / "work"
    shutil.copytree(engine.SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    path = folder / "first_order.py"
    path.write_text(path.read_text().replace("return X - self.lr * self.loss.grad(X)", "return X + self.lr * self.loss.grad(X)"))
    found = check("GradientDescent", path=folder)
    assert not found.passed and found.score < found.max_score
    visible = [f for f in found.failed if "hidden" not in f.message]
    assert visible and all(f.message and f.hint for f in visible[:1])
    assert all("Hint:" not in f.message for f in found.failed)
    every, public = check("Adam", path=engine.SOLUTIONS), check("Adam", path=engine.SOLUTIONS, hidden=False)
    assert any(r.visibility == "hidden" for r in every.results), "Adam should have a hidden check (instructor's repository)"
    assert all(r.visibility == "visible" for r in public.results) and public.max_score < every.max_score
    html = found._repr_html_()
    assert "<table" in html and "GradientDescent" in html and "What to fix" in html


def test_an_edit_counts_at_the_next_call_even_within_the_same_second(tmp_path):
    folder = tmp_path / "work"
    shutil.copytree(engine.SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    path = folder / "first_order.py"
    py_compile.compile(str(path))  # a notebook's own import leaves bytecode beside the module
    stat = path.stat()
    assert check("GradientDescent.trajectory", path=folder).passed
    text = path.read_text()
    path.write_text(text.replace("return X - self.lr * self.loss.grad(X)", "return X + self.lr * self.loss.grad(X)"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime: stale bytecode would pass
    assert not check("GradientDescent.trajectory", path=folder).passed
    path.write_text(text)
    assert check("GradientDescent.trajectory", path=folder).passed


def test_show_prints_the_report_once_and_returns_nothing(capsys):
    """``check("Adam").show()`` as a cell's last line: the report once (a returned report would be
    shown a second time as the cell's value)."""
    report = check("Quadratic", path=engine.SOLUTIONS)
    assert report.show() is None
    printed = capsys.readouterr().out
    assert printed.strip() == repr(report).strip() and printed.count(repr(report).splitlines()[0]) == 1


def test_check_works_in_a_plain_repl():
    script = "from grader import check\nr = check('Quadratic', path='solutions')\nprint(r.score, r.max_score, r.passed)\nprint(repr(r).splitlines()[0])\n"
    proc = subprocess.run([sys.executable, "-i", "-q"], input=script, cwd=engine.REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    score, possible, passed = proc.stdout.split("\n")[0].replace(">>> ", "").split()
    assert score == possible and passed == "True"
    assert "Grading " in proc.stdout


def test_bad_input_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="no check matches"):
        check("NoSuchExercise", path=engine.SOLUTIONS)
    with pytest.raises(ValueError, match="not a folder"):
        check(path=tmp_path / "missing")
    with pytest.raises(ValueError, match="not laid out like lessons"):
        check(path=tmp_path)


def test_the_default_folder_follows_course_code(monkeypatch):
    monkeypatch.delenv("COURSE_CODE", raising=False)
    assert api.default_folder() == engine.LESSONS
    monkeypatch.setenv("COURSE_CODE", "solutions")
    assert api.default_folder() == engine.SOLUTIONS


class _Stream:
    def __init__(self, tty):
        self.tty, self.text = tty, ""

    def isatty(self):
        return self.tty

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_progress_names_the_exercise_on_a_terminal_and_in_a_log():
    from grader.progress import Progress

    exercises = ["Quadratic", "Quadratic", "Adam", "Adam"]
    quiet = Progress(exercises, stream=_Stream(False), after=3600)
    for i in range(1, 4):
        quiet.step(i)
    assert quiet.stream.text == "", "a short run shows nothing"
    log = Progress(exercises, stream=_Stream(False), after=0)
    for i in range(1, 4):
        log.step(i)
    assert log.stream.text.splitlines() == ["checking Quadratic (2/4)", "checking Adam (3/4)"]
    term = Progress(exercises, stream=_Stream(True), after=0)
    for i in range(1, 4):
        term.step(i)
    term.close()
    assert "\n" not in term.stream.text and term.stream.text.startswith("\r  checking Quadratic (2/4, 25%)")
    assert "checking Adam (4/4, 75%)" in term.stream.text and term.stream.text.endswith("\r")


def test_the_command_shows_progress_lines_when_it_runs_long():
    proc = subprocess.run([sys.executable, "-m", "grader", "check", "solutions", "-k", "Newton"], cwd=engine.REPO, capture_output=True, text=True, env={**os.environ, "GRADER_PROGRESS_AFTER": "0"})
    assert proc.returncode == 0
    assert "checking Newton" in proc.stderr
