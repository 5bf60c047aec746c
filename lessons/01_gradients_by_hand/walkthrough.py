# %% [markdown]
# # Lesson 1 walkthrough: gradients by hand, and checking them
#
# Run it as a script (`python lessons/01_gradients_by_hand/walkthrough.py` from the repository
# root) or open `walkthrough.ipynb` beside it in Jupyter or VS Code. It uses your classes from
# `lessons/landscapes.py`; a figure whose exercise is not done yet is skipped with a note. Figures
# go to `figures/01_gradients_by_hand/`, and in the notebook also below their cell.

# %%
import sys
from pathlib import Path

_here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
_root = next((p for p in (_here, *_here.parents) if (p / "lessons" / "_walkthrough.py").exists()), None)
if _root is None:
    raise RuntimeError("open this walkthrough from inside the course's folder (in Colab: !git clone the course, then %cd into it)")
sys.path.insert(0, str(_root))

import numpy as np  # noqa: E402

from grader.gradcheck import check_gradient, check_hessian, check_jacobian  # noqa: E402
from lessons._walkthrough import course, grid, needs, plt, save  # noqa: E402

L = course("landscapes")
LESSON = "01_gradients_by_hand"
wells = L.GaussianWells(n_wells=8, random_state=0)
xx, yy, X = grid()

# %% [markdown]
# ## The landscape and its gradient field
# The loss values are given code, so this figure always works; the arrows need your `grad`.

# %%
print("Figure 1: the Gaussian wells and the gradient field")
Z = wells(X).reshape(xx.shape)
with needs("the gradient arrows (GaussianWells.grad)"):
    fig, ax = plt.subplots(figsize=(6, 6))
    fig.colorbar(ax.contourf(xx, yy, Z, levels=30), ax=ax, label="loss", shrink=0.8)
    step = 10
    sub = np.column_stack([xx[::step, ::step].ravel(), yy[::step, ::step].ravel()])
    G = wells.grad(sub)
    ax.quiver(sub[:, 0], sub[:, 1], -G[:, 0], -G[:, 1], color="k", angles="xy", label="-grad L (steepest descent)")
    ax.plot(*wells.locs.T, "wo", ms=5, mec="k", label="well centres")
    ax.plot(*X[np.argmin(Z)], "r*", ms=15, label="lowest grid point")
    ax.set(title="Figure 1: GaussianWells(n_wells=8, random_state=0)", xlabel="x0", ylabel="x1", aspect="equal",
           xlim=(-3, 3), ylim=(-3, 3))
    ax.legend(loc="lower left", fontsize=8)
    save(fig, LESSON, "wells_gradient_field.png")

# %% [markdown]
# ## Check every derivative you wrote
# Central differences against your code, at 200 random points per landscape.

# %%
print("Gradient checks of your code:")
rng = np.random.default_rng(0)
cases = [
    ("Quadratic", lambda: L.Quadratic(rng.normal(size=(3, 3)), rng.normal(size=3))),
    ("ScaledQuadratic", lambda: L.ScaledQuadratic(alpha=10.0)),
    ("SquarePhysics", lambda: L.SquarePhysics()),
    ("GaussianWells", lambda: L.GaussianWells(d=3, n_wells=6, random_state=1)),
    ("Rosenbrock", lambda: L.Rosenbrock(d=5)),
]
for name, build in cases:
    f = build()
    P = rng.uniform(-2.5, 2.5, size=(200, f.d))
    with needs(f"{name}.grad"):
        print(f"  {name:16s}", check_gradient(f, f.grad, P))
    with needs(f"{name}.hessian"):
        print(f"  {name:16s}", check_hessian(f.grad, f.hessian, P))
with needs("SquarePhysics.physics_jacobian"):
    S = L.SquarePhysics()
    print(f"  {'SquarePhysics':16s}", check_jacobian(S.physics, S.physics_jacobian, rng.uniform(-3, 3, size=(200, 2))))

# %% [markdown]
# ### Check your code so far
#
# The grader's checks of `Quadratic`, `ScaledQuadratic`, `SquarePhysics`, `GaussianWells`,
# `Rosenbrock`, one cell each, as `python -m grader check -k <name>` runs them.
# Edit your code, run a cell again, and it grades the edit.

# %%
from grader import check  # noqa: E402

check("Quadratic").show()

# %%
check("ScaledQuadratic").show()

# %%
check("SquarePhysics").show()

# %%
check("GaussianWells").show()

# %%
check("Rosenbrock").show()


# %% [markdown]
# ## What a failing check looks like: the README's chain-rule example
# $L(x) = y_0^2 + 3 y_1^2$ with $y = (x_0 x_1, x_0 + x_1)$. Its Hessian has two parts; drop the
# curvature of the map and the check refuses it. (This is the worked example, not an exercise.)


# %%
def chain_loss(X):
    return (X[:, 0] * X[:, 1]) ** 2 + 3.0 * (X[:, 0] + X[:, 1]) ** 2


def chain_grad(X):
    J = np.stack([np.stack([X[:, 1], X[:, 0]], axis=1), np.ones((len(X), 2))], axis=1)  # (n, 2, 2): J[k, a, i]
    gy = np.stack([2.0 * X[:, 0] * X[:, 1], 6.0 * (X[:, 0] + X[:, 1])], axis=1)  # (n, 2)
    return np.einsum("nai,na->ni", J, gy), J, gy


def chain_hessian(X, with_map_curvature=True):
    _, J, gy = chain_grad(X)
    H = np.einsum("nai,ab,nbj->nij", J, np.diag([2.0, 6.0]), J)  # J^T (Hessian in y) J
    if with_map_curvature:
        H += gy[:, 0, None, None] * np.array([[0.0, 1.0], [1.0, 0.0]])  # dL/dy0 times the Hessian of y0 = x0 x1
    return H


P = rng.uniform(-2, 2, size=(20, 2))
print("The worked chain-rule example:")
print("  ", check_gradient(chain_loss, lambda Z: chain_grad(Z)[0], P))
print("  ", check_hessian(lambda Z: chain_grad(Z)[0], chain_hessian, P))
print("   without the curvature of the map:")
print("  ", check_hessian(lambda Z: chain_grad(Z)[0], lambda Z: chain_hessian(Z, False), P))

# %% [markdown]
# ## The notebook's Hessian, caught
# The course notebook this landscape comes from printed a wrong Hessian. Here is its formula, the
# check that refuses it, and what it does to the curvature picture. What it lost is for you to
# derive (README, "Why gradient checks exist").


# %%
def notebook_hessian(X):
    """The notebook's formula, as it printed it: (1/w^2) well (-I + D D^T / w^2). It is wrong."""
    D = X[:, None, :] - wells.locs
    w = wells.widths[None, :, None, None]
    well = (-np.exp(-np.sum(D**2, axis=2) / wells.widths**2))[:, :, None, None]
    return np.einsum("npij,p->nij", (-np.eye(2) + np.einsum("npi,npj->npij", D, D) / w**2) / w**2 * well, wells.coeffs)


print("The notebook's Hessian under the same check:")
with needs("GaussianWells.grad"):
    # the README's snippet's points
    print("  ", check_hessian(wells.grad, notebook_hessian, np.random.default_rng(0).uniform(-3, 3, size=(50, 2))))
print("  eigenvalues at [2, 0] by the notebook's formula:", np.round(np.linalg.eigvalsh(notebook_hessian(np.array([[2.0, 0.0]])))[0], 4))
with needs("GaussianWells.hessian"):
    # your own eigenvalues at [2, 0] are question Q4: compute them yourself; here only how many are negative
    print("  negative eigenvalues at [2, 0] by your Hessian:", int(np.sum(np.linalg.eigvalsh(wells.hessian(np.array([2.0, 0.0]))) < 0)))

# %%
print("Figure 2: sum of the signs of the Hessian's eigenvalues (+2 bowl, 0 saddle, -2 cap)")
point = np.array([2.0, 0.0])
with needs("the curvature maps (GaussianWells.hessian)"):
    fig, axes = plt.subplots(1, 2, figsize=(11, 5), sharey=True)
    for ax, (title, H) in zip(axes, [("notebook's formula", notebook_hessian(X)), ("your Hessian", wells.hessian(X))]):
        signs = np.sum(np.sign(np.linalg.eigvalsh(H)), axis=1).reshape(xx.shape)
        im = ax.contourf(xx, yy, signs, levels=[-2.5, -1.5, -0.5, 0.5, 1.5, 2.5], cmap="coolwarm")
        ax.contour(xx, yy, Z, levels=12, colors="k", linewidths=0.4)
        ax.plot(*point, "k^", ms=9, label="the point (2, 0)")
        ax.set(title=title, xlabel="x0", aspect="equal")
    axes[0].set_ylabel("x1")
    axes[0].legend(loc="lower left", fontsize=8)
    fig.suptitle("Figure 2: curvature type from the eigenvalues' signs (contours: the loss)")
    bar = fig.colorbar(im, ax=axes, ticks=[-2, -1, 0, 1, 2], label="sum of eigenvalue signs")
    bar.ax.set_yticklabels(["-2 cap", "-1", "0 saddle", "+1", "+2 bowl"])
    save(fig, LESSON, "wells_curvature_signs.png")

# %%
print("Figure 3: log10 condition number of your Hessian")
with needs("the condition-number map (GaussianWells.hessian)"):
    fig, ax = plt.subplots(figsize=(6, 5))
    cond = np.linalg.cond(wells.hessian(X)).reshape(xx.shape)
    im = ax.contourf(xx, yy, np.log10(np.clip(cond, 1, 1e12)), levels=30)
    fig.colorbar(im, ax=ax, label="log10 cond(H)")
    ax.contour(xx, yy, Z, levels=12, colors="w", linewidths=0.4)
    ax.set(title="Figure 3: where the landscape is strongly anisotropic", xlabel="x0", ylabel="x1", aspect="equal")
    save(fig, LESSON, "wells_condition_number.png")

print("done")


# %% [markdown]
# ## Your answers to the questions
#
# The grader's check of the questions at the end of the lesson text (`python -m grader check -k Questions1`).
# Edit `lessons/answers_gradients.py`, run the cell again, and it grades the edit.

# %%
check("Questions1").show()
