"""The figures quoted in lessons/03_newton/README.md, recomputed from the reference code."""

from __future__ import annotations

import functools
import time

import numpy as np

from tests.claims import Approx, Within, claim

ROSEN_START = np.array([-1.2, 1.0])
BOX = 3.5  # the walkthrough's box: points outside it have been flung onto the plateau


def _wells():
    from solutions.landscapes import GaussianWells

    return GaussianWells(n_wells=8, random_state=0)


def _starts():
    """The walkthrough's hundred starts on the wells."""
    return np.random.default_rng(0).uniform(-3, 3, size=(100, 2))


def _outside(X):
    return np.any(np.abs(X) > BOX, axis=1)


def _pure_newton():
    """Newton without regularization, as in the walkthrough (the 1e-12 keeps the solve defined
    where a point flung far away sees an exactly zero Hessian)."""
    from solutions.second_order import Newton

    class PureNewton(Newton):
        @staticmethod
        def direction(g, H, damping):
            return -np.linalg.solve(H + 1e-12 * np.eye(H.shape[-1]), g[..., None])[..., 0]

    return PureNewton


class _Scaled:
    """The loss times ``c``, with its gradient and Hessian."""

    def __init__(self, inner, c):
        self.inner, self.c = inner, c

    def __call__(self, X):
        return self.c * self.inner(X)

    def grad(self, X):
        return self.c * self.inner.grad(X)

    def hessian(self, X):
        return self.c * self.inner.hessian(X)


def _g(x, digits=2):
    return f"{x:.{digits}g}"


def _sci(x, digits=2):
    """``4.2e-5`` style (no zero-padded exponent)."""
    mant, exp = f"{x:.{digits - 1}e}".split("e")
    return f"{mant}e{int(exp)}"


# --------------------------------------------------------------------------- solve against inv
@claim("l3_inv_time_ratio")  # machine-dependent: the text says so
def _():
    rng = np.random.default_rng(0)
    Q = rng.normal(size=(2000, 50, 50))
    A = Q @ Q.transpose(0, 2, 1) + 50 * np.eye(50)
    b = rng.normal(size=(2000, 50))
    best = {}
    for name, run in (("solve", lambda: np.linalg.solve(A, b[..., None])), ("inv", lambda: np.einsum("nij,nj->ni", np.linalg.inv(A), b))):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        best[name] = min(times)
    return Approx(best["inv"] / best["solve"], rel=0.7)


def _hilbert(n=10):
    H = 1.0 / (np.arange(n)[:, None] + np.arange(n)[None, :] + 1.0)
    g = H @ np.ones(n)  # the right-hand side of a solution of order one
    return H, g


@claim("l3_hilbert_cond")
def _():
    H, _ = _hilbert()
    return _sci(np.linalg.cond(H)).replace("e+", "e")


@claim("l3_solve_residual")  # rounding-level: depends on the LAPACK build
def _():
    H, g = _hilbert()
    return Approx(float(np.linalg.norm(H @ np.linalg.solve(H, g) - g) / np.linalg.norm(g)), rel=0.9)


@claim("l3_inv_residual")  # rounding-level: 1.0e-5 to 4.8e-5 on the processor families of grader.instructor.cpus
def _():
    H, g = _hilbert()
    return Within(float(np.linalg.norm(H @ (np.linalg.inv(H) @ g) - g) / np.linalg.norm(g)), factor=3.0)


# --------------------------------------------------------------------------- Newton on quadratics and Rosenbrock
@claim("l3_gd_scaled_steps")
def _():
    from solutions.first_order import GradientDescent
    from solutions.landscapes import ScaledQuadratic

    alpha = 10.0
    for a in (1.0, alpha):  # at alpha = 1 the balanced rate lands in one step, as the text says
        fit = GradientDescent(ScaledQuadratic(a), lr=1 / (1 + a * a), max_iter=5000, tol=1e-6).fit(np.array([1.0, 1.0]))
        assert bool(fit.converged_)
    assert int(GradientDescent(ScaledQuadratic(1.0), lr=0.5, max_iter=10, tol=1e-6).fit(np.array([1.0, 1.0])).n_iter_) == 1
    return f"{int(fit.n_iter_)}"


@functools.cache
def _rosen_newton(line_search=False):
    from solutions.landscapes import Rosenbrock
    from solutions.second_order import Newton

    return Newton(Rosenbrock(2), lr=1.0, line_search=line_search, max_iter=50, tol=1e-8, store_history=True).fit(ROSEN_START)


@claim("l3_rosen_newton_steps")
def _():
    fit = _rosen_newton()
    assert bool(fit.converged_)
    return f"{int(fit.n_iter_)}"


@claim("l3_rosen_newton_distances")
def _():
    d = np.linalg.norm(_rosen_newton().Xs_ - 1.0, axis=-1)[-4:]
    return f"{_g(d[0])}, {_g(d[1])}, {_sci(d[2])} and {_sci(d[3])}"


@claim("l3_rosen_newton_far")
def _():
    d = np.linalg.norm(_rosen_newton().Xs_ - 1.0, axis=-1)
    assert d[2] > d[0]
    return f"{d[2]:.1f}"


@claim("l3_rosen_gd_steps")
def _():
    from solutions.first_order import GradientDescent
    from solutions.landscapes import Rosenbrock

    fit = GradientDescent(Rosenbrock(2), lr=2e-3, max_iter=20000, tol=1e-4).fit(ROSEN_START)
    assert bool(fit.converged_)
    return f"{int(fit.n_iter_)}"


@claim("l3_square_newton_x1")
def _():
    from solutions.landscapes import SquarePhysics
    from solutions.second_order import Newton

    return f"{Newton(SquarePhysics(), lr=1.0, max_iter=10, tol=0.0).fit(np.array([3.0, 3.0])).X_[1]:.3f}"


@claim("l3_rosen_ls_steps")
def _():
    fit = _rosen_newton(line_search=True)
    assert bool(fit.converged_)
    return f"{int(fit.n_iter_)}"


@claim("l3_rosen_gamble")
def _():
    f = _rosen_newton().losses_
    return f"from {f[1]:.1f} to {f[2]:.0f} before its third landed at {f[3]:.3f}"


# --------------------------------------------------------------------------- invariances
def _path_gaps(cls, c_values=(1e-3, 1e3), **kwargs):
    wells, X0 = _wells(), _starts()[:8]
    opts = {"max_iter": 10, "tol": 0.0, "store_history": True, **kwargs}
    base = cls(wells, **opts).fit(X0).Xs_
    gaps = []
    for c in c_values:
        with np.errstate(all="ignore"):
            gaps.append(float(np.nanmax(np.abs(cls(_Scaled(wells, c), **opts).fit(X0).Xs_ - base))))
    return gaps


@claim("l3_newton_scale_gap")
def _():
    from solutions.second_order import Newton

    gap = max(_path_gaps(Newton, lr=0.5))
    return "1e-8" if gap < 1e-8 else _sci(gap, 1)


@claim("l3_gd_scale_gaps")
def _():
    from solutions.first_order import GradientDescent

    small, large = _path_gaps(GradientDescent, lr=0.5)
    return f"{small:.2f} and {large:.1f}"


@claim("l3_absolute_mu_gaps")
def _():
    from solutions.second_order import Newton

    class AbsoluteShift(Newton):
        """The rule with an absolute number in mu (the slip the text warns about)."""

        @staticmethod
        def direction(g, H, damping):
            lam = np.linalg.eigvalsh(H)
            mu = np.where(lam[:, 0] > 0, 0.0, 1e-2 - lam[:, 0])
            return -np.linalg.solve(H + mu[:, None, None] * np.eye(H.shape[-1]), g[..., None])[..., 0]

    small, large = _path_gaps(AbsoluteShift, lr=0.5)
    return f"{small:.1f} and {large:.0f}"


# --------------------------------------------------------------------------- the spectrum on the wells
@functools.cache
def _grid_spectrum():
    xs = np.linspace(-3, 3, 201)
    xx, yy = np.meshgrid(xs, xs)
    G = np.column_stack([xx.ravel(), yy.ravel()])
    wells = _wells()
    return wells(G), np.linalg.eigvalsh(wells.hessian(G))



@claim("l3_wells_kappa_medians")
def _():
    L, lam = _grid_spectrum()
    a = np.abs(lam)
    kappa = a.max(axis=1) / a.min(axis=1)
    inside, plateau = np.median(kappa[L < -0.1]), np.median(kappa[L > -0.001])
    return f"{inside:.1f} where $L < -0.1$ (inside the wells) and {plateau:.1f} where $L > -0.001$ (the plateau)"


@claim("l3_wells_sign_shares")
def _():
    _, lam = _grid_spectrum()
    s = np.sum(np.sign(lam), axis=1)
    bowl, saddle, cap = (100 * np.mean(s == k) for k in (2, 0, -2))
    return f"{bowl:.1f} % of the points are bowls, {saddle:.1f} % saddles and {cap:.1f} % caps"


@claim("l3_wells_pd_starts")
def _():
    return f"{int(np.sum(np.linalg.eigvalsh(_wells().hessian(_starts()))[:, 0] > 0))}"


# --------------------------------------------------------------------------- pure and regularized Newton on the wells
@functools.cache
def _pure_end():
    with np.errstate(all="ignore"):
        return _pure_newton()(_wells(), lr=1.0, max_iter=50, tol=0.0).fit(_starts()).X_


@claim("l3_pure_inside")
def _():
    return f"{int(np.sum(~_outside(_pure_end())))}"


@claim("l3_pure_kinds")
def _():
    X = _pure_end()
    lam = np.linalg.eigvalsh(_wells().hessian(X[~_outside(X)]))
    minima, saddles = int(np.sum(lam[:, 0] > 0)), int(np.sum((lam[:, 0] < 0) & (lam[:, 1] > 0)))
    assert minima + saddles == len(lam)
    return f"{minima} ended on minima and {saddles} on saddles"


@claim("l3_pure_far")
def _():
    return f"{np.max(np.linalg.norm(_pure_end(), axis=1)):.0f}"


@functools.cache
def _regularized(damping, max_iter):
    from solutions.second_order import Newton

    return Newton(_wells(), lr=1.0, damping=damping, max_iter=max_iter, tol=1e-6).fit(_starts())


@claim("l3_lm_small_left")
def _():
    return f"{int(np.sum(_outside(_regularized(1e-2, 1).X_)))}"


@claim("l3_lm_small_end")
def _():
    fit = _regularized(1e-2, 1000)
    assert bool(np.all(fit.converged_))
    out = _outside(fit.X_)
    far = np.max(np.linalg.norm(fit.X_, axis=1))
    return f"{int(out.sum())} sat on the plateau, up to {far:.0f} from the origin, and the mean final loss was {np.mean(fit.loss_):.3f} against {np.mean(_wells()(_starts())):.3f} at the starts"


@claim("l3_lm_large_loss")
def _():
    return f"{np.mean(_regularized(1.0, 1000).loss_):.3f}"


@claim("l3_lm_large_out")
def _():
    return f"{int(np.sum(_outside(_regularized(1.0, 1000).X_)))}"


@functools.cache
def _line_search_fit():
    from solutions.second_order import Newton

    return Newton(_wells(), lr=1.0, line_search=True, max_iter=1000, tol=1e-6).fit(_starts())


@claim("l3_ls_steps")
def _():
    fit = _line_search_fit()
    assert bool(np.all(fit.converged_)) and not np.any(_outside(fit.X_))
    assert bool(np.all(np.linalg.eigvalsh(_wells().hessian(fit.X_))[:, 0] > 0))  # each at a minimum
    return f"{int(np.max(fit.n_iter_))}"


@claim("l3_ls_loss")
def _():
    return f"{np.mean(_line_search_fit().loss_):.3f}"


@claim("l3_pure_uphill")
def _():
    wells, X0 = _wells(), _starts()
    g = wells.grad(X0)
    p = _pure_newton().direction(g, wells.hessian(X0), 0.0)
    uphill = np.einsum("nd,nd->n", g, p) >= 0
    with np.errstate(all="ignore"):
        fit = _pure_newton()(wells, lr=1.0, line_search=True, max_iter=50, tol=1e-6).fit(X0)
    assert np.array_equal(np.all(fit.X_ == X0, axis=1), uphill)  # exactly those rows never move
    return f"{int(uphill.sum())}"


# --------------------------------------------------------------------------- ConditionScaledGD
@functools.cache
def _csgd_fits():
    from solutions.first_order import GradientDescent
    from solutions.second_order import ConditionScaledGD

    class Multiplying(ConditionScaledGD):
        """The notebook's code: multiplies by kappa + eps."""

        def update(self, X):
            lam = np.abs(np.linalg.eigvalsh(self.loss.hessian(X)))
            return X - (self.lr * (lam.max(axis=1) / lam.min(axis=1) + self.eps))[:, None] * self.loss.grad(X)

    wells, X0 = _wells(), _starts()
    fits = {}
    with np.errstate(all="ignore"):
        for name, cls in (("gd", GradientDescent), ("csgd", ConditionScaledGD), ("mult", Multiplying)):
            fits[name] = cls(wells, lr=0.5, max_iter=2000, tol=1e-6).fit(X0)
    return fits


@claim("l3_csgd_gd")
def _():
    fit = _csgd_fits()["gd"]
    return f"{int(fit.converged_.sum())} starts (mean final loss {np.mean(fit.loss_):.3f})"


# ConditionScaledGD's counts move by one between processor families (21 on AVX-512, 20 on AVX2):
# a start that freezes near a singular curve does so at the rounding level
@claim("l3_csgd_csgd")
def _():
    return Approx(float(_csgd_fits()["csgd"].converged_.sum()), rel=0.1)


@claim("l3_csgd_csgd_mean")
def _():
    return Approx(float(np.mean(_csgd_fits()["csgd"].loss_)), rel=0.05)


@claim("l3_csgd_stuck")
def _():
    return Approx(float((~_csgd_fits()["csgd"].converged_).sum()), rel=0.05)


@claim("l3_csgd_stuck_singular")
def _():
    fit = _csgd_fits()["csgd"]
    lam = np.abs(np.linalg.eigvalsh(_wells().hessian(fit.X_[~fit.converged_])))
    return Approx(float(np.sum(lam.max(axis=1) / lam.min(axis=1) > 1e6)), rel=0.1)


@claim("l3_csgd_mult")
def _():
    fit = _csgd_fits()["mult"]
    return f"{int(fit.converged_.sum())} starts, but sent some points as far as {np.nanmax(np.linalg.norm(fit.X_, axis=1)):.0f}"


# --------------------------------------------------------------------------- Gauss-Newton
def _decay():
    from solutions.landscapes import ExponentialFit

    t = np.linspace(0.0, 3.0, 25)
    return ExponentialFit(t, 2.0 * np.exp(-1.3 * t) + 0.02 * np.sin(7.0 * t))


FIT_STARTS = np.array([[1.0, 0.5], [3.0, 2.0], [0.5, 0.1]])


@claim("l3_lsq_gap")
def _():
    from solutions.landscapes import LinearLeastSquares
    from solutions.second_order import GaussNewton

    M = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 1.0], [1.0, 0.0, 3.0], [2.0, 1.0, 1.0]])
    c = np.array([1.0, 0.0, -1.0, 2.0])
    x = GaussNewton(LinearLeastSquares(M, c), lr=1.0, max_iter=1, tol=0.0).fit(np.zeros(3)).X_
    return Approx(float(np.max(np.abs(x - np.linalg.lstsq(M, c, rcond=None)[0]))), rel=0.3)


@claim("l3_fit_steps")
def _():
    from solutions.quasi_newton import BFGS
    from solutions.second_order import GaussNewton, Newton

    fits = {cls.__name__: cls(_decay(), max_iter=200, tol=1e-8).fit(FIT_STARTS) for cls in (GaussNewton, Newton, BFGS)}
    assert all(bool(np.all(f.converged_)) for f in fits.values())
    gn, newton, bfgs = (fits[k].n_iter_.astype(int) for k in ("GaussNewton", "Newton", "BFGS"))
    assert len(set(gn)) == 1
    x = fits["GaussNewton"].X_[0]
    return f"{gn[0]} steps each, at ({x[0]:.4f}, {x[1]:.4f}). Full Newton needed {newton[0]}, {newton[1]} and {newton[2]} steps, and BFGS (lesson 4) {bfgs.min()} to {bfgs.max()}"


@functools.cache
def _fit_point():
    from solutions.second_order import GaussNewton

    return GaussNewton(_decay(), max_iter=50, tol=1e-10).fit(FIT_STARTS[:1]).X_


@claim("l3_fit_residual")
def _():
    return f"{np.linalg.norm(_decay().residuals(_fit_point())):.3f}"


@claim("l3_fit_dropped")
def _():
    E, x = _decay(), _fit_point()
    J = E.residual_jacobian(x)
    kept = 2.0 * np.einsum("nki,nkj->nij", J, J)[0]
    dropped = E.hessian(x)[0] - kept
    return f"{np.max(np.abs(dropped)):.3f}, while the entries of the kept part are about {np.max(np.abs(kept)):.0f}"


@claim("l3_gn_rosen_steps")
def _():
    from solutions.landscapes import Rosenbrock
    from solutions.second_order import GaussNewton

    fit = GaussNewton(Rosenbrock(2), max_iter=50, tol=1e-8).fit(ROSEN_START)
    assert bool(fit.converged_) and np.allclose(fit.X_, 1.0)
    return f"{int(fit.n_iter_)}"


@claim("l3_gn_rosen10")
def _():
    from solutions.landscapes import Rosenbrock
    from solutions.second_order import GaussNewton, Newton

    R, x0 = Rosenbrock(10), np.tile(ROSEN_START, 5)
    gn = GaussNewton(R, max_iter=100, tol=1e-8).fit(x0)
    nt = Newton(R, max_iter=100, tol=1e-8).fit(x0)
    assert bool(gn.converged_) and np.allclose(gn.X_, 1.0) and bool(nt.converged_)
    return f"{int(gn.n_iter_)} steps. Full Newton converged in {int(nt.n_iter_)} steps to a different local minimum of the chained function, with x0 = {nt.X_[0]:.3f} and loss {float(nt.loss_):.2f}"


# --------------------------------------------------------------------------- the PBDL toy problem, float64 and float32
def _square_newton64():
    from solutions.landscapes import SquarePhysics
    from solutions.second_order import Newton

    return Newton(SquarePhysics(), lr=1 / 3, max_iter=10, tol=0.0).fit(np.array([3.0, 3.0])).X_


def _square_newton32():
    """The notebook's ten Newton steps replayed in float32, as it computed them (an explicit
    inverse of the diagonal Hessian times the gradient)."""
    f = np.float32
    x = np.array([3.0, 3.0], dtype=f)
    for _ in range(10):
        g = np.array([f(2) * x[0], f(2) * (x[1] * x[1]) * (f(2) * x[1])], dtype=f)
        H = np.array([[2, 0], [0, f(12) * x[1] * x[1]]], dtype=f)
        x = x + (-f(1 / 3) * (np.linalg.inv(H) @ g)).astype(f)
    return x


@claim("l3_square_newton_float64")
def _():
    x = _square_newton64()
    return f"({x[0]:.8f}, {x[1]:.8f})"


@claim("l3_square_newton_dist")
def _():
    return f"{np.linalg.norm(_square_newton64()):.3f}"


@claim("l3_square_newton_float32")
def _():
    x = _square_newton32()
    text = f"({x[0]:.8f}, {x[1]:.8f})"
    assert text == "(0.05202458, 0.92383826)", text  # what the notebook printed
    return text


@claim("l3_square_float_gap")
def _():
    x64, x32 = _square_newton64(), _square_newton32().astype(np.float64)
    return _sci(float(np.max(np.abs(x64 - x32) / np.abs(x32))))


@claim("l3_square_gd_dist")
def _():
    from solutions.first_order import GradientDescent
    from solutions.landscapes import SquarePhysics

    return f"{np.linalg.norm(GradientDescent(SquarePhysics(), lr=0.01, max_iter=10, tol=0.0).fit(np.array([3.0, 3.0])).X_):.2f}"


# --------------------------------------------------------------------------- the walkthrough's figure 2
@claim("l3_walkthrough_losses")
def _():
    from solutions.second_order import Newton

    wells, X0 = _wells(), _starts()
    variants = (_pure_newton()(wells, lr=0.5), Newton(wells, lr=0.5), Newton(wells, lr=1.0, line_search=True))
    losses = []
    for opt in variants:
        opt.max_iter, opt.tol = 60, 1e-6
        with np.errstate(all="ignore"):
            losses.append(float(np.mean(opt.fit(X0).loss_)))
    return f"{losses[0]:.3f}, {losses[1]:.3f} and {losses[2]:.3f}"
