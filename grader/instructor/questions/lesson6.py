"""Lesson 6's questions and how their answers are computed from the reference code.

Q1 and Q2 are measured on the bake-off itself: the walkthrough's setup (its starts, rates and
``run``) is loaded from ``lessons/06_bakeoff/walkthrough.py`` with the reference classes. Both
answers held when the wells' starts were moved by one part in 10^14 (they are not among the
bake-off's chaotic cells).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import warnings

import numpy as np

from grader.instructor.questions import Question, Slip


@functools.cache
def reference_walkthrough():
    """The bake-off's walkthrough as a module on the reference classes, at full size (its runs are under ``__main__``)."""
    from grader import engine

    saved = os.environ.get("COURSE_CODE")
    os.environ["COURSE_CODE"] = "solutions"
    try:
        spec = importlib.util.spec_from_file_location("bakeoff_walkthrough_q", engine.LESSONS / "06_bakeoff" / "walkthrough.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)  # definitions only: the runs are under __main__
    finally:
        if saved is None:
            os.environ.pop("COURSE_CODE", None)
        else:
            os.environ["COURSE_CODE"] = saved
    module.LANDSCAPES, module.MAX_ITER = module.field(small=False), 500
    return module


@functools.cache
def _newton_on_wells():
    wt = reference_walkthrough()
    return wt.run("Newton", list(wt.LANDSCAPES).index("wells"), fitted=True)


def _newton_mean_steps_wells():
    return float(np.mean(_newton_on_wells()["opt"].n_iter_))


def _newton_deep_share_wells():
    return float(np.mean(_newton_on_wells()["opt"].loss_ < -0.25))


def _fd_hessian_grads():
    """Count the gradient evaluations of the grader's central-difference Jacobian of the gradient
    (the Hessian) at one point of 20-D Rosenbrock."""
    from grader.gradcheck import numerical_jacobian
    from solutions.landscapes import Rosenbrock

    landscape, calls = Rosenbrock(20), []

    def grad(X):
        calls.append(len(np.atleast_2d(X)))
        return landscape.grad(X)

    x = np.linspace(-1.0, 1.0, 20)
    H = numerical_jacobian(grad, x)
    assert np.allclose(H[0], landscape.hessian(x[None])[0], atol=1e-4)
    return int(sum(calls))


def _newton_undercount():
    """b, after checking with the reference that a, c and d are false on 20-D Rosenbrock."""
    wt = reference_walkthrough()
    r = wt.run("Newton", list(wt.LANDSCAPES).index("rosenbrock 20-D"), fitted=True)
    o, n = r["opt"], len(wt.LANDSCAPES["rosenbrock 20-D"][1])
    assert r["loss evals"] > 1  # a: the line search's losses are counted
    assert r["hessian evals"] * n > o.n_iter_.sum()  # c: stopped starts' Hessians are counted too
    assert r["grad evals"] == r["hessian evals"] + 1  # d: one gradient per step, reused ones not evaluated
    return "b"


def _tuned_on_test():
    """b: a rate tuned on the scored starts scores at least as well there as one tuned on other starts."""
    wt = reference_walkthrough()
    from solutions.first_order import GradientDescent
    from solutions.landscapes import SquarePhysics

    test = wt.LANDSCAPES["toy physics"][1]
    other = np.random.default_rng(1).uniform(-3, 3, size=test.shape)

    def score(lr, X0):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            fit = GradientDescent(SquarePhysics(), lr=lr, max_iter=wt.MAX_ITER, tol=wt.TOL).fit(X0)
        return np.inf if np.any(fit.diverged_) else float(np.mean(fit.loss_))  # divergence disqualifies, as in --tune

    grid = [float(lr) for lr in wt.TUNING_GRID if lr <= 0.1]  # larger rates diverge on this landscape
    on_test = min(grid, key=lambda lr: score(lr, test))
    on_other = min(grid, key=lambda lr: score(lr, other))
    assert score(on_test, test) <= score(on_other, test)
    return "b"


QUESTIONS = [
    Question(
        name="newton_mean_steps_wells",
        asks="the mean number of steps of Newton's starts on the bake-off's wells",
        kind="number",
        points=2,
        key=_newton_mean_steps_wells,
        rtol=0.005,
        slips=[
            Slip("shift", 1, "one more than the mean number of updates: you counted the start X0, or gradient evaluations per start (1 + steps), as steps"),
            Slip("shift", 3.38, "that is the slowest start's count, which the table's columns reflect; the question asks for the average start"),
            Slip("shift", 4.38, "that is the table's gradient column, set by the slowest start (1 + its steps); the question asks for the average of n_iter_"),
        ],
    ),
    Question(
        name="newton_deep_share_wells",
        asks="the fraction of Newton's starts on the bake-off's wells that end in the deepest well",
        kind="number",
        points=2,
        key=_newton_deep_share_wells,
        rtol=0.005,
        slips=[Slip("scale", 100.0, "that looks like a percentage: give the fraction, a number between 0 and 1")],
    ),
    Question(
        name="fd_hessian_grads",
        asks="the gradient evaluations one central-difference Hessian costs in 20 dimensions",
        kind="integer",
        points=2,
        key=_fd_hessian_grads,
        slips=[
            Slip("shift", -20, "one gradient per column is what forward differences from a known g(x) need; central differences take each column from two gradients, one on either side"),
            Slip("shift", 1, "one too many: central differences never use the gradient at x itself"),
            Slip("shift", -19, "that is the count for forward differences with the gradient at x; the question asks for central differences"),
            Slip("shift", 360, "too many: one gradient evaluation gives a whole column of the Hessian (all d entries), not one entry"),
        ],
    ),
    Question(
        name="newton_undercount",
        asks="which cost of Newton's steps the bake-off's counts leave out",
        kind="choice",
        points=2,
        key=_newton_undercount,
        choices="abcd",
        choice_feedback={
            "a": "the loss evals column counts every trial of the line search: compare Newton's loss evals with the first-order methods'",
            "c": "those Hessians are in the count: the whole batch is evaluated until its slowest start stops, which inflates Newton's counts instead of hiding a cost",
            "d": "a reused gradient is not computed again, so nothing is spent that the count misses",
        },
    ),
    Question(
        name="tuned_on_test",
        asks="what tuning the rates on the scored starts does to the comparison",
        kind="choice",
        points=2,
        key=_tuned_on_test,
        choices="abcd",
        choice_feedback={
            "a": "deterministic means the same starts give the same result, not that new starts do: a rate can suit these starts by chance, and the best of a grid collects that chance",
            "c": "no column of the tables counts the tuning fits: that cost is left out of the comparison, not charged to the tuned methods",
            "d": "Newton, Gauss-Newton, BFGS, L-BFGS, IG and PG ran at fixed rates: only eight methods were tuned",
        },
    ),
]
