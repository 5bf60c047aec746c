"""The figures quoted in lessons/06_bakeoff/README.md, recomputed from the reference code.

The bake-off itself is the walkthrough's: its setup (``field``, ``RATES``, ``EXTRA``, ``run``)
is imported from ``lessons/06_bakeoff/walkthrough.py`` with the reference classes, and every row
is fitted once per test session (``functools.cache``), so the tables and the prose read the same
runs. The whole lesson costs one bake-off, about 7 s on a 2-core machine; the slowest claim (the
20-D table, which pays for the BFGS and L-BFGS stalls) about 4.5 s.

Some cells of the bake-off are chaotic: they changed when the starts moved by one part in 10^14
(five random perturbations, measured when the tables were written), so they hang on rounding and
differ between machines and between equal implementations. ``CHAOTIC`` lists them; the tables
show a dagger there instead of a number, and the prose quotes such figures only as ``Approx``.
"""

from __future__ import annotations

import functools
import time

import numpy as np

from tests.claims import Approx, claim

COLUMNS = ("loss", "converged", "diverged", "loss evals", "grad evals", "hessian evals")
#: (landscape, optimizer) -> the columns that changed under a 1e-14 relative perturbation of the starts
CHAOTIC = {
    ("rosenbrock 2-D", "AdaGrad"): {"loss"},
    ("rosenbrock 2-D", "RMSprop"): {"loss"},
    ("rosenbrock 20-D", "RMSprop"): {"loss"},
    ("rosenbrock 20-D", "ConditionScaledGD"): {"loss"},
    ("wells", "Broyden"): {"loss", "converged"},
    ("rosenbrock 2-D", "Broyden"): {"loss", "converged"},
    ("rosenbrock 20-D", "Broyden"): {"loss", "converged", "diverged"},
    ("toy physics", "Broyden"): {"loss", "converged", "grad evals"},
    ("wells", "Newton"): {"loss evals"},
    ("rosenbrock 20-D", "GaussNewton"): {"loss"},
    ("rosenbrock 20-D", "BFGS"): {"converged", "loss evals", "grad evals"},
    ("rosenbrock 20-D", "LBFGS"): {"converged", "loss evals", "grad evals"},
}
DAGGER = "†"


def walkthrough():
    """The walkthrough as a module, built on the reference classes, at its full size (shared with
    the lesson's questions, which compute their keys from the same runs)."""
    from grader.instructor.questions.lesson6 import reference_walkthrough

    return reference_walkthrough()


@functools.cache
def row(landscape: str, name: str):
    """The bake-off's measurements for one pair, with the fitted optimizer under ``"opt"``."""
    wt = walkthrough()
    return wt.run(name, list(wt.LANDSCAPES).index(landscape), fitted=True)


def rows(landscape: str):
    wt = walkthrough()
    found = {name: row(landscape, name) for name in wt.RATES}
    return {name: r for name, r in found.items() if r is not None}


def _loss(value: float) -> str:
    return "inf" if not np.isfinite(value) else f"{value:.3g}"


def table(landscape: str) -> str:
    head = "| optimizer | lr | mean final loss | converged | diverged | loss evals | grad evals | Hessian evals |"
    lines = [head, "|---|---|---|---|---|---|---|---|"]
    for name, r in rows(landscape).items():
        shown = {
            "loss": _loss(r["loss"]),
            "converged": f"{r['converged']:.0%}",
            "diverged": f"{r['diverged']:.0%}",
            "loss evals": f"{r['loss evals']:.0f}",
            "grad evals": f"{r['grad evals']:.0f}",
            "hessian evals": f"{r['hessian evals']:.0f}",
        }
        for column in CHAOTIC.get((landscape, name), ()):
            shown[column] = DAGGER
        lines.append(f"| {name} | {r['lr']:g} | " + " | ".join(shown[c] for c in COLUMNS) + " |")
    return "\n".join(lines)


def opt(landscape: str, name: str):
    return row(landscape, name)["opt"]


# --------------------------------------------------------------------------- the field
@claim("l6_well_minima")
def _():
    """The wells' local minima: every minimum any start of Newton's reached, by loss."""
    from solutions.second_order import Newton

    wt = walkthrough()
    build, _ = wt.LANDSCAPES["wells"]
    wells = build()
    grid = np.stack(np.meshgrid(np.linspace(-3, 3, 31), np.linspace(-3, 3, 31)), -1).reshape(-1, 2)
    fit = Newton(wells, lr=1.0, line_search=True, max_iter=200, tol=1e-10).fit(grid)
    X = fit.X_[fit.converged_]
    lam_min = np.linalg.eigvalsh(wells.hessian(X))[:, 0]
    minima = np.unique(np.round(wells(X[lam_min > 1e-8]), 3))
    minima = minima[minima < -0.05]  # the plateau far from the wells is flat, not a minimum
    return ", ".join(f"{m:.3f}" for m in minima[:-1]) + f" and {minima[-1]:.3f}"


@claim("l6_starts")
def _():
    wt = walkthrough()
    n = {k: len(X0) for k, (_, X0) in wt.LANDSCAPES.items()}
    return f"{n['wells']}, {n['rosenbrock 2-D']}, {n['rosenbrock 20-D']} and {n['toy physics']}"


@claim("l6_local_minimum_20d")
def _():
    o = opt("rosenbrock 20-D", "Newton")
    local = o.converged_ & (o.loss_ > 1.0)
    return f"{o.loss_[local].min():.3f} near $x_0 \\approx {o.X_[local][0, 0]:.2f}$"


@claim("l6_tuning_grid")
def _():
    g = walkthrough().TUNING_GRID
    return f"{len(g)} rates"


@claim("l6_slowest_newton_wells")
def _():
    r, o = row("wells", "Newton"), opt("wells", "Newton")
    return f"{r['grad evals']:.0f} gradients per start on the wells mean that the slowest start stopped after {o.n_iter_.max()} steps"


# --------------------------------------------------------------------------- the tables
@claim("l6_table_wells")
def _():
    return table("wells")


@claim("l6_table_rosenbrock_2d")
def _():
    return table("rosenbrock 2-D")


@claim("l6_table_rosenbrock_20d")
def _():
    return table("rosenbrock 20-D")


@claim("l6_table_toy")
def _():
    return table("toy physics")


# --------------------------------------------------------------------------- the wells
def _deep_share(name):
    return float(np.mean(opt("wells", name).loss_ < -0.25))


@claim("l6_wells_deep_shares")
def _():
    shares = [_deep_share(n) for n in ("Adam", "AdaGrad", "RMSprop", "BFGS", "LBFGS", "GradientDescent")]
    return f"{min(shares):.0%} to {max(shares):.0%}"


@claim("l6_wells_adam_middle")
def _():
    middle = lambda name: float(np.mean(np.abs(opt("wells", name).loss_ + 0.188) < 0.005))  # noqa: E731
    others = [middle(n) for n in ("AdaGrad", "RMSprop", "BFGS", "LBFGS", "Newton")]
    return f"{middle('Adam'):.0%} of Adam's starts ended in that well, against {min(others):.0%} to {max(others):.0%} for AdaGrad, RMSprop, BFGS, L-BFGS and Newton"


@claim("l6_wells_quasi_newton_steps")
def _():
    return f"{opt('wells', 'BFGS').n_iter_.max()} and {opt('wells', 'LBFGS').n_iter_.max()}"


@claim("l6_wells_first_order_steps")
def _():
    return f"AdaGrad needed up to {opt('wells', 'AdaGrad').n_iter_.max()} steps, Adam {opt('wells', 'Adam').n_iter_.mean():.0f} on average"


@claim("l6_wells_gd_unconverged")
def _():
    return f"{int(np.sum(~opt('wells', 'GradientDescent').converged_))}"


@claim("l6_wells_csgd_unconverged")
def _():
    return f"{np.mean(~opt('wells', 'ConditionScaledGD').converged_):.0%}"


@claim("l6_wells_broyden_far")
def _():
    o = opt("wells", "Broyden")
    return Approx(float(np.mean(np.linalg.norm(o.X_, axis=1) > 5)) * 100, rel=0.5)


# --------------------------------------------------------------------------- Rosenbrock 2-D
@claim("l6_r2_adam_median")
def _():
    return f"{np.median(opt('rosenbrock 2-D', 'Adam').loss_):.0e}".replace("e-0", "e-")


@claim("l6_r2_steps")
def _():
    n = {m: opt("rosenbrock 2-D", m).n_iter_ for m in ("Newton", "BFGS", "LBFGS", "GaussNewton")}
    return f"Newton in {n['Newton'].mean():.1f} steps on average, BFGS and L-BFGS in {n['BFGS'].mean():.1f} and {n['LBFGS'].mean():.1f}, Gauss-Newton in at most {n['GaussNewton'].max()}"


# --------------------------------------------------------------------------- Rosenbrock 20-D
def _minima_20d(name):
    o = opt("rosenbrock 20-D", name)
    return int(np.sum(o.loss_ < 1e-6)), int(np.sum(np.abs(o.loss_ - 3.9866) < 1e-3)), int(np.sum(o.converged_)), len(o.loss_)


@claim("l6_r20_newton")
def _():
    glob, local, conv, n = _minima_20d("Newton")
    assert conv == n
    return f"all {n} starts within {opt('rosenbrock 20-D', 'Newton').n_iter_.max()} steps, but {local} of them at the local minimum"


@claim("l6_r20_quasi_newton_minima")
def _():
    b, l = _minima_20d("BFGS"), _minima_20d("LBFGS")
    assert b[:2] == l[:2]
    return f"{b[0]} starts to the global minimum and {b[1]} to the local one"


@claim("l6_spacing")
def _():
    return f"{np.spacing(3.9866):.1e}"


@claim("l6_r20_converged_cost")
def _():
    """Evaluations per converged start of BFGS: which starts converge is chaotic, so the mean moves a little."""
    o = opt("rosenbrock 20-D", "BFGS")
    return Approx(float(o.n_evals_[o.converged_].mean()), rel=0.1)


@claim("l6_r20_stall_share")
def _():
    o = opt("rosenbrock 20-D", "BFGS")
    return Approx(100 * float(o.n_evals_[~o.converged_].sum() / o.n_evals_.sum()), rel=0.2)


@claim("l6_r20_gauss_newton")
def _():
    glob, local, conv, n = _minima_20d("GaussNewton")
    return f"{conv} of {n} starts ({glob} of them at the global minimum)"


@claim("l6_r20_gauss_newton_short")
def _():
    wt = walkthrough()
    r = wt.run("GaussNewton", list(wt.LANDSCAPES).index("rosenbrock 20-D"), lr=0.1)
    return f"{r['converged']:.0%}"


# --------------------------------------------------------------------------- the toy physics
@claim("l6_toy_steps")
def _():
    n = {m: opt("toy physics", m).n_iter_ for m in ("GaussNewton", "Newton", "BFGS", "LBFGS")}
    return f"Gauss-Newton needed at most {n['GaussNewton'].max()} steps, Newton {n['Newton'].max()}, BFGS and L-BFGS {n['BFGS'].mean():.0f} and {n['LBFGS'].mean():.0f} on average"


@claim("l6_toy_inversion_steps")
def _():
    return f"{max(opt('toy physics', m).n_iter_.max() for m in ('InverseGradient', 'PhysicalGradient'))}"


@claim("l6_toy_pg_one_step")
def _():
    wt = walkthrough()
    r = wt.run("PhysicalGradient", list(wt.LANDSCAPES).index("toy physics"), lr=1.0, fitted=True)
    o = r["opt"]
    assert np.all(o.n_iter_ == 1) and np.all(o.loss_ == 0.0)
    return "every start exactly on the minimum in one step"


# --------------------------------------------------------------------------- cost and tuning
def _seconds_per_step(names, steps=100, repeats=7):
    """The best of several timings of one batch step on 20-D Rosenbrock (the bake-off's starts),
    for each of ``names``, interleaved so that a burst of load hits them alike."""
    wt = walkthrough()
    build, X0 = wt.LANDSCAPES["rosenbrock 20-D"]
    best = dict.fromkeys(names, np.inf)
    for _ in range(repeats):
        for name in names:
            rate = wt.RATES[name][2] if isinstance(wt.RATES[name], tuple) else wt.RATES[name]
            o = wt.optimizer(name)(build(), lr=rate, max_iter=steps, tol=0.0, **wt.EXTRA.get(name, {}))
            start = time.perf_counter()
            o.fit(X0)
            best[name] = min(best[name], (time.perf_counter() - start) / steps)
    return best


@claim("l6_newton_vs_gd_step_time")
def _():
    t = _seconds_per_step(("Newton", "GradientDescent"))
    return Approx(t["Newton"] / t["GradientDescent"], rel=0.6)


@claim("l6_tuning_fits")
def _():
    wt = walkthrough()
    tuned = [n for n, r in wt.RATES.items() if isinstance(r, tuple)]
    return f"{len(tuned)} tuned methods tried {len(wt.TUNING_GRID)} rates on each of {len(wt.LANDSCAPES)} landscapes, {len(tuned) * len(wt.TUNING_GRID) * len(wt.LANDSCAPES)} fits"


@claim("l6_gd_rate_span")
def _():
    rates = walkthrough().RATES["GradientDescent"]
    return f"{np.log10(max(rates) / min(rates)):.0f} decades"


@claim("l6_tol6_quasi_newton")
def _():
    wt = walkthrough()
    index = list(wt.LANDSCAPES).index("rosenbrock 20-D")
    both = [wt.run(m, index, tol=1e-6)["converged"] for m in ("BFGS", "LBFGS")]
    assert both == [1.0, 1.0]
    return f"all {len(wt.LANDSCAPES['rosenbrock 20-D'][1])} starts"


@claim("l6_bakeoff_cpu_seconds")
def _():
    """The full bake-off's CPU time with the reference classes (a child process's user + system time):
    machine-dependent, so only its order is checked (within a factor of 2)."""
    import os
    import resource
    import subprocess
    import sys
    import tempfile

    from grader import engine

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as figures:
        env = {**os.environ, "COURSE_CODE": "solutions", "COURSE_FIGURES": figures, "MPLBACKEND": "Agg"}
        env.pop("BAKEOFF_SMALL", None)
        subprocess.run([sys.executable, str(engine.LESSONS / "06_bakeoff" / "walkthrough.py")], cwd=engine.REPO, env=env, check=True, capture_output=True, timeout=900)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Approx((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), rel=1.0)
