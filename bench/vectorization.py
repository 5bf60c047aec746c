"""Benchmark: batched Newton against a per-row loop with np.linalg.inv (the seed notebook's way),
and GaussianWells loss and gradient on many points against the notebook's broadcasting.

    python bench/vectorization.py [--rows 100000] [--points 1000000]

Prints times, peak memory (tracemalloc, NumPy allocations included) and the ratios.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from solutions.landscapes import GaussianWells  # noqa: E402
from solutions.second_order import Newton  # noqa: E402


def timed(fn, repeat=3):
    best, peak = np.inf, 0
    for _ in range(repeat):
        tracemalloc.start()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return best, peak


def newton_loop(loss, X):
    """One pure Newton step per row, as the course notebook wrote it."""
    G, H = loss.grad(X), loss.hessian(X)
    out = []
    for i in range(X.shape[0]):
        out.append(X[i] - np.linalg.inv(H[i] + 1e-12 * np.eye(X.shape[1])) @ G[i])
    return np.array(out)


def notebook_loss_and_grad(wells, X):
    """The notebook's broadcasting, loss and gradient as two calls (as its class has them): an
    (n, d, P) array of offsets each time, then the wells."""
    D = X[..., None] - wells.locs.T[None, :]
    loss = np.sum(-np.exp(-np.sum((D / wells.widths) ** 2, axis=1)) * wells.coeffs, axis=1)
    D = X[..., None] - wells.locs.T[None, :]
    well = -np.exp(-np.sum((D / wells.widths) ** 2, axis=1))
    grad = np.sum(wells.coeffs * (-2 * D / wells.widths**2 * well[:, None, :]), axis=-1)
    return loss, grad


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--points", type=int, default=1_000_000)
    args = parser.parse_args()
    wells = GaussianWells(n_wells=8, random_state=0)
    X = np.random.default_rng(0).uniform(-3, 3, size=(args.rows, 2))

    batched = Newton(wells, lr=1.0, damping=1e-2)
    t_batch, m_batch = timed(lambda: batched.update(X))  # one step, the same work as the loop: grad, Hessian, solve
    t_fit, _ = timed(lambda: Newton(wells, max_iter=1, tol=0.0).fit(X))
    t_loop, m_loop = timed(lambda: newton_loop(wells, X), repeat=1)
    print(f"Newton, one step on {args.rows} rows: batched update {t_batch:.3f} s ({m_batch / 2**20:.0f} MiB peak), "
          f"per-row loop with inv {t_loop:.3f} s ({m_loop / 2**20:.0f} MiB peak): {t_loop / t_batch:.1f}x "
          f"(a whole fit of one step, with the stopping test and final loss: {t_fit:.3f} s)")

    P = np.random.default_rng(1).uniform(-3, 3, size=(args.points, 2))
    ours = lambda: (wells(P), wells.grad(P))  # noqa: E731
    t_ours, m_ours = timed(ours)
    t_nb, m_nb = timed(lambda: notebook_loss_and_grad(wells, P))
    a, b = ours(), notebook_loss_and_grad(wells, P)
    assert np.allclose(a[0], b[0]) and np.allclose(a[1], b[1])
    print(f"GaussianWells loss + gradient on {args.points} points: ours {t_ours:.3f} s ({m_ours / 2**20:.0f} MiB peak), "
          f"notebook broadcasting {t_nb:.3f} s ({m_nb / 2**20:.0f} MiB peak): time ratio {t_nb / t_ours:.2f}, memory ratio {m_nb / m_ours:.2f}")


if __name__ == "__main__":
    main()
