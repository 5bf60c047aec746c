"""Checks for lesson 3's Armijo backtracking: ``second_order.backtracking``."""

from __future__ import annotations

import numpy as np

from ..registry import CheckFailed, check, expect
from ..target import LandscapeSpec, StudentError

ROSENBROCK = LandscapeSpec("Rosenbrock", (("d", 2),), "reference")
HINT = (
    "each row tries t0, t0*shrink, t0*shrink^2, ... and keeps the FIRST trial that satisfies the sufficient decrease "
    "L(x + t p) <= L(x) + c1 t slope; test before you shrink, compare with the given f0 and slope, and give t = 0 to a "
    "row whose slope is not negative or that runs out of trials"
)


ROWS = 30


def _problem(ref):
    """``(X, P, f0, slope)`` for 30 rows on Rosenbrock: steepest descent (many halvings), random
    descent directions, tiny steps (accepted at once), and ascent or flat directions (t = 0)."""
    rng = np.random.default_rng(11)
    X = rng.uniform(-2.0, 2.0, size=(ROWS, 2))
    h = ref.landscape("Rosenbrock", source="reference", d=2)
    f0, g = h(X), h.grad(X)
    P = -g.copy()
    R = rng.normal(size=(10, 2))
    R *= -np.sign(np.einsum("nd,nd->n", R, g[10:20]))[:, None]
    P[10:20] = R * np.linalg.norm(g[10:20], axis=1, keepdims=True)
    P[20:25] = -1e-4 * g[20:25]
    P[25:28] = g[25:28]  # uphill
    P[28:30] = np.stack([-g[28:30, 1], g[28:30, 0]], axis=1)  # orthogonal: slope 0
    return X, P, f0, np.einsum("nd,nd->n", g, P)


def _compare(t, ref, kwargs: dict, what: str, t0=1.0, mixed: bool = False):
    """The student's steps against the reference's on ``_problem``; ``mixed``: the setting must
    leave some rows at t = 0 and move others (the check's own premise)."""
    X, P, f0, slope = _problem(ref)
    args = (X, P, f0, slope, np.broadcast_to(np.asarray(t0, dtype=np.float64), f0.shape).copy())
    want = ref.function("backtracking", ROSENBROCK, *args, shape=(len(X),), **kwargs)
    expect(not mixed or (np.any(want == 0) and np.any(want > 0)), "the check's own setting lost its mix of rows (a grader bug)")
    got = t.function("backtracking", ROSENBROCK, *args, shape=(len(X),), **kwargs)
    bad = np.flatnonzero(~np.isclose(got, want, rtol=1e-9, atol=0.0))
    if bad.size == 0:
        return
    i = int(bad[0])
    shrink = kwargs.get("shrink", 0.5)
    kinds = []
    for param in kwargs:  # a constant ignored: your steps are the reference's with that constant at its default
        if ref.function("backtracking", ROSENBROCK, *args, shape=(len(X),), **{k: v for k, v in kwargs.items() if k != param}).tolist() == got.tolist():
            kinds.append(f"your t are exactly those of the default {param}, not {param}={kwargs[param]}: is {param} used (not a hard-coded number)?")
    zero = bad[(want[bad] == 0) & (got[bad] != 0)]
    if np.any(slope[zero] >= 0):
        kinds.append("rows with slope >= 0 (not a descent direction) must get t = 0")
    if np.any(slope[zero] < 0):
        kinds.append("descent rows that run out of trials (max_halvings) must get t = 0, not their last trial")
    nonzero = bad[(want[bad] > 0) & (got[bad] > 0)]
    with np.errstate(divide="ignore", invalid="ignore"):
        tries = np.log(got / args[4]) / np.log(shrink)  # how many shrinks each row's t took
        wanted = np.log(want / args[4]) / np.log(shrink)
    if nonzero.size > 1 and np.allclose(tries[nonzero], tries[nonzero][0]) and not np.allclose(wanted[nonzero], wanted[nonzero][0]):
        kinds.append(f"the rows that differ all stopped after {tries[nonzero][0]:.0f} shrink(s), though their first successes come after {int(wanted[nonzero].min())} to {int(wanted[nonzero].max())}: each row's search must stop at its own first success, not when another row's does")
    elif nonzero.size and np.allclose(got[nonzero], want[nonzero] * shrink):
        kinds.append("every accepted t is one shrink too small: test a trial before shrinking it")
    elif nonzero.size and np.all(got[nonzero] > want[nonzero]):
        kinds.append("you accept trials that do not satisfy the sufficient decrease: check the inequality and the sign of slope")
    elif nonzero.size and np.all(got[nonzero] < want[nonzero]):
        kinds.append("you reject trials that satisfy the sufficient decrease (a too strict test, or halving rows that were already done)")
    if np.any(want[bad] > 0) and np.any(got[bad][want[bad] > 0] == 0):
        kinds.append("rows that should succeed got t = 0")
    raise CheckFailed(
        f"{what}: {bad.size} of {len(X)} rows differ; row {i} (x = {np.round(X[i], 4).tolist()}, slope {slope[i]:.4g}): "
        f"expected t = {want[i]:.6g}, got {got[i]:.6g}. " + ("; ".join(kinds) + ". " if kinds else "") + f"Hint: {HINT}"
    )


@check("backtracking.armijo.first_success", points=3)
def first_success(t, ref):
    """On 30 rows of Rosenbrock (steepest descent, random descent directions, tiny steps), every row's t is the first of t0 * 0.5^k with sufficient decrease."""
    _compare(t, ref, {}, "backtracking(Rosenbrock, t0=1, c1=1e-4, shrink=0.5)")


@check("backtracking.armijo.constants", points=2)
def constants(t, ref):
    """The constants are used as given: c1 = 0.3, shrink = 0.7, and t0 a different number per row."""
    t0 = np.linspace(0.2, 3.0, ROWS)
    _compare(t, ref, {"c1": 0.3, "shrink": 0.7}, "backtracking(Rosenbrock, t0 per row, c1=0.3, shrink=0.7)", t0=t0)


@check("backtracking.armijo.gives_up", points=1)
def gives_up(t, ref):
    """With max_halvings=3, rows that need more halvings get t = 0 (stay put), the others their step."""
    _compare(t, ref, {"max_halvings": 3}, "backtracking(Rosenbrock, max_halvings=3)", t0=4.0, mixed=True)


def require_backtracking(t, ref, who: str) -> None:
    """Stop ``who``'s check, naming the dependency, when the student's ``backtracking`` does not
    pass its first check (Newton's line search calls it): a stub or a crash keeps its kind."""
    if "backtracking works" not in t.memo:
        try:
            _compare(t, ref, {}, "backtracking")
            t.memo["backtracking works"] = None
        except StudentError as exc:
            t.memo["backtracking works"] = (exc.kind, exc.message)
        except CheckFailed as exc:
            t.memo["backtracking works"] = ("wrong", str(exc).split(" Hint:")[0][:300])
    verdict = t.memo["backtracking works"]
    if verdict is None:
        return
    kind, why = verdict
    message = f"{who} runs your backtracking, which does not work yet ({why}). Fix backtracking first (its own checks say how); this check then grades {who.split('(')[0]} alone"
    if kind == "wrong":
        raise CheckFailed(message)
    raise StudentError(kind, message, "backtracking")


@check("backtracking.armijo.boundary", points=1)
def boundary(t, ref):
    """A trial that meets the sufficient decrease with equality is accepted (the test is <=), and an integer t0 works (t0=1 with a halving)."""
    bowl = LandscapeSpec("Quadratic", (("A", 2.0 * np.eye(2)), ("b", np.zeros(2))), "reference")  # L = |x|^2, exactly
    X = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
    P = np.array([[-1.0, 0.0], [-2.0, 0.0], [0.0, -0.5]])
    f0 = np.array([1.0, 1.0, 4.0])
    slope = np.array([-2.0, -4.0, -2.0])
    # c1 = 0.5: row 0 lands on 0 = 1 + 0.5 * 1 * (-2) at t = 1; row 1 overshoots at t = 1 and meets it
    # with equality at t = 0.5; row 2 decreases strictly at t = 1
    want = np.array([1.0, 0.5, 1.0])
    expect(np.array_equal(ref.function("backtracking", bowl, X, P, f0, slope, shape=(3,), t0=1, c1=0.5), want), "the check's own rows lost their equalities (a grader bug)")
    got = t.function("backtracking", bowl, X, P, f0, slope, shape=(3,), t0=1, c1=0.5)
    if not np.array_equal(got, want):
        i = int(np.flatnonzero(got != want)[0])
        why = "a trial with L(x + t p) exactly equal to L(x) + c1 t slope satisfies the sufficient decrease: the test is <=, not <" if got[i] < want[i] else "accept only trials with L(x + t p) <= L(x) + c1 t slope"
        raise CheckFailed(
            f"backtracking on L = |x|^2 with t0=1 (an integer) and c1=0.5, row {i} (x = {X[i].tolist()}, p = {P[i].tolist()}, slope {slope[i]:g}): "
            f"expected t = {want[i]:g}, got {got[i]:g}: {why}\n  Hint: {HINT}"
        )
