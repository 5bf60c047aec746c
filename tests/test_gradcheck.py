"""The students' gradient-check toolkit: accepts right derivatives, refuses wrong ones, says where."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader.gradcheck import check_gradient, check_hessian, check_jacobian, numerical_gradient, numerical_jacobian
from grader.properties import points
from solutions.landscapes import GaussianWells, Quadratic, Rosenbrock, ScaledQuadratic, SquarePhysics

RNG = np.random.default_rng(0)


def cubic(X):
    return np.sum(X**3, axis=1) + X[:, 0] * X[:, -1]


def cubic_grad(X):
    G = 3 * X**2
    G[:, 0] += X[:, -1]
    G[:, -1] += X[:, 0]
    return G


def test_numerical_derivatives_match_known_closed_forms():
    X = RNG.uniform(-2, 2, size=(7, 3))
    np.testing.assert_allclose(numerical_gradient(cubic, X), cubic_grad(X), rtol=1e-8, atol=1e-8)
    A = RNG.normal(size=(4, 3))
    np.testing.assert_allclose(numerical_jacobian(lambda Z: Z @ A.T, X), np.broadcast_to(A, (7, 4, 3)), atol=1e-9)


@pytest.mark.parametrize(
    "landscape",
    [Quadratic(RNG.normal(size=(3, 3)), RNG.normal(size=3)), ScaledQuadratic(30.0), SquarePhysics(), GaussianWells(n_wells=8, random_state=0), GaussianWells(d=3, n_wells=5, random_state=4), Rosenbrock(6)],
    ids=lambda L: type(L).__name__,
)
def test_reference_derivatives_pass_with_room_to_spare(landscape):
    X = RNG.uniform(-3, 3, size=(200, landscape.d))
    g = check_gradient(landscape, landscape.grad, X)
    h = check_hessian(landscape.grad, landscape.hessian, X)
    assert g.ok and g.max_error < 1e-8, g
    assert h.ok and h.max_error < 1e-7, h


def test_square_physics_jacobian_passes():
    L = SquarePhysics()
    assert check_jacobian(L.physics, L.physics_jacobian, RNG.uniform(-3, 3, size=(30, 2))).ok


def test_the_notebooks_wells_hessian_fails_and_the_failure_says_where():
    L = GaussianWells(n_wells=8, random_state=0)

    def notebook_hessian(X):  # drops both factors of 2
        D = X[:, None, :] - L.locs
        w = L.widths[None, :, None, None]
        well = (-np.exp(-np.sum(D**2, axis=2) / L.widths**2))[:, :, None, None]
        terms = (-np.eye(2) + np.einsum("npi,npj->npij", D, D) / w**2) / w**2 * well
        return np.einsum("npij,p->nij", terms, L.coeffs)

    X = np.random.default_rng(0).uniform(-3, 3, size=(50, 2))
    result = check_hessian(L.grad, notebook_hessian, X)
    assert not result.ok and result.max_error > 0.1
    text = str(result)
    assert "FAILED" in text and "at point" in text and "entry [" in text and "finite differences" in text
    np.testing.assert_allclose(X[result.worst], result.point)
    with pytest.raises(AssertionError, match="Hessian check FAILED"):
        result.raise_if_failed()
    # The eigenvalues at [2, 0] quoted in the lesson.
    np.testing.assert_allclose(np.linalg.eigvalsh(notebook_hessian(np.array([[2.0, 0.0]])))[0], [0.0998, 0.1995], atol=1e-4)
    np.testing.assert_allclose(np.linalg.eigvalsh(L.hessian(np.array([2.0, 0.0]))), [-0.0126, 0.386], atol=1e-3)


def test_asymmetric_hessian_is_named_as_such():
    result = check_hessian(lambda X: X @ np.array([[1.0, 2.0], [2.0, 1.0]]), lambda X: np.broadcast_to(np.array([[1.0, 2.0], [2.0, 1.0]]), (len(X), 2, 2)) + np.array([[0, 1e-3], [0, 0]]), np.ones((3, 2)))
    assert not result.ok


def test_shape_and_nan_problems_are_reported_not_raised():
    X = np.ones((4, 2))
    wrong_shape = check_gradient(cubic, lambda X: cubic_grad(X).T, X)
    assert not wrong_shape.ok and "expected shape (4, 2), got (2, 4)" in str(wrong_shape)
    nan = check_gradient(cubic, lambda X: cubic_grad(X) * np.nan, X)
    assert not nan.ok and "NaN" in str(nan)


def test_vanishing_gradient_is_not_a_false_alarm():
    """At a minimum the finite differences are pure rounding noise; the floor absorbs it."""
    L = Quadratic(np.diag([2.0, 3.0]), np.array([2.0, 3.0]))
    assert check_gradient(L, L.grad, np.array([[1.0, 1.0]])).ok


@given(X=points(3), scale=st.sampled_from([1e-6, 1.0, 1e6]), factor=st.sampled_from([0.5, 2.0, -1.0]))
def test_scaled_losses_keep_verdicts(X, scale, factor):
    """Right stays right and wrong stays wrong when the loss is scaled: the criterion is relative."""
    f = lambda Z: scale * cubic(Z)  # noqa: E731
    right = check_gradient(f, lambda Z: scale * cubic_grad(Z), X)
    wrong = check_gradient(f, lambda Z: factor * scale * cubic_grad(Z), X)
    assert right.ok
    if np.linalg.norm(cubic_grad(X), axis=1).min() > 1e-3:
        assert not wrong.ok
