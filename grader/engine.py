"""Run checks against a folder and collect one result per check.

A check passes and earns its points, or fails with a message; nothing the target does
(an import error, an exception, an endless loop, a wrong shape, NaN) stops the run.
"""

from __future__ import annotations

import re
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable

from .registry import Check, CheckFailed
from .sandbox.runner import Runner, StudentError
from .target import Target

REPO = Path(__file__).resolve().parent.parent
#: the messages of a module that does not import, or is not there (``sandbox.runner``)
_MODULE_DOWN = re.compile(r"could not import (\w+)\.py|(\w+)\.py is missing")
SOLUTIONS = REPO / "solutions"
LESSONS = REPO / "lessons"


@dataclass
class CheckResult:
    name: str
    number: str
    exercise: str
    visibility: str
    max_score: float
    score: float
    status: str  # "passed" or "failed"
    kind: str  # "passed", "wrong", "not_implemented", "error", "timeout", "missing", "import", "bad_output", "grader"
    output: str
    seconds: float
    plot: dict | None = None  # what a feedback figure needs, for failed trajectory checks
    cause: str = ""  # the shared mistake behind a failure ("gate:Adam"); "" when it is the check's own

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k != "plot"}


class LayoutError(ValueError):
    """The folder to grade does not exist or is not laid out like ``lessons/``."""


def check_layout(folder: Path) -> Path:
    """``folder`` resolved, if it holds at least one module a student hands in; else ``LayoutError``."""
    from .course import handed_in

    folder = Path(folder)
    if not folder.is_dir():
        raise LayoutError(f"{folder} is not a folder")
    expected = [f"{m}.py" for m in handed_in()]
    if not any((folder / name).is_file() for name in expected):
        raise LayoutError(f"{folder} is not laid out like lessons/: none of {', '.join(expected)} is in it")
    return folder.resolve()


def make_targets(folder: Path, debug: bool = False, call_seconds: float | None = None, isolated: bool = False, memory_mb: int | None = None, sandbox=None) -> tuple[Target, Target]:
    """The target for ``folder`` and the reference (``solutions/``), ready for checks.

    ``isolated``: run the target's code in its own sandboxed process (``grader.sandbox.isolation``;
    ``sandbox``: a ``grader.sandbox.jail.Sandbox``, default the strongest available); call
    ``close_targets`` when done. Otherwise it runs here, with a time limit per call.
    """
    kwargs = {} if call_seconds is None else {"call_seconds": call_seconds}
    if not (SOLUTIONS / "landscapes.py").is_file():  # the student release: answers stored from the reference
        from .stored import DATA, StoredRunner

        if not DATA.is_file():
            raise LayoutError(f"neither the reference solutions ({SOLUTIONS}) nor stored reference data ({DATA}) are here")
        target = Runner(folder, reference=None, debug=debug, given=LESSONS, **kwargs)
        return Target(target, str(folder)), Target(StoredRunner(DATA, fallback=target), "stored reference")
    reference = Runner(SOLUTIONS, **kwargs)
    if isolated:
        from .sandbox.isolation import DEFAULT_MEMORY_MB, IsolatedRunner

        target = IsolatedRunner(folder, reference, given=LESSONS, memory_mb=memory_mb or DEFAULT_MEMORY_MB, sandbox=sandbox, **kwargs)
    else:
        target = Runner(folder, reference=reference, debug=debug, given=LESSONS, **kwargs)
    return Target(target, str(folder)), Target(reference, "reference")


def close_targets(*targets: Target) -> None:
    """Stop the processes of isolated targets (nothing to do for in-process ones)."""
    for t in targets:
        close = getattr(t.runner, "close", None)
        if close is not None:
            close()


def numbering(checks: list[Check]) -> dict[str, str]:
    """Gradescope-style numbers "E.C": exercise E in order of appearance, check C within it."""
    exercises: dict[str, int] = {}
    counts: dict[str, int] = {}
    numbers = {}
    for c in checks:
        e = exercises.setdefault(c.exercise, len(exercises) + 1)
        counts[c.exercise] = counts.get(c.exercise, 0) + 1
        numbers[c.name] = f"{e}.{counts[c.exercise]}"
    return numbers


def run_check(c: Check, target: Target, reference: Target, number: str = "") -> CheckResult:
    """Run one check and turn its outcome into a result; never raises for the target's faults."""
    start = time.perf_counter()
    plot, cause = None, ""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # overflow in a wrong answer is judged, not printed
            c.run(target, reference)
        kind, output = "passed", ""
    except CheckFailed as exc:
        kind, output, plot, cause = "wrong", str(exc), exc.plot, exc.cause
    except StudentError as exc:
        kind, output = exc.kind, exc.message
        module = _MODULE_DOWN.match(output or "") if kind in ("import", "missing") else None
        if module:  # the whole module waits on one fix: reports say it once
            cause = f"{kind}:{module.group(1) or module.group(2)}"
        if kind in ("error", "timeout", "bad_output"):
            output += f"\n  While checking: {c.doc}"
    except Exception as exc:  # a fault in the grader itself: reported, and the run goes on
        kind, output = "grader", f"the grader failed on this check ({type(exc).__name__}: {exc}); please report it"
    passed = kind == "passed"
    return CheckResult(
        name=c.name,
        number=number,
        exercise=c.exercise,
        visibility=c.visibility,
        max_score=c.points,
        score=c.points if passed else 0.0,
        status="passed" if passed else "failed",
        kind=kind,
        output=output,
        seconds=round(time.perf_counter() - start, 3),
        plot=plot,
        cause=cause,
    )


def run_checks(checks: Iterable[Check], target: Target, reference: Target, on_result: Callable[[CheckResult], None] | None = None, numbers: dict | None = None) -> list[CheckResult]:
    """Run ``checks`` in order, calling ``on_result`` after each one."""
    results = []
    for c in checks:
        result = run_check(c, target, reference, (numbers or {}).get(c.name, ""))
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results
