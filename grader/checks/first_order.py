"""Checks for lesson 2's first optimizers: GradientDescent and Momentum.

Optimizers are always run on the reference landscapes, so a wrong gradient in
lesson 1 never costs points here.
"""

from __future__ import annotations

import numpy as np

from ..registry import check, expect
from ..target import LandscapeSpec
from .contract import WELLS, register_contract, same_hyperparameters_property, same_path

SQUARE = LandscapeSpec("SquarePhysics", (), "reference")
ROSENBROCK = LandscapeSpec("Rosenbrock", (("d", 2),), "reference")
STRETCHED = LandscapeSpec("Quadratic", (("A", np.diag([1.0, 10.0])), ("b", np.array([1.0, 1.0]))), "reference")
STARTS = np.random.default_rng(2026).uniform(-3, 3, size=(20, 2))

GD_HINT = "step against the gradient, X - lr * grad(X): a '+' climbs uphill, a missing lr takes the whole gradient as the step"
MOMENTUM_HINT = (
    "v <- momentum * v - lr * grad(X), then return X + v. Usual slips: '+ lr * grad' (climbs), "
    "X - v (the sign of the velocity), a velocity reset every step (plain GD), v kept from the previous fit"
)

OPTIMIZERS = {
    "GradientDescent": ({"lr": 0.1}, GD_HINT),
    "Momentum": ({"lr": 0.05, "momentum": 0.8}, MOMENTUM_HINT),
}

for _name, (_kwargs, _hint) in OPTIMIZERS.items():
    register_contract(_name, _kwargs, _hint)


@check("GradientDescent.trajectory.notebook", points=3)
def gd_notebook(t, ref):
    """Ten steps with lr 0.01 from [3, 3] on the toy physics end where the PBDL notebook says."""
    fit = t.fit("GradientDescent", SQUARE, np.array([3.0, 3.0]), lr=0.01, max_iter=10, tol=0.0, store_history=True)
    want = np.array([2.4512184, 0.96171147])  # printed by the notebook (float32)
    expect(
        np.allclose(fit.X, want, rtol=1e-6, atol=0),
        f"after 10 steps from [3, 3] expected about {want.tolist()} (distance 2.63 from the origin), got {fit.X.tolist()}\n"
        f"  The first step should go to [2.94, 1.92]; yours went to {fit.Xs[1].tolist()}.\n  Hint: {GD_HINT}",
    )


def _register_reference_path(name: str, kwargs: dict, hint: str) -> None:
    @check(f"{name}.trajectory.reference", points=3)
    def path(t, ref):
        """The iterates equal the reference's, step by step, for 20 starts on the Gaussian wells."""
        mine = t.fit(name, WELLS, STARTS, max_iter=40, tol=0.0, store_history=True, **kwargs)
        want = ref.fit(name, WELLS, STARTS, max_iter=40, tol=0.0, store_history=True, **kwargs)
        same_path(name, mine.Xs, want.Xs, f"{name}({', '.join(f'{k}={v}' for k, v in kwargs.items())}) on GaussianWells(n_wells=8, random_state=0)", hint)


_register_reference_path("GradientDescent", {"lr": 0.5}, GD_HINT)
_register_reference_path("Momentum", {"lr": 0.3, "momentum": 0.9}, MOMENTUM_HINT)


@check("Momentum.trajectory.rosenbrock", points=2, hidden=True)
def momentum_rosenbrock(t, ref):
    """The iterates equal the reference's on Rosenbrock, where the velocity matters most."""
    X0 = np.array([[-1.2, 1.0], [0.0, 2.0], [1.5, 1.5]])
    mine = t.fit("Momentum", ROSENBROCK, X0, lr=1e-3, momentum=0.9, max_iter=60, tol=0.0, store_history=True)
    want = ref.fit("Momentum", ROSENBROCK, X0, lr=1e-3, momentum=0.9, max_iter=60, tol=0.0, store_history=True)
    same_path("Momentum", mine.Xs, want.Xs, "Momentum(lr=1e-3, momentum=0.9) on Rosenbrock(2)", MOMENTUM_HINT)


check("Momentum.zero_momentum", points=2)(
    same_hyperparameters_property(
        "Momentum", "GradientDescent", {"momentum": 0.0}, {},
        "Momentum(momentum=0) against GradientDescent with the same lr",
        "with momentum 0 the velocity is just -lr * grad(X), so the step is gradient descent's",
    )
)


@check("GradientDescent.convergence", points=2)
def gd_converges(t, ref):
    """With lr = 1/(largest curvature), reaches |grad| < 1e-8 on a stretched quadratic within 250 steps."""
    X0 = np.array([[0.0, 0.0], [3.0, -2.0], [-5.0, 4.0]])
    fit = t.fit("GradientDescent", STRETCHED, X0, lr=0.1, max_iter=250, tol=1e-8)
    expect(bool(np.all(fit.converged)), f"GradientDescent(lr=0.1) on L = (x0^2 + 10 x1^2)/2 - x0 - x1 should converge within 250 steps (the reference needs about 175); converged_ = {fit.converged.tolist()}, X_ = {fit.X.tolist()} (minimum at [1, 0.1])\n  Hint: {GD_HINT}")


@check("Momentum.convergence", points=2)
def momentum_converges(t, ref):
    """Momentum beats gradient descent: converges on the stretched quadratic within 100 steps and on
    Rosenbrock from (-1.2, 1) within 2500."""
    X0 = np.array([[0.0, 0.0], [3.0, -2.0], [-5.0, 4.0]])
    fit = t.fit("Momentum", STRETCHED, X0, lr=0.1, momentum=0.5, max_iter=100, tol=1e-8)
    expect(bool(np.all(fit.converged)), f"Momentum(lr=0.1, momentum=0.5) on L = (x0^2 + 10 x1^2)/2 - x0 - x1 should converge within 100 steps (the reference needs about 60, plain GD about 175); converged_ = {fit.converged.tolist()}, X_ = {fit.X.tolist()}\n  Hint: {MOMENTUM_HINT}")
    fit = t.fit("Momentum", ROSENBROCK, np.array([-1.2, 1.0]), lr=2e-3, momentum=0.9, max_iter=2500, tol=1e-6)
    expect(bool(fit.converged), f"Momentum(lr=2e-3, momentum=0.9) on Rosenbrock from (-1.2, 1) should reach |grad| < 1e-6 within 2500 steps (the reference needs about 1550); it ended at {fit.X.tolist()} after {int(fit.n_iter)}\n  Hint: {MOMENTUM_HINT}")
