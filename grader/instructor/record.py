"""Record the reference answers that the student release checks against (``python -m grader record``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import engine
from ..catalogue import all_checks
from ..stored import DATA, RecordingRunner, load
from . import headroom


def record(path: Path = DATA, prove_headroom: bool = True, assignments=None) -> Path:
    """Run the public checks (of ``assignments``, default all) against the reference solutions and
    store every reference answer.

    First (``prove_headroom``) every check must keep its tolerance at least 100 times the
    reference's own spread under rounding (``grader.instructor.headroom``, on this machine and on
    every processor family it can stand in for): answers that another CPU's rounding could turn
    into a different verdict are never stored."""

    if prove_headroom:
        headroom.refuse_fragile(headroom.measure() + headroom.across_cpus())

    target, reference = engine.make_targets(engine.SOLUTIONS)
    recorder = RecordingRunner(reference.runner)
    reference.runner = recorder
    results = engine.run_checks(all_checks(include_hidden=False, assignments=assignments), target, reference)
    failed = [r.name for r in results if r.status != "passed"]
    if failed:
        raise RuntimeError(f"the reference fails its own public checks: {failed}")
    return recorder.write(path)


#: how far an answer recorded on one machine may be from the same answer computed on another
SAME_ANSWER_RTOL = 1e-6


def _close(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and bool(np.all((a == b) | (np.abs(a - b) <= SAME_ANSWER_RTOL * (1 + np.abs(b)))))
    return a == b


def differences(fresh: Path, stored: Path) -> list[str]:
    """What separates two records, on any machine: questions asked in one and not the other, and
    answers that differ by more than rounding (``SAME_ANSWER_RTOL``). A question whose arrays were
    built from earlier answers has other last bits on another processor, so its key differs; it is
    matched with the stored question of the same skeleton (the request with its arrays' shapes
    only) whose answer is close. Empty when the stored record is fresh."""
    new, new_skeletons = load(fresh)
    old, old_skeletons = load(stored)
    found = []
    for k in sorted(new.keys() & old.keys()):
        if not k.startswith("near:") and not _close(new[k], old[k]):
            found.append(f"the answer to {new_skeletons[k]} changed")
    unmatched: dict[str, list] = {}
    for k in old.keys() - new.keys():
        if not k.startswith("near:"):
            unmatched.setdefault(old_skeletons[k], []).append(old[k])
    for k in sorted(new.keys() - old.keys()):
        if k.startswith("near:"):
            continue
        candidates = unmatched.get(new_skeletons[k], [])
        match = next((i for i, answer in enumerate(candidates) if _close(new[k], answer)), None)
        if match is None:
            found.append(f"a question ({new_skeletons[k]}) is new or its answer changed")
        else:
            candidates.pop(match)
    found += [f"{len(left)} question(s) ({skeleton}) are no longer asked" for skeleton, left in unmatched.items() if left]
    return found
