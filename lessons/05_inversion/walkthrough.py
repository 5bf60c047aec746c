# %% [markdown]
# # Lesson 5 walkthrough: gradient descent, Newton and the inverse simulator
#
# Run it as a script (`python lessons/05_inversion/walkthrough.py` from the repository root)
# or open it as a notebook. It uses your classes (`SquarePhysics` and `ScaledQuadratic` from
# lesson 1, the optimizers of lessons 2, 3 and 5); a figure whose exercise is not done yet is
# skipped with a note.
# Figures go to `figures/05_inversion/`, and in the notebook also below their cell.

# %%
import sys
from pathlib import Path

_here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
_root = next((p for p in (_here, *_here.parents) if (p / "lessons" / "_walkthrough.py").exists()), None)
if _root is None:
    raise RuntimeError("open this walkthrough from inside the course's folder (in Colab: !git clone the course, then %cd into it)")
sys.path.insert(0, str(_root))

import numpy as np  # noqa: E402

from lessons._walkthrough import course, needs, plt, save  # noqa: E402

L = course("landscapes")
first, second, inv = course("first_order"), course("second_order"), course("inversion")
LESSON = "05_inversion"
toy = L.SquarePhysics()
x0 = np.array([3.0, 3.0])
COLOURS = {"GD": "#1F77B4", "Newton": "#FF7F0E", "PG": "#D62728", "IG": "#2CA02C"}
METHODS = {
    "GD": lambda: first.GradientDescent(toy, lr=0.01),
    "Newton": lambda: second.Newton(toy, lr=1 / 3),
    "PG": lambda: inv.PhysicalGradient(toy, lr=0.3),
    "IG": lambda: inv.InverseGradient(toy, lr=0.3),
}

# %% [markdown]
# ## Ten steps from [3, 3]
# The table of the PBDL notebook: where each method ends and how diagonal its first step is
# (the first step, divided by its length, dotted with -(1, 1); straight toward the origin would
# score sqrt(2)).

# %%
print("The comparison table:")
paths = {}
for name, build in METHODS.items():
    with needs(f"the {name} run"):
        opt = build()
        opt.max_iter, opt.tol, opt.store_history = 10, 0.0, True
        paths[name] = Xs = opt.fit(x0).Xs_
        step = Xs[0] - Xs[1]
        print(f"  {name:6s} ends at {np.round(Xs[-1], 8)}, distance {np.linalg.norm(Xs[-1]):.3f}, first-step alignment {step.sum() / np.linalg.norm(step):.6f}")

# %%
print("Figure 1: trajectories in x space and in y space")
if paths:
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.2))
    for name, Xs in paths.items():
        axes[0].plot(Xs[:, 0], Xs[:, 1], "o-", ms=4, lw=1.2, color=COLOURS[name], label=name)
        axes[0].plot(*Xs[-1], "s", ms=8, mfc="none", mew=1.5, color=COLOURS[name], label=f"{name}: end after 10 steps")
        if name == "IG":
            continue  # in y space the notebook's three methods (IG's y path is question Q4: map it yourself)
        with needs(f"the {name} path in y space (SquarePhysics.physics)"):
            Y = toy.physics(Xs)
            axes[1].plot(Y[:, 0], Y[:, 1], "*-", ms=6, lw=1.2, color=COLOURS[name], label=name)
            axes[1].plot(*Y[-1], "s", ms=8, mfc="none", mew=1.5, color=COLOURS[name], label=f"{name}: end after 10 steps")
    for ax, space, start in zip(axes, ("x", "y"), (x0, np.array([x0[0], x0[1] ** 2]))):
        ax.plot(*start, "o", ms=11, mfc="none", mec="black", mew=1.5, label=f"start {space} = ({start[0]:g}, {start[1]:g})")
        ax.plot([0], [0], "kx", ms=9, mew=2, label="minimum (origin)")
        ax.set(xlabel=f"{space}0", ylabel=f"{space}1", title=f"Figure 1{'ab'[space == 'y']}: the paths in {space} space")
        ax.legend(fontsize=7, ncol=2)
    save(fig, LESSON, "x_and_y_space.png")
else:
    print("  skipped: no method of this comparison is done yet")

# %% [markdown]
# ### Check your code so far
#
# The grader's checks of `InverseGradient`, `PhysicalGradient`, one cell each, as `python -m
# grader check -k <name>` runs them.
# Edit your code, run a cell again, and it grades the edit.

# %%
from grader import check  # noqa: E402

check("InverseGradient").show()

# %%
check("PhysicalGradient").show()


# %% [markdown]
# ## Three spaces
# PG's path drawn in each space: x (where we optimize) over the contours of L(x), y = P(x) (the
# physics) over the contours of L(y), and the loss after each step.

# %%
print("Figure 2: PG's path through the three spaces")
with needs("the three-spaces figure (PhysicalGradient)"):
    Xs = paths["PG"] if "PG" in paths else None
    if Xs is None:
        raise NotImplementedError("PhysicalGradient: not done yet")
    from matplotlib.colors import LogNorm

    Y = toy.physics(Xs)
    losses = toy.loss_y(Y)
    # contour levels at the losses the path visits (log-spaced between its smallest and largest),
    # on a window around the path, so that every step crosses its own contours
    nice = np.array([m * 10.0**k for k in range(-3, 4) for m in (1, 2, 5)])
    levels = nice[(nice >= losses.min() / 2) & (nice <= losses.max() * 2)]
    norm = LogNorm(levels[0], levels[-1])
    fig, axes = plt.subplots(1, 3, figsize=(17, 5), layout="constrained")
    for ax, P, space in ((axes[0], Xs, "x"), (axes[1], Y, "y")):
        lo, hi = P.min(axis=0), P.max(axis=0)
        pad = 0.15 * (hi - lo).max()
        g0, g1 = np.meshgrid(np.linspace(lo[0] - pad, hi[0] + pad, 300), np.linspace(lo[1] - pad, hi[1] + pad, 300))
        G = np.column_stack([g0.ravel(), g1.ravel()])
        values = (toy(G) if space == "x" else toy.loss_y(G)).reshape(g0.shape)
        cs = ax.contour(g0, g1, values, levels=levels, norm=norm, cmap="viridis", linewidths=0.8, zorder=1)
        bar = fig.colorbar(cs, ax=ax, label="loss L on the contour (log scale)")
        bar.set_ticks(levels, labels=[f"{v:g}" for v in levels])
        ax.plot(P[:, 0], P[:, 1], "o-", color=COLOURS["PG"], ms=4, zorder=3, label="PG iterates")
        ax.annotate("", xy=P[1], xytext=P[0], arrowprops=dict(arrowstyle="->", lw=2), zorder=4)
        ax.plot(*P[0], "o", ms=11, mfc="none", mec="black", mew=1.5, zorder=4, label="start")
        ax.plot(*P[-1], "s", ms=9, mfc="none", mec="black", mew=1.5, zorder=4, label="end after 10 steps")
        ax.set(xlabel=f"{space}0", ylabel=f"{space}1")
        ax.legend(fontsize=8, loc="upper left")
    axes[0].set_title("Figure 2a: x, over the contours of L(x)")
    axes[1].set_title("Figure 2b: y = P(x), over the contours of L(y): a straight line")
    axes[2].semilogy(losses, "o-", color=COLOURS["PG"])
    axes[2].set(title="Figure 2c: the loss after each step", xlabel="step (0 = start)", ylabel="loss L")
    save(fig, LESSON, "three_spaces.png")

# %% [markdown]
# ## Changing units: ScaledQuadratic
# P(x) = [x0, alpha x1] only rescales the second coordinate. Gradient descent's path changes
# with alpha (and it needs lr < 1 / alpha^2 to stay stable); Newton, IG and PG do not notice.

# %%
print("Figure 3: paths for several alpha")
alphas = [0.3, 1.0, 3.0]
runs = {
    "GD (lr 0.05)": lambda Q: first.GradientDescent(Q, lr=0.05),
    "Newton (lr 0.3)": lambda Q: second.Newton(Q, lr=0.3),
    "IG (lr 0.3)": lambda Q: inv.InverseGradient(Q, lr=0.3),
    "PG (lr 0.3)": lambda Q: inv.PhysicalGradient(Q, lr=0.3),
}
fig, axes = plt.subplots(1, len(runs), figsize=(4.2 * len(runs), 4.2), sharey=True)
drawn = False
for ax, (label, build) in zip(axes, runs.items()):
    ax.set(xlabel="x0")
    for alpha, marker in zip(alphas, "os^"):
        with needs(f"{label} for alpha = {alpha}"):
            opt = build(L.ScaledQuadratic(alpha))
            opt.max_iter, opt.tol, opt.store_history = 15, 0.0, True
            Xs = opt.fit(np.array([2.0, 1.5])).Xs_
            ax.plot(Xs[:, 0], Xs[:, 1], marker + "-", ms=3, label=f"alpha = {alpha}")
            ax.plot(*Xs[-1], marker, ms=9, mfc="none", mew=1.5, color=ax.lines[-1].get_color(), label=f"end (alpha = {alpha})")
            drawn = True
    ax.plot(2.0, 1.5, "o", ms=11, mfc="none", mec="black", mew=1.5, label="start (2, 1.5)")
    ax.plot([0], [0], "kx", ms=8, mew=2, label="minimum")
    ax.legend(fontsize=7)
    ax.set_title(f"Figure 3{'abcd'[list(runs).index(label)]}: {label}")
axes[0].set_ylabel("x1")
if drawn:
    save(fig, LESSON, "scaled_quadratic_alphas.png")
else:
    plt.close(fig)

# %% [markdown]
# ## Next steps: the adaptive methods on the toy problem
# Per-coordinate normalization (lesson 2) makes the first steps sign-like: how do AdaGrad,
# RMSprop and Adam compare with GD, Newton and PG here?

# %%
print("Figure 4: adaptive methods on the toy problem")
adaptive = {
    "AdaGrad (lr 0.3)": lambda: first.AdaGrad(toy, lr=0.3),
    "RMSprop (lr 0.05)": lambda: first.RMSprop(toy, lr=0.05, decay=0.9),
    "Adam (lr 0.3)": lambda: first.Adam(toy, lr=0.3),
}
fig, ax = plt.subplots(figsize=(6, 6))
for name, Xs in paths.items():
    ax.plot(Xs[:, 0], Xs[:, 1], "o-", ms=3, color=COLOURS[name], label=name)
drawn = bool(paths)
for label, build in adaptive.items():
    with needs(f"the {label} run"):
        opt = build()
        opt.max_iter, opt.tol, opt.store_history = 10, 0.0, True
        Xs = opt.fit(x0).Xs_
        step = Xs[0] - Xs[1]
        print(f"  {label:18s} ends at {np.round(Xs[-1], 5)}, distance {np.linalg.norm(Xs[-1]):.3f}, first-step alignment {step.sum() / np.linalg.norm(step):.6f}")
        ax.plot(Xs[:, 0], Xs[:, 1], "s--", ms=3, label=label)
        drawn = True
if drawn:
    ax.plot(*x0, "o", ms=11, mfc="none", mec="black", mew=1.5, label="start (3, 3)")
    ax.plot([0], [0], "kx", ms=9, mew=2, label="minimum (origin)")
    ax.set(xlabel="x0", ylabel="x1", title="Figure 4: ten steps from [3, 3] (squares: adaptive methods)")
    ax.legend(fontsize=8)
    save(fig, LESSON, "adaptive_on_toy.png")
else:
    plt.close(fig)

print("done")


# %% [markdown]
# ## Your answers to the questions
#
# The grader's check of the questions at the end of the lesson text (`python -m grader check -k Questions5`).
# Edit `lessons/answers_inversion.py`, run the cell again, and it grades the edit.

# %%
check("Questions5").show()
