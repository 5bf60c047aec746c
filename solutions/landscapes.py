"""Lesson 1: loss landscapes, and their gradients and Hessians derived by hand.

Every landscape is called on a batch of points and answers for each row:

    landscape(X)          -> losses     (n,)
    landscape.grad(X)     -> gradients  (n, d)
    landscape.hessian(X)  -> Hessians   (n, d, d)

with ``X: (n, d)``. One point ``x: (d,)`` works too and gives a loss of shape
``()``, a gradient ``(d,)`` and a Hessian ``(d, d)``: the ``@batched`` decorator
turns it into a batch of one on the way in and back on the way out, so the code
you write inside a method always sees ``X`` of shape ``(n, d)``.

The values (``__call__``) are given. Your exercises are the derivatives: derive
them by hand from the loss (lesson 1's README teaches the method on other
functions), write them vectorized over the batch (no Python loop over rows), then
check them with ``grader.gradcheck`` before you hand in.
"""

from __future__ import annotations

import functools

import numpy as np

Array = np.ndarray  # float64 arrays throughout; shapes are given in each docstring


# --------------------------------------------------------------------------- given
def as_batch(X, d: int | None = None, name: str = "X") -> tuple[Array, bool]:
    """Return ``(X2, single)``: ``X`` as a float64 ``(n, d)`` array, and whether it was one point.

    Raises ``ValueError`` for a wrong number of dimensions or a wrong ``d``, and ``TypeError``
    for input that is not numeric. NaN and inf pass through (as in NumPy): refusing them is
    the optimizers' job, at ``fit``.
    """
    try:
        X2 = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array, got {type(X).__name__}") from exc
    single = X2.ndim == 1
    if single:
        X2 = X2[None, :]
    if X2.ndim != 2:
        raise ValueError(f"{name} must have shape (d,) or (n, d), got shape {np.shape(X)}")
    if d is not None and X2.shape[1] != d:
        raise ValueError(f"{name} has {X2.shape[1]} columns but this landscape has d = {d}")
    return X2, single


def batched(method):
    """Let a method written for ``X: (n, d)`` also accept one point ``x: (d,)``.

    Inside the method ``X`` is always a float64 ``(n, d)`` array; a single point's
    result comes back without its leading batch axis.
    """

    @functools.wraps(method)
    def wrapper(self, X, *args, **kwargs):
        X2, single = as_batch(X, getattr(self, "d", None))
        out = method(self, X2, *args, **kwargs)
        return out[0] if single else out

    return wrapper


class Landscape:
    """Base class: a loss ``L: R^d -> R`` with ``__call__``, ``grad`` and ``hessian`` on batches.

    Subclasses set ``self.d`` (the dimension) and implement the three methods.
    """

    d: int

    def __call__(self, X) -> Array:
        raise NotImplementedError

    def grad(self, X) -> Array:
        raise NotImplementedError

    def hessian(self, X) -> Array:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(d={self.d})"


# --------------------------------------------------------------------------- Quadratic
class Quadratic(Landscape):
    """The quadratic ``L(x) = 1/2 x^T A x - b^T x``.

    Args:
        A: (d, d) matrix, not necessarily symmetric (the grader uses non-symmetric ones).
        b: (d,) vector.

    ``d = 1`` is allowed: nothing may assume ``d >= 2``.
    """

    def __init__(self, A, b):
        A = np.asarray(A, dtype=np.float64)
        b = np.asarray(b, dtype=np.float64)
        if A.ndim != 2 or A.shape[0] != A.shape[1]:
            raise ValueError(f"A must be a square (d, d) matrix, got shape {A.shape}")
        if b.shape != (A.shape[0],):
            raise ValueError(f"b must have shape ({A.shape[0]},) to match A, got {b.shape}")
        if not (np.all(np.isfinite(A)) and np.all(np.isfinite(b))):
            raise ValueError("A and b must be finite")
        self.A, self.b, self.d = A, b, A.shape[0]

    @batched
    def __call__(self, X) -> Array:
        """Losses (n,): ``1/2 x^T A x - b^T x`` for each row ``x`` of ``X: (n, d)``."""
        return 0.5 * np.einsum("ni,ij,nj->n", X, self.A, X) - X @ self.b

    @batched
    def grad(self, X) -> Array:
        """Gradients (n, d): row ``k`` is the gradient of ``L`` at ``X[k]``.

        Derive it for a general, possibly non-symmetric ``A`` (index notation).
        """
        # BEGIN SOLUTION
        S = 0.5 * (self.A + self.A.T)
        return X @ S.T - self.b
        # END SOLUTION

    @batched
    def hessian(self, X) -> Array:
        """Hessians (n, d, d): the same matrix at every point, one copy per row of ``X``.

        It must be symmetric, whatever ``A`` is.
        """
        # BEGIN SOLUTION
        S = 0.5 * (self.A + self.A.T)
        return np.broadcast_to(S, (X.shape[0], self.d, self.d)).copy()
        # END SOLUTION


# --------------------------------------------------------------------------- ScaledQuadratic
class ScaledQuadratic(Landscape):
    """The scaled toy problem of the PBDL book: ``P(x) = [x0, alpha * x1]``, ``L = |P(x)|^2``.

    So ``L(x) = x0^2 + alpha^2 x1^2``, with ``x: (2,)``. Changing ``alpha`` rescales
    the second coordinate's units: a scale-invariant method should not notice.

    Args:
        alpha: positive scale of the second coordinate.
    """

    d = 2

    def __init__(self, alpha: float = 1.0):
        alpha = float(alpha)
        if not (np.isfinite(alpha) and alpha > 0):
            raise ValueError(f"alpha must be a positive finite number, got {alpha}")
        self.alpha = alpha

    @batched
    def physics(self, X) -> Array:
        """The 'physics' P (n, 2): ``[x0, alpha * x1]`` for each row of ``X: (n, 2)``."""
        return X * np.array([1.0, self.alpha])

    @batched
    def physics_jacobian(self, X) -> Array:
        """Jacobians (n, 2, 2) of P, ``J[k, i] = d P_k / d x_i`` (rows outputs, columns inputs),
        one per row of ``X`` (here the same at every point)."""
        # BEGIN SOLUTION
        return np.broadcast_to(np.diag([1.0, self.alpha]), (X.shape[0], 2, 2)).copy()
        # END SOLUTION

    def physics_inverse(self, Y, X0=None) -> Array:
        """The inverse (n, 2) of P: ``x = [y0, y1 / alpha]`` (one branch; ``X0`` is not needed)."""
        Y2, single = as_batch(Y, 2, name="Y")
        X = Y2 / np.array([1.0, self.alpha])
        return X[0] if single else X

    @batched
    def loss_y(self, Y) -> Array:
        """Losses (n,) in ``y`` space: ``|y|^2``."""
        return np.sum(Y**2, axis=1)

    @batched
    def grad_y(self, Y) -> Array:
        """Gradients (n, 2) in ``y`` space (given code)."""
        return 2.0 * Y

    @batched
    def hessian_y(self, Y) -> Array:
        """Hessians (n, 2, 2) in ``y`` space (given code)."""
        return np.broadcast_to(2.0 * np.eye(2), (Y.shape[0], 2, 2)).copy()

    # The loss is a sum of squares, L = |r(x)|^2, with residuals r = P(x) (for Gauss-Newton).
    def residuals(self, X) -> Array:
        """Residuals (n, 2): ``r = P(x)``, so that ``L = |r|^2``."""
        return self.physics(X)

    def residual_jacobian(self, X) -> Array:
        """Jacobians (n, 2, 2) of the residuals: ``dr/dx = dP/dx``."""
        return self.physics_jacobian(X)

    @batched
    def __call__(self, X) -> Array:
        """Losses (n,): ``|P(x)|^2 = x0^2 + alpha^2 x1^2``."""
        return np.sum(self.physics(X) ** 2, axis=1)

    @batched
    def grad(self, X) -> Array:
        """Gradients (n, 2) of ``L = |P(x)|^2`` with respect to ``x``."""
        # BEGIN SOLUTION
        return 2.0 * X * np.array([1.0, self.alpha**2])
        # END SOLUTION

    @batched
    def hessian(self, X) -> Array:
        """Hessians (n, 2, 2) of ``L`` with respect to ``x``, one per row (constant here)."""
        # BEGIN SOLUTION
        H = np.diag([2.0, 2.0 * self.alpha**2])
        return np.broadcast_to(H, (X.shape[0], 2, 2)).copy()
        # END SOLUTION


# --------------------------------------------------------------------------- SquarePhysics
class SquarePhysics(Landscape):
    """The PBDL toy physics: ``y(x) = [x0, x1^2]`` and the loss ``L(y) = |y|^2``.

    Three spaces: inputs ``x: (2,)``, physical outputs ``y: (2,)``, and the scalar
    loss. As a function of ``x`` the loss is ``L(x) = x0^2 + x1^4``; its minimum is
    the origin. Methods ending in ``_y`` work in ``y`` space: ``Y: (n, 2)``.
    """

    d = 2

    @batched
    def physics(self, X) -> Array:
        """Outputs (n, 2): ``y = [x0, x1^2]`` for each row of ``X: (n, 2)``."""
        return np.stack([X[:, 0], X[:, 1] ** 2], axis=1)

    @batched
    def physics_jacobian(self, X) -> Array:
        """Jacobians (n, 2, 2) of the physics: ``J[k, i] = d y_k / d x_i`` (rows outputs, columns inputs)."""
        # BEGIN SOLUTION
        J = np.zeros((X.shape[0], 2, 2))
        J[:, 0, 0] = 1.0
        J[:, 1, 1] = 2.0 * X[:, 1]
        return J
        # END SOLUTION

    def physics_inverse(self, Y, X0) -> Array:
        """Local inverse (n, 2): the ``x`` with ``physics(x) = y`` on the branch nearest ``x0``.

        ``y1 = x1^2`` has two preimages ``x1 = +sqrt(y1)`` and ``x1 = -sqrt(y1)``; take
        the one on the same side as ``x0``'s second coordinate, and the non-negative one when
        that coordinate is 0, whichever sign the zero carries: ``-0.0`` is 0 (``-0.0 < 0`` is
        False), though ``np.copysign`` and ``np.signbit`` see its sign bit. ``x0 = y0`` has only one.

        Args:
            Y: (n, 2) or (2,) targets in ``y`` space; ``y1 >= 0``.
            X0: (n, 2) or (2,) points that choose the branch (the current iterate).

        Raises:
            ValueError: if some ``y1 < 0``, which has no real preimage.
        """
        Y2, single = as_batch(Y, 2, name="Y")
        X02, _ = as_batch(X0, 2, name="X0")
        if len(X02) != len(Y2):
            raise ValueError(f"Y has {len(Y2)} rows but X0 has {len(X02)}: one guide per target")
        if np.any(Y2[:, 1] < 0):
            rows = np.flatnonzero(Y2[:, 1] < 0)
            raise ValueError(f"y1 < 0 has no real preimage under y1 = x1^2 (rows {rows.tolist()})")
        # BEGIN SOLUTION
        sign = np.where(X02[:, 1] < 0, -1.0, 1.0)
        X = np.stack([Y2[:, 0], sign * np.sqrt(Y2[:, 1])], axis=1)
        # END SOLUTION
        return X[0] if single else X

    # The loss is a sum of squares, L = |r(x)|^2, with residuals r = y(x) (for Gauss-Newton).
    def residuals(self, X) -> Array:
        """Residuals (n, 2): ``r = y(x)``, so that ``L = |r|^2``."""
        return self.physics(X)

    def residual_jacobian(self, X) -> Array:
        """Jacobians (n, 2, 2) of the residuals: ``dr/dx = dy/dx``."""
        return self.physics_jacobian(X)

    @batched
    def loss_y(self, Y) -> Array:
        """Losses (n,) in ``y`` space: ``L(y) = |y|^2``."""
        return np.sum(Y**2, axis=1)

    @batched
    def grad_y(self, Y) -> Array:
        """Gradients (n, 2) of the loss in ``y`` space: ``dL/dy`` at each row ``y`` of ``Y``."""
        # BEGIN SOLUTION
        return 2.0 * Y
        # END SOLUTION

    @batched
    def hessian_y(self, Y) -> Array:
        """Hessians (n, 2, 2) of the loss in ``y`` space, one per row of ``Y``."""
        # BEGIN SOLUTION
        return np.broadcast_to(2.0 * np.eye(2), (Y.shape[0], 2, 2)).copy()
        # END SOLUTION

    @batched
    def __call__(self, X) -> Array:
        """Losses (n,) in ``x`` space: ``L(y(x))``."""
        return self.loss_y(self.physics(X))

    @batched
    def grad(self, X) -> Array:
        """Gradients (n, 2) in ``x`` space: ``d L(y(x)) / dx``, by the chain rule through ``y``."""
        # BEGIN SOLUTION
        return np.stack([2.0 * X[:, 0], 4.0 * X[:, 1] ** 3], axis=1)
        # END SOLUTION

    @batched
    def hessian(self, X) -> Array:
        """Hessians (n, 2, 2) in ``x`` space: second derivatives of ``L(y(x))`` (mind the
        curvature of the physics itself, not only that of the loss in ``y``)."""
        # BEGIN SOLUTION
        H = np.zeros((X.shape[0], 2, 2))
        H[:, 0, 0] = 2.0
        H[:, 1, 1] = 12.0 * X[:, 1] ** 2
        return H
        # END SOLUTION


# --------------------------------------------------------------------------- GaussianWells
class GaussianWells(Landscape):
    """A random landscape: a sum of Gaussian wells (the many-dimensions course notebook).

    ``L(x) = sum_p c_p * well_p(x)`` with ``well_p(x) = -exp(-|x - mu_p|^2 / w_p^2)``,
    where ``mu_p`` are the well centres ``locs: (P, d)``, ``w_p`` the widths
    ``widths: (P,)`` and ``c_p >= 0`` the depths ``coeffs: (P,)``, summing to 1.
    (In the notation ``exp(-|x - mu|^2 / (2 sigma^2))`` this is ``sigma = w / sqrt(2)``.)

    Args:
        d: dimension of the landscape.
        n_wells: number of wells ``P``.
        random_state: seed (int) or None. The wells are drawn exactly as in the
            notebook (uniform centres in ``[-3, 3]^d``, widths in ``[0, 1)``, depths
            normalized), from NumPy's legacy Mersenne-Twister stream: that is what makes
            ``random_state=0`` reproduce the notebook's printed values. It is a
            generator of our own; the global NumPy random state is never touched.
    """

    def __init__(self, d: int = 2, n_wells: int = 3, random_state=None):
        if int(d) != d or d < 1:
            raise ValueError(f"d must be a positive integer, got {d}")
        if int(n_wells) != n_wells or n_wells < 1:
            raise ValueError(f"n_wells must be a positive integer, got {n_wells}")
        self.d, self.n_wells, self.random_state = int(d), int(n_wells), random_state
        # The legacy stream (not default_rng) only for compatibility with the notebook's seeds.
        rng = np.random.RandomState(random_state)
        self.locs = (2.0 * rng.uniform(size=(self.n_wells, self.d)) - 1.0) * 3.0  # (P, d)
        self.widths = rng.random_sample(self.n_wells)  # (P,)
        coeffs = rng.random_sample(self.n_wells)
        self.coeffs = coeffs / np.sum(coeffs)  # (P,)

    def _wells(self, X) -> tuple[Array, Array]:
        """Offsets ``D = x - mu_p: (n, P, d)`` and weighted wells ``c_p * well_p(x): (n, P)``."""
        D = X[:, None, :] - self.locs[None, :, :]
        weighted = -self.coeffs * np.exp(-np.einsum("npi,npi->np", D, D) / self.widths**2)
        return D, weighted

    @batched
    def __call__(self, X) -> Array:
        """Losses (n,): ``sum_p c_p well_p(x)``."""
        return np.sum(self._wells(X)[1], axis=1)

    @batched
    def grad(self, X) -> Array:
        """Gradients (n, d). ``self._wells(X)`` gives the offsets and weighted wells."""
        # BEGIN SOLUTION
        D, weighted = self._wells(X)
        return np.einsum("np,npi->ni", -2.0 * weighted / self.widths**2, D)
        # END SOLUTION

    @batched
    def hessian(self, X) -> Array:
        """Hessians (n, d, d), symmetric, a sum over the wells.

        Mind the width convention (``w^2``, with no 2, in the exponent): the course
        notebook's Hessian mixed it up and fails the gradient check.
        """
        # BEGIN SOLUTION
        D, weighted = self._wells(X)
        w2 = self.widths**2  # (P,)
        outer = np.einsum("npi,npj,np->nij", D, D, 4.0 * weighted / w2**2, optimize=True)  # pairwise: 3x faster
        diag = np.sum(-2.0 * weighted / w2, axis=1)  # (n,)
        return outer + diag[:, None, None] * np.eye(self.d)
        # END SOLUTION


# --------------------------------------------------------------------------- Rosenbrock
class Rosenbrock(Landscape):
    """The Rosenbrock function in any dimension ``d >= 2`` (the chained form).

    ``L(x) = sum_{i=0}^{d-2} [ b (x_{i+1} - x_i^2)^2 + (a - x_i)^2 ]`` with ``a = 1, b = 100``.
    With ``a = 1`` its minimum is ``L = 0`` at ``x = (1, ..., 1)``, at the end of a long,
    curved, flat-bottomed valley.

    Args:
        d: dimension, at least 2.
        a, b: the classic constants.
    """

    def __init__(self, d: int = 2, a: float = 1.0, b: float = 100.0):
        if int(d) != d or d < 2:
            raise ValueError(f"Rosenbrock needs an integer d >= 2, got {d}")
        self.d, self.a, self.b = int(d), float(a), float(b)

    @batched
    def __call__(self, X) -> Array:
        """Losses (n,)."""
        head, tail = X[:, :-1], X[:, 1:]
        return np.sum(self.b * (tail - head**2) ** 2 + (self.a - head) ** 2, axis=1)

    @batched
    def residuals(self, X) -> Array:
        """Residuals (n, 2 (d-1)) with ``L = |r|^2``: first ``sqrt(b) (x_{i+1} - x_i^2)`` for
        ``i = 0 .. d-2``, then ``a - x_i`` for the same ``i``."""
        head, tail = X[:, :-1], X[:, 1:]
        return np.concatenate([np.sqrt(self.b) * (tail - head**2), self.a - head], axis=1)

    @batched
    def residual_jacobian(self, X) -> Array:
        """Jacobians (n, 2 (d-1), d) of the residuals: ``J[k, i] = d r_k / d x_i``, rows in the
        order of ``residuals`` (the ``d-1`` chain terms, then the ``d-1`` terms ``a - x_i``)."""
        # BEGIN SOLUTION
        n, d = X.shape
        i = np.arange(d - 1)
        J = np.zeros((n, 2 * (d - 1), d))
        J[:, i, i] = -2.0 * np.sqrt(self.b) * X[:, :-1]
        J[:, i, i + 1] = np.sqrt(self.b)
        J[:, d - 1 + i, i] = -1.0
        return J
        # END SOLUTION

    @batched
    def grad(self, X) -> Array:
        """Gradients (n, d), for any ``a``, ``b`` and ``d >= 2``.

        Each ``x_i`` can appear in two terms of the sum; the first and last coordinates in one.
        """
        # BEGIN SOLUTION
        head, tail = X[:, :-1], X[:, 1:]
        r = tail - head**2  # (n, d-1)
        G = np.zeros_like(X)
        G[:, :-1] += -4.0 * self.b * head * r - 2.0 * (self.a - head)
        G[:, 1:] += 2.0 * self.b * r
        return G
        # END SOLUTION

    @batched
    def hessian(self, X) -> Array:
        """Hessians (n, d, d), symmetric, for any ``a``, ``b`` and ``d >= 2``."""
        # BEGIN SOLUTION
        n, d = X.shape
        head, tail = X[:, :-1], X[:, 1:]
        H = np.zeros((n, d, d))
        i = np.arange(d - 1)
        H[:, i, i] += 12.0 * self.b * head**2 - 4.0 * self.b * tail + 2.0
        H[:, i + 1, i + 1] += 2.0 * self.b
        H[:, i, i + 1] = -4.0 * self.b * head
        H[:, i + 1, i] = -4.0 * self.b * head
        return H
        # END SOLUTION


# --------------------------------------------------------------------------- least squares (given)
class LinearLeastSquares(Landscape):
    """Linear least squares: residuals ``r(x) = M x - c`` and ``L = |r|^2`` (given code).

    Args:
        M: (m, d) matrix. c: (m,) targets.

    ``grad = 2 M^T (M x - c)`` and ``hessian = 2 M^T M``; with ``M`` of full column rank the
    minimum solves the normal equations ``M^T M x = M^T c``.
    """

    def __init__(self, M, c):
        M, c = np.asarray(M, dtype=np.float64), np.asarray(c, dtype=np.float64)
        if M.ndim != 2 or c.shape != (M.shape[0],):
            raise ValueError(f"M must be (m, d) and c (m,), got {M.shape} and {c.shape}")
        self.M, self.c, self.d = M, c, M.shape[1]

    @batched
    def residuals(self, X) -> Array:
        """Residuals (n, m)."""
        return X @ self.M.T - self.c

    @batched
    def residual_jacobian(self, X) -> Array:
        """Jacobians (n, m, d): ``M`` for every row."""
        return np.broadcast_to(self.M, (X.shape[0],) + self.M.shape).copy()

    @batched
    def __call__(self, X) -> Array:
        return np.sum(self.residuals(X) ** 2, axis=1)

    @batched
    def grad(self, X) -> Array:
        return 2.0 * self.residuals(X) @ self.M

    @batched
    def hessian(self, X) -> Array:
        return np.broadcast_to(2.0 * self.M.T @ self.M, (X.shape[0], self.d, self.d)).copy()


class LinearPhysics(Landscape):
    """A linear "physics" ``y = P(x) = M x`` scored by ``L(y) = |y - c|^2`` (given code).

    With a square, invertible, non-symmetric ``M`` it tells ``J`` from ``J^T``: the Jacobian is
    ``M`` at every point, and an update that solves with ``M^T`` moves elsewhere.

    Args:
        M: (d, d) invertible matrix. c: (d,) target in ``y`` space (default 0).
    """

    def __init__(self, M, c=None):
        M = np.asarray(M, dtype=np.float64)
        if M.ndim != 2 or M.shape[0] != M.shape[1]:
            raise ValueError(f"M must be a square (d, d) matrix, got shape {M.shape}")
        self.M, self.d = M, M.shape[0]
        self.c = np.zeros(self.d) if c is None else np.asarray(c, dtype=np.float64)

    @batched
    def physics(self, X) -> Array:
        """``y = M x`` for each row, (n, d)."""
        return X @ self.M.T

    @batched
    def physics_jacobian(self, X) -> Array:
        """Jacobians (n, d, d): ``M`` at every point."""
        return np.broadcast_to(self.M, (X.shape[0], self.d, self.d)).copy()

    def physics_inverse(self, Y, X0=None) -> Array:
        """``x = M^{-1} y`` (n, d) (the only preimage; ``X0`` is not needed)."""
        Y2, single = as_batch(Y, self.d, name="Y")
        X = np.linalg.solve(self.M, Y2.T).T
        return X[0] if single else X

    @batched
    def loss_y(self, Y) -> Array:
        """``|y - c|^2``, (n,)."""
        return np.sum((Y - self.c) ** 2, axis=1)

    @batched
    def grad_y(self, Y) -> Array:
        """``2 (y - c)``, (n, d)."""
        return 2.0 * (Y - self.c)

    @batched
    def hessian_y(self, Y) -> Array:
        """``2 I``, (n, d, d)."""
        return np.broadcast_to(2.0 * np.eye(self.d), (Y.shape[0], self.d, self.d)).copy()

    @batched
    def __call__(self, X) -> Array:
        return self.loss_y(self.physics(X))

    @batched
    def grad(self, X) -> Array:
        """``2 M^T (M x - c)``, (n, d)."""
        return self.grad_y(self.physics(X)) @ self.M

    @batched
    def hessian(self, X) -> Array:
        """``2 M^T M``, (n, d, d)."""
        return np.broadcast_to(2.0 * self.M.T @ self.M, (X.shape[0], self.d, self.d)).copy()


class ExponentialFit(Landscape):
    """Curve fitting: the decay ``model(t) = x0 * exp(-x1 t)`` fitted to data ``(t_k, v_k)`` (given code).

    Residuals ``r_k = x0 exp(-x1 t_k) - v_k`` and ``L = |r|^2``, with parameters ``x = [x0, x1]``:
    amplitude and rate. Non-linear in ``x1``, so Gauss-Newton needs several steps.

    Args:
        t: (m,) sample times. v: (m,) measured values.
    """

    d = 2

    def __init__(self, t, v):
        t, v = np.asarray(t, dtype=np.float64), np.asarray(v, dtype=np.float64)
        if t.ndim != 1 or t.shape != v.shape:
            raise ValueError(f"t and v must be 1-D of the same length, got {t.shape} and {v.shape}")
        self.t, self.v = t, v

    @batched
    def residuals(self, X) -> Array:
        """Residuals (n, m)."""
        return X[:, :1] * np.exp(-X[:, 1:] * self.t) - self.v

    @batched
    def residual_jacobian(self, X) -> Array:
        """Jacobians (n, m, 2): ``[exp(-x1 t), -x0 t exp(-x1 t)]``."""
        e = np.exp(-X[:, 1:] * self.t)
        return np.stack([e, -X[:, :1] * self.t * e], axis=2)

    @batched
    def __call__(self, X) -> Array:
        return np.sum(self.residuals(X) ** 2, axis=1)

    @batched
    def grad(self, X) -> Array:
        return 2.0 * np.einsum("nm,nmi->ni", self.residuals(X), self.residual_jacobian(X))

    @batched
    def hessian(self, X) -> Array:
        """``2 J^T J + 2 sum_k r_k hess(r_k)``: the second term is what Gauss-Newton drops."""
        r, J = self.residuals(X), self.residual_jacobian(X)
        e = np.exp(-X[:, 1:] * self.t)
        second = np.zeros((X.shape[0], 2, 2))
        second[:, 0, 1] = second[:, 1, 0] = np.sum(r * (-self.t * e), axis=1)
        second[:, 1, 1] = np.sum(r * X[:, :1] * self.t**2 * e, axis=1)
        return 2.0 * np.einsum("nmi,nmj->nij", J, J) + 2.0 * second


# --------------------------------------------------------------------------- LogisticRegression (lesson 7)
def sigmoid(Z) -> Array:
    """The logistic function ``1 / (1 + exp(-z))``, entry by entry, without overflow (given code)."""
    Z = np.asarray(Z, dtype=np.float64)
    E = np.exp(-np.abs(Z))  # in (0, 1]: never overflows
    return np.where(Z >= 0, 1.0 / (1.0 + E), E / (1.0 + E))


def as_indices(idx, n_samples: int) -> Array:
    """Example indices ``idx`` as a 1-D int array, checked to lie in ``[0, n_samples)`` (given code).

    Whole numbers stored as floats are accepted (the grader sends arrays of floats); repeats are
    kept: an index drawn twice counts twice in a minibatch mean.
    """
    raw = np.asarray(idx)
    if raw.ndim != 1 or raw.size == 0:
        raise ValueError(f"idx must be a 1-D array of at least one example index, got shape {raw.shape}")
    if raw.dtype.kind not in "iu":
        as_float = raw.astype(np.float64)
        if not np.all(np.isfinite(as_float)) or np.any(as_float != np.round(as_float)):
            raise TypeError("idx must hold whole numbers (example indices)")
        raw = as_float
    out = raw.astype(np.int64)
    if out.min() < 0 or out.max() >= n_samples:
        raise ValueError(f"idx must lie in [0, {n_samples}), got values from {out.min()} to {out.max()}")
    return out


class LogisticRegression(Landscape):
    """Logistic regression as a finite sum: the average of ``N`` per-example losses.

    ``L(x) = (1/N) sum_i l_i(x)`` with ``l_i(x) = log(1 + exp(-y_i a_i^T x)) + (l2 / 2) |x|^2``,
    where ``a_i`` is row ``i`` of ``X_data: (N, d)`` (the features of example ``i``), ``y_i = +1``
    or ``-1`` its label (``y_data: (N,)``), and ``x: (d,)`` the weights. The regularizer sits
    inside every ``l_i``, so that a minibatch mean of the ``l_i`` carries it exactly once. With
    ``l2 > 0`` the loss is strongly convex, with one minimum.

    The *margin* of example ``i`` at ``x`` is ``m_i = y_i a_i^T x`` (positive: classified right);
    ``margins(X)`` gives them for a batch of points, and ``sigmoid`` (module level) is the logistic
    function ``1 / (1 + exp(-z))``, computed without overflow.

    Args:
        X_data: (N, d) features, one example per row.
        y_data: (N,) labels, each +1 or -1.
        l2: the weight of the regularizer, ``>= 0``.

    Attributes: ``X_data``, ``y_data`` (read-only copies), ``l2``, ``n_samples = N``, ``d``.

    ``LogisticRegression.synthetic(n_samples, d, l2, random_state)`` builds the lesson's seeded data set.
    """

    def __init__(self, X_data, y_data, l2: float = 0.0):
        X_data = np.array(X_data, dtype=np.float64)  # copies: nothing outside can change the data
        y_data = np.array(y_data, dtype=np.float64)
        if X_data.ndim != 2 or X_data.shape[0] < 1 or X_data.shape[1] < 1:
            raise ValueError(f"X_data must have shape (N, d) with N, d >= 1, got {X_data.shape}")
        if y_data.shape != (X_data.shape[0],):
            raise ValueError(f"y_data must have shape ({X_data.shape[0]},) to match X_data, got {y_data.shape}")
        if not np.all(np.isfinite(X_data)):
            raise ValueError("X_data must be finite")
        if not np.all(np.abs(y_data) == 1.0):
            raise ValueError("y_data must hold labels +1 or -1")
        l2 = float(l2)
        if not (np.isfinite(l2) and l2 >= 0):
            raise ValueError(f"l2 must be a finite number >= 0, got {l2}")
        X_data.flags.writeable = False
        y_data.flags.writeable = False
        self.X_data, self.y_data, self.l2 = X_data, y_data, l2
        self.n_samples, self.d = X_data.shape

    @classmethod
    def synthetic(cls, n_samples: int = 200, d: int = 2, l2: float = 0.01, random_state=0) -> "LogisticRegression":
        """The lesson's seeded data set (given code).

        With ``rng = np.random.default_rng(random_state)``: features ``a_i = z_i * s`` with ``z_i``
        standard normal ``(N, d)`` and column scales ``s`` from 2 down to 0.5 (``np.linspace``), so the
        loss is stretched along the first axis; true weights ``w = (1.5, -1, 0.5, -0.25, ...)``
        (halving, alternating in sign); and labels ``y_i = +1`` with probability ``sigmoid(a_i^T w)``,
        else ``-1`` (``rng.random(N)`` decides), so the classes overlap and the minimum is finite
        even at ``l2 = 0``.
        """
        n_samples, d = int(n_samples), int(d)
        rng = np.random.default_rng(random_state)
        scales = np.linspace(2.0, 0.5, d) if d > 1 else np.array([1.0])
        A = rng.standard_normal((n_samples, d)) * scales
        w = 1.5 * (-0.5) ** np.arange(d) * np.where(np.arange(d) == 0, 1.0, 4.0 / 3.0)
        y = np.where(rng.random(n_samples) < sigmoid(A @ w), 1.0, -1.0)
        return cls(A, y, l2)

    def margins(self, X) -> Array:
        """Margins (n, N): ``m[k, i] = y_i a_i^T x_k`` for each row ``x_k`` of ``X: (n, d)`` (given code)."""
        X2, _ = as_batch(X, self.d)
        return (X2 @ self.X_data.T) * self.y_data

    @batched
    def __call__(self, X) -> Array:
        """Losses (n,): ``(1/N) sum_i log(1 + exp(-m_i)) + (l2 / 2) |x|^2``."""
        return np.mean(np.logaddexp(0.0, -self.margins(X)), axis=1) + 0.5 * self.l2 * np.sum(X**2, axis=1)

    @batched
    def grad(self, X) -> Array:
        """Gradients (n, d) of ``L``: the average of the ``N`` per-example gradients, with the regularizer.

        Differentiate ``log(1 + exp(-m))`` with respect to the margin first, then the margin
        with respect to ``x`` (chain rule); ``sigmoid`` and ``margins`` are given.
        """
        # BEGIN SOLUTION
        W = self.y_data * sigmoid(-self.margins(X))  # (n, N): -dl_i/dm_i times y_i
        return -(W @ self.X_data) / self.n_samples + self.l2 * X
        # END SOLUTION

    @batched
    def hessian(self, X) -> Array:
        """Hessians (n, d, d) of ``L``, symmetric, positive definite when ``l2 > 0``."""
        # BEGIN SOLUTION
        S = sigmoid(self.margins(X))
        C = S * (1.0 - S) / self.n_samples  # (n, N): the curvature of each example along its a_i
        return np.einsum("ni,ij,ik->njk", C, self.X_data, self.X_data) + self.l2 * np.eye(self.d)
        # END SOLUTION

    @batched
    def grad_batch(self, X, idx) -> Array:
        """Minibatch gradients (n, d): the mean of ``grad l_i`` over the examples ``i`` in ``idx``.

        ``idx``: (b,) example indices in ``[0, N)``; an index that appears twice counts twice
        (as when a minibatch is drawn with replacement). Every row of ``X`` uses the same
        minibatch. ``grad_batch(X, range(N))`` is ``grad(X)``, and averaged over every minibatch
        of a given size, ``grad_batch`` is ``grad``: an unbiased estimate of the full gradient.
        """
        idx = as_indices(idx, self.n_samples)
        # BEGIN SOLUTION
        A, y = self.X_data[idx], self.y_data[idx]  # (b, d), (b,)
        W = y * sigmoid(-(X @ A.T) * y)  # (n, b)
        return -(W @ A) / len(idx) + self.l2 * X
        # END SOLUTION
