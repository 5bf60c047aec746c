# %% [markdown]
# # Lesson 3 walkthrough: curvature and Newton, with a first look at quasi-Newton methods
#
# Run it as a script (`python lessons/03_newton/walkthrough.py` from the repository root) or
# open it as a notebook. It uses your classes: the Gaussian wells' Hessian from lesson 1,
# `GradientDescent` from lesson 2, `Newton` from lesson 3, and (for two figures that look ahead)
# `BFGS` and `LBFGS` from lesson 4, whose own walkthrough goes further.
# A figure whose exercise is not done yet is skipped with a note. Figures go to
# `figures/03_newton/`.

# %%
import sys
from pathlib import Path

_here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
_root = next((p for p in (_here, *_here.parents) if (p / "lessons" / "_walkthrough.py").exists()), None)
if _root is None:
    raise RuntimeError("open this walkthrough from inside the course's folder (in Colab: !git clone the course, then %cd into it)")
sys.path.insert(0, str(_root))

import numpy as np  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402

from lessons._walkthrough import course, grid, needs, plt, save  # noqa: E402

L = course("landscapes")
first, second, quasi = course("first_order"), course("second_order"), course("quasi_newton")
LESSON = "03_newton"
wells = L.GaussianWells(n_wells=8, random_state=0)
xx, yy, X = grid()
Z = wells(X).reshape(xx.shape)
X0 = np.random.default_rng(0).uniform(-3, 3, size=(100, 2))


def landscape(ax, title="", colorbar=True):
    """The wells' loss as filled contours, with a colour bar giving the loss a colour stands for."""
    im = ax.contourf(xx, yy, Z, levels=30)
    if colorbar:
        ax.figure.colorbar(im, ax=ax, shrink=0.75, pad=0.03, label="loss", format="%.2f")
    ax.set(xlim=(-3, 3), ylim=(-3, 3), aspect="equal", xlabel="x0", ylabel="x1", title=title)


def paths(ax, Xs, color="tab:orange"):
    """Every start's path: hollow circles at the starts, filled dots at the end points."""
    Xs = np.clip(Xs, -3.5, 3.5)  # points flung far away are drawn at the edge
    ax.plot(Xs[:, :, 0], Xs[:, :, 1], "-", lw=0.7, color=color, alpha=0.7)
    ax.plot(*Xs[0].T, "o", mfc="none", mec="k", ms=4, mew=0.8, label="start")
    ax.plot(*Xs[-1].T, "o", color="tab:red", mec="k", mew=0.5, ms=5, label="end (at the edge if outside)")
    ax.legend(loc="lower left", fontsize=7, framealpha=0.9)


# %% [markdown]
# ## What the Hessian says about the landscape
# The loss, the log condition number of the Hessian, and the sum of the signs of its
# eigenvalues: +2 a bowl (Newton's step goes to its bottom), 0 a saddle, -2 a cap (Newton's
# step goes to its top).

# %%
print("Figure 1: loss, condition number and curvature signs")
with needs("the curvature maps (GaussianWells.hessian)"):
    lam = np.linalg.eigvalsh(wells.hessian(X))
    fig, axes = plt.subplots(1, 3, figsize=(18, 5), layout="constrained")
    landscape(axes[0], "loss")
    cond = (np.max(np.abs(lam), axis=1) / np.maximum(np.min(np.abs(lam), axis=1), 1e-300)).reshape(xx.shape)
    im = axes[1].contourf(xx, yy, np.log10(np.clip(cond, 1, 1e12)), levels=30, cmap="magma")
    fig.colorbar(im, ax=axes[1], label="log10 cond(H)")
    im = axes[2].contourf(xx, yy, np.sum(np.sign(lam), axis=1).reshape(xx.shape), levels=[-2.5, -1.5, -0.5, 0.5, 1.5, 2.5], cmap="coolwarm")
    fig.colorbar(im, ax=axes[2], ticks=[-2, -1, 0, 1, 2], label="sum of eigenvalue signs")
    for ax, title in zip(axes[1:], ("log10 condition number", "bowl (+2), saddle (0), cap (-2)")):
        ax.contour(xx, yy, Z, levels=12, colors="k", linewidths=0.4)
        ax.set(aspect="equal", xlabel="x0", ylabel="x1", title=title)
    save(fig, LESSON, "hessian_maps.png")

# %% [markdown]
# ## Newton from 100 starts, with and without regularization
# Pure Newton (the step `-H^{-1} g` whatever the curvature) heads for the stationary point of
# its parabola, which on a saddle or a cap is not a minimum. Regularization lifts the
# spectrum where `H` is indefinite; the line search then refuses steps that raise the loss.

# %%
print("Figure 2: Newton with and without regularization")
with needs("the Newton panels (Newton.direction)"):

    class PureNewton(second.Newton):
        """Newton without regularization, only for this picture (the 1e-12 keeps the solve
        defined where a point flung far away sees an exactly zero Hessian)."""

        @staticmethod
        def direction(g, H, damping):
            return -np.linalg.solve(H + 1e-12 * np.eye(H.shape[-1]), g[..., None])[..., 0]

    variants = [
        ("pure Newton, lr 0.5", PureNewton(wells, lr=0.5)),
        ("regularized, lr 0.5", second.Newton(wells, lr=0.5)),
        ("regularized + line search", second.Newton(wells, lr=1.0, line_search=True)),
    ]
    fig, axes = plt.subplots(1, 3, figsize=(18, 5.4), layout="constrained")
    for ax, (title, opt) in zip(axes, variants):
        opt.max_iter, opt.tol, opt.store_history = 60, 1e-6, True
        fit = opt.fit(X0)
        landscape(ax, f"{title}\nmean final loss {np.mean(fit.loss_):.3f}")
        paths(ax, fit.Xs_)
    save(fig, LESSON, "newton_regularization.png")

# %% [markdown]
# ### Check your code so far
#
# The grader's checks of `backtracking`, `Newton`, `ConditionScaledGD`, `GaussNewton`, one cell
# each, as `python -m grader check -k <name>` runs them.
# Edit your code, run a cell again, and it grades the edit.

# %%
from grader import check  # noqa: E402

check("backtracking").show()

# %%
check("Newton").show()

# %%
check("ConditionScaledGD").show()

# %%
check("GaussNewton").show()


# %% [markdown]
# ## BFGS against L-BFGS on the same starts
# BFGS keeps a full inverse-Hessian estimate per start; L-BFGS only its last few pairs. On a
# 2-D landscape they behave almost alike; their costs part ways in high dimension.

# %%
print("Figure 3: BFGS and L-BFGS")
with needs("the quasi-Newton panels (BFGS.inverse_update, LBFGS.two_loop)"):
    fits = {name: cls(wells, max_iter=60, tol=1e-6, store_history=True).fit(X0) for name, cls in (("BFGS", quasi.BFGS), ("L-BFGS (memory 10)", quasi.LBFGS))}
    fig, axes = plt.subplots(1, 3, figsize=(18, 5.4), layout="constrained")
    for ax, (name, fit) in zip(axes, fits.items()):
        landscape(ax, f"{name}\n{np.mean(fit.n_evals_):.1f} evaluations per start")
        paths(ax, fit.Xs_)
    for name, fit in fits.items():
        axes[2].plot(fit.losses_.mean(axis=1), lw=2, label=name)
    axes[2].set(xlabel="iteration", ylabel="mean loss over 100 starts", title="mean loss")
    axes[2].legend()
    save(fig, LESSON, "bfgs_vs_lbfgs.png")

# %% [markdown]
# ## Rosenbrock: four methods on one figure
# From the classic start (-1.2, 1): gradient descent crawls along the valley floor; Newton,
# BFGS and L-BFGS follow the valley and finish in tens of steps.

# %%
print("Figure 4: Rosenbrock paths")
rosen = L.Rosenbrock(2)
rx, ry = np.meshgrid(np.linspace(-2, 2, 300), np.linspace(-1, 3, 300))
RZ = rosen(np.column_stack([rx.ravel(), ry.ravel()])).reshape(rx.shape)
start = np.array([-1.2, 1.0])
runs = [
    ("gradient descent (lr 2e-3)", lambda: first.GradientDescent(rosen, lr=2e-3, max_iter=20000, tol=1e-5, store_history=True), "tab:red"),
    ("Newton + line search", lambda: second.Newton(rosen, line_search=True, max_iter=100, tol=1e-5, store_history=True), "tab:blue"),
    ("BFGS", lambda: quasi.BFGS(rosen, max_iter=100, tol=1e-5, store_history=True), "tab:green"),
    ("L-BFGS", lambda: quasi.LBFGS(rosen, max_iter=100, tol=1e-5, store_history=True), "tab:purple"),
]
fig, ax = plt.subplots(figsize=(7.5, 6.5))
im = ax.contourf(rx, ry, RZ + 1e-3, levels=np.logspace(-3, 3.5, 30), norm=LogNorm(), cmap="PuBu_r")
fig.colorbar(im, ax=ax, label="loss + 1e-3 (log scale)", ticks=np.logspace(-3, 3, 7))
drawn = False
for label, build, color in runs:
    with needs(f"the {label} path"):
        fit = build().fit(start)
        Xs = fit.Xs_
        if len(Xs) > 200:  # gradient descent: thousands of iterates would hide the other paths
            every = len(Xs) // 40
            ax.plot(Xs[:, 0], Xs[:, 1], "-", color=color, lw=0.6, alpha=0.6)
            ax.plot(Xs[::every, 0], Xs[::every, 1], ".", color=color, ms=3, label=f"{label}: {int(fit.n_iter_)} steps (a dot every {every})")
        else:
            ax.plot(Xs[:, 0], Xs[:, 1], ".-", color=color, ms=4, lw=1.2, label=f"{label}: {int(fit.n_iter_)} steps")
        drawn = True
if drawn:
    ax.plot(*start, "o", mfc="none", mec="k", ms=9, mew=1.5, label="start (-1.2, 1)")
    ax.plot(1, 1, "k*", ms=14, label="minimum (1, 1)")
    ax.set(xlim=(-2, 2), ylim=(-1, 3), xlabel="x0", ylabel="x1", title="Rosenbrock from (-1.2, 1)")
    ax.legend(loc="lower right", fontsize=8)
    save(fig, LESSON, "rosenbrock_paths.png")
else:
    plt.close(fig)

print("done")


# %% [markdown]
# ## Your answers to the questions
#
# The grader's check of the questions at the end of the lesson text (`python -m grader check -k Questions3`).
# Edit `lessons/answers_newton.py`, run the cell again, and it grades the edit.

# %%
check("Questions3").show()
