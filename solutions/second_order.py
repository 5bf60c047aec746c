"""Lesson 3: Newton's method and its relatives, which use second derivatives.

Newton fits a parabola (the second-order Taylor model) at the current point and jumps to
its minimum. Every solve here is batched: ``np.linalg.solve`` on a stack of ``(n, d, d)``
matrices, never a Python loop over rows and never an explicit inverse.
"""

from __future__ import annotations

import numpy as np

from .base import Array, BaseOptimizer


def backtracking(loss, X: Array, P: Array, f0: Array, slope: Array, t0=1.0, c1: float = 1e-4, shrink: float = 0.5, max_halvings: int = 40) -> Array:
    """Armijo backtracking, for every row at once: the first ``t = t0 * shrink^k``
    (``k = 0, 1, ..., max_halvings - 1``) with the sufficient decrease

        L(x + t p) <= L(x) + c1 t slope,      slope = grad L(x) . p.

    Each row stops at its own first success; a row whose ``slope >= 0`` (``p`` is not a descent
    direction) or that never succeeds gets ``t = 0`` (stay put rather than raise the loss).
    Evaluate the loss only on the rows still searching, as one batch per trial: no loop over rows.

    Args:
        loss: callable ``(k, d) -> (k,)``.
        X, P: (n, d) points and directions. f0: (n,) losses at ``X``. slope: (n,) ``grad . p`` at ``X``.
        t0: the first trial, a number or (n,). c1: the Armijo constant in (0, 1).
        shrink: the factor in (0, 1) each failed trial is multiplied by.

    Returns:
        t: (n,) the accepted step lengths.
    """
    # BEGIN SOLUTION
    t = np.broadcast_to(np.asarray(t0, dtype=np.float64), f0.shape).copy()
    searching = slope < 0
    t[~searching] = 0.0
    for _ in range(max_halvings):
        rows = np.flatnonzero(searching)
        if rows.size == 0:
            break
        f = np.asarray(loss(X[rows] + t[rows, None] * P[rows]), dtype=np.float64)
        ok = f <= f0[rows] + c1 * t[rows] * slope[rows]
        searching[rows[ok]] = False
        t[rows[~ok]] *= shrink
    t[searching] = 0.0
    return t
    # END SOLUTION


class Newton(BaseOptimizer):
    """Damped Newton's method with Levenberg-Marquardt-style regularization.

    Direction and step, with ``g = grad L(x)`` and ``H = hessian L(x)``::

        p = -(H + mu I)^{-1} g        (a solve, never an inverse)
        x <- x + t p,   t = lr, or found by ``backtracking`` from t0 = lr

    Regularization (the convention the grader checks): with ``lam_min`` the smallest eigenvalue
    of ``H`` and ``s`` the largest absolute one, ``mu = 0`` where ``H`` is positive definite
    (``lam_min > 0``, strictly: pure Newton), otherwise ``mu = damping * s - lam_min``, which
    lifts the smallest eigenvalue of ``H + mu I`` to ``damping * s``. An exactly singular ``H``
    is lifted too. For ``H = 0`` (so ``s = 0``: a linear loss, or a plateau where the Hessian
    underflows) the model has no curvature to measure a step by, and the rule would give
    ``mu = 0`` and a singular solve: there ``p = 0``, the row does not move (decide it per row,
    before the solve, so that no other row is spoiled). Tied to ``s``, the rule
    does not change when the loss is multiplied by a constant. Without it, where ``H`` is
    indefinite the Newton step heads for a saddle or a maximum of the parabola. (A nearly
    singular positive definite ``H`` still gives a very long step: that is what the line
    search is for.)

    Args:
        lr: the step length ``t`` (1 is the full Newton step).
        damping: in ``[1e-12, inf)``, how far above zero an indefinite Hessian's spectrum is
            lifted, relative to its largest absolute eigenvalue (below ``1e-12``, ``damping * s``
            drowns in the rounding of ``mu`` and ``H + mu I`` can come out exactly singular).
        line_search: find ``t`` with ``backtracking`` (above) from ``t0 = lr``.
        c1: the Armijo constant.
    """

    requires = ("grad", "hessian")

    def __init__(self, loss, lr=1.0, damping=1e-2, line_search=False, c1=1e-4, **kwargs):
        super().__init__(loss, lr=lr, **kwargs)
        self.damping, self.line_search, self.c1 = damping, line_search, c1

    def _check_params(self) -> None:
        super()._check_params()
        self._check_range("damping", 1e-12)
        self._check_range("c1", 0.0, 1.0)

    @staticmethod
    def direction(g: Array, H: Array, damping: float) -> Array:
        """The regularized Newton direction ``p = -(H + mu I)^{-1} g``, with ``mu`` per row as
        the class docstring fixes it.

        Args:
            g: (n, d) gradients. H: (n, d, d) symmetric Hessians. damping: see the class.

        Returns:
            p: (n, d). One batched eigenvalue call and one batched solve: no loop over rows.
        """
        # BEGIN SOLUTION
        lam = np.linalg.eigvalsh(H)  # (n, d), ascending
        scale = np.max(np.abs(lam), axis=1)
        flat = scale == 0  # H = 0: no step
        mu = np.where(lam[:, 0] > 0, 0.0, np.where(flat, 1.0, damping * scale - lam[:, 0]))
        shifted = H + mu[:, None, None] * np.eye(H.shape[-1])
        p = -np.linalg.solve(shifted, g[..., None])[..., 0]
        return np.where(flat[:, None], 0.0, p)
        # END SOLUTION

    def update(self, X: Array) -> Array:
        """One step for ``X: (n, d)``."""
        g = self.loss.grad(X)
        p = self.direction(g, self.loss.hessian(X), self.damping)
        if not self.line_search:
            return X + self.lr * p
        t = backtracking(self.loss, X, p, self.loss(X), np.einsum("nd,nd->n", g, p), t0=self.lr, c1=self.c1)
        return X + t[:, None] * p


class ConditionScaledGD(BaseOptimizer):
    """Gradient descent with its step divided by the condition number of the Hessian.

    Update, with ``kappa(H) = |lam|_max / |lam|_min`` over the eigenvalues of ``H``::

        x <- x - eta / (kappa(H) + eps) * grad L(x)

    A large ``kappa`` marks a long narrow valley or a flat region, where steps are shortened.
    (The course notebook this comes from multiplies by ``kappa`` in its code while its formula
    divides: we follow the formula.)

    Singular Hessians (the convention the grader checks): where ``|lam|_min = 0``, including
    ``H = 0``, ``kappa = inf``, so the factor ``eta / (kappa + eps)`` is exactly 0 and the row
    does not move. Decide this per row before dividing: ``s / 0`` would give inf, but
    ``0 / 0`` (``H = 0``) gives NaN, and a NaN factor would spoil the row.

    Args:
        eps: ``>= 0``, added to ``kappa``.
    """

    requires = ("grad", "hessian")

    def __init__(self, loss, eps=1e-12, **kwargs):
        super().__init__(loss, **kwargs)
        self.eps = eps

    def _check_params(self) -> None:
        super()._check_params()
        self._check_range("eps", 0.0)

    def update(self, X: Array) -> Array:
        """One step for ``X: (n, d)``."""
        # BEGIN SOLUTION
        lam = np.abs(np.linalg.eigvalsh(self.loss.hessian(X)))
        smallest = np.min(lam, axis=1)
        kappa = np.max(lam, axis=1) / np.where(smallest > 0, smallest, 1.0)
        kappa = np.where(smallest > 0, kappa, np.inf)  # singular (even zero) H: no step
        return X - (self.lr / (kappa + self.eps))[:, None] * self.loss.grad(X)
        # END SOLUTION


class GaussNewton(BaseOptimizer):
    """Gauss-Newton for sums of squares ``L(x) = |r(x)|^2``.

    With residuals ``r: (n, m)`` and their Jacobian ``J: (n, m, d)``, the Hessian of ``L``
    splits into a part made of first derivatives of ``r`` only and a part weighted by the
    residuals (small near a good fit, and the only part that needs second derivatives).
    Gauss-Newton keeps the first part and takes the Newton step with it (lesson 3 derives it).

    The convention the grader checks: work with half the loss, ``L / 2 = |r|^2 / 2``; let ``G``
    be its Gauss-Newton matrix (the first-derivative part of its Hessian, (n, d, d)) and
    ``grad(L / 2)`` its gradient. Then::

        (G + mu I) p = -grad(L / 2),   mu = damping * trace(G) / d
        x <- x + lr * p

    The small relative ``mu`` keeps the solve defined when ``J`` loses rank; larger values
    turn it into Levenberg-Marquardt, sliding toward short gradient steps. On a linear
    problem ``r = M x - c`` one full step (``lr = 1``) lands on the least-squares solution.

    The loss must provide ``residuals(X) -> (n, m)`` and ``residual_jacobian(X) -> (n, m, d)``.
    """

    requires = ("grad", "residuals", "residual_jacobian")

    def __init__(self, loss, lr=1.0, damping=1e-10, **kwargs):
        super().__init__(loss, lr=lr, **kwargs)
        self.damping = damping

    def _check_params(self) -> None:
        super()._check_params()
        self._check_range("damping", 0.0)

    @staticmethod
    def direction(r: Array, J: Array, damping: float) -> Array:
        """The Gauss-Newton direction ``p: (n, d)`` (the class docstring fixes ``mu``) for residuals
        ``r: (n, m)`` and Jacobians ``J: (n, m, d)``, built with ``einsum`` and one batched solve."""
        # BEGIN SOLUTION
        JTJ = np.einsum("nmi,nmj->nij", J, J)
        d = J.shape[-1]
        mu = damping * np.trace(JTJ, axis1=1, axis2=2) / d
        JTr = np.einsum("nmi,nm->ni", J, r)
        return -np.linalg.solve(JTJ + mu[:, None, None] * np.eye(d), JTr[..., None])[..., 0]
        # END SOLUTION

    def update(self, X: Array) -> Array:
        """One step for ``X: (n, d)``."""
        return X + self.lr * self.direction(self.loss.residuals(X), self.loss.residual_jacobian(X), self.damping)
