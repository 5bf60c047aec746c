"""Build modified copies of solutions/ (buggy or hostile submissions) and grade them."""

from __future__ import annotations

import shutil
from pathlib import Path

from grader import engine
from grader.catalogue import all_checks


def variant(tmp: Path, edits: dict[str, list[tuple[str, str]]]) -> Path:
    """A copy of solutions/ in ``tmp`` with each ``(old, new)`` replacement applied once per file.

    A replacement whose ``old`` text is not found exactly once fails loudly, so a change in
    solutions/ cannot silently turn a buggy variant into the correct code.
    """
    folder = tmp / "submission"
    shutil.copytree(engine.SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name, replacements in edits.items():
        path = folder / name
        text = path.read_text() if path.exists() else ""
        for old, new in replacements:
            if old is None:  # replace the whole file
                text = new
                continue
            count = text.count(old)
            assert count == 1, f"{name}: expected the text to patch exactly once, found it {count} times: {old!r}"
            text = text.replace(old, new)
        path.write_text(text)
    return folder


#: the checks that take most of a battery's time (long runs, many Hypothesis examples)
SLOW = (".convergence", ".batch_independence", ".temperature", ".equals_bfgs")


def grade(folder: Path, pattern: str | tuple | None = None, call_seconds: float | None = None, quick: bool = False):
    """Results of the checks whose name starts with ``pattern`` (a prefix or a tuple of them;
    all checks if None), by check name. ``quick`` leaves out the ``SLOW`` checks, for tests about
    which exercises a broken submission loses (every exercise keeps checks of its own)."""
    target, reference = engine.make_targets(folder, call_seconds=call_seconds)
    checks = [c for c in all_checks() if pattern is None or c.name.startswith(pattern)]
    if quick:
        checks = [c for c in checks if not any(part in c.name for part in SLOW)]
    return {r.name: r for r in engine.run_checks(checks, target, reference)}
