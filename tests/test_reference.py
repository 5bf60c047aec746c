"""The reference code against independent oracles: the seeds' printed numbers and the contract."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from solutions.first_order import GradientDescent, Momentum
from solutions.landscapes import GaussianWells, Quadratic, Rosenbrock, SquarePhysics


def test_gaussian_wells_reproduce_the_notebook_exactly():
    L = GaussianWells(n_wells=8, random_state=0)
    X = np.array([[0, 0], [1, 1], [-1, -1], [-1, -0.5]])
    np.testing.assert_allclose(L(X), [-0.09565806, -0.0812864, -0.00054421, -0.00266954], rtol=0, atol=5e-9)
    np.testing.assert_allclose(L(np.array([[0.1, 0.3], [0.1, 0.7]])), [-0.12900234, -0.11453241], rtol=0, atol=5e-9)


def test_gaussian_wells_leave_the_global_random_state_alone():
    np.random.seed(123)
    expected = np.random.random(3)
    np.random.seed(123)
    GaussianWells(n_wells=5, random_state=1)
    np.testing.assert_array_equal(np.random.random(3), expected)
    a, b = GaussianWells(random_state=4), GaussianWells(random_state=4)
    np.testing.assert_array_equal(a.locs, b.locs)


def test_gradient_descent_reproduces_the_pbdl_table():
    fit = GradientDescent(SquarePhysics(), lr=0.01, max_iter=10, tol=0, store_history=True).fit(np.array([3.0, 3.0]))
    np.testing.assert_allclose(fit.X_, [2.4512184, 0.96171147], rtol=1e-6)
    np.testing.assert_allclose(fit.Xs_[1], [2.94, 1.92], rtol=1e-12)
    assert round(float(np.linalg.norm(fit.X_)), 2) == 2.63
    # The notebook's gradient at the start.
    np.testing.assert_array_equal(SquarePhysics().grad(np.array([3.0, 3.0])), [6.0, 108.0])


def test_one_point_and_batch_shapes():
    L = Rosenbrock(3)
    x = np.array([0.1, 0.2, 0.3])
    assert L(x).shape == () and L.grad(x).shape == (3,) and L.hessian(x).shape == (3, 3)
    assert L(x[None]).shape == (1,) and L.hessian(np.ones((4, 3))).shape == (4, 3, 3)
    np.testing.assert_allclose(L.grad(np.ones(3)), 0)


def test_square_physics_inverse_refuses_negative_y1():
    with pytest.raises(ValueError, match="no real preimage"):
        SquarePhysics().physics_inverse(np.array([[1.0, -4.0]]), np.array([[0.0, 1.0]]))
    with pytest.raises(ValueError, match="rows"):
        SquarePhysics().physics_inverse(np.ones((3, 2)), np.ones((2, 2)))


def test_landscapes_refuse_bad_construction():
    with pytest.raises(ValueError, match="square"):
        Quadratic(np.ones((2, 3)), np.ones(2))
    with pytest.raises(ValueError, match="d >= 2"):
        Rosenbrock(1)
    with pytest.raises(ValueError, match="columns"):
        Rosenbrock(3).grad(np.ones((2, 4)))


BOWL = Quadratic(np.diag([1.0, 4.0]), np.array([1.0, 2.0]))


@pytest.mark.parametrize(
    "kwargs, X0, error, words",
    [
        ({}, np.array([1.0, np.nan]), ValueError, "NaN"),
        ({}, np.ones((2, 2, 2)), ValueError, "shape"),
        ({}, np.ones((2, 3)), ValueError, "columns"),
        ({}, "abc", TypeError, "numeric"),
        ({"lr": -1.0}, np.ones(2), ValueError, "lr must be positive"),
        ({"lr": "fast"}, np.ones(2), TypeError, "lr must be a real number"),
        ({"max_iter": 2.5}, np.ones(2), TypeError, "max_iter"),
        ({"tol": -1}, np.ones(2), ValueError, "tol"),
        ({"momentum": 1.0}, np.ones(2), ValueError, "momentum must be in"),
    ],
)
def test_bad_input_is_named(kwargs, X0, error, words):
    with pytest.raises(error, match=words):
        Momentum(BOWL, **kwargs).fit(X0)


def test_a_loss_without_grad_is_a_type_error():
    with pytest.raises(TypeError, match="needs loss.grad"):
        GradientDescent(lambda X: np.sum(X**2, axis=1)).fit(np.ones(2))


def test_divergence_stops_the_row_and_is_reported():
    X0 = np.array([[0.1, 0.1], [3.0, 3.0]])
    with pytest.warns(RuntimeWarning, match="1 of 2 starts diverged"):
        fit = GradientDescent(SquarePhysics(), lr=0.2, max_iter=200, tol=1e-8).fit(X0)
    assert fit.diverged_.tolist() == [False, True]
    assert np.all(np.isfinite(fit.X_))


def test_rows_stop_independently_and_history_repeats_a_stopped_row():
    X0 = np.array([[1.0, 0.5], [30.0, -20.0]])
    fit = GradientDescent(BOWL, lr=0.2, max_iter=500, tol=1e-6, store_history=True).fit(X0)
    assert fit.converged_.all() and fit.n_iter_[0] < fit.n_iter_[1]
    assert fit.Xs_.shape == (fit.n_iter_.max() + 1, 2, 2) and fit.losses_.shape == (fit.n_iter_.max() + 1, 2)
    np.testing.assert_array_equal(fit.Xs_[-1, 0], fit.Xs_[fit.n_iter_[0], 0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        alone = GradientDescent(BOWL, lr=0.2, max_iter=500, tol=1e-6).fit(X0[0])
    np.testing.assert_array_equal(alone.X_, fit.X_[0])
    assert alone.n_iter_ == fit.n_iter_[0]


def test_momentum_refit_starts_at_rest():
    opt = Momentum(Rosenbrock(2), lr=1e-3, momentum=0.9, max_iter=20, tol=0)
    first = opt.fit(np.array([-1.2, 1.0])).X_.copy()
    np.testing.assert_array_equal(opt.fit(np.array([-1.2, 1.0])).X_, first)
