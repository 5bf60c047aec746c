"""Checks for lesson 5: InverseGradient and PhysicalGradient (and Newton's scale invariance)."""

from __future__ import annotations

import numpy as np

from ..properties import floats, log_uniform, points, run_property
from ..registry import CheckFailed, check, expect
from ..target import LandscapeSpec, StudentError
from .contract import notebook_path, register_contract, register_hyperparameters, require_working, same_path

SQUARE = LandscapeSpec("SquarePhysics", (), "reference")
SQUARE_STARTS = np.array([[3.0, 3.0], [2.0, -1.5], [-1.0, 0.5], [0.5, -2.5]])


def scaled(alpha: float) -> LandscapeSpec:
    return LandscapeSpec("ScaledQuadratic", (("alpha", float(alpha)),), "reference")


HINTS = {
    "InverseGradient": (
        "the step in y is newton_step_in_y when y_step='newton' and a plain gradient step on L(y) when "
        "y_step='gradient', both scaled by lr once; the step in x is the one whose first-order image under the "
        "physics is that dy. Usual slips: using the Jacobian forwards (multiplying) where the step needs its "
        "inverse, the transposed Jacobian (J[k, i] = dy_k / dx_i), a gradient step where a Newton step belongs, "
        "lr missing or applied twice"
    ),
    "PhysicalGradient": (
        "take the Newton step in y (newton_step_in_y) from P(x) and hand local_inverse the new point of y "
        "together with the current X. Usual slips: inverting the step dy instead of a point of y space, a "
        "gradient step in y where the Newton step belongs (the step comes out twice as long here), the wrong "
        "branch (local_inverse must stay near the current X), lr missing or applied twice"
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
    expect(abs(alignment - 1.356443) < 1e-5, f"the first step's unit vector dotted with -(1, 1) should be 1.356443 (GD: 1.053930, Newton: 1.264911); got {alignment:.6f}\n  Hint: {HINTS['PhysicalGradient']}")


def _register_paths(name: str, cases) -> None:
    @check(f"{name}.trajectory.reference", points=3)
    def paths(t, ref):
        """The iterates equal the reference's on the toy physics from starts on both sides of x1 = 0."""
        for kwargs in cases:
            mine = t.fit(name, SQUARE, SQUARE_STARTS, max_iter=12, tol=0.0, store_history=True, **kwargs)
            want = ref.fit(name, SQUARE, SQUARE_STARTS, max_iter=12, tol=0.0, store_history=True, **kwargs)
            args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
            same_path(name, mine.Xs, want.Xs, f"{name}({args}) on SquarePhysics", HINTS[name], tol=1e-9, spec=SQUARE, params=kwargs)


_register_paths("InverseGradient", [{"lr": 0.3}, {"lr": 0.1, "y_step": "gradient"}])
_register_paths("PhysicalGradient", [{"lr": 0.3}, {"lr": 0.7}])


def _newton_first(t, ref) -> None:
    """The numerical inverse runs the student's Newton: say so, instead of a confusing failure, when Newton is wrong."""
    H = np.array([[[2.0, 0.0], [0.0, 8.0]], [[2.0, 0.0], [0.0, 0.5]]])
    g = np.array([[1.0, -2.0], [0.3, 0.4]])
    try:
        got = t.static("Newton", "direction", g, H, 0.01, shape=g.shape)
        ok = np.allclose(got, ref.static("Newton", "direction", g, H, 0.01), rtol=1e-9, atol=1e-12)
    except StudentError as exc:
        ok, got = False, exc.message
    expect(ok, f"PhysicalGradient(inverse='newton') depends on Newton: local_inverse solves with your Newton, whose direction is wrong or fails ({got}). Fix Newton first (lesson 3); this check then grades your PhysicalGradient alone")


@check("PhysicalGradient.numerical_inverse", points=2)
def pg_numerical(t, ref):
    """With inverse='newton' (the local inverse solved numerically, physics_inverse out of reach) the path matches the analytic one to 1e-6."""
    require_working(t, ref, "PhysicalGradient", SQUARE, SQUARE_STARTS, {"lr": 0.3}, needs="PhysicalGradient.numerical_inverse", hint=HINTS["PhysicalGradient"])
    _newton_first(t, ref)
    no_inverse = LandscapeSpec(SQUARE.name, SQUARE.kwargs, SQUARE.source, hide=("physics_inverse",))
    mine = t.fit("PhysicalGradient", no_inverse, SQUARE_STARTS, lr=0.3, inverse="newton", max_iter=10, tol=0.0, store_history=True)
    want = ref.fit("PhysicalGradient", SQUARE, SQUARE_STARTS, lr=0.3, max_iter=10, tol=0.0, store_history=True)
    mae = float(np.mean(np.abs(mine.Xs - want.Xs)))
    expect(mae < 1e-6, f"PhysicalGradient(inverse='newton') differs from the analytic inverse by a mean absolute {mae:.3g} over 10 steps (should be below 1e-6)\n  Hint: {HINTS['PhysicalGradient']}; local_inverse warm-starts the solve at the current X, which picks the nearest branch")


@check("PhysicalGradient.straight_in_y", points=2)
def pg_straight(t, ref):
    """In y space PG moves on the straight line from y0 to the origin, landing where each Newton step in y puts it."""

    def prop(X0, lr):
        fit = t.fit("PhysicalGradient", SQUARE, X0, lr=lr, max_iter=8, tol=0.0, store_history=True)
        Y = ref.landscape("SquarePhysics").call("physics", fit.Xs.reshape(-1, 2)).reshape(fit.Xs.shape)
        want = (1 - lr) ** np.arange(9)[:, None, None] * Y[0]
        gap = np.max(np.abs(Y - want) / (1 + np.abs(want)))
        if gap > 1e-9:
            k = int(np.argmax(np.max(np.abs(Y - want), axis=(1, 2))))
            raise CheckFailed(f"PhysicalGradient(lr={lr:.4g}): after {k} steps y = {np.round(Y[k], 6).tolist()}, but the Newton steps in y on |y|^2, landed on exactly, put it at {np.round(want[k], 6).tolist()}\n  Hint: {HINTS['PhysicalGradient']}")

    run_property(prop, max_examples=15, X0=points(2, lo=-3, hi=3), lr=floats(0.05, 0.95))


def _register_alpha(name: str, kwargs: dict, exercise_hint: str) -> None:
    @check(f"{name}.scale_invariance", points=2)
    def invariance(t, ref):
        """On ScaledQuadratic(alpha) the x trajectory is the same for every alpha in [1e-3, 1e3]."""
        require_working(t, ref, name, scaled(1.0), SQUARE_STARTS, kwargs, needs=f"{name}.scale_invariance", hint=exercise_hint)

        def prop(alpha, X0):
            a = t.fit(name, scaled(alpha), X0, max_iter=8, tol=0.0, store_history=True, **kwargs)
            b = t.fit(name, scaled(1.0), X0, max_iter=8, tol=0.0, store_history=True, **kwargs)
            same_path(name, a.Xs, b.Xs, f"ScaledQuadratic(alpha={alpha:.6g}) against alpha = 1", exercise_hint, tol=1e-8)

        run_property(prop, max_examples=15, alpha=log_uniform(1e-3, 1e3), X0=points(2, lo=-3, hi=3))


_register_alpha("InverseGradient", {"lr": 0.3}, HINTS["InverseGradient"])
_register_alpha("PhysicalGradient", {"lr": 0.3}, HINTS["PhysicalGradient"])
_register_alpha("Newton", {"lr": 0.3}, "Newton's step on ScaledQuadratic should not depend on alpha: the factor alpha enters the gradient and the Hessian alike and cancels in the solve. If it does not cancel, check that you solve with the Hessian (not multiply by it) and that your lesson 1 ScaledQuadratic gradient and Hessian pass their checks")


@check("InverseGradient.y_step", points=1)
def ig_first_order(t, ref):
    """For a linear physics IG moves y by exactly the chosen Newton step in y (on ScaledQuadratic(4))."""
    X0 = np.array([[2.0, -1.0], [0.5, 3.0]])
    for lr in (0.25, 0.6):
        fit = t.fit("InverseGradient", scaled(4.0), X0, lr=lr, max_iter=1, tol=0.0, store_history=True)
        expect(np.allclose(fit.Xs[1], (1 - lr) * X0, rtol=1e-12, atol=1e-12), f"InverseGradient(lr={lr}) on ScaledQuadratic(4) from {X0.tolist()} went to {fit.Xs[1].tolist()}; on this linear physics the Newton step in y, carried back exactly, gives {((1 - lr) * X0).tolist()}\n  Hint: {HINTS['InverseGradient']}")


# --------------------------------------------------------------------------- a non-symmetric linear physics
# y = M x with M neither symmetric nor diagonal: solving with J^T (or multiplying by J) goes elsewhere.
LINEAR = LandscapeSpec("LinearPhysics", (("M", np.array([[2.0, 1.0], [-0.5, 1.5]])), ("c", np.array([1.0, -1.0]))), "reference")


@check("InverseGradient.trajectory.linear_physics", points=2)
def ig_linear(t, ref):
    """On a linear physics y = M x with a non-symmetric M, the iterates equal the reference's."""
    for kwargs in ({"lr": 0.4}, {"lr": 0.2, "y_step": "gradient"}):
        mine = t.fit("InverseGradient", LINEAR, SQUARE_STARTS, max_iter=6, tol=0.0, store_history=True, **kwargs)
        want = ref.fit("InverseGradient", LINEAR, SQUARE_STARTS, max_iter=6, tol=0.0, store_history=True, **kwargs)
        args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
        same_path("InverseGradient", mine.Xs, want.Xs, f"InverseGradient({args}) on y = M x, M = [[2, 1], [-0.5, 1.5]]", "on this physics J = physics_jacobian(X) is neither symmetric nor diagonal, so J^T in place of J, or J used forwards where its inverse belongs, goes elsewhere; " + HINTS["InverseGradient"], tol=1e-9, params=kwargs)


# --------------------------------------------------------------------------- every hyperparameter used
register_hyperparameters("InverseGradient", {"lr": 0.3}, SQUARE, SQUARE_STARTS, {"lr": (0.2, 0.5), "y_step": ("newton", "gradient")}, HINTS["InverseGradient"])
# (inverse="newton" is PhysicalGradient.numerical_inverse, which also says when it is Newton that fails)
register_hyperparameters("PhysicalGradient", {"lr": 0.3}, SQUARE, SQUARE_STARTS, {"lr": (0.2, 0.5)}, HINTS["PhysicalGradient"])
