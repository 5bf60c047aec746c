"""Check derivatives you wrote by hand against finite differences.

Use it on your own functions while you work, for example::

    import numpy as np
    from grader.gradcheck import check_gradient, check_hessian
    from lessons.landscapes import GaussianWells

    L = GaussianWells(n_wells=8, random_state=0)
    X = np.random.default_rng(0).uniform(-3, 3, size=(20, 2))
    print(check_gradient(L, L.grad, X))       # prints a verdict; .ok is True or False
    check_hessian(L.grad, L.hessian, X).raise_if_failed()

How it measures (the same rules the grader uses):

- Central differences, ``df/dx_j ~ (f(x + h e_j) - f(x - h e_j)) / (2 h)``, with an error
  of order ``h^2`` from truncation plus ``eps * |f| / h`` from rounding (``eps ~ 2.2e-16``).
  The default steps balance the two: ``h = 1e-6`` for a gradient (from loss values) and
  ``h = 1e-5`` for a Hessian or Jacobian (from gradient or function values).
- For each point (row of ``X``) the relative error is

      err = |analytic - numeric| / max(|analytic| + |numeric|, NOISE_FACTOR * noise / tol)

  with Frobenius norms over the whole gradient / Hessian / Jacobian of that point. Here
  ``noise = |numeric(h) - numeric(2 h)| + eps * |f| / h`` estimates the error of the
  differences themselves (how much they move when the step doubles, plus rounding in the
  function values), so at a point where the derivative vanishes,
  and the differences are nothing but truncation and rounding, the check does not turn that
  noise into a huge ratio. A correct derivative gives ``err`` around 1e-9 or less; a wrong
  one (a lost factor of 2, a sign, a transpose) gives 1e-2 to 1. The default threshold is
  ``tol = 1e-6`` for gradients, ``1e-5`` for Hessians and Jacobians (differences of
  gradients or vector functions, taken with the larger step). The criterion is scale-free: multiplying
  the function by any constant changes no verdict.
- A failure names the point with the largest error, the entry (component) where the two
  differ most, and both values there.

All functions take batches: ``X: (n, d)``; ``f(X) -> (n,)``, ``grad(X) -> (n, d)``,
``hessian(X) -> (n, d, d)``, ``F(X) -> (n, m)``, ``jacobian(X) -> (n, m, d)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .diagnose import value_difference

Array = np.ndarray

GRAD_STEP = 1e-6
SECOND_STEP = 1e-5
GRAD_TOL = 1e-6
SECOND_TOL = 1e-5
NOISE_FACTOR = 10.0


def _batch(X) -> Array:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[None, :]
    if X.ndim != 2:
        raise ValueError(f"X must have shape (d,) or (n, d), got {X.shape}")
    return X


def _shifted(X: Array, h: float) -> Array:
    """All ``2 d`` shifted copies of the batch, ``(2, d, n, d)``: ``X + h e_j`` then ``X - h e_j``."""
    n, d = X.shape
    E = h * np.eye(d)[:, None, :]  # (d, 1, d)
    return np.stack([X[None] + E, X[None] - E])


def _central(fun: Callable, X: Array, h: float, with_rounding: bool = False):
    """Central differences of ``fun: (N, d) -> (N, *out)`` for all columns: ``(n, *out, d)``;
    with ``with_rounding``, also the rounding error they may carry, ``eps * |values| / h``."""
    n, d = X.shape
    values = np.asarray(fun(_shifted(X, h).reshape(2 * d * n, d)), dtype=np.float64)
    values = values.reshape(2, d, n, *values.shape[1:])
    diff = np.moveaxis((values[0] - values[1]) / (2.0 * h), 0, -1)  # (n, *out, d)
    if not with_rounding:
        return diff
    rounding = np.finfo(np.float64).eps * np.moveaxis(np.maximum(np.abs(values[0]), np.abs(values[1])), 0, -1) / h
    return diff, rounding


def numerical_gradient(f: Callable, X, h: float = GRAD_STEP) -> Array:
    """Gradients ``(n, d)`` of a batched scalar function ``f: (n, d) -> (n,)`` by central differences."""
    return _central(f, _batch(X), h)


def numerical_jacobian(F: Callable, X, h: float = SECOND_STEP) -> Array:
    """Jacobians ``(n, m, d)`` of ``F: (n, d) -> (n, m)`` by central differences: ``J[:, k, j] = dF_k/dx_j``."""
    return _central(F, _batch(X), h)


def differences(fun: Callable, X, h: float) -> tuple[Array, Array]:
    """Central differences ``D(h)`` of ``fun`` with step ``h``, and an estimate of their error:
    ``|D(h) - D(2 h)|`` (truncation) plus ``eps * |fun| / h`` (rounding), per entry."""
    X = _batch(X)
    numeric, rounding = _central(fun, X, h, with_rounding=True)
    return numeric, np.abs(numeric - _central(fun, X, 2.0 * h)) + rounding


@dataclass
class GradCheckResult:
    """The verdict of one derivative check over a batch of points.

    Attributes:
        what: what was checked, e.g. ``"gradient"``.
        ok: True when every point passed (and, for a Hessian, it is symmetric).
        errors: (n,) relative error at each point.
        tol: the threshold used.
        worst: index of the point with the largest error.
        point: (d,) that point.
        entry: index (tuple) of the entry where analytic and numeric differ most there.
        analytic, numeric: the two values at that entry.
        problem: a sentence on any other failure (shape, symmetry, NaN), else "".
    """

    what: str
    ok: bool
    errors: Array
    tol: float
    worst: int
    point: Array
    entry: tuple
    analytic: float
    numeric: float
    problem: str = ""
    how: str = ""  # what the mismatch looks like (a constant factor, a sign, a transpose, a few entries)

    @property
    def max_error(self) -> float:
        return float(np.max(self.errors)) if self.errors.size else 0.0

    def __str__(self) -> str:
        if self.problem:
            return f"{self.what} check FAILED: {self.problem}"
        if self.ok:
            return f"{self.what} check passed: max relative error {self.max_error:.2e} <= {self.tol:.0e} over {self.errors.size} points"
        entry = ", ".join(str(i) for i in self.entry)
        return (
            f"{self.what} check FAILED: relative error {self.max_error:.2e} > {self.tol:.0e} at point "
            f"{np.array2string(self.point, precision=6)} (row {self.worst}); largest mismatch in entry [{entry}]: "
            f"analytic {self.analytic:.8g}, finite differences {self.numeric:.8g}"
            + (f"; {self.how}" if self.how else "")
        )

    def raise_if_failed(self) -> "GradCheckResult":
        """Raise ``AssertionError`` with the verdict when the check failed; otherwise return self."""
        if not self.ok:
            raise AssertionError(str(self))
        return self


def compare(what: str, analytic, numeric, X, tol: float, noise=None) -> GradCheckResult:
    """Compare per-point derivatives ``analytic`` and ``numeric``, both ``(n, ...)``, by relative error.

    ``noise`` (same shape) is the expected error of ``numeric`` (see ``differences``); without
    it the two are compared as exact values (e.g. against a reference implementation).
    """
    X = _batch(X)
    numeric = np.asarray(numeric, dtype=np.float64)
    analytic = np.asarray(analytic, dtype=np.float64)
    if analytic.shape != numeric.shape:
        return _problem(what, X, tol, f"expected shape {numeric.shape}, got {analytic.shape}")
    if not np.all(np.isfinite(analytic)):
        row = int(np.flatnonzero(~np.all(np.isfinite(analytic.reshape(len(X), -1)), axis=1))[0])
        return _problem(what, X, tol, f"NaN or inf at point {np.array2string(X[row], precision=6)} (row {row})")
    n = X.shape[0]
    diff = (analytic - numeric).reshape(n, -1)
    size = np.linalg.norm(analytic.reshape(n, -1), axis=1) + np.linalg.norm(numeric.reshape(n, -1), axis=1)
    floor = np.full(n, 1e-300)
    if noise is not None:
        floor = np.maximum(floor, NOISE_FACTOR * np.linalg.norm(np.reshape(noise, (n, -1)), axis=1) / tol)
    errors = np.linalg.norm(diff, axis=1) / np.maximum(size, floor)
    worst = int(np.argmax(errors)) if n else 0
    flat = int(np.argmax(np.abs(diff[worst]))) if diff.size else 0
    entry = np.unravel_index(flat, analytic.shape[1:]) if analytic.ndim > 1 else ()
    ok = bool(np.all(errors <= tol))
    how = ""
    if not ok:  # say what the mismatch looks like, judged where the differences are trustworthy
        clear = errors > tol
        how = value_difference(analytic[clear], numeric[clear], rtol=1e-4 if noise is not None else 1e-9)
    return GradCheckResult(
        how=how,
        what=what,
        ok=ok,
        errors=errors,
        tol=tol,
        worst=worst,
        point=X[worst] if n else X,
        entry=tuple(int(i) for i in entry),
        analytic=float(analytic[worst][entry]) if n else np.nan,
        numeric=float(numeric[worst][entry]) if n else np.nan,
    )


def _problem(what: str, X: Array, tol: float, problem: str) -> GradCheckResult:
    return GradCheckResult(what, False, np.full(len(X), np.inf), tol, 0, X[0], (), np.nan, np.nan, problem)


def check_gradient(f: Callable, grad: Callable, X, h: float = GRAD_STEP, tol: float = GRAD_TOL) -> GradCheckResult:
    """Check ``grad(X) -> (n, d)`` against central differences of ``f(X) -> (n,)``."""
    X = _batch(X)
    numeric, noise = differences(f, X, h)
    return compare("gradient", grad(X), numeric, X, tol, noise)


def check_jacobian(F: Callable, jacobian: Callable, X, h: float = SECOND_STEP, tol: float = SECOND_TOL) -> GradCheckResult:
    """Check ``jacobian(X) -> (n, m, d)`` against central differences of ``F(X) -> (n, m)``."""
    X = _batch(X)
    numeric, noise = differences(F, X, h)
    return compare("Jacobian", jacobian(X), numeric, X, tol, noise)


def check_hessian(grad: Callable, hessian: Callable, X, h: float = SECOND_STEP, tol: float = SECOND_TOL) -> GradCheckResult:
    """Check ``hessian(X) -> (n, d, d)`` against central differences of ``grad(X) -> (n, d)``,
    and that it is symmetric (to the same relative tolerance)."""
    X = _batch(X)
    H = np.asarray(hessian(X), dtype=np.float64)
    numeric, noise = differences(grad, X, h)
    result = compare("Hessian", H, numeric, X, tol, noise)
    if result.problem or not result.ok:
        return result
    asym = compare("Hessian symmetry", H, np.swapaxes(H, 1, 2), X, tol, noise)
    if not asym.ok:
        i, j = asym.entry
        asym.problem = (
            f"the Hessian is not symmetric at point {np.array2string(asym.point, precision=6)} (row {asym.worst}): "
            f"H[{i}, {j}] = {asym.analytic:.8g} but H[{j}, {i}] = {asym.numeric:.8g}"
        )
    return asym if not asym.ok else result
