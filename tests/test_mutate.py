"""The mutation tool: it makes the mutants it promises, kills a planted slip, keeps a listed
equivalent mutant out, and (the proof that runs in CI) every non-equivalent mutant of a fixed
sample of the whole course loses points."""

from __future__ import annotations

import pytest

from grader import engine
from grader.instructor import mutate

#: mutants graded in CI: a fixed sample of the whole course (the full run is in bench/README.md)
CI_SAMPLE = 100


@pytest.fixture(scope="module")
def mutants():
    return mutate.all_mutants()


def test_every_kind_of_change_is_made(mutants):
    changes = " | ".join(m.change for m in mutants)
    for kind in ("+ -> -", "* -> /", "< -> <=", "> -> >=", "drop the `-`", "drop the call to abs", "einsum", "axis=1 -> axis=0", "first two arguments swapped", "np.where's branches swapped", "delete the statement", "drop the factor", "'a' -> 'b'"):
        assert kind in changes, kind
    assert {m.exercise for m in mutants} >= {"Adam", "Newton", "BFGS", "LBFGS", "GaussianWells", "backtracking", "PhysicalGradient", "Questions1", "Questions6"}


def test_each_mutant_is_one_change_that_compiles(mutants):
    originals = {}
    for m in mutants:
        if m.module not in originals:
            originals[m.module] = (engine.SOLUTIONS / f"{m.module}.py").read_text()
        original, changed = originals[m.module].splitlines(), m.source.splitlines()
        assert len(changed) == len(original), m
        differing = [i for i, (a, b) in enumerate(zip(original, changed)) if a != b]
        assert differing == [m.line - 1], m
        compile(m.source, m.module, "exec")
    assert len({m.key for m in mutants}) == len(mutants), "two mutants share a key"


def test_a_key_survives_edits_elsewhere_in_the_file():
    source = (engine.SOLUTIONS / "first_order.py").read_text()
    shifted = source.replace('"""', '"""\n', 1)  # one more line at the top
    before = {m.key: m.line for m in mutate.module_mutants("first_order", source)}
    after = {m.key: m.line for m in mutate.module_mutants("first_order", shifted)}
    assert before.keys() == after.keys() and all(after[k] == before[k] + 1 for k in before)


def _find(mutants, exercise: str, change: str, text: str):
    return next(m for m in mutants if m.exercise == exercise and m.change == change and text in m.after)


def test_a_planted_slip_is_killed_and_a_listed_equivalent_is_not_graded(mutants):
    slip = _find(mutants, "Adam", "- -> +", "")
    equivalent = mutants[0]
    verdicts = mutate.grade([slip, equivalent], jobs=2, equivalent={equivalent.key: "listed for the test"})
    assert verdicts[0].status == "killed" and verdicts[0].detail.startswith("Adam."), verdicts[0]
    assert verdicts[1].status == "equivalent" and verdicts[1].detail == "listed for the test"


def test_every_listed_equivalent_mutant_exists_and_says_why(mutants):
    listed = mutate.load_equivalent()
    keys = {m.key for m in mutants}
    stale = sorted(set(listed) - keys)
    assert not stale, f"{mutate.EQUIVALENT_FILE.name} lists mutants that no longer exist: {stale}"
    assert all(len(reason) > 20 for reason in listed.values())


def test_a_sample_of_the_course_has_no_survivor(mutants):
    """The checks' power, measured in CI: every non-equivalent mutant of a fixed sample loses points."""
    verdicts = mutate.grade(mutate.sample(mutants, CI_SAMPLE), jobs=2)
    survivors = [v for v in verdicts if v.status in ("survived", "timeout")]
    assert not survivors, mutate.report(verdicts)
    assert sum(v.status == "killed" for v in verdicts) >= CI_SAMPLE * 0.8
