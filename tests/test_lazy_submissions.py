"""The lazy catalogue: whole submissions that answer without doing the work must earn nothing.

COURSE.md ("What a grade promises", *Earned, not given*): a method that never moves, returns
NaN or lies about convergence earns nothing anywhere. Each kind in ``tests/lazy.py`` replaces
every solution block of solutions/ by one lazy body that runs and returns arrays of the right
shape; the whole submission is graded once (all checks, hidden ones included) and must score 0
in every exercise the kind covers.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import warnings

import numpy as np
import pytest

from grader import engine
from grader.catalogue import all_checks, exercises
from grader.target import MODULES

from .lazy import ASSERTED, KINDS, LANDSCAPE_EXERCISES, OPTIMIZER_EXERCISES, build


def _cells():
    for kind in KINDS:
        for exercise in ASSERTED[kind] or exercises():
            yield pytest.param(kind, exercise, id=f"{kind}-{exercise}")


def _checks_for(kind: str):
    covered = ASSERTED[kind]
    return [c for c in all_checks() if covered is None or c.exercise in covered]


_GRADED: dict[str, dict] = {}


@pytest.fixture(scope="module")
def graded_kinds(tmp_path_factory):
    """Grades each lazy submission once (all checks, hidden ones included), by kind and exercise."""

    def results_of(kind: str) -> dict[str, list]:
        if kind not in _GRADED:
            folder = build(kind, tmp_path_factory.mktemp(kind) / "submission")
            target, reference = engine.make_targets(folder)
            try:
                results = engine.run_checks(_checks_for(kind), target, reference)
            finally:
                engine.close_targets(target, reference)
            by_exercise: dict[str, list] = {}
            for r in results:
                by_exercise.setdefault(r.exercise, []).append(r)
            _GRADED[kind] = by_exercise
        return _GRADED[kind]

    return results_of


@pytest.mark.parametrize("kind, exercise", list(_cells()))
def test_lazy_submission_earns_nothing(graded_kinds, kind, exercise):
    results = graded_kinds(kind)[exercise]
    earned = sum(r.score for r in results)
    possible = sum(r.max_score for r in results)
    assert possible > 0, f"{exercise}: no checks ran"
    scorers = [f"{r.name} ({r.score:g}{', hidden' if r.visibility == 'hidden' else ''})" for r in results if r.score > 0]
    assert earned == 0, f"{kind}/{exercise} earned {earned:g}/{possible:g}: " + "; ".join(scorers)


# ---------------------------------------------------------------------------- the lazy bodies run
def _import(folder, kind):
    """The lazy submission in ``folder`` imported as a package of its own."""
    name = f"_lazy_submission_{kind}"
    for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
        del sys.modules[key]
    spec = importlib.util.spec_from_file_location(name, folder / "__init__.py", submodule_search_locations=[str(folder)])
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    return {m: importlib.import_module(f"{name}.{m}") for m in MODULES}


@pytest.mark.parametrize("kind", KINDS)
def test_lazy_bodies_run_and_answer_in_shape(kind, tmp_path):
    """A lazy submission's 0 must come from the grader judging answers, not from code that
    crashes: every lazy body runs and answers with the shape its docstring promises."""
    mods = _import(build(kind, tmp_path / "submission"), kind)
    L = mods["landscapes"]
    rng = np.random.default_rng(1)
    n = 4
    shapes = []
    for name in LANDSCAPE_EXERCISES:
        cls = getattr(L, name)
        obj = {"Quadratic": lambda: cls(np.eye(3) + 0.1, np.ones(3)), "GaussianWells": lambda: cls(d=3, random_state=0), "Rosenbrock": lambda: cls(d=4), "LogisticRegression": lambda: cls.synthetic(12, 3)}.get(name, cls)()
        d = obj.d
        X = rng.uniform(0.5, 1.5, size=(n, d))
        shapes += [(f"{name}.grad", obj.grad(X), (n, d)), (f"{name}.hessian", obj.hessian(X), (n, d, d))]
        if hasattr(obj, "physics_jacobian"):
            shapes.append((f"{name}.physics_jacobian", obj.physics_jacobian(X), (n, d, d)))
        if name == "SquarePhysics":
            Y = obj.physics(X)
            shapes += [
                ("SquarePhysics.grad_y", obj.grad_y(Y), (n, 2)),
                ("SquarePhysics.hessian_y", obj.hessian_y(Y), (n, 2, 2)),
                ("SquarePhysics.physics_inverse", obj.physics_inverse(Y, X), (n, 2)),
            ]
        if name == "Rosenbrock":
            shapes.append(("Rosenbrock.residual_jacobian", obj.residual_jacobian(X), (n, 2 * (d - 1), d)))
        if name == "LogisticRegression":
            shapes.append(("LogisticRegression.grad_batch", obj.grad_batch(X, np.array([0, 5, 5])), (n, d)))
    d = 3
    g, H = rng.standard_normal((n, d)), np.broadcast_to(np.eye(d), (n, d, d)).copy()
    s, y = rng.standard_normal((n, d)), rng.standard_normal((n, d))
    S, Yp, rho = rng.standard_normal((2, n, d)), rng.standard_normal((2, n, d)), np.ones((2, n))
    r, J = rng.standard_normal((n, 5)), rng.standard_normal((n, 5, d))
    shapes += [
        ("Newton.direction", mods["second_order"].Newton.direction(g, H, 1e-2), (n, d)),
        ("GaussNewton.direction", mods["second_order"].GaussNewton.direction(r, J, 1e-10), (n, d)),
        ("Broyden.inverse_update", mods["quasi_newton"].Broyden.inverse_update(H, s, y), (n, d, d)),
        ("BFGS.inverse_update", mods["quasi_newton"].BFGS.inverse_update(H, s, y), (n, d, d)),
        ("LBFGS.two_loop", mods["quasi_newton"].LBFGS.two_loop(g, S, Yp, rho, np.ones(n)), (n, d)),
    ]
    wrong = {what: (np.shape(got), want) for what, got, want in shapes if np.shape(got) != want}
    assert not wrong, f"{kind}: answers of the wrong shape (got, wanted): {wrong}"

    # every optimizer runs its fit (from the reference landscapes: the optimizers' own bodies are judged)
    ref = _import(engine.SOLUTIONS, "reference")["landscapes"]
    X0 = np.array([[1.5, 0.7], [-0.5, 1.2]])
    for name in OPTIMIZER_EXERCISES:
        module = next(m for m in MODULES if m != "landscapes" and hasattr(mods[m], name))
        loss = ref.SquarePhysics() if name in ("InverseGradient", "PhysicalGradient", "GaussNewton") else ref.LogisticRegression.synthetic(20, 2) if module == "stochastic" else ref.Rosenbrock(d=2)
        opt = getattr(mods[module], name)(loss, max_iter=5, tol=0, store_history=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            opt.fit(X0)
        assert np.shape(opt.X_) == X0.shape and np.shape(opt.Xs_)[1:] == X0.shape, f"{kind}: {name}.fit results misshaped"
