"""The contract battery: the promises of ``BaseOptimizer`` checked for any optimizer.

``register_contract("Adam", {"lr": 0.1}, hint=...)`` adds one check per promise, named
``Adam.contract.<promise>``; every optimizer lesson calls it for its classes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from .. import ledger
from ..diagnose import hyperparameters, path_difference
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


def same_path(name: str, got, want, what: str, hint: str, tol: float = 1e-9, spec: LandscapeSpec | None = None, lr: float | None = None, params: dict | None = None) -> None:
    """Fail unless two histories ``(k+1, n, d)`` agree; name the first step and row that differ,
    and say how they differ (``diagnose.path_difference``). ``params`` (the hyperparameters of
    ``got``'s run; ``lr`` alone is a shorthand) and optimizer ``name``'s defaults let it name a
    ratio of step lengths after a hyperparameter, or after all those that share its value.
    With ``spec`` (the landscape) the failure carries both paths for a feedback figure."""
    expect(got.shape == want.shape, f"{name}: {what}: history shape {got.shape}, expected {want.shape}\n  Hint: {hint}")
    with np.errstate(invalid="ignore", over="ignore"):
        gap = np.abs(got - want) / (1.0 + np.abs(want))
    gap = np.where(np.isnan(gap), np.inf, gap)
    ledger.note(float(gap.max()) if gap.size else 0.0, tol, what)
    if gap.size and gap.max() > tol:
        bad = np.argwhere(gap > tol)[0]
        step, row = int(bad[0]), (int(bad[1]) if got.ndim == 3 else None)
        pick = (step, row) if row is not None else (step,)
        given = {**({} if lr is None else {"lr": lr}), **(params or {})}
        how = path_difference(got, want, tol, hyperparameters(name, given))
        raise CheckFailed(
            plot=None if spec is None else {"got": got, "want": want, "spec": spec},
            message=f"{name}: {what}: the iterates first differ after {step} step(s)"
            + (f" for start {row}" if row is not None else "")
            + f": expected {np.array2string(want[pick], precision=8)}, got {np.array2string(got[pick], precision=8)}"
            + (f"\n  What differs: {how}" if how else "")
            + f"\n  Hint: {hint}"
        )


#: the working-step test runs this many steps on its probe
GATE_STEPS = 5
#: a row whose gradient norm fell below this share of its first has converged and may stand still
STILL = 1e-8
#: a step whose coordinates all move by the same length, to this relative spread, is a sign step
SIGN_SPREAD = 1e-6
#: a step whose |cosine| with the gradient is above this lies on the gradient's line
ON_GRADIENT = 0.999


@dataclass(frozen=True)
class Probe:
    """Where and how the working-step test of one optimizer runs: a convex ``bowl``, ``starts:
    (n, d)`` around its minimum, hyperparameters ``kwargs``; ``off_gradient``: the method's step
    uses curvature, so it leaves the gradient's line (Newton); ``learns``: the static method
    that learns the curvature from a pair ``(s, y)`` (``"inverse_update"``, ``"two_loop"``)."""

    bowl: LandscapeSpec
    starts: np.ndarray
    kwargs: dict
    off_gradient: bool = False
    learns: str = ""


#: optimizer name -> its Probe (``register_contract`` sets it)
PROBES: dict[str, Probe] = {}


def _learns_from_pairs(t, name: str, method: str, d: int) -> str | None:
    """None if ``name.method`` answers finitely and differently for two different curvature pairs
    (two rows each, positive curvature ``y = M s``); else what is wrong."""
    M = np.array([[3.0, 0.5, 0.0], [0.5, 2.0, 0.3], [0.0, 0.3, 1.0]])[:d, :d]
    answers = []
    for s in (np.array([[1.0, -0.5, 0.3], [0.2, 0.8, -0.6]])[:, :d], np.array([[-0.4, 1.1, 0.7], [0.9, 0.1, 0.5]])[:, :d]):
        y = s @ M
        if method == "two_loop":  # H g from one stored pair, gamma = 1
            g = np.array([[0.6, -1.0, 0.4], [1.2, 0.3, -0.7]])[:, :d]
            args = (g, s[None], y[None], (1.0 / np.einsum("nd,nd->n", s, y))[None], np.ones(2))
        else:
            args = (np.broadcast_to(np.eye(d), (2, d, d)).copy(), s, y)
        try:
            answers.append(t.static(name, method, *args))
        except StudentError as exc:
            if exc.kind != "bad_output":
                raise
            return f"answers NaN, inf or a misshapen array in {name}.{method}"
    if np.allclose(answers[0], answers[1], rtol=1e-6, atol=1e-9):
        return f"does not learn from the curvature pairs: {name}.{method} gives the same answer for two different pairs (s, y)"
    return None


def _behaviour(t, ref, name: str) -> str | None:
    """What is wrong with ``name``'s update, judged by what it does on its probe; None if nothing.

    Every optimizer of the course, on a convex bowl with the probe's hyperparameters, from every
    start (they surround the bowl's minimum) and for the first ``GATE_STEPS`` steps:

    1. stays finite;
    2. moves at every step, unless the row has converged (gradient norm below ``STILL`` times its
       first; for a quasi-Newton method only the first step, since a line search may refuse a
       later one that would climb), and does not send every start to the origin at once (the
       inversion methods' bowls have their minimum there): this fails ``return X``, NaN, zeros,
       a claimed convergence;
    3. follows the gradient's sense: its first step goes downhill from every start (or, a sign
       slip, uphill from every start), never downhill from some and uphill from others, as a
       random or a fixed step does;
    4. uses the gradient's size, not only its sign: some step of some start moves its coordinates
       by different lengths (a sign step or a fixed one moves them all by the same length; the
       first step of AdaGrad, RMSprop and Adam is such a step by design, their later ones are not);
    5. Newton (``Probe.off_gradient``) uses the curvature: from some start its first step leaves
       the gradient's line (a step along the gradient, or the gradient itself, is not Newton's);
    6. quasi-Newton methods (``Probe.learns``) learn from the curvature pairs: their
       ``inverse_update`` (``two_loop``) answers differently for different pairs ``(s, y)``
       (a matrix kept as it is, shifted by a constant or drawn at random does not).

    None of these compares with the reference's numbers: a slip that changes the numbers (a
    wrong bias correction, a constant factor, a missing term, a sign, a transpose) passes and
    costs only the checks that look at the numbers. Langevin runs without noise (gradient
    descent), SGD with the whole sum as its batch (its probe's ``kwargs`` say so).
    """
    probe = PROBES[name]
    steps = GATE_STEPS
    try:
        fit = t.fit(name, probe.bowl, probe.starts, **{**probe.kwargs, "max_iter": steps, "tol": 0.0, "store_history": True})
    except StudentError as exc:
        if exc.kind != "bad_output" or "NaN" not in exc.message:
            raise
        return "returns NaN or inf"
    if np.any(fit.diverged):
        return f"returns NaN or inf: fit stopped start(s) {np.flatnonzero(np.atleast_1d(fit.diverged)).tolist()} as diverged within {steps} steps"
    Xs = fit.Xs
    if Xs is None or Xs.shape != (steps + 1,) + probe.starts.shape:  # judge the steps, not the history's plumbing
        Xs = np.stack([probe.starts] + [t.fit(name, probe.bowl, probe.starts, **{**probe.kwargs, "max_iter": k, "tol": 0.0}).X for k in range(1, steps + 1)])
    if not np.all(np.isfinite(Xs)):
        return "returns NaN or inf"
    loss = ref.landscape(probe.bowl.name, **dict(probe.bowl.kwargs))
    n, d = probe.starts.shape
    grads = loss.grad(Xs.reshape(-1, d)).reshape(Xs.shape)
    norms = np.linalg.norm(grads, axis=2)
    moves = np.any(Xs[1:] != Xs[:-1], axis=2)  # (steps, n)
    running = norms[:-1] > STILL * norms[0]
    if probe.learns:  # a line search may refuse a later step that would climb; what the method learns is rule 6's
        running[1:] = False
    if not moves.any():
        return "does not move the iterates"
    if np.any(running & ~moves):
        k, i = (int(v) for v in np.argwhere(running & ~moves)[0])
        return f"stops moving: start {i} stays at {np.array2string(Xs[k, i], precision=4)} at step {k + 1} although its gradient there has norm {norms[k, i]:.3g}"
    if np.all(Xs[1] == 0.0):
        return "sends every start to the origin in its first step, wherever it starts (does it return zeros?)"
    first = Xs[1] - Xs[0]
    slope = np.einsum("nd,nd->n", first, grads[0])  # < 0: downhill
    if not (np.all(slope < 0) or np.all(slope > 0)):
        down, up = np.flatnonzero(slope < 0).tolist(), np.flatnonzero(slope >= 0).tolist()
        return f"does not follow the gradient: its first step goes downhill from starts {down} but not from starts {up} of a convex bowl"
    step = np.abs(Xs[1:] - Xs[:-1])  # (steps, n, d)
    full = np.all(step > 0, axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.max(step, axis=2) / np.min(step, axis=2) - 1.0
    if d > 1 and full.any() and np.all(spread[full] <= SIGN_SPREAD):
        return f"moves every coordinate by the same length at every step ({np.max(step[full]):.3g}): that is the sign of the gradient or a fixed step, while {name}'s step depends on the gradient's size"
    if probe.off_gradient:
        cosine = slope / (np.linalg.norm(first, axis=1) * norms[0])
        if np.all(np.abs(cosine) > ON_GRADIENT):
            return f"steps along the gradient's line from every start (cosines {np.array2string(-cosine, precision=4)}), while {name}'s step bends it by the curvature"
    if probe.learns:
        return _learns_from_pairs(t, name, probe.learns, d)
    return None


def require_working(t, ref, name: str, spec: LandscapeSpec, X0, kwargs: dict, needs: str = "this check", hint: str = "") -> None:
    """Fail unless ``name``'s update is a real attempt at the method, judged by what it does
    (``_behaviour``: it moves, stays finite, follows the gradient's sense on a convex bowl, uses
    the gradient's size; Newton bends the step by the curvature, quasi-Newton methods learn it),
    never by agreement with the reference's numbers; and unless, where this check runs (``spec``
    from ``X0`` with ``kwargs``), its first ``GATE_STEPS`` steps stay finite and move. Contract and property checks
    call it first, so that a method that never moves (``return X``), returns NaN, takes the sign
    of the gradient, a random or a fixed step, or claims convergence it did not reach earns
    nothing from promises that such a method keeps trivially; a slip in a real update earns
    every promise it keeps. The verdicts are remembered for the rest of the run; every failure
    carries ``cause="gate:<name>"``."""
    memo = t.memo
    key = ("working", name)
    if key not in memo:
        memo[key] = _behaviour(t, ref, name) if name in PROBES else None
    what = memo[key]
    if what is None:
        X0 = np.asarray(X0, dtype=np.float64)
        site = ("working", name, repr(spec.as_dict()), X0.tobytes(), X0.shape, repr(sorted(kwargs.items())))
        if site not in memo:  # a crash here is raised again by every check that asks
            try:
                mine = t.fit(name, spec, X0, **{**kwargs, "max_iter": GATE_STEPS, "tol": 0.0, "store_history": True})
            except StudentError as exc:
                if exc.kind != "bad_output" or "NaN" not in exc.message:
                    raise
                mine = None
            land = ", ".join(f"{k}={v}" for k, v in spec.kwargs if np.ndim(v) == 0)
            still = mine is None or mine.Xs is None or not np.all(np.isfinite(mine.Xs)) or np.array_equal(mine.Xs[1], mine.Xs[0])
            memo[site] = f"does not move the iterates or returns NaN on {spec.name}({land})" if still else None
        what = memo[site]
    if what is not None:
        message = f"{name}: your update {what}; {needs} waits on a working step (the trajectory checks show how your steps differ from the reference's)"
        if hint:
            message += f"\n  Hint: {hint}"
        raise CheckFailed(message, cause=f"gate:{name}")


#: the working-step test's starts, in pairs on either side of the origin (near each bowl's minimum):
#: a step that ignores where it is climbs from one side or the other
PROBE_STARTS = np.array([[0.7, -1.2, 2.1], [-0.7, 1.2, -2.1], [1.0, 1.0, 1.0], [-1.0, -1.0, -1.0], [2.0, 0.5, -1.0], [-2.0, -0.5, 1.0]])


def register_contract(name: str, kwargs: dict, hint: str, deterministic: bool = True, stop_tol: float = 1e-3, bowl: LandscapeSpec = BOWL, rugged: LandscapeSpec = WELLS, d: int = 3, probe: dict | None = None, off_gradient: bool = False, learns: str = "") -> None:
    """Register the contract checks for optimizer ``name`` built with hyperparameters ``kwargs``.

    A random method (``deterministic=False``) has no batch-independence check: its draws
    depend on the batch's layout; its lesson checks reproducibility by seed instead.
    ``stop_tol`` is the gradient norm the stopping check asks for (a method with a fixed step
    that hovers around the minimum, like RMSprop, needs a looser one). ``bowl`` is the convex
    3-D problem the checks run on (a least-squares one for Gauss-Newton), ``rugged`` the 2-D
    non-convex one for batch independence; ``d`` is the bowl's dimension (2 or 3).
    The working-step test (``require_working``) runs on ``bowl`` from ``PROBE_STARTS`` with
    ``kwargs`` updated by ``probe`` (e.g. Langevin without noise); ``off_gradient`` and
    ``learns`` ask it for what only that family does (``Probe``).
    """
    PROBES[name] = Probe(bowl, PROBE_STARTS[:, :d], {**kwargs, **(probe or {})}, off_gradient, learns)
    # No gradient coordinate is zero at these starts: there an adaptive step g / sqrt(g^2) is 0/0-like
    # and rounding alone would decide it.
    starts = np.array([[0.7, -1.2, 2.1], [1.0, 1.0, 1.0]])[:, :d]

    def works(t, ref):  # every promise counts only for an optimizer whose steps are right
        require_working(t, ref, name, bowl, starts, kwargs, needs="the contract battery", hint=hint)

    @check(f"{name}.contract.shapes", points=1)
    def shapes(t, ref):
        """One start (d,) and a batch (n, d) give results shaped like the input."""
        works(t, ref)
        for X0 in (starts[0], starts):
            fit = t.fit(name, bowl, X0, max_iter=5, tol=0.0, store_history=True, **kwargs)
            rows = X0.shape[:-1]
            for what, got, want in (("X_", fit.X, X0.shape), ("n_iter_", fit.n_iter, rows), ("Xs_", fit.Xs, (6,) + X0.shape), ("losses_", fit.losses, (6,) + rows)):
                expect(got.shape == want, f"{name}: for X0 of shape {X0.shape}, {what} has shape {got.shape}; expected {want}")

    @check(f"{name}.contract.input_untouched", points=1)
    def untouched(t, ref):
        """fit never modifies the array it is given."""
        works(t, ref)
        X0 = starts
        fit = t.fit(name, bowl, X0, max_iter=5, tol=0.0, **kwargs)
        expect(np.array_equal(fit.X0_after, X0), f"{name}.fit changed its input X0 from {X0.tolist()} to {fit.X0_after.tolist()}\n  Hint: work on a copy; an in-place update such as X -= ... on the caller's array changes it")

    @check(f"{name}.contract.history", points=1)
    def history(t, ref):
        """History starts at X0 with its loss, and holds one iterate and loss per update."""
        works(t, ref)
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
        works(t, ref)
        loss = ref.landscape(bowl.name, **dict(bowl.kwargs))
        X0 = starts
        fit = t.fit(name, bowl, X0, max_iter=5000, tol=stop_tol, **kwargs)
        try:
            norms = np.linalg.norm(loss.grad(fit.X), axis=1)
        except StudentError:  # the reference's gradient overflows where a run went far off (a step that climbs)
            norms = np.full(len(fit.X), np.inf)
        expect(bool(np.all(fit.converged)), f"{name}: on a convex quadratic with tol={stop_tol:g} every start should converge within 5000 updates; converged_ = {fit.converged.tolist()}, gradient norms {norms.tolist()}\n  Hint: {hint}")
        expect(bool(np.all(norms < stop_tol)), f"{name}: converged_ says True but the gradient norms at X_ are {norms.tolist()} (tol {stop_tol:g})")
        expect(bool(np.all(fit.n_iter < 5000)), f"{name}: converged rows should stop before max_iter; n_iter_ = {fit.n_iter.tolist()}")
        full = t.fit(name, bowl, X0, max_iter=13, tol=0.0, **kwargs)
        expect(bool(np.all(full.n_iter == 13)), f"{name}: with tol=0 every row should run max_iter=13 updates; n_iter_ = {full.n_iter.tolist()}")

    if deterministic:
        _register_batch_independence(name, kwargs, rugged, works)

    @check(f"{name}.contract.stopped_row", points=1)
    def stopped_row(t, ref):
        """A row that starts converged stays put (0 updates) while the rows beside it run on as they do without it."""
        works(t, ref)
        x_star = ref.fit("Newton", bowl, starts[0], lr=1.0, max_iter=50, tol=1e-12).X  # the bowl's minimum
        X0 = np.vstack([x_star, starts])
        fit = t.fit(name, bowl, X0, max_iter=60, tol=stop_tol, store_history=True, **kwargs)
        # A deterministic method's other rows are compared with your own run of them alone, not with
        # the reference's numbers: a slip in the step costs the trajectory checks, not this promise.
        # A random one draws its noise for the whole batch (its layout counts): the reference's run.
        beside = "a batch in which one row has stopped from the start, against the same rows run without it (your own run)" if deterministic else "a batch in which one row has stopped from the start"
        want = t.fit(name, bowl, starts, max_iter=60, tol=stop_tol, store_history=True, **kwargs) if deterministic else ref.fit(name, bowl, X0, max_iter=60, tol=stop_tol, store_history=True, **kwargs)
        compared = slice(1, None) if deterministic else slice(None)  # the rows of ``fit`` that ``want`` holds
        expect(
            int(fit.n_iter[0]) == 0 and bool(fit.converged[0]) and np.array_equal(fit.Xs[:, 0], np.broadcast_to(x_star, fit.Xs[:, 0].shape)),
            f"{name}: start 0 of {X0.tolist()} is the minimum (gradient norm below tol={stop_tol:g}), so it should stop at once: "
            f"n_iter_[0] = {int(fit.n_iter[0])}, converged_[0] = {bool(fit.converged[0])}, and it should stay at {x_star.tolist()}\n"
            "  Hint: keep BaseOptimizer's loop: it freezes a row as soon as its gradient norm is below tol",
        )
        expect(fit.Xs.shape[0] == want.Xs.shape[0], f"{name}: {beside}: {fit.Xs.shape[0] - 1} updates, and {want.Xs.shape[0] - 1} in the run compared\n  Hint: a stopped row must not change the others")
        same_path(name, fit.Xs[:, compared], want.Xs, beside, "a stopped row must not change the others: state (velocities, accumulators, matrices, step counts) kept per row, and only the running rows' state updated or used", tol=1e-7, params=None if deterministic else kwargs)
        others = fit.n_iter[compared]
        expect(np.array_equal(others, want.n_iter), f"{name}: with one row stopped from the start, n_iter_ = {others.tolist()}; in the run compared: {want.n_iter.tolist()}")

    @check(f"{name}.contract.refit", points=1)
    def refit(t, ref):
        """Fitting twice from the same start gives the same result as fitting once."""
        works(t, ref)
        X0 = starts
        first, second = t.fit(name, bowl, X0, X0, max_iter=10, tol=0.0, store_history=True, **kwargs)
        same_path(name, second.Xs, first.Xs, "a second fit on the same object", "reset all state (velocities, step counts, accumulators, the random generator) in init_state or fit; state created lazily in update survives into the next fit", params=kwargs)

    @check(f"{name}.contract.bad_input", points=1)
    def bad_input(t, ref):
        """Bad input raises a clear ValueError or TypeError at fit."""
        works(t, ref)
        good = starts[0]
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


def _register_batch_independence(name: str, kwargs: dict, rugged: LandscapeSpec, works) -> None:
    @check(f"{name}.contract.batch_independence", points=2)
    def batch(t, ref):
        """Each row of a batch is optimized as if alone: a batch equals its rows run one by one."""
        works(t, ref)

        def prop(X0):
            together = t.fit(name, rugged, X0, max_iter=6, tol=0.0, **kwargs)
            for i, row in enumerate(X0):
                alone = t.fit(name, rugged, row, max_iter=6, tol=0.0, **kwargs)
                gap, _ = max_gap(together.X[i], alone.X)
                ledger.note(gap, 1e-6, f"{name}: a row in a batch against the row alone")
                if not gap <= 1e-6 or together.n_iter[i] != alone.n_iter:
                    raise CheckFailed(
                        f"{name}: start {i} of a batch of {len(X0)} ended at {together.X[i].tolist()} after "
                        f"{int(together.n_iter[i])} updates, but run alone it ended at {alone.X.tolist()} after {int(alone.n_iter)}\n"
                        "  Hint: rows must not mix: no sums or norms over the whole batch (use axis=1), and state kept per row"
                    )

        run_property(prop, max_examples=10, X0=points(2, n=st.integers(2, 4), lo=-2.0, hi=2.0))


def same_hyperparameters_property(name: str, other: str, name_kwargs: dict, other_kwargs: dict, why: str, hint: str):
    """A check body: ``name(**name_kwargs)`` and ``other(**other_kwargs)`` follow the same path."""

    def body(t, ref):
        def prop(X0, lr):
            a = t.fit(name, WELLS, X0, max_iter=20, tol=0.0, store_history=True, lr=lr, **name_kwargs)
            b = ref.fit(other, WELLS, X0, max_iter=20, tol=0.0, store_history=True, lr=lr, **other_kwargs)
            same_path(name, a.Xs, b.Xs, why, hint, params={"lr": lr, **name_kwargs})

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


def register_hyperparameters(name: str, kwargs: dict, spec: LandscapeSpec, X0, variations: dict, hint: str, steps: int = 6, tol: float = 1e-7) -> None:
    """Register ``{name}.hyperparameters``: each hyperparameter in ``variations`` (name -> two
    values) changes the path as it changes the reference's, so a hard-coded or ignored one loses
    points with a message naming it. ``kwargs`` are the other hyperparameters."""
    X0 = np.asarray(X0, dtype=np.float64)

    @check(f"{name}.hyperparameters", points=2)
    def hyperparameters(t, ref):
        """Every hyperparameter is used: changing it changes the path exactly as it changes the reference's."""
        require_working(t, ref, name, spec, X0, kwargs, needs=f"{name}.hyperparameters", hint=hint)
        for param, values in variations.items():
            paths = {}
            for value in values:
                run = {**kwargs, param: value, "max_iter": steps, "tol": 0.0, "store_history": True}
                paths[value] = (t.fit(name, spec, X0, **run).Xs, ref.fit(name, spec, X0, **run).Xs)
            (mine_a, want_a), (mine_b, want_b) = paths[values[0]], paths[values[1]]
            moved_ref, _ = max_gap(want_b, want_a)
            moved_mine, _ = max_gap(mine_b, mine_a)
            if moved_ref > 1e-6 and moved_mine == 0.0:
                raise CheckFailed(f"{name}: changing {param} from {values[0]!r} to {values[1]!r} did not change your path as it changes the reference's: is {param} used (not a hard-coded number or a default)?\n  Hint: {hint}")
            failures = []
            for value in values:
                mine, want = paths[value]
                others = ", ".join(f"{k}={v!r}" for k, v in kwargs.items() if k != param)
                what = f"{name} with {param}={value!r} (and {others or 'the other hyperparameters at their defaults'}) on {spec.name}"
                try:
                    same_path(name, mine, want, what, hint, tol=tol, params={**kwargs, param: value})
                except CheckFailed as exc:
                    failures.append((value, what, exc))
            if len(failures) == len(values):  # wrong at every value: the step, not this hyperparameter
                raise failures[0][2]
            for value, what, _ in failures:  # right at one value, wrong at the other: how the step uses it
                mine, want = paths[value]
                same_path(name, mine, want, what, f"is {param} used as the docstring says? " + hint, tol=tol, params={**kwargs, param: value})
