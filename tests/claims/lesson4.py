"""The figures quoted in lessons/04_quasi_newton/README.md, recomputed from the reference code."""

from __future__ import annotations

import functools

import numpy as np

from tests.claims import claim

START = np.array([-1.2, 1.0])  # the classic Rosenbrock start
A = np.array([[4.0, 1.0], [1.0, 2.0]])  # the lesson's quadratic 1/2 x^T A x - b^T x
B = np.array([1.0, 1.0])


def _wells_starts():
    return np.random.default_rng(0).uniform(-3, 3, size=(100, 2))


def _seeded_1000():
    return np.random.default_rng(0).uniform(-0.5, 1.5, 1000)


class _CountGrads:
    """A landscape that counts its gradient evaluations (as the grader does)."""

    def __init__(self, inner):
        self.inner, self.grads = inner, 0

    def __call__(self, X):
        return self.inner(X)

    def grad(self, X):
        self.grads += 1
        return self.inner.grad(X)

    def __getattr__(self, name):
        return getattr(self.inner, name)


# --------------------------------------------------------------------------- Broyden
@functools.cache
def _broyden_quadratic():
    from solutions.landscapes import Quadratic
    from solutions.quasi_newton import Broyden

    return Broyden(Quadratic(A, B), lr=0.1, tol=1e-8, max_iter=30).fit(np.array([2.0, -1.0]))


@claim("l4_broyden_quad_steps")
def _():
    fit = _broyden_quadratic()
    assert fit.converged_
    return f"{int(fit.n_iter_)}"


@claim("l4_broyden_quad_H")
def _():
    (a, b), (c, d) = np.round(_broyden_quadratic().H_[0], 3)
    return f"$\\begin{{pmatrix}}{a:.3f} & {b:.3f}\\\\ {c:.3f} & {d:.3f}\\end{{pmatrix}}$"


@claim("l4_broyden_quad_Ainv_offdiag")
def _():
    return f"{np.linalg.inv(A)[0, 1]:.3f}"


@functools.cache
def _broyden_rosenbrock():
    from solutions.landscapes import Rosenbrock
    from solutions.quasi_newton import Broyden

    return Broyden(Rosenbrock(2), lr=1e-3, tol=1e-5, max_iter=5000, store_history=True).fit(START)


@claim("l4_broyden_rosen_steps")
def _():
    fit = _broyden_rosenbrock()
    assert fit.converged_
    return f"{int(fit.n_iter_)}"


@claim("l4_broyden_rosen_uphill")
def _():
    fit = _broyden_rosenbrock()
    return f"{int(np.sum(np.diff(fit.losses_[: fit.n_iter_ + 1]) > 0))}"


@claim("l4_broyden_rosen_negeig")
def _():
    H = _broyden_rosenbrock().H_[0]
    return f"{np.linalg.eigvalsh(0.5 * (H + H.T))[0]:.2f}"


@claim("l4_broyden_wells_uphill")
def _():
    from solutions.landscapes import GaussianWells
    from solutions.quasi_newton import Broyden

    fit = Broyden(GaussianWells(n_wells=8, random_state=0), lr=1.0, tol=1e-6, max_iter=300, store_history=True).fit(_wells_starts())
    return f"{int(np.sum(np.any(np.diff(fit.losses_, axis=0) > 0, axis=0)))}"


# --------------------------------------------------------------------------- BFGS
@functools.cache
def _bfgs_default_tol():
    from solutions.landscapes import Rosenbrock
    from solutions.quasi_newton import BFGS

    return BFGS(Rosenbrock(2)).fit(START)  # default tol=1e-6


@claim("l4_bfgs_H_steps")
def _():
    return f"{int(_bfgs_default_tol().n_iter_)}"


@claim("l4_bfgs_H_error")
def _():
    from solutions.landscapes import Rosenbrock

    inverse = np.linalg.inv(Rosenbrock(2).hessian(np.ones(2)).reshape(2, 2))
    gap = np.linalg.norm(_bfgs_default_tol().H_[0] - inverse) / np.linalg.norm(inverse)
    return f"{gap:.1e}".replace("e-0", "e-")


# --------------------------------------------------------------------------- the line search
@functools.cache
def _searches(name: str):
    """(first trial, accepted t, trials) of every line search of ``name`` from START to tol 1e-5."""
    import solutions.quasi_newton as qn
    from solutions.landscapes import Rosenbrock

    record = []
    original = qn.wolfe

    def recording(loss, X, P, f0, g0, t0=1.0, **kwargs):
        found = original(loss, X, P, f0, g0, t0=t0, **kwargs)
        record.append((float(np.ravel(t0)[0]), float(found.t[0]), int(found.evaluations[0])))
        return found

    qn.wolfe = recording
    try:
        fit = getattr(qn, name)(Rosenbrock(2), tol=1e-5, max_iter=200).fit(START)
    finally:
        qn.wolfe = original
    assert fit.converged_ and len(record) == fit.n_iter_
    return np.array(record)


@claim("l4_start_grad_norm")
def _():
    from solutions.landscapes import Rosenbrock

    return f"{np.linalg.norm(Rosenbrock(2).grad(START)):.1f}"


@claim("l4_first_trial")
def _():
    t0 = _searches("BFGS")[0, 0]
    return f"{t0:.5f}"


@claim("l4_unit_first_trials")
def _():
    counts = [int(np.sum((s[:, 2] == 1) & (s[:, 1] == 1.0))) for s in (_searches("BFGS"), _searches("LBFGS"))]
    return f"{counts[0]} and {counts[1]}"


@claim("l4_first_trials_accepted_bfgs")
def _():
    return f"{int(np.sum(_searches('BFGS')[:, 2] == 1))}"


@claim("l4_bfgs_second_third_trials")
def _():
    s = _searches("BFGS")
    return f"{int(s[1, 2])} and {int(s[2, 2])} trials"


@functools.cache
def _wells_quasi_newton():
    from solutions.landscapes import GaussianWells
    from solutions.quasi_newton import BFGS, LBFGS, curvature_ok

    class Counting(BFGS):
        def _learn(self, s, y, rows):
            ok = curvature_ok(s, y)
            self.pairs_seen, self.pairs_skipped = self.pairs_seen + len(ok), self.pairs_skipped + int(np.sum(~ok))
            super()._learn(s, y, rows)

    wells = GaussianWells(n_wells=8, random_state=0)
    bfgs = Counting(wells, max_iter=60, tol=1e-6)
    bfgs.pairs_seen = bfgs.pairs_skipped = 0
    bfgs.fit(_wells_starts())
    lbfgs = LBFGS(wells, max_iter=60, tol=1e-6).fit(_wells_starts())
    return bfgs, lbfgs


@claim("l4_bfgs_wells_pairs")
def _():
    bfgs, _ = _wells_quasi_newton()
    assert bfgs.pairs_skipped == 0
    return f"{bfgs.pairs_seen}"


@claim("l4_bfgs_rosen_skipped")
def _():
    from solutions.landscapes import Rosenbrock
    from solutions.quasi_newton import BFGS, curvature_ok

    seen = []

    class Counting(BFGS):
        def _learn(self, s, y, rows):
            seen.extend(curvature_ok(s, y).tolist())
            super()._learn(s, y, rows)

    Counting(Rosenbrock(2), tol=1e-5).fit(START)
    return "none" if all(seen) else f"{len(seen) - sum(seen)}"


# --------------------------------------------------------------------------- L-BFGS
@functools.cache
def _lbfgs_1000(**kwargs):
    from solutions.landscapes import Rosenbrock
    from solutions.quasi_newton import LBFGS

    fit = LBFGS(Rosenbrock(1000), tol=1e-5, max_iter=5000, **kwargs).fit(_seeded_1000())
    assert fit.converged_
    return fit


@claim("l4_lbfgs1000_scaled")
def _():
    fit = _lbfgs_1000()
    return f"{int(fit.n_iter_)} steps and {int(fit.n_evals_[0])} evaluations"


@claim("l4_lbfgs1000_unscaled")
def _():
    fit = _lbfgs_1000(scaling=False)
    return f"{int(fit.n_iter_)} steps and {int(fit.n_evals_[0])} evaluations"


@claim("l4_lbfgs1000_memories")
def _():
    return ", ".join(f"{int(_lbfgs_1000(memory=m).n_iter_)}" for m in (3, 5)) + f" and {int(_lbfgs_1000(memory=20).n_iter_)}"


@claim("l4_memory_table")
def _():
    from solutions.landscapes import Rosenbrock
    from solutions.quasi_newton import LBFGS

    memories = (1, 3, 5, 10, 20)
    fits = [LBFGS(Rosenbrock(2), memory=m, tol=1e-5, max_iter=200).fit(START) for m in memories]
    assert all(f.converged_ for f in fits)
    rows = [
        "| `memory` | " + " | ".join(f"{m}" for m in memories) + " |",
        "|---|" + "---|" * len(memories),
        "| steps | " + " | ".join(f"{int(f.n_iter_)}" for f in fits) + " |",
        "| evaluations | " + " | ".join(f"{int(f.n_evals_[0])}" for f in fits) + " |",
    ]
    return "\n".join(rows)


# --------------------------------------------------------------------------- counting evaluations
@functools.cache
def _rosenbrock_run(name: str):
    """(steps, n_evals_, gradients the grader counts) from START to tol 1e-5."""
    import solutions.quasi_newton as qn
    from solutions.landscapes import Rosenbrock

    counted = _CountGrads(Rosenbrock(2))
    fit = getattr(qn, name)(counted, tol=1e-5, max_iter=200).fit(START)
    assert fit.converged_
    return int(fit.n_iter_), int(fit.n_evals_[0]), counted.grads


@claim("l4_bfgs_steps_evals")
def _():
    steps, evals, _ = _rosenbrock_run("BFGS")
    return f"{steps} steps and {evals} evaluations"


@claim("l4_lbfgs_steps_evals")
def _():
    steps, evals, _ = _rosenbrock_run("LBFGS")
    return f"{steps} steps and {evals} evaluations"


@claim("l4_graded_bfgs")
def _():
    steps, _, grads = _rosenbrock_run("BFGS")
    return f"{steps} steps and {grads} gradients"


@claim("l4_graded_lbfgs")
def _():
    steps, _, grads = _rosenbrock_run("LBFGS")
    return f"{steps} steps and {grads} gradients"


@claim("l4_graded_broyden")
def _():
    from solutions.landscapes import Quadratic
    from solutions.quasi_newton import Broyden

    counted = _CountGrads(Quadratic(A, B))
    fit = Broyden(counted, lr=0.1, tol=1e-8, max_iter=30).fit(np.array([2.0, -1.0]))
    return f"{int(fit.n_iter_)} steps and {counted.grads} gradients"


@claim("l4_graded_lbfgs1000")
def _():
    from solutions.landscapes import Rosenbrock
    from solutions.quasi_newton import LBFGS

    counted = _CountGrads(Rosenbrock(1000))
    fit = LBFGS(counted, tol=1e-5, max_iter=1200).fit(_seeded_1000())
    assert fit.converged_
    return f"{int(fit.n_iter_)} steps and {counted.grads} gradients"


@claim("l4_wells_mean_loss")
def _():
    bfgs, lbfgs = _wells_quasi_newton()
    assert bfgs.converged_.all() and lbfgs.converged_.all()
    means = {f"{np.mean(f.loss_):.3f}" for f in (bfgs, lbfgs)}
    assert len(means) == 1
    return means.pop()


@claim("l4_wells_evals")
def _():
    bfgs, lbfgs = _wells_quasi_newton()
    return f"{np.mean(bfgs.n_evals_):.1f} and {np.mean(lbfgs.n_evals_):.1f}"


@claim("l4_wells_newton_loss")
def _():
    from solutions.landscapes import GaussianWells
    from solutions.second_order import Newton

    fit = Newton(GaussianWells(n_wells=8, random_state=0), lr=1.0, line_search=True, max_iter=60, tol=1e-6).fit(_wells_starts())
    return f"{np.mean(fit.loss_):.3f}"


@claim("l4_bfgs_cg_steps")
def _():
    """BFGS with a nearly exact line search on a quadratic with two distinct eigenvalues (each twice)."""
    from solutions.landscapes import Quadratic
    from solutions.quasi_newton import BFGS

    fit = BFGS(Quadratic(np.diag([1.0, 1.0, 3.0, 3.0]), np.zeros(4)), c2=1e-3, tol=1e-8).fit(np.ones(4))
    assert bool(fit.converged_)
    return f"{int(fit.n_iter_)}"
