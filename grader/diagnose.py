"""Say *what* differs between a student's answer and the right one, in words a student can act on.

Two kinds of answers are compared in the checks:

- paths (histories ``(k+1, n, d)`` or ``(k+1, d)``): ``path_difference`` finds the first step that
  differs and says how: the same direction with another length (and which factor: a hyperparameter
  such as ``lr`` or ``1 - momentum``, 2; all of them when several have that value), the opposite direction (a sign), one coordinate only, the first step or only later
  ones (state carried between steps), a row that moved where the reference's had stopped;
- derivatives and matrices (``(n, ...)``): ``value_difference`` says whether the answer is a
  constant multiple of the right one (a lost factor, a sign: claimed only when at least two
  nonzero entries share it), its transpose, all zeros, or wrong in a few entries only.

Each returns one sentence (no trailing period), or "" when nothing simple fits.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray

#: factors named by their value alone (a ratio within 1e-6 of one of these)
_NUMBERS = ((2.0, "2"), (4.0, "4"))

#: the reference optimizers' default hyperparameters (numbers only), so that a ratio is compared
#: with every hyperparameter a run used, including those the check left at their defaults
#: (tests/test_diagnose.py keeps this table equal to the signatures in solutions/)
DEFAULTS = {
    "GradientDescent": {"lr": 0.1},
    "Momentum": {"lr": 0.1, "momentum": 0.9},
    "Langevin": {"lr": 0.1, "noise": 0.1},
    "AdaGrad": {"lr": 0.1, "eps": 1e-10},
    "RMSprop": {"lr": 0.1, "decay": 0.99, "eps": 1e-08},
    "Adam": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-08},
    "Newton": {"lr": 1.0, "damping": 0.01, "c1": 0.0001},
    "ConditionScaledGD": {"lr": 0.1, "eps": 1e-12},
    "GaussNewton": {"lr": 1.0, "damping": 1e-10},
    "Broyden": {"lr": 0.1},
    "BFGS": {"lr": 1.0, "c1": 0.0001, "c2": 0.9},
    "LBFGS": {"lr": 1.0, "c1": 0.0001, "c2": 0.9, "memory": 10},
    "InverseGradient": {"lr": 0.3},
    "PhysicalGradient": {"lr": 0.3, "inner_tol": 1e-12, "inner_max_iter": 50},
    "SGD": {"lr": 0.1, "batch_size": 1, "t0": 100.0},
    "SVRG": {"lr": 0.1, "batch_size": 1},
    "AdamW": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-08, "weight_decay": 0.01},
}


#: hyperparameters that never scale a step: seeds, counts, step indices, tolerances
_NOT_FACTORS = ("random_state", "max_iter", "tol", "average", "memory", "inner_steps", "inner_max_iter", "inner_tol", "max_halvings", "t0")

#: the averaging weights: their complements 1 - w weigh the new term, so a ratio may be one of those
_WEIGHTS = ("momentum", "decay", "beta1", "beta2")


def hyperparameters(name: str | None, given: dict | None) -> dict:
    """The numeric hyperparameters of a run of optimizer ``name`` with ``given`` that may scale a
    step: its defaults, overridden by ``given`` (booleans, texts, seeds and counts left out)."""
    merged = {**DEFAULTS.get(name or "", {}), **(given or {})}
    return {
        k: float(v)
        for k, v in merged.items()
        if k not in _NOT_FACTORS and isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)) and np.isfinite(v)
    }


def _factor_names(ratio: float, params: dict) -> tuple[list[str], list[str]]:
    """What a ratio (or its reciprocal) equals to 6 digits: ``(too_much, too_little)``, each a list of
    names: ``"lr"``, ``"1 - momentum"``, ``"2"``. A ratio ``c`` names factors applied once too
    often; ``1 / c`` names factors missing. Candidates: 2 and 4, each hyperparameter, and for the
    averaging weights ``w`` also ``1 - w``, ``sqrt(1 - w)`` and products or quotients of two of those."""
    candidates = [(value, words) for value, words in _NUMBERS]
    complements = []  # 1 - p and its square root, for p in (0, 1): the weights of averages and their corrections
    for name, value in params.items():
        if value > 0:
            candidates.append((value, name))
        if name in _WEIGHTS and 0 < value < 1:
            complements += [(1.0 - value, f"1 - {name}", name), (np.sqrt(1.0 - value), f"sqrt(1 - {name})", name)]
    complements = [c for c in complements if abs(np.log(c[0])) > 1e-3]  # 1 - eps is 1: no factor
    candidates += [(value, words) for value, words, _ in complements]
    for i, (a, wa, pa) in enumerate(complements):  # two of them together, as in a pair of bias corrections
        for b, wb, pb in complements[i + 1:]:
            if pa != pb:
                candidates += [(a * b, f"({wa}) * ({wb})"), (a / b, f"({wa}) / ({wb})"), (b / a, f"({wb}) / ({wa})")]
    candidates = [(value, words) for value, words in candidates if abs(np.log(value)) > 1e-3]  # within 0.1% of 1: no evidence
    # a step divided by sqrt(v) + eps is off its clean ratio by about eps / sqrt(v): 5 digits, not 6
    rtol = 1e-5 if params.get("eps", 0.0) > 0.0 else 1e-6
    much = [words for value, words in candidates if np.isclose(ratio, value, rtol=rtol)]
    little = [words for value, words in candidates if np.isclose(ratio, 1.0 / value, rtol=rtol)]
    return much, little


def ratio_words(ratio: float, params: dict | None) -> str:
    """Name a length ratio ``|got step| / |right step|``. A factor is named after a hyperparameter
    only when nothing else the run used has that value; otherwise every candidate is named."""
    if np.isclose(ratio, 1.0, rtol=1e-6):
        return "its length agrees to 6 digits (the difference is in the last digits)"
    much, little = _factor_names(ratio, params or {})
    if not much and not little:
        return f"the step is {ratio:.6g} times the reference's length"
    if len(much) + len(little) > 1:
        ways = ([f"a factor {' or '.join(much)} too many"] if much else []) + ([f"a factor {' or '.join(little)} missing"] if little else [])
        return f"the step is {ratio:.6g} times the reference's, which could be {', or '.join(ways)} (equal here: only a run with other values tells them apart)"
    if much:
        name = much[0]
        if name in ("2", "4"):
            return f"the step has a factor of {name} too much"
        if name == "lr":
            return f"the step is lr = {ratio:.4g} times the reference's: is lr applied twice?"
        return f"the step is {name} = {ratio:.4g} times the reference's: look for a factor {name} too many in the step (or missing from what the step divides by)"
    name = little[0]
    if name in ("2", "4"):
        return f"the step has a factor of {name} too little"
    if name == "lr":
        return f"the step is 1/lr = {ratio:.4g} times the reference's: is lr applied?"
    return f"the step is 1/({name}) = {ratio:.4g} times the reference's: look for a factor {name} missing from the step (or one too many in what the step divides by)"


def step_difference(got: Array, want: Array, start: Array, params: dict | None = None) -> str:
    """How one step ``start -> got`` differs from ``start -> want`` (all ``(d,)``); ``params``:
    the run's numeric hyperparameters, to name a ratio after them."""
    s_got, s_want = got - start, want - start
    n_got, n_want = float(np.linalg.norm(s_got)), float(np.linalg.norm(s_want))
    if not np.all(np.isfinite(got)):
        return "your step produced NaN or inf"
    if n_got == 0.0 and n_want > 0.0:
        return "your iterate did not move where the reference's did (is the update applied, was this row stopped too early, or did a line search return t = 0, as it must for a direction that does not descend?)"
    if n_want == 0.0 and n_got > 0.0:
        return "your iterate moved where the reference's stayed put (a row that should have stopped, or a step the method must not take here)"
    if n_got == 0.0 or n_want == 0.0:
        return ""
    cos = float(s_got @ s_want) / (n_got * n_want)
    if cos > 1.0 - 1e-8:
        return "same direction as the reference's step, but " + ratio_words(n_got / n_want, params)
    if cos < -1.0 + 1e-8:
        ratio = n_got / n_want
        if np.isclose(ratio, 1.0, rtol=1e-6):
            return "the opposite direction to the reference's step, and as long (a sign)"
        return f"the opposite direction to the reference's step, {ratio:.4g} times as long (not just a sign: the length differs too)"
    close = np.isclose(s_got, s_want, rtol=1e-6, atol=1e-12 * (1.0 + n_want))
    if len(close) > 1 and close.sum() == len(close) - 1:
        j = int(np.flatnonzero(~close)[0])
        return f"only coordinate {j} of the step differs (yours {s_got[j]:.8g}, the reference's {s_want[j]:.8g})"
    angle = float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))
    return f"a different direction: {angle:.3g} degrees from the reference's step, {n_got / n_want:.4g} times its length"


def path_difference(got: Array, want: Array, tol: float, params: dict | float | None = None) -> str:
    """The first step where histories ``got`` and ``want`` (``(k+1, n, d)`` or ``(k+1, d)``) differ
    by more than ``tol`` (relative), described: which step, which rows, and how. ``params``: the
    run's hyperparameters (see ``hyperparameters``; a bare number is taken as ``lr``, with the
    others unknown), so that a ratio of step lengths can be named after them."""
    if params is not None and not isinstance(params, dict):
        params = {"lr": float(params)}
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
    if step == 1 and len(rows) > 1:  # the longest step: the one a small eps or a rounding disturbs least, for its ratio
        lengths = np.linalg.norm(want[1, rows] - want[0, rows], axis=1)
        if np.all(np.isfinite(lengths)):
            row = int(rows[int(np.argmax(lengths))])
    how = step_difference(got[step, row], want[step, row], got[step - 1, row], params if step == 1 else None)  # a later step's ratio comes from carried state, not from one hyperparameter
    if step == 1:
        when = "in the very first step" + (f" (start {row}'s, the longest)" if row != int(rows[0]) else "")
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
            # a factor is a claim about every entry: one number shares any ratio with itself
            entries = int(np.sum(np.abs(want) > rtol * scale))
            if entries < 2:
                return (
                    f"at the only entry compared, yours is {c:.6g} times the right value: a single number, which cannot "
                    "tell a lost factor or a sign from a wrong or missing term (compare your values at a few points of your own)"
                )
            for factor, words in ((-1.0, "the sign is wrong: yours are minus the right values"), (2.0, "yours are twice the right values (a factor of 2)"), (0.5, "yours are half the right values (a factor of 2 missing)")):
                if np.isclose(c, factor, rtol=1e-6):
                    return f"{words} at all {entries} nonzero entries compared"
            return f"yours are {c:.6g} times the right values at all {entries} nonzero entries compared (a constant factor)"
    if got.ndim >= 3 and got.shape[-1] == got.shape[-2] and np.allclose(got, np.swapaxes(want, -1, -2), rtol=rtol, atol=rtol * scale):
        return "yours is the transpose of the right matrix"
    close = np.isclose(got, want, rtol=rtol, atol=rtol * scale)
    per_entry = close.reshape(close.shape[0], -1).all(axis=0) if close.ndim > 1 else close
    if close.ndim > 1 and 0 < (~per_entry).sum() < per_entry.size:
        wrong = [tuple(int(i) for i in np.unravel_index(k, close.shape[1:])) for k in np.flatnonzero(~per_entry)]
        shown = ", ".join(str(list(w)) for w in wrong[:4]) + (", ..." if len(wrong) > 4 else "")
        return f"only some entries are wrong ({len(wrong)} of {per_entry.size} per point: {shown}); the others match"
    return ""
