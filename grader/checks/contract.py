"""The contract battery: the promises of ``BaseOptimizer`` checked for any optimizer.

``register_contract("Adam", {"lr": 0.1}, hint=...)`` adds one check per promise, named
``Adam.contract.<promise>``; every optimizer lesson calls it for its classes.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from ..properties import floats, points, run_property
from ..registry import CheckFailed, check, expect
from ..target import LandscapeSpec, StudentError

# A well-conditioned quadratic in 3-D: every optimizer of the course converges on it.
BOWL = LandscapeSpec("Quadratic", (("A", np.array([[3.0, 0.5, 0.0], [0.5, 2.0, 0.3], [0.0, 0.3, 1.0]])), ("b", np.array([1.0, -1.0, 0.5]))), "reference")
WELLS = LandscapeSpec("GaussianWells", (("n_wells", 8), ("random_state", 0)), "reference")


def max_gap(got, want) -> tuple[float, tuple]:
    """Largest elementwise relative gap ``|got - want| / (1 + |want|)`` and where it is."""
    gap = np.abs(got - want) / (1.0 + np.abs(want))
    where = np.unravel_index(int(np.argmax(gap)), gap.shape) if gap.size else ()
    return (float(gap[where]) if gap.size else 0.0), tuple(int(i) for i in where)


def confirmed_converged(ref, spec: LandscapeSpec, fit, tol: float):
    """Rows (bool array, or one bool for a single start) whose ``converged_`` is True *and* whose
    gradient at ``X_``, computed by the reference here, has norm below ``tol`` (with 1e-9 of
    slack for a differently ordered norm). The flag alone is the student's process's word."""
    X = np.atleast_2d(fit.X)
    norms = np.full(len(X), np.inf)
    finite = np.all(np.isfinite(X), axis=1)
    if finite.any():
        try:
            norms[finite] = np.linalg.norm(np.atleast_2d(ref.call(spec, "grad", X[finite])), axis=1)
        except StudentError:  # the reference's gradient overflowed far from any minimum
            pass
    ok = np.atleast_1d(fit.converged).astype(bool) & (norms < tol * (1 + 1e-9))
    return ok if np.ndim(fit.X) > 1 else bool(ok[0])


def same_path(name: str, got, want, what: str, hint: str, tol: float = 1e-9, spec: LandscapeSpec | None = None) -> None:
    """Fail unless two histories ``(k+1, n, d)`` agree; name the first step and row that differ.
    With ``spec`` (the landscape) the failure carries both paths for a feedback figure."""
    expect(got.shape == want.shape, f"{name}: {what}: history shape {got.shape}, expected {want.shape}\n  Hint: {hint}")
    gap = np.abs(got - want) / (1.0 + np.abs(want))
    if gap.size and gap.max() > tol:
        bad = np.argwhere(gap > tol)[0]
        step, row = int(bad[0]), (int(bad[1]) if got.ndim == 3 else None)
        pick = (step, row) if row is not None else (step,)
        raise CheckFailed(
            plot=None if spec is None else {"got": got, "want": want, "spec": spec},
            message=f"{name}: {what}: the iterates first differ after {step} step(s)"
            + (f" for start {row}" if row is not None else "")
            + f": expected {np.array2string(want[pick], precision=8)}, got {np.array2string(got[pick], precision=8)}\n  Hint: {hint}"
        )


def register_contract(name: str, kwargs: dict, hint: str, deterministic: bool = True, stop_tol: float = 1e-3, bowl: LandscapeSpec = BOWL, rugged: LandscapeSpec = WELLS, d: int = 3) -> None:
    """Register the contract checks for optimizer ``name`` built with hyperparameters ``kwargs``.

    A random method (``deterministic=False``) has no batch-independence check: its draws
    depend on the batch's layout; its lesson checks reproducibility by seed instead.
    ``stop_tol`` is the gradient norm the stopping check asks for (a method with a fixed step
    that hovers around the minimum, like RMSprop, needs a looser one). ``bowl`` is the convex
    3-D problem the checks run on (a least-squares one for Gauss-Newton), ``rugged`` the 2-D
    non-convex one for batch independence; ``d`` is the bowl's dimension (2 or 3).
    """
    starts = np.array([[0.5, -1.0, 2.0], [1.0, 1.0, 1.0]])[:, :d]

    @check(f"{name}.contract.shapes", points=1)
    def shapes(t, ref):
        """One start (d,) and a batch (n, d) give results shaped like the input."""
        for X0 in (starts[0], starts):
            fit = t.fit(name, bowl, X0, max_iter=5, tol=0.0, store_history=True, **kwargs)
            rows = X0.shape[:-1]
            for what, got, want in (("X_", fit.X, X0.shape), ("n_iter_", fit.n_iter, rows), ("Xs_", fit.Xs, (6,) + X0.shape), ("losses_", fit.losses, (6,) + rows)):
                expect(got.shape == want, f"{name}: for X0 of shape {X0.shape}, {what} has shape {got.shape}; expected {want}")

    @check(f"{name}.contract.input_untouched", points=1)
    def untouched(t, ref):
        """fit never modifies the array it is given."""
        X0 = starts
        fit = t.fit(name, bowl, X0, max_iter=5, tol=0.0, **kwargs)
        expect(np.array_equal(fit.X0_after, X0), f"{name}.fit changed its input X0 from {X0.tolist()} to {fit.X0_after.tolist()}\n  Hint: work on a copy; an in-place update such as X -= ... on the caller's array changes it")

    @check(f"{name}.contract.history", points=1)
    def history(t, ref):
        """History starts at X0 with its loss, and holds one iterate and loss per update."""
        X0 = starts
        fit = t.fit(name, bowl, X0, max_iter=7, tol=0.0, store_history=True, **kwargs)
        loss = ref.landscape(bowl.name, **dict(bowl.kwargs))
        expect(np.array_equal(fit.Xs[0], X0), f"{name}: Xs_[0] should be X0 = {X0.tolist()}, got {fit.Xs[0].tolist()}")
        expect(len(fit.Xs) == 8, f"{name}: 7 updates should give 8 entries in Xs_ (X0 and one per update), got {len(fit.Xs)}")
        want = loss(fit.Xs.reshape(-1, d)).reshape(fit.losses.shape)
        gap, where = max_gap(fit.losses, want)
        expect(gap < 1e-12, f"{name}: losses_[{where[0]}] should be the loss at Xs_[{where[0]}]: expected {want[where]:.10g}, got {fit.losses[where]:.10g}")
        expect(np.array_equal(fit.Xs[-1], fit.X), f"{name}: the last entry of Xs_ should equal X_")

    @check(f"{name}.contract.stopping", points=1)
    def stopping(t, ref):
        """A row stops once its gradient norm is below tol; tol=0 runs all max_iter updates."""
        loss = ref.landscape(bowl.name, **dict(bowl.kwargs))
        X0 = starts
        fit = t.fit(name, bowl, X0, max_iter=5000, tol=stop_tol, **kwargs)
        norms = np.linalg.norm(loss.grad(fit.X), axis=1)
        expect(bool(np.all(fit.converged)), f"{name}: on a convex quadratic with tol={stop_tol:g} every start should converge within 5000 updates; converged_ = {fit.converged.tolist()}, gradient norms {norms.tolist()}\n  Hint: {hint}")
        expect(bool(np.all(norms < stop_tol)), f"{name}: converged_ says True but the gradient norms at X_ are {norms.tolist()} (tol {stop_tol:g})")
        expect(bool(np.all(fit.n_iter < 5000)), f"{name}: converged rows should stop before max_iter; n_iter_ = {fit.n_iter.tolist()}")
        full = t.fit(name, bowl, X0, max_iter=13, tol=0.0, **kwargs)
        expect(bool(np.all(full.n_iter == 13)), f"{name}: with tol=0 every row should run max_iter=13 updates; n_iter_ = {full.n_iter.tolist()}")

    if deterministic:
        _register_batch_independence(name, kwargs, rugged)

    @check(f"{name}.contract.refit", points=1)
    def refit(t, ref):
        """Fitting twice from the same start gives the same result as fitting once."""
        X0 = starts
        first, second = t.fit(name, bowl, X0, X0, max_iter=10, tol=0.0, store_history=True, **kwargs)
        same_path(name, second.Xs, first.Xs, "a second fit on the same object", "reset all state (velocities, step counts, accumulators, the random generator) in init_state or fit; state created lazily in update survives into the next fit")

    @check(f"{name}.contract.bad_input", points=1)
    def bad_input(t, ref):
        """Bad input raises a clear ValueError or TypeError at fit."""
        good = starts[0]
        t.fit(name, bowl, good, max_iter=2, **kwargs)  # the optimizer must work before its refusals count
        cases = [
            ("X0 containing NaN", bowl, np.where(np.arange(d) == 1, np.nan, good), {}),
            (f"X0 of shape (2, 2, {d})", bowl, np.ones((2, 2, d)), {}),
            (f"X0 with {d + 1} columns for a {d}-D loss", bowl, np.ones((4, d + 1)), {}),
            ("a negative learning rate", bowl, good, {"lr": -0.1}),
            ("a loss without grad", LandscapeSpec(bowl.name, bowl.kwargs, bowl.source, hide=("grad", "hessian", "residuals", "residual_jacobian")), good, {}),
        ]
        for what, spec, X0, extra in cases:
            raised, _ = t.fit_error(name, spec, X0, **{**kwargs, "max_iter": 3, **extra})
            expect(raised is not None, f"{name}: fit with {what} should raise a ValueError or TypeError naming the problem, but it ran\n  Hint: keep BaseOptimizer's checks (call super()._check_params() if you override it)")


def _register_batch_independence(name: str, kwargs: dict, rugged: LandscapeSpec) -> None:
    @check(f"{name}.contract.batch_independence", points=2)
    def batch(t, ref):
        """Each row of a batch is optimized as if alone: a batch equals its rows run one by one."""

        def prop(X0):
            together = t.fit(name, rugged, X0, max_iter=25, tol=1e-4, **kwargs)
            for i, row in enumerate(X0):
                alone = t.fit(name, rugged, row, max_iter=25, tol=1e-4, **kwargs)
                gap, _ = max_gap(together.X[i], alone.X)
                if gap > 1e-9 or together.n_iter[i] != alone.n_iter:
                    raise CheckFailed(
                        f"{name}: start {i} of a batch of {len(X0)} ended at {together.X[i].tolist()} after "
                        f"{int(together.n_iter[i])} updates, but run alone it ended at {alone.X.tolist()} after {int(alone.n_iter)}\n"
                        "  Hint: rows must not mix: no sums or norms over the whole batch (use axis=1), and state kept per row"
                    )

        run_property(prop, max_examples=10, X0=points(2, n=st.integers(2, 4)))


def same_hyperparameters_property(name: str, other: str, name_kwargs: dict, other_kwargs: dict, why: str, hint: str):
    """A check body: ``name(**name_kwargs)`` and ``other(**other_kwargs)`` follow the same path."""

    def body(t, ref):
        def prop(X0, lr):
            a = t.fit(name, WELLS, X0, max_iter=20, tol=0.0, store_history=True, lr=lr, **name_kwargs)
            b = ref.fit(other, WELLS, X0, max_iter=20, tol=0.0, store_history=True, lr=lr, **other_kwargs)
            same_path(name, a.Xs, b.Xs, why, hint)

        run_property(prop, max_examples=15, X0=points(2), lr=floats(0.01, 1.0))

    body.__doc__ = f"{why}: the same iterates for any start and learning rate."
    return body


def notebook_path(t, name: str, spec: LandscapeSpec, want, first_step: str, distance: str, hint: str, rtol: float = 1e-6, **kwargs):
    """Ten steps from [3, 3] on the PBDL toy problem must end at ``want`` (the notebook's float32
    print); returns the fit for further checks."""
    fit = t.fit(name, spec, np.array([3.0, 3.0]), max_iter=10, tol=0.0, store_history=True, **kwargs)
    want = np.asarray(want)
    expect(
        np.allclose(fit.X, want, rtol=rtol, atol=0),
        f"after 10 steps from [3, 3] expected about {want.tolist()} (distance {distance} from the origin), got {fit.X.tolist()}\n"
        f"  The first step should go to {first_step}; yours went to {fit.Xs[1].tolist()}.\n  Hint: {hint}",
    )
    return fit
