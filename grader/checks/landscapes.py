"""Checks for lesson 1: derivatives by hand, against finite differences and the reference.

Each derivative is checked on its own: a gradient against differences of the
reference loss, a Hessian against differences of the reference gradient. So one wrong
method costs only its own points, never those of the methods built on it.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from ..gradcheck import GRAD_STEP, GRAD_TOL, SECOND_STEP, SECOND_TOL, compare, differences
from ..properties import floats, log_uniform, points, run_property
from ..registry import CheckFailed, check, expect

# Tolerance against the reference: allows reordered arithmetic (about 1e-15 relative), not bugs.
REFERENCE_TOL = 1e-9


@st.composite
def quadratic_cases(draw):
    d = draw(st.integers(1, 4))
    A = draw(points(d, n=st.just(d), lo=-2, hi=2))
    b = draw(points(d, n=st.just(1), lo=-2, hi=2))[0]
    return {"A": A, "b": b}, draw(points(d))


@st.composite
def scaled_cases(draw):
    return {"alpha": draw(log_uniform(1e-2, 1e2))}, draw(points(2))


@st.composite
def square_cases(draw):
    return {}, draw(points(2))


@st.composite
def wells_cases(draw):
    d = draw(st.integers(1, 3))
    kwargs = {"d": d, "n_wells": draw(st.integers(1, 6)), "random_state": draw(st.integers(0, 1000))}
    return kwargs, draw(points(d))


@st.composite
def rosenbrock_cases(draw):
    d = draw(st.integers(2, 6))
    kwargs = {"d": d}
    if draw(st.booleans()):  # a and b other than the classic 1 and 100, so that neither can be hard-coded
        kwargs.update(a=draw(floats(0.5, 2.0)), b=draw(log_uniform(1.0, 300.0)))
    return kwargs, draw(points(d, lo=-2, hi=2))


# name: (cases, hint for a wrong gradient, hint for a wrong Hessian, hidden reference cases).
# Hints name the usual slip and where to look; they never give the derivative itself.
LANDSCAPES = {
    "Quadratic": (
        quadratic_cases,
        "the grader's A is not symmetric: write x^T A x as a double sum and differentiate each occurrence "
        "of x (lesson 1, index notation), and keep the linear term's b; with a batch, remember which of X @ M and X @ M.T applies M to every row",
        "the Hessian of a quadratic is constant and must be symmetric even when A is not; "
        "return one copy per row, shape (n, d, d), and do not assume d >= 2",
        [{"A": np.arange(36.0).reshape(6, 6) / 7 - 2, "b": np.linspace(-1, 2, 6)}],
    ),
    "ScaledQuadratic": (
        scaled_cases,
        "differentiate |P(x)|^2 by the chain rule through P (lesson 1) and count what each step of the chain "
        "contributes to the second component; compare with differences at a small and a large alpha",
        "compare your Hessian's two diagonal entries with finite differences at a small and a large alpha: "
        "a wrong power of alpha shows at once",
        [{"alpha": 1e3}, {"alpha": 3e-2}],
    ),
    "SquarePhysics": (
        square_cases,
        "the gradient in x is the gradient in y carried back through the Jacobian of the physics "
        "(J^T, not J); check it against differentiating L(x) written directly in x",
        "the second-order chain rule has two parts: J^T (Hessian in y) J, and the curvature of the physics "
        "itself weighted by dL/dy; a Hessian that is too small in the x1 entry usually lacks the second",
        [{}],
    ),
    "GaussianWells": (
        wells_cases,
        "differentiate exp(-|D|^2 / w^2) by the chain rule: mind the factor the square brings down, "
        "the sign, the power of w_p in the denominator, and each well's depth c_p (the weighted wells carry it)",
        "use the product rule on (weighted well) x (its inner derivative), and keep the width convention "
        "(w^2, no 2, in the exponent), which the notebook's Hessian did not; "
        "the offset term is an outer product, (d, d) per point, not the inner product",
        [{"d": 5, "n_wells": 12, "random_state": 7}, {"d": 2, "n_wells": 8, "random_state": 0}],
    ),
    "Rosenbrock": (
        rosenbrock_cases,
        "each x_i can appear in two terms of the sum, as the head of term i and as the tail of term i-1; "
        "add both contributions, and remember that the first and the last coordinates have only one; "
        "use the landscape's a and b, not 1 and 100",
        "the Hessian is tridiagonal and symmetric; check the first and last diagonal entries (one term each) "
        "and that every term contributes to the diagonal entries it touches, for any a and b",
        [{"d": 10}, {"d": 4, "a": 2.0, "b": 10.0}],
    ),
}


def against_differences(what: str, analytic, fun, X, second: bool = False):
    """``analytic`` against central differences of the reference function ``fun`` (a first
    derivative from values, or a second from first derivatives), with the toolkit's rules."""
    step, tol = (SECOND_STEP, SECOND_TOL) if second else (GRAD_STEP, GRAD_TOL)
    numeric, noise = differences(fun, X, step)
    return compare(what, analytic, numeric, X, tol, noise)


def _shape_of_one_point(handle, method: str, x, expected_shape) -> None:
    got = handle.call(method, x)
    expect(
        got.shape == expected_shape,
        f"{handle.spec.name}.{method} on one point of shape {x.shape} should return shape {expected_shape}, "
        f"got {got.shape} (keep the @batched decorator; inside the method X is always (n, d))",
    )


def _fail(result, hint: str) -> None:
    if not result.ok:
        raise CheckFailed(f"{result}\n  Hint: {hint}")


def _register(name: str, cases, grad_hint: str, hess_hint: str, hidden_cases: list) -> None:
    @check(f"{name}.grad.gradcheck", points=3)
    def grad_check(t, ref):
        """The gradient matches central differences of the loss at points drawn by Hypothesis."""

        def prop(case):
            kwargs, X = case
            mine, theirs = t.landscape(name, **kwargs), ref.landscape(name, **kwargs)
            result = against_differences("gradient", mine.grad(X), theirs, X)
            _fail(result, grad_hint)
            _shape_of_one_point(mine, "grad", X[0], X[0].shape)

        run_property(prop, case=cases())

    @check(f"{name}.hessian.gradcheck", points=3)
    def hessian_check(t, ref):
        """The Hessian matches central differences of the gradient, and is symmetric."""

        def prop(case):
            kwargs, X = case
            mine, theirs = t.landscape(name, **kwargs), ref.landscape(name, **kwargs)
            result = against_differences("Hessian", mine.hessian(X), theirs.grad, X, second=True)
            _fail(result, hess_hint)
            _shape_of_one_point(mine, "hessian", X[0], X[0].shape * 2)

        run_property(prop, case=cases())


for _name, (_cases, _grad_hint, _hess_hint, _hidden) in LANDSCAPES.items():
    _register(_name, _cases, _grad_hint, _hess_hint, _hidden)


# --------------------------------------------------------------------------- SquarePhysics in y space
@check("SquarePhysics.physics_jacobian.gradcheck", points=2)
def square_jacobian(t, ref):
    """The Jacobian of y(x) = [x0, x1^2] matches central differences, shape (n, 2, 2)."""

    def prop(X):
        mine, theirs = t.landscape("SquarePhysics"), ref.landscape("SquarePhysics")
        J = mine.call("physics_jacobian", X, shape=(len(X), 2, 2))
        result = against_differences("Jacobian", J, theirs.method("physics"), X, second=True)
        _fail(result, "J[k, i] = dy_k/dx_i: rows are outputs, columns inputs (a transposed J fails off the diagonal); "
            "one Jacobian per row of X, shape (n, 2, 2)")
        _shape_of_one_point(mine, "physics_jacobian", X[0], (2, 2))

    run_property(prop, X=points(2))


@check("ScaledQuadratic.physics_jacobian.gradcheck", points=1)
def scaled_jacobian(t, ref):
    """The Jacobian of P(x) = [x0, alpha x1] matches central differences, shape (n, 2, 2)."""

    def prop(case):
        kwargs, X = case
        mine, theirs = t.landscape("ScaledQuadratic", **kwargs), ref.landscape("ScaledQuadratic", **kwargs)
        J = mine.call("physics_jacobian", X, shape=(len(X), 2, 2))
        _fail(against_differences("Jacobian", J, theirs.method("physics"), X, second=True), "J[k, i] = dP_k/dx_i (rows outputs, columns inputs), one copy per row of X; mind where alpha sits")

    run_property(prop, case=scaled_cases())


@check("Rosenbrock.residual_jacobian.gradcheck", points=2)
def rosenbrock_residual_jacobian(t, ref):
    """The Jacobian of Rosenbrock's residuals matches central differences, shape (n, 2 (d-1), d)."""

    def prop(case):
        kwargs, X = case
        mine, theirs = t.landscape("Rosenbrock", **kwargs), ref.landscape("Rosenbrock", **kwargs)
        n, d = X.shape
        J = mine.call("residual_jacobian", X, shape=(n, 2 * (d - 1), d))
        _fail(
            against_differences("Jacobian", J, theirs.method("residuals"), X, second=True),
            "row k of the Jacobian holds the partial derivatives of residual k, in the order of residuals(): "
            "the d-1 chain terms first, then the d-1 terms a - x_i; each row has at most two nonzero entries; "
            "use the landscape's a and b (any values), not 1 and 100",
        )

    run_property(prop, case=rosenbrock_cases())


@check("SquarePhysics.physics_inverse.branch", points=3)
def square_inverse(t, ref):
    """physics(inverse(y, x0)) == y, on the branch of x1 nearest x0 (same sign)."""

    def prop(X, signs):
        mine = t.landscape("SquarePhysics")
        Y = ref.landscape("SquarePhysics").call("physics", X)
        X0 = np.abs(X) * signs[: len(X)] + 0.0  # a guide on either side
        X0[:, 1] = np.where(X0[:, 1] == 0, signs[: len(X), 1], X0[:, 1])
        got = mine.call("physics_inverse", Y, X0, shape=X.shape)
        want = np.stack([X[:, 0], np.sign(X0[:, 1]) * np.abs(X[:, 1])], axis=1)
        ok = np.isclose(got, want, rtol=1e-12, atol=1e-12)
        if not ok.all():
            row = int(np.flatnonzero(~ok.all(axis=1))[0])
            raise CheckFailed(
                f"physics_inverse(y={Y[row].tolist()}, x0={X0[row].tolist()}) returned {got[row].tolist()}; "
                f"expected {want[row].tolist()}\n  Hint: y1 has two preimages; return the one on the same side as "
                "the guide's second coordinate (the + one when that coordinate is 0), so the result stays on x0's side"
            )
        single = mine.call("physics_inverse", Y[0], X0[0])
        expect(single.shape == (2,), f"physics_inverse on one point y: (2,) should return shape (2,), got {single.shape}")

    signs = points(2, n=st.just(5), lo=-1, hi=1).map(lambda s: np.where(s < 0, -1.0, 1.0))
    run_property(prop, X=points(2, lo=-3, hi=3), signs=signs)


@check("SquarePhysics.physics_inverse.tie", points=1)
def square_inverse_tie(t, ref):
    """A guide exactly on x1 = 0, written 0.0 or -0.0, takes the non-negative root."""
    Y = np.array([[1.5, 4.0], [-0.5, 0.25], [2.0, 9.0], [0.0, 1.0]])
    X0 = np.array([[1.0, 0.0], [-2.0, 0.0], [0.5, -0.0], [-1.0, -0.0]])
    want = np.stack([Y[:, 0], np.sqrt(Y[:, 1])], axis=1)
    got = t.landscape("SquarePhysics").call("physics_inverse", Y, X0, shape=Y.shape)
    ok = np.all(np.isclose(got, want, rtol=1e-12, atol=1e-12), axis=1)
    if not ok.all():
        row = int(np.flatnonzero(~ok)[0])
        zero = "-0.0" if np.signbit(X0[row, 1]) else "0.0"
        why = (
            "-0.0 is 0 (-0.0 < 0 is False), so it takes the non-negative root too; np.copysign and np.signbit see its sign bit, a comparison does not"
            if zero == "-0.0"
            else "np.sign(0.0) is 0, not 1, so a sign times the root gives 0 here"
        )
        raise CheckFailed(
            f"physics_inverse(y={Y[row].tolist()}, x0=[{X0[row, 0]}, {zero}]) returned {got[row].tolist()}; expected {want[row].tolist()}\n"
            f"  Hint: a guide whose second coordinate is 0 takes the non-negative root (the docstring's convention): {why}"
        )


@check("SquarePhysics.y_derivatives.gradcheck", points=2)
def square_y_derivatives(t, ref):
    """grad_y and hessian_y of L(y) = |y|^2 match central differences."""

    def prop(Y):
        mine, theirs = t.landscape("SquarePhysics"), ref.landscape("SquarePhysics")
        loss_y, grad_y = theirs.method("loss_y"), theirs.method("grad_y")
        g = mine.call("grad_y", Y, shape=Y.shape)
        _fail(against_differences("gradient in y", g, loss_y, Y), "differentiate L(y) = |y|^2 component by component; mind the factor from the square")
        H = mine.call("hessian_y", Y, shape=(len(Y), 2, 2))
        _fail(against_differences("Hessian in y", H, grad_y, Y, second=True), "the Hessian of L(y) = |y|^2 is constant: return one copy per row of Y, shape (n, 2, 2)")

    run_property(prop, Y=points(2, lo=-5, hi=5))

