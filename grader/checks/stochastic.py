"""Checks for lesson 7: LogisticRegression (a finite sum), SGD, SVRG and AdamW.

The data sets are made here from seeds (features, labels), so the checks never depend on the
lesson's own data set. Optimizers run on the reference landscapes. Random methods are compared
with the reference path for path: the docstrings fix every draw (one minibatch per step, from
``rng_.choice(N, size=batch_size, replace=False)``), so a correct implementation follows the
reference's path to rounding. When a path leaves the reference's, the first step that differs is
compared with the steps the usual slips would take there (another way of drawing, the same
minibatch again, one per row, a schedule off by one, a sum for a mean), all computed by the
reference at the reference's own points, so the diagnosis works from the stored answers too.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import strategies as st

from ..properties import floats, log_uniform, points, run_property
from ..registry import CheckFailed, check, expect
from ..target import LandscapeSpec
from .contract import WELLS, confirmed_converged, max_gap, register_contract, register_hyperparameters, require_working, same_hyperparameters_property, same_path
from .landscapes import REFERENCE_TOL, _fail, against_differences


def make_data(n_samples: int, d: int, seed: int):
    """A seeded classification data set ``(X_data: (N, d), y_data: (N,))`` with overlapping classes."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n_samples, d)) * np.linspace(1.5, 0.6, d)
    w = rng.standard_normal(d)
    y = np.where(rng.random(n_samples) < 1.0 / (1.0 + np.exp(-A @ w)), 1.0, -1.0)
    return A, y


def frozen(a) -> np.ndarray:
    """A float64 copy of ``a`` that nothing can write to: its memory is an immutable bytes object, so
    even ``flags.writeable = True`` is refused. In-process, the data a check sends is the check's own
    array: student code must not be able to change it for the checks that follow."""
    a = np.ascontiguousarray(a, dtype=np.float64)
    return np.frombuffer(a.tobytes(), dtype=np.float64).reshape(a.shape)


def logistic(n_samples: int, d: int, seed: int, l2: float) -> LandscapeSpec:
    A, y = make_data(n_samples, d, seed)
    return LandscapeSpec("LogisticRegression", (("X_data", frozen(A)), ("y_data", frozen(y)), ("l2", l2)), "reference")


def subset(spec: LandscapeSpec, idx) -> LandscapeSpec:
    """The finite sum over the examples ``idx`` only (repeats kept): its loss is the minibatch loss."""
    kw = dict(spec.kwargs)
    idx = np.asarray(idx, dtype=int)
    return LandscapeSpec(spec.name, (("X_data", frozen(kw["X_data"][idx])), ("y_data", frozen(kw["y_data"][idx])), ("l2", kw["l2"])), spec.source)


def n_of(spec: LandscapeSpec) -> int:
    return len(dict(spec.kwargs)["y_data"])


# 3-D and strongly convex (the contract's bowl); 2-D (batch independence, paths); 5-D (hidden)
FINITE3 = logistic(40, 3, 11, 0.05)
FINITE2 = logistic(30, 2, 12, 0.02)
FINITE5 = logistic(60, 5, 13, 0.01)
STARTS2 = np.array([[0.0, 0.0], [2.0, -1.5], [-1.0, 2.5], [0.5, 0.5]])

HINTS = {
    "LogisticRegression": (
        "differentiate log(1 + exp(-m)) with respect to the margin m first, then m = y_i a_i^T x with respect to x; "
        "average over the examples (a mean, not a sum) and add the regularizer's gradient once"
    ),
    "SGD": (
        "each step draws one minibatch for the whole batch of starts with self.rng_.choice(N, size=batch_size, replace=False), "
        "a fresh one every step; the step size of step t (counted from 0) follows the schedule; with averaging, the SGD iterate z_ "
        "moves and the reported iterate is the running mean of z from step `average` on"
    ),
    "SVRG": (
        "at steps t = 0, m, 2m, ... take the snapshot (the current x) and its full gradient before moving; every step "
        "uses g = grad_batch(x, I) - grad_batch(snapshot, I) + full gradient, with one minibatch I for both terms"
    ),
    "AdamW": (
        "Adam's moments see only the loss's gradient (taken at x before any decay); the decay lr * weight_decay * x is "
        "added outside the adaptive step, not divided by sqrt(v_hat) and not put into the gradient"
    ),
}


# --------------------------------------------------------------------------- LogisticRegression
@st.composite
def logistic_cases(draw):
    """A small data set (any labels, features in [-2, 2]), an l2, and points."""
    N, d = draw(st.integers(1, 7)), draw(st.integers(1, 4))
    A = draw(points(d, n=st.just(N), lo=-2.0, hi=2.0))
    y = draw(points(1, n=st.just(N), lo=-1.0, hi=1.0)).ravel()
    y = np.where(y < 0, -1.0, 1.0)
    l2 = draw(st.sampled_from([0.0, 0.1]) | floats(0.0, 1.0))
    return {"X_data": frozen(A), "y_data": frozen(y), "l2": l2}, draw(points(d, lo=-3.0, hi=3.0))


@check("LogisticRegression.grad.gradcheck", points=3)
def logistic_grad(t, ref):
    """The gradient matches central differences of the loss at points and data sets drawn by Hypothesis."""

    def prop(case):
        kwargs, X = case
        mine, theirs = t.landscape("LogisticRegression", **kwargs), ref.landscape("LogisticRegression", **kwargs)
        _fail(against_differences("gradient", mine.grad(X), theirs, X), HINTS["LogisticRegression"])
        one = mine.call("grad", X[0])
        expect(one.shape == X[0].shape, f"LogisticRegression.grad on one point of shape {X[0].shape} should return shape {X[0].shape}, got {one.shape} (keep the @batched decorator)")

    run_property(prop, case=logistic_cases())


@check("LogisticRegression.hessian.gradcheck", points=3)
def logistic_hessian(t, ref):
    """The Hessian matches central differences of the gradient, and is symmetric."""

    def prop(case):
        kwargs, X = case
        mine, theirs = t.landscape("LogisticRegression", **kwargs), ref.landscape("LogisticRegression", **kwargs)
        _fail(
            against_differences("Hessian", mine.hessian(X), theirs.grad, X, second=True),
            "differentiate your gradient once more: each example contributes its curvature along a_i, an outer product "
            "a_i a_i^T (d, d) weighted by the second derivative of log(1 + exp(-m)); the regularizer adds l2 times the identity",
        )

    run_property(prop, case=logistic_cases())


@st.composite
def minibatch_cases(draw):
    kwargs, X = draw(logistic_cases())
    N = len(kwargs["y_data"])
    idx = draw(st.lists(st.integers(0, N - 1), min_size=1, max_size=6))
    return kwargs, X, np.array(idx, dtype=float)


@check("LogisticRegression.grad_batch.gradcheck", points=2)
def logistic_grad_batch(t, ref):
    """grad_batch(X, idx) matches central differences of the minibatch loss, the mean of l_i over idx (repeats counted)."""

    def prop(case):
        kwargs, X, idx = case
        mine = t.landscape("LogisticRegression", **kwargs)
        spec = LandscapeSpec("LogisticRegression", tuple(sorted(kwargs.items())), "reference")
        part = ref.landscape("LogisticRegression", **dict(subset(spec, idx).kwargs))  # the loss of the minibatch alone
        G = mine.call("grad_batch", X, idx, shape=X.shape)
        result = against_differences(f"minibatch gradient over idx = {idx.astype(int).tolist()}", G, part, X)
        _fail(
            result,
            "grad_batch is the gradient of the minibatch loss (1/b) sum over i in idx of l_i: a mean over the b indices given "
            "(an index given twice counts twice), each l_i with its regularizer, so the regularizer's gradient enters once",
        )
        one = mine.call("grad_batch", X[0], idx)
        expect(one.shape == X[0].shape, f"LogisticRegression.grad_batch on one point of shape {X[0].shape} should return shape {X[0].shape}, got {one.shape}")

    run_property(prop, case=minibatch_cases())


def _all_minibatches(N: int, b: int):
    return [np.array(c, dtype=float) for c in itertools.combinations(range(N), b)]


@check("LogisticRegression.grad_batch.unbiased", points=2)
def logistic_unbiased(t, ref):
    """Averaged over every minibatch of b distinct examples, grad_batch equals the full gradient (an unbiased estimate)."""

    def prop(case, b):
        kwargs, X = case
        N = len(kwargs["y_data"])
        b = min(b, N)
        mine, theirs = t.landscape("LogisticRegression", **kwargs), ref.landscape("LogisticRegression", **kwargs)
        batches = _all_minibatches(N, b)
        mean = np.mean([mine.call("grad_batch", X, idx, shape=X.shape) for idx in batches], axis=0)
        full = theirs.grad(X)
        gap, where = max_gap(mean, full)
        if gap > 1e-9:
            ratio = float(np.sum(mean * full) / max(np.sum(full * full), 1e-300))
            raise CheckFailed(
                f"LogisticRegression: the mean of grad_batch over all {len(batches)} minibatches of b = {b} of the N = {N} examples "
                f"should be the full gradient {np.array2string(full[where[0]], precision=8)} at x = {X[where[0]].tolist()}; "
                f"got {np.array2string(mean[where[0]], precision=8)} (about {ratio:.4g} times it)\n"
                "  Hint: a minibatch gradient is a mean over its b examples, not a sum (a sum is b times too long on average), "
                "and the regularizer's gradient enters once, not once per example"
            )

    run_property(prop, max_examples=15, case=logistic_cases(), b=st.integers(1, 7))


@check("LogisticRegression.grad_batch.variance", points=1)
def logistic_variance(t, ref):
    """Over every minibatch of b distinct examples, the variance of grad_batch is the per-example variance
    times (N - b) / (b (N - 1)): the 1/b law with the finite-population factor."""
    spec = logistic(9, 2, 21, 0.1)
    mine = t.landscape("LogisticRegression", **dict(spec.kwargs))
    theirs = ref.landscape("LogisticRegression", **dict(spec.kwargs))
    X = np.array([[0.4, -0.8], [-1.5, 1.0]])
    per_example = np.stack([theirs.call("grad_batch", X, np.array([float(i)])) for i in range(9)])  # (N, n, d)
    sigma2 = np.sum(np.var(per_example, axis=0), axis=-1)  # (n,): the trace of the per-example covariance
    for b in (1, 2, 4, 8):
        G = np.stack([mine.call("grad_batch", X, idx, shape=X.shape) for idx in _all_minibatches(9, b)])
        got = np.sum(np.var(G, axis=0), axis=-1)
        want = sigma2 * (9 - b) / (b * (9 - 1))
        expect(
            np.allclose(got, want, rtol=1e-7, atol=1e-14),
            f"LogisticRegression: over all minibatches of b = {b} of N = 9 examples the variance (trace of the covariance) of grad_batch "
            f"should be {want.tolist()} (sigma^2 (N - b) / (b (N - 1)), sigma^2 = {sigma2.tolist()} per example); got {got.tolist()}\n"
            "  Hint: grad_batch must depend on the examples in idx only, as their mean gradient (a sum scales the variance by b^2; "
            "ignoring idx gives no variance at all)",
        )


# --------------------------------------------------------------------------- draws and their diagnosis
def draws(seed, N: int, b: int, count: int, how: str = "choice") -> list:
    """The first ``count`` minibatches ``default_rng(seed)`` gives when drawn ``how``: ``choice`` (the
    docstrings' convention), ``integers`` (with replacement), ``permutation`` (a shuffle cut to b)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        if how == "choice":
            out.append(rng.choice(N, size=b, replace=False))
        elif how == "integers":
            out.append(rng.integers(0, N, size=b))
        else:
            out.append(rng.permutation(N)[:b])
    return [np.asarray(i, dtype=float) for i in out]


DIAGNOSED_STEPS = 3


def sgd_candidates(ref, spec: LandscapeSpec, want_Xs, kwargs: dict) -> list[dict]:
    """For the first steps of the reference's path ``want_Xs`` (``(k+1, n, d)``), the step each usual slip
    would take from the reference's point: ``[{slip: new points (n, d)}]`` per step. Always asked (not
    only on failure), so that the stored reference answers hold them."""
    N, b, seed = n_of(spec), kwargs.get("batch_size", 1), kwargs.get("random_state")
    n = want_Xs.shape[1]
    K = min(DIAGNOSED_STEPS, len(want_Xs) - 1)
    right, wrs, perm, rows = draws(seed, N, b, K), draws(seed, N, b, K, "integers"), draws(seed, N, b, K, "permutation"), draws(seed, N, b, K * n)
    lr, t0, schedule = kwargs.get("lr", 0.1), kwargs.get("t0", 100.0), kwargs.get("schedule", "constant")

    def eta(k):
        return lr / (1 + k / t0) if schedule == "inverse" else lr / np.sqrt(1 + k / t0) if schedule == "inverse_sqrt" else lr

    out = []
    for k in range(K):
        X = want_Xs[k]
        G = ref.call(spec, "grad_batch", X, right[k])
        slips = {
            "the indices were drawn with replacement (rng_.integers, or choice with replace=True): draw b distinct ones with rng_.choice(N, size=batch_size, replace=False)": X - eta(k) * ref.call(spec, "grad_batch", X, wrs[k]),
            "the indices come from a shuffle (rng_.permutation) cut to batch_size: the draws must be rng_.choice(N, size=batch_size, replace=False)": X - eta(k) * ref.call(spec, "grad_batch", X, perm[k]),
            "the step used the full gradient, not a minibatch": X - eta(k) * ref.call(spec, "grad", X),
            f"the step is batch_size = {b} times too long: a sum over the minibatch where the mean belongs": X - b * eta(k) * G,
        }
        if k >= 1:
            slips["the step reused the minibatch of the first step: draw a fresh minibatch at every step (not once, in init_state or the first update)"] = X - eta(k) * ref.call(spec, "grad_batch", X, right[0])
        if schedule != "constant":
            slips["the step size is that of step t + 1: the schedule counts steps from t = 0 (the first step uses lr itself)"] = X - eta(k + 1) * G
        if n > 1 and b < N:
            per_row = np.stack([X[r] - eta(k) * ref.call(spec, "grad_batch", X[r], rows[k * n + r]) for r in range(n)])
            slips["each row drew a minibatch of its own: draw one minibatch per step and use it for every row of X"] = per_row
        out.append(slips)
    return out


def diagnose(got_Xs, want_Xs, candidates: list[dict], tol: float = 1e-7) -> str:
    """Which slip's step the first differing step of ``got_Xs`` matches, if any (one sentence or "")."""
    if got_Xs.shape != want_Xs.shape:
        return ""
    with np.errstate(invalid="ignore", over="ignore"):
        gap = np.max(np.abs(got_Xs - want_Xs) / (1.0 + np.abs(want_Xs)), axis=(1, 2))
    bad = np.flatnonzero(~(gap <= tol))
    if not len(bad) or bad[0] == 0 or bad[0] > len(candidates):
        return ""
    k = int(bad[0])
    for words, X_new in candidates[k - 1].items():
        with np.errstate(invalid="ignore", over="ignore"):
            if np.all(np.abs(got_Xs[k] - X_new) <= 1e-7 * (1.0 + np.abs(X_new))):
                return f"step {k} is exactly the step taken when {words}"
    return ""


def with_likely(exc: CheckFailed, likely: str) -> CheckFailed:
    """``exc`` with a "Likely: ..." line before its hint (the hint stays last), plot and cause kept."""
    body, sep, tail = str(exc).partition("\n  Hint: ")
    return CheckFailed(f"{body}\n  Likely: {likely}{sep}{tail}", exc.plot, cause=exc.cause)


def same_path_diagnosed(name: str, got, want, what: str, hint: str, candidates: list[dict], tol: float = 1e-9, spec=None, params=None) -> None:
    """``same_path``, with the slip that the first differing step matches named when one does
    (a "Likely:" line before the hint, which stays last)."""
    try:
        same_path(name, got, want, what, hint, tol=tol, spec=spec, params=params)
    except CheckFailed as exc:
        likely = diagnose(got, want, candidates)
        if likely:
            raise with_likely(exc, likely) from None
        raise


def _describe(name: str, kwargs: dict, spec: LandscapeSpec) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    kw = dict(spec.kwargs)
    what = f"LogisticRegression(N={n_of(spec)}, d={kw['X_data'].shape[1]}, l2={kw['l2']})" if spec.name == "LogisticRegression" else spec.name
    return f"{name}({args}) on {what}"


# --------------------------------------------------------------------------- the contract battery
CONTRACT = {
    "SGD": {"lr": 1.0, "batch_size": 8, "schedule": "inverse", "t0": 20.0, "random_state": 0},
    "SVRG": {"lr": 1.0, "batch_size": 4, "inner_steps": 20, "random_state": 0},
    "AdamW": {"lr": 0.05, "weight_decay": 1e-3},
}
for _name in CONTRACT:
    # one minibatch per step for the whole batch: a row's path does not depend on its batch, so
    # batch independence is checked (deterministic=True) with the seed fixed in the kwargs
    register_contract(_name, CONTRACT[_name], HINTS[_name], deterministic=True, bowl=FINITE3, rugged=FINITE2, d=3, probe={"batch_size": n_of(FINITE3)} if _name == "SGD" else None)  # SGD on the whole sum: gradient descent


# --------------------------------------------------------------------------- SGD
SGD_PATHS = [
    {"lr": 1.0, "batch_size": 1, "random_state": 7},
    {"lr": 2.0, "batch_size": 5, "schedule": "inverse", "t0": 4.0, "random_state": 8},
    {"lr": 1.5, "batch_size": 3, "schedule": "inverse_sqrt", "t0": 2.0, "random_state": 9},
]


@check("SGD.trajectory.reference", points=3)
def sgd_paths(t, ref):
    """The iterates equal the reference's, step by step (the same seeded minibatches), for each schedule."""
    for kwargs in SGD_PATHS:
        run = {**kwargs, "max_iter": 30, "tol": 0.0, "store_history": True}
        want = ref.fit("SGD", FINITE2, STARTS2, **run)
        candidates = sgd_candidates(ref, FINITE2, want.Xs, kwargs)
        mine = t.fit("SGD", FINITE2, STARTS2, **run)
        same_path_diagnosed("SGD", mine.Xs, want.Xs, _describe("SGD", kwargs, FINITE2), HINTS["SGD"], candidates, spec=FINITE2, params=kwargs)


@check("SGD.full_batch", points=2)
def sgd_full_batch(t, ref):
    """With batch_size = N (and a constant step) every minibatch is the whole data set: SGD is gradient descent."""
    N = n_of(FINITE2)
    require_working(t, ref, "SGD", FINITE2, STARTS2, {"lr": 1.0, "batch_size": N, "random_state": 0}, needs="SGD.full_batch", hint=HINTS["SGD"])

    def prop(X0, lr, seed):
        a = t.fit("SGD", FINITE2, X0, lr=lr, batch_size=N, random_state=seed, max_iter=15, tol=0.0, store_history=True)
        b = ref.fit("GradientDescent", FINITE2, X0, lr=lr, max_iter=15, tol=0.0, store_history=True)
        same_path("SGD", a.Xs, b.Xs, f"SGD(batch_size=N={N}, lr={lr:.4g}, random_state={seed}) against GradientDescent(lr={lr:.4g})", "a minibatch of all N distinct examples is the data set itself, whatever the draw: draw without replacement (rng_.choice(N, size=batch_size, replace=False)) and take the mean", tol=1e-9)

    run_property(prop, max_examples=10, X0=points(2, n=st.integers(1, 3)), lr=floats(0.1, 3.0), seed=st.integers(0, 1000))


def _schedule_words(got_Xs, want_Xs, kwargs) -> str:
    """With full batches the directions agree: the ratio of the first differing step's length names the slip."""
    steps_got = np.linalg.norm(np.diff(got_Xs, axis=0), axis=-1)
    steps_want = np.linalg.norm(np.diff(want_Xs, axis=0), axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = steps_got / steps_want
    bad = np.flatnonzero(~np.all(np.isclose(ratio, 1.0, rtol=1e-6), axis=1))
    if not len(bad):
        return ""
    k, r = int(bad[0]), float(np.nanmedian(ratio[bad[0]]))
    lr, t0, schedule = kwargs["lr"], kwargs["t0"], kwargs["schedule"]
    eta = {"constant": lambda s: lr, "inverse": lambda s: lr / (1 + s / t0), "inverse_sqrt": lambda s: lr / np.sqrt(1 + s / t0)}
    for words, value in (
        ("the schedule is one step ahead: step t (from 0) must use eta_t, and the first step lr itself", eta[schedule](k + 1)),
        ("the schedule is one step behind", eta[schedule](k - 1) if k >= 1 else np.nan),
        ("the step size does not decay: the schedule is ignored", lr),
        ("the step size follows 'inverse' (lr / (1 + t / t0)) where 'inverse_sqrt' belongs", eta["inverse"](k)),
        ("the step size follows 'inverse_sqrt' where 'inverse' belongs", eta["inverse_sqrt"](k)),
    ):
        if np.isclose(r * eta[schedule](k), value, rtol=1e-6):
            return f"step {k + 1} has the step size {r * eta[schedule](k):.6g} where the schedule gives {eta[schedule](k):.6g}: {words}"
    return f"step {k + 1} has the step size {r * eta[schedule](k):.6g} where the schedule gives eta_{k} = {eta[schedule](k):.6g}"


@check("SGD.schedule", points=2)
def sgd_schedule(t, ref):
    """With full batches (batch_size = N) the step sizes follow each schedule from t = 0, step for step."""
    N = n_of(FINITE2)
    for schedule, t0 in (("inverse", 3.0), ("inverse_sqrt", 2.0), ("constant", 5.0)):
        kwargs = {"lr": 1.5, "batch_size": N, "schedule": schedule, "t0": t0, "random_state": 0}
        run = {**kwargs, "max_iter": 12, "tol": 0.0, "store_history": True}
        mine, want = t.fit("SGD", FINITE2, STARTS2, **run), ref.fit("SGD", FINITE2, STARTS2, **run)
        try:
            same_path("SGD", mine.Xs, want.Xs, _describe("SGD", kwargs, FINITE2), "eta_t = lr, lr / (1 + t / t0) or lr / sqrt(1 + t / t0), with t the steps already taken (0 at the first step)", tol=1e-9, params=kwargs)
        except CheckFailed as exc:
            words = _schedule_words(mine.Xs, want.Xs, kwargs) if mine.Xs.shape == want.Xs.shape else ""
            raise (with_likely(exc, words) if words else exc) from None


def _averaged(Z, a):
    """The reported iterates for SGD iterates ``Z: (k+1, n, d)`` averaged from step ``a`` (None: no averaging)."""
    if a is None:
        return Z
    out = Z.copy()
    for s in range(a + 1, len(Z)):
        out[s] = Z[a : s + 1].mean(axis=0)
    return out


def _running(Z, a, weight):
    """A running mean with another weight: ``x_t = x_{t-1} + (z_t - x_{t-1}) / weight(t)`` for ``t > a``."""
    out = Z.copy()
    for s in range(a + 1, len(Z)):
        out[s] = out[s - 1] + (Z[s] - out[s - 1]) / weight(s)
    return out


@check("SGD.averaging", points=2)
def sgd_averaging(t, ref):
    """With full batches, the reported path is the running mean of gradient descent's iterates from step `average` on."""
    N = n_of(FINITE2)
    require_working(t, ref, "SGD", FINITE2, STARTS2, {"lr": 1.0, "batch_size": N, "random_state": 0}, needs="SGD.averaging", hint=HINTS["SGD"])
    Z = ref.fit("GradientDescent", FINITE2, STARTS2, lr=1.0, max_iter=12, tol=0.0, store_history=True).Xs
    for a in (0, 4):
        mine = t.fit("SGD", FINITE2, STARTS2, lr=1.0, batch_size=N, average=a, random_state=0, max_iter=12, tol=0.0, store_history=True)
        want = _averaged(Z, a)
        try:
            same_path("SGD", mine.Xs, want, f"SGD(batch_size=N, lr=1.0, average={a}), whose SGD iterates are gradient descent's", "the reported iterate is z_t while t < average, then the mean of z_average, ..., z_t; the SGD iterate z_ moves, never the average", tol=1e-9)
        except CheckFailed as exc:
            likely = ""
            if mine.Xs.shape == want.shape:
                for words, alt in (
                    ("the average starts one step late (from z_{a+1})", _averaged(Z, a + 1)),
                    ("the average starts one step early (from z_{a-1})", _averaged(Z, a - 1) if a >= 1 else None),
                    ("the average is not reported: average is ignored", Z),
                    ("the running mean counts every step since the start: its weight is 1 / (t + 1) where 1 / (t - average + 1) belongs", _running(Z, a, lambda s: s + 1)),
                ):
                    if alt is not None and max_gap(mine.Xs, alt)[0] < 1e-9:
                        likely = words
                        break
                if not likely and max_gap(mine.Xs[: a + 2], want[: a + 2])[0] < 1e-9:
                    likely = "the first averaged step is right and later ones are not: are the steps taken from the average instead of from the SGD iterate z_, or is the running mean's weight 1 / (t - average + 1)?"
            raise (with_likely(exc, likely) if likely else exc) from None


@check("SGD.reproducible", points=1)
def sgd_reproducible(t, ref):
    """The same random_state gives the same path in two fresh objects; another seed gives another."""
    kwargs = {"lr": 1.0, "batch_size": 2}
    require_working(t, ref, "SGD", FINITE2, STARTS2, {**kwargs, "random_state": 0}, needs="SGD.reproducible", hint=HINTS["SGD"])
    for seed in (3, 40):
        run = {**kwargs, "max_iter": 10, "tol": 0.0, "store_history": True}
        a = t.fit("SGD", FINITE2, STARTS2, random_state=seed, **run)
        b = t.fit("SGD", FINITE2, STARTS2, random_state=seed, **run)
        same_path("SGD", b.Xs, a.Xs, f"two runs with random_state={seed}", "draw only from self.rng_ (made by fit from random_state), never from np.random", tol=0.0)
        c = t.fit("SGD", FINITE2, STARTS2, random_state=seed + 1, **run)
        expect(max_gap(c.Xs, a.Xs)[0] > 1e-6, f"SGD with random_state={seed} and {seed + 1} followed the same path: are the minibatches drawn from self.rng_?\n  Hint: {HINTS['SGD']}")


def _excess(ref, spec, Xs, x_star):
    """L(x) - L(x*) for every point of a history ``(k+1, n, d)``: (k+1, n)."""
    loss = ref.landscape(spec.name, **dict(spec.kwargs))
    return loss(Xs.reshape(-1, Xs.shape[-1])).reshape(Xs.shape[:-1]) - float(loss(x_star))


def _minimum(ref, spec):
    d = dict(spec.kwargs)["X_data"].shape[1]
    return ref.fit("Newton", spec, np.zeros(d), lr=1.0, max_iter=100, tol=1e-12).X


@check("SGD.convergence.noise_floor", points=2)
def sgd_noise_floor(t, ref):
    """A constant step reaches the noise floor the reference reaches: the mean excess loss over the last
    500 of 1500 steps (lr 1, batch_size 1) is at most 1.5 times the reference's."""
    kwargs = {"lr": 1.0, "batch_size": 1, "random_state": 5}
    require_working(t, ref, "SGD", FINITE3, np.array([[0.7, -1.2, 2.1]]), kwargs, needs="SGD.convergence.noise_floor", hint=HINTS["SGD"])
    X0 = np.array([[3.0, -3.0, 2.0]])
    x_star = _minimum(ref, FINITE3)
    run = {**kwargs, "max_iter": 1500, "tol": 0.0, "store_history": True}
    want = float(np.mean(_excess(ref, FINITE3, ref.fit("SGD", FINITE3, X0, **run).Xs[-500:], x_star)))
    got = float(np.mean(_excess(ref, FINITE3, t.fit("SGD", FINITE3, X0, **run).Xs[-500:], x_star)))
    expect(
        got <= 1.5 * want,
        f"SGD(lr=1.0, batch_size=1) from {X0[0].tolist()}: over the last 500 of 1500 steps the loss should hover about {want:.3g} above the minimum "
        f"(the reference's noise floor); yours hovers {got:.3g} above it\n  Hint: {HINTS['SGD']}",
    )


@check("SGD.convergence.decay", points=2)
def sgd_decay(t, ref):
    """A decaying step reaches the minimum: 'inverse' to |grad L| < 1e-3 and 'inverse_sqrt' with averaging to
    |grad L| < 2e-2, within budgets (a constant step hovers above both)."""
    X0 = np.array([[3.0, -3.0, 2.0], [-2.0, 1.0, 0.0]])
    cases = [
        ({"lr": 2.0, "batch_size": 4, "schedule": "inverse", "t0": 30.0, "random_state": 1}, 3500, 1e-3),
        ({"lr": 2.0, "batch_size": 4, "schedule": "inverse_sqrt", "t0": 30.0, "average": 500, "random_state": 3}, 3000, 2e-2),
    ]
    require_working(t, ref, "SGD", FINITE3, X0, cases[0][0], needs="SGD.convergence.decay", hint=HINTS["SGD"])
    for kwargs, budget, tol in cases:
        need = ref.fit("SGD", FINITE3, X0, max_iter=budget, tol=tol, **kwargs)
        fit = t.fit("SGD", FINITE3, X0, max_iter=budget, tol=tol, **kwargs)
        expect(
            bool(np.all(confirmed_converged(ref, FINITE3, fit, tol))),
            f"{_describe('SGD', kwargs, FINITE3)} should reach |grad L| < {tol:g} within {budget} steps from {X0.tolist()} (the reference needs "
            f"{np.max(need.n_iter):.0f}); converged_ = {np.atleast_1d(fit.converged).astype(bool).tolist()}, X_ = {np.round(fit.X, 5).tolist()}\n  Hint: {HINTS['SGD']}",
        )


register_hyperparameters(
    "SGD", {"lr": 1.0, "batch_size": 3, "schedule": "inverse", "t0": 1.0, "average": 2, "random_state": 0}, FINITE2, STARTS2,
    {"lr": (0.5, 2.0), "batch_size": (2, 7), "schedule": ("inverse", "inverse_sqrt"), "t0": (2.0, 10.0), "average": (1, 3), "random_state": (0, 1)},
    HINTS["SGD"],
)


# --------------------------------------------------------------------------- SVRG
SVRG_PATHS = [{"lr": 1.0, "batch_size": 1, "inner_steps": 6, "random_state": 3}, {"lr": 2.0, "batch_size": 4, "inner_steps": 5, "random_state": 4}]


def svrg_candidates(ref, spec, want_Xs, kwargs) -> list[dict]:
    """As ``sgd_candidates``, for SVRG's usual slips in its first steps (before the first refresh)."""
    N, b, seed, lr = n_of(spec), kwargs["batch_size"], kwargs["random_state"], kwargs["lr"]
    K = min(DIAGNOSED_STEPS, len(want_Xs) - 1, kwargs["inner_steps"])
    right = draws(seed, N, b, 2 * K)
    snap, mu = want_Xs[0], ref.call(spec, "grad", want_Xs[0])
    out = []
    for k in range(K):
        X = want_Xs[k]
        gx, gs = ref.call(spec, "grad_batch", X, right[k]), ref.call(spec, "grad_batch", snap, right[k])
        slips = {
            "the control variate's sign is flipped (g = grad_batch(x) + grad_batch(snapshot) - full gradient)": X - lr * (gx + gs - mu),
            "the snapshot's minibatch gradient is added where it must be subtracted": X - lr * (gx + gs + mu),
            "the snapshot term uses a minibatch of its own: both minibatch gradients of a step must use the same minibatch": X - lr * (gx - ref.call(spec, "grad_batch", snap, right[k + 1]) + mu) if k == 0 else None,
            "the full gradient term is missing (g = grad_batch(x) - grad_batch(snapshot))": X - lr * (gx - gs),
            "plain SGD: the control variate is missing": X - lr * gx,
        }
        out.append({w: v for w, v in slips.items() if v is not None})
    return out


@check("SVRG.trajectory.reference", points=3)
def svrg_paths(t, ref):
    """The iterates equal the reference's, step by step (seeded minibatches, snapshots every inner_steps)."""
    for kwargs in SVRG_PATHS:
        run = {**kwargs, "max_iter": 20, "tol": 0.0, "store_history": True}
        want = ref.fit("SVRG", FINITE2, STARTS2, **run)
        candidates = svrg_candidates(ref, FINITE2, want.Xs, kwargs)
        mine = t.fit("SVRG", FINITE2, STARTS2, **run)
        try:
            same_path_diagnosed("SVRG", mine.Xs, want.Xs, _describe("SVRG", kwargs, FINITE2), HINTS["SVRG"], candidates, spec=FINITE2, params=kwargs)
        except CheckFailed as exc:
            if "Likely:" not in str(exc) and mine.Xs.shape == want.Xs.shape:
                gap = np.max(np.abs(mine.Xs - want.Xs) / (1.0 + np.abs(want.Xs)), axis=(1, 2))
                first = int(np.flatnonzero(~(gap <= 1e-9))[0])
                m = kwargs["inner_steps"]
                if first > 1 and (first - 1) % m == 0:
                    raise with_likely(exc, f"the path leaves the reference's at step {first}, the first step after a snapshot is due (t = {first - 1}, a multiple of inner_steps = {m}): is the snapshot, with its full gradient, refreshed every inner_steps steps?") from None
            raise


@check("SVRG.first_step", points=1)
def svrg_first_step(t, ref):
    """The first step is taken at the snapshot itself, where the control variate leaves the full gradient: it is gradient descent's step."""
    require_working(t, ref, "SVRG", FINITE2, STARTS2, SVRG_PATHS[0], needs="SVRG.first_step", hint=HINTS["SVRG"])

    def prop(X0, lr, b, seed):
        mine = t.fit("SVRG", FINITE2, X0, lr=lr, batch_size=b, random_state=seed, max_iter=1, tol=0.0, store_history=True)
        gd = ref.fit("GradientDescent", FINITE2, X0, lr=lr, max_iter=1, tol=0.0, store_history=True)
        same_path("SVRG", mine.Xs, gd.Xs, f"the first step of SVRG(lr={lr:.4g}, batch_size={b}, random_state={seed})", "at t = 0 the snapshot is x itself, so grad_batch(x, I) - grad_batch(snapshot, I) + full gradient is the full gradient: check the signs of the control variate and that the snapshot is taken before the first move", tol=1e-9, params={"lr": lr, "batch_size": b})

    run_property(prop, max_examples=10, X0=points(2, n=st.integers(1, 3)), lr=floats(0.1, 3.0), b=st.integers(1, n_of(FINITE2)), seed=st.integers(0, 1000))


@check("SVRG.every_step_a_snapshot", points=2)
def svrg_inner_one(t, ref):
    """With inner_steps = 1 the snapshot is refreshed at every step, so every step is a full gradient step: SVRG is gradient descent."""
    require_working(t, ref, "SVRG", FINITE2, STARTS2, SVRG_PATHS[0], needs="SVRG.every_step_a_snapshot", hint=HINTS["SVRG"])
    for lr, b in ((1.0, 1), (2.5, 6)):
        mine = t.fit("SVRG", FINITE2, STARTS2, lr=lr, batch_size=b, inner_steps=1, random_state=0, max_iter=12, tol=0.0, store_history=True)
        gd = ref.fit("GradientDescent", FINITE2, STARTS2, lr=lr, max_iter=12, tol=0.0, store_history=True)
        same_path("SVRG", mine.Xs, gd.Xs, f"SVRG(lr={lr}, batch_size={b}, inner_steps=1) against GradientDescent(lr={lr})", "with inner_steps = 1 every step is a snapshot step (t % 1 == 0): refresh the snapshot and its full gradient at x before the step", tol=1e-9, params={"lr": lr, "batch_size": b, "inner_steps": 1})


SVRG_BUDGET = ({"lr": 1.0, "batch_size": 4, "inner_steps": 20, "random_state": 6}, 600)


@check("SVRG.convergence", points=2)
def svrg_convergence(t, ref):
    """A constant step reaches the minimum, |grad L| < 1e-9, within a budget (SGD with a constant step cannot)."""
    kwargs, budget = SVRG_BUDGET
    X0 = np.array([[3.0, -3.0, 2.0], [-2.0, 1.0, 0.0]])
    require_working(t, ref, "SVRG", FINITE3, X0, kwargs, needs="SVRG.convergence", hint=HINTS["SVRG"])
    need = ref.fit("SVRG", FINITE3, X0, max_iter=budget, tol=1e-9, **kwargs)
    fit = t.fit("SVRG", FINITE3, X0, max_iter=budget, tol=1e-9, **kwargs)
    expect(
        bool(np.all(confirmed_converged(ref, FINITE3, fit, 1e-9))),
        f"{_describe('SVRG', kwargs, FINITE3)} should reach |grad L| < 1e-9 within {budget} steps from {X0.tolist()} (the reference needs "
        f"{np.max(need.n_iter):.0f}); converged_ = {np.atleast_1d(fit.converged).astype(bool).tolist()}\n  Hint: {HINTS['SVRG']}",
    )


@check("SVRG.linear_rate", points=2)
def svrg_rate(t, ref):
    """The excess loss at the snapshots falls at a linear rate: by at least a factor 0.5 per snapshot period (the reference: about 0.05)."""
    kwargs = SVRG_BUDGET[0]
    X0 = np.array([[3.0, -3.0, 2.0]])
    require_working(t, ref, "SVRG", FINITE3, X0, kwargs, needs="SVRG.linear_rate", hint=HINTS["SVRG"])
    x_star = _minimum(ref, FINITE3)
    m, periods = kwargs["inner_steps"], 6
    fit = t.fit("SVRG", FINITE3, X0, max_iter=m * periods, tol=0.0, store_history=True, **kwargs)
    gaps = np.maximum(_excess(ref, FINITE3, fit.Xs[::m], x_star)[:, 0], 1e-300)
    factor = float(np.exp(np.polyfit(np.arange(len(gaps)), np.log(gaps), 1)[0]))
    expect(
        factor <= 0.5,
        f"{_describe('SVRG', kwargs, FINITE3)}: the excess loss at the snapshots {np.array2string(gaps, precision=3)} falls by a factor "
        f"{factor:.3g} per snapshot period; a linear rate of at most 0.5 per period was expected\n  Hint: {HINTS['SVRG']}",
    )


register_hyperparameters("SVRG", {"lr": 1.0, "batch_size": 2, "inner_steps": 3, "random_state": 0}, FINITE2, STARTS2, {"lr": (0.5, 2.0), "batch_size": (1, 5), "inner_steps": (2, 4), "random_state": (0, 1)}, HINTS["SVRG"])


# --------------------------------------------------------------------------- AdamW
ADAMW_PATHS = [
    (WELLS, {"lr": 0.1, "weight_decay": 0.5, "eps": 1e-3}),
    (FINITE2, {"lr": 0.2, "weight_decay": 0.1, "batch_size": 5, "beta1": 0.8, "beta2": 0.99, "random_state": 2}),
]


def adamw_candidates(ref, spec: LandscapeSpec, X0, kwargs: dict) -> list[dict]:
    """The first step each usual AdamW slip would take from ``X0`` (after one step ``m_hat = g`` and
    ``v_hat = g^2``, so the adaptive step is ``g / (|g| + eps)``). Always asked, like ``sgd_candidates``."""
    lr, wd, eps, b = kwargs["lr"], kwargs.get("weight_decay", 1e-2), kwargs.get("eps", 1e-8), kwargs.get("batch_size")
    if b is None:
        g = ref.call(spec, "grad", X0)
    else:
        g = ref.call(spec, "grad_batch", X0, draws(kwargs.get("random_state"), n_of(spec), b, 1)[0])
    gl = g + wd * X0
    slips = {
        "the decay went into the gradient (an L2 term inside Adam): AdamW adds lr * weight_decay * x outside the adaptive step": X0 - lr * gl / (np.abs(gl) + eps),
        "the decay is divided by sqrt(v_hat) + eps (scaled by the adaptive factor)": X0 - lr * gl / (np.abs(g) + eps),
        "the decay is not multiplied by lr": X0 - lr * g / (np.abs(g) + eps) - wd * X0,
        "the decay is missing": X0 - lr * g / (np.abs(g) + eps),
    }
    if b is not None:
        full = ref.call(spec, "grad", X0)
        slips["the step used the full gradient, not a minibatch (is batch_size used?)"] = X0 - lr * (full / (np.abs(full) + eps) + wd * X0)
    return [slips]


@check("AdamW.trajectory.reference", points=3)
def adamw_paths(t, ref):
    """The iterates equal the reference's, step by step: full gradients on the wells, seeded minibatches on a finite sum."""
    for spec, kwargs in ADAMW_PATHS:
        X0 = STARTS2
        run = {**kwargs, "max_iter": 30, "tol": 0.0, "store_history": True}
        want = ref.fit("AdamW", spec, X0, **run)
        candidates = adamw_candidates(ref, spec, X0, kwargs)
        mine = t.fit("AdamW", spec, X0, **run)
        same_path_diagnosed("AdamW", mine.Xs, want.Xs, f"AdamW({', '.join(f'{k}={v!r}' for k, v in kwargs.items())}) on {spec.name}", HINTS["AdamW"], candidates, spec=spec, params=kwargs)


check("AdamW.zero_decay", points=2)(
    same_hyperparameters_property(
        "AdamW", "Adam", {"weight_decay": 0.0}, {},
        "AdamW(weight_decay=0) against Adam with the same lr",
        "with weight_decay = 0 (and full gradients, batch_size=None) AdamW is Adam exactly: its moments, bias corrections and eps as in lesson 2",
    )
)


@check("AdamW.decoupled", points=2)
def adamw_decoupled(t, ref):
    """With eps = 0 the first step moves each coordinate by exactly -lr (sign(g) + weight_decay * x): the decay acts outside the adaptive step."""
    require_working(t, ref, "AdamW", WELLS, STARTS2, {"lr": 0.1, "weight_decay": 0.5, "eps": 0.0}, needs="AdamW.decoupled", hint=HINTS["AdamW"])
    wells = ref.landscape("GaussianWells", source="reference", **dict(WELLS.kwargs))

    def prop(X0, lr, wd, beta1, beta2):
        fit = t.fit("AdamW", WELLS, X0, lr=lr, weight_decay=wd, beta1=beta1, beta2=beta2, eps=0.0, max_iter=1, tol=0.0, store_history=True)
        g = wells.grad(X0)
        rows = np.all(g != 0, axis=1)
        step = (fit.Xs[1] - fit.Xs[0])[rows]
        want = (-lr * (np.sign(g) + wd * X0))[rows]
        if not np.allclose(step, want, rtol=1e-9, atol=1e-12 * lr):
            x, gr = X0[rows], g[rows]
            slips = {
                "the decay went into the gradient (an L2 term inside Adam): the step is -lr sign(g + weight_decay x)": -lr * np.sign(gr + wd * x),
                "the decay is divided by sqrt(v_hat) (scaled by the adaptive factor)": -lr * (np.sign(gr) + wd * x / np.abs(gr)),
                "the decay is not multiplied by lr": -lr * np.sign(gr) - wd * x,
                "the decay is missing": -lr * np.sign(gr),
            }
            likely = next((w for w, s in slips.items() if np.allclose(step, s, rtol=1e-9, atol=1e-12 * lr)), "")
            raise CheckFailed(
                f"AdamW(lr={lr:.4g}, weight_decay={wd:.4g}, eps=0) from {x.tolist()}: the first step should be {want.tolist()} "
                f"(-lr (sign(g) + weight_decay x) per coordinate); got {step.tolist()}" + (f"\n  Likely: {likely}" if likely else "") + f"\n  Hint: {HINTS['AdamW']}"
            )

    run_property(prop, max_examples=15, X0=points(2, n=st.integers(1, 3)), lr=log_uniform(1e-3, 0.5), wd=floats(0.01, 2.0), beta1=floats(0.0, 0.99), beta2=floats(0.5, 0.9999))


@check("AdamW.loss_scale_invariance", points=2)
def adamw_scale(t, ref):
    """With eps = 0 the path is the same when the loss is multiplied by any c > 0, decay included (Adam with an L2 term is not)."""
    kwargs = {"lr": 0.1, "weight_decay": 0.3, "eps": 0.0}
    require_working(t, ref, "AdamW", WELLS, STARTS2[:3], kwargs, needs="AdamW.loss_scale_invariance", hint=HINTS["AdamW"])

    def prop(X0, c):
        run = {**kwargs, "max_iter": 15, "tol": 0.0, "store_history": True}
        a, b = t.fit("AdamW", WELLS, X0, **run), t.fit("AdamW", WELLS.scaled(c), X0, **run)
        same_path("AdamW", b.Xs, a.Xs, f"the loss multiplied by c = {c:.6g} (weight_decay=0.3, eps=0)", "m_hat / sqrt(v_hat) does not change when the gradient is multiplied by c, and the decay lr * weight_decay * x does not involve the loss: a decay put into the gradient, or divided by sqrt(v_hat), brings c back", tol=1e-8)

    run_property(prop, max_examples=10, X0=points(2, n=st.integers(1, 3)), c=log_uniform(1e-3, 1e3))


@check("AdamW.minibatch", points=1)
def adamw_minibatch(t, ref):
    """With batch_size = N every minibatch is the whole data set: the path is that of full gradients (batch_size=None)."""
    N = n_of(FINITE2)
    kwargs = {"lr": 0.1, "weight_decay": 0.2}
    require_working(t, ref, "AdamW", FINITE2, STARTS2, kwargs, needs="AdamW.minibatch", hint=HINTS["AdamW"])
    mine = t.fit("AdamW", FINITE2, STARTS2, batch_size=N, random_state=0, max_iter=15, tol=0.0, store_history=True, **kwargs)
    full = ref.fit("AdamW", FINITE2, STARTS2, max_iter=15, tol=0.0, store_history=True, **kwargs)
    same_path("AdamW", mine.Xs, full.Xs, f"AdamW(batch_size=N={N}) against AdamW(batch_size=None)", "with batch_size set, g is grad_batch(x, I) for a minibatch I drawn with rng_.choice(N, size=batch_size, replace=False): a minibatch of all N distinct examples gives the full gradient", tol=1e-9, params={**kwargs, "batch_size": N})


@check("AdamW.convergence", points=2)
def adamw_convergence(t, ref):
    """Full-batch AdamW (lr 0.05, weight_decay 1e-3) ends within 1e-3 of the loss's minimum value after 600 steps on a finite sum."""
    kwargs = {"lr": 0.05, "weight_decay": 1e-3}
    X0 = np.array([[3.0, -3.0, 2.0], [-2.0, 1.0, 0.0]])
    require_working(t, ref, "AdamW", FINITE3, X0, kwargs, needs="AdamW.convergence", hint=HINTS["AdamW"])
    x_star = _minimum(ref, FINITE3)
    want = _excess(ref, FINITE3, ref.fit("AdamW", FINITE3, X0, max_iter=600, tol=0.0, store_history=True, **kwargs).Xs[-1:], x_star)[0]
    got = _excess(ref, FINITE3, t.fit("AdamW", FINITE3, X0, max_iter=600, tol=0.0, store_history=True, **kwargs).Xs[-1:], x_star)[0]
    expect(
        bool(np.all(got < 1e-3)),
        f"AdamW(lr=0.05, weight_decay=1e-3) from {X0.tolist()}: after 600 steps the loss should be within 1e-3 of its minimum (the reference: "
        f"{np.array2string(want, precision=3)} above it); yours is {np.array2string(got, precision=3)} above it\n  Hint: {HINTS['AdamW']}",
    )


register_hyperparameters(  # the other hyperparameters at their defaults: a hard-coded default passes the gate and is named
    "AdamW", {"lr": 0.1, "batch_size": 4, "random_state": 0}, FINITE2, STARTS2,
    {"lr": (0.05, 0.2), "beta1": (0.5, 0.9), "beta2": (0.9, 0.999), "eps": (1e-8, 0.1), "weight_decay": (0.1, 1.0), "batch_size": (3, 8), "random_state": (0, 1)},
    HINTS["AdamW"],
)
