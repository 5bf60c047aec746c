"""Lesson 3's questions and how their answers are computed from the reference code."""

from __future__ import annotations

import numpy as np

from grader.instructor.questions import Question, Slip

#: Q1: a positive definite quadratic, damped Newton from a fixed start
Q1_A, Q1_B, Q1_X0 = np.array([[4.0, 1.0], [1.0, 3.0]]), np.array([1.0, 2.0]), np.array([3.0, -1.0])
#: Q2: an indefinite Hessian (eigenvalues of both signs, the negative one the larger in size)
Q2_H, Q2_DAMPING = np.array([[1.0, 2.0], [2.0, -2.0]]), 0.1
#: Q4: the saddle L = x0^2 - x1^2 - 2 x0, whose stationary point is (1, 0)
Q4_A, Q4_B, Q4_X0 = np.diag([2.0, -2.0]), np.array([2.0, 0.0]), np.array([3.0, 0.5])
#: Q5: a rotated quadratic whose diagonal entries are equal but whose eigenvalues are not
Q5_A, Q5_X0 = np.array([[3.0, 1.0], [1.0, 3.0]]), np.array([1.0, 0.0])


def _newton_damped_steps():
    from solutions.landscapes import Quadratic
    from solutions.second_order import Newton

    fit = Newton(Quadratic(Q1_A, Q1_B), lr=0.5, max_iter=1000, tol=1e-6).fit(Q1_X0)
    assert bool(fit.converged_)
    return int(fit.n_iter_)


def _regularization_mu():
    """The mu of the rule, read off the reference direction: H + mu I must map p back to -g."""
    from solutions.second_order import Newton

    g = np.array([[1.0, 0.0], [0.0, 1.0]])
    H = np.broadcast_to(Q2_H, (2, 2, 2))
    p = Newton.direction(g, H, Q2_DAMPING)  # columns of -(H + mu I)^{-1}
    shifted = -np.linalg.inv(p.T)  # H + mu I
    mu = float(np.mean(np.diag(shifted - Q2_H)))
    lam = np.linalg.eigvalsh(Q2_H)
    assert abs(mu - (Q2_DAMPING * np.max(np.abs(lam)) - lam[0])) < 1e-9
    return mu


def _armijo_halvings():
    from solutions.second_order import backtracking

    X, grad = np.array([[2.0]]), 4.0 * 2.0**3
    P = np.array([[-grad]])
    t = backtracking(lambda Z: Z[:, 0] ** 4, X, P, np.array([2.0**4]), np.array([-grad * grad]), t0=1.0, c1=1e-4, shrink=0.5)
    k = -np.log2(float(t[0]))
    assert t[0] > 0 and abs(k - round(k)) < 1e-12
    return int(round(k))


def _pure_newton_saddle():
    from solutions.landscapes import Quadratic

    L = Quadratic(Q4_A, Q4_B)
    X = Q4_X0[None]
    new = X - np.linalg.solve(L.hessian(X), L.grad(X)[..., None])[..., 0]
    if np.allclose(new, [[1.0, 0.0]], atol=1e-12) and np.allclose(L.grad(new), 0.0, atol=1e-12):
        return "a"
    raise AssertionError(f"unexpected pure Newton step to {new}")


def _csgd_step_length():
    from solutions.landscapes import Quadratic
    from solutions.second_order import ConditionScaledGD

    fit = ConditionScaledGD(Quadratic(Q5_A, np.zeros(2)), lr=0.5, max_iter=1, tol=0.0).fit(Q5_X0)
    return float(np.linalg.norm(fit.X_ - Q5_X0))


def _gauss_newton_steps():
    from solutions.landscapes import SquarePhysics
    from solutions.second_order import GaussNewton

    fit = GaussNewton(SquarePhysics(), lr=1.0, max_iter=1000, tol=1e-6).fit(np.array([3.0, 3.0]))
    assert bool(fit.converged_)
    assert _newton_steps_on_square() - int(fit.n_iter_) == NEWTON_MORE_STEPS, "update the Newton slip of gauss_newton_steps"
    return int(fit.n_iter_)


#: how many more steps full Newton needs than Gauss-Newton on Q6's problem (checked by the key)
NEWTON_MORE_STEPS = 7


def _newton_steps_on_square():
    """Newton's count on the same problem (the slip of Q6 that uses the true Hessian)."""
    from solutions.landscapes import SquarePhysics
    from solutions.second_order import Newton

    return int(Newton(SquarePhysics(), lr=1.0, max_iter=1000, tol=1e-6).fit(np.array([3.0, 3.0])).n_iter_)


QUESTIONS = [
    # Slips are stored as plain factors or shifts in the answer key that students receive, so
    # only ones that reveal nothing about a key (-1, 2, 4, one step more or less, the gap between
    # two methods' counts) are declared; other wrong answers get the generic "out of range".
    Question(
        name="newton_damped_steps",
        asks="the number of damped Newton steps (lr 0.5) on the questions' quadratic",
        kind="integer",
        points=2,
        key=_newton_damped_steps,
        slips=[
            Slip("shift", 1, "one too many: you counted the start x0 as a step, or the update after the one that reached tol; count the updates"),
            Slip("shift", -1, "one too few: the run stops after the first update whose new point has a gradient norm strictly below tol"),
        ],
    ),
    Question(
        name="regularization_mu",
        asks="the shift mu that the regularization rule picks for the questions' indefinite 2x2 Hessian",
        kind="number",
        points=2,
        key=_regularization_mu,
        rtol=0.005,
        slips=[Slip("scale", -1.0, "check the sign: mu lifts the spectrum, so it is positive, and it subtracts the (negative) smallest eigenvalue")],
    ),
    Question(
        name="armijo_halvings",
        asks="the number of halvings Armijo backtracking makes on the questions' one-dimensional quartic",
        kind="integer",
        points=2,
        key=_armijo_halvings,
        slips=[
            Slip("shift", -1, "one too few: at that trial the loss does not drop at all, and the sufficient decrease asks for a drop of at least c1 t |slope|"),
            Slip("shift", 1, "one too many: count the halvings, not the trials (the first trial t0 is not a halving), and stop at the first trial that passes"),
        ],
    ),
    Question(
        name="pure_newton_saddle",
        asks="what one full step of unregularized Newton does on the questions' saddle",
        kind="choice",
        points=2,
        key=_pure_newton_saddle,
        choices="abcd",
        choice_feedback={
            "b": "that is what a descent method would do; write the Newton step in the eigenbasis and look at the sign of the x1 component when the curvature is negative",
            "c": "each component is divided by its own curvature, a negative one included: nothing in the formula skips a direction",
            "d": "an indefinite matrix is not a singular one; this H is invertible, so the Newton system has exactly one solution",
        },
    ),
    Question(
        name="csgd_step_length",
        asks="the length of ConditionScaledGD's first step on the questions' rotated quadratic",
        kind="number",
        points=2,
        key=_csgd_step_length,
        rtol=0.005,
        slips=[
            Slip("scale", 2.0, "twice too long: kappa is the ratio of the eigenvalues of H, not of its diagonal entries"),
            Slip("scale", 4.0, "too long by kappa squared: you multiplied by kappa, as the course notebook's code does, instead of dividing"),
            Slip("scale", -1.0, "check the sign: a length is positive"),
        ],
    ),
    Question(
        name="gauss_newton_steps",
        asks="the number of full Gauss-Newton steps on the toy physics from (3, 3)",
        kind="integer",
        points=2,
        key=_gauss_newton_steps,
        slips=[
            Slip("shift", 1, "one too many: you counted the start x0 as a step, or the update after the one that reached tol; count the updates"),
            Slip("shift", -1, "one too few: the stopping test is on the gradient of L = x0^2 + x1^4, strictly below tol, checked after each update"),
            Slip("shift", NEWTON_MORE_STEPS, "that is Newton's count: with the full Hessian the step shrinks x1 by a different factor; Gauss-Newton keeps only the first-derivative part"),
        ],
    ),
]
