"""Lesson 4's questions and how their answers are computed from the reference code."""

from __future__ import annotations

import numpy as np

from grader.instructor.questions import Question, Slip

#: Q1's pairs (s, y), in the order of the README's choices a-d
Q1_PAIRS = {
    "a": ((1.0, 2.0), (3.0, -1.0)),
    "b": ((-1.0, 0.5), (-2.0, -3.0)),
    "c": ((2.0, 1.0), (1.0, -3.0)),
    "d": ((1.0, 1.0), (0.5, 0.5)),
}
Q3_A = np.array([[4.0, 1.0], [1.0, 2.0]])


def _skipped_pair():
    from solutions.quasi_newton import BFGS, curvature_ok

    s = np.array([pair[0] for pair in Q1_PAIRS.values()])
    y = np.array([pair[1] for pair in Q1_PAIRS.values()])
    skipped = ~curvature_ok(s, y)
    H = np.broadcast_to(np.eye(2), (4, 2, 2)).copy()
    unchanged = np.all(BFGS.inverse_update(H, s, y) == H, axis=(1, 2))
    assert skipped.sum() == 1 and np.array_equal(skipped, unchanged)
    return "abcd"[int(np.flatnonzero(skipped)[0])]


def _bfgs_steps_quadratic():
    from solutions.landscapes import Quadratic
    from solutions.quasi_newton import BFGS

    loss = Quadratic(np.diag([1.0, 1.0, 2.0, 2.0, 5.0, 5.0]), np.zeros(6))
    fit = BFGS(loss, c2=1e-3, tol=1e-8).fit(np.ones(6))
    assert fit.converged_
    return int(fit.n_iter_)


def _gamma_max():
    from solutions.landscapes import Quadratic

    hessian = Quadratic(Q3_A, np.array([1.0, 1.0])).hessian(np.zeros(2)).reshape(2, 2)
    return 1.0 / np.linalg.eigvalsh(hessian)[0]


def _lbfgs_floats():
    """Count the stored vectors of a small run with a full memory, and scale to d = 10**6."""
    from solutions.landscapes import Rosenbrock
    from solutions.quasi_newton import LBFGS

    d, memory = 20, 10
    fit = LBFGS(Rosenbrock(d), memory=memory, max_iter=3 * memory, tol=0.0).fit(np.zeros(d))
    S, Y, _ = fit.pairs_
    per_row = S[:, 0].size + Y[:, 0].size
    assert len(S) == memory
    return per_row // d * 10**6


def _secant_1d():
    from solutions.quasi_newton import BFGS, Broyden

    x, x_new = np.full((1, 1), 1.0), np.full((1, 1), 0.5)
    s, y = x_new - x, 4 * x_new**3 - 4 * x**3
    H = 3.0 * np.ones((1, 1, 1))  # any old H: in 1-D the secant equation alone decides
    broyden, bfgs = Broyden.inverse_update(H, s, y), BFGS.inverse_update(H, s, y)
    assert np.isclose(broyden[0, 0, 0], bfgs[0, 0, 0])
    return float(bfgs[0, 0, 0])


QUESTIONS = [
    Question(
        name="skipped_pair",
        asks="which pair (s, y) BFGS skips",
        kind="choice",
        points=1,
        key=_skipped_pair,
        choices="abcd",
        choice_feedback={
            "a": "a step on which the loss rose says nothing about the curvature the pair measures; BFGS uses a pair when one number built from s and y is positive (curvature_ok)",
            "b": "the signs of the entries of y do not matter on their own; what decides is one number built from s and y together (curvature_ok)",
            "c": "look at the one number built from s and y that curvature_ok tests",
            "d": "a pair that the current H does not map correctly (H y != s) is exactly what the update is for; it is skipped only when it carries no positive curvature",
        },
    ),
    Question(
        name="bfgs_steps_quadratic",
        asks="the number of steps of BFGS with a nearly exact line search on the question's quadratic",
        kind="integer",
        points=2,
        key=_bfgs_steps_quadratic,
        slips=[
            Slip("shift", 1, "one too many: the start X0 is not a step (n_iter_ counts updates)"),
            Slip("scale", 2, "that is one step per dimension, the bound for a quadratic with distinct eigenvalues; look at A's eigenvalues and run your BFGS with the question's settings"),
            Slip("scale", 4, "that is Broyden's bound of 2d steps; BFGS with a nearly exact line search does better: run it"),
        ],
    ),
    Question(
        name="gamma_max",
        asks="the largest gamma = s.y / y.y on the lesson's quadratic",
        kind="number",
        points=2,
        key=_gamma_max,
        rtol=0.01,
        slips=[
            Slip("scale", float(np.linalg.eigvalsh(Q3_A)[0] / np.linalg.eigvalsh(Q3_A)[1]), "that is the smallest value gamma can take, not the largest: which eigenvalue of A makes the Rayleigh quotient of A^-1 largest?"),
            Slip("scale", float(np.linalg.det(Q3_A)), "that is a curvature s.y / s.s (units of loss per x^2), not gamma, an inverse curvature"),
            Slip("scale", 0.5, "half: the Hessian of 1/2 x^T A x - b^T x is A itself, not 2 A"),
        ],
    ),
    Question(
        name="lbfgs_floats",
        asks="the floats in the stored vectors of one row of L-BFGS",
        kind="integer",
        points=1,
        key=_lbfgs_floats,
        slips=[
            Slip("scale", 0.5, "half: each stored pair holds two vectors of length d"),
            Slip("scale", 2, "twice too many: you counted the reference's buffer slots (2 * memory), not the pairs the method keeps"),
        ],
    ),
    Question(
        name="secant_1d",
        asks="the one-dimensional secant update on the quartic",
        kind="number",
        points=1,
        key=_secant_1d,
        rtol=0.01,
        slips=[
            Slip("scale", -1.0, "the sign is wrong: s = x_new - x and y = g_new - g must be taken in the same order"),
            Slip("scale", 4.0, "four times too large: check the derivative of x^4"),
        ],
    ),
]
