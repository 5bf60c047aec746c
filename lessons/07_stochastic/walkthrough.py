# %% [markdown]
# # Lesson 7 walkthrough: stochastic gradients on a logistic regression
#
# Run it as a script (`python lessons/07_stochastic/walkthrough.py` from the repository root)
# or open it as a notebook. It uses your `LogisticRegression` (its `grad` and `grad_batch`) and
# your `SGD`, `SVRG` and `AdamW`, and lesson 2's `GradientDescent` and `Adam`; a figure whose
# exercise is not done yet is skipped with a note.
# Figures go to `figures/07_stochastic/`, and in the notebook also below their cell.

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

land = course("landscapes")
sto = course("stochastic")
fo = course("first_order")
LESSON = "07_stochastic"
data = land.LogisticRegression.synthetic()  # N = 200 examples in 2-D, l2 = 0.01
N = data.n_samples
X0 = np.array([-2.0, 2.0])
xs = np.linspace(-2.5, 3.0, 120)
ys = np.linspace(-2.5, 2.5, 100)
xx, yy = np.meshgrid(xs, ys)
GRID = np.column_stack([xx.ravel(), yy.ravel()])


def minimum(loss):
    """The minimum of a loss, by gradient descent with the exact gradient (a long run: the loss is flat)."""
    return fo.GradientDescent(loss, lr=2.0, max_iter=20000, tol=1e-10).fit(np.zeros(2)).X_


# %% [markdown]
# ## A jittering landscape
# The loss is the average of 200 per-example losses. A minibatch's loss $L_I$ is the average of a
# few of them: a different landscape at every step, with its minimum elsewhere. SGD follows the
# gradient of the landscape of the moment.

# %%
print("Figure 1: the loss and three minibatch landscapes")
x_star = None
with needs("the minimum (LogisticRegression.grad)"):
    x_star = minimum(data)
    print(f"  the minimum x* = {np.round(x_star, 4)}, L(x*) = {float(data(x_star)):.4f}")
fig, ax = plt.subplots(figsize=(7, 5.5))
ax.contour(xx, yy, data(GRID).reshape(xx.shape), levels=20, colors="k", linewidths=1.2)
rng = np.random.default_rng(3)
for colour in ("tab:orange", "tab:green", "tab:purple"):
    idx = rng.choice(N, size=20, replace=False)
    part = land.LogisticRegression(data.X_data[idx], data.y_data[idx], data.l2)
    ax.contour(xx, yy, part(GRID).reshape(xx.shape), levels=12, colors=colour, linewidths=0.7, alpha=0.8)
    with needs("the minibatch minima"):
        ax.plot(*minimum(part), "o", color=colour, mec="k", label="the minimum of a minibatch of 20")
if x_star is not None:
    ax.plot(*x_star, "*", color="k", ms=14, label="the minimum of L")
ax.set(xlabel="$x_0$", ylabel="$x_1$", title="Figure 1: L (black) and three minibatch landscapes $L_I$ (b = 20)")
ax.legend(fontsize=8, loc="lower left")
save(fig, LESSON, "jittering_landscape.png")

# %% [markdown]
# ### Check your code so far
#
# The grader's checks of `LogisticRegression` (`python -m grader check -k LogisticRegression`).
# Edit your code, run the cell again, and it grades the edit.

# %%
from grader import check  # noqa: E402

check("LogisticRegression").show()

# %% [markdown]
# ## The minibatch gradient's variance
# Measured over 4000 seeded draws at $x = 0$, with and without replacement, against
# $\sigma^2/b$ and $\frac{\sigma^2}{b}\frac{N-b}{N-1}$.

# %%
print("Figure 2: variance of the minibatch gradient against the batch size")
with needs("Figure 2 (LogisticRegression.grad_batch)"):
    x = np.zeros(2)
    per = np.stack([data.grad_batch(x, [i]) for i in range(N)])
    sigma2 = float(np.sum(np.var(per, axis=0)))
    sizes = np.array([1, 2, 5, 10, 20, 50, 100, 150, 200])
    rng = np.random.default_rng(1)
    measured = {True: [], False: []}
    for b in sizes:
        for replace in (True, False):
            G = np.array([data.grad_batch(x, rng.integers(0, N, b) if replace else rng.choice(N, b, replace=False)) for _ in range(1000)])
            measured[replace].append(np.sum(np.var(G, axis=0)))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.loglog(sizes, measured[True], "o", color="tab:blue", label="with replacement, measured")
    ax.loglog(sizes, sigma2 / sizes, "-", color="tab:blue", label="$\\sigma^2 / b$")
    ax.loglog(sizes[:-1], measured[False][:-1], "s", color="tab:red", label="without replacement, measured (0 at b = N)")
    ax.loglog(sizes[:-1], (sigma2 / sizes * (N - sizes) / (N - 1))[:-1], "--", color="tab:red", label="$\\sigma^2 (N - b) / (b (N - 1))$")
    ax.set(xlabel="batch size b", ylabel="variance (trace)", title="Figure 2: the 1/b law and the finite-population factor")
    ax.legend(fontsize=8)
    save(fig, LESSON, "variance.png")

# %% [markdown]
# ## SGD: the noise ball, decaying steps and averaging
# Four runs of 4000 steps from $(-2, 2)$ with `batch_size=1`: a constant step, half of it, the
# `"inverse"` schedule, and the constant step with averaging from step 1000.

# %%
print("Figure 3: SGD paths and excess loss")
RUNS = [
    ("constant, lr = 1", dict(lr=1.0), "tab:blue"),
    ("constant, lr = 0.25", dict(lr=0.25), "tab:cyan"),
    ("inverse, lr = 2, t0 = 50", dict(lr=2.0, schedule="inverse", t0=50.0), "tab:green"),
    ("constant, lr = 1, averaged from 1000", dict(lr=1.0, average=1000), "tab:red"),
]
if x_star is not None:
    L_star = float(data(x_star))
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
    left.contour(xx, yy, data(GRID).reshape(xx.shape), levels=20, colors="0.6", linewidths=0.8)
    drawn = False
    for label, kwargs, colour in RUNS:
        with needs(f"the SGD run '{label}'"):
            fit = sto.SGD(data, max_iter=4000, tol=0.0, random_state=0, store_history=True, **kwargs).fit(X0)
            left.plot(*fit.Xs_.T, "-", color=colour, lw=0.6, alpha=0.8, label=label)
            right.semilogy(np.maximum(data(fit.Xs_) - L_star, 1e-12), color=colour, lw=0.8, label=label)
            drawn = True
    if drawn:
        left.plot(*x_star, "*", color="k", ms=14, label="x*")
        left.set(xlabel="$x_0$", ylabel="$x_1$", title="SGD paths (batch_size = 1)")
        left.legend(fontsize=7, loc="lower left")
        right.set(xlabel="step t", ylabel="L(x_t) - L(x*)", title="excess loss", ylim=(1e-6, 10))
        right.legend(fontsize=7)
        fig.suptitle("Figure 3: a constant step hovers in a noise ball; decaying steps and averaging reach further")
        save(fig, LESSON, "sgd.png")
    else:
        plt.close(fig)
else:
    print("  skipped: needs LogisticRegression.grad (the minimum)")

# %%
check("SGD").show()

# %% [markdown]
# ## Cost against accuracy: gradient descent, SGD and SVRG
# The x-axis counts example gradients: $N$ per gradient-descent step, $b$ per SGD step, $2b$ per
# SVRG step plus $N$ per snapshot.

# %%
print("Figure 4: excess loss against example gradients")
if x_star is not None:
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    drawn = False
    with needs("the gradient-descent curve"):
        gd = fo.GradientDescent(data, lr=1.0, max_iter=400, tol=0.0, store_history=True).fit(X0)
        ax.semilogy(N * np.arange(len(gd.Xs_)), np.maximum(data(gd.Xs_) - L_star, 1e-16), color="k", label="GradientDescent, lr = 1")
        drawn = True
    with needs("the SGD curve"):
        sgd = sto.SGD(data, lr=1.0, batch_size=5, schedule="inverse", t0=100.0, max_iter=16000, tol=0.0, random_state=0, store_history=True).fit(X0)
        ax.semilogy(5 * np.arange(len(sgd.Xs_)), np.maximum(data(sgd.Xs_) - L_star, 1e-16), color="tab:green", lw=0.8, label="SGD, b = 5, inverse schedule")
        drawn = True
    with needs("the SVRG curve"):
        m, b = 40, 5
        svrg = sto.SVRG(data, lr=1.0, batch_size=b, inner_steps=m, max_iter=1200, tol=0.0, random_state=0, store_history=True).fit(X0)
        t = np.arange(len(svrg.Xs_))
        cost = 2 * b * t + N * (t + m - 1) // m  # the snapshots taken before step t, at t = 0, m, 2m, ...
        ax.semilogy(cost, np.maximum(data(svrg.Xs_) - L_star, 1e-16), color="tab:red", label=f"SVRG, b = {b}, m = {m}")
        drawn = True
    if drawn:
        ax.set(xlabel="example gradients computed", ylabel="L(x) - L(x*)", xlim=(0, 80000), ylim=(1e-15, 10), title="Figure 4: the same work, three methods")
        ax.legend(fontsize=8)
        save(fig, LESSON, "cost.png")
    else:
        plt.close(fig)
else:
    print("  skipped: needs LogisticRegression.grad (the minimum)")

# %%
check("SVRG").show()

# %% [markdown]
# ## AdamW against Adam with an L2 term
# The same decay, `weight_decay = 0.1`, once decoupled (AdamW) and once as an L2 term inside the
# loss (Adam on `LogisticRegression` with `l2` larger by 0.1). Full gradients, `lr = 0.05`.

# %%
print("Figure 5: AdamW against Adam with an L2 term")
with needs("Figure 5"):
    wd = 0.1
    l2_loss = land.LogisticRegression(data.X_data, data.y_data, data.l2 + wd)
    w = sto.AdamW(data, lr=0.05, weight_decay=wd, max_iter=3000, tol=0.0, store_history=True).fit(X0)
    a = fo.Adam(l2_loss, lr=0.05, max_iter=3000, tol=0.0, store_history=True).fit(X0)
    fig, ax = plt.subplots(figsize=(7, 5.5))
    ax.contour(xx, yy, data(GRID).reshape(xx.shape), levels=20, colors="0.6", linewidths=0.8)
    ax.plot(*w.Xs_.T, "-", color="tab:blue", label=f"AdamW, ends at {np.round(w.X_, 3)}")
    ax.plot(*a.Xs_.T, "-", color="tab:red", label=f"Adam + L2 term, ends at {np.round(a.X_, 3)}")
    if x_star is not None:
        ax.plot(*x_star, "*", color="k", ms=14, label="the minimum of L")
        ax.plot(*minimum(l2_loss), "P", color="tab:red", mec="k", ms=10, label="the minimum of L + (0.1/2)|x|^2")
    ax.set(xlabel="$x_0$", ylabel="$x_1$", title="Figure 5: decoupled decay against an L2 term")
    ax.legend(fontsize=8, loc="lower left")
    save(fig, LESSON, "adamw.png")

# %%
check("AdamW").show()

print("done")

# %% [markdown]
# ## Your answers to the questions
#
# The grader's check of the questions at the end of the lesson text (`python -m grader check -k Questions7`).
# Edit `lessons/answers_stochastic.py`, run the cell again, and it grades the edit.

# %%
check("Questions7").show()
