"""Lesson 7's questions and how their answers are computed from the reference code.

The questions' finite sum is 1-D: ``l_i(x) = (x - c_i)^2 / 2`` for the eight values ``C`` below,
so ``L(x) = (1/N) sum_i l_i(x)`` has its minimum at the mean of ``C`` and curvature 1, and the
gradient of example ``i`` is ``x - c_i``. It lives here (the course's finite sum is logistic):
``_Values`` gives it ``grad_batch`` so that the reference ``SGD`` and ``SVRG`` run on it.
"""

from __future__ import annotations

import itertools

import numpy as np

from grader.instructor.questions import Question, Slip

C = np.array([0.5, 1.5, -1.0, 2.0, 3.0, -0.5, 1.0, 2.5])
N = len(C)
SGD_LR = 0.2


class _Values:
    """The questions' finite sum ``(1/N) sum_i (x - c_i)^2 / 2`` as a course landscape (n_samples, grad_batch),
    counting the example gradients it computes."""

    d = 1

    def __init__(self, c=C):
        self.c, self.n_samples, self.example_grads = np.asarray(c, dtype=float), len(c), 0

    def __call__(self, X):
        X = np.atleast_2d(X)
        return 0.5 * np.mean((X - self.c) ** 2, axis=1)

    def grad(self, X):
        X = np.atleast_2d(X)
        self.example_grads += X.shape[0] * self.n_samples
        return X - np.mean(self.c)

    def grad_batch(self, X, idx):
        X = np.atleast_2d(X)
        self.example_grads += X.shape[0] * len(idx)
        return X - np.mean(self.c[np.asarray(idx)])


def _minibatch_variance(b: int) -> float:
    """The variance of the minibatch gradient over every minibatch of b distinct examples (exact enumeration)."""
    means = [np.mean(C[list(I)]) for I in itertools.combinations(range(N), b)]
    return float(np.var(means))


def _variance_ratio():
    return _minibatch_variance(4) / _minibatch_variance(1)


def _stationary_spread(b: int, steps: int = 20000, burn: int = 200) -> float:
    """E (x - x*)^2 of constant-step SGD on the questions' sum, measured over a long seeded run of the reference."""
    from solutions.stochastic import SGD

    fit = SGD(_Values(), lr=SGD_LR, batch_size=b, max_iter=steps, tol=0.0, random_state=0, store_history=True).fit(np.array([np.mean(C)]))
    return float(np.mean((fit.Xs_[burn:, 0] - np.mean(C)) ** 2))


def _noise_ball():
    """eta sigma^2 / (2 - eta) from the recursion's fixed point; the reference's long run must agree within 5%."""
    sigma2 = _minibatch_variance(1)
    predicted = SGD_LR * sigma2 / (2.0 - SGD_LR)
    measured = _stationary_spread(1)
    assert abs(measured / predicted - 1) < 0.05, (measured, predicted)
    return predicted


def _langevin_noise():
    """Langevin's x <- x - eta (x + sigma xi) on the bowl spreads like SGD(b=4) when sigma^2 is the minibatch variance."""
    sigma = float(np.sqrt(_minibatch_variance(4)))
    from solutions.first_order import Langevin
    from solutions.landscapes import Quadratic

    X0 = np.zeros((20000, 1))
    spread = float(np.var(Langevin(Quadratic(np.eye(1), np.zeros(1)), lr=SGD_LR, noise=sigma, max_iter=100, tol=0.0, random_state=1).fit(X0).X_))
    sgd = _stationary_spread(4)
    assert abs(spread / sgd - 1) < 0.05, (spread, sgd)
    return sigma


def _robbins_monro():
    """(a): the partial sums of the reference's step sizes: sum eta grows without bound (like log t) for 'inverse' while
    sum eta^2 settles; for 'inverse_sqrt' sum eta^2 also grows; 'constant' fails the second; lr / (1 + t / t0)^2 the first."""
    from solutions.stochastic import SGD

    def sums(schedule=None, power=1, T=10**6):
        t = np.arange(T)
        if schedule is None:
            eta = 1.0 / (1 + t / 10.0) ** 2
        else:
            opt = SGD(_Values(), lr=1.0, schedule=schedule, t0=10.0)
            eta = np.array([opt.step_size(int(s)) for s in t[:: T // 1000]])  # the reference's rule, sampled ...
            eta = np.interp(t, t[:: T // 1000], eta)  # ... and filled in (the rules are smooth)
        return np.cumsum(eta), np.cumsum(eta**2)

    def verdict(s1, s2):
        grows = lambda s: s[-1] - s[len(s) // 10] > 1.0  # noqa: E731  (still adding a lot after t = T / 10)
        return grows(s1) and not grows(s2)

    ok = {"a": verdict(*sums("inverse")), "b": verdict(*sums("inverse_sqrt")), "c": verdict(*sums("constant")), "d": verdict(*sums(None))}
    if ok == {"a": True, "b": False, "c": False, "d": False}:
        return "a"
    raise AssertionError(ok)


def _svrg_gradients():
    """Example gradients per snapshot period of SVRG(N=200, batch_size=5, inner_steps=30), counted on the reference, without fit's stopping test."""
    from solutions.stochastic import SVRG

    values = _Values(np.linspace(-1.0, 1.0, 200))
    opt = SVRG(values, lr=0.1, batch_size=5, inner_steps=30, max_iter=0, tol=0.0, random_state=0)
    opt.fit(np.array([0.3]))  # sets rng_ and the state
    opt.init_state(np.array([[0.3]]))
    values.example_grads = 0
    X = np.array([[0.3]])
    for _ in range(30):
        X = opt.update(X)
    return values.example_grads


#: AdamW's question: the quadratic 1/2 x^T A x - b^T x, the start, lr and weight_decay (eps = 0)
ADAMW_A, ADAMW_B, ADAMW_X0, ADAMW_LR, ADAMW_WD = np.diag([1.0, 4.0]), np.array([3.0, 0.0]), np.array([2.0, -1.0]), 0.1, 0.6


def _adamw_first_coordinate():
    from solutions.landscapes import Quadratic
    from solutions.stochastic import AdamW

    fit = AdamW(Quadratic(ADAMW_A, ADAMW_B), lr=ADAMW_LR, weight_decay=ADAMW_WD, eps=0.0, max_iter=1, tol=0.0).fit(ADAMW_X0)
    return float(fit.X_[0])


def _adamw_slip(kind: str) -> float:
    """The first coordinate after one step of a slipped AdamW, over the right one (a slip's factor)."""
    x, g = ADAMW_X0, ADAMW_A @ ADAMW_X0 - ADAMW_B
    step = {
        "l2": -ADAMW_LR * np.sign(g + ADAMW_WD * x),
        "none": -ADAMW_LR * np.sign(g),
        "no_lr": -ADAMW_LR * np.sign(g) - ADAMW_WD * x,
        "lr_twice": -ADAMW_LR * (np.sign(g) + ADAMW_LR * ADAMW_WD * x),
    }[kind]
    return float((x + step)[0] / _adamw_first_coordinate())


QUESTIONS = [
    Question(
        name="variance_ratio",
        asks="the variance of the minibatch gradient with b = 4 (without replacement) over that with b = 1, on the questions' data",
        kind="number",
        points=2,
        key=_variance_ratio,
        rtol=0.005,
        slips=[
            Slip("scale", 7.0 / 4.0, "that is the ratio with replacement, 1/b: without replacement the examples of a minibatch are distinct, and the finite-population factor (N - b) / (N - 1) shrinks it"),
            Slip("scale", 4.0, "the finite-population factor alone: the variance of a mean of b examples also falls as 1/b"),
        ],
    ),
    Question(
        name="noise_ball",
        asks="the long-run mean of (x_t - x*)^2 for SGD with batch_size 1 and lr 0.2 on the questions' finite sum",
        kind="number",
        points=2,
        key=_noise_ball,
        rtol=0.01,
        slips=[
            Slip("scale", (2.0 - SGD_LR) / 2.0, "that is the small-step limit eta sigma^2 / 2: keep the exact factor of the recursion, 1 - (1 - eta)^2 = eta (2 - eta)"),
            Slip("scale", 2.0 - SGD_LR, "that is eta sigma^2, the variance added by one step alone: the contraction (1 - eta)^2 of the old variance keeps only part of it at each step, find the fixed point"),
            Slip("scale", SGD_LR, "one factor of eta too many: the noise enters the step as eta times the gradient's noise, so its variance is eta^2 sigma^2 per step"),
        ],
    ),
    Question(
        name="langevin_noise",
        asks="the Langevin noise sigma that gives the same long-run spread on the bowl as SGD with batch_size 4 on the questions' data, at the same lr",
        kind="number",
        points=2,
        key=_langevin_noise,
        rtol=0.01,
        slips=[
            Slip("scale", float(np.sqrt(7.0 / 4.0)), "that is the noise with replacement: without it, the minibatch variance has the factor (N - b) / (N - 1)"),
            Slip("scale", float(np.sqrt(4.0)), "that matches SGD with batch_size 1: the minibatch of 4 averages the noise down"),
        ],
    ),
    Question(
        name="robbins_monro",
        asks="which step-size schedule satisfies both Robbins-Monro conditions",
        kind="choice",
        points=2,
        key=_robbins_monro,
        choices="abcd",
        choice_feedback={
            "b": "sum the squares: (1 + t / t0)^(-1) summed over t grows like log t, without bound",
            "c": "a constant step has sum eta^2 = infinity: the noise it injects never dies out (the noise ball)",
            "d": "sum the steps themselves: (1 + t / t0)^(-2) has a finite sum, so the iterates can only travel a bounded distance",
        },
    ),
    Question(
        name="svrg_gradients",
        asks="the example gradients SVRG computes per snapshot period with N = 200, batch_size 5 and inner_steps 30",
        kind="integer",
        points=2,
        key=_svrg_gradients,
        slips=[
            Slip("shift", -200, "you left out the snapshot's full gradient, N example gradients once per period"),
            Slip("shift", -150, "each step computes two minibatch gradients, at x and at the snapshot, on the same minibatch"),
            Slip("shift", 30 * 200, "the snapshot's full gradient is computed once per period, not at every step"),
        ],
    ),
    Question(
        name="adamw_first_coordinate",
        asks="the first coordinate of AdamW's first iterate x_1 on the 2-D quadratic",
        kind="number",
        points=2,
        key=_adamw_first_coordinate,
        rtol=0.002,
        slips=[
            Slip("scale", _adamw_slip("l2"), "that is Adam with the decay put into the gradient (an L2 term): AdamW adds the decay outside the adaptive step"),
            Slip("scale", _adamw_slip("none"), "that is Adam's first step alone: the decay is missing"),
            Slip("scale", _adamw_slip("no_lr"), "the decay moves x by lr * weight_decay * x: the factor lr is missing"),
            Slip("scale", _adamw_slip("lr_twice"), "the decay moves x by lr * weight_decay * x: lr enters once, not twice"),
        ],
    ),
]
