"""Lesson 5: scale invariance and inversion (after the PBDL book).

The loss is a composition: inputs ``x`` go through a "physics" ``y = P(x)`` into a loss
``L(y)``. Gradient descent sees only ``dL/dx``; the methods here use the structure:

- ``InverseGradient`` (IG): choose a step ``dy`` in ``y`` space, then carry it back to ``x``
  through the inverse of the physics' Jacobian (its linearization);
- ``PhysicalGradient`` (PG, the inverse-simulator update): take a Newton step in ``y`` and
  carry the new point of ``y`` back through a local inverse of the physics itself, computed
  analytically or numerically (with the course's own Newton).

The landscape must provide ``physics``, ``physics_jacobian``, ``loss_y``, ``grad_y``,
``hessian_y`` and, for the analytic inverse, ``physics_inverse(Y, X0)`` (``SquarePhysics`` and
``ScaledQuadratic`` do).
"""

from __future__ import annotations

import numpy as np

from .base import Array, BaseOptimizer

PHYSICS = ("physics", "physics_jacobian", "loss_y", "grad_y", "hessian_y")


def newton_step_in_y(loss, Y: Array, lr: float) -> Array:
    """The damped Newton step in ``y`` space (n, m): ``dy = -lr * H_y^{-1} grad_y L`` (given)."""
    return -lr * np.linalg.solve(loss.hessian_y(Y), loss.grad_y(Y)[..., None])[..., 0]


class InverseProblem:
    """The numerical local inverse as a landscape: ``L(x) = |P(x) - y*|^2`` (given code).

    ``targets: (n, m)`` holds one target per row, so it is evaluated on batches of exactly
    those ``n`` rows. Its Hessian is the Gauss-Newton one, ``2 J^T J``: the physics' second
    derivatives are not needed, and at a solution (``P(x) = y*``) it is exact.
    """

    def __init__(self, physics_loss, targets: Array):
        self.physics_loss, self.targets = physics_loss, np.asarray(targets, dtype=np.float64)
        self.d = getattr(physics_loss, "d", None)

    def residuals(self, X) -> Array:
        return self.physics_loss.physics(X) - self.targets

    def residual_jacobian(self, X) -> Array:
        return self.physics_loss.physics_jacobian(X)

    def __call__(self, X) -> Array:
        return np.sum(self.residuals(X) ** 2, axis=1)

    def grad(self, X) -> Array:
        return 2.0 * np.einsum("nmi,nm->ni", self.residual_jacobian(X), self.residuals(X))

    def hessian(self, X) -> Array:
        J = self.residual_jacobian(X)
        return 2.0 * np.einsum("nmi,nmj->nij", J, J)


class InverseGradient(BaseOptimizer):
    """Inverse gradients: a step chosen in ``y``, carried back to ``x`` through the physics' Jacobian.

    The step in ``y`` (``dy: (n, m)``) is fixed by ``y_step``::

        dy = -lr * H_y^{-1} grad_y L     (y_step="newton", the default: newton_step_in_y)
        dy = -lr * grad_y L              (y_step="gradient")

    The step in ``x`` (``dx: (n, d)``) is the one whose first-order image under the physics is
    ``dy``, with the Jacobian ``J = physics_jacobian(X): (n, m, d)``, ``J[k, i] = dy_k / dx_i``
    (square and invertible here, ``m = d``); the new iterate is ``x + dx``. To first order ``y``
    then moves by exactly ``dy``, whatever the scaling of the physics: the update is invariant to
    rescaling ``x`` (and, with ``y_step="newton"``, ``L``).

    Args:
        y_step: ``"newton"`` or ``"gradient"``.
    """

    requires = ("grad",) + PHYSICS

    def __init__(self, loss, lr=0.3, y_step="newton", **kwargs):
        super().__init__(loss, lr=lr, **kwargs)
        self.y_step = y_step

    def _check_params(self) -> None:
        super()._check_params()
        if self.y_step not in ("newton", "gradient"):
            raise ValueError(f"InverseGradient: y_step must be 'newton' or 'gradient', got {self.y_step!r}")

    def update(self, X: Array) -> Array:
        """One step for ``X: (n, d)``."""
        # BEGIN SOLUTION
        Y = self.loss.physics(X)
        if self.y_step == "newton":
            dY = newton_step_in_y(self.loss, Y, self.lr)
        else:
            dY = -self.lr * self.loss.grad_y(Y)
        dX = np.linalg.solve(self.loss.physics_jacobian(X), dY[..., None])[..., 0]
        return X + dX
        # END SOLUTION


class PhysicalGradient(BaseOptimizer):
    """The inverse-simulator update: a Newton step chosen in ``y``, then the local inverse back to ``x``.

    From ``y = P(x)`` the Newton step in ``y`` (``newton_step_in_y``, scaled by ``lr``) gives the new
    point ``y'``; the new iterate is the preimage of the *point* ``y'`` (not of the step) nearest the
    current ``x``, which ``local_inverse`` computes. So ``P(x_new) = y'`` exactly, however non-linear
    ``P`` is: the higher-order terms a Jacobian would drop are all kept.

    Args:
        inverse: ``"analytic"`` uses ``loss.physics_inverse(Y, X0)``; ``"newton"`` solves
            ``min |P(x) - y'|^2`` numerically with the course's ``Newton`` (on the
            ``InverseProblem``, whose Hessian is Gauss-Newton's), warm-started at the current
            ``x`` so that it finds the nearest preimage; a target it cannot reach (no preimage,
            as for ``y1 < 0`` here) is a ``ValueError``, as with the analytic inverse.
        inner_tol, inner_max_iter: the numerical solve's tolerance and budget.
    """

    requires = ("grad",) + PHYSICS

    def __init__(self, loss, lr=0.3, inverse="analytic", inner_tol=1e-12, inner_max_iter=50, **kwargs):
        super().__init__(loss, lr=lr, **kwargs)
        self.inverse, self.inner_tol, self.inner_max_iter = inverse, inner_tol, inner_max_iter

    def _check_params(self) -> None:
        super()._check_params()
        if self.inverse not in ("analytic", "newton"):
            raise ValueError(f"PhysicalGradient: inverse must be 'analytic' or 'newton', got {self.inverse!r}")
        if self.inverse == "analytic" and not callable(getattr(self.loss, "physics_inverse", None)):
            raise TypeError(f"PhysicalGradient(inverse='analytic') needs loss.physics_inverse(Y, X0), but {type(self.loss).__name__} has none")

    def local_inverse(self, Y: Array, X: Array) -> Array:
        """The preimage (n, d) of ``Y: (n, m)`` nearest ``X: (n, d)``, by the chosen ``inverse``."""
        if self.inverse == "analytic":
            return self.loss.physics_inverse(Y, X)
        from .second_order import Newton  # imported here: a broken second_order.py costs only this option

        problem = InverseProblem(self.loss, Y)
        X_new = Newton(problem, lr=1.0, max_iter=self.inner_max_iter, tol=self.inner_tol).fit(X).X_
        missed = np.linalg.norm(problem.residuals(X_new), axis=1) > 1e-6 * (1.0 + np.linalg.norm(Y, axis=1))
        if missed.any():  # as the analytic inverse does, refuse a target with no preimage nearby
            raise ValueError(f"the numerical inverse found no x with P(x) = y for rows {np.flatnonzero(missed).tolist()} (is y outside the range of P?)")
        return X_new

    def update(self, X: Array) -> Array:
        """One step for ``X: (n, d)``."""
        # BEGIN SOLUTION
        Y = self.loss.physics(X)
        return self.local_inverse(Y + newton_step_in_y(self.loss, Y, self.lr), X)
        # END SOLUTION
