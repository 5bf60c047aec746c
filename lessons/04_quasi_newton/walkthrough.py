# %% [markdown]
# # Lesson 4 walkthrough: quasi-Newton methods
#
# Run it as a script (`python lessons/04_quasi_newton/walkthrough.py` from the repository root)
# or open it as a notebook. It uses your classes: `Broyden`, `BFGS` and `LBFGS` from this
# lesson, the landscapes' gradients and Hessians from lesson 1, `GradientDescent` from lesson 2
# and `Newton` from lesson 3. A figure (or a curve) whose exercise is not done yet is skipped
# with a note. Figures go to `figures/04_quasi_newton/`, and in the notebook also below their cell.

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
LESSON = "04_quasi_newton"

rosen = L.Rosenbrock(2)
START, X_STAR = np.array([-1.2, 1.0]), np.ones(2)  # the classic start; the minimum
rx, ry = np.meshgrid(np.linspace(-2, 2, 300), np.linspace(-1, 3, 300))
RZ = rosen(np.column_stack([rx.ravel(), ry.ravel()])).reshape(rx.shape)  # the loss itself is given code


def rosenbrock_axes(fig, ax):
    """The log-scaled loss with its colorbar, the start and the minimum."""
    filled = ax.contourf(rx, ry, RZ + 1e-3, levels=np.logspace(-3, 3.5, 30), norm=LogNorm(), cmap="PuBu_r")
    fig.colorbar(filled, ax=ax, label="loss + 0.001 (log scale)", ticks=[1e-3, 1e-2, 1e-1, 1, 10, 100, 1000])
    ax.plot(*START, "o", color="black", ms=8, label="start (-1.2, 1)")
    ax.plot(*X_STAR, "*", color="gold", mec="black", ms=16, label="minimum (1, 1)")
    ax.set(xlim=(-2, 2), ylim=(-1, 3), xlabel="$x_0$", ylabel="$x_1$")


# %% [markdown]
# ## Three quasi-Newton methods on Rosenbrock
# Broyden takes full steps with a matrix that is neither symmetric nor positive definite, so
# its path wanders, sometimes uphill. BFGS and L-BFGS search along their directions with the
# Wolfe line search and follow the valley. The hollow markers are where each method stopped
# (`tol=1e-5`).

# %%
print("Figure 1: Broyden, BFGS and L-BFGS on Rosenbrock")
RUNS = [
    ("Broyden (lr 1e-3)", lambda: quasi.Broyden(rosen, lr=1e-3, max_iter=2000, tol=1e-5, store_history=True), "tab:red", "s"),
    ("BFGS", lambda: quasi.BFGS(rosen, max_iter=200, tol=1e-5, store_history=True), "tab:green", "D"),
    ("L-BFGS (memory 10)", lambda: quasi.LBFGS(rosen, max_iter=200, tol=1e-5, store_history=True), "tab:purple", "o"),
]
fig, ax = plt.subplots(figsize=(8, 6.5))
rosenbrock_axes(fig, ax)
drawn = False
for label, build, color, marker in RUNS:
    with needs(f"the {label} path"):
        fit = build().fit(START)
        path = fit.Xs_[: int(fit.n_iter_) + 1]
        ax.plot(path[:, 0], path[:, 1], ".-", color=color, ms=3, lw=1, label=f"{label}: {int(fit.n_iter_)} steps")
        ax.plot(*fit.X_, marker, color=color, mfc="none", mew=2, ms=12, label=f"{label}: end")
        drawn = True
if drawn:
    ax.set_title("Rosenbrock from (-1.2, 1), to |grad| < 1e-5")
    ax.legend(loc="lower right", fontsize=8)
    save(fig, LESSON, "paths.png")
else:
    plt.close(fig)

# %% [markdown]
# ### Check your code so far
#
# The grader's checks of `Broyden`, `BFGS`, `LBFGS`, one cell each, as `python -m grader check -k
# <name>` runs them.
# Edit your code, run a cell again, and it grades the edit.

# %%
from grader import check  # noqa: E402

check("Broyden").show()

# %%
check("BFGS").show()

# %%
check("LBFGS").show()


# %% [markdown]
# ## Linear, superlinear, quadratic
# The error $e_k = \lVert x_k - x^*\rVert$ against the step $k$, and the ratio $e_{k+1}/e_k$.
# Gradient descent's ratio settles just below one: linear convergence, a fixed factor per step.
# Newton's and BFGS's ratios fall toward zero: the factor per step itself shrinks. Newton gets
# there with the Hessian; BFGS with gradients only, because its matrix becomes right along the
# steps it takes (the Dennis-Moré condition). The step axis is logarithmic so that gradient
# descent's long run fits; exact zeros (a run that lands on the minimum) are left out. Gradient
# descent uses `lr=1e-3`: near the minimum the largest eigenvalue of the Hessian is about 1000,
# and a learning rate of `2e-3` would be unstable there (lesson 2).

# %%
print("Figure 2: the error and the ratio of successive errors")
SUPER = [
    ("gradient descent (lr 1e-3)", lambda: first.GradientDescent(rosen, lr=1e-3, max_iter=30000, tol=1e-10, store_history=True), "tab:red"),
    ("BFGS", lambda: quasi.BFGS(rosen, max_iter=200, tol=1e-10, store_history=True), "tab:green"),
    ("Newton + line search", lambda: second.Newton(rosen, line_search=True, max_iter=200, tol=1e-10, store_history=True), "tab:blue"),
]
fig, (ax_e, ax_r) = plt.subplots(1, 2, figsize=(13, 5))
drawn = False
for label, build, color in SUPER:
    with needs(f"the {label} curve"):
        fit = build().fit(START)
        e = np.linalg.norm(fit.Xs_[: int(fit.n_iter_) + 1] - X_STAR, axis=1)
        k = np.arange(len(e))
        ax_e.plot(k[e > 0] + 1, e[e > 0], ".-", color=color, ms=3, lw=1, label=f"{label}: {int(fit.n_iter_)} steps to tol 1e-10")
        ratio_ok = (e[:-1] > 0) & (e[1:] > 0)
        ax_r.plot(k[:-1][ratio_ok] + 1, e[1:][ratio_ok] / e[:-1][ratio_ok], ".-", color=color, ms=3, lw=1, label=label)
        drawn = True
if drawn:
    ax_e.set(xscale="log", yscale="log", xlabel="step k + 1 (log scale)", ylabel="error |x_k - x*|", title="error against step")
    ax_r.axhline(1.0, color="gray", lw=0.8, ls="--")
    ax_r.set(xscale="log", yscale="log", xlabel="step k + 1 (log scale)", ylabel="ratio e_(k+1) / e_k", title="ratio of successive errors")
    for a in (ax_e, ax_r):
        a.legend(fontsize=8, loc="lower left")
    save(fig, LESSON, "superlinear.png")
else:
    plt.close(fig)

# %% [markdown]
# ## The Dennis-Moré condition along BFGS's path
# BFGS's matrix $B_k = H_k^{-1}$ against the true Hessian $\nabla^2 L(x^*)$ at the minimum, two
# ways: along the step it takes, $\lVert(B_k - \nabla^2 L(x^*))p_k\rVert / (\lVert\nabla^2 L(x^*)\rVert\,\lVert p_k\rVert)$,
# and as a whole, the relative error of $H_k$ against $\nabla^2 L(x^*)^{-1}$ in the Frobenius
# norm. The first must go to zero for superlinear convergence; the second need not.
# A subclass records $H$ after every update (given code, `_learn`, calls your `inverse_update`).

# %%
print("Figure 3: how BFGS's matrix approaches the Hessian")
with needs("the Dennis-Moré figure (BFGS.inverse_update, Rosenbrock.hessian)"):

    class RecordingBFGS(quasi.BFGS):
        """BFGS that keeps a copy of ``H_`` before every step (only for this figure)."""

        def init_state(self, X):
            super().init_state(X)
            self.Hs_ = [self.H_.copy()]

        def _learn(self, s, y, rows):
            super()._learn(s, y, rows)
            self.Hs_.append(self.H_.copy())

    hess_star = rosen.hessian(X_STAR[None, :])[0]
    inv_star = np.linalg.inv(hess_star)
    fit = RecordingBFGS(rosen, max_iter=200, tol=1e-10, store_history=True).fit(START)
    n = int(fit.n_iter_)
    steps = np.diff(fit.Xs_[: n + 1], axis=0)  # p_k = x_(k+1) - x_k, shape (n, 2)
    B = np.linalg.inv(np.stack([H[0] for H in fit.Hs_[:n]]))  # B_k, used for step k
    along = np.linalg.norm(np.einsum("kij,kj->ki", B - hess_star, steps), axis=1) / (np.linalg.norm(hess_star, 2) * np.linalg.norm(steps, axis=1))
    whole = np.array([np.linalg.norm(H[0] - inv_star) / np.linalg.norm(inv_star) for H in fit.Hs_[:n]])
    fig, ax = plt.subplots(figsize=(8, 5))
    ax.semilogy(np.arange(n), along, ".-", color="tab:green", label="along the step (Dennis-Moré ratio)")
    ax.semilogy(np.arange(n), whole, ".-", color="tab:orange", label="H_k against the inverse Hessian at x* (Frobenius)")
    ax.set(xlabel="step k", ylabel="relative error", title=f"BFGS from (-1.2, 1) on Rosenbrock: {n} steps to |grad| < 1e-10")
    ax.legend(fontsize=9)
    save(fig, LESSON, "dennis_more.png")

# %% [markdown]
# ## BFGS and L-BFGS on the Gaussian wells
# One hundred starts, run as one batch. On a 2-D landscape the two behave almost alike; their
# costs part ways in high dimension, where BFGS's dense matrix is $d^2$ numbers per row.

# %%
print("Figure 4: BFGS and L-BFGS on the Gaussian wells")
with needs("the wells panels (GaussianWells.grad, BFGS.inverse_update, LBFGS.two_loop)"):
    wells = L.GaussianWells(n_wells=8, random_state=0)
    xx, yy, XG = grid()
    Z = wells(XG).reshape(xx.shape)
    X0 = np.random.default_rng(0).uniform(-3, 3, size=(100, 2))
    fits = {name: cls(wells, max_iter=60, tol=1e-6, store_history=True).fit(X0) for name, cls in (("BFGS", quasi.BFGS), ("L-BFGS", quasi.LBFGS))}
    fig, axes = plt.subplots(1, 3, figsize=(19, 5.4), layout="constrained")
    for ax, (name, fit) in zip(axes, fits.items()):
        filled = ax.contourf(xx, yy, Z, levels=30)
        fig.colorbar(filled, ax=ax, label="loss")
        Xs = np.clip(fit.Xs_, -3, 3)
        ax.plot(Xs[:, :, 0], Xs[:, :, 1], "-", lw=0.7, color="tab:orange", alpha=0.7)
        ax.plot(*Xs[0].T, ".", color="tab:orange", ms=5, label="starts")
        ax.plot(*Xs[-1].T, "o", color="navy", mfc="none", ms=6, label="ends")
        ax.set(xlim=(-3, 3), ylim=(-3, 3), aspect="equal", xlabel="$x_0$", ylabel="$x_1$", title=f"{name}: {np.mean(fit.n_evals_):.1f} evaluations per start")
        ax.legend(loc="lower left", fontsize=8)
    for name, fit in fits.items():
        axes[2].plot(fit.losses_.mean(axis=1), lw=2, label=name)
    axes[2].set(xlabel="step", ylabel="mean loss over the starts", title="mean loss per step")
    axes[2].legend()
    save(fig, LESSON, "wells.png")

print("done")


# %% [markdown]
# ## Your answers to the questions
#
# The grader's check of the questions at the end of the lesson text (`python -m grader check -k Questions4`).
# Edit `lessons/answers_quasi_newton.py`, run the cell again, and it grades the edit.

# %%
check("Questions4").show()
