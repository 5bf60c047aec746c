"""The figures quoted in lessons/01_gradients_by_hand/README.md, recomputed from the reference code."""

from __future__ import annotations

import math

import numpy as np

from tests.claims import claim

WELL_POINTS = np.array([[0.0, 0.0], [1.0, 1.0], [-1.0, -1.0], [-1.0, -0.5]])  # the notebook's printed points


def _wells():
    from solutions.landscapes import GaussianWells

    return GaussianWells(n_wells=8, random_state=0)


def notebook_hessian(wells, X):
    """The course notebook's (wrong) Hessian of the wells, as it wrote it: (1/w^2) well (-I + D D^T / w^2)."""
    D = X[:, None, :] - wells.locs  # (n, P, d)
    w2 = wells.widths**2  # (P,)
    well = -np.exp(-np.einsum("npi,npi->np", D, D) / w2)  # (n, P)
    outer = np.einsum("npi,npj->npij", D, D) / w2[None, :, None, None]
    per_well = (-np.eye(wells.d) + outer) / w2[None, :, None, None] * well[:, :, None, None]
    return np.einsum("npij,p->nij", per_well, wells.coeffs)


def _notebook_check():
    from grader.gradcheck import check_hessian

    wells = _wells()
    X = np.random.default_rng(0).uniform(-3, 3, size=(50, 2))  # the README's snippet
    return check_hessian(wells.grad, lambda Z: notebook_hessian(wells, Z), X)


@claim("l1_wells_losses")
def _():
    values = _wells()(WELL_POINTS)
    return "[" + ", ".join(f"{v:.8f}".rstrip("0") for v in values) + "]"


@claim("l1_notebook_max_error")
def _():
    return f"{_notebook_check().max_error:.2f}"


@claim("l1_notebook_median_error")
def _():
    return f"{np.median(_notebook_check().errors):.2f}"


@claim("l1_notebook_eigenvalues")
def _():
    low, high = np.linalg.eigvalsh(notebook_hessian(_wells(), np.array([[2.0, 0.0]])))[0]
    return f"{low:.4f} and {high:.4f}"


@claim("l1_correct_error_bound")
def _():
    """A power of ten above the reference's errors in the walkthrough's checks (the same cases,
    the same random points): robust to rounding on any machine."""
    from grader.gradcheck import check_gradient, check_hessian
    from solutions import landscapes as L

    rng = np.random.default_rng(0)
    builds = [
        lambda: L.Quadratic(rng.normal(size=(3, 3)), rng.normal(size=3)),
        lambda: L.ScaledQuadratic(alpha=10.0),
        lambda: L.SquarePhysics(),
        lambda: L.GaussianWells(d=3, n_wells=6, random_state=1),
        lambda: L.Rosenbrock(d=5),
    ]
    worst = 0.0
    for build in builds:
        f = build()
        P = rng.uniform(-2.5, 2.5, size=(200, f.d))
        worst = max(worst, check_gradient(f, f.grad, P).max_error, check_hessian(f.grad, f.hessian, P).max_error)
    return f"1e{math.ceil(math.log10(worst))}"
