"""Record the reference answers that the student release checks against (``python -m grader record``)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from .. import engine
from ..catalogue import all_checks
from ..sandbox.protocol import to_plain
from ..stored import DATA, RecordingRunner
from . import headroom


def record(path: Path = DATA, prove_headroom: bool = True, assignments=None) -> Path:
    """Run the public checks (of ``assignments``, default all) against the reference solutions and
    store every reference answer.

    First (``prove_headroom``) every check must keep its tolerance at least 100 times the
    reference's own spread under rounding (``grader.instructor.headroom``): answers that another CPU's
    rounding could turn into a different verdict are never stored."""

    if prove_headroom:
        headroom.refuse_fragile(headroom.measure())

    target, reference = engine.make_targets(engine.SOLUTIONS)
    recorder = RecordingRunner(reference.runner)
    reference.runner = recorder
    results = engine.run_checks(all_checks(include_hidden=False, assignments=assignments), target, reference)
    failed = [r.name for r in results if r.status != "passed"]
    if failed:
        raise RuntimeError(f"the reference fails its own public checks: {failed}")
    data = json.dumps({k: to_plain(v) for k, v in sorted(recorder.record.items())}, sort_keys=True)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(data.encode("utf-8"))
    return path
