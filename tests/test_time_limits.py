"""Time limits count the student's CPU time, not the wall clock: a busy machine (here: code that
waits without computing, which is what load looks like from inside) costs no points, and a call
that really runs too long is stopped with a message that says how big the batch was."""

from __future__ import annotations

import time

import pytest

from grader import engine
from grader.sandbox.runner import _Timeout, _time_limit

from .helpers import grade, variant

FIRST_ORDER = "first_order.py"
STEP = "return X - self.lr * self.loss.grad(X)"


def test_waiting_does_not_count_but_computing_does():
    with _time_limit(0.3):
        time.sleep(0.6)  # twice the limit in wall time, almost no CPU: not stopped
    with pytest.raises(_Timeout):
        with _time_limit(0.3):
            while True:
                pass


def test_blocking_is_stopped_by_the_wall_backstop():
    start = time.monotonic()
    with pytest.raises(_Timeout):
        with _time_limit(0.2):
            time.sleep(10)
    assert time.monotonic() - start < 3


def test_slow_but_correct_work_keeps_its_points_in_process(tmp_path):
    """Each step waits 0.05 s: 40 steps take 2 s of wall time against a 1 s limit, and still pass."""
    folder = variant(tmp_path, {FIRST_ORDER: [(STEP, "import time; time.sleep(0.05)\n        " + STEP)]})
    results = grade(folder, pattern="GradientDescent.trajectory.reference", call_seconds=1.0)
    assert results["GradientDescent.trajectory.reference"].status == "passed", results["GradientDescent.trajectory.reference"].output


def _trajectory_check(folder, isolated: bool):
    """``GradientDescent.trajectory.reference`` on ``folder`` with a 1 s limit per call."""
    from grader.catalogue import all_checks

    target, reference = engine.make_targets(folder, call_seconds=1.0, isolated=isolated)
    try:
        check = next(c for c in all_checks() if c.name == "GradientDescent.trajectory.reference")
        return engine.run_check(check, target, reference)
    finally:
        engine.close_targets(target, reference)


@pytest.mark.parametrize("isolated", [False, True])
def test_a_loop_over_rows_that_runs_out_of_cpu_says_so(tmp_path, isolated):
    loop = "out = X.copy()\n        while True:\n            for i in range(len(X)):\n                out[i] = X[i] - self.lr * self.loss.grad(X[i:i + 1])[0]\n        return out"
    result = _trajectory_check(variant(tmp_path, {FIRST_ORDER: [(STEP, loop)]}), isolated)
    assert result.kind == "timeout", result.output
    assert "s of CPU time for a batch of 20 rows" in result.output and "Python loop over the rows" in result.output, result.output


def test_slow_but_correct_work_keeps_its_points_isolated(tmp_path):
    result = _trajectory_check(variant(tmp_path, {FIRST_ORDER: [(STEP, "import time; time.sleep(0.05)\n        " + STEP)]}), isolated=True)
    assert result.status == "passed", result.output
