"""Lesson 2: first-order methods, which use the gradient and nothing more.

Where conventions differ between libraries (where epsilon goes, the first accumulator,
how momentum is written), each class states the one it follows, with its formula.

Each optimizer writes one step, ``update(X) -> X_new`` for a batch ``X: (n, d)``;
``BaseOptimizer.fit`` (in ``base.py``) runs the loop and keeps the contract.
"""

from __future__ import annotations

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
        # -> array([2.45121842, 0.96171152]) in float64, still 2.63 from the minimum at
        #    the origin (the notebook ran float32 and printed [2.4512184, 0.96171147])
    """

    def update(self, X: Array) -> Array:
        """One step for ``X: (n, d)``: the new points, shape (n, d)."""
        # BEGIN SOLUTION
        return X - self.lr * self.loss.grad(X)
        # END SOLUTION


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
        self._check_range("momentum", 0.0, 1.0)

    def init_state(self, X: Array) -> None:
        """Start at rest: ``v_ = 0`` with the shape of ``X: (n, d)``."""
        self.v_ = np.zeros_like(X)

    def update(self, X: Array) -> Array:
        """One step for ``X: (n, d)``: update the velocity ``v_`` first, then move; returns (n, d)."""
        # BEGIN SOLUTION
        self.v_ = self.momentum * self.v_ - self.lr * self.loss.grad(X)
        return X + self.v_
        # END SOLUTION


class Langevin(BaseOptimizer):
    """Noisy gradient descent: overdamped Langevin dynamics in the potential ``L``.

    Update, with ``eta = lr``, ``sigma = noise`` and ``xi`` standard normal::

        x <- x - eta * (grad L(x) + sigma * xi)

    The noise ``xi`` is one array of standard normal draws with the batch's shape ``(n, d)``,
    drawn afresh at every step from the generator ``self.rng_`` that ``fit`` makes from
    ``random_state`` (its standard normal method, so that your stream is the reference's):
    the same seed gives the same trajectory, and the global NumPy random state is never used.
    ``noise = 0`` is plain gradient descent. Physically this is Brownian motion at
    temperature ``T = eta * sigma^2 / 2`` (in units of ``L``): on the bowl ``L = |x|^2 / 2``
    each coordinate settles to a spread of variance ``eta * sigma^2 / (2 - eta)``.

    Args:
        noise: ``sigma >= 0``, the scale of the noise added to the gradient.
        **kwargs: the ``BaseOptimizer`` arguments (``lr``, ``random_state``, ...).
    """

    def __init__(self, loss, noise=0.1, **kwargs):
        super().__init__(loss, **kwargs)
        self.noise = noise

    def _check_params(self) -> None:
        super()._check_params()
        self._check_range("noise", 0.0)

    def update(self, X: Array) -> Array:
        """One noisy step for ``X: (n, d)``; returns (n, d)."""
        # BEGIN SOLUTION
        xi = self.rng_.standard_normal(X.shape)
        return X - self.lr * (self.loss.grad(X) + self.noise * xi)
        # END SOLUTION


class AdaGrad(BaseOptimizer):
    """AdaGrad: a step size per coordinate, shrinking with all the gradient seen so far.

    State: the sum of squared gradients ``G: (n, d)``, zero at the start. Update, with
    ``g = grad L(x)`` and all operations per coordinate::

        G <- G + g^2
        x <- x - eta * g / (sqrt(G) + eps)

    Epsilon sits outside the square root and the sum starts at 0, as in torch.optim
    (optax starts it at 0.1 and puts epsilon inside the root). Coordinates with large
    past gradients get small steps; every step shrinks, which helps on convex problems
    and stalls on long ones.

    Args:
        eps: ``>= 0``, keeps the first steps finite where ``G`` is tiny.
    """

    def __init__(self, loss, eps=1e-10, **kwargs):
        super().__init__(loss, **kwargs)
        self.eps = eps

    def _check_params(self) -> None:
        super()._check_params()
        self._check_range("eps", 0.0)

    def init_state(self, X: Array) -> None:
        """``G_ = 0`` with the shape of ``X: (n, d)``."""
        self.G_ = np.zeros_like(X)

    def update(self, X: Array) -> Array:
        """One step for ``X: (n, d)``."""
        # BEGIN SOLUTION
        g = self.loss.grad(X)
        self.G_ = self.G_ + g**2
        return X - self.lr * g / (np.sqrt(self.G_) + self.eps)
        # END SOLUTION


class RMSprop(BaseOptimizer):
    """RMSprop: AdaGrad with a moving average, so old gradients are forgotten.

    State: the average of squared gradients ``v: (n, d)``, zero at the start. Update, with
    ``g = grad L(x)``, ``rho = decay`` and all operations per coordinate::

        v <- rho * v + (1 - rho) * g^2
        x <- x - eta * g / (sqrt(v) + eps)

    No bias correction, epsilon outside the root, as torch.optim (``alpha = 0.99``);
    optax's ``rmsprop`` uses ``decay = 0.9`` and puts epsilon inside the root.

    Args:
        decay: ``rho`` in ``[0, 1)``, how slowly the average forgets.
        eps: ``>= 0``.
    """

    def __init__(self, loss, decay=0.99, eps=1e-8, **kwargs):
        super().__init__(loss, **kwargs)
        self.decay, self.eps = decay, eps

    def _check_params(self) -> None:
        super()._check_params()
        self._check_range("decay", 0.0, 1.0)
        self._check_range("eps", 0.0)

    def init_state(self, X: Array) -> None:
        """``v_ = 0`` with the shape of ``X: (n, d)``."""
        self.v_ = np.zeros_like(X)

    def update(self, X: Array) -> Array:
        """One step for ``X: (n, d)``."""
        # BEGIN SOLUTION
        g = self.loss.grad(X)
        self.v_ = self.decay * self.v_ + (1.0 - self.decay) * g**2
        return X - self.lr * g / (np.sqrt(self.v_) + self.eps)
        # END SOLUTION


class Adam(BaseOptimizer):
    """Adam: momentum on the gradient, RMSprop's scaling, and bias correction.

    State: the step count ``t_`` and the moving averages ``m_, v_: (n, d)``, all zero at the
    start. Update, with ``g = grad L(x)`` and all operations per coordinate::

        t <- t + 1
        m <- beta1 * m + (1 - beta1) * g
        v <- beta2 * v + (1 - beta2) * g^2
        m_hat = m / (1 - beta1^t),   v_hat = v / (1 - beta2^t)
        x <- x - eta * m_hat / (sqrt(v_hat) + eps)

    Bias correction with ``t`` counted from 1, epsilon outside the root: as torch.optim and
    optax (whose extra ``eps_root`` inside the root is 0 by default). The averages start at
    zero, so early on ``m`` is ``1 - beta1^t`` times too small and ``v`` is ``1 - beta2^t``
    times too small: uncorrected, the first step would be ``(1 - beta1) / sqrt(1 - beta2)``,
    about 3.16 times too long with the defaults. Corrected, the first step moves every
    coordinate by exactly ``eta`` (when ``eps = 0``).

    Args:
        lr: default ``1e-3``, torch's and optax's default.
        beta1, beta2: decay rates in ``[0, 1)`` of the two averages.
        eps: ``>= 0``.
    """

    def __init__(self, loss, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, **kwargs):
        super().__init__(loss, lr=lr, **kwargs)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps

    def _check_params(self) -> None:
        super()._check_params()
        self._check_range("beta1", 0.0, 1.0)
        self._check_range("beta2", 0.0, 1.0)
        self._check_range("eps", 0.0)

    def init_state(self, X: Array) -> None:
        """``t_ = 0`` and ``m_ = v_ = 0`` with the shape of ``X: (n, d)``."""
        self.t_ = 0
        self.m_ = np.zeros_like(X)
        self.v_ = np.zeros_like(X)

    def update(self, X: Array) -> Array:
        """One step for ``X: (n, d)``."""
        # BEGIN SOLUTION
        g = self.loss.grad(X)
        self.t_ += 1
        self.m_ = self.beta1 * self.m_ + (1.0 - self.beta1) * g
        self.v_ = self.beta2 * self.v_ + (1.0 - self.beta2) * g**2
        m_hat = self.m_ / (1.0 - self.beta1**self.t_)
        v_hat = self.v_ / (1.0 - self.beta2**self.t_)
        return X - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
        # END SOLUTION
