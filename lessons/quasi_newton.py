"""Lesson 4: quasi-Newton methods, which learn the curvature from the gradients they see.

After a step ``s = x_new - x`` the gradient changes by ``y = g_new - g``. For a quadratic with
Hessian ``A``, ``y = A s`` exactly, so a matrix ``H`` meant to stand in for the inverse Hessian
should satisfy the *secant equation* ``H_new y = s`` (and ``B = H^{-1}``, the Hessian
approximation, ``B_new s = y``). Each method here keeps such an ``H`` (or, for L-BFGS, the
recent pairs that define it) and updates it after every step. The updates of ``H`` are your
exercises (lesson 4 defines each method by its update of ``B``; you derive the update of ``H``);
the loops, the line search and the bookkeeping are given.
"""

from __future__ import annotations

import numpy as np

from .base import Array, BaseOptimizer
from .linesearch import row_index, wolfe

#: a pair (s, y) is used only when its curvature y.s is at least this times |s| |y|
CURVATURE_TOL = 1e-10


def curvature_ok(s: Array, y: Array) -> Array:
    """(n,) True where ``y . s > CURVATURE_TOL |s| |y|`` (the pair carries positive curvature)."""
    return np.einsum("nd,nd->n", s, y) > CURVATURE_TOL * np.linalg.norm(s, axis=1) * np.linalg.norm(y, axis=1)


class Broyden(BaseOptimizer):
    """Broyden's ("good") method, kept in inverse form, with full steps.

    State: ``H_: (n, d, d)``, an approximation of the inverse Hessian, starting at ``lr * I``
    (so the first step is a gradient step of size ``lr``). Each step is the full step
    ``x <- x - H g``; then ``H`` is updated with the new pair ``(s, y)``.

    The method is defined by its update of the Hessian approximation ``B = H^{-1}``, the
    smallest change to ``B`` (in the Frobenius norm) with ``B_new s = y``::

        B_new = B + (y - B s) s^T / (s^T s)

    ``inverse_update`` returns ``H_new = B_new^{-1}`` in closed form from ``H`` alone (a
    rank-one change of ``H``; no inverse, no solve). It satisfies ``H_new y = s``. It does not
    keep ``H`` symmetric or positive definite, so a step may go uphill; there is no line search.
    """

    def init_state(self, X: Array) -> None:
        """``H_ = lr * I`` for every row; no previous point yet."""
        n, d = X.shape
        self.H_ = np.broadcast_to(self.lr * np.eye(d), (n, d, d)).copy()
        self.previous_ = None  # (X, g) of the last step

    @staticmethod
    def inverse_update(H: Array, s: Array, y: Array) -> Array:
        """Broyden's update of the inverse ``H: (n, d, d)`` for steps ``s: (n, d)`` and gradient
        changes ``y: (n, d)``: ``H_new = B_new^{-1}`` (see the class), shape ``(n, d, d)``.

        Your closed form divides by one number per row, ``s^T H y``. Where
        ``|s^T H y| <= 1e-12 |s| |H y|`` (the norms of ``s`` and of ``H y``, whichever way you
        group the product) the update is undefined: such a row keeps its ``H`` unchanged, and no
        division by zero may happen (select rows with ``np.where``)."""
        raise NotImplementedError("Broyden.inverse_update: not implemented yet (your exercise in quasi_newton.py)")

    def update(self, X: Array) -> Array:
        """One step for ``X: (n, d)``."""
        g = self.loss.grad(X)
        if self.previous_ is not None:
            X_old, g_old = self.previous_
            self.H_ = self.inverse_update(self.H_, X - X_old, g - g_old)
        self.previous_ = (X.copy(), g)
        return X - np.einsum("nij,nj->ni", self.H_, g)


class _WolfeQuasiNewton(BaseOptimizer):
    """Shared loop of BFGS and L-BFGS: direction ``p = -H g`` (``H`` the inverse-Hessian estimate: the
    matrix ``H_`` for BFGS, the two-loop recursion for L-BFGS), a strong Wolfe line search, then
    the curvature update with the new pair. Counts loss-and-gradient evaluations in ``n_evals_``.

    The first trial step of each line search (``_first_trial``): on a run's first step
    ``t = min(lr, 1.01 / |g|)``, a step of length about 1 while nothing is known of the scale
    (SciPy's choice for both BFGS and L-BFGS-B).
    After that, a matrix that learns its scale (L-BFGS's ``gamma``) tries the full step ``lr``, as
    L-BFGS-B does; an unscaled one (BFGS from ``H = I``) tries the step that would repeat the
    last decrease if the loss were quadratic along ``p``, ``t = min(lr, 2.02 (f - f_prev) / g.p)``
    (Nocedal & Wright eq. 3.60, with SciPy's factor 1.01), as SciPy's BFGS does.
    """

    #: whether the direction carries a learned scale, so that t = 1 is the natural first trial
    scaled = False

    def __init__(self, loss, lr=1.0, c1=1e-4, c2=0.9, **kwargs):
        super().__init__(loss, lr=lr, **kwargs)
        self.c1, self.c2 = c1, c2

    def _check_params(self) -> None:
        super()._check_params()
        self._check_range("c1", 0.0, 1.0)
        self._check_range("c2", self.c1, 1.0)

    def init_state(self, X: Array) -> None:
        self.n_evals_ = np.zeros(X.shape[0], dtype=int)
        self._cache = None  # (X, f, g) of every row at its last accepted point: (n, d), (n,), (n, d)
        self._f_before = np.full(X.shape[0], np.nan)  # each row's loss before its last step

    def _direction(self, g: Array, rows: Array) -> Array:
        raise NotImplementedError

    def _learn(self, s: Array, y: Array, rows: Array) -> None:
        raise NotImplementedError

    def _loss_and_grad(self, X: Array, rows: Array) -> tuple[Array, Array]:
        """Loss (k,) and gradient (k, d) at ``X[rows]``, reusing the line search's last values."""
        sel = row_index(rows, len(X))
        Xa = X[sel]
        f, g = np.empty(len(rows)), np.empty_like(Xa)
        fresh = np.ones(len(rows), dtype=bool)
        if self._cache is not None:
            fresh = ~np.all(self._cache[0][sel] == Xa, axis=1)
            f[~fresh], g[~fresh] = self._cache[1][rows[~fresh]], self._cache[2][rows[~fresh]]
        if fresh.any():
            f[fresh] = self.loss(Xa[fresh])
            g[fresh] = self.loss.grad(Xa[fresh])
            self.n_evals_[rows[fresh]] += 1
        return f, g

    def _first_trial(self, f: Array, g: Array, p: Array, rows: Array, first: bool) -> Array:
        """The first trial step (k,) of the line searches from losses ``f: (k,)``, gradients
        ``g`` and directions ``p: (k, d)`` of the rows ``rows``."""
        if first:
            return np.minimum(self.lr, 1.01 / np.maximum(np.linalg.norm(g, axis=1), 1e-300))
        if self.scaled:
            return np.full(len(rows), float(self.lr))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            guess = 2.02 * (f - self._f_before[rows]) / np.einsum("nd,nd->n", g, p)
        return np.where(np.isfinite(guess) & (guess > 0), np.minimum(self.lr, guess), self.lr)

    def update(self, X: Array) -> Array:
        """One step for ``X: (n, d)`` (only the rows still running are searched)."""
        rows = np.flatnonzero(getattr(self, "active_", np.ones(len(X), dtype=bool)))
        first = self._cache is None
        f, g = self._loss_and_grad(X, rows)
        p = self._direction(g, rows)
        t0 = self._first_trial(f, g, p, rows, first)
        self._f_before[rows] = f
        sel = row_index(rows, len(X))  # a view when every row is running
        found = wolfe(self.loss, X[sel], p, f, g, t0=t0, c1=self.c1, c2=self.c2)
        self.n_evals_[rows] += found.evaluations
        self._learn(found.X - X[sel], found.g - g, rows)
        if self._cache is None:
            self._cache = (X.copy(), np.full(len(X), np.nan), np.full(X.shape, np.nan))
        self._cache[0][sel], self._cache[1][sel], self._cache[2][sel] = found.X, found.f, found.g
        if isinstance(sel, slice):
            X_new = found.X
        else:
            X_new = X.copy()
            X_new[rows] = found.X
        self.grad_new_ = self._cache[2]  # the stopping test needs no new gradient evaluation
        return X_new


class BFGS(_WolfeQuasiNewton):
    """BFGS with a strong Wolfe line search, on a batch of starts.

    State: ``H_: (n, d, d)``, the inverse-Hessian approximation, starting at ``I`` (as
    scipy's BFGS; no rescaling). After each step ``H`` is updated with the new pair. The method
    is defined by its update of the Hessian approximation ``B = H^{-1}``::

        B_new = B - B s s^T B / (s^T B s) + y y^T / (y^T s)

    ``inverse_update`` returns ``H_new = B_new^{-1}`` in closed form from ``H`` alone (no
    inverse, no solve); the code calls ``rho = 1 / (y^T s)``. It is symmetric and satisfies
    the secant equation ``H_new y = s``. When ``y^T s > 0`` (which the Wolfe curvature condition
    guarantees) it keeps ``H`` positive definite; pairs without positive curvature are skipped.

    Args:
        lr: the first trial step of every line search but the first (1: the full step).
        c1, c2: the Wolfe constants.
    """

    def init_state(self, X: Array) -> None:
        """``H_ = I`` for every row."""
        super().init_state(X)
        n, d = X.shape
        self.H_ = np.broadcast_to(np.eye(d), (n, d, d)).copy()

    @staticmethod
    def inverse_update(H: Array, s: Array, y: Array) -> Array:
        """The BFGS update of the inverse ``H: (n, d, d)`` for the pairs ``s, y: (n, d)``:
        ``H_new = B_new^{-1}`` (see the class), shape ``(n, d, d)``. Rows whose pair fails
        ``curvature_ok(s, y)`` keep their ``H`` unchanged, with no division by zero on the way."""
        raise NotImplementedError("BFGS.inverse_update: not implemented yet (your exercise in quasi_newton.py)")

    def _direction(self, g: Array, rows: Array) -> Array:
        return -np.einsum("nij,nj->ni", self.H_[rows], g)

    def _learn(self, s: Array, y: Array, rows: Array) -> None:
        self.H_[rows] = self.inverse_update(self.H_[rows], s, y)


class LBFGS(_WolfeQuasiNewton):
    """Limited-memory BFGS: the last ``memory`` pairs instead of a ``d x d`` matrix.

    The direction is ``-H g``, where ``H`` is the matrix that ``BFGS.inverse_update`` would
    build by applying the stored pairs, oldest first, to the initial matrix ``gamma I``.
    ``two_loop`` computes ``H g`` from the pairs directly, in ``O(memory * d)`` per row,
    never forming a ``(d, d)`` matrix (lesson 4 shows how to unroll such a recursion).

    With ``scaling`` (the default, as L-BFGS-B), ``gamma = s^T y / y^T y`` from the newest
    pair; without it ``gamma = 1``, and while the memory holds every pair the iterates are
    exactly those of ``BFGS``. A pair without positive curvature is stored with ``rho = 0``,
    which makes it a no-op in both loops.

    Args:
        memory: how many pairs ``m`` to keep.
        scaling: use ``gamma = s^T y / y^T y`` (else 1).
    """

    def __init__(self, loss, memory=10, scaling=True, **kwargs):
        super().__init__(loss, **kwargs)
        self.memory, self.scaling = memory, scaling

    @property
    def scaled(self) -> bool:
        """With ``scaling``, the directions carry gamma's scale: first trials are ``t = lr``."""
        return bool(self.scaling)

    def _check_params(self) -> None:
        super()._check_params()
        if isinstance(self.memory, bool) or not isinstance(self.memory, (int, np.integer)) or self.memory < 1:
            raise ValueError(f"LBFGS: memory must be a positive integer, got {self.memory!r}")

    def init_state(self, X: Array) -> None:
        """No pairs yet; ``gamma_ = 1``."""
        super().init_state(X)
        n, d = X.shape
        # The pairs live in buffers of 2 * memory slots; the stored ones are slots
        # [start, stop), oldest first, so the two-loop gets them as views, never copies.
        # When stop reaches the end, the newest memory - 1 move to the front (once every
        # memory steps), which costs less than stacking the pairs at every step.
        slots = 2 * min(self.memory, max(self.max_iter, 1))  # a run never stores more than max_iter
        self._S, self._Y, self._rho = np.zeros((slots, n, d)), np.zeros((slots, n, d)), np.zeros((slots, n))
        self._start = self._stop = 0
        self.gamma_ = np.ones(n)

    @property
    def pairs_(self) -> tuple[Array, Array, Array]:
        """The stored pairs ``S, Y: (k, n, d)`` and ``rho: (k, n)``, oldest first (views)."""
        window = slice(self._start, self._stop)
        return self._S[window], self._Y[window], self._rho[window]

    @staticmethod
    def two_loop(g: Array, S: Array, Y: Array, rho: Array, gamma: Array) -> Array:
        """``H g`` (n, d) for gradients ``g: (n, d)``, pairs ``S, Y: (k, n, d)`` (``S[0]`` the
        oldest), ``rho: (k, n)`` and the initial scale ``gamma: (n,)``.

        ``H`` is the dense matrix BFGS builds from ``gamma I`` (each row its own ``gamma``) by
        applying the pairs ``(S[i], Y[i])`` in order ``i = 0, 1, ..., k-1``; the result must
        equal ``H g`` to rounding, computed with vector operations only (no ``(d, d)`` array).
        Use the ``rho`` given, never ``1 / (y^T s)`` recomputed: a pair stored as a no-op has
        ``s = y = 0`` and ``rho = 0``, and must change nothing. With ``k = 0`` the result is
        ``gamma g``."""
        raise NotImplementedError("LBFGS.two_loop: not implemented yet (your exercise in quasi_newton.py)")

    def _direction(self, g: Array, rows: Array) -> Array:
        S, Y, rho = self.pairs_
        if len(S) == 0:
            return -self.gamma_[rows, None] * g
        sel = row_index(rows, S.shape[1])  # views when every row is still running
        S, Y, rho = S[:, sel], Y[:, sel], rho[:, sel]
        return -self.two_loop(g, S, Y, rho, self.gamma_[rows])

    def _learn(self, s: Array, y: Array, rows: Array) -> None:
        ok = curvature_ok(s, y)
        sy = np.einsum("nd,nd->n", s, y)
        if self._stop == len(self._S):  # out of slots: keep the newest memory - 1 at the front
            keep = self.memory - 1
            for buffer in (self._S, self._Y, self._rho):
                buffer[:keep] = buffer[self._stop - keep : self._stop]
            self._start, self._stop = 0, keep
        slot, sel = self._stop, row_index(rows, len(self.gamma_))
        if not isinstance(sel, slice):
            self._S[slot], self._Y[slot], self._rho[slot] = 0.0, 0.0, 0.0  # rows not running: no-op pair
        self._S[slot, sel] = np.where(ok[:, None], s, 0.0)
        self._Y[slot, sel] = np.where(ok[:, None], y, 0.0)
        self._rho[slot, sel] = np.where(ok, 1.0 / np.where(ok, sy, 1.0), 0.0)
        self._stop += 1
        self._start = max(self._start, self._stop - self.memory)
        if self.scaling:
            yy = np.einsum("nd,nd->n", y, y)
            self.gamma_[rows] = np.where(ok, sy / np.where(ok, yy, 1.0), self.gamma_[rows])
