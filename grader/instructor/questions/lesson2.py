"""Lesson 2's questions and how their answers are computed from the reference code."""

from __future__ import annotations

import numpy as np

from grader.instructor.questions import Question, Slip

#: the questions' quadratic L(x) = 1/2 x^T A x - b^T x (not the lesson's stretched quadratic)
A = np.array([[5.0, 2.0], [2.0, 2.0]])
B = np.array([1.0, 0.0])


def _spectrum():
    """The Hessian's eigenvalues (mu, L), from the reference Quadratic's Hessian."""
    from solutions.landscapes import Quadratic

    H = Quadratic(A, B).hessian(np.zeros(2))
    lam = np.linalg.eigvalsh(np.asarray(H).reshape(2, 2))
    return float(lam[0]), float(lam[-1])


def _largest_stable_lr():
    mu, lip = _spectrum()
    return 2.0 / max(abs(mu), abs(lip))


def _gd_best_rate():
    """The spectral radius of I - eta A at eta = 2 / (mu + L), computed, not quoted."""
    mu, lip = _spectrum()
    eta = 2.0 / (mu + lip)
    return float(np.max(np.abs(1.0 - eta * np.array([mu, lip]))))


def _heavy_ball_rate():
    """The spectral radius of heavy ball's 2x2 companion matrices at its best parameters."""
    mu, lip = _spectrum()
    kappa = lip / mu
    beta = ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2
    eta = 4.0 / (np.sqrt(lip) + np.sqrt(mu)) ** 2
    radius = 0.0
    for lam in np.linspace(mu, lip, 11):
        companion = np.array([[1 + beta - eta * lam, -beta], [1.0, 0.0]])
        radius = max(radius, float(np.max(np.abs(np.linalg.eigvals(companion)))))
    return radius


def _gd_steps_1d():
    from solutions.first_order import GradientDescent
    from solutions.landscapes import Quadratic

    fit = GradientDescent(Quadratic(np.array([[4.0]]), np.array([0.0])), lr=0.45, max_iter=1000, tol=1e-6).fit(np.array([1.0]))
    assert bool(fit.converged_)
    return int(fit.n_iter_)


def _adam_first_step():
    """Adam with its defaults on a 3-D quadratic, from a start where one gradient entry is zero."""
    from solutions.first_order import Adam
    from solutions.landscapes import Quadratic

    x0 = np.array([1.0, 0.0, 3.0])
    fit = Adam(Quadratic(np.diag([1.0, 10.0, 100.0]), np.ones(3)), lr=0.05, max_iter=1, tol=0.0).fit(x0)
    return float(np.linalg.norm(fit.X_ - x0))


def _rmsprop_loss_times_100():
    """c: measured with the reference, GD's first step grows 100-fold and RMSprop's does not change."""
    from solutions.first_order import GradientDescent, RMSprop
    from solutions.landscapes import Quadratic

    x0 = np.array([3.0, -2.0])
    A2, b2 = np.diag([1.0, 10.0]), np.array([1.0, 1.0])
    ratio = {}
    for cls in (GradientDescent, RMSprop):
        one = cls(Quadratic(A2, b2), lr=0.01, max_iter=1, tol=0.0).fit(x0).X_ - x0
        hundred = cls(Quadratic(100 * A2, 100 * b2), lr=0.01, max_iter=1, tol=0.0).fit(x0).X_ - x0
        ratio[cls.__name__] = float(np.linalg.norm(hundred) / np.linalg.norm(one))
    gd, rms = ratio["GradientDescent"], ratio["RMSprop"]
    if abs(gd - 100) < 1e-6 and abs(rms - 1) < 1e-6:
        return "c"
    raise AssertionError(f"unexpected ratios {ratio}")


QUESTIONS = [
    # Slips are stored as plain factors in the answer key that students receive, so only factors
    # that reveal nothing about a key (0.5, 2, -1, one step more or less, constants of the default
    # betas) are declared; other wrong answers get the generic "out of range".
    Question(
        name="largest_stable_lr",
        asks="the largest learning rate for which gradient descent converges on the questions' quadratic",
        kind="number",
        points=2,
        key=_largest_stable_lr,
        rtol=0.005,
        slips=[
            Slip("scale", 0.5, "that is the safe step 1/Lip of the descent lemma; the question asks where the iteration stops converging, which is a factor of 2 further"),
            Slip("scale", 2.0, "a factor of 2 too large: the Hessian of 1/2 x^T A x is A itself, not A/2"),
            Slip("scale", -1.0, "check the sign: a learning rate is positive"),
        ],
    ),
    Question(
        name="gd_best_rate",
        asks="gradient descent's contraction factor per step at its best constant learning rate on the questions' quadratic",
        kind="number",
        points=2,
        key=_gd_best_rate,
        rtol=0.005,
        slips=[Slip("scale", -1.0, "check the sign: a contraction factor is the modulus of the error's multiplier per step, so it is positive")],
    ),
    Question(
        name="heavy_ball_rate",
        asks="heavy ball's contraction factor per step at its best parameters on the questions' quadratic",
        kind="number",
        points=2,
        key=_heavy_ball_rate,
        rtol=0.005,
        slips=[Slip("scale", -1.0, "check the sign: a contraction factor is the modulus of the companion matrix's eigenvalues, so it is positive")],
    ),
    Question(
        name="gd_steps_1d",
        asks="the number of gradient-descent steps to reach the tolerance on the 1-D quadratic",
        kind="integer",
        points=2,
        key=_gd_steps_1d,
        slips=[
            Slip("shift", 1, "one too many: you counted the start x0 as a step; count the updates"),
            Slip("shift", -1, "one too few: the run stops after the first update whose new point has a gradient norm below tol"),
        ],
    ),
    Question(
        name="adam_first_step",
        asks="the length of Adam's first step on the 3-D quadratic",
        kind="number",
        points=2,
        key=_adam_first_step,
        rtol=0.005,
        slips=[
            Slip("scale", float(0.1 / np.sqrt(0.001)), "too long by (1 - beta1) / sqrt(1 - beta2): the bias corrections are missing"),
            Slip("scale", float(1.0 / np.sqrt(0.001)), "too long by 1 / sqrt(1 - beta2): the second moment is not bias-corrected"),
            Slip("scale", 0.1, "too short by 1 - beta1: the first moment is not bias-corrected"),
        ],
    ),
    Question(
        name="rmsprop_loss_times_100",
        asks="how the first steps of gradient descent and RMSprop change when the loss is multiplied by 100",
        kind="choice",
        points=2,
        key=_rmsprop_loss_times_100,
        choices="abcd",
        choice_feedback={
            "a": "RMSprop divides the gradient by the root of its average of squared gradients, and that average grows too",
            "b": "the average of squared gradients grows by the square of the factor, so its root grows by the factor itself, not by its square root",
            "d": "gradient descent's step is lr times the gradient, and the gradient grows with the loss",
        },
    ),
]
