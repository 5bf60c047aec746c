"""Lesson 1's questions and how their answers are computed from the reference code."""

from __future__ import annotations

import numpy as np

from grader.instructor.questions import Question, Slip


def _gradcheck_evaluations():
    """Count the rows check_gradient passes to f for n = 50 points in d = 3."""
    from grader.gradcheck import check_gradient
    from solutions.landscapes import GaussianWells

    wells = GaussianWells(d=3, n_wells=4, random_state=0)
    rows = [0]

    def f(X):
        rows[0] += len(X)
        return wells(X)

    check_gradient(f, wells.grad, np.random.default_rng(0).uniform(-3, 3, size=(50, 3)))
    return rows[0]


STEPS = {"a": 1e-3, "b": 1e-5, "c": 1e-8, "d": 1e-11}


def _best_step():
    """The choice whose central difference of exp at t = 1 is closest to e, in float64."""
    errors = {k: abs((np.exp(1.0 + h) - np.exp(1.0 - h)) / (2.0 * h) - np.e) for k, h in STEPS.items()}
    return min(errors, key=errors.get)


def _rosenbrock_condition():
    from solutions.landscapes import Rosenbrock

    lam = np.linalg.eigvalsh(Rosenbrock(d=2).hessian(np.array([1.0, 1.0])))
    return float(lam[-1] / lam[0])


def _wells_min_eigenvalue():
    from solutions.landscapes import GaussianWells

    H = GaussianWells(d=2, n_wells=8, random_state=0).hessian(np.array([2.0, 0.0]))
    return float(np.linalg.eigvalsh(H)[0])


def _lse_hessian_entry():
    """f = log sum_k exp(a_k . x) with a = (1, 0), (0, 1), (1, 1): Hessian A^T (diag p - p p^T) A."""
    A = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    z = A @ np.array([1.0, -1.0])
    p = np.exp(z - z.max())
    p /= p.sum()
    H = A.T @ (np.diag(p) - np.outer(p, p)) @ A
    return float(H[0, 1])


def _square_angle():
    from solutions.landscapes import SquarePhysics

    x = np.array([3.0, 3.0])
    down, straight = -SquarePhysics().grad(x), -x
    cos = down @ straight / (np.linalg.norm(down) * np.linalg.norm(straight))
    return float(np.degrees(np.arccos(cos)))


# The slips' factors were computed once from the wrong answers they name (wrong / key); the key file
# stores each slip as the digest of its own answer, never the factor.
QUESTIONS = [
    Question(
        name="gradcheck_evaluations",
        asks="how many points check_gradient evaluates f at for 50 points in d = 3",
        kind="integer",
        points=1,
        key=_gradcheck_evaluations,
        slips=[
            Slip("scale", 0.5, "half the count: besides D(h), the check computes a second central difference to estimate its noise"),
            Slip("shift", 50, "central differences never evaluate f at the points themselves: do not count them"),
            Slip("scale", 0.02, "that is the count for one point; the question asks for the whole batch of 50"),
            Slip("scale", 0.25, "one evaluation per coordinate and point is a one-sided difference with one step; "
                 "central differences need two per coordinate, and the check uses two steps"),
        ],
    ),
    Question(
        name="best_step",
        asks="the best central-difference step for exp at t = 1 in float64",
        kind="choice",
        points=1,
        key=_best_step,
        choices="abcd",
        choice_feedback={
            "a": "at this step the truncation error (order h^2) still dominates: a smaller step balances it against rounding",
            "c": "about sqrt(eps) balances the errors of a one-sided difference, whose truncation error is order h; "
                 "a central difference's is order h^2, so its best step is different",
            "d": "rounding dominates here: eps |g| / h is large when h is tiny",
        },
    ),
    Question(
        name="rosenbrock_condition",
        asks="the condition number of Rosenbrock(2)'s Hessian at (1, 1)",
        kind="number",
        points=2,
        key=_rosenbrock_condition,
        slips=[
            Slip("scale", 0.3993608, "that is the largest eigenvalue alone; the condition number is the ratio of the largest to the smallest"),
            Slip("scale", 4.01 / 2508.0096, "that is the ratio of the diagonal entries; the condition number comes from the eigenvalues"),
            Slip("scale", 501.0 / 2508.0096, "your last diagonal entry has a contribution it should not have: the last coordinate is only a tail"),
            Slip("scale", 22.403174 / 2508.0096, "your first diagonal entry misses a contribution: differentiate the head's term twice with the product rule"),
        ],
    ),
    Question(
        name="wells_min_eigenvalue",
        asks="the smallest eigenvalue of GaussianWells(d=2, n_wells=8, random_state=0)'s Hessian at (2, 0)",
        kind="number",
        points=2,
        key=_wells_min_eigenvalue,
        slips=[
            Slip("scale", -7.914158, "positive: that is the notebook's Hessian (a bowl); the true Hessian differs there, check yours with check_hessian"),
            Slip("scale", -15.828314, "positive: your Hessian still misses a factor of 2, so it says the landscape is a bowl there; check it with check_hessian"),
            Slip("scale", 0.5, "half the right value: one factor of 2 is still missing in your Hessian"),
            Slip("scale", -1.0, "check the sign: the wells are minus exponentials"),
            Slip("scale", -30.597137, "that is the largest eigenvalue; the question asks for the smallest"),
        ],
    ),
    Question(
        name="lse_hessian_entry",
        asks="an off-diagonal Hessian entry of a log-sum-exp at (1, -1)",
        kind="number",
        points=2,
        key=_lse_hessian_entry,
        slips=[
            Slip("scale", -4.086162, "you kept only the Hessian of the sum divided by the sum: the logarithm's own curvature "
                 "(the second part of the second-order chain rule) is missing"),
            Slip("scale", 5.086162, "you kept only the part from the logarithm's curvature: the Hessian of the sum is missing"),
            Slip("scale", -1.0, "check the sign"),
            Slip("scale", -1.367880, "that is the diagonal entry d^2f/dx0^2; the question asks for the mixed one"),
        ],
    ),
    Question(
        name="square_angle",
        asks="the angle between -grad L of SquarePhysics at (3, 3) and the direction to the minimum",
        kind="number",
        points=1,
        key=_square_angle,
        slips=[
            Slip("scale", np.pi / 180.0, "that is in radians; the question asks for degrees"),
            Slip("scale", 0.635221, "that is the angle of the gradient in y space; the question asks for the gradient in x"),
            Slip("scale", 0.924430, "your gradient's second component is too small: check the Jacobian entry dy1/dx1"),
            Slip("scale", 0.076036, "that is the angle to the x1 axis; the question asks for the angle to the direction toward the origin"),
        ],
    ),
]
