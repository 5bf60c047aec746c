"""Stored expectations are robust to rounding: every tolerance is at least 100 times the
reference's own spread, and the release's stored answers give complete work on "another CPU"
(a perturbed copy of the reference) the same full marks."""

from __future__ import annotations

import numpy as np
import pytest

from grader import engine, stored
from grader.instructor import headroom
from grader.registry import CheckFailed
from grader.catalogue import all_checks
from grader.sandbox.runner import Runner
from grader.target import Target


@pytest.fixture(scope="module")
def shares():
    return headroom.measure()


def test_every_check_keeps_100x_headroom(shares):
    fragile = [s for s in shares if not s.robust]
    assert not fragile, headroom.table(fragile)


def test_the_trials_measure_something(shares):
    """The perturbations really reach the paths: most trajectory checks see a nonzero spread."""
    moved = [s for s in shares if s.trial == "reordered" and ".trajectory." in s.check and s.share > 0]
    assert len(moved) >= 10, headroom.table(shares)


def test_a_fragile_check_is_refused():
    """A tolerance below the rounding spread (the old 15-step Newton case on the wells) is caught."""
    from grader.checks.contract import same_path
    from grader.checks.second_order import STARTS, WELLS

    def fragile(t, ref):
        kwargs = {"lr": 0.5, "damping": 0.05, "max_iter": 15, "tol": 0.0, "store_history": True}
        same_path("Newton", t.fit("Newton", WELLS, STARTS, **kwargs).Xs, ref.fit("Newton", WELLS, STARTS, **kwargs).Xs, "15 steps on the wells", "", tol=1e-8)

    from grader.registry import Check

    shares = headroom.measure([Check("Newton.fragile", "Newton", 1.0, "visible", fragile, "")])
    assert any(not s.robust for s in shares)
    with pytest.raises(RuntimeError, match="Newton.fragile"):
        headroom.refuse_fragile(shares)


@pytest.mark.parametrize("trial", ["ulps", "reordered"])
def test_stored_answers_give_full_marks_on_another_cpu(trial):
    """The release checks against stored answers: complete work whose rounding differs from the
    recording machine's (the perturbed reference) still passes every public check."""
    target = PerturbedTarget(trial)
    reference = Target(stored.StoredRunner(stored.DATA, fallback=target.runner), "stored reference")
    public = [c for c in all_checks(include_hidden=False)]
    results = engine.run_checks(public, target, reference)
    exact = ("contract.history", "contract.input_untouched", "contract.shapes", "contract.stopped_row") if trial == "ulps" else ()  # they compare a start exactly
    failed = {r.name: r.output for r in results if r.status != "passed" and not r.name.endswith(exact)}
    assert not failed, failed


def PerturbedTarget(trial: str) -> Target:
    # as in the release: no solutions/ to call, reference landscapes built from the graded folder
    return Target(headroom.PerturbedRunner(trial, reference=None), f"perturbed ({trial})")
