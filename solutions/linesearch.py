"""Line searches along a batch of directions (given code: read it, use it, don't change it).

Along a direction ``p`` from ``x`` the loss becomes a function of the step length alone,
``phi(t) = L(x + t p)``, with slope ``phi'(t) = grad L(x + t p) . p``. A line search picks ``t``
for every row of a batch at once; rows are independent, as everywhere in the course.

(Armijo backtracking, the simplest line search, is an exercise of lesson 3: ``second_order.backtracking``.)

- ``wolfe``: find ``t`` satisfying the strong Wolfe conditions, Armijo plus the curvature
  condition ``|phi'(t)| <= c2 |phi'(0)|`` (Nocedal & Wright, algorithms 3.5 and 3.6). The
  curvature condition is what quasi-Newton methods need: it guarantees ``y^T s > 0`` for the
  step ``s`` and the gradient change ``y``, so BFGS keeps its matrix positive definite.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Array = np.ndarray


def _rows(mask: Array) -> Array:
    return np.flatnonzero(mask)


def row_index(rows: Array, n: int):
    """An index for ``rows`` of an (n, ...) array: a slice (a view, no copy) when it is all of them."""
    return slice(None) if len(rows) == n else rows


#: an interpolated trial must lie this fraction of the bracket's width inside it, else bisect
ZOOM_MARGIN = 0.05


def _zoom_trial(lo: Array, f_lo: Array, d_lo: Array, hi: Array, f_hi: Array, d_hi: Array, overshot: Array) -> Array:
    """The next trial step inside each bracket ``[lo, hi]`` (either order), shape (k,).

    The cubic through both ends' values and slopes (Nocedal & Wright, eq. 3.59) has its
    minimizer inside the bracket. Where the last trial ``overshot`` (it became ``hi`` because
    its loss was too high), the cubic can sit far from ``lo`` while the loss rose steeply; as in
    Moré and Thuente's case 1, the trial is then the cubic's minimizer if it is closer to ``lo``
    than the quadratic's (through ``f_lo``, ``d_lo`` and ``f_hi``), else the midpoint of the two.
    A trial that is not finite or falls outside the safeguarded bracket becomes the quadratic's
    minimizer, and failing that the bracket's midpoint.
    """
    width = hi - lo
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        d1 = d_lo + d_hi - 3.0 * (f_lo - f_hi) / (lo - hi)
        d2 = np.sign(width) * np.sqrt(d1**2 - d_lo * d_hi)
        cubic = hi - width * (d_hi + d2 - d1) / (d_hi - d_lo + 2.0 * d2)
        quad = lo - d_lo * width**2 / (2.0 * (f_hi - f_lo - d_lo * width))
    left, right = np.minimum(lo, hi) + ZOOM_MARGIN * np.abs(width), np.maximum(lo, hi) - ZOOM_MARGIN * np.abs(width)

    def inside(t):
        return np.isfinite(t) & (t > left) & (t < right)

    pulled = np.where(np.abs(cubic - lo) < np.abs(quad - lo), cubic, 0.5 * (cubic + quad))
    trial = np.where(overshot & np.isfinite(quad), pulled, cubic)
    return np.where(inside(trial), trial, np.where(inside(quad), quad, 0.5 * (lo + hi)))


@dataclass
class WolfeResult:
    """The outcome of ``wolfe`` for each row: step ``t: (n,)``, the new points ``X: (n, d)``,
    their losses ``f: (n,)`` and gradients ``g: (n, d)``, whether the strong Wolfe conditions
    hold (``ok: (n,)``), and the number of loss-and-gradient evaluations (``evaluations: (n,)``)."""

    t: Array
    X: Array
    f: Array
    g: Array
    ok: Array
    evaluations: Array


def wolfe(loss, X: Array, P: Array, f0: Array, g0: Array, t0=1.0, c1: float = 1e-4, c2: float = 0.9, max_evaluations: int = 30) -> WolfeResult:
    """Strong Wolfe line search for every row, by bracketing then zooming.

    Bracketing tries ``t0, 2 t0, 4 t0, ...`` until a trial breaks Armijo, stops decreasing,
    or has a non-negative slope; zooming then shrinks the bracket with safeguarded cubic
    interpolation (``_zoom_trial``) until both conditions hold. Each trial costs one ``loss(X)`` and one
    ``loss.grad(X)`` on the rows still searching. A row that runs out of evaluations takes
    the best Armijo point it saw (``ok`` is False there); a row whose direction is not a
    descent direction does not move.

    Args:
        loss: a landscape (callable with ``grad``).
        X, P: (n, d) points and directions. f0: (n,) losses. g0: (n, d) gradients at X.
        t0: first trial step, a number or (n,).
        c1, c2: the Armijo and curvature constants, ``0 < c1 < c2 < 1``.
    """
    n = X.shape[0]
    d0 = np.einsum("nd,nd->n", g0, P)  # phi'(0)
    t_try = np.broadcast_to(np.asarray(t0, dtype=np.float64), (n,)).copy()
    # Bracketing state: the previous trial (starts at t = 0).
    t_prev, f_prev, d_prev = np.zeros(n), f0.copy(), d0.copy()
    # Zoom state: lo is the best Armijo point so far; hi the other end of the bracket.
    lo, f_lo, d_lo = np.zeros(n), f0.copy(), d0.copy()
    hi, f_hi, d_hi = np.zeros(n), f0.copy(), d0.copy()
    zooming = np.zeros(n, dtype=bool)
    overshot = np.zeros(n, dtype=bool)
    searching = d0 < 0
    done_t = np.zeros(n)
    ok = np.zeros(n, dtype=bool)
    evaluations = np.zeros(n, dtype=int)
    X_new, f_new, g_new = X.copy(), f0.copy(), g0.copy()
    first = np.ones(n, dtype=bool)

    def accept(rows, t, f, g):
        done_t[rows] = t
        sel = row_index(rows, n)
        X_new[sel] = X[sel] + t[:, None] * P[sel]
        f_new[rows], g_new[rows] = f, g
        searching[rows] = False

    for _ in range(max_evaluations):
        rows = _rows(searching)
        if rows.size == 0:
            break
        z = zooming[rows]
        # Trial step: bracketing rows use t_try; zooming rows interpolate inside [lo, hi].
        t = t_try[rows].copy()
        if z.any():
            zr = rows[z]
            t[z] = _zoom_trial(lo[zr], f_lo[zr], d_lo[zr], hi[zr], f_hi[zr], d_hi[zr], overshot[zr])
        sel = row_index(rows, n)
        Xt = X[sel] + t[:, None] * P[sel]
        f = np.asarray(loss(Xt), dtype=np.float64)
        g = np.asarray(loss.grad(Xt), dtype=np.float64)
        evaluations[rows] += 1
        dphi = np.einsum("nd,nd->n", g, P[sel])
        armijo = (f <= f0[rows] + c1 * t * d0[rows]) & np.isfinite(f)
        curvature = np.abs(dphi) <= -c2 * d0[rows]

        # -- bracketing rows
        br = ~z
        worse = br & (~armijo | (~first[rows] & (f >= f_prev[rows])))
        good = br & ~worse & curvature
        uphill = br & ~worse & ~curvature & (dphi >= 0)
        expand = br & ~worse & ~curvature & (dphi < 0)
        r = rows[worse]  # bracket [t_prev, t]
        lo[r], f_lo[r], d_lo[r] = t_prev[r], f_prev[r], d_prev[r]
        hi[r], f_hi[r], d_hi[r] = t[worse], f[worse], dphi[worse]
        zooming[r] = True
        overshot[r] = True
        r = rows[uphill]  # bracket [t, t_prev]
        lo[r], f_lo[r], d_lo[r] = t[uphill], f[uphill], dphi[uphill]
        hi[r], f_hi[r], d_hi[r] = t_prev[r], f_prev[r], d_prev[r]
        zooming[r] = True
        r = rows[expand]
        t_prev[r], f_prev[r], d_prev[r] = t[expand], f[expand], dphi[expand]
        t_try[r] = 2.0 * t[expand]
        first[rows] = False

        # -- zooming rows
        zr = z
        shrink_hi = zr & (~armijo | (f >= f_lo[rows]))
        r = rows[shrink_hi]
        hi[r], f_hi[r], d_hi[r] = t[shrink_hi], f[shrink_hi], dphi[shrink_hi]
        overshot[r] = True
        better = zr & ~shrink_hi
        flip = better & ~curvature & (dphi * (hi[rows] - lo[rows]) >= 0)
        r = rows[flip]
        hi[r], f_hi[r], d_hi[r] = lo[r], f_lo[r], d_lo[r]
        move = better & ~curvature
        overshot[rows[move]] = False
        r = rows[move]
        lo[r], f_lo[r], d_lo[r] = t[move], f[move], dphi[move]

        finished = good | (better & curvature)
        ok[rows[finished]] = True
        accept(rows[finished], t[finished], f[finished], g[finished])

    # Out of evaluations: settle for the best Armijo point seen (lo, or the last expansion).
    rows = _rows(searching)
    if rows.size:
        best = np.where(zooming[rows], lo[rows], t_prev[rows])
        Xb = X[rows] + best[:, None] * P[rows]
        accept(rows, best, np.asarray(loss(Xb), dtype=np.float64), np.asarray(loss.grad(Xb), dtype=np.float64))
        evaluations[rows] += 1
    return WolfeResult(done_t, X_new, f_new, g_new, ok, evaluations)
