"""Reports of a grading run: the terminal table for students, ``feedback.md``, and the platforms'
``results.json`` (Gradescope's and PrairieLearn's)."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .engine import CheckResult
from .registry import VISIBLE

_NOT_DONE = ("not_implemented", "missing")


@dataclass
class Message:
    """One thing a report says: ``text``, given by the checks ``checks`` (all failed, or all passed)."""

    text: str
    checks: list
    failed: bool

    @property
    def points(self) -> float:
        return sum(r.max_score for r in self.checks)


def messages(results: list[CheckResult]) -> list[Message]:
    """What a report says about ``results`` (one exercise's): each distinct message once, naming
    the checks that gave it, failed checks first and in order, then the passed checks together.
    (The one place that merges messages: issue 22 replaces it by a grouping by cause.)"""
    failed: dict[str, Message] = {}
    for r in results:
        if r.status != "passed":
            failed.setdefault(r.output.strip(), Message(r.output.strip(), [], True)).checks.append(r)
    passed = [r for r in results if r.status == "passed"]
    return list(failed.values()) + ([Message("", passed, False)] if passed else [])


def by_exercise(results: list[CheckResult]) -> dict[str, list[CheckResult]]:
    out: dict[str, list[CheckResult]] = {}
    for r in results:
        out.setdefault(r.exercise, []).append(r)
    return out


def _started(rs: list[CheckResult]) -> bool:
    """Whether any check of the exercise passed or failed for a reason other than "not done yet"."""
    return any(r.status == "passed" or r.kind not in _NOT_DONE for r in rs)


def fix_first(results: list[CheckResult]) -> tuple[str, Message] | None:
    """The exercise and message to fix first among the visible failures: a module that does not
    import (everything in it waits on that), else the first exercise in course order with a real
    failure, else the first exercise not started yet; None when every visible check passed."""
    visible = [r for r in results if r.visibility == VISIBLE]
    groups = by_exercise(visible)
    ranked = []
    for order, (exercise, rs) in enumerate(groups.items()):
        failing = [m for m in messages(rs) if m.failed]
        if not failing:
            continue
        kinds = {r.kind for m in failing for r in m.checks}
        rank = 0 if "import" in kinds else (2 if kinds <= set(_NOT_DONE) else 1)
        first = next((m for m in failing if any(r.kind == "import" for r in m.checks)), failing[0])
        ranked.append((rank, order, exercise, first))
    if not ranked:
        return None
    _, _, exercise, message = min(ranked, key=lambda t: t[:2])
    return exercise, message


def _names(checks, md: bool, most: int | None = None) -> str:
    """The checks' names (``most``: at most that many, then how many more)."""
    shown = checks if most is None or len(checks) <= most else checks[: most - 1]
    text = ", ".join(f"`{r.name}`" if md else r.name for r in shown)
    return text + (f" and {len(checks) - len(shown)} more" if len(shown) < len(checks) else "")


def exercise_text(rs: list[CheckResult], md: bool = True, details: bool = True) -> str:
    """The body of one exercise's box: how many checks failed, each distinct message once with the
    checks that gave it (failed first), then the checks that passed. ``details=False`` (hidden
    checks) names each check and whether it passed, nothing else."""
    if not details:
        return "\n".join(f"- {_names([r], md)}: {'passed' if r.status == 'passed' else 'failed'}" for r in rs)
    earned, possible = sum(r.score for r in rs), sum(r.max_score for r in rs)
    failed = [r for r in rs if r.status != "passed"]
    if not failed:
        return f"All {len(rs)} checks passed ({_fmt(earned)} / {_fmt(possible)} points)."
    if not _started(rs):
        said = list(dict.fromkeys(r.output.strip() for r in failed))
        return "Not started yet: " + said[0] if len(said) == 1 else "\n".join(["Not started yet:", ""] + [f"- {m}" for m in said])
    lines = [f"{'**' if md else ''}{len(failed)} of {len(rs)} checks failed{'**' if md else ''}: {_fmt(earned)} / {_fmt(possible)} points.", ""]
    for m in messages(rs):
        if not m.failed:
            lines += [f"Passed ({len(m.checks)}): {_names(m.checks, md)}"]
            continue
        who = _names(m.checks, md) + (f" ({len(m.checks)} checks, {_fmt(m.points)} points)" if len(m.checks) > 1 else f" ({_fmt(m.points)} points)")
        lines += [f"Failed: {who}", ""] + (["```text", m.text, "```", ""] if md else ["    " + m.text.replace("\n", "\n    "), ""])
    return "\n".join(lines).rstrip()


def summary(results: list[CheckResult], title: str = "", complete: bool = True, md: bool = True) -> str:
    """The report's opening: the points of the public checks, what to fix first, and (``hidden``
    checks exist) that they are graded too, without a word of how they went."""
    public = [r for r in results if r.visibility == VISIBLE]
    hidden = [r for r in results if r.visibility != VISIBLE]
    bold = "**" if md else ""
    head = f"{title}: " if title else ""
    lines = [f"{bold}{head}{_fmt(sum(r.score for r in public))} / {_fmt(sum(r.max_score for r in public))} points on the public checks.{bold}"]
    if not complete:
        lines.append("Grading did not finish: these are partial results.")
    first = fix_first(results)
    if first is None and public:
        lines.append("Every public check passed.")
    elif first is not None:
        exercise, m = first
        text = m.text if len(m.text) <= 600 else m.text[:600] + " ..."
        lines += ["", f"{bold}Fix this first: {exercise}{bold} ({_names(m.checks, md, most=3)}):", ""]
        lines += (["```text", text, "```"] if md else ["    " + text.replace("\n", "\n    ")])
    if hidden:
        lines += ["", "Hidden checks are graded too; you see them, and your total, when your instructor publishes the grades."]
    return "\n".join(lines)


def gradescope(results: list[CheckResult], execution_time: float | None = None, complete: bool = True, sandbox: str | None = None, title: str = "") -> dict:
    """Gradescope's ``results.json`` (its autograder specification): one test box per exercise,
    holding its public checks' messages (``messages``), in Markdown; the top-level ``output`` says
    what to fix first. An exercise's hidden checks are a box of their own with visibility
    ``after_published``: before the instructor publishes, a student sees neither their names nor
    their points (nor a total, which Gradescope hides while any box is hidden), and after, only
    each one's name and whether it passed. ``extra_data`` says which sandbox ran."""
    tests = []
    groups = by_exercise(results)
    for hidden in (False, True):
        for exercise, rs in groups.items():
            rs = [r for r in rs if (r.visibility != VISIBLE) == hidden]
            if not rs:
                continue
            earned, possible = sum(r.score for r in rs), sum(r.max_score for r in rs)
            tests.append(
                {
                    "name": f"{exercise}: hidden checks" if hidden else exercise,
                    "number": str(len(tests) + 1),
                    "score": round(earned, 6),
                    "max_score": round(possible, 6),
                    "status": "passed" if earned == possible else "failed",
                    "output": exercise_text(rs, details=not hidden),
                    "output_format": "md",
                    "visibility": "after_published" if hidden else "visible",
                    "tags": [exercise] + (["hidden"] if hidden else []),
                    "extra_data": {"checks": [{"name": r.name, "score": r.score, "max_score": r.max_score, "kind": r.kind} for r in rs]},
                }
            )
    data = {
        "score": round(sum(r.score for r in results), 6),
        "output": summary(results, title, complete),
        "output_format": "md",
        "test_output_format": "md",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    if execution_time is not None:
        data["execution_time"] = round(execution_time, 3)
    if sandbox is not None:
        data["extra_data"] = {"sandbox": sandbox}
    return data


def prairielearn(results: list[CheckResult], execution_time: float | None = None, complete: bool = True, sandbox: str | None = None, title: str = "") -> dict:
    """PrairieLearn's external-grader ``results.json``: ``score`` in [0, 1] and one test per
    exercise (``name``, ``points``, ``max_points``, ``message``, ``output``), plain text.
    PrairieLearn shows a question's results and score at once and has no publication step, so
    hidden checks never appear here: the score is the public checks'."""
    public = [r for r in results if r.visibility == VISIBLE]
    tests = []
    for exercise, rs in by_exercise(public).items():
        failed = sum(r.status != "passed" for r in rs)
        tests.append(
            {
                "name": exercise,
                "description": f"{len(rs)} checks",
                "points": round(sum(r.score for r in rs), 6),
                "max_points": round(sum(r.max_score for r in rs), 6),
                "message": "every check passed" if not failed else f"{failed} of {len(rs)} checks failed",
                "output": exercise_text(rs, md=False),
            }
        )
    possible = sum(r.max_score for r in public)
    data = {
        "gradable": True,
        "score": round(sum(r.score for r in public) / possible, 6) if possible else 0.0,
        "message": summary(public, title, complete, md=False).split("\n")[0],
        "output": summary(public, title, complete, md=False),
        "tests": tests,
    }
    if execution_time is not None:
        data["execution_time"] = round(execution_time, 3)
    if sandbox is not None:
        data["sandbox"] = sandbox
    return data


FORMATS = {"gradescope": gradescope, "prairielearn": prairielearn}


def write_json(path: Path, data: dict) -> None:
    """Write ``data`` atomically: a reader sees the old file or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def _fmt(x: float) -> str:
    return f"{x:g}"


def table(results: list[CheckResult], folder: str, show_hidden: bool = False) -> str:
    """The student's report: points per exercise, then what to fix, exercise by exercise.
    A hidden check shows only its name unless ``show_hidden`` (for instructors)."""
    by_exercise: dict[str, list[CheckResult]] = {}
    for r in results:
        by_exercise.setdefault(r.exercise, []).append(r)
    width = max([len(e) for e in by_exercise] + [8])
    lines = [f"Grading {folder}", "", f"  {'exercise':<{width}}  points", f"  {'-' * width}  ------"]
    for exercise, rs in by_exercise.items():
        earned, possible = sum(r.score for r in rs), sum(r.max_score for r in rs)
        mark = "ok" if earned == possible else ("not implemented yet" if all(r.kind in _NOT_DONE for r in rs) else "")
        lines.append(f"  {exercise:<{width}}  {_fmt(earned):>4} / {_fmt(possible):<4} {mark}".rstrip())
    total, possible = sum(r.score for r in results), sum(r.max_score for r in results)
    lines += [f"  {'-' * width}  ------", f"  {'total':<{width}}  {_fmt(total):>4} / {_fmt(possible)}"]
    hidden = [r for r in results if r.visibility != "visible"]
    if hidden:
        lines.append(f"  (of which hidden checks: {_fmt(sum(r.score for r in hidden))} / {_fmt(sum(r.max_score for r in hidden))})")

    failures = [(e, [r for r in rs if r.status != "passed"]) for e, rs in by_exercise.items()]
    failures = [(e, rs) for e, rs in failures if rs]
    if failures:
        lines += ["", "What to fix:"]
    for exercise, rs in failures:
        lines.append("")
        if all(r.kind in _NOT_DONE for r in rs):
            waiting = "\n    ".join(dict.fromkeys(r.output for r in rs))
            lines.append(f"  {exercise} ({len(rs)} checks waiting):\n    {waiting}")
            continue
        lines.append(f"  {exercise}:")
        for r in rs:
            body = r.output if (r.visibility == "visible" or show_hidden) else "(hidden check: its details are not shown)"
            body = body.replace("\n", "\n      ")
            lines.append(f"    x {r.name} [{_fmt(r.max_score)} pt]  {body}")
    if failures:
        lines += ["", "Run one check on its own with:  python -m grader check -k <check name>"]
    return "\n".join(lines)


def feedback(student: str, results: list[CheckResult], notes: list[str], figures: dict | None = None) -> str:
    """A student's feedback in Markdown: totals (public apart from hidden), points per exercise,
    what was odd about the hand-in, and every failed check's message. A hidden check shows
    only its name and that it failed."""
    figures = figures or {}
    public = [r for r in results if r.visibility == "visible"]
    hidden = [r for r in results if r.visibility != "visible"]
    lines = [
        f"# Feedback for {student}",
        "",
        f"Public checks: **{_fmt(sum(r.score for r in public))} / {_fmt(sum(r.max_score for r in public))}**  ",
        f"Hidden checks: **{_fmt(sum(r.score for r in hidden))} / {_fmt(sum(r.max_score for r in hidden))}**",
        "",
    ]
    if notes:
        lines += ["## About your hand-in", ""] + [f"- {n}" for n in notes] + [""]
    lines += ["## Points per exercise", "", "| exercise | points |", "|---|---|"]
    by_exercise: dict[str, list[CheckResult]] = {}
    for r in results:
        by_exercise.setdefault(r.exercise, []).append(r)
    for exercise, rs in by_exercise.items():
        lines.append(f"| {exercise} | {_fmt(sum(r.score for r in rs))} / {_fmt(sum(r.max_score for r in rs))} |")
    failed = [r for r in results if r.status != "passed"]
    if failed:
        lines += ["", "## What to fix", ""]
    for r in failed:
        if r.visibility != "visible":
            lines += [f"### {r.name} (hidden check, {_fmt(r.max_score)} pt): failed", ""]
            continue
        lines += [f"### {r.name} ({_fmt(r.max_score)} pt)", "", "```text", r.output, "```", ""]
        if r.name in figures:
            lines += [f"![your path against the reference]({figures[r.name]})", ""]
    if not failed:
        lines += ["", "Every check passed."]
    return "\n".join(lines) + "\n"
