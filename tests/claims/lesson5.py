"""The figures quoted in lessons/05_inversion/README.md, recomputed from the reference code."""

from __future__ import annotations

import numpy as np

from tests.claims import Approx, claim

START = (3.0, 3.0)


def _toy():
    from solutions.landscapes import SquarePhysics

    return SquarePhysics()


def _path(opt, X0=START, steps=10):
    opt.max_iter, opt.tol, opt.store_history = steps, 0.0, True
    return opt.fit(np.asarray(X0, dtype=float)).Xs_


def _methods(toy):
    """The comparison's four methods, with the seeds' learning rates."""
    from solutions.first_order import GradientDescent
    from solutions.inversion import InverseGradient, PhysicalGradient
    from solutions.second_order import Newton

    return {
        "GD": (GradientDescent(toy, lr=0.01), "0.01"),
        "Newton": (Newton(toy, lr=1 / 3), "1/3"),
        "IG": (InverseGradient(toy, lr=0.3), "0.3"),
        "PG": (PhysicalGradient(toy, lr=0.3), "0.3"),
    }


def _alignment(Xs) -> float:
    """The first step's unit vector dotted with -(1, 1), as the seeds print it."""
    step = Xs[1] - Xs[0]
    return float(-(step / np.linalg.norm(step)).sum())


def _pair(v, fmt="{:.8g}") -> str:
    return "(" + ", ".join(fmt.format(float(c)) for c in v) + ")"


def _seed_print(v) -> str:
    """A float32 number as numpy prints it inside an array (the seeds' format)."""
    return np.format_float_positional(np.float32(v), precision=8, unique=True, trim="-")



@claim("l5_gd_1000")
def _():
    from solutions.first_order import GradientDescent

    Xs = _path(GradientDescent(_toy(), lr=0.01), steps=1000)
    return f"{np.linalg.norm(Xs[-1]):.3f}"


@claim("l5_pg_on_axis")
def _():
    from solutions.inversion import PhysicalGradient

    Xs = _path(PhysicalGradient(_toy(), lr=0.3), (1.0, 0.0), steps=2)
    return f"{_pair(Xs[1], '{:g}')} and then {_pair(Xs[2], '{:g}')}"


@claim("l5_branch")
def _():
    from solutions.inversion import PhysicalGradient

    Xs = _path(PhysicalGradient(_toy(), lr=0.3), (2.0, -1.5), steps=1)
    mirror = Xs[1] * np.array([1.0, -1.0])
    return f"{_pair(Xs[1], '{:.4g}')}; the positive root would give {_pair(mirror, '{:.4g}')}"


# ---------------------------------------------------------------- the averaged inverse slope, on y = x^3
@claim("l5_cube_example")
def _():
    x, dy = 2.0, -4.0
    y = x**3
    slope = lambda s: 1.0 / (3.0 * np.cbrt(s) ** 2)  # dx/dy of the inverse, the cube root
    grid = np.linspace(y, y + dy, 100001)
    mean_grid = float(np.mean(slope(grid)))
    mean_exact = (np.cbrt(y + dy) - x) / dy
    assert abs(mean_grid - mean_exact) < 1e-5
    return (
        f"{slope(y):.5f} at the start and {slope(y + dy):.5f} at the end; its mean over the segment is "
        f"{mean_exact:.5f}, from the closed form as from a grid. The exact inverse moves $x$ by {dy * mean_exact:.5f}, "
        f"its linearization by {dy * slope(y):.5f}"
    )


# ---------------------------------------------------------------- the numerical inverse
@claim("l5_inner_iterates")
def _():
    from solutions.inversion import InverseProblem, newton_step_in_y
    from solutions.second_order import Newton

    toy = _toy()
    X = np.array([START])
    Y = toy.physics(X)
    target = Y + newton_step_in_y(toy, Y, 0.3)
    opt = Newton(InverseProblem(toy, target), lr=1.0, tol=1e-12, max_iter=50, store_history=True).fit(X)
    inner = opt.Xs_[1:, 0, 1]
    return ", ".join(f"{v:.{p}g}" for v, p in zip(inner, (3, 8, 8, 9))) + f": {int(opt.n_iter_[0])} inner iterations"


@claim("l5_warm_start")
def _():
    from solutions.inversion import PhysicalGradient

    pg = PhysicalGradient(_toy(), inverse="newton")
    starts = np.array([[0.0, 1.0], [0.0, 0.2], [0.0, -0.2], [0.0, -1.0]])
    got = pg.local_inverse(np.tile([0.0, 4.0], (4, 1)), starts)[:, 1]
    return ", ".join(f"{s:g}" for s in starts[:, 1]) + " returned " + ", ".join(f"{v:g}" for v in got)


@claim("l5_numerical_mae")  # rounding error: the digits depend on the machine, the text says so
def _():
    from solutions.inversion import PhysicalGradient

    toy = _toy()
    a = _path(PhysicalGradient(toy, lr=0.3))
    b = _path(PhysicalGradient(toy, lr=0.3, inverse="newton"))
    return Approx(float(np.mean(np.abs(a - b))), rel=1.0)


# ---------------------------------------------------------------- the worked comparison
@claim("l5_first_step_lengths")
def _():
    toy = _toy()
    lengths = {k: np.linalg.norm(np.diff(_path(o, steps=1), axis=0)) for k, (o, _) in _methods(toy).items()}
    return ", ".join(f"{v:.2f} for {k}" for k, v in lengths.items())


@claim("l5_comparison_table")
def _():
    toy = _toy()
    rows = ["| Method | `lr` | first step to | after 10 steps | distance | first-step alignment |", "|---|---|---|---|---|---|"]
    for name, (opt, lr) in _methods(toy).items():
        Xs = _path(opt)
        rows.append(f"| {name} | {lr} | {_pair(Xs[1])} | {_pair(Xs[-1])} | {np.linalg.norm(Xs[-1]):.4g} | {_alignment(Xs):.6f} |")
    return "\n".join(rows)


def _float32_replay():
    """The seeds' three loops replayed in float32 (their arithmetic, in their order)."""
    f = np.float32
    out = {}
    x = np.array(START, dtype=f)  # GD, eta 0.01
    for _ in range(10):
        x = x + (-f(0.01) * np.array([f(2) * x[0], f(2) * (x[1] * x[1]) * (f(2) * x[1])], dtype=f))
    out["GD"] = x
    x = np.array(START, dtype=f)  # Newton, eta 1/3
    for _ in range(10):
        g = np.array([f(2) * x[0], f(2) * (x[1] * x[1]) * (f(2) * x[1])], dtype=f)
        H = np.array([[2, 0], [0, f(12) * x[1] * x[1]]], dtype=f)
        x = x + (-f(1 / 3) * (np.linalg.inv(H) @ g)).astype(f)
    out["Newton"] = x
    x = np.array(START, dtype=f)  # PG, eta 0.3
    for _ in range(10):
        y = np.array([x[0], x[1] * x[1]], dtype=f)
        y = y - f(0.3) * (np.linalg.inv(np.array([[2, 0], [0, 2]], dtype=f)) @ (f(2) * y))
        x = np.array([y[0], np.power(y[1], f(0.5))], dtype=f)
    out["PG"] = x
    return out


@claim("l5_seed_float32")
def _():
    ends = _float32_replay()
    seeds = {"GD": ("2.4512184", "0.96171147"), "Newton": ("0.05202458", "0.92383826"), "PG": ("0.08474258", "0.50421")}
    for name, x in ends.items():  # the replay prints exactly what the notebook printed
        assert tuple(_seed_print(v) for v in x) == seeds[name], (name, x)
    return "; ".join(f"{k} $({_seed_print(x[0])},\\ {_seed_print(x[1])})$" for k, x in ends.items())


@claim("l5_float32_gap")
def _():
    toy = _toy()
    ends = _float32_replay()
    gap = max(float(np.max(np.abs(_path(_methods(toy)[k][0])[-1] - ends[k].astype(float)) / np.abs(ends[k]))) for k in ends)
    return f"{gap:.0e}".replace("e-0", "e-")


@claim("l5_gd_end_float64")
def _():
    return _pair(_path(_methods(_toy())["GD"][0])[-1], "{:.9g}")


# ---------------------------------------------------------------- y space
@claim("l5_pg_loss")
def _():
    from solutions.inversion import PhysicalGradient

    toy = _toy()
    losses = toy(_path(PhysicalGradient(toy, lr=0.3)))
    return f"{losses[0]:g} to {losses[-1]:.3g}"


@claim("l5_gd_newton_first_y")
def _():
    toy = _toy()
    m = _methods(toy)
    gd = toy.physics(_path(m["GD"][0], steps=1))
    nt = toy.physics(_path(m["Newton"][0], steps=1))
    return f"drops $y_1$ from {gd[0, 1]:g} to {gd[1, 1]:.3g} while $y_0$ barely moves ({gd[1, 0]:.3g}); Newton's goes to {_pair(nt[1], '{:.3g}')}"


# ---------------------------------------------------------------- ScaledQuadratic and gradient descent
@claim("l5_gd_alpha_table")
def _():
    from solutions.first_order import GradientDescent
    from solutions.landscapes import ScaledQuadratic

    rows = ["| $\\alpha$ | factor on $x_1$ per step | $\\lvert x_1\\rvert$ after 15 steps |", "|---|---|---|"]
    for alpha in (0.3, 1.0, 3.0, 4.0, 5.0):
        Xs = _path(GradientDescent(ScaledQuadratic(alpha), lr=0.05), (2.0, 1.5), steps=15)
        factor = Xs[1, 1] / Xs[0, 1]
        rows.append(f"| {alpha:g} | {factor:.3g} | {abs(Xs[-1, 1]):.3g} |")
    return "\n".join(rows)


@claim("l5_gd_alpha_x0")
def _():
    from solutions.first_order import GradientDescent
    from solutions.landscapes import ScaledQuadratic

    factors = {round(float(r), 12) for alpha in (0.3, 1.0, 3.0) for r in (lambda X: X[1:, 0] / X[:-1, 0])(_path(GradientDescent(ScaledQuadratic(alpha), lr=0.05), (2.0, 1.5), steps=15))}
    (factor,) = factors
    return f"{factor:g}"


# ---------------------------------------------------------------- the adaptive methods
def _adaptive(toy):
    from solutions.first_order import AdaGrad, Adam, RMSprop

    return {"AdaGrad": AdaGrad(toy, lr=0.3), "RMSprop": RMSprop(toy, lr=0.05, decay=0.9), "Adam": Adam(toy, lr=0.3)}


@claim("l5_adaptive_first_alignment")
def _():
    values = {f"{_alignment(_path(o, steps=1)):.6f}" for o in _adaptive(_toy()).values()}
    (value,) = values
    return value


@claim("l5_cosines_from_31")
def _():
    toy = _toy()
    start = np.array([3.0, 1.0])

    def cosine(opt):
        step = np.diff(_path(opt, start, steps=1), axis=0)[0]
        return float(-step @ start / (np.linalg.norm(step) * np.linalg.norm(start)))

    sign = {f"{cosine(o):.3f}" for o in _adaptive(toy).values()}
    (sign,) = sign
    m = _methods(toy)
    return f"{sign} for all three, below GD's {cosine(m['GD'][0]):.3f} and PG's {cosine(m['PG'][0]):.3f}"


@claim("l5_adaptive_distances")
def _():
    toy = _toy()
    ada = {k: np.linalg.norm(_path(o)[-1]) for k, o in _adaptive(toy).items()}
    ours = {k: np.linalg.norm(_path(o)[-1]) for k, (o, _) in _methods(toy).items()}
    return (
        "AdaGrad was " + f"{ada['AdaGrad']:.3f} from the origin, RMSprop {ada['RMSprop']:.3f} and Adam {ada['Adam']:.3f}. "
        + "Compare " + ", ".join(f"{k} {v:.3g}" for k, v in ours.items())
    )


@claim("l5_adaptive_first_lengths")
def _():
    lengths = {k: np.linalg.norm(np.diff(_path(o, steps=1), axis=0)) for k, o in _adaptive(_toy()).items()}
    return f"{lengths['AdaGrad']:.2f} for AdaGrad, {lengths['Adam']:.2f} for Adam and {lengths['RMSprop']:.2f} for RMSprop"
