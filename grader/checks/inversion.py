"""Checks for lesson 5: InverseGradient and PhysicalGradient (and Newton's scale invariance)."""

from __future__ import annotations

import numpy as np

from ..properties import floats, log_uniform, points, run_property
from ..registry import CheckFailed, check, expect
from ..target import LandscapeSpec
from .contract import notebook_path, register_contract, same_path

SQUARE = LandscapeSpec("SquarePhysics", (), "reference")
SQUARE_STARTS = np.array([[3.0, 3.0], [2.0, -1.5], [-1.0, 0.5], [0.5, -2.5]])


def scaled(alpha: float) -> LandscapeSpec:
    return LandscapeSpec("ScaledQuadratic", (("alpha", float(alpha)),), "reference")


HINTS = {
    "InverseGradient": (
        "dy = -lr * H_y^{-1} grad_y (a Newton step on L(y); -lr * grad_y when y_step='gradient'), then solve "
        "J dx = dy with J = physics_jacobian(X) (np.linalg.solve on the stack) and return X + dx. Usual slips: "
        "multiplying by J instead of solving with it, a gradient step where a Newton step belongs, dy not scaled by lr"
    ),
    "PhysicalGradient": (
        "y = physics(X); y_new = y + newton_step_in_y(loss, y, lr); return local_inverse(y_new, X). Usual slips: "
        "inverting the step dy instead of the new point y + dy, a gradient step in y instead of a Newton step, "
        "the wrong branch of the square root (pass the current X as the guide)"
    ),
}

register_contract("InverseGradient", {"lr": 0.3}, HINTS["InverseGradient"], bowl=scaled(3.0), rugged=scaled(0.5), d=2)
register_contract("PhysicalGradient", {"lr": 0.3}, HINTS["PhysicalGradient"], bowl=scaled(3.0), rugged=scaled(0.5), d=2)


@check("PhysicalGradient.trajectory.notebook", points=3)
def pg_notebook(t, ref):
    """Ten steps with lr 0.3 from [3, 3] end where the PBDL notebook says; the first step is the most diagonal."""
    fit = notebook_path(t, "PhysicalGradient", SQUARE, [0.08474258, 0.50421], "[2.1, 2.5099802]", "0.51", HINTS["PhysicalGradient"], rtol=2e-6, lr=0.3)
    step = fit.Xs[0] - fit.Xs[1]
    alignment = float(step.sum() / np.linalg.norm(step))
    expect(abs(alignment - 1.356443) < 1e-5, f"the first step's unit vector dotted with [1, 1] should be 1.356443 (GD: 1.053930, Newton: 1.264911); got {alignment:.6f}\n  Hint: {HINTS['PhysicalGradient']}")


def _register_paths(name: str, cases) -> None:
    @check(f"{name}.trajectory.reference", points=3)
    def paths(t, ref):
        """The iterates equal the reference's on the toy physics from starts on both sides of x1 = 0."""
        for kwargs in cases:
            mine = t.fit(name, SQUARE, SQUARE_STARTS, max_iter=12, tol=0.0, store_history=True, **kwargs)
            want = ref.fit(name, SQUARE, SQUARE_STARTS, max_iter=12, tol=0.0, store_history=True, **kwargs)
            args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
            same_path(name, mine.Xs, want.Xs, f"{name}({args}) on SquarePhysics", HINTS[name], tol=1e-9, spec=SQUARE)


_register_paths("InverseGradient", [{"lr": 0.3}, {"lr": 0.1, "y_step": "gradient"}])
_register_paths("PhysicalGradient", [{"lr": 0.3}, {"lr": 0.7}])


@check("PhysicalGradient.numerical_inverse", points=2)
def pg_numerical(t, ref):
    """With inverse='newton' (the local inverse solved numerically) the path matches the analytic one to 1e-6."""
    mine = t.fit("PhysicalGradient", SQUARE, SQUARE_STARTS, lr=0.3, inverse="newton", max_iter=10, tol=0.0, store_history=True)
    want = ref.fit("PhysicalGradient", SQUARE, SQUARE_STARTS, lr=0.3, max_iter=10, tol=0.0, store_history=True)
    mae = float(np.mean(np.abs(mine.Xs - want.Xs)))
    expect(mae < 1e-6, f"PhysicalGradient(inverse='newton') differs from the analytic inverse by a mean absolute {mae:.3g} over 10 steps (should be below 1e-6)\n  Hint: {HINTS['PhysicalGradient']}; local_inverse warm-starts the solve at the current X, which picks the nearest branch")


@check("PhysicalGradient.straight_in_y", points=2)
def pg_straight(t, ref):
    """In y space PG moves on the straight line from y0 to the origin: y_k = (1 - lr)^k y0."""

    def prop(X0, lr):
        fit = t.fit("PhysicalGradient", SQUARE, X0, lr=lr, max_iter=8, tol=0.0, store_history=True)
        Y = ref.landscape("SquarePhysics").call("physics", fit.Xs.reshape(-1, 2)).reshape(fit.Xs.shape)
        want = (1 - lr) ** np.arange(9)[:, None, None] * Y[0]
        gap = np.max(np.abs(Y - want) / (1 + np.abs(want)))
        if gap > 1e-9:
            k = int(np.argmax(np.max(np.abs(Y - want), axis=(1, 2))))
            raise CheckFailed(f"PhysicalGradient(lr={lr:.4g}): after {k} steps y = {np.round(Y[k], 6).tolist()}, but the Newton step in y on |y|^2 gives y_k = (1 - lr)^k y0 = {np.round(want[k], 6).tolist()}\n  Hint: {HINTS['PhysicalGradient']}")

    run_property(prop, max_examples=15, X0=points(2, lo=-3, hi=3), lr=floats(0.05, 0.95))


def _register_alpha(name: str, kwargs: dict, exercise_hint: str) -> None:
    @check(f"{name}.scale_invariance", points=2)
    def invariance(t, ref):
        """On ScaledQuadratic(alpha) the x trajectory is the same for every alpha in [1e-3, 1e3]."""

        def prop(alpha, X0):
            a = t.fit(name, scaled(alpha), X0, max_iter=8, tol=0.0, store_history=True, **kwargs)
            b = t.fit(name, scaled(1.0), X0, max_iter=8, tol=0.0, store_history=True, **kwargs)
            same_path(name, a.Xs, b.Xs, f"ScaledQuadratic(alpha={alpha:.6g}) against alpha = 1", exercise_hint, tol=1e-8)

        run_property(prop, max_examples=15, alpha=log_uniform(1e-3, 1e3), X0=points(2, lo=-3, hi=3))


_register_alpha("InverseGradient", {"lr": 0.3}, HINTS["InverseGradient"])
_register_alpha("PhysicalGradient", {"lr": 0.3}, HINTS["PhysicalGradient"])
_register_alpha("Newton", {"lr": 0.3}, "Newton's step -H^{-1} g divides out alpha^2: H = diag(2, 2 alpha^2) and g = [2 x0, 2 alpha^2 x1]")


@check("InverseGradient.y_step", points=1)
def ig_first_order(t, ref):
    """For a linear physics IG moves y by exactly the chosen step: y_new = (1 - lr) y on ScaledQuadratic."""
    X0 = np.array([[2.0, -1.0], [0.5, 3.0]])
    for lr in (0.25, 0.6):
        fit = t.fit("InverseGradient", scaled(4.0), X0, lr=lr, max_iter=1, tol=0.0, store_history=True)
        expect(np.allclose(fit.Xs[1], (1 - lr) * X0, rtol=1e-12, atol=1e-12), f"InverseGradient(lr={lr}) on ScaledQuadratic(4) from {X0.tolist()} went to {fit.Xs[1].tolist()}; a Newton step in y (dy = -lr y) mapped back through J^-1 = diag(1, 1/4) gives {((1 - lr) * X0).tolist()}\n  Hint: {HINTS['InverseGradient']}")
