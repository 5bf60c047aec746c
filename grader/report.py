"""Reports of a grading run: the terminal table for students and Gradescope's ``results.json``."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .engine import CheckResult

_NOT_DONE = ("not_implemented", "missing")


def gradescope(results: list[CheckResult], execution_time: float | None = None, complete: bool = True, sandbox: str | None = None) -> dict:
    """The Gradescope results format: top-level ``score`` and ``tests[]``. A hidden check's
    output is only its name and pass/fail, so nothing of it leaks. ``sandbox``: which sandbox
    the student's code ran in (in ``extra_data``)."""
    tests = []
    for r in results:
        output = r.output if r.visibility == "visible" else ("passed" if r.status == "passed" else "failed (hidden check)")
        tests.append(
            {
                "name": r.name,
                "number": r.number,
                "score": r.score,
                "max_score": r.max_score,
                "status": r.status,
                "output": output,
                "visibility": r.visibility,
                "tags": [r.exercise],
            }
        )
    public = [r for r in results if r.visibility == "visible"]
    data = {
        "score": round(sum(r.score for r in results), 6),
        "output": (
            f"Public checks: {_fmt(sum(r.score for r in public))} / {_fmt(sum(r.max_score for r in public))}."
            + ("" if complete else " Grading did not finish: these are partial results.")
        ),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    if execution_time is not None:
        data["execution_time"] = round(execution_time, 3)
    if sandbox is not None:
        data["extra_data"] = {"sandbox": sandbox}
    return data


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
