"""Stored reference answers, for the student release (which has no ``solutions/``).

Checks ask the reference the same questions on every run (Hypothesis is derandomized and the
fixed inputs are fixed), so the public checks can run once against the reference solutions
while every question and answer is recorded. The release answers from that record:

- a question in the record gets the recorded answer;
- a question about given code (loss values, the physics) that is not in the record, because
  it depends on the student's own results, is answered by the student's given code;
- any other question not in the record arises only when the student's code already differs
  from the reference (Hypothesis then shrinks to new examples): the check fails, saying so.

``python -m grader record`` rewrites the record; a test fails when it is stale.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

from .protocol import encode, from_plain, to_plain

DATA = Path(__file__).resolve().parent / "reference_data.json.gz"
GIVEN_METHODS = ("__call__", "physics", "residuals", "loss_y")


def key(request: dict) -> str:
    return hashlib.sha256(encode(request)).hexdigest()


class RecordingRunner:
    """Wraps the reference runner and remembers every (question, answer)."""

    def __init__(self, inner):
        self.inner, self.record = inner, {}

    def handle(self, request: dict) -> dict:
        answer = self.inner.handle(request)
        self.record[key(request)] = answer
        return answer

    def __getattr__(self, name):
        return getattr(self.inner, name)


class StoredRunner:
    """Answers reference questions from the record (see the module's docstring)."""

    def __init__(self, path: Path, fallback):
        with gzip.open(path, "rt") as f:
            self.record = {k: from_plain(v) for k, v in json.load(f).items()}
        self.fallback = fallback

    def handle(self, request: dict) -> dict:
        answer = self.record.get(key(request))
        if answer is not None:
            return answer
        if request.get("op") == "call" and request.get("method") in GIVEN_METHODS:
            return self.fallback.handle({**request, "landscape": {**request["landscape"], "source": "target"}})
        return {
            "ok": False,
            "kind": "wrong",
            "message": "this check's example is not in the stored reference: it comes up only when your code's answers already differ from the reference's (the checks then look for a smaller failing example); fix the other failures of this exercise first",
            "where": "reference",
        }

    def reference_landscape(self, spec: dict):
        return self.fallback.reference_landscape(spec)


def record(path: Path = DATA) -> Path:
    """Run the public checks against the reference solutions and store every reference answer."""
    from . import engine
    from .registry import all_checks

    target, reference = engine.make_targets(engine.SOLUTIONS)
    recorder = RecordingRunner(reference.runner)
    reference.runner = recorder
    results = engine.run_checks(all_checks(include_hidden=False), target, reference)
    failed = [r.name for r in results if r.status != "passed"]
    if failed:
        raise RuntimeError(f"the reference fails its own public checks: {failed}")
    data = json.dumps({k: to_plain(v) for k, v in sorted(recorder.record.items())}, sort_keys=True)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(data.encode("utf-8"))
    return path
