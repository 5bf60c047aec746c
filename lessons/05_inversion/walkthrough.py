# %% [markdown]
# # Lesson 5 walkthrough: gradient descent, Newton and the inverse simulator
#
# Run it as a script (`python lessons/05_inversion/walkthrough.py` from the repository root)
# or open it as a notebook. It uses your classes (`SquarePhysics` and `ScaledQuadratic` from
# lesson 1, the optimizers of lessons 2, 3 and 5); a figure whose exercise is not done yet is
# skipped with a note. Figures go to `figures/05_inversion/`.

# %%
import sys
from pathlib import Path

_here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
sys.path.insert(0, str(next(p for p in (_here, *_here.parents) if (p / "lessons" / "_walkthrough.py").exists())))

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
# (the unit step dotted with [1, 1]; straight toward the origin would be sqrt(2) = 1.414).

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
    fig, axes = plt.subplots(1, 2, figsize=(11, 5))
    for name, Xs in paths.items():
        axes[0].scatter(Xs[:, 0], Xs[:, 1], s=18, color=COLOURS[name], label=name)
        with needs(f"the {name} path in y space (SquarePhysics.physics)"):
            Y = toy.physics(Xs)
            axes[1].scatter(Y[:, 0], Y[:, 1], s=18, marker="*", color=COLOURS[name], label=name)
    for ax, space in zip(axes, ("x", "y")):
        ax.scatter([0], [0], color="black", marker="x")
        ax.set(xlabel=f"{space}0", ylabel=f"{space}1", title=f"{space} space")
        ax.legend()
    save(fig, LESSON, "x_and_y_space.png")
else:
    print("  skipped: no method of this comparison is done yet")

# %% [markdown]
# ## Three spaces
# One PG step drawn in each space: x (where we optimize), y = P(x) (the physics), and the loss.

# %%
print("Figure 2: one step through the three spaces")
with needs("the three-spaces figure (PhysicalGradient)"):
    Xs = paths["PG"] if "PG" in paths else None
    if Xs is None:
        raise NotImplementedError("PhysicalGradient: not done yet")
    Y = toy.physics(Xs)
    losses = toy.loss_y(Y)
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    gx = np.linspace(-0.5, 3.5, 200)
    gxx, gyy = np.meshgrid(gx, gx)
    axes[0].contour(gxx, gyy, toy(np.column_stack([gxx.ravel(), gyy.ravel()])).reshape(gxx.shape), levels=20, linewidths=0.5)
    axes[0].plot(Xs[:, 0], Xs[:, 1], "o-", color=COLOURS["PG"], ms=4)
    axes[0].annotate("", xy=Xs[1], xytext=Xs[0], arrowprops=dict(arrowstyle="->", lw=2))
    axes[0].set(title="x: the step PG takes", xlabel="x0", ylabel="x1")
    axes[1].plot(Y[:, 0], Y[:, 1], "*-", color=COLOURS["PG"])
    axes[1].annotate("", xy=Y[1], xytext=Y[0], arrowprops=dict(arrowstyle="->", lw=2))
    axes[1].set(title="y = P(x): a straight Newton step", xlabel="y0", ylabel="y1")
    axes[2].semilogy(losses, "o-", color=COLOURS["PG"])
    axes[2].set(title="L(y): the loss after each step", xlabel="step", ylabel="loss")
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
    ax.set(title=label, xlabel="x0")
    for alpha, marker in zip(alphas, "os^"):
        with needs(f"{label} for alpha = {alpha}"):
            opt = build(L.ScaledQuadratic(alpha))
            opt.max_iter, opt.tol, opt.store_history = 15, 0.0, True
            Xs = opt.fit(np.array([2.0, 1.5])).Xs_
            ax.plot(Xs[:, 0], Xs[:, 1], marker + "-", ms=3, label=f"alpha = {alpha}")
            drawn = True
    ax.legend(fontsize=8)
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
    ax.scatter([0], [0], color="black", marker="x")
    ax.set(xlabel="x0", ylabel="x1", title="Ten steps from [3, 3]")
    ax.legend(fontsize=8)
    save(fig, LESSON, "adaptive_on_toy.png")
else:
    plt.close(fig)

print("done")
