"""Reports of a grading run: the terminal table for students, ``feedback.md``, and the platforms'
``results.json`` (Gradescope's and PrairieLearn's)."""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .engine import CheckResult
from .registry import VISIBLE

_NOT_DONE = ("not_implemented", "missing")
#: causes that stop a whole module (``engine`` sets them): every exercise in it waits on one fix
MODULE_CAUSES = ("import:", "missing:")
#: per exercise, this many causes are shown with their message; the others are named
SHOWN = 4
#: a message longer than this many lines is cut (the check run alone shows it whole)
MESSAGE_LINES = 14
_HINT = re.compile(r"\n[ \t]*Hint: ")
_WHILE = re.compile(r"\n[ \t]*While checking: .*$", re.S)


def split_hint(output: str) -> tuple[str, str]:
    """A check's output as ``(message, hint)``: checks end their message with ``"\n  Hint: ..."``."""
    parts = _HINT.split(output.strip(), maxsplit=1)
    return parts[0].rstrip(), (" ".join(parts[1].split()) if len(parts) > 1 else "")


@dataclass
class Group:
    """One cause in a report: its message, said once, for every check it fails.

    ``cause`` is the checks' shared cause (``"gate:Adam"``, ``"import:first_order"``) or "" when the
    group is a message that several checks gave word for word."""

    text: str
    checks: list
    cause: str = ""

    @property
    def points(self) -> float:
        return sum(r.max_score for r in self.checks)

    @property
    def hints(self) -> list[str]:
        return list(dict.fromkeys(h for h in (split_hint(r.output)[1] for r in self.checks) if h))


def groups(results: list[CheckResult]) -> list[Group]:
    """The failed checks of ``results`` grouped by cause: those that share a ``cause`` in one group,
    then those whose messages are the same word for word (a broken method's repeated error counts
    as the same, whichever check met it). A group with a cause comes first: its fix may fix the rest."""
    found: dict = {}
    for r in results:
        if r.status == "passed":
            continue
        text = split_hint(r.output)[0]
        key = ("cause", r.cause) if r.cause else ("text", _WHILE.sub("", text))
        group = found.setdefault(key, Group(text, [], r.cause))
        group.checks.append(r)
    for group in found.values():
        if len(group.checks) > 1:  # "While checking" names one check's purpose: the group names its checks instead
            group.text = _WHILE.sub("", group.text)
    return sorted(found.values(), key=lambda g: (not g.cause,))


def by_exercise(results: list[CheckResult]) -> dict[str, list[CheckResult]]:
    out: dict[str, list[CheckResult]] = {}
    for r in results:
        out.setdefault(r.exercise, []).append(r)
    return out


def _started(rs: list[CheckResult]) -> bool:
    """Whether any check of the exercise passed or failed for a reason other than "not done yet"."""
    return any(r.status == "passed" or r.kind not in _NOT_DONE for r in rs)


def module_causes(results: list[CheckResult]) -> list[Group]:
    """The causes that stop whole modules (a module that does not import, or is not there), each
    once for every check and exercise that waits on it, in course order."""
    return [g for g in groups([r for r in results if r.visibility == VISIBLE]) if g.cause.startswith(MODULE_CAUSES)]


def _module_line(g: Group, md: bool) -> str:
    exercises = list(dict.fromkeys(r.exercise for r in g.checks))
    first = g.text.splitlines()[0] if g.text else ""
    return f"{first} ({len(exercises)} exercise{'s' if len(exercises) > 1 else ''} wait{'' if len(exercises) > 1 else 's'} on it: {', '.join(exercises)})"


def fix_first(results: list[CheckResult]) -> tuple[str, Group] | None:
    """The exercise and cause to fix first among the visible failures: a module that does not
    import (everything in it waits on that), else the first exercise in course order with a real
    failure (its shared cause first), else the first exercise not started yet; None when every
    visible check passed."""
    visible = [r for r in results if r.visibility == VISIBLE]
    ranked = []
    for order, (exercise, rs) in enumerate(by_exercise(visible).items()):
        failing = groups(rs)
        if not failing:
            continue
        first = failing[0]
        rank = 0 if first.cause.startswith(MODULE_CAUSES) else (2 if not _started(rs) else 1)
        ranked.append((rank, order, exercise, first))
    if not ranked:
        return None
    _, _, exercise, group = min(ranked, key=lambda t: t[:2])
    return exercise, group


def _names(checks, md: bool, most: int | None = None) -> str:
    """The checks' names (``most``: at most that many, then how many more)."""
    shown = checks if most is None or len(checks) <= most else checks[: most - 1]
    text = ", ".join(f"`{r.name}`" if md else r.name for r in shown)
    return text + (f" and {len(checks) - len(shown)} more" if len(shown) < len(checks) else "")


def _cut(text: str, name: str) -> str:
    lines = text.splitlines()
    if len(lines) <= MESSAGE_LINES:
        return text
    return "\n".join(lines[:MESSAGE_LINES] + [f"... ({len(lines) - MESSAGE_LINES} more lines: python -m grader check -k {name})"])


def _distinct_hints(hints: list[str]) -> list[str]:
    """Each hint once: a hint that repeats another one inside it (a check that puts its own
    question before the exercise's hint) keeps only what it adds."""
    out = []
    for h in dict.fromkeys(hints):
        for other in sorted(set(hints) - {h}, key=len, reverse=True):
            if other in h:
                h = h.replace(other, "").strip(" ;,")
        if h and h not in out:
            out.append(h)
    return out


def _block(text: str, md: bool) -> list[str]:
    return ["```text", text, "```", ""] if md else ["    " + text.replace("\n", "\n    "), ""]


def _points(x: float) -> str:
    return f"{_fmt(x)} point{'' if x == 1 else 's'}"


def exercise_text(rs: list[CheckResult], md: bool = True, details: bool = True, said: tuple = ()) -> str:
    """The body of one exercise's box: each cause of its failures once (a shared cause first, as
    "Fix this first", naming the checks that wait on it), at most ``SHOWN`` causes in full and the
    others by name, each hint once, then the checks that passed. ``details=False`` (hidden checks)
    names each check and whether it passed, nothing else. ``said``: module causes the report has
    already stated at its top (a box then points there in one line)."""
    if not details:
        return "\n".join(f"- {_names([r], md)}: {'passed' if r.status == 'passed' else 'failed'}" for r in rs)
    bold = "**" if md else ""
    earned, possible = sum(r.score for r in rs), sum(r.max_score for r in rs)
    failed = [r for r in rs if r.status != "passed"]
    if not failed:
        return f"All {len(rs)} checks passed ({_fmt(earned)} / {_fmt(possible)} points)."
    causes = groups(rs)
    if len(causes) == 1 and causes[0].cause.startswith(MODULE_CAUSES):
        g = causes[0]
        if g.cause in said:
            kind, module = g.cause.split(":", 1)
            return f"Waits on {module}.py, which {'does not import' if kind == 'import' else 'is missing'} (see the top)."
        return g.text.splitlines()[0] if g.text else "Waits on a module that does not import."
    if not _started(rs):
        said_once = list(dict.fromkeys(g.text for g in causes))
        return "Not started yet: " + said_once[0] if len(said_once) == 1 else "\n".join(["Not started yet:", ""] + [f"- {m}" for m in said_once[:SHOWN]])
    lines = [f"{bold}{len(failed)} of {len(rs)} checks failed{bold} ({_points(sum(r.max_score for r in failed))}).", ""]
    for i, g in enumerate(causes[:SHOWN]):
        if g.cause and len(g.checks) > 1:
            head = f"{bold}Fix this first{bold}: {len(g.checks)} checks ({_points(g.points)}) wait on it: {_names(g.checks, md, most=4)}" if i == 0 else f"{bold}Failed{bold}, one cause for {len(g.checks)} checks ({_points(g.points)}): {_names(g.checks, md, most=4)}"
        else:
            head = f"{bold}Failed{bold}: {_names(g.checks, md, most=4)} ({_points(g.points)})"
        lines += [head + ":", ""] + _block(_cut(g.text, g.checks[0].name), md)
    rest = [r for g in causes[SHOWN:] for r in g.checks]
    if rest:
        lines += [f"Also failed ({_points(sum(r.max_score for r in rest))}): {_names(rest, md, most=6)}; `python -m grader check -k <name>` shows each one's message.", ""]
    hints = _distinct_hints([h for g in causes for h in g.hints])
    lines += [f"{bold}Hint{bold}: {h}" for h in hints] + ([""] if hints else [])
    passed = [r for r in rs if r.status == "passed"]
    if passed:
        lines.append(f"Passed ({len(passed)}, {_points(sum(r.max_score for r in passed))}): {_names(passed, md, most=6)}")
    return "\n".join(lines).rstrip()


def summary(results: list[CheckResult], title: str = "", complete: bool = True, md: bool = True) -> str:
    """The report's opening: the points of the public checks, each module that does not import
    (once), what to fix first, and (``hidden`` checks exist) that they are graded too, without a
    word of how they went."""
    public = [r for r in results if r.visibility == VISIBLE]
    hidden = [r for r in results if r.visibility != VISIBLE]
    bold = "**" if md else ""
    head = f"{title}: " if title else ""
    lines = [f"{bold}{head}{_fmt(sum(r.score for r in public))} / {_fmt(sum(r.max_score for r in public))} points on the public checks.{bold}"]
    if not complete:
        lines.append("Grading did not finish: these are partial results.")
    modules = module_causes(results)
    for g in modules:
        lines += ["", f"{bold}Fix this first{bold}: " + _module_line(g, md)]
    first = fix_first(results)
    if first is None and public:
        lines.append("Every public check passed.")
    elif first is not None and not first[1].cause.startswith(MODULE_CAUSES):
        exercise, g = first
        text = _cut(g.text, g.checks[0].name)
        text = text if len(text) <= 600 else text[:600] + " ..."
        lines += ["", f"{bold}{'Then' if modules else 'Fix this first'}: {exercise}{bold} ({_names(g.checks, md, most=3)}):", ""]
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


def _points_table(results: list[CheckResult]) -> list[str]:
    groups_ = by_exercise(results)
    width = max([len(e) for e in groups_] + [8])
    lines = [f"  {'exercise':<{width}}  points", f"  {'-' * width}  ------"]
    for exercise, rs in groups_.items():
        earned, possible = sum(r.score for r in rs), sum(r.max_score for r in rs)
        mark = "ok" if earned == possible else ("not implemented yet" if all(r.kind in _NOT_DONE for r in rs) else "")
        lines.append(f"  {exercise:<{width}}  {_fmt(earned):>4} / {_fmt(possible):<4} {mark}".rstrip())
    total, possible = sum(r.score for r in results), sum(r.max_score for r in results)
    lines += [f"  {'-' * width}  ------", f"  {'total':<{width}}  {_fmt(total):>4} / {_fmt(possible)}"]
    hidden = [r for r in results if r.visibility != VISIBLE]
    if hidden:
        lines.append(f"  (of which hidden checks: {_fmt(sum(r.score for r in hidden))} / {_fmt(sum(r.max_score for r in hidden))})")
    return lines


def _hidden_line(rs: list[CheckResult]) -> str:
    failed = [r for r in rs if r.status != "passed" and r.visibility != VISIBLE]
    return f"Hidden checks failed ({_points(sum(r.max_score for r in failed))}): {_names(failed, False)} (their details are not shown)." if failed else ""


def table(results: list[CheckResult], folder: str, show_hidden: bool = False) -> str:
    """The student's report: points per exercise, then what to fix, exercise by exercise, each
    cause once (``exercise_text``). A hidden check shows only its name unless ``show_hidden``
    (for instructors)."""
    lines = [f"Grading {folder}", ""] + _points_table(results)
    shown = results if show_hidden else [r for r in results if r.visibility == VISIBLE]
    modules = module_causes(shown if show_hidden else results)
    said = tuple(g.cause for g in modules)
    failing = [(e, rs) for e, rs in by_exercise(results).items() if any(r.status != "passed" for r in rs)]
    if failing:
        lines += ["", "What to fix:"]
    for g in modules:
        lines += ["", "  Fix this first: " + _module_line(g, False)]
    for exercise, rs in failing:
        mine = [r for r in rs if r.visibility == VISIBLE or show_hidden]
        body = exercise_text(mine, md=False, said=said) if any(r.status != "passed" for r in mine) else ""
        extra = "" if show_hidden else _hidden_line(rs)
        earned, possible = sum(r.score for r in rs), sum(r.max_score for r in rs)
        lines += ["", f"  {exercise} ({_fmt(earned)} / {_fmt(possible)}):"]
        for part in (body, extra):
            if part:
                lines.append("    " + part.replace("\n", "\n    ").replace("\n    \n", "\n\n"))
    if failing:
        lines += ["", "Run one check on its own with:  python -m grader check -k <check name>"]
    return "\n".join(line.rstrip() for line in lines)


def feedback(student: str, results: list[CheckResult], notes: list[str], figures: dict | None = None, private: tuple = ()) -> str:
    """A student's feedback in Markdown, fit to send as it is: the score and what to fix first at
    the top; what was odd about the hand-in; points per exercise; then per exercise with a
    problem, each cause once (``exercise_text``) and the figure of its path. A hidden check shows
    only its name and that it failed. ``private``: text the student must not see (the grading
    machine's folders), replaced wherever a message quotes it."""
    figures = figures or {}
    public = [r for r in results if r.visibility == VISIBLE]
    hidden = [r for r in results if r.visibility != VISIBLE]
    total, possible = sum(r.score for r in results), sum(r.max_score for r in results)
    lines = [
        f"# Feedback for {student}",
        "",
        f"**Score: {_fmt(total)} / {_fmt(possible)}** (public checks {_fmt(sum(r.score for r in public))} / {_fmt(sum(r.max_score for r in public))}"
        + (f", hidden checks {_fmt(sum(r.score for r in hidden))} / {_fmt(sum(r.max_score for r in hidden))})" if hidden else ")"),
        "",
    ]
    modules = module_causes(results)
    for g in modules:  # said here once; the exercises below point here
        lines += ["**Fix this first**: " + _module_line(g, True), ""]
    first = fix_first(results)
    if first is not None and not first[1].cause.startswith(MODULE_CAUSES):
        exercise, g = first
        if not _started([r for r in by_exercise(public)[exercise]]):
            lines += [f"**{'Then' if modules else 'Next'}: {exercise}**, not started yet.", ""]
        else:
            what = f"one cause fails {len(g.checks)} checks ({_points(g.points)})" if len(g.checks) > 1 else f"`{g.checks[0].name}` fails ({_points(g.points)})"
            lines += [f"**{'Then' if modules else 'Fix this first'}: {exercise}**: {what}; its section below says what and how.", ""]
    elif first is None and public:
        lines += ["Every public check passed.", ""]
    if notes:
        lines += ["## About your hand-in", ""] + [f"- {n}" for n in notes] + [""]
    lines += ["## Points per exercise", "", "| exercise | points |", "|---|---|"]
    groups_ = by_exercise(results)
    for exercise, rs in groups_.items():
        earned, most = sum(r.score for r in rs), sum(r.max_score for r in rs)
        lines.append(f"| {exercise} | {_fmt(earned)} / {_fmt(most)}{'' if earned < most else ' ✓'} |")
    said = tuple(g.cause for g in module_causes(results))
    failing = [(e, rs) for e, rs in groups_.items() if any(r.status != "passed" for r in rs)]
    def down(rs):  # every public failure waits on a module stated at the top
        return all(r.cause in said for r in rs if r.visibility == VISIBLE and r.status != "passed")

    waiting = [(e, rs) for e, rs in failing if not down(rs) and not _started([r for r in rs if r.visibility == VISIBLE])]
    failing = [(e, rs) for e, rs in failing if (e, rs) not in waiting and not down(rs)]
    if failing:
        lines += ["", "## What to fix", ""]
    for exercise, rs in failing:
        earned, most = sum(r.score for r in rs), sum(r.max_score for r in rs)
        lines += [f"### {exercise} ({_fmt(earned)} / {_fmt(most)})", ""]
        mine = [r for r in rs if r.visibility == VISIBLE]
        if any(r.status != "passed" for r in mine):
            lines += [exercise_text(mine, md=True, said=said), ""]
        hidden_failed = [r for r in rs if r.visibility != VISIBLE and r.status != "passed"]
        if hidden_failed:
            lines += [f"Hidden checks failed: {_names(hidden_failed, True)}.", ""]
        drawn = next((figures[r.name] for r in rs if r.status != "passed" and r.name in figures), None)
        if drawn:
            lines += [f"![your path against the reference]({drawn})", ""]
    if waiting:
        lines += ["", "## Not started yet", ""]
        for exercise, rs in waiting:
            said_once = list(dict.fromkeys(split_hint(r.output)[0] for r in rs if r.visibility == VISIBLE and r.status != "passed"))
            unanswered = [m for m in said_once if "not answered yet" in m]
            if len(said_once) > 1 and len(unanswered) == len(said_once):
                what = f"{len(said_once)} questions not answered yet (in {said_once[0].split('.')[0]}.py)"
            else:
                what = said_once[0] if len(said_once) == 1 else f"{len(said_once)} parts not done yet ({said_once[0]}; ...)"
            lines.append(f"- {exercise} (0 / {_fmt(sum(r.max_score for r in rs))}): {what}")
    if all(r.status == "passed" for r in results):
        lines += ["", "Every check passed."]
    text = "\n".join(lines).rstrip() + "\n"
    for secret in private:
        if secret:
            text = text.replace(str(secret).rstrip("/") + "/", "").replace(str(secret), "your submission")
    return text
