# %% [markdown]
# # Lesson 6: the bake-off
#
# Every optimizer of the course, on the same landscapes and the same batch of starts, each at a
# stated learning rate. For each pair we measure the final loss, the number of points at which
# the loss, the gradient and the Hessian were evaluated (counted by wrapping the landscape, not
# estimated) and the wall time. Run it as a script:
#
#     python lessons/06_bakeoff/walkthrough.py            # the full bake-off (seconds)
#     python lessons/06_bakeoff/walkthrough.py --small    # a quick version (used by the tests)
#     python lessons/06_bakeoff/walkthrough.py --tune     # re-derive the learning rates below
#
# It uses your classes (`COURSE_CODE=solutions` for the reference); an optimizer or landscape
# that is not done yet is left out of the table with a note. Results go to `figures/06_bakeoff/`.

# %%
import sys
import time
import warnings
from pathlib import Path

_here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
sys.path.insert(0, str(next(p for p in (_here, *_here.parents) if (p / "lessons" / "_walkthrough.py").exists())))

import numpy as np  # noqa: E402

from lessons._walkthrough import course, figure_folder, needs, plt, save  # noqa: E402

SMALL = "--small" in sys.argv
TUNE = "--tune" in sys.argv
LESSON = "06_bakeoff"
L = course("landscapes")
modules = [course(m) for m in ("first_order", "second_order", "quasi_newton", "inversion")]


def optimizer(name):
    return next(getattr(m, name) for m in modules if hasattr(m, name))


class Counted:
    """A landscape that counts the points at which each of its methods is evaluated."""

    def __init__(self, inner):
        self._inner, self.d = inner, getattr(inner, "d", None)
        self.counts = {}

    def _count(self, name, X):
        X = np.asarray(X)
        self.counts[name] = self.counts.get(name, 0) + (1 if X.ndim == 1 else len(X))

    def __call__(self, X):
        self._count("loss", X)
        return self._inner(X)

    def __getattr__(self, name):
        method = getattr(self._inner, name)
        if not callable(method):
            return method

        def counted(X, *args):
            self._count(name, X)
            return method(X, *args)

        return counted


# %% [markdown]
# ## The field
# Four landscapes: the Gaussian wells (non-convex, flat far from the wells), Rosenbrock in 2 and
# 20 dimensions (a curved valley), and the PBDL toy physics (where the inverse simulator applies).
# The learning rates are the best of the grid 1e-4 ... 1 (half-decades) for 500 steps, found by
# `--tune` (Broyden in 20-D diverges at every rate of the grid: its entry is the smallest);
# Newton (with its line search), Gauss-Newton, BFGS and L-BFGS take their natural step 1; IG and
# PG take a stated half step, 0.5 (at 1, PG lands on this toy problem's minimum in one step).

# %%
rng = np.random.default_rng(0)
n_starts = 10 if SMALL else 100
LANDSCAPES = {
    "wells": (lambda: L.GaussianWells(n_wells=8, random_state=0), rng.uniform(-3, 3, size=(n_starts, 2))),
    "rosenbrock 2-D": (lambda: L.Rosenbrock(2), rng.uniform(-2, 2, size=(n_starts // 2, 2))),
    "rosenbrock 20-D": (lambda: L.Rosenbrock(20), rng.uniform(-2, 2, size=(max(2, n_starts // 5), 20))),
    "toy physics": (lambda: L.SquarePhysics(), rng.uniform(-3, 3, size=(n_starts // 2, 2))),
}
# learning rate per landscape (same order as LANDSCAPES), or one value for all
RATES = {
    "GradientDescent": (1.0, 1e-3, 3e-4, 3e-2),
    "Momentum": (1.0, 3e-4, 3e-4, 3e-2),
    "Langevin": (1.0, 1e-3, 3e-4, 3e-2),
    "AdaGrad": (1.0, 1.0, 1.0, 1.0),
    "RMSprop": (1e-2, 3e-2, 3e-2, 3e-2),
    "Adam": (0.3, 1.0, 1.0, 1.0),
    "ConditionScaledGD": (1.0, 1e-2, 3e-2, 1.0),
    "Broyden": (1.0, 1e-3, 1e-4, 3e-3),
    "Newton": 1.0,
    "GaussNewton": 1.0,
    "BFGS": 1.0,
    "LBFGS": 1.0,
    "InverseGradient": 0.5,
    "PhysicalGradient": 0.5,
}
EXTRA = {"Langevin": {"noise": 0.01, "random_state": 0}, "Newton": {"line_search": True}}
MAX_ITER = 100 if SMALL else 500


def run(name, landscape_index, lr=None):
    """Fit optimizer ``name`` on landscape number ``landscape_index``: a dict of measurements."""
    build, X0 = list(LANDSCAPES.values())[landscape_index]
    loss = Counted(build())
    rate = RATES[name] if lr is None else lr
    rate = rate[landscape_index] if isinstance(rate, tuple) else rate
    cls = optimizer(name)
    missing = [m for m in cls.requires if not hasattr(loss._inner, m)]
    if missing:
        return None  # the method does not apply to this landscape
    opt = cls(loss, lr=rate, max_iter=MAX_ITER, tol=1e-8, **EXTRA.get(name, {}))
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        opt.fit(X0)
    seconds = time.perf_counter() - start
    final = np.where(opt.diverged_, np.nan, opt.loss_)
    n = len(X0)
    return {
        "lr": rate,
        "loss": float(np.nanmean(final)) if not np.all(np.isnan(final)) else np.inf,
        "best": float(np.nanmin(final)) if not np.all(np.isnan(final)) else np.inf,
        "converged": float(np.mean(opt.converged_)),
        "diverged": float(np.mean(opt.diverged_)),
        "loss evals": loss.counts.get("loss", 0) / n,
        "grad evals": (loss.counts.get("grad", 0) + loss.counts.get("residual_jacobian", 0) + loss.counts.get("physics_jacobian", 0)) / n,
        "hessian evals": loss.counts.get("hessian", 0) / n,
        "seconds": seconds,
    }


# %%
if TUNE:
    print("Tuning: mean final loss (divergence disqualifies) over the grid 1e-4 ... 1")
    for name, rate in RATES.items():
        if not isinstance(rate, tuple):
            continue
        best = []
        for index in range(len(LANDSCAPES)):
            scores = {}
            for lr in np.logspace(-4, 0, 9):
                with needs(f"tuning {name}"):
                    result = run(name, index, lr=float(lr))
                    if result and result["diverged"] == 0:
                        scores[float(lr)] = result["loss"]
            best.append(min(scores, key=scores.get) if scores else None)
        print(f"  {name}: {tuple(f'{b:.0e}' if b else None for b in best)}")

# %% [markdown]
# ## Results

# %%
print(f"Bake-off: {', '.join(f'{k} ({len(v[1])} starts)' for k, v in LANDSCAPES.items())}; at most {MAX_ITER} steps, tol 1e-8")
results = {}
for name in RATES:
    for index, landscape in enumerate(LANDSCAPES):
        with needs(f"{name} on {landscape}"):
            result = run(name, index)
            if result is not None:
                results[(landscape, name)] = result

lines = ["| landscape | optimizer | lr | mean final loss | converged | diverged | loss evals | grad evals | Hessian evals | seconds |", "|---|---|---|---|---|---|---|---|---|---|"]
for (landscape, name), r in results.items():
    lines.append(
        f"| {landscape} | {name} | {r['lr']:g} | {r['loss']:.4g} | {r['converged']:.0%} | {r['diverged']:.0%} | "
        f"{r['loss evals']:.0f} | {r['grad evals']:.0f} | {r['hessian evals']:.0f} | {r['seconds']:.3f} |"
    )
table = "\n".join(lines)
print(table)
if results:
    path = figure_folder(LESSON) / "results.md"
    path.write_text(table + "\n")
    print(f"  wrote {path}")

# %%
print("Figure: final loss against gradient evaluations, per landscape")
if results:
    fig, axes = plt.subplots(1, len(LANDSCAPES), figsize=(5 * len(LANDSCAPES), 5))
    for ax, landscape in zip(axes, LANDSCAPES):
        rows = {name: r for (land, name), r in results.items() if land == landscape and np.isfinite(r["loss"])}
        floor = min((r["loss"] for r in rows.values()), default=0.0)
        for name, r in rows.items():
            gap = r["loss"] - floor + 1e-12
            evals = max(r["grad evals"] + r["hessian evals"], 1)
            ax.scatter(evals, gap, s=40)
            ax.annotate(name, (evals, gap), fontsize=7, xytext=(3, 3), textcoords="offset points")
        ax.set(xscale="log", yscale="log", title=landscape, xlabel="gradient + Hessian evaluations per start", ylabel="mean final loss - best mean (+1e-12)")
    save(fig, LESSON, "loss_vs_evaluations.png")
else:
    print("  skipped: no optimizer is done yet")

print("done")
