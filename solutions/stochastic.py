"""Lesson 7: stochastic gradients, for losses that are averages over many examples.

A finite-sum landscape (``LogisticRegression`` in ``landscapes.py``) has ``L(x) = (1/N) sum_i l_i(x)``
and a minibatch gradient ``loss.grad_batch(X, idx)``, the mean of ``grad l_i`` over the example
indices ``idx``. The methods here step with such estimates instead of the full gradient.

The conventions that make two implementations follow the same path, bit for bit in their draws:

- **Draws.** Every step draws *one* minibatch of ``batch_size`` distinct indices,
  ``self.rng_.choice(N, size=batch_size, replace=False)`` with ``N = loss.n_samples`` (without
  replacement within a minibatch, independently from step to step), from the generator ``rng_``
  that ``fit`` makes from ``random_state``. Nothing else is drawn, and never from ``np.random``.
- **One minibatch for the whole batch of starts.** All rows of ``X`` use the step's minibatch, so
  a row's path does not depend on the other rows: a batch gives the same iterates as its rows
  run one by one with the same ``random_state``.
- **Counting.** ``t_`` counts the steps taken in this ``fit``, from 0: the first step is step
  ``t = 0`` and uses ``lr`` itself. An epoch is ``N / batch_size`` steps (``N`` example gradients).
- **Stopping.** As for every optimizer, ``fit`` stops a row once the norm of the *full* gradient
  ``grad L`` at its reported iterate is below ``tol``, tested after every step. That test is the
  course's monitor, and costs ``N`` example gradients per step: real training cannot afford it
  and watches a validation loss every epoch or so instead. A constant-step SGD hovers in a noise
  ball and stops only if the ball lies within ``tol``; ``tol=0`` runs all ``max_iter`` steps.
"""

from __future__ import annotations

import numbers

import numpy as np

from .base import Array, BaseOptimizer

SCHEDULES = ("constant", "inverse", "inverse_sqrt")


class _Minibatches(BaseOptimizer):
    """What the stochastic methods share: the checks of ``batch_size`` and of the loss (given code)."""

    requires = ("grad", "grad_batch")

    def _check_batch_size(self, allow_none: bool = False) -> None:
        name, b = type(self).__name__, self.batch_size
        if b is None and allow_none:
            return
        if isinstance(b, bool) or not isinstance(b, numbers.Integral):
            raise TypeError(f"{name}: batch_size must be a whole number of examples{' or None' if allow_none else ''}, got {b!r}")
        n = getattr(self.loss, "n_samples", None)
        if not isinstance(n, numbers.Integral):
            raise TypeError(f"{name} needs a finite-sum loss with n_samples and grad_batch, but {type(self.loss).__name__} has no n_samples")
        if not 1 <= b <= n:
            raise ValueError(f"{name}: batch_size must be in [1, N = {n}], got {b}")


class SGD(_Minibatches):
    """Minibatch stochastic gradient descent, with a step-size schedule and iterate averaging.

    Each step ``t = 0, 1, 2, ...`` draws a minibatch ``I_t`` (see the module's conventions) and moves
    the SGD iterate ``z``::

        z <- z - eta_t * grad_batch(z, I_t)

    with ``eta_t`` from ``schedule``:

        ``"constant"``       ``eta_t = lr``
        ``"inverse"``        ``eta_t = lr / (1 + t / t0)``        (Robbins-Monro: sum eta = inf, sum eta^2 < inf)
        ``"inverse_sqrt"``   ``eta_t = lr / sqrt(1 + t / t0)``

    Without averaging (``average=None``) the reported iterate ``x`` is ``z`` itself. With
    ``average = a`` (an integer ``>= 0``), ``x_t`` is ``z_t`` while ``t < a`` and from then on the
    running mean of the SGD iterates from ``z_a`` on: ``x_t = (z_a + z_{a+1} + ... + z_t) / (t - a + 1)``
    (``z_0`` is the start, ``z_t`` the SGD iterate after ``t`` steps). Every step moves ``z``, never
    the average: ``update`` receives the reported ``x`` (once averaging has begun, that is the
    running mean so far, the only place the mean is kept) and returns the new one, and keeps ``z`` in
    ``z_``. The history, ``X_`` and the stopping test are about the reported iterates.

    With ``batch_size = N`` every minibatch holds each example once, so the step is the full
    gradient's: ``SGD(batch_size=N)`` is ``GradientDescent`` (up to the order of a sum).

    State (reset in ``init_state``): the step count ``t_`` and the SGD iterates ``z_: (n, d)``.

    Args:
        lr: the first step size ``eta_0``.
        batch_size: examples per minibatch, in ``[1, N]``.
        schedule: ``"constant"``, ``"inverse"`` or ``"inverse_sqrt"``.
        t0: ``> 0``, the steps over which a decaying schedule falls to half (``"inverse"``) or to
            ``1/sqrt(2)`` (``"inverse_sqrt"``) of ``lr``; unused by ``"constant"``.
        average: None (no averaging), or the step ``a >= 0`` from which the iterates are averaged.
        **kwargs: the ``BaseOptimizer`` arguments (``max_iter``, ``tol``, ``random_state``, ...).
    """

    def __init__(self, loss, lr=0.1, batch_size=1, schedule="constant", t0=100.0, average=None, **kwargs):
        super().__init__(loss, lr=lr, **kwargs)
        self.batch_size, self.schedule, self.t0, self.average = batch_size, schedule, t0, average

    def _check_params(self) -> None:
        super()._check_params()
        self._check_batch_size()
        if self.schedule not in SCHEDULES:
            raise ValueError(f"SGD: schedule must be one of {SCHEDULES}, got {self.schedule!r}")
        self._check_range("t0", 1e-300)
        a = self.average
        if a is not None and (isinstance(a, bool) or not isinstance(a, numbers.Integral)):
            raise TypeError(f"SGD: average must be None or the step (an integer >= 0) from which to average, got {a!r}")
        if a is not None and a < 0:
            raise ValueError(f"SGD: average must be >= 0, got {a}")

    def init_state(self, X: Array) -> None:
        """No steps yet (``t_ = 0``); the SGD iterates ``z_`` start at ``X: (n, d)``."""
        self.t_ = 0
        self.z_ = X.copy()

    def step_size(self, t: int) -> float:
        """``eta_t``, the step size of step ``t`` (counted from 0) under ``schedule``."""
        # BEGIN SOLUTION
        if self.schedule == "inverse":
            return self.lr / (1.0 + t / self.t0)
        if self.schedule == "inverse_sqrt":
            return self.lr / np.sqrt(1.0 + t / self.t0)
        return self.lr
        # END SOLUTION

    def update(self, X: Array) -> Array:
        """One step for the reported iterates ``X: (n, d)``; returns the new reported iterates (n, d)."""
        # BEGIN SOLUTION
        idx = self.rng_.choice(self.loss.n_samples, size=self.batch_size, replace=False)
        self.z_ = self.z_ - self.step_size(self.t_) * self.loss.grad_batch(self.z_, idx)
        self.t_ += 1
        if self.average is None or self.t_ <= self.average:
            return self.z_.copy()
        return X + (self.z_ - X) / (self.t_ - self.average + 1)
        # END SOLUTION


class SVRG(_Minibatches):
    """Stochastic variance-reduced gradient (Johnson and Zhang, 2013).

    A *snapshot* ``s`` of the iterate is taken, with its full gradient ``g_s = grad L(s)``, at step
    ``t = 0`` and then every ``inner_steps`` steps (at ``t = 0, m, 2m, ...``, before that step's move;
    each row has its own snapshot). Every step draws a minibatch ``I_t`` (see the module's
    conventions) and moves along the control-variate estimate::

        g = grad_batch(x, I_t) - grad_batch(s, I_t) + g_s
        x <- x - eta * g

    Both minibatch gradients use the same ``I_t``. ``g`` is unbiased, and its variance vanishes as
    ``x`` and ``s`` approach the minimum, so a constant ``lr`` converges (linearly, on a strongly
    convex finite sum). At a snapshot step ``x = s`` and ``g = grad L(x)``: the first step is
    gradient descent's. Cost: ``N`` example gradients per snapshot and ``2 * batch_size`` per step,
    snapshot steps included (their two minibatch gradients are equal, but they are computed).

    State (reset in ``init_state``): the step count ``t_``, the snapshots ``snapshot_: (n, d)`` and
    their full gradients ``full_grad_: (n, d)``.

    Args:
        batch_size: examples per minibatch, in ``[1, N]``.
        inner_steps: ``m >= 1``, the steps between snapshots; None for one epoch, ``N // batch_size``.
        **kwargs: the ``BaseOptimizer`` arguments (``lr``, ``max_iter``, ``tol``, ``random_state``, ...).
    """

    def __init__(self, loss, lr=0.1, batch_size=1, inner_steps=None, **kwargs):
        super().__init__(loss, lr=lr, **kwargs)
        self.batch_size, self.inner_steps = batch_size, inner_steps

    def _check_params(self) -> None:
        super()._check_params()
        self._check_batch_size()
        m = self.inner_steps
        if m is not None and (isinstance(m, bool) or not isinstance(m, numbers.Integral)):
            raise TypeError(f"SVRG: inner_steps must be None or a whole number of steps, got {m!r}")
        if m is not None and m < 1:
            raise ValueError(f"SVRG: inner_steps must be >= 1, got {m}")

    def init_state(self, X: Array) -> None:
        """No steps yet; ``m_`` is the number of steps between snapshots; the snapshots and
        their full gradients (n, d) are taken by the first step."""
        self.t_ = 0
        self.m_ = self.inner_steps if self.inner_steps is not None else max(1, self.loss.n_samples // self.batch_size)
        self.snapshot_ = np.full_like(X, np.nan)
        self.full_grad_ = np.full_like(X, np.nan)

    def update(self, X: Array) -> Array:
        """One step for ``X: (n, d)`` (refreshing the snapshot first when ``t_`` is a multiple of ``m_``); returns (n, d)."""
        # BEGIN SOLUTION
        if self.t_ % self.m_ == 0:
            self.snapshot_ = X.copy()
            self.full_grad_ = self.loss.grad(X)
        idx = self.rng_.choice(self.loss.n_samples, size=self.batch_size, replace=False)
        g = self.loss.grad_batch(X, idx) - self.loss.grad_batch(self.snapshot_, idx) + self.full_grad_
        self.t_ += 1
        return X - self.lr * g
        # END SOLUTION


class AdamW(_Minibatches):
    """Adam with decoupled weight decay (Loshchilov and Hutter, 2019), on minibatches or full gradients.

    The gradient ``g`` is the full ``grad L(x)`` when ``batch_size`` is None (then any landscape with
    a ``grad`` will do), else ``grad_batch(x, I_t)`` for a minibatch drawn as the module's conventions
    say. Lesson 2's Adam runs on ``g`` alone, and the decay acts on ``x`` outside the adaptive step,
    scaled by ``lr`` as in ``torch.optim.AdamW``::

        t <- t + 1
        m <- beta1 * m + (1 - beta1) * g
        v <- beta2 * v + (1 - beta2) * g^2
        m_hat = m / (1 - beta1^t),   v_hat = v / (1 - beta2^t)
        x <- x - eta * (m_hat / (sqrt(v_hat) + eps) + lambda * x)

    with ``eta = lr``, ``lambda = weight_decay`` and ``g`` taken at the ``x`` of the start of the step.
    So ``weight_decay = 0`` is exactly ``Adam``. An L2 term ``(lambda / 2) |x|^2`` added to the loss
    would instead enter ``g`` and be divided by ``sqrt(v_hat)``: that is not AdamW.

    State (reset in ``init_state``): the step count ``t_`` and the averages ``m_, v_: (n, d)``.

    Args:
        lr: default ``1e-3``. beta1, beta2: in ``[0, 1)``. eps: ``>= 0``.
        weight_decay: ``lambda >= 0`` (default ``1e-2``, torch's).
        batch_size: None (full gradients) or examples per minibatch, in ``[1, N]``.
    """

    requires = ("grad",)

    def __init__(self, loss, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2, batch_size=None, **kwargs):
        super().__init__(loss, lr=lr, **kwargs)
        self.beta1, self.beta2, self.eps, self.weight_decay, self.batch_size = beta1, beta2, eps, weight_decay, batch_size

    def _check_params(self) -> None:
        super()._check_params()
        if self.batch_size is not None and not callable(getattr(self.loss, "grad_batch", None)):
            raise TypeError(f"AdamW with batch_size={self.batch_size!r} needs loss.grad_batch(X, idx), but {type(self.loss).__name__} has no such method")
        self._check_batch_size(allow_none=True)
        self._check_range("beta1", 0.0, 1.0)
        self._check_range("beta2", 0.0, 1.0)
        self._check_range("eps", 0.0)
        self._check_range("weight_decay", 0.0)

    def init_state(self, X: Array) -> None:
        """``t_ = 0`` and ``m_ = v_ = 0`` with the shape of ``X: (n, d)``."""
        self.t_ = 0
        self.m_ = np.zeros_like(X)
        self.v_ = np.zeros_like(X)

    def update(self, X: Array) -> Array:
        """One step for ``X: (n, d)``; returns (n, d)."""
        # BEGIN SOLUTION
        if self.batch_size is None:
            g = self.loss.grad(X)
        else:
            g = self.loss.grad_batch(X, self.rng_.choice(self.loss.n_samples, size=self.batch_size, replace=False))
        self.t_ += 1
        self.m_ = self.beta1 * self.m_ + (1.0 - self.beta1) * g
        self.v_ = self.beta2 * self.v_ + (1.0 - self.beta2) * g**2
        m_hat = self.m_ / (1.0 - self.beta1**self.t_)
        v_hat = self.v_ / (1.0 - self.beta2**self.t_)
        return X - self.lr * (m_hat / (np.sqrt(v_hat) + self.eps) + self.weight_decay * X)
        # END SOLUTION
