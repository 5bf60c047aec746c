"""Say *what* differs between a student's answer and the right one, in words a student can act on.

Two kinds of answers are compared in the checks:

- paths (histories ``(k+1, n, d)`` or ``(k+1, d)``): ``path_difference`` finds the first step that
  differs and says how: the same direction with another length (and which factor: ``lr``, 2, a
  square root), the opposite direction (a sign), one coordinate only, the first step or only later
  ones (state carried between steps), a row that moved where the reference's had stopped;
- derivatives and matrices (``(n, ...)``): ``value_difference`` says whether the answer is a
  constant multiple of the right one (a lost factor, a sign), its transpose, all zeros, or wrong
  in a few entries only.

Each returns one sentence (no trailing period), or "" when nothing simple fits.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray

#: named factors: a ratio within 1e-6 of one of these is reported by name
_FACTORS = ((2.0, "a factor of 2 too much"), (0.5, "a factor of 2 too little"), (4.0, "a factor of 4 too much"), (0.25, "a factor of 4 too little"))


def _ratio_words(ratio: float, lr: float | None) -> str:
    """Name a length ratio ``|got step| / |right step|``."""
    if np.isclose(ratio, 1.0, rtol=1e-6):
        return "its length agrees to 6 digits (the difference is in the last digits)"
    if lr is not None and lr > 0 and lr != 1.0:
        if np.isclose(ratio, 1.0 / lr, rtol=1e-6):
            return f"the step is 1/lr = {1.0 / lr:.4g} times the reference's: is lr applied?"
        if np.isclose(ratio, lr, rtol=1e-6):
            return f"the step is lr = {lr:.4g} times the reference's: is lr applied twice?"
    for factor, words in _FACTORS:
        if np.isclose(ratio, factor, rtol=1e-6):
            return f"the step has {words}"
    return f"the step is {ratio:.6g} times the reference's length"


def step_difference(got: Array, want: Array, start: Array, lr: float | None = None) -> str:
    """How one step ``start -> got`` differs from ``start -> want`` (all ``(d,)``)."""
    s_got, s_want = got - start, want - start
    n_got, n_want = float(np.linalg.norm(s_got)), float(np.linalg.norm(s_want))
    if not np.all(np.isfinite(got)):
        return "your step produced NaN or inf"
    if n_got == 0.0 and n_want > 0.0:
        return "your iterate did not move where the reference's did (is the update applied, or was this row stopped too early?)"
    if n_want == 0.0 and n_got > 0.0:
        return "your iterate moved where the reference's stayed put (a row that should have stopped, or a step the method must not take here)"
    if n_got == 0.0 or n_want == 0.0:
        return ""
    cos = float(s_got @ s_want) / (n_got * n_want)
    if cos > 1.0 - 1e-8:
        return "same direction as the reference's step, but " + _ratio_words(n_got / n_want, lr)
    if cos < -1.0 + 1e-8:
        ratio = n_got / n_want
        return "the opposite direction to the reference's step (a sign)" + ("" if np.isclose(ratio, 1.0, rtol=1e-6) else f", {ratio:.4g} times as long")
    close = np.isclose(s_got, s_want, rtol=1e-6, atol=1e-12 * (1.0 + n_want))
    if len(close) > 1 and close.sum() == len(close) - 1:
        j = int(np.flatnonzero(~close)[0])
        return f"only coordinate {j} of the step differs (yours {s_got[j]:.8g}, the reference's {s_want[j]:.8g})"
    angle = float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))
    return f"a different direction: {angle:.3g} degrees from the reference's step, {n_got / n_want:.4g} times its length"


def path_difference(got: Array, want: Array, tol: float, lr: float | None = None) -> str:
    """The first step where histories ``got`` and ``want`` (``(k+1, n, d)`` or ``(k+1, d)``) differ
    by more than ``tol`` (relative), described: which step, which rows, and how."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    if got.shape != want.shape or got.size == 0:
        return ""
    if got.ndim == 2:
        got, want = got[:, None, :], want[:, None, :]
    with np.errstate(invalid="ignore", over="ignore"):
        gap = np.abs(got - want) / (1.0 + np.abs(want))
    gap = np.where(np.isfinite(gap), gap, np.inf)
    bad = np.max(gap, axis=2) > tol  # (k+1, n)
    if not bad.any():
        return ""
    step = int(np.flatnonzero(bad.any(axis=1))[0])
    rows = np.flatnonzero(bad[step])
    if step == 0:
        return "the histories start at different points: Xs_[0] should be X0 itself"
    row = int(rows[0])
    how = step_difference(got[step, row], want[step, row], got[step - 1, row], lr)
    if step == 1:
        when = "in the very first step"
    else:
        before = float(np.max(gap[step - 1]))
        when = f"the first {step - 1} steps agree and step {step} differs, so the one-step formula is right but something carried from step to step is not (a velocity, an accumulator, a step count, a matrix update, or state left from an earlier fit)"
        if before > 1e-3 * tol:  # not a jump from exact agreement: a small difference that grew
            when = f"the paths drift apart: {before:.1e} apart after step {step - 1}, past the tolerance at step {step} (a small difference in every step that grows, or state carried between steps)"
    n = got.shape[1]
    which = "" if n == 1 else (f"; only start(s) {rows.tolist()} of {n} differ there" if len(rows) < n else f"; every one of the {n} starts differs")
    return f"{when}: {how}{which}" if how else f"{when}{which}"


def value_difference(got: Array, want: Array, rtol: float = 1e-6) -> str:
    """How an array of answers ``got`` differs from ``want`` (same shape, ``(n, ...)``)."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    if got.shape != want.shape or got.size == 0 or not np.all(np.isfinite(got)) or not np.all(np.isfinite(want)):
        return ""
    scale = float(np.max(np.abs(want))) or 1.0
    if np.max(np.abs(got)) == 0.0:
        return "your values are all zero"
    ww = float(np.sum(want * want))
    if ww > 0:
        c = float(np.sum(got * want)) / ww
        if np.allclose(got, c * want, rtol=rtol, atol=rtol * scale):
            for factor, words in ((-1.0, "the sign is wrong: yours are minus the right values"), (2.0, "yours are twice the right values (a factor of 2)"), (0.5, "yours are half the right values (a factor of 2 missing)")):
                if np.isclose(c, factor, rtol=1e-6):
                    return words
            return f"yours are {c:.6g} times the right values everywhere (a constant factor)"
    if got.ndim >= 3 and got.shape[-1] == got.shape[-2] and np.allclose(got, np.swapaxes(want, -1, -2), rtol=rtol, atol=rtol * scale):
        return "yours is the transpose of the right matrix"
    close = np.isclose(got, want, rtol=rtol, atol=rtol * scale)
    per_entry = close.reshape(close.shape[0], -1).all(axis=0) if close.ndim > 1 else close
    if close.ndim > 1 and 0 < (~per_entry).sum() < per_entry.size:
        wrong = [tuple(int(i) for i in np.unravel_index(k, close.shape[1:])) for k in np.flatnonzero(~per_entry)]
        shown = ", ".join(str(list(w)) for w in wrong[:4]) + (", ..." if len(wrong) > 4 else "")
        return f"only some entries are wrong ({len(wrong)} of {per_entry.size} per point: {shown}); the others match"
    return ""
