"""Stored expectations are robust to rounding: every tolerance is at least 100 times what rounding
alone moves the reference's answer (perturbed inputs and arithmetic, other linear-algebra routes,
other processor families), and the release's stored answers give complete work on "another CPU"
the same full marks."""

from __future__ import annotations

import numpy as np
import pytest

from grader import engine, stored
from grader.catalogue import all_checks
from grader.instructor import cpus, headroom
from grader.registry import Check
from grader.target import Target

#: the processor families the test stands in for: the commonest other one and the narrowest
OTHER_CPUS = [k for k in ("avx2", "sse4") if k in cpus.available() and k != cpus.this_kind()]


@pytest.fixture(scope="module")
def shares():
    return headroom.measure() + headroom.across_cpus(kinds=OTHER_CPUS)


def test_every_check_keeps_100x_headroom(shares):
    fragile = [s for s in shares if not s.robust]
    assert not fragile, f"measured on {cpus.describe()}\n" + headroom.table(fragile)


def test_the_trials_measure_something(shares):
    """The perturbations really reach the paths: most trajectory checks see a nonzero spread in the
    reordered trial, the linear-algebra routes move the methods that solve, and another processor
    family moves some answer."""
    moved = {trial: {s.check for s in shares if s.trial == trial and s.share > 0} for trial in {s.trial for s in shares}}
    assert len([c for c in moved["reordered"] if ".trajectory." in c]) >= 10, headroom.table(shares)
    for solver in ("Newton", "GaussNewton", "InverseGradient"):
        assert any(c.startswith(solver + ".") for c in moved["routes"]), (solver, sorted(moved["routes"]))
    for kind in OTHER_CPUS:
        assert moved[f"cpu:{kind}"], f"no answer moved on {kind}"


def _case(name: str, body) -> Check:
    return Check(name, name.split(".")[0], 1.0, "visible", body, "")


def test_a_fragile_check_is_refused():
    """Tolerances below the rounding spread are caught: the old 15-step Newton case on the wells,
    and the old Rosenbrock start (0, 2) that failed on an AVX2 machine (issue 19)."""
    from grader.checks.contract import same_path
    from grader.checks.second_order import ROSENBROCK, STARTS, WELLS

    def wells(t, ref):
        kwargs = {"lr": 0.5, "damping": 0.05, "max_iter": 15, "tol": 0.0, "store_history": True}
        same_path("Newton", t.fit("Newton", WELLS, STARTS, **kwargs).Xs, ref.fit("Newton", WELLS, STARTS, **kwargs).Xs, "15 steps on the wells", "", tol=1e-8)

    def rosenbrock(t, ref):
        X0 = np.array([[-1.2, 1.0], [0.0, 2.0], [1.5, 1.5]])
        kwargs = {"lr": 1.0, "max_iter": 15, "tol": 0.0, "store_history": True}
        same_path("Newton", t.fit("Newton", ROSENBROCK, X0, **kwargs).Xs, ref.fit("Newton", ROSENBROCK, X0, **kwargs).Xs, "Rosenbrock from (0, 2)", "", tol=1e-8)

    checks = [_case("Newton.fragile_wells", wells), _case("Newton.fragile_rosenbrock", rosenbrock)]
    found = headroom.measure(checks, trials=("reordered", "routes"))
    assert {s.check for s in found if not s.robust} == {c.name for c in checks}, headroom.table(found)
    with pytest.raises(RuntimeError, match="Newton.fragile_wells"):
        headroom.refuse_fragile(found)


def test_the_routes_solve_the_same_systems():
    """Each linear-algebra route answers what NumPy answers, to rounding, for the shapes the
    reference uses (stacked systems with a column or a vector on the right, one matrix with many)."""
    rng = np.random.default_rng(5)
    A = rng.normal(size=(6, 3, 3))
    spd = A @ np.swapaxes(A, 1, 2) + 3 * np.eye(3)
    for M in (A + 4 * np.eye(3), spd):
        for b in (rng.normal(size=(6, 3, 1)), rng.normal(size=(6, 3))[..., None]):
            want = np.linalg.solve(M, b)
            for route in headroom.ROUTES:
                got = headroom._routed_numpy(route).linalg.solve(M, b)
                assert np.allclose(got, want, rtol=1e-10, atol=1e-12), route
    one, many = A[0] + 4 * np.eye(3), rng.normal(size=(3, 5))
    for route in headroom.ROUTES:
        assert np.allclose(headroom._routed_numpy(route).linalg.solve(one, many), np.linalg.solve(one, many), rtol=1e-10, atol=1e-12), route
        assert np.allclose(headroom._routed_numpy(route).linalg.eigvalsh(spd), np.linalg.eigvalsh(spd), rtol=1e-12), route


@pytest.mark.parametrize("trial", headroom.TRIALS)
def test_stored_answers_give_full_marks_on_another_cpu(trial):
    """The release checks against stored answers: complete work whose rounding differs from the
    recording machine's (the perturbed reference) still passes every public check."""
    target = Target(headroom.PerturbedRunner(trial, reference=None), f"perturbed ({trial})")  # as in the release: no solutions/ to call
    reference = Target(stored.StoredRunner(stored.DATA, fallback=target.runner), "stored reference")
    public = [c for c in all_checks(include_hidden=False)]
    results = engine.run_checks(public, target, reference)
    exact = ("contract.history", "contract.input_untouched", "contract.shapes", "contract.stopped_row") if trial == "ulps" else ()  # they compare a start exactly
    failed = {r.name: r.output for r in results if r.status != "passed" and not r.name.endswith(exact)}
    assert not failed, failed
