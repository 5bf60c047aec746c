"""Grade from Python, in a notebook or a REPL: ``from grader import check; check("Adam")``.

``check`` runs the same checks as ``python -m grader check`` (which calls it) and returns a
``CheckReport``: ``.score``, ``.max_score``, ``.failed`` (name, message, hint of every failed
check), a plain-text form that is the command's table, and an HTML form for notebooks. Every
call imports the graded folder afresh, so an edit to your module counts at the next call.
"""

from __future__ import annotations

import html
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import engine, report
from .catalogue import all_checks
from .engine import CheckResult


@dataclass(frozen=True)
class Failure:
    """A failed check: ``message`` says what was expected and what came back, ``hint`` where the usual mistake lies."""

    name: str
    exercise: str
    points: float
    kind: str
    message: str
    hint: str


def _split_hint(output: str) -> tuple[str, str]:
    return report.split_hint(output)


class CheckReport:
    """What ``check`` found: one ``CheckResult`` per check, with summaries."""

    def __init__(self, results: list[CheckResult], folder: Path, show_hidden: bool = False, seconds: float = 0.0):
        self.results, self.folder, self.show_hidden, self.seconds = results, Path(folder), show_hidden, seconds

    @property
    def score(self) -> float:
        return sum(r.score for r in self.results)

    @property
    def max_score(self) -> float:
        return sum(r.max_score for r in self.results)

    @property
    def passed(self) -> bool:
        return all(r.status == "passed" for r in self.results)

    @property
    def failed(self) -> list[Failure]:
        failures = []
        for r in self.results:
            if r.status == "passed":
                continue
            shown = r.visibility == "visible" or self.show_hidden
            message, hint = _split_hint(r.output) if shown else ("(hidden check: its details are not shown)", "")
            failures.append(Failure(r.name, r.exercise, r.max_score, r.kind, message, hint))
        return failures

    def by_exercise(self) -> dict[str, tuple[float, float]]:
        """``{exercise: (earned, possible)}`` in report order."""
        out: dict[str, list[float]] = {}
        for r in self.results:
            earned, possible = out.setdefault(r.exercise, [0.0, 0.0])
            out[r.exercise] = [earned + r.score, possible + r.max_score]
        return {e: (a, b) for e, (a, b) in out.items()}

    def __repr__(self) -> str:
        return report.table(self.results, str(self.folder), show_hidden=self.show_hidden)

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = "".join(
            f"<tr><td>{esc(e)}</td><td style='text-align:right'>{a:g} / {b:g}</td><td>{'&#10003;' if a == b else ''}</td></tr>"
            for e, (a, b) in self.by_exercise().items()
        )
        shown = [r for r in self.results if r.visibility == "visible" or self.show_hidden]
        modules = report.module_causes(shown)
        said = tuple(g.cause for g in modules)
        items = "".join(f"<li><b>Fix this first</b>: {esc(report._module_line(g, False))}</li>" for g in modules)
        for exercise, rs in report.by_exercise(self.results).items():
            mine = [r for r in rs if r.visibility == "visible" or self.show_hidden]
            hidden = [r for r in rs if r not in mine and r.status != "passed"]
            if not any(r.status != "passed" for r in rs):
                continue
            body = ""
            if any(r.status != "passed" for r in mine):  # the same words as the table, each cause once
                body = f"<pre style='white-space:pre-wrap'>{esc(report.exercise_text(mine, md=False, said=said))}</pre>"
            if hidden:
                body += f"<i>Hidden checks failed: {esc(', '.join(r.name for r in hidden))}</i>"
            earned, possible = sum(r.score for r in rs), sum(r.max_score for r in rs)
            items += f"<li><b>{esc(exercise)}</b> ({earned:g} / {possible:g}){body}</li>"
        verdict = "every check passed" if self.passed else f"{len(self.failed)} check(s) to fix"
        return (
            f"<div><p><b>{self.score:g} / {self.max_score:g}</b> ({verdict}) &mdash; {esc(str(self.folder))}</p>"
            f"<table><tr><th>exercise</th><th>points</th><th></th></tr>{rows}</table>"
            + (f"<details open><summary>What to fix</summary><ul>{items}</ul></details>" if items else "")
            + "</div>"
        )

    def show(self) -> None:
        """Display the report once: as HTML in a notebook, as text elsewhere (a script, a REPL).

        Returns None, so that a cell ending in ``check("Adam").show()`` shows it once; a cell
        ending in ``check("Adam")`` shows it too (the report is its own rich display), and
        ``report = check("Adam")`` keeps it for ``report.score`` and the rest.
        """
        try:
            from IPython import get_ipython
            from IPython.display import display

            if get_ipython() is not None:
                display(self)
                return
        except ImportError:
            pass
        print(repr(self))


def default_folder() -> Path:
    """``lessons/``, or the folder ``$COURSE_CODE`` names in the repository (as for the walkthroughs)."""
    code = os.environ.get("COURSE_CODE")
    return engine.REPO / code if code else engine.LESSONS


def select(pattern: str | None, hidden: bool = True, assignments=None):
    """The checks of the exercise ``pattern`` (its exact name), else of every check whose name
    contains it (case-insensitive) or matches it as a glob; every check when None. ``assignments``
    (``grader.course``): only theirs."""
    import fnmatch

    checks = all_checks(include_hidden=hidden, assignments=assignments)
    if pattern and pattern in {c.exercise for c in checks}:
        return [c for c in checks if c.exercise == pattern]
    if pattern:
        checks = [c for c in checks if pattern.lower() in c.name.lower() or fnmatch.fnmatch(c.name, pattern)]
    return checks


def check(pattern: str | None = None, path: str | Path | None = None, hidden: bool = True, show_hidden: bool = False, on_result: Callable[[CheckResult], None] | None = None, assignment: int | str | None = None) -> CheckReport:
    """Grade ``path`` (default ``lessons/``) on the checks ``pattern`` selects (an exercise, part of a
    check's name, or a glob; every check when None).

    ``assignment``: only that assignment's checks (a number, or ``"1,2"``, ``"1-3"``, ``"all"``).
    ``hidden=False`` leaves out the hidden checks (the student release has none); ``show_hidden``
    shows their messages (for instructors). Raises ``ValueError`` when the folder is not laid out
    like ``lessons/``, no check matches, or there is no such assignment.
    """
    from . import course

    folder = engine.check_layout(Path(path) if path is not None else default_folder())
    checks = select(pattern, hidden, None if assignment is None else course.select(str(assignment)))
    if not checks:
        raise ValueError(f"no check matches {pattern!r} (see: python -m grader list)")
    return run(checks, folder, show_hidden=show_hidden, on_result=on_result)


def run(checks: list, folder: Path, show_hidden: bool = False, on_result: Callable[[CheckResult], None] | None = None) -> CheckReport:
    """Grade the folder ``folder`` (already laid out like ``lessons/``) on ``checks``."""
    numbers = engine.numbering(all_checks())
    start = time.perf_counter()
    target, reference = engine.make_targets(folder)
    try:
        results = engine.run_checks(checks, target, reference, on_result=on_result, numbers=numbers)
    finally:
        engine.close_targets(target, reference)
    return CheckReport(results, folder, show_hidden=show_hidden, seconds=time.perf_counter() - start)
