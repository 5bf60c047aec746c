"""How much of each tolerance rounding alone uses up: the proof that grades do not depend on the CPU.

Every check compares the student's answers with the reference's under some tolerance, and notes
each comparison in ``grader.ledger``. Here the checks run with a *perturbed copy of the
reference* in the student's place, in two trials:

- ``ulps``: every start ``X0`` of a fit is moved by up to ``ULPS`` units in the last place;
- ``reordered``: every landscape evaluation and every matrix update or direction (the static
  methods) is multiplied by ``1 + u * ULPS * eps`` with ``u`` uniform in ``[-1, 1]``: what
  other BLAS kernels, SIMD widths or an equal but reordered formula (a symmetrized Hessian, a
  transposed solve, a Cholesky factorization) do to the same computation.

Both perturbations are functions of the inputs (seeded by their bytes): like one machine, the
perturbed reference gives the same answer to the same question every time, so a check that
compares two runs of the student's code (refitting, reproducibility) sees what it would see on
another CPU, not noise of the perturbation's own making.

The *share* of a check is the largest ``gap / tol`` over its notes. A check is robust when its
share stays below ``1 / HEADROOM`` in both trials, that is, when the tolerance is at least 100
times the reference's own spread. In the ``reordered`` trial every check must also still pass
(it changes no input, so even exact checks hold); in the ``ulps`` trial checks that compare a
start exactly (``Xs_[0] == X0``) fail by design, and only the notes count.

``python -m grader record`` runs this and refuses to write the stored answers when a check is
not robust; ``tests/test_headroom.py`` runs it in CI.
"""

from __future__ import annotations

import dataclasses
import hashlib
import warnings
from pathlib import Path

import numpy as np

from .. import engine, ledger
from ..sandbox.runner import Runner
from ..target import Target

ULPS = 4
HEADROOM = 100.0
STATIC_METHODS = ("inverse_update", "two_loop", "direction")


def _seed(*parts) -> int:
    """A seed from the bytes of ``parts``: the same inputs always get the same perturbation, as
    one machine always rounds the same computation the same way."""
    h = hashlib.blake2b(digest_size=8)
    for p in parts:
        h.update(np.ascontiguousarray(p).tobytes() if isinstance(p, np.ndarray) else repr(p).encode())
    return int.from_bytes(h.digest(), "little")


def _jitter(value, *inputs):
    """``value`` times ``1 + u * ULPS * eps`` per entry, with ``u`` drawn from a seed of ``inputs``."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.size:
        rng = np.random.default_rng(_seed(*inputs))
        return value * (1.0 + rng.uniform(-1.0, 1.0, size=value.shape) * ULPS * np.finfo(np.float64).eps)
    return value


class _JitteredLandscape:
    """A landscape whose every evaluation comes back perturbed in its last bits."""

    counts_evaluations = True

    def __init__(self, inner):
        self._inner = inner

    @property
    def evaluations(self):
        return getattr(self._inner, "evaluations", None)

    def __call__(self, X):
        return _jitter(np.asarray(self._inner(X), dtype=np.float64), "loss", np.asarray(X, dtype=np.float64))

    def __getattr__(self, name):
        value = getattr(self._inner, name)
        if not callable(value) or name.startswith("_"):
            return value

        def method(*args):
            return _jitter(np.asarray(value(*args), dtype=np.float64), name, *[np.asarray(a, dtype=np.float64) for a in args])

        return method


class PerturbedRunner(Runner):
    """The reference solutions, run as if they were a student's, with the trial's perturbation."""

    def __init__(self, trial: str, reference: Runner):
        super().__init__(engine.SOLUTIONS, reference=reference, call_seconds=None)
        if trial not in ("ulps", "reordered"):
            raise ValueError(f"unknown trial {trial!r}")
        self.trial = trial
        self._wrapped: dict[str, type] = {}

    def landscape(self, spec: dict):
        obj = super().landscape(spec)
        return _JitteredLandscape(obj) if self.trial == "reordered" else obj

    def _class(self, name: str):
        cls = super()._class(name)
        if self.trial != "reordered" or not hasattr(cls, "fit"):
            return cls
        if name not in self._wrapped:  # the matrix updates and directions: equal formulas, other rounding
            namespace = {}
            for static in STATIC_METHODS:
                original = cls.__dict__.get(static)
                if isinstance(original, staticmethod):
                    f = original.__func__
                    namespace[static] = staticmethod(lambda *a, _f=f, _n=static: _jitter(np.asarray(_f(*a), dtype=np.float64), _n, *[np.asarray(x, dtype=np.float64) for x in a]))
            self._wrapped[name] = type(name, (cls,), namespace)
        return self._wrapped[name]

    def _fit(self, request: dict) -> list[dict]:
        if self.trial == "ulps":
            starts = []
            for X0 in request["starts"]:
                X0 = np.array(X0, dtype=np.float64)
                steps = np.random.default_rng(_seed("start", X0)).integers(-ULPS, ULPS + 1, size=X0.shape)
                starts.append(X0 + steps * np.spacing(X0))
            request = {**request, "starts": starts}
        return super()._fit(request)


@dataclasses.dataclass
class Share:
    """One check's result in one trial."""

    check: str
    trial: str
    share: float  # the largest gap / tol of its notes (0 when it noted nothing)
    what: str  # the comparison that came closest
    status: str  # passed or failed
    output: str

    @property
    def robust(self) -> bool:
        return self.share * HEADROOM <= 1.0 and (self.trial == "ulps" or self.status == "passed")


def _share(note) -> float:
    gap, tol, _ = note
    if tol > 0:
        return gap / tol
    return 0.0 if gap == 0 else np.inf  # an exact comparison (two runs that must agree bit for bit)


def measure(checks=None, trials=("ulps", "reordered")) -> list[Share]:
    """Run ``checks`` (default: all, hidden included) once per trial; one ``Share`` per check and trial."""
    from ..catalogue import all_checks

    checks = list(all_checks()) if checks is None else list(checks)
    reference = Runner(engine.SOLUTIONS, call_seconds=None)

    shares = []
    for trial in trials:
        target = Target(PerturbedRunner(trial, reference), f"reference, {trial}")
        ref = Target(reference, "reference")
        for c in checks:
            with ledger.collecting() as notes, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = engine.run_check(c, target, ref)
            worst = max(notes, key=_share, default=(0.0, 1.0, ""))
            share = _share(worst)
            shares.append(Share(c.name, trial, float(share), worst[2], result.status, result.output))
    return shares


def table(shares: list[Share]) -> str:
    """A plain-text table: check, the share in each trial, the headroom (tol / spread), verdict."""
    by_check: dict[str, dict[str, Share]] = {}
    for s in shares:
        by_check.setdefault(s.check, {})[s.trial] = s
    lines = [f"{'check':48s} {'ulps':>10s} {'reordered':>10s} {'headroom':>10s}  verdict"]
    for name, trials in by_check.items():
        worst = max(s.share for s in trials.values())
        room = "inf" if worst == 0 else f"{1 / worst:.3g}x"
        cells = [f"{trials[t].share:10.2e}" if t in trials else f"{'-':>10s}" for t in ("ulps", "reordered")]
        bad = [s for s in trials.values() if not s.robust]
        verdict = "ok" if not bad else "NOT ROBUST: " + "; ".join(f"{s.trial}: " + (s.what if s.share * HEADROOM > 1 else "fails: " + s.output.splitlines()[0][:120]) for s in bad)
        lines.append(f"{name:48s} {cells[0]} {cells[1]} {room:>10s}  {verdict}")
    return "\n".join(lines)


def refuse_fragile(shares: list[Share]) -> None:
    """Raise ``RuntimeError`` naming every check whose tolerance is not 100 times the reference's spread."""
    bad = sorted({s.check for s in shares if not s.robust})
    if bad:
        raise RuntimeError(f"{len(bad)} check(s) keep less than {HEADROOM:g}x headroom over rounding: {', '.join(bad)}\n" + table([s for s in shares if s.check in bad]))


def main(out: Path | None = None) -> list[Share]:
    shares = measure()
    text = table(shares)
    if out is not None:
        Path(out).write_text(text + "\n")
    print(text)
    return shares
