"""Lesson 2: first-order methods, which use the gradient and nothing more.

Each optimizer writes one step, ``update(X) -> X_new`` for a batch ``X: (n, d)``;
``BaseOptimizer.fit`` (in ``base.py``) runs the loop and keeps the contract.
"""

from __future__ import annotations

import numbers

import numpy as np

from .base import Array, BaseOptimizer


class GradientDescent(BaseOptimizer):
    """Plain (steepest) gradient descent.

    Update, with learning rate ``eta = lr``::

        x <- x - eta * grad L(x)

    Read as physics: the overdamped motion of a particle in the potential ``L``,
    with ``eta`` the time step divided by the friction.

    Example (``SquarePhysics`` from ``landscapes.py``; the PBDL notebook's first run)::

        GradientDescent(SquarePhysics(), lr=0.01, max_iter=10, tol=0).fit([3.0, 3.0]).X_
        # -> array([2.45121842, 0.96171152]), still 2.63 from the minimum at the origin
    """

    def update(self, X: Array) -> Array:
        """One step for ``X: (n, d)``: ``X - lr * grad L(X)``, shape (n, d)."""
        raise NotImplementedError("GradientDescent.update: not implemented yet (your exercise in first_order.py)")


class Momentum(BaseOptimizer):
    """Gradient descent with momentum (Polyak's heavy ball).

    State: the velocity ``v: (n, d)``, zero at the start of every ``fit``. Update,
    with ``eta = lr`` and ``beta = momentum``::

        v <- beta * v - eta * grad L(x)
        x <- x + v

    This is the underdamped particle: ``beta`` plays the part of mass (inertia) and
    ``beta = 0`` is plain gradient descent. (torch.optim writes the same method as
    ``v <- beta v + g; x <- x - eta v``: the same iterates, with ``v`` scaled by ``-1/eta``.)

    Args:
        momentum: ``beta`` in ``[0, 1)``.
        **kwargs: the ``BaseOptimizer`` arguments (``lr``, ``max_iter``, ...).
    """

    def __init__(self, loss, momentum=0.9, **kwargs):
        super().__init__(loss, **kwargs)
        self.momentum = momentum

    def _check_params(self) -> None:
        super()._check_params()
        if isinstance(self.momentum, bool) or not isinstance(self.momentum, numbers.Real):
            raise TypeError(f"Momentum: momentum must be a real number, got {self.momentum!r}")
        if not (0.0 <= self.momentum < 1.0):
            raise ValueError(f"Momentum: momentum must be in [0, 1), got {self.momentum}")

    def init_state(self, X: Array) -> None:
        """Start at rest: ``v_ = 0`` with the shape of ``X: (n, d)``."""
        self.v_ = np.zeros_like(X)

    def update(self, X: Array) -> Array:
        """One step for ``X: (n, d)``: update the velocity ``v_``, then move by it."""
        raise NotImplementedError("Momentum.update: not implemented yet (your exercise in first_order.py)")
