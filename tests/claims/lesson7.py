"""The figures quoted in lessons/07_stochastic/README.md, recomputed from the reference code."""

from __future__ import annotations

import functools

import numpy as np

from tests.claims import claim

X0 = np.array([-2.0, 2.0])  # the lesson's start on its data set


@functools.cache
def _data():
    """The lesson's data set, its minimum and the minimum's loss."""
    from solutions.landscapes import LogisticRegression
    from solutions.second_order import Newton

    L = LogisticRegression.synthetic()
    x_star = Newton(L, lr=1.0, max_iter=50, tol=1e-13).fit(np.zeros(2)).X_
    return L, x_star, float(L(x_star))


def _per_example(x):
    L, _, _ = _data()
    return np.stack([L.grad_batch(x, [i]) for i in range(L.n_samples)])  # (N, d)


def _sigma2(x):
    """The trace of the per-example gradients' covariance at x (population variance)."""
    return float(np.sum(np.var(_per_example(x), axis=0)))


# --------------------------------------------------------------------------- the data set
@claim("l7_x_star")
def _():
    return "({:.3f}, {:.3f})".format(*_data()[1])


@claim("l7_loss_star")
def _():
    return f"{_data()[2]:.4f}"


@claim("l7_curvatures")
def _():
    L, x_star, _ = _data()
    lam = np.linalg.eigvalsh(L.hessian(x_star))
    return f"{lam[0]:.4f} and {lam[1]:.4f}"


# --------------------------------------------------------------------------- variance
@claim("l7_sigma2_origin")
def _():
    return f"{_sigma2(np.zeros(2)):.4f}"


@functools.cache
def _sampled_variance(b: int, replace: bool, draws: int = 4000) -> float:
    L, _, _ = _data()
    rng = np.random.default_rng(1)
    N = L.n_samples
    G = np.array([L.grad_batch(np.zeros(2), rng.integers(0, N, b) if replace else rng.choice(N, b, replace=False)) for _ in range(draws)])
    return float(np.sum(np.var(G, axis=0)))


@claim("l7_variance_table")
def _():
    L = _data()[0]
    N, s2 = L.n_samples, _sigma2(np.zeros(2))
    rows = ["| `batch_size` | with replacement: measured | $\\sigma^2/b$ | without: measured | $\\frac{\\sigma^2}{b}\\frac{N-b}{N-1}$ |", "|---|---|---|---|---|"]
    for b in (1, 10, 50, 100):
        rows.append(f"| `{b}` | {_sampled_variance(b, True):.4f} | {s2 / b:.4f} | {_sampled_variance(b, False):.4f} | {s2 / b * (N - b) / (N - 1):.4f} |")
    return "\n".join(rows)


# --------------------------------------------------------------------------- SGD runs
@functools.cache
def _sgd_excess(steps=4000, last=2000, seed=0, **kwargs):
    from solutions.stochastic import SGD

    L, _, L_star = _data()
    fit = SGD(L, max_iter=steps, tol=0.0, store_history=True, random_state=seed, **kwargs).fit(X0)
    excess = L(fit.Xs_) - L_star
    return float(np.mean(excess[-last:])), float(excess[-1])


def _g(value):
    return f"{value:.2g}" if value < 0.01 else f"{value:.3f}"


@claim("l7_floor_table")
def _():
    rows = ["| `lr` | `batch_size` | mean excess loss, steps 2001 to 4000 |", "|---|---|---|"]
    for lr, b in ((1.0, 1), (0.5, 1), (0.25, 1), (1.0, 10)):
        rows.append(f"| `{lr}` | `{b}` | {_g(_sgd_excess(lr=lr, batch_size=b)[0])} |")
    return "\n".join(rows)


@claim("l7_floor_predicted")
def _():
    """eta tr(Sigma(x*)) / (4 b) for lr 1, b 1: the small-step prediction of the excess loss in the ball."""
    _, x_star, _ = _data()
    return _g(1.0 * _sigma2(x_star) / 4.0)


@claim("l7_inverse_excess")
def _():
    return _g(_sgd_excess(lr=2.0, schedule="inverse", t0=50.0)[1])


@claim("l7_average_excess")
def _():
    return _g(_sgd_excess(lr=1.0, average=1000)[1])


@claim("l7_constant_last")
def _():
    return _g(_sgd_excess(lr=1.0)[1])


@claim("l7_sqrt_average_excess")
def _():
    return _g(_sgd_excess(lr=2.0, schedule="inverse_sqrt", t0=50.0, average=1000)[1])


# --------------------------------------------------------------------------- SVRG
@functools.cache
def _svrg_steps(**kwargs):
    from solutions.stochastic import SVRG

    L, _, _ = _data()
    fit = SVRG(L, max_iter=5000, tol=1e-10, random_state=0, **kwargs).fit(X0)
    assert bool(fit.converged_)
    return int(fit.n_iter_)


@claim("l7_svrg_steps")
def _():
    return f"{_svrg_steps(lr=1.0, batch_size=5, inner_steps=40)}"


@claim("l7_svrg_cost")
def _():
    """Example gradients to |grad L| < 1e-10: N per snapshot (every 40 steps, from t = 0) and 2 b per step."""
    steps, N, b, m = _svrg_steps(lr=1.0, batch_size=5, inner_steps=40), 200, 5, 40
    return f"{N * (-(-steps // m)) + 2 * b * steps:,}"


@claim("l7_gd_cost")
def _():
    """Gradient descent at lr 1 to |grad L| < 1e-10, in example gradients (N per step)."""
    from solutions.first_order import GradientDescent

    L, _, _ = _data()
    fit = GradientDescent(L, lr=1.0, max_iter=100_000, tol=1e-10).fit(X0)
    assert bool(fit.converged_)
    return f"{200 * int(fit.n_iter_):,}"


@claim("l7_svrg_factor")
def _():
    """The excess loss's factor per snapshot period (40 steps), fitted over the first 8 periods."""
    from solutions.stochastic import SVRG

    L, _, L_star = _data()
    fit = SVRG(L, lr=1.0, batch_size=5, inner_steps=40, max_iter=320, tol=0.0, random_state=0, store_history=True).fit(X0)
    gaps = L(fit.Xs_[::40]) - L_star
    return f"{np.exp(np.polyfit(np.arange(len(gaps)), np.log(gaps), 1)[0]):.2f}"


# --------------------------------------------------------------------------- AdamW
WD = 0.1


@functools.cache
def _adamw_ends():
    """AdamW's end point and Adam's with the same decay as an L2 term, after 3000 full-gradient steps at lr 0.05."""
    from solutions.first_order import Adam
    from solutions.landscapes import LogisticRegression
    from solutions.second_order import Newton
    from solutions.stochastic import AdamW

    L, _, _ = _data()
    L2 = LogisticRegression(L.X_data, L.y_data, L.l2 + WD)
    w = AdamW(L, lr=0.05, weight_decay=WD, max_iter=3000, tol=0.0).fit(X0).X_
    a = Adam(L2, lr=0.05, max_iter=3000, tol=0.0).fit(X0).X_
    reg = Newton(L2, lr=1.0, max_iter=50, tol=1e-13).fit(np.zeros(2)).X_
    return w, a, reg


@claim("l7_adamw_end")
def _():
    return "({:.3f}, {:.3f})".format(*_adamw_ends()[0])


@claim("l7_adam_l2_end")
def _():
    return "({:.3f}, {:.3f})".format(*_adamw_ends()[1])


@claim("l7_l2_minimum")
def _():
    return "({:.3f}, {:.3f})".format(*_adamw_ends()[2])


@claim("l7_adamw_ratio")
def _():
    """AdamW's end point divided by the unregularized minimum, per coordinate: the decay shrinks coordinates unequally."""
    w = _adamw_ends()[0]
    x_star = _data()[1]
    return "{:.2f} and {:.2f}".format(*(w / x_star))


@claim("l7_l2_ratio")
def _():
    a = _adamw_ends()[1]
    x_star = _data()[1]
    return "{:.2f} and {:.2f}".format(*(a / x_star))


# --------------------------------------------------------------------------- Langevin
@claim("l7_temperature")
def _():
    """eta sigma^2(x*) / 2 for lr 1, b 1: the temperature of Langevin dynamics with the same noise per step."""
    return _g(1.0 * _sigma2(_data()[1]) / 2.0)


@claim("l7_sigma2_star")
def _():
    return f"{_sigma2(_data()[1]):.4f}"
