"""Benchmark: the reference BFGS and L-BFGS against SciPy's BFGS and L-BFGS-B.

    python bench/quasi_newton.py [--max-d 1000000] [--repeat 3]

SciPy is used here only, as a yardstick; the course and the grader never import it. Without
SciPy the script prints our figures alone. Both sides get the same problem, start and gradient,
and stop on the gradient alone: SciPy once its largest component is at most 1e-5 (``gtol``;
L-BFGS-B's test on the relative decrease of the loss is switched off with ``ftol = 0``), ours
once its 2-norm is below ``tol``. That is ``tol = 1e-5`` (stricter than SciPy's test), except on
the extended problem, whose d/2 pairs are identical copies with identical iterates: there
``tol = 1e-5 sqrt(d/2)`` asks each pair for a 2-norm below 1e-5, again at least as strict. The
largest gradient component at the end is printed for both. Other settings are the defaults.

Problems:
- extended (pairwise) Rosenbrock, ``sum_i 100 (x_{2i+1} - x_{2i}^2)^2 + (1 - x_{2i})^2``, from
  the standard start ``(-1.2, 1, -1.2, 1, ...)`` at d = 2, 1e2, 1e4, 1e6: d/2 independent
  copies of the 2-D problem, so a good method's counts should hardly grow with d;
- chained Rosenbrock (``solutions.landscapes.Rosenbrock``) at d = 1e3 from the same start;
- 2-D Rosenbrock from 200 random starts in [-2, 2]^2 (mean evaluations; one start is luck).

Prints iterations, gradient evaluations (each one also a loss evaluation) and best-of-N wall
time, with the ratios ours / SciPy. Targets (issue 7): at d = 1e6 at most 1.2x SciPy's
evaluations and 1.5x its time; BFGS on 2-D Rosenbrock from (-1.2, 1) at most 39 evaluations.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from solutions.landscapes import Rosenbrock, batched  # noqa: E402
from solutions.quasi_newton import BFGS, LBFGS  # noqa: E402

try:
    from scipy.optimize import minimize
except ImportError:  # the comparison is optional
    minimize = None

TOL = 1e-5


class ExtendedRosenbrock:
    """Pairwise Rosenbrock for even ``d``: ``L(x) = sum_i 100 (x_{2i+1} - x_{2i}^2)^2 + (1 - x_{2i})^2``.

    A landscape in the course's sense: ``L(X: (n, d)) -> (n,)`` and ``grad(X) -> (n, d)``.
    """

    def __init__(self, d: int):
        if d % 2:
            raise ValueError(f"extended Rosenbrock needs an even d, got {d}")
        self.d = d

    @batched
    def __call__(self, X):
        odd, even = X[:, 0::2], X[:, 1::2]
        return np.sum(100.0 * (even - odd**2) ** 2 + (1.0 - odd) ** 2, axis=1)

    @batched
    def grad(self, X):
        odd, even = X[:, 0::2], X[:, 1::2]
        inner = even - odd**2
        G = np.empty_like(X)
        G[:, 0::2] = -400.0 * odd * inner - 2.0 * (1.0 - odd)
        G[:, 1::2] = 200.0 * inner
        return G


def standard_start(d: int):
    x = np.ones(d)
    x[0::2] = -1.2
    return x


def ours(cls, landscape, x0, repeat, tol=TOL, max_iter=100_000):
    """(iterations, evaluations, best wall time, final max |gradient|) of our ``cls``."""
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        opt = cls(landscape, max_iter=max_iter, tol=tol).fit(x0)
        best = min(best, time.perf_counter() - start)
    assert np.all(opt.converged_), f"{cls.__name__} did not converge"
    return int(opt.n_iter_), int(np.sum(opt.n_evals_)), best, float(np.abs(landscape.grad(opt.X_)).max())


def theirs(method, landscape, x0, repeat):
    fun = lambda x: float(landscape(x))  # noqa: E731
    jac = landscape.grad
    options = {"gtol": TOL, "maxiter": 100_000}
    if method == "L-BFGS-B":
        options.update(maxfun=1_000_000, ftol=0.0)
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        result = minimize(fun, x0, jac=jac, method=method, options=options)
        best = min(best, time.perf_counter() - start)
    return int(result.nit), int(result.nfev), best, float(np.abs(result.jac).max())


def row(label, mine, other):
    it, ev, t, g = mine
    text = f"{label:<36} ours {it:>5} it {ev:>5} ev {t:8.3f} s |g| {g:.0e}"
    if other is not None:
        it2, ev2, t2, g2 = other
        text += f" | scipy {it2:>5} it {ev2:>5} ev {t2:8.3f} s |g| {g2:.0e} | evals x{ev / ev2:.2f} time x{t / t2:.2f}"
    print(text, flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-d", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore", RuntimeWarning)
    print(f"numpy {np.__version__}, scipy {'absent' if minimize is None else __import__('scipy').__version__}")

    x0 = np.array([-1.2, 1.0])
    rosen2 = Rosenbrock(2)
    row("BFGS, 2-D Rosenbrock", ours(BFGS, rosen2, x0, args.repeat), minimize and theirs("BFGS", rosen2, x0, args.repeat))
    for d in (2, 100, 10_000, 1_000_000):
        if d > args.max_d:
            continue
        landscape, start = ExtendedRosenbrock(d), standard_start(d)
        repeat = args.repeat if d < 1_000_000 else max(1, args.repeat - 1)
        tol = TOL * np.sqrt(d / 2)
        row(f"L-BFGS, extended Rosenbrock d={d:g}", ours(LBFGS, landscape, start, repeat, tol), minimize and theirs("L-BFGS-B", landscape, start, repeat))
    chained = Rosenbrock(1000)
    row("L-BFGS, chained Rosenbrock d=1000", ours(LBFGS, chained, standard_start(1000), 1), minimize and theirs("L-BFGS-B", chained, standard_start(1000), 1))

    # Many starts: one start's count depends on where the first trial steps happen to land.
    starts = np.random.default_rng(0).uniform(-2.0, 2.0, (200, 2))
    for cls, method in ((BFGS, "BFGS"), (LBFGS, "L-BFGS-B")):
        opt = cls(rosen2, max_iter=10_000, tol=TOL).fit(starts)
        mine = f"ours {opt.n_evals_.mean():.1f} evaluations per start ({opt.converged_.sum()}/200 converged)"
        if minimize is not None:
            fev = [theirs(method, rosen2, s, 1)[1] for s in starts]
            mine += f" | scipy {method} {np.mean(fev):.1f} | x{opt.n_evals_.mean() / np.mean(fev):.2f}"
        print(f"{cls.__name__}, 2-D Rosenbrock, 200 random starts: {mine}", flush=True)


if __name__ == "__main__":
    main()
