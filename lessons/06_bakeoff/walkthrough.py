# %% [markdown]
# # Lesson 6: the bake-off
#
# Every optimizer of the course, on the same landscapes and the same batch of starts, each at a
# stated learning rate. For each pair we measure the final loss, the number of points at which
# the loss, the gradient and the Hessian were evaluated (counted by wrapping the landscape, not
# estimated) and the wall time. Run it as a script, from the repository root:
#
#     python lessons/06_bakeoff/walkthrough.py            # the full bake-off
#     python lessons/06_bakeoff/walkthrough.py --small    # a quick version (fewer starts and steps;
#                                                          # in a notebook: set BAKEOFF_SMALL=1)
#     python lessons/06_bakeoff/walkthrough.py --tune     # re-derive the learning rates below first
#
# It uses your classes from `lessons/`; an optimizer or landscape that is not done yet is left out
# of the table with a note. Results go to `figures/06_bakeoff/`: `results.md` (the table) and
# Figure 1, `loss_vs_evaluations.png`.
#
# The setup (`field`, `RATES`, `EXTRA`, `MAX_ITER`, `run`) is defined first and run only in the
# last cells, so a script of your own can import this file and reuse it (exercise 6).

# %%
import os
import sys
import time
import warnings
from pathlib import Path

_here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
_root = next((p for p in (_here, *_here.parents) if (p / "lessons" / "_walkthrough.py").exists()), None)
if _root is None:
    raise RuntimeError("open this walkthrough from inside the course's folder (in Colab: !git clone the course, then %cd into it)")
sys.path.insert(0, str(_root))

import numpy as np  # noqa: E402

from lessons._walkthrough import course, figure_folder, needs, plt, save  # noqa: E402

SMALL = "--small" in sys.argv or os.environ.get("BAKEOFF_SMALL") == "1"  # a notebook has no argv: the variable
TUNE = "--tune" in sys.argv
LESSON = "06_bakeoff"
L = course("landscapes")
#: the optimizers' modules, and the marker of each family in Figure 1
FAMILIES = {"first_order": "o", "second_order": "s", "quasi_newton": "^", "inversion": "D"}
modules = {family: course(family) for family in FAMILIES}


def optimizer(name):
    return next(getattr(m, name) for m in modules.values() if hasattr(m, name))


def family(name):
    return next(f for f, m in modules.items() if hasattr(m, name))


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
# Each has its own batch of starts, all drawn in turn from one generator seeded with 0.
#
# The learning rates of the first eight methods are the best of the grid `TUNING_GRID` (half
# decades from 1e-4 to 10) for `MAX_ITER` steps, found by `--tune` on these very starts; Broyden in
# 20-D diverges at every rate of the grid, so its entry is a manual choice, the smallest rate of the grid.
# Newton (with its line search), Gauss-Newton, BFGS and L-BFGS take their natural step 1; IG and
# PG take a stated half step, 0.5 (at 1, PG lands on this toy problem's minimum in one step).

# %%
def field(small=False):
    """The landscapes, by name: ``(build, X0)`` with ``build()`` a fresh landscape and ``X0: (n, d)``."""
    rng = np.random.default_rng(0)
    n_starts = 10 if small else 100
    return {
        "wells": (lambda: L.GaussianWells(n_wells=8, random_state=0), rng.uniform(-3, 3, size=(n_starts, 2))),
        "rosenbrock 2-D": (lambda: L.Rosenbrock(2), rng.uniform(-2, 2, size=(n_starts // 2, 2))),
        "rosenbrock 20-D": (lambda: L.Rosenbrock(20), rng.uniform(-2, 2, size=(max(2, n_starts // 5), 20))),
        "toy physics": (lambda: L.SquarePhysics(), rng.uniform(-3, 3, size=(n_starts // 2, 2))),
    }


LANDSCAPES = field(SMALL)
TUNING_GRID = np.logspace(-4, 1, 11)
# learning rate per landscape (same order as LANDSCAPES), or one value for all
RATES = {
    "GradientDescent": (3.0, 1e-3, 3e-4, 3e-2),
    "Momentum": (1.0, 3e-4, 3e-4, 3e-2),
    "Langevin": (1.0, 1e-3, 3e-4, 3e-2),
    "AdaGrad": (1.0, 1.0, 1.0, 3.0),
    "RMSprop": (1e-2, 3e-2, 3e-2, 3e-2),
    "Adam": (0.3, 1.0, 1.0, 3.0),
    "ConditionScaledGD": (3.0, 1e-2, 3e-2, 1.0),
    "Broyden": (3.0, 1e-3, 1e-4, 3e-3),
    "Newton": 1.0,
    "GaussNewton": 1.0,
    "BFGS": 1.0,
    "LBFGS": 1.0,
    "InverseGradient": 0.5,
    "PhysicalGradient": 0.5,
}
EXTRA = {"Langevin": {"noise": 0.01, "random_state": 0}, "Newton": {"line_search": True}}
MAX_ITER = 100 if SMALL else 500
TOL = 1e-8


def run(name, landscape_index, lr=None, tol=None, fitted=False):
    """Fit optimizer ``name`` on landscape number ``landscape_index``: a dict of measurements
    (with ``fitted=True``, also the fitted optimizer under ``"opt"``), or None when the method
    does not apply to the landscape."""
    build, X0 = list(LANDSCAPES.values())[landscape_index]
    loss = Counted(build())
    rate = RATES[name] if lr is None else lr
    rate = rate[landscape_index] if isinstance(rate, tuple) else rate
    cls = optimizer(name)
    missing = [m for m in cls.requires if not hasattr(loss._inner, m)]
    if missing:
        return None  # the method does not apply to this landscape
    opt = cls(loss, lr=rate, max_iter=MAX_ITER, tol=TOL if tol is None else tol, **EXTRA.get(name, {}))
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        opt.fit(X0)
    seconds = time.perf_counter() - start
    final = np.where(opt.diverged_, np.nan, opt.loss_)
    n = len(X0)
    result = {
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
    if fitted:
        result["opt"] = opt
    return result


def tune(name):
    """The best rate of ``TUNING_GRID`` on each landscape (lowest mean final loss; a rate at
    which any start diverges is out), or None where every rate diverged."""
    best = []
    for index in range(len(LANDSCAPES)):
        scores = {}
        for lr in TUNING_GRID:
            result = run(name, index, lr=float(lr))
            if result and result["diverged"] == 0:
                scores[float(lr)] = result["loss"]
        best.append(min(scores, key=scores.get) if scores else None)
    return tuple(best)


def bake_off():
    """Every optimizer on every landscape it applies to: ``{(landscape, name): measurements}``."""
    results = {}
    for name in RATES:
        for index, landscape in enumerate(LANDSCAPES):
            with needs(f"{name} on {landscape}"):
                result = run(name, index)
                if result is not None:
                    results[(landscape, name)] = result
    return results


COLUMNS = "| landscape | optimizer | lr | mean final loss | converged | diverged | loss evals | grad evals | Hessian evals | seconds |"


def markdown_table(results):
    lines = [COLUMNS, "|---" * COLUMNS.count(" | ") + "|---|"]
    for (landscape, name), r in results.items():
        lines.append(
            f"| {landscape} | {name} | {r['lr']:g} | {r['loss']:.4g} | {r['converged']:.0%} | {r['diverged']:.0%} | "
            f"{r['loss evals']:.0f} | {r['grad evals']:.0f} | {r['hessian evals']:.0f} | {r['seconds']:.3f} |"
        )
    return "\n".join(lines)


FLOOR = 1e-12  # added to the gap to the best mean, so that the best can sit on a log scale


def draw(results):
    """Figure 1: per landscape, each method's mean final loss above the panel's best mean,
    against its gradient plus Hessian evaluations per start. One colour and marker per method."""
    names = list(RATES)
    palette = plt.cm.tab20(np.arange(20))
    colours = dict(zip(names, palette[[*range(0, 20, 2), *range(1, 20, 2)]]))  # ten distinct hues first
    fig, axes = plt.subplots(1, len(LANDSCAPES), figsize=(4.2 * len(LANDSCAPES), 4.4), sharex=True, sharey=True)
    for ax, landscape in zip(axes, LANDSCAPES):
        rows = {name: r for (land, name), r in results.items() if land == landscape and np.isfinite(r["loss"])}
        best = min((r["loss"] for r in rows.values()), default=0.0)
        for name, r in rows.items():
            evals = max(r["grad evals"] + r["hessian evals"], 1)
            ax.scatter(evals, r["loss"] - best + FLOOR, s=55, color=colours[name], marker=FAMILIES[family(name)], edgecolor="k", linewidth=0.5, label=name, zorder=3)
        ax.axhline(FLOOR, color="0.6", linestyle=":", linewidth=1, zorder=1)
        left_out = [name for (land, name), r in results.items() if land == landscape and not np.isfinite(r["loss"])]
        title = landscape + (f"\n({', '.join(left_out)}: mean not finite, not shown)" if left_out else "")
        ax.set(xscale="log", yscale="log", title=title, xlabel="gradient + Hessian evaluations per start")
        ax.xaxis.set_minor_formatter(plt.NullFormatter())  # labels on the decades only: no overlaps
        ax.grid(True, which="major", alpha=0.3)
    axes[0].set_xlim(3, 5000)
    axes[0].set_ylabel(f"mean final loss - best mean + {FLOOR:g}")
    handles = [plt.Line2D([], [], linestyle="", marker=FAMILIES[family(n)], markersize=8, markerfacecolor=colours[n], markeredgecolor="k", label=n) for n in names if any(k[1] == n for k in results)]
    handles.append(plt.Line2D([], [], color="0.6", linestyle=":", label=f"the panel's best mean (+{FLOOR:g})"))
    title = "marker: circle first order,\nsquare Newton and relatives,\ntriangle quasi-Newton,\ndiamond inversion"
    fig.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False, title=title, title_fontsize=8)
    fig.suptitle("Figure 1: final loss against evaluations (lower left is better)")
    fig.tight_layout()
    return fig


# %% [markdown]
# ## Tuning (only with `--tune`)

# %%
if __name__ == "__main__" and TUNE:
    print(f"Tuning: mean final loss (divergence disqualifies) over the grid {TUNING_GRID[0]:g} ... {TUNING_GRID[-1]:g}")
    for name, rate in RATES.items():
        if isinstance(rate, tuple):
            with needs(f"tuning {name}"):
                best = tune(name)
                edge = [land for land, b in zip(LANDSCAPES, best) if b in (TUNING_GRID[0], TUNING_GRID[-1])]
                note = f"   (on the edge of the grid: {', '.join(edge)})" if edge else ""
                print(f"  {name}: {tuple(f'{b:.0e}' if b else None for b in best)}{note}")

# %% [markdown]
# ## Results

# %%
if __name__ == "__main__":
    print(f"Bake-off: {', '.join(f'{k} ({len(v[1])} starts)' for k, v in LANDSCAPES.items())}; at most {MAX_ITER} steps, tol {TOL:g}")
    results = bake_off()
    table = markdown_table(results)
    print(table)
    if results:
        path = figure_folder(LESSON) / "results.md"
        path.write_text(table + "\n")
        print(f"  wrote {path}")

# %%
if __name__ == "__main__":
    print("Figure 1: final loss against gradient evaluations, per landscape")
    if results:
        save(draw(results), LESSON, "loss_vs_evaluations.png")
    else:
        print("  skipped: no optimizer is done yet")
    print("done")


# %% [markdown]
# ## Your checks
#
# The grader's checks for this lesson, one cell per exercise and one for the questions (the same as
# `python -m grader check -k <name>`). Edit your code, run a cell again, and it grades the edit.

# %%
if __name__ == "__main__":  # the claims of the lesson text import this script: they grade nothing
    from grader import check

    check("Questions6").show()
