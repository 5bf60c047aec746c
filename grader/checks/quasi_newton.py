"""Checks for lesson 4: Broyden, BFGS, LBFGS.

The matrix updates are checked on their own as static methods, through properties that
any correct implementation has (the secant equation, symmetry, positive definiteness, the
two-loop recursion agreeing with the dense matrix); the optimizers then against the
reference, against each other, and against budgets of gradient evaluations.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from .. import ledger
from ..properties import points, run_property
from ..registry import CheckFailed, check, expect
from ..target import LandscapeSpec
from .contract import WELLS, confirmed_converged, register_contract, register_hyperparameters, same_path

ROSENBROCK = LandscapeSpec("Rosenbrock", (("d", 2),), "reference")
ROSENBROCK_10 = LandscapeSpec("Rosenbrock", (("d", 10),), "reference")
ROSENBROCK_1000 = LandscapeSpec("Rosenbrock", (("d", 1000),), "reference")
STRETCHED = LandscapeSpec("Quadratic", (("A", np.array([[4.0, 1.0], [1.0, 2.0]])), ("b", np.array([1.0, 1.0]))), "reference")
STARTS = np.random.default_rng(2026).uniform(-3, 3, size=(20, 2))
ROSEN_STARTS = np.array([[-1.2, 1.0], [0.0, 2.0], [1.5, 1.5]])
WELLS_STARTS = np.random.default_rng(7).uniform(-2.5, 2.5, size=(12, 2))
#: STARTS without the two (rows 5 and 9) whose L-BFGS and BFGS paths reach a shallow minimum within
#: a few steps, where the line search fixes the point only to about 1e-9: there the path depends on rounding
SETTLED_STARTS = np.delete(STARTS, [5, 9], axis=0)

HINTS = {
    "Broyden": (
        "inverse_update must return the inverse of Broyden's update of B = H^-1 (the class docstring), "
        "derived with Sherman-Morrison as lesson 4 does for SR1; test your formula on one row against "
        "np.linalg.inv of B_new. Usual slips: the outer product transposed (its two factors are different "
        "vectors, so their order matters), s and y swapped, a denominator that is not the one the "
        "simplification with H B = I gives"
    ),
    "BFGS": (
        "inverse_update must return the inverse of BFGS's update of B = H^-1 (the class docstring); test it on one "
        "row against np.linalg.inv of B_new. Usual slips: the two factors around H not transposes of each other, "
        "a factor that does not annihilate y (check V y = 0), the wrong outer product in the last term, the pair "
        "in the wrong order (s = x_new - x, y = g_new - g), no skip where curvature_ok(s, y) is False"
    ),
    "LBFGS": (
        "two_loop must give exactly H g for the matrix BFGS builds from gamma I with the same pairs, oldest first "
        "(lesson 4: unrolling the recursion). Usual slips: a loop running in the wrong direction (the first "
        "starts from the newest pair), gamma applied anywhere but between the loops, one variable for all the "
        "first loop's numbers instead of one per pair, s and y swapped, rho recomputed instead of the one given"
    ),
}

register_contract("Broyden", {"lr": 0.2}, HINTS["Broyden"], learns="inverse_update")
register_contract("BFGS", {}, HINTS["BFGS"], learns="inverse_update")
register_contract("LBFGS", {"memory": 4}, HINTS["LBFGS"], learns="two_loop")


# --------------------------------------------------------------------------- strategies
@st.composite
def pairs(draw, positive=True):
    """A batch of symmetric positive definite ``H: (n, d, d)`` and pairs ``s, y: (n, d)``."""
    n, d = draw(st.integers(1, 4)), draw(st.integers(1, 5))
    A = draw(points(d, n=st.just(n * d), lo=-1, hi=1)).reshape(n, d, d)
    H = A @ np.swapaxes(A, 1, 2) + 0.5 * np.eye(d)
    s = draw(points(d, n=st.just(n), lo=-2, hi=2))
    s = np.where(np.linalg.norm(s, axis=1, keepdims=True) < 0.1, 1.0, s)  # a step, not a standstill
    y = draw(points(d, n=st.just(n), lo=-2, hi=2))
    if positive:  # push y toward s until y.s is comfortably positive
        sy = np.einsum("nd,nd->n", s, y)
        ss = np.einsum("nd,nd->n", s, s)
        y = y + np.where(sy < 0.2 * ss + 0.1, (0.2 * ss + 0.1 - sy) / np.maximum(ss, 1e-12), 0.0)[:, None] * s
    return H, s, y


def _used_beside(t, name: str, H, s, y, H_new, rows: slice, others: str) -> None:
    """Rows ``rows`` of a batch hold pairs the update must use, beside rows (``others``) it must
    skip. Fail, saying which, when those rows break the secant equation in the batch but keep it
    when updated alone: the other rows' pairs changed them (a skip decided for the whole batch)."""
    Hy = np.einsum("nij,nj->ni", H_new[rows], y[rows])
    if np.max(np.abs(Hy - s[rows]) / (1 + np.abs(s[rows]))) > 1e-8:
        alone = t.static(name, "inverse_update", H[rows], s[rows], y[rows], shape=H[rows].shape)
        Hy_alone = np.einsum("nij,nj->ni", alone, y[rows])
        if np.max(np.abs(Hy_alone - s[rows]) / (1 + np.abs(s[rows]))) <= 1e-8:
            kept = bool(np.allclose(H_new[rows], H[rows], rtol=0, atol=1e-12))
            raise CheckFailed(
                f"{name}.inverse_update updates the row with s = {s[rows][0].tolist()}, y = {y[rows][0].tolist()} correctly when it is alone, "
                f"but {'leaves its H unchanged' if kept else 'gets it wrong'} in a batch beside {others}: the other rows' pairs decide this row's update. "
                "Decide the skip per row (one boolean per row, used with np.where), never for the whole batch (.all(), .any(), an if on an array)"
                f"\n  Hint: {HINTS[name]}"
            )
    _secant(name, H[rows], s[rows], y[rows], H_new[rows])


def _secant(name: str, H, s, y, H_new) -> None:
    Hy = np.einsum("nij,nj->ni", H_new, y)
    gap = np.max(np.abs(Hy - s) / (1 + np.abs(s)))
    if gap > 1e-8:
        row = int(np.argmax(np.max(np.abs(Hy - s), axis=1)))
        raise CheckFailed(f"{name}.inverse_update breaks the secant equation H_new y = s: for s = {np.round(s[row], 4).tolist()}, y = {np.round(y[row], 4).tolist()} it gives H_new y = {np.round(Hy[row], 6).tolist()}\n  Hint: {HINTS[name]}")


# --------------------------------------------------------------------------- Broyden
@check("Broyden.secant", points=3)
def broyden_secant(t, ref):
    """After the update H_new y = s, and H_new - H has rank one."""

    def prop(case):
        H, s, y = case
        Hy = np.einsum("nij,nj->ni", H, y)
        if np.min(np.abs(np.einsum("ni,ni->n", s, Hy))) < 1e-3:
            return  # the update is undefined there
        H_new = t.static("Broyden", "inverse_update", H, s, y, shape=H.shape)
        _secant("Broyden", H, s, y, H_new)
        sv = np.linalg.svd(H_new - H, compute_uv=False)
        expect(bool(np.all(sv[:, 1:] <= 1e-8 * (1 + sv[:, :1]))) if sv.shape[1] > 1 else True, f"Broyden.inverse_update should change H by a rank-one matrix; the singular values of H_new - H are {np.round(sv, 6).tolist()}\n  Hint: {HINTS['Broyden']}")

    run_property(prop, case=pairs(positive=False))


# --------------------------------------------------------------------------- BFGS
@check("BFGS.secant_spd", points=3)
def bfgs_update(t, ref):
    """With y.s > 0 the update satisfies H_new y = s and keeps H symmetric positive definite."""

    def prop(case):
        H, s, y = case
        H_new = t.static("BFGS", "inverse_update", H, s, y, shape=H.shape)
        _secant("BFGS", H, s, y, H_new)
        asym = np.max(np.abs(H_new - np.swapaxes(H_new, 1, 2)) / (1 + np.abs(H_new)))
        expect(asym < 1e-9, f"BFGS.inverse_update returned a matrix that is not symmetric (largest |H - H^T| relative {asym:.3g})\n  Hint: {HINTS['BFGS']}")
        lam = np.linalg.eigvalsh(0.5 * (H_new + np.swapaxes(H_new, 1, 2)))
        expect(bool(np.all(lam[:, 0] > 0)), f"BFGS.inverse_update lost positive definiteness although y.s > 0: smallest eigenvalues {lam[:, 0].tolist()}\n  Hint: {HINTS['BFGS']}")

    run_property(prop, case=pairs(positive=True))


@check("BFGS.skips_negative_curvature", points=1)
def bfgs_skip(t, ref):
    """A pair with y.s <= 0 (or no step at all, s = y = 0) leaves H unchanged, while a pair with y.s > 0 beside it is used."""
    H = np.array([[[2.0, 0.5], [0.5, 1.0]], [[1.0, 0.0], [0.0, 1.0]], [[1.5, -0.3], [-0.3, 0.8]], [[1.0, 0.2], [0.2, 2.0]]])
    s = np.array([[1.0, 0.0], [0.3, -0.2], [0.0, 0.0], [1.0, 0.5]])
    y = np.array([[-1.0, 0.5], [0.0, 0.0], [0.0, 0.0], [2.0, 0.3]])  # y.s = -1, 0, 0 (no step), 2.15
    H_new = t.static("BFGS", "inverse_update", H, s, y, shape=H.shape)
    _used_beside(t, "BFGS", H, s, y, H_new, slice(3, None), "rows whose pairs have y.s <= 0")  # the update works where it should apply
    same = np.all(np.isclose(H_new[:3], H[:3], rtol=0, atol=1e-12), axis=(1, 2))
    expect(bool(np.all(same)), f"BFGS.inverse_update changed H for pairs with y.s <= 0 (rows {np.flatnonzero(~same).tolist()} of: y.s = -1, y.s = 0, and s = y = 0): got {np.round(H_new[:3], 4).tolist()}\n  Hint: skip a pair unless curvature_ok(s, y): rho = 1 / y.s is infinite or negative there, and using the pair would destroy positive definiteness; {HINTS['BFGS']}")


@check("Broyden.degenerate_pairs", points=1)
def broyden_degenerate(t, ref):
    """Rows where the update is undefined (no step, s = y = 0, or a pair that makes its denominator zero) keep H; the row beside them is updated."""
    H = np.array([np.eye(2), [[2.0, 0.0], [0.0, 1.0]], [[1.0, 0.3], [0.1, 1.5]]])
    s = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 0.5]])
    y = np.array([[0.0, 0.0], [0.0, 1.0], [0.5, 1.0]])  # the update's denominator: 0, 0, and 1.59
    H_new = t.static("Broyden", "inverse_update", H, s, y, shape=H.shape)
    _used_beside(t, "Broyden", H, s, y, H_new, slice(2, None), "rows whose update is undefined")
    same = np.all(np.isclose(H_new[:2], H[:2], rtol=0, atol=1e-12), axis=(1, 2))
    expect(bool(np.all(same)), f"Broyden.inverse_update changed H where the update's denominator is zero (rows {np.flatnonzero(~same).tolist()}: s = y = 0, and a pair whose denominator is exactly 0): got {np.round(H_new[:2], 4).tolist()}\n  Hint: your update divides by one number per row; where it is zero to rounding (the docstring says how to test that) keep H as it is, and choose the rows with np.where before any division; {HINTS['Broyden']}")


def _pair_with_ratio(H, s, v, ratio):
    """``y = v + a s`` with ``s^T H y = ratio |s| |H y|`` (to first order in the small shift)."""
    a0 = -(s @ H @ v) / (s @ H @ s)  # s^T H y = 0 there
    y0 = v + a0 * s
    return y0 + ratio * np.linalg.norm(s) * np.linalg.norm(H @ y0) / (s @ H @ s) * s


@check("Broyden.threshold", points=1)
def broyden_threshold(t, ref):
    """The update is skipped exactly where |s^T H y| <= 1e-12 |s| |H y|: with those norms (not others, not none), and at 1e-12 (not 2e-12)."""
    M = np.array([[2.0, 0.3], [-0.1, 1.0]])
    H = np.array([np.diag([1e-3, 1.0]), M, M, M])
    one, v = np.array([1.0, 1.0]), np.array([1.0, -0.7])
    s = np.array([[1.0, 0.0], 1e-4 * one, 1e3 * one, one])
    y = np.array([[5e-10, 1.0], _pair_with_ratio(M, 1e-4 * one, 1e-4 * v, 1e-9), _pair_with_ratio(M, 1e3 * one, 1e3 * v, 5e-13), _pair_with_ratio(M, one, v, 1.5e-12)])
    rows = (
        "|s| |H y| = 1, and 5e-10 |H^T s| |y|: the ratio must use the norms of s and of H y",
        "|s| |H y| = 2e-8, so s^T H y is only 2e-17: the test is relative to those norms",
        "|s| |H y| = 2e6, so s^T H y is 1e-6: the test is relative to those norms",
        "between 1e-12 and 2e-12: the threshold is 1e-12",
    )
    Hy = np.einsum("nij,nj->ni", H, y)
    ratio = np.abs(np.einsum("ni,ni->n", s, Hy)) / (np.linalg.norm(s, axis=1) * np.linalg.norm(Hy, axis=1))
    kept = np.array([True, False, True, False])
    expect(bool(np.all((ratio <= 1e-12) == kept)) and 1e-10 < ratio[1] < 1e-8 and 1.2e-12 < ratio[3] < 1.8e-12, f"the check's own pairs lost their ratios {ratio.tolist()} (a grader bug)")
    H_new = t.static("Broyden", "inverse_update", H, s, y, shape=H.shape)
    want = ref.static("Broyden", "inverse_update", H, s, y)
    gap = np.max(np.abs(H_new - want) / (1 + np.abs(want)), axis=(1, 2))
    ledger.note(float(gap[~kept].max()), 1e-2, "Broyden.inverse_update near the threshold")  # dividing by 1e-12 |s| |H y| leaves ~1e-4 of rounding
    moved = np.max(np.abs(H_new - H) / (1 + np.abs(H)), axis=(1, 2))
    ledger.note(float(moved[kept].max()), 1e-12, "Broyden.inverse_update keeping H")
    same = moved <= 1e-12
    for i in range(len(H)):
        if kept[i] and not same[i]:
            raise CheckFailed(f"Broyden.inverse_update changed H = {H[i].tolist()} for s = {s[i].tolist()}, y = {y[i].tolist()}, where |s^T H y| = {ratio[i]:.1e} |s| |H y|, at or below 1e-12 ({rows[i]}): it must keep H there\n  Hint: the docstring's test, |s^T H y| <= 1e-12 |s| |H y|, with exactly those norms; {HINTS['Broyden']}")
        if not kept[i] and not gap[i] < 1e-2:
            raise CheckFailed(f"Broyden.inverse_update for s = {s[i].tolist()}, y = {np.round(y[i], 8).tolist()}, where |s^T H y| = {ratio[i]:.1e} |s| |H y|, above 1e-12 ({rows[i]}), gave {H_new[i].tolist()}; expected the update {want[i].tolist()}\n  Hint: the docstring's test, |s^T H y| <= 1e-12 |s| |H y|, with exactly those norms; {HINTS['Broyden']}")


# --------------------------------------------------------------------------- L-BFGS
@check("LBFGS.two_loop", points=3)
def lbfgs_two_loop(t, ref):
    """The two-loop recursion gives exactly H g for the H built by BFGS updates from gamma I."""

    def prop(k, case, gamma):
        H0, s0, y0 = case
        n, d = s0.shape
        rng = np.random.default_rng(k)  # more pairs like the drawn one
        S = np.stack([s0] + [s0 + rng.normal(size=s0.shape) for _ in range(k - 1)])
        Y = np.stack([y0] + [S[i] * rng.uniform(0.5, 2.0, size=s0.shape) + 0.1 * rng.normal(size=s0.shape) for i in range(1, k)])
        sy = np.einsum("knd,knd->kn", S, Y)
        if np.min(sy) <= 1e-3:
            return
        rho = 1.0 / sy
        g = rng.normal(size=(n, d))
        gam = np.full(n, gamma)
        H = np.broadcast_to(gamma * np.eye(d), (n, d, d)).copy()
        for i in range(k):
            H = ref.static("BFGS", "inverse_update", H, S[i], Y[i])
        want = np.einsum("nij,nj->ni", H, g)
        got = t.static("LBFGS", "two_loop", g, S, Y, rho, gam, shape=g.shape)
        gap = np.max(np.abs(got - want) / (1 + np.abs(want)))
        if gap > 1e-8:
            raise CheckFailed(f"LBFGS.two_loop with {k} pairs and gamma = {gamma:.3g} gave {np.round(got[0], 6).tolist()} where the dense BFGS matrix gives {np.round(want[0], 6).tolist()}\n  Hint: {HINTS['LBFGS']}")

    run_property(prop, k=st.integers(1, 5), case=pairs(positive=True), gamma=st.sampled_from([1.0, 0.3, 2.5]))


@check("LBFGS.two_loop.noop_pairs", points=1)
def lbfgs_noop_pairs(t, ref):
    """Pairs stored as no-ops (s = y = 0 with rho = 0, as for a skipped pair or a row that stopped) change nothing."""
    rng = np.random.default_rng(17)
    n, d = 3, 4
    S = rng.normal(size=(3, n, d))
    Y = S * rng.uniform(0.5, 2.0, size=S.shape)
    rho = 1.0 / np.einsum("knd,knd->kn", S, Y)
    g, gamma = rng.normal(size=(n, d)), np.array([1.0, 0.5, 2.0])
    Sz, Yz, rz = S.copy(), Y.copy(), rho.copy()
    Sz[1], Yz[1], rz[1] = 0.0, 0.0, 0.0  # pair 1: a no-op for every row
    Sz[2, 0], Yz[2, 0], rz[2, 0] = 0.0, 0.0, 0.0  # pair 2: a no-op for row 0 only
    want = ref.static("LBFGS", "two_loop", g, Sz, Yz, rz, gamma)
    got = t.static("LBFGS", "two_loop", g, Sz, Yz, rz, gamma, shape=g.shape)
    gap = float(np.max(np.abs(got - want) / (1 + np.abs(want))))
    if gap >= 1e-9:  # which is wrong: the recursion itself, or its handling of the no-op pairs?
        real = t.static("LBFGS", "two_loop", g, S, Y, rho, gamma, shape=g.shape)
        want_real = ref.static("LBFGS", "two_loop", g, S, Y, rho, gamma)
        if float(np.max(np.abs(real - want_real) / (1 + np.abs(want_real)))) >= 1e-9:
            why = "your two_loop is wrong with the same pairs all real too, so the recursion itself differs (LBFGS.two_loop says how); fix that first"
        else:
            why = "with the same pairs all real your two_loop is right, so it is the no-op pairs that change your result: a pair with rho = 0 must drop out of both loops (alpha_i = 0 and beta = 0 for it)"
        raise CheckFailed(f"LBFGS.two_loop with no-op pairs (s = y = 0, rho = 0) gave {np.round(got, 6).tolist()}; expected {np.round(want, 6).tolist()} (the same as leaving those pairs out): {why}\n  Hint: {HINTS['LBFGS']}")


@check("LBFGS.equals_bfgs", points=2)
def lbfgs_is_bfgs(t, ref):
    """With gamma = 1 (scaling=False) and a memory that holds every pair, L-BFGS takes BFGS's steps."""
    for spec, X0 in ((ROSENBROCK, ROSEN_STARTS), (WELLS, SETTLED_STARTS[:6])):
        mine = t.fit("LBFGS", spec, X0, memory=50, scaling=False, max_iter=25, tol=0.0, store_history=True)
        want = ref.fit("BFGS", spec, X0, max_iter=25, tol=0.0, store_history=True)
        same_path("LBFGS", mine.Xs, want.Xs, f"LBFGS(memory=50, scaling=False) against BFGS on {spec.name}", HINTS["LBFGS"], tol=1e-6)


# --------------------------------------------------------------------------- paths and budgets
# name: [(landscape, starts, hyperparameters, steps)]. Each case keeps the tolerance (1e-7) at least
# 100 times the reference's own spread under rounding (grader.instructor.headroom): on the wells, a line search
# that reaches a shallow minimum fixes it only to about 1e-8, so those runs stop early; on the quadratic,
# Broyden lands on the minimum in its fourth step, and later pairs are made of rounding noise.
PATHS = {
    "Broyden": [(STRETCHED, np.array([[2.0, -1.0], [-3.0, 0.5]]), {"lr": 0.1}, 6), (ROSENBROCK, ROSEN_STARTS, {"lr": 1e-3}, 10)],
    "BFGS": [(ROSENBROCK, ROSEN_STARTS, {}, 20), (WELLS, WELLS_STARTS, {"c2": 0.5}, 5)],
    "LBFGS": [(ROSENBROCK_10, np.random.default_rng(3).uniform(-2, 2, size=(4, 10)), {"memory": 3}, 20), (WELLS, SETTLED_STARTS, {"memory": 5}, 5)],
}


def _register_paths(name: str) -> None:
    @check(f"{name}.trajectory.reference", points=3)
    def paths(t, ref):
        """The iterates equal the reference's, step by step, on two landscapes."""
        for spec, X0, kwargs, steps in PATHS[name]:
            mine = t.fit(name, spec, X0, max_iter=steps, tol=0.0, store_history=True, **kwargs)
            want = ref.fit(name, spec, X0, max_iter=steps, tol=0.0, store_history=True, **kwargs)
            args = ", ".join(f"{k}={v}" for k, v in kwargs.items())
            same_path(name, mine.Xs, want.Xs, f"{name}({args}) on {spec.name}, {steps} steps", HINTS[name], tol=1e-7, spec=spec, params=kwargs)


for _name in PATHS:
    _register_paths(_name)


def _budget(t, ref, name: str, spec: LandscapeSpec, X0, kwargs: dict, tol: float, steps: int, grads: int, needs: str) -> None:
    fit = t.fit(name, spec.counted(), X0, max_iter=steps, tol=tol, **kwargs)
    used = int(fit.evaluations[1])
    expect(confirmed_converged(ref, spec, fit, tol), f"{name} on {spec.name} from the standard start should reach |grad| < {tol:g} within {steps} steps (the reference: {needs}); it stopped after {int(fit.n_iter)} steps with X_ starting {np.round(fit.X[:4], 5).tolist()}\n  Hint: {HINTS[name]}")
    expect(used <= grads, f"{name} on {spec.name} used {used} gradient evaluations; the budget is {grads} (the reference: {needs})\n  Hint: reuse the gradient the line search computed at the accepted point instead of evaluating it again")


@check("Broyden.convergence", points=2)
def broyden_converges(t, ref):
    """Solves a 2-D quadratic to |grad| < 1e-8 within 30 steps and 60 gradient evaluations."""
    _budget(t, ref, "Broyden", STRETCHED, np.array([2.0, -1.0]), {"lr": 0.1}, 1e-8, 30, 60, "4 steps and 5 gradients")


@check("BFGS.convergence", points=2)
def bfgs_converges(t, ref):
    """From (-1.2, 1) on 2-D Rosenbrock: |grad| < 1e-5 within 45 steps and 60 gradient evaluations."""
    _budget(t, ref, "BFGS", ROSENBROCK, np.array([-1.2, 1.0]), {}, 1e-5, 45, 60, "32 steps and 39 gradients")


@check("LBFGS.convergence", points=2)
def lbfgs_converges(t, ref):
    """From (-1.2, 1) on 2-D Rosenbrock within 45 steps and 60 gradients; in 1000 dimensions, from a
    seeded start in [-0.5, 1.5]^1000, within 1200 steps and 1500 gradients."""
    _budget(t, ref, "LBFGS", ROSENBROCK, np.array([-1.2, 1.0]), {}, 1e-5, 45, 60, "36 steps and 45 gradients")
    # From (-1.2, 1, ...) it takes about 4950 steps; this start tests the same scaling at a fifth of the cost.
    x0 = np.random.default_rng(0).uniform(-0.5, 1.5, 1000)
    _budget(t, ref, "LBFGS", ROSENBROCK_1000, x0, {}, 1e-5, 1200, 1500, "931 steps and 1068 gradients")


# --------------------------------------------------------------------------- every hyperparameter used
register_hyperparameters("Broyden", {}, STRETCHED, np.array([[2.0, -1.0], [-3.0, 0.5]]), {"lr": (0.05, 0.2)}, HINTS["Broyden"])
register_hyperparameters("BFGS", {}, ROSENBROCK, ROSEN_STARTS, {"lr": (1.0, 0.5), "c1": (1e-4, 0.3), "c2": (0.9, 0.2)}, HINTS["BFGS"])
register_hyperparameters("LBFGS", {}, ROSENBROCK, ROSEN_STARTS, {"memory": (1, 5), "scaling": (True, False)}, HINTS["LBFGS"], steps=8)
