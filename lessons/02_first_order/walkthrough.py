# %% [markdown]
# # Lesson 2 walkthrough: first-order methods on the Gaussian wells
#
# Run it as a script (`python lessons/02_first_order/walkthrough.py` from the repository root)
# or open it as a notebook. It uses your optimizers from `lessons/first_order.py` on your
# `GaussianWells` from lesson 1 (its gradient must be done); a figure whose exercise is not
# done yet is skipped with a note.
# Figures go to `figures/02_first_order/`, and in the notebook also below their cell.

# %%
import sys
from pathlib import Path

_here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
_root = next((p for p in (_here, *_here.parents) if (p / "lessons" / "_walkthrough.py").exists()), None)
if _root is None:
    raise RuntimeError("open this walkthrough from inside the course's folder (in Colab: !git clone the course, then %cd into it)")
sys.path.insert(0, str(_root))

import numpy as np  # noqa: E402
from matplotlib.animation import FuncAnimation, PillowWriter  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

from lessons._walkthrough import course, figure_folder, grid, needs, plt, save, show_file  # noqa: E402
opt = course("first_order")
LESSON = "02_first_order"
wells = course("landscapes").GaussianWells(n_wells=8, random_state=0)  # your lesson-1 gradient drives them
xx, yy, X = grid()
Z = wells(X).reshape(xx.shape)
X0 = np.random.default_rng(0).uniform(-3, 3, size=(100, 2))  # 100 starts, the same for every method

METHODS = {
    "GradientDescent": dict(lr=0.5),
    "Momentum": dict(lr=0.2, momentum=0.9),
    "Langevin": dict(lr=0.5, noise=0.1, random_state=0),
    "AdaGrad": dict(lr=0.3),
    "RMSprop": dict(lr=0.05, decay=0.9),
    "Adam": dict(lr=0.1),
}


def landscape(ax):
    """The wells as filled contours; returns the contour set (for a colour bar of the loss)."""
    filled = ax.contourf(xx, yy, Z, levels=30)
    ax.set(xlim=(-3, 3), ylim=(-3, 3), aspect="equal", xticks=[-3, 0, 3], yticks=[-3, 0, 3], xlabel="$x_0$", ylabel="$x_1$")
    return filled


def run(name, max_iter=300, **extra):
    kwargs = {**METHODS[name], **extra}
    return getattr(opt, name)(wells, max_iter=max_iter, tol=1e-6, store_history=True, **kwargs).fit(X0)


# %% [markdown]
# ## 100 starts, one batch
# Every optimizer runs all 100 starts at once, as one `(100, 2)` batch. Each row is its own
# optimization: the contract says a row stops when its gradient is small, whatever the others do.

# %%
print("Figure 1: trajectories of 100 starts for each method")
fits = {}
fig, axes = plt.subplots(2, 3, figsize=(14, 9.5))
for ax, name in zip(axes.ravel(), METHODS):
    filled = landscape(ax)
    with needs(f"the {name} panel"):
        fits[name] = fit = run(name)
        Xs = fit.Xs_  # (k+1, 100, 2)
        ax.plot(Xs[:, :, 0], Xs[:, :, 1], "-", lw=0.7, color="tab:orange", alpha=0.7)
        ax.plot(*Xs[0].T, "o", color="tab:orange", mec="k", mew=0.3, ms=3.5, label="start")
        ax.plot(*Xs[-1].T, "X", color="navy", ms=6, label="end")
        ax.set_title(f"{name}\nmean final loss {np.mean(fit.loss_):.4f}", fontsize=10)
        ax.legend(loc="lower left", fontsize=7, framealpha=0.8)
        continue
    ax.set_title(f"{name}: not done yet")
if fits:
    fig.colorbar(filled, ax=axes, shrink=0.6, label="loss L(x)")
    fig.suptitle("Figure 1: 100 starts on the Gaussian wells, one batch per method", y=0.95)
    save(fig, LESSON, "trajectories.png")
else:
    plt.close(fig)

# %% [markdown]
# ### Check your code so far
#
# The grader's checks of `GradientDescent`, `Momentum`, `Langevin`, `AdaGrad`, `RMSprop`, `Adam`,
# one cell each, as `python -m grader check -k <name>` runs them.
# Edit your code, run a cell again, and it grades the edit.

# %%
from grader import check  # noqa: E402

check("GradientDescent").show()

# %%
check("Momentum").show()

# %%
check("Langevin").show()

# %%
check("AdaGrad").show()

# %%
check("RMSprop").show()

# %%
check("Adam").show()


# %% [markdown]
# ## Loss curves: each start faint, the mean bold

# %%
print("Figure 2: loss against iteration")
if fits:
    fig, axes = plt.subplots(1, len(fits), figsize=(4 * len(fits), 3.5), sharey=True, squeeze=False)
    for ax, (name, fit) in zip(axes[0], fits.items()):
        ax.plot(fit.losses_, color="0.6", lw=0.8, alpha=0.25)
        ax.plot(fit.losses_.mean(axis=1), "k", lw=2.5, label="mean over starts")
        ax.set(title=name, xlabel="iteration", xscale="symlog")
    axes[0, 0].set_ylabel("loss")
    axes[0, 0].legend()
    fig.suptitle("Figure 2: loss against iteration (each start faint, the mean bold)", y=1.02)
    save(fig, LESSON, "loss_curves.png")
else:
    print("  skipped: no optimizer of this lesson is done yet")

# %% [markdown]
# ## How the learning rate matters
# Final mean loss after 200 steps, for learning rates over three decades. Too small and nothing
# moves; too large and gradient descent overshoots the narrow wells. The adaptive methods, whose
# steps do not grow with the gradient, tolerate a wider range.

# %%
print("Figure 3: learning-rate sweep")
rates = np.logspace(-3, 1, 13)
fig, ax = plt.subplots(figsize=(7, 4.5))
drawn = False
for name in METHODS:
    if name == "Langevin":
        continue
    with needs(f"the {name} sweep"):
        final = [np.mean(run(name, max_iter=200, lr=float(lr)).loss_) for lr in rates]
        ax.plot(rates, final, "o-", label=name)
        drawn = True
if drawn:
    ax.set(xscale="log", xlabel="learning rate", ylabel="mean final loss (100 starts, 200 steps)", title="Figure 3: learning-rate sweep on the Gaussian wells")
    ax.axhline(Z.min(), color="k", lw=0.8, ls=":", label="lowest value on the grid")
    ax.legend(fontsize=8)
    save(fig, LESSON, "learning_rate_sweep.png")
else:
    plt.close(fig)

# %% [markdown]
# ## The trajectories as an animation
# A GIF of gradient descent and Adam side by side (Pillow writes it; no ffmpeg needed).

# %%
print("Figure 4: animated trajectories")
shown = [name for name in ("GradientDescent", "Adam") if name in fits]
if shown:
    frames = 60
    fig, axes = plt.subplots(1, len(shown), figsize=(5.5 * len(shown), 5), squeeze=False)
    artists = []
    for ax, name in zip(axes[0], shown):
        filled = landscape(ax)
        ax.set_title(f"Figure 4: {name}")
        ax.plot(*fits[name].Xs_[0].T, "o", color="tab:orange", mec="k", mew=0.3, ms=3, label="start")
        Xs = fits[name].Xs_
        idx = np.unique(np.geomspace(1, len(Xs), frames).astype(int) - 1)
        trail = LineCollection([], colors="tab:orange", linewidths=0.8, alpha=0.8)
        ax.add_collection(trail)
        dots = ax.scatter(*Xs[0].T, s=12, c="navy", zorder=3, label="current point")
        ax.legend(loc="lower left", fontsize=7, framealpha=0.8)
        artists.append((Xs, idx, trail, dots))
    fig.colorbar(filled, ax=axes, shrink=0.8, label="loss L(x)")

    def draw(frame):
        out = []
        for Xs, idx, trail, dots in artists:
            k = idx[min(frame, len(idx) - 1)]
            trail.set_segments(list(np.moveaxis(Xs[: k + 1], 1, 0)))
            dots.set_offsets(Xs[k])
            out += [trail, dots]
        return out

    animation = FuncAnimation(fig, draw, frames=max(len(a[1]) for a in artists), blit=True)
    path = figure_folder(LESSON) / "trajectories.gif"
    animation.save(path, writer=PillowWriter(fps=10))
    plt.close(fig)
    print(f"  wrote {path}")
    show_file(path)
else:
    print("  skipped: needs GradientDescent or Adam")


# %% [markdown]
# ## Rates on a quadratic: measured against predicted
# The README derives the factor by which the error $\lVert x_t - x^*\rVert$ shrinks per step on a
# quadratic: $\max_i |1 - \eta\lambda_i|$ for gradient descent, at best $(\kappa - 1)/(\kappa + 1)$
# at $\eta = 2/(\mu + L)$; and $(\sqrt\kappa - 1)/(\sqrt\kappa + 1)$ for heavy ball at Polyak's
# parameters. Here your own `GradientDescent` and `Momentum` run on the stretched quadratic
# from $(-5, 4)$; the measured factor is fitted to the log-error (leaving out the first steps and
# the rounding floor), and the dashed lines are the predictions $\rho^t$.

# %%
print("Figure 5: error against iteration on the stretched quadratic, measured and predicted rates")
A = np.diag([1.0, 10.0])
b = np.array([1.0, 1.0])
stretched = course("landscapes").Quadratic(A, b)
x_star = np.linalg.solve(A, b)
mu, L = np.linalg.eigvalsh(A)[[0, -1]]
kappa = L / mu
rho_hb = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
RUNS = [  # (label, class, hyperparameters, predicted factor per step)
    ("GradientDescent, lr = 0.1 = 1/L", "GradientDescent", {"lr": 0.1}, max(abs(1 - 0.1 * mu), abs(1 - 0.1 * L))),
    ("GradientDescent, lr = 2/(mu + L)", "GradientDescent", {"lr": 2 / (mu + L)}, (kappa - 1) / (kappa + 1)),
    ("Momentum, Polyak's lr and momentum", "Momentum", {"lr": 4 / (np.sqrt(L) + np.sqrt(mu)) ** 2, "momentum": rho_hb**2}, rho_hb),
]
fig, ax = plt.subplots(figsize=(7.5, 4.8))
drawn = False
for (label, name, kwargs, predicted), colour in zip(RUNS, ("tab:blue", "tab:green", "tab:red")):
    with needs(f"the {name} rate"):
        fit = getattr(opt, name)(stretched, max_iter=150, tol=0.0, store_history=True, **kwargs).fit(np.array([-5.0, 4.0]))
        err = np.linalg.norm(fit.Xs_ - x_star, axis=-1)
        t = np.arange(len(err))
        use = (t >= 5) & (err > 1e-12 * err[0])
        measured = float(np.exp(np.polyfit(t[use], np.log(err[use]), 1)[0]))
        ax.semilogy(t, err, "-", color=colour, lw=2, label=f"{label}: measured {measured:.3f}")
        ax.semilogy(t, err[0] * predicted**t, "--", color=colour, lw=1, label=f"predicted {predicted:.3f} per step")
        print(f"  {label}: measured factor {measured:.3f}, predicted {predicted:.3f}")
        drawn = True
if drawn:
    ax.set(xlabel="iteration t", ylabel="error |x_t - x*|", ylim=(1e-16, 1e2), title="Figure 5: rates on the stretched quadratic (kappa = 10)")
    ax.legend(fontsize=8)
    save(fig, LESSON, "rates.png")
else:
    plt.close(fig)

print("done")


# %% [markdown]
# ## Your answers to the questions
#
# The grader's check of the questions at the end of the lesson text (`python -m grader check -k Questions2`).
# Edit `lessons/answers_first_order.py`, run the cell again, and it grades the edit.

# %%
check("Questions2").show()
