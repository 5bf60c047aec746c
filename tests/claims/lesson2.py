"""The figures quoted in lessons/02_first_order/README.md, recomputed from the reference code."""

from __future__ import annotations

import numpy as np

from tests.claims import claim

#: the lesson's stretched quadratic L = 1/2 (x0^2 + 10 x1^2) - x0 - x1 and the grader's three starts
STRETCHED_A, STRETCHED_B = np.diag([1.0, 10.0]), np.array([1.0, 1.0])
STARTS = np.array([[0.0, 0.0], [3.0, -2.0], [-5.0, 4.0]])
#: the same problem with x1 measured in units ten times larger (x1 = 10 u)
RESCALED_A, RESCALED_B = np.diag([1.0, 1000.0]), np.array([1.0, 10.0])
RESCALED_STARTS = STARTS * np.array([1.0, 0.1])


def _stretched():
    from solutions.landscapes import Quadratic

    return Quadratic(STRETCHED_A, STRETCHED_B)


def _steps(name, landscape, X0, max_iter=5000, tol=1e-6, **kwargs):
    """The steps the slowest start needs, or None if one start never gets there."""
    import solutions.first_order as fo

    fit = getattr(fo, name)(landscape, max_iter=max_iter, tol=tol, **kwargs).fit(X0)
    return int(np.max(fit.n_iter_)) if np.all(fit.converged_) else None


# --------------------------------------------------------------------------- gradient descent
@claim("l2_gd_steps_stretched")
def _():
    return f"{_steps('GradientDescent', _stretched(), STARTS, lr=0.1)}"


@claim("l2_gd_steps_rescaled")
def _():
    from solutions.landscapes import Quadratic

    return f"{_steps('GradientDescent', Quadratic(RESCALED_A, RESCALED_B), RESCALED_STARTS, max_iter=50_000, lr=1e-3)}"


@claim("l2_descent_margin")
def _():
    """The smallest ratio of the measured drop in loss to the guaranteed (lr / 2) |g|^2, lr = 1 / Lip."""
    from solutions.first_order import GradientDescent

    L, lr = _stretched(), 0.1
    fit = GradientDescent(L, lr=lr, max_iter=60, tol=0.0, store_history=True).fit(STARTS)
    Xs = fit.Xs_  # (61, 3, 2)
    g2 = np.sum(L.grad(Xs[:-1].reshape(-1, 2)) ** 2, axis=1)
    drop = L(Xs[:-1].reshape(-1, 2)) - L(Xs[1:].reshape(-1, 2))
    ok = g2 > 1e-12  # where the gradient is not yet rounding noise
    return f"{np.min(drop[ok] / (lr / 2 * g2[ok])):.3f}"


@claim("l2_gd_lr_table")
def _():
    rates = [0.05, 0.1, 0.15, 0.18, 0.19, 0.2, 0.21]
    steps = [_steps("GradientDescent", _stretched(), STARTS, lr=lr) for lr in rates]
    head = "| `lr` | " + " | ".join(f"`{lr}`" for lr in rates) + " |"
    rule = "|---|" + "---|" * len(rates)
    row = "| steps | " + " | ".join("never" if s is None else str(s) for s in steps) + " |"
    return "\n".join([head, rule, row])


# --------------------------------------------------------------------------- rates (also in the walkthrough)
def _measured_rate(name, steps=60, **kwargs):
    """The per-step factor by which |x_t - x*| shrinks, fitted on the log-error over the steps
    where it is still well above rounding (the first few steps and the tail left out)."""
    import solutions.first_order as fo

    L = _stretched()
    x_star = np.linalg.solve(STRETCHED_A, STRETCHED_B)
    fit = getattr(fo, name)(L, max_iter=steps, tol=0.0, store_history=True, **kwargs).fit(STARTS[2])
    err = np.linalg.norm(fit.Xs_ - x_star, axis=-1)
    t = np.arange(len(err))
    use = (t >= 5) & (err > 1e-12 * err[0])
    slope = np.polyfit(t[use], np.log(err[use]), 1)[0]
    return float(np.exp(slope))


def _best_parameters():
    mu, lip = 1.0, 10.0
    kappa = lip / mu
    rho_hb = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    return {"gd_lr": 2 / (mu + lip), "hb_lr": 4 / (np.sqrt(lip) + np.sqrt(mu)) ** 2, "hb_momentum": rho_hb**2}


@claim("l2_gd_rate_measured")
def _():
    return f"{_measured_rate('GradientDescent', lr=_best_parameters()['gd_lr']):.3f}"


@claim("l2_hb_rate_measured")
def _():
    p = _best_parameters()
    return f"{_measured_rate('Momentum', lr=p['hb_lr'], momentum=p['hb_momentum']):.3f}"


@claim("l2_gd_steps_best_lr")
def _():
    return f"{_steps('GradientDescent', _stretched(), STARTS, lr=_best_parameters()['gd_lr'])}"


@claim("l2_hb_steps_best")
def _():
    p = _best_parameters()
    return f"{_steps('Momentum', _stretched(), STARTS, lr=p['hb_lr'], momentum=p['hb_momentum'])}"


# --------------------------------------------------------------------------- power iteration
def _power_iteration(tol=1e-6, h=1e-5):
    """Power iteration on Rosenbrock's Hessian at (-1.2, 1), with Hessian-vector products from
    central differences of the gradient (the Hessian itself is never formed)."""
    from solutions.landscapes import Rosenbrock

    R, x = Rosenbrock(2), np.array([-1.2, 1.0])
    v = np.array([1.0, 0.0])
    lam = 0.0
    for k in range(1, 100):
        Hv = (R.grad(x + h * v) - R.grad(x - h * v)) / (2 * h)
        new = float(v @ Hv)  # Rayleigh quotient, v has unit length
        v = Hv / np.linalg.norm(Hv)
        if abs(new - lam) < tol * abs(new):
            return new, k, R.hessian(x)
        lam = new
    raise RuntimeError("power iteration did not settle")


@claim("l2_power_lmax")
def _():
    return f"{_power_iteration()[0]:.2f}"


@claim("l2_power_iterations")
def _():
    return f"{_power_iteration()[1]}"


@claim("l2_power_exact")
def _():
    return f"{np.max(np.abs(np.linalg.eigvalsh(_power_iteration()[2]))):.2f}"


@claim("l2_power_ratio")
def _():
    lam = np.linalg.eigvalsh(_power_iteration()[2])
    return f"{lam[0] / lam[1]:.4f}"


# --------------------------------------------------------------------------- momentum
@claim("l2_momentum_table")
def _():
    betas = [0, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99]
    steps = [_steps("Momentum", _stretched(), STARTS, lr=0.1, momentum=float(b)) for b in betas]
    head = "| `momentum` | " + " | ".join(f"`{b}`" for b in betas) + " |"
    rule = "|---|" + "---|" * len(betas)
    row = "| steps | " + " | ".join("never" if s is None else str(s) for s in steps) + " |"
    return "\n".join([head, rule, row])


def _peak(beta):
    from solutions.first_order import Momentum

    fit = Momentum(_stretched(), lr=0.1, momentum=beta, max_iter=500, tol=0.0, store_history=True).fit(np.zeros(2))
    return float(np.max(fit.Xs_[:, 0]))


@claim("l2_momentum_peak_05")
def _():
    return f"{_peak(0.5):.4f}"


@claim("l2_momentum_peak_09")
def _():
    return f"{_peak(0.9):.2f}"


@claim("l2_momentum_rosenbrock")
def _():
    from solutions.landscapes import Rosenbrock

    return f"{_steps('Momentum', Rosenbrock(2), np.array([-1.2, 1.0]), max_iter=5000, lr=2e-3, momentum=0.9)}"


# --------------------------------------------------------------------------- Langevin
def _spread(lr, noise):
    from solutions.first_order import Langevin
    from solutions.landscapes import Quadratic

    bowl = Quadratic(np.eye(2), np.zeros(2))
    fit = Langevin(bowl, lr=lr, noise=noise, max_iter=200, tol=0.0, random_state=11).fit(np.zeros((4000, 2)))
    return float(np.var(fit.X_))


@claim("l2_langevin_var_a")
def _():
    return f"{_spread(0.1, 1.0):.4f}"


@claim("l2_langevin_pred_a")
def _():
    return f"{0.1 * 1.0**2 / (2 - 0.1):.4f}"


@claim("l2_langevin_var_b")
def _():
    return f"{_spread(0.5, 0.3):.4f}"


@claim("l2_langevin_pred_b")
def _():
    return f"{0.5 * 0.3**2 / (2 - 0.5):.4f}"


# --------------------------------------------------------------------------- AdaGrad and RMSprop
def _first_move(name, **kwargs):
    """How far the first step moves a coordinate, in units of lr (from (3, -2) on the stretched quadratic)."""
    import solutions.first_order as fo

    fit = getattr(fo, name)(_stretched(), lr=0.01, max_iter=1, tol=0.0, **kwargs).fit(STARTS[1])
    return float(np.max(np.abs(fit.X_ - STARTS[1]))) / 0.01


@claim("l2_rmsprop_first_099")
def _():
    return f"{_first_move('RMSprop', decay=0.99, eps=0.0):.2f}"


@claim("l2_rmsprop_first_09")
def _():
    return f"{_first_move('RMSprop', decay=0.9, eps=0.0):.2f}"


@claim("l2_rmsprop_hover")
def _():
    from solutions.first_order import RMSprop
    from solutions.landscapes import Rosenbrock

    fit = RMSprop(Rosenbrock(2), lr=3e-3, decay=0.9, max_iter=5000, tol=1e-6).fit(np.array([-1.2, 1.0]))
    return f"{np.linalg.norm(fit.X_ - 1.0):.4f}"


def _wells():
    from solutions.landscapes import GaussianWells

    return GaussianWells(n_wells=8, random_state=0)


class _Scaled:
    """The loss times c (value, gradient), for the invariance measurement."""

    def __init__(self, loss, c):
        self.loss, self.c = loss, c

    def __call__(self, X):
        return self.c * self.loss(X)

    def grad(self, X):
        return self.c * self.loss.grad(X)


_WELL_STARTS = np.random.default_rng(2026).uniform(-3, 3, size=(20, 2))  # the grader's starts on the wells
_WELL_KWARGS = {"GradientDescent": {"lr": 0.5}, "AdaGrad": {"lr": 0.3}, "RMSprop": {"lr": 0.05, "decay": 0.9}, "Adam": {"lr": 0.1}}


def _scale_gap(name, **extra):
    """The largest distance between the 15-step paths for the loss times 1e-3 and times 1e3."""
    import solutions.first_order as fo

    kwargs = {**_WELL_KWARGS[name], **extra, "max_iter": 15, "tol": 0.0, "store_history": True}
    a = getattr(fo, name)(_Scaled(_wells(), 1e-3), **kwargs).fit(_WELL_STARTS).Xs_
    b = getattr(fo, name)(_Scaled(_wells(), 1e3), **kwargs).fit(_WELL_STARTS).Xs_
    return float(np.max(np.linalg.norm(a - b, axis=-1)))


@claim("l2_scale_gap_eps")
def _():
    return f"{max(_scale_gap(name, eps=1e-3) for name in ('AdaGrad', 'RMSprop', 'Adam')):.2f}"


@claim("l2_scale_gap_gd")
def _():
    return f"{_scale_gap('GradientDescent'):.2f}"


@claim("l2_rotation_gaps")
def _():
    """After 20 steps on the grader's quadratic rotated by 45 degrees: the largest gap between the
    rotated path and the rotated problem's path, for each adaptive method."""
    import solutions.first_order as fo
    from solutions.landscapes import Quadratic

    A, b, th = np.diag([1.0, 6.0]), np.array([1.0, -2.0]), np.pi / 4
    Q = np.array([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]])
    X0 = np.array([[2.0, 1.5], [-1.0, 2.0]])
    kwargs = {"AdaGrad": {"lr": 0.5}, "RMSprop": {"lr": 0.01, "decay": 0.9}, "Adam": {"lr": 0.05}}
    gaps = []
    for name in ("AdaGrad", "RMSprop", "Adam"):
        a = getattr(fo, name)(Quadratic(A, b), max_iter=20, tol=0.0, store_history=True, **kwargs[name]).fit(X0).Xs_
        r = getattr(fo, name)(Quadratic(Q @ A @ Q.T, Q @ b), max_iter=20, tol=0.0, store_history=True, **kwargs[name]).fit(X0 @ Q.T).Xs_
        gaps.append(float(np.max(np.linalg.norm(r - a @ Q.T, axis=-1))))
    return f"{gaps[0]:.2f} (AdaGrad), {gaps[1]:.2f} (RMSprop) and {gaps[2]:.2f} (Adam)"


# --------------------------------------------------------------------------- Adam
def _uncorrected_steps(beta1=0.9, beta2=0.999, steps=1000):
    """Under a constant gradient, the uncorrected Adam step in units of lr: (1 - beta1^t) / sqrt(1 - beta2^t)."""
    t = np.arange(1, steps + 1)
    return (1 - beta1**t) / np.sqrt(1 - beta2**t)


@claim("l2_adam_uncorrected_first")
def _():
    return f"{_uncorrected_steps()[0]:.2f}"


@claim("l2_adam_uncorrected_peak")
def _():
    return f"{np.max(_uncorrected_steps()):.2f}"


@claim("l2_adam_uncorrected_peak_t")
def _():
    return f"{int(np.argmax(_uncorrected_steps())) + 1}"


@claim("l2_adam_uncorrected_late")
def _():
    return f"{_uncorrected_steps()[-1]:.2f}"


@claim("l2_adam_steps_rescaled")
def _():
    from solutions.landscapes import Quadratic

    return f"{_steps('Adam', Quadratic(RESCALED_A, RESCALED_B), RESCALED_STARTS, lr=0.1)}"


# --------------------------------------------------------------------------- the PBDL run, float32 and float64
@claim("l2_gd_square_float32")
def _():
    """The seed's printed end point: the same ten steps in float32 arithmetic."""
    x, lr = np.array([3.0, 3.0], dtype=np.float32), np.float32(0.01)
    for _ in range(10):
        g = np.array([2 * x[0], 4 * x[1] ** 3], dtype=np.float32)  # SquarePhysics: L = x0^2 + x1^4
        x = (x - lr * g).astype(np.float32)
    return f"({x[0]:.8g}, {x[1]:.8g})"


@claim("l2_gd_square_float64")
def _():
    from solutions.first_order import GradientDescent
    from solutions.landscapes import SquarePhysics

    x = GradientDescent(SquarePhysics(), lr=0.01, max_iter=10, tol=0.0).fit(np.array([3.0, 3.0])).X_
    return f"({x[0]:.8f}, {x[1]:.8f})"


@claim("l2_gd_square_gap")
def _():
    from solutions.first_order import GradientDescent
    from solutions.landscapes import SquarePhysics

    x64 = GradientDescent(SquarePhysics(), lr=0.01, max_iter=10, tol=0.0).fit(np.array([3.0, 3.0])).X_
    x32 = np.array([2.4512184, 0.96171147])
    return f"{np.max(np.abs(x64 - x32) / np.abs(x64)):.0e}".replace("e-0", "e-")


# --------------------------------------------------------------------------- how you are graded
@claim("l2_grader_wells_starts")
def _():
    from grader.checks.first_order import STARTS as WELL_STARTS

    return f"{len(WELL_STARTS)}"


@claim("l2_graded_table")
def _():
    """The convergence checks' problems, budgets, and what the reference needs (from the checks themselves)."""
    import solutions.first_order as fo
    from grader.checks.first_order import BUDGETS
    from solutions.landscapes import Quadratic, Rosenbrock

    def landscape(spec):
        kw = dict(spec.kwargs)
        return Quadratic(kw["A"], kw["b"]) if spec.name == "Quadratic" else Rosenbrock(kw["d"])

    lines = ["| Class | problem and hyperparameters | budget | reference needs |", "|---|---|---|---|"]
    for name, cases in BUDGETS.items():
        for spec, X0, kwargs, budget, _ in cases:
            tol = 1e-4 if (name, spec.name) == ("GradientDescent", "Rosenbrock") else 1e-6
            fit = getattr(fo, name)(landscape(spec), max_iter=budget, tol=tol, **kwargs).fit(X0)
            needs = int(np.max(fit.n_iter_))
            args = ", ".join(f"{k}={v}" for k, v in kwargs.items())
            problem = "stretched quadratic" if spec.name == "Quadratic" else "Rosenbrock from `(-1.2, 1)`"
            if tol != 1e-6:
                problem += f", to `tol={tol:g}`"
            lines.append(f"| `{name}` | {problem}, `{args}` | {budget} | {needs} |")
    return "\n".join(lines)
