"""How much of each tolerance rounding alone uses up: the proof that grades do not depend on the CPU.

Every check compares the student's answers with the reference's under some tolerance, and notes
each comparison in ``grader.ledger``. Here the checks run with a *perturbed copy of the
reference* in the student's place. Four trials, each standing for something that really makes
correct work round differently from the recording machine:

- ``ulps``: every start ``X0`` of a fit is moved by up to ``ULPS`` units in the last place;
- ``reordered``: every landscape evaluation and every matrix update or direction (the static
  methods) is multiplied by ``1 + u * ULPS * eps`` with ``u`` uniform in ``[-1, 1]``: what
  other BLAS kernels, SIMD widths or an equal but reordered formula do to the same computation;
- ``routes``: the reference's linear algebra takes another route to the same numbers, as a
  student's may: a Cholesky solve, a solve with one step of iterative refinement, a
  Jacobi-scaled solve, eigenvalues from the other triangle or with the vectors, the norm as
  the square root of a sum;
- ``cpu:<family>`` (``across_cpus``): the unperturbed reference run *on another processor
  family* (``grader.instructor.cpus``: OpenBLAS kernels and NumPy's SIMD loops of an AVX2, AVX or
  SSE4 machine) and compared with the answers recorded here, exactly as the student release
  compares a student's work on any machine with answers recorded on the instructor's.

The synthetic trials run ``DRAWS`` independent perturbations each and keep the largest share: one
draw is a sample of a heavy-tailed amplification (on one 15-step Newton path, one draw used 4% of
the tolerance and another 61%), and the largest of several is what another machine may meet.
Each perturbation is a function of the inputs (seeded by their bytes and the draw): like one
machine, the perturbed reference gives the same answer to the same question every time, so a
check that compares two runs of the student's code (refitting, reproducibility) sees what it
would see on another CPU, not noise of the perturbation's own making.

The *share* of a check is the largest ``gap / tol`` over its notes. A check is robust when its
share stays below ``1 / HEADROOM`` in every trial, that is, when the tolerance is at least 100
times what rounding alone moves the answer. Except in the ``ulps`` trial (where checks that
compare a start exactly, ``Xs_[0] == X0``, fail by design and only the notes count) every check
must also still pass.

``python -m grader record`` runs this and refuses to write the stored answers when a check is
not robust; ``tests/test_headroom.py`` runs it in CI.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import types
import warnings
from pathlib import Path

import numpy as np

from .. import engine, ledger
from ..sandbox.runner import Runner
from ..target import Target
from . import cpus

ULPS = 4
DRAWS = 3
HEADROOM = 100.0
TRIALS = ("ulps", "reordered", "routes")
STATIC_METHODS = ("inverse_update", "two_loop", "direction")
#: the linear-algebra routes of the ``routes`` trial, one per draw
ROUTES = ("cholesky", "refined", "scaled")


def _seed(*parts) -> int:
    """A seed from the bytes of ``parts``: the same inputs always get the same perturbation, as
    one machine always rounds the same computation the same way."""
    h = hashlib.blake2b(digest_size=8)
    for p in parts:
        h.update(np.ascontiguousarray(p).tobytes() if isinstance(p, np.ndarray) else repr(p).encode())
    return int.from_bytes(h.digest(), "little")


def _jitter(value, draw: int, *inputs):
    """``value`` times ``1 + u * ULPS * eps`` per entry, with ``u`` drawn from a seed of ``draw`` and ``inputs``."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.size:
        rng = np.random.default_rng(_seed(draw, *inputs))
        return value * (1.0 + rng.uniform(-1.0, 1.0, size=value.shape) * ULPS * np.finfo(np.float64).eps)
    return value


class _JitteredLandscape:
    """A landscape whose every evaluation comes back perturbed in its last bits."""

    counts_evaluations = True

    def __init__(self, inner, draw: int):
        self._inner, self._draw = inner, draw

    @property
    def evaluations(self):
        return getattr(self._inner, "evaluations", None)

    def __call__(self, X):
        return _jitter(np.asarray(self._inner(X), dtype=np.float64), self._draw, "loss", np.asarray(X, dtype=np.float64))

    def __getattr__(self, name):
        value = getattr(self._inner, name)
        if not callable(value) or name.startswith("_"):
            return value

        def method(*args):
            return _jitter(np.asarray(value(*args), dtype=np.float64), self._draw, name, *[np.asarray(a, dtype=np.float64) for a in args])

        return method


# ----------------------------------------------------------------------------- other linear-algebra routes
def _vector_scale(D, b, vector: bool):
    return D * b if vector else D[..., :, None] * b


def _solve_refined(A, b):
    """LU, then one step of iterative refinement on the residual."""
    x = np.linalg.solve(A, b)
    r = b - (A @ x if np.ndim(b) > 1 or np.ndim(A) == 2 else np.einsum("...ij,...j->...i", A, x))
    return x + np.linalg.solve(A, r)


def _solve_cholesky(A, b):
    """Two triangular solves with the Cholesky factor where every matrix is symmetric positive definite."""
    if not np.array_equal(A, np.swapaxes(A, -1, -2)):  # (cholesky reads one triangle and would not notice)
        return _solve_refined(A, b)
    try:
        L = np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        return _solve_refined(A, b)
    return np.linalg.solve(np.swapaxes(L, -1, -2), np.linalg.solve(L, b))


def _solve_scaled(A, b):
    """The symmetric Jacobi scaling ``D A D (D^-1 x) = D b`` with ``D = |diag A|^(-1/2)``."""
    diag = np.abs(np.diagonal(A, axis1=-2, axis2=-1))
    D = np.where(diag > 0, 1.0 / np.sqrt(np.where(diag > 0, diag, 1.0)), 1.0)
    vector = np.ndim(b) == 1
    scaled = D[..., :, None] * A * D[..., None, :]
    return _vector_scale(D, np.linalg.solve(scaled, _vector_scale(D, b, vector)), vector)


def _norm(x, ord=None, axis=None, keepdims=False):
    if ord is not None:
        return np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    x = np.asarray(x, dtype=np.float64)
    return np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims))


_ROUTE_FUNCTIONS = {
    "cholesky": {"solve": _solve_cholesky, "eigvalsh": lambda H, UPLO="L": np.linalg.eigvalsh(H, UPLO="U" if UPLO == "L" else "L")},
    "refined": {"solve": _solve_refined, "eigvalsh": lambda H, UPLO="L": np.linalg.eigh(H, UPLO=UPLO)[0]},
    "scaled": {"solve": _solve_scaled, "norm": _norm, "eigvalsh": lambda H, UPLO="L": np.linalg.eigh(H, UPLO="U" if UPLO == "L" else "L")[0]},
}


def _routed_numpy(route: str) -> types.SimpleNamespace:
    """A stand-in for the ``numpy`` module whose ``linalg`` takes ``route`` (everything else is NumPy)."""

    class Linalg:
        def __getattr__(self, name):
            return _ROUTE_FUNCTIONS[route].get(name) or getattr(np.linalg, name)

    class Numpy:
        linalg = Linalg()

        def __getattr__(self, name):
            return getattr(np, name)

    return Numpy()


class PerturbedRunner(Runner):
    """The reference solutions, run as if they were a student's, with the trial's perturbation
    (``draw``: which of the trial's independent perturbations, or which route)."""

    def __init__(self, trial: str, reference: Runner, draw: int = 0):
        super().__init__(engine.SOLUTIONS, reference=reference, call_seconds=None)
        if trial not in TRIALS:
            raise ValueError(f"unknown trial {trial!r}")
        self.trial, self.draw = trial, draw
        self._wrapped: dict[str, type] = {}

    def _module(self, name: str):
        fresh = name not in self._modules
        module = super()._module(name)
        if fresh and self.trial == "routes" and getattr(module, "np", None) is np:
            module.np = _routed_numpy(ROUTES[self.draw % len(ROUTES)])
        return module

    def landscape(self, spec: dict):
        obj = super().landscape(spec)
        return _JitteredLandscape(obj, self.draw) if self.trial == "reordered" else obj

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
                    namespace[static] = staticmethod(lambda *a, _f=f, _n=static: _jitter(np.asarray(_f(*a), dtype=np.float64), self.draw, _n, *[np.asarray(x, dtype=np.float64) for x in a]))
            self._wrapped[name] = type(name, (cls,), namespace)
        return self._wrapped[name]

    def _fit(self, request: dict) -> list[dict]:
        if self.trial == "ulps":
            starts = []
            for X0 in request["starts"]:
                X0 = np.array(X0, dtype=np.float64)
                steps = np.random.default_rng(_seed(self.draw, "start", X0)).integers(-ULPS, ULPS + 1, size=X0.shape)
                starts.append(X0 + steps * np.spacing(X0))
            request = {**request, "starts": starts}
        return super()._fit(request)


@dataclasses.dataclass
class Share:
    """One check's result in one trial (the largest over the trial's draws)."""

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


def _run(checks, target: Target, ref: Target, trial: str) -> list[Share]:
    """One ``Share`` per check: ``checks`` run with ``target`` in the student's place."""
    shares = []
    for c in checks:
        with ledger.collecting() as notes, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = engine.run_check(c, target, ref)
        worst = max(notes, key=_share, default=(0.0, 1.0, ""))
        shares.append(Share(c.name, trial, float(_share(worst)), worst[2], result.status, result.output))
    return shares


def _worst(shares: list[Share]) -> Share:
    """Of one check's shares in one trial (one per draw): the largest, failed ones first."""
    return max(shares, key=lambda s: (s.status != "passed" and s.trial != "ulps", s.share))


#: the checks of the measurement in progress, for the forked workers (they inherit the list)
_CHECKS: list = []


def _one_draw(trial: str, draw: int) -> list[Share]:
    """The shares of the checks in ``_CHECKS`` in one draw of one trial (run in a worker process)."""
    reference = Runner(engine.SOLUTIONS, call_seconds=None)
    return _run(_CHECKS, Target(PerturbedRunner(trial, reference, draw), f"reference, {trial} #{draw}"), Target(reference, "reference"), trial)


def measure(checks=None, trials=TRIALS, draws: int = DRAWS, jobs: int | None = None) -> list[Share]:
    """Run ``checks`` (default: all, hidden included) ``draws`` times per trial; one ``Share`` per
    check and trial, the worst of its draws. The draws run in ``jobs`` forked processes at once
    (default: one per core); they share nothing but the course's files."""
    import concurrent.futures
    import multiprocessing

    from ..catalogue import all_checks

    _CHECKS[:] = list(all_checks()) if checks is None else list(checks)
    tasks = [(trial, draw) for trial in trials for draw in range(draws)]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    if jobs == 1 or "fork" not in multiprocessing.get_all_start_methods():
        results = [_one_draw(trial, draw) for trial, draw in tasks]
    else:  # forked workers: nothing to import again, and no __main__ to guard
        with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_one_draw, *zip(*tasks)))
    shares = []
    for trial in trials:
        per_draw = [r for (t, _), r in zip(tasks, results) if t == trial]
        shares += [_worst(list(same)) for same in zip(*per_draw)]
    return shares


# ----------------------------------------------------------------------------- other processor families
def across_cpus(checks=None, kinds=None) -> list[Share]:
    """The ``cpu:<family>`` trials: the reference's answers to every check's questions are recorded
    here, then each check runs in a process that rounds as ``family`` (every family this machine
    can stand in for but its own, by default), with the reference code in the student's place
    and the recorded answers as the reference: what a complete submission meets on that machine.
    One ``Share`` per check and family."""
    from ..catalogue import all_checks
    from ..stored import RecordingRunner

    checks = list(all_checks()) if checks is None else list(checks)
    here = cpus.this_kind()
    kinds = [k for k in (cpus.available() if kinds is None else kinds) if k != here]
    if not kinds:
        return []
    target, reference = engine.make_targets(engine.SOLUTIONS)
    reference.runner = recorder = RecordingRunner(reference.runner)
    engine.run_checks(checks, target, reference)
    shares = []
    with tempfile.TemporaryDirectory(prefix="headroom-") as tmp:
        record = recorder.write(Path(tmp) / "record.json.gz")
        for kind in kinds:
            env = {**os.environ, **cpus.environment(kind), "PYTHONPATH": str(engine.REPO)}
            boot = "import sys; from grader.instructor.headroom import _cpu_worker; _cpu_worker()"
            job = json.dumps({"record": str(record), "checks": [c.name for c in checks], "trial": f"cpu:{kind}"})
            done = subprocess.run([sys.executable, "-c", boot], input=job, env=env, capture_output=True, text=True, cwd=engine.REPO, timeout=3600)
            if done.returncode != 0:
                raise RuntimeError(f"the {kind} run failed:\n{done.stderr[-3000:]}")
            shares += [Share(**row) for row in json.loads(done.stdout.splitlines()[-1])]
    return shares


def _cpu_worker() -> None:
    """A process that rounds as another family: the reference code as the student, the recorded
    answers as the reference (questions not recorded are answered as in the release)."""
    from ..catalogue import all_checks
    from ..stored import StoredRunner

    job = json.loads(sys.stdin.read())
    wanted = set(job["checks"])
    checks = [c for c in all_checks() if c.name in wanted]
    mine = Runner(engine.SOLUTIONS, call_seconds=None)
    stored = StoredRunner(Path(job["record"]), fallback=mine)
    shares = _run(checks, Target(mine, f"reference, {job['trial']}"), Target(stored, "recorded here"), job["trial"])
    print(json.dumps([dataclasses.asdict(s) for s in shares]))


# ----------------------------------------------------------------------------- reports
def table(shares: list[Share]) -> str:
    """A plain-text table: check, its share in each trial, the headroom (tol / spread), verdict."""
    by_check: dict[str, dict[str, Share]] = {}
    trials: list[str] = []
    for s in shares:
        by_check.setdefault(s.check, {})[s.trial] = s
        if s.trial not in trials:
            trials.append(s.trial)
    lines = [f"{'check':48s} " + " ".join(f"{t:>10s}" for t in trials) + f" {'headroom':>10s}  verdict"]
    for name, by_trial in by_check.items():
        worst = max(s.share for s in by_trial.values())
        room = "inf" if worst == 0 else f"{1 / worst:.3g}x"
        cells = [f"{by_trial[t].share:10.2e}" if t in by_trial else f"{'-':>10s}" for t in trials]
        bad = [s for s in by_trial.values() if not s.robust]
        verdict = "ok" if not bad else "NOT ROBUST: " + "; ".join(f"{s.trial}: " + (s.what if s.share * HEADROOM > 1 else "fails: " + s.output.splitlines()[0][:120]) for s in bad)
        lines.append(f"{name:48s} " + " ".join(cells) + f" {room:>10s}  {verdict}")
    return "\n".join(lines)


def refuse_fragile(shares: list[Share]) -> None:
    """Raise ``RuntimeError`` naming every check whose tolerance is not 100 times the reference's spread."""
    bad = sorted({s.check for s in shares if not s.robust})
    if bad:
        raise RuntimeError(f"{len(bad)} check(s) keep less than {HEADROOM:g}x headroom over rounding: {', '.join(bad)}\n" + table([s for s in shares if s.check in bad]))


def main(out: Path | None = None) -> list[Share]:
    shares = measure() + across_cpus()
    text = f"measured on {cpus.describe()}\n" + table(shares)
    if out is not None:
        Path(out).write_text(text + "\n")
    print(text)
    return shares
