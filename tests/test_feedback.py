"""Feedback a teacher would send: each cause said once, what to fix first at the top, a screen at
most per exercise with a problem, nothing of the grading machine.

Three realistic submissions are graded on the whole course (in this process: the reports are
the subject here; tests/test_isolation.py reads the ones its sandboxed grading writes): a
one-token slip in Adam, a first_order.py that does not import, and lessons 1 to 3 done with the
rest untouched.
"""

from __future__ import annotations

import json
import math
import re
import shutil

import pytest

from grader import api, engine, report

from .helpers import variant

#: a screen: this many lines of at most 100 characters (a longer line counts as several)
SCREEN_LINES, SCREEN_WIDTH = 50, 100

ADAM_SLIP = ("v_hat = self.v_ / (1.0 - self.beta2**self.t_)", "v_hat = self.v_ / (1.0 - self.beta1**self.t_)")


def _half(tmp_path):
    """Lessons 1 to 3 done (their modules and answers), the rest as the release hands them out."""
    folder = tmp_path / "half"
    shutil.copytree(engine.LESSONS, folder, ignore=shutil.ignore_patterns("*.ipynb", "*.md", "figures", "__pycache__", "0*"))
    for name in ("landscapes.py", "first_order.py", "second_order.py", "answers_gradients.py", "answers_first_order.py", "answers_newton.py"):
        shutil.copy(engine.SOLUTIONS / name, folder / name)
    return folder


SUBMISSIONS = {
    "slip": lambda tmp_path: variant(tmp_path, {"first_order.py": [ADAM_SLIP]}),
    "crash": lambda tmp_path: variant(tmp_path, {"first_order.py": [("import numpy as np\n", "import nunpy as np  # a typo\n")]}),
    "half": _half,
}


@pytest.fixture(scope="module", params=sorted(SUBMISSIONS))
def graded(request, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp(request.param)
    folder = SUBMISSIONS[request.param](tmp_path)
    results = api.check(path=folder).results
    return request.param, folder, results, report.feedback(request.param, results, [], private=(str(folder),))


def _paragraphs(text: str) -> list[str]:
    """Blocks between blank lines, with fences and headings left out (a heading names an exercise once)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text)]
    return [b for b in blocks if b and not b.startswith(("#", "```")) and b not in ("```text",)]


def _sections(text: str) -> dict[str, str]:
    parts = re.split(r"^### ", text, flags=re.M)
    return {p.split("\n", 1)[0]: p for p in parts[1:]}


def test_no_paragraph_is_said_twice(graded):
    name, _, _, text = graded
    seen = [p for p in _paragraphs(text) if len(p) > 40]
    repeated = {p for p in seen if seen.count(p) > 1}
    assert not repeated, f"{name}: repeated in feedback.md:\n" + "\n---\n".join(repeated)
    hints = re.findall(r"\*\*Hint\*\*: (.*)", text)
    assert len(hints) == len(set(hints)), f"{name}: a hint said twice"


def test_each_exercise_with_a_problem_fits_a_screen(graded):
    name, _, results, text = graded
    sections = _sections(text)
    failing = {r.exercise for r in results if r.status != "passed"}
    assert sections or name != "slip", f"{name}: no exercise section"
    for title, body in sections.items():
        assert title.split(" (")[0] in failing, title
        lines = sum(max(1, math.ceil(len(line) / SCREEN_WIDTH)) for line in body.splitlines())
        assert lines <= SCREEN_LINES, f"{name}: the section {title} takes {lines} lines"


def test_score_and_what_to_fix_first_open_it(graded):
    name, _, results, text = graded
    head = text.split("## ", 1)[0]
    total, possible = sum(r.score for r in results), sum(r.max_score for r in results)
    assert f"**Score: {total:g} / {possible:g}**" in head
    assert re.search(r"\*\*(Fix this first|Next)", head), f"{name}: nothing to fix first at the top:\n{head}"


def test_nothing_of_the_grading_machine(graded):
    name, folder, _, text = graded
    for secret in (str(folder), str(engine.REPO), "/tmp/", "sandbox", "bubblewrap", "seccomp", "errno"):
        assert secret not in text, f"{name}: feedback.md says {secret!r}"


def test_a_crash_at_import_is_one_line_at_the_top(graded):
    name, _, results, text = graded
    if name != "crash":
        pytest.skip("the crash only")
    waiting = {r.exercise for r in results if r.cause == "import:first_order"}
    assert waiting == {"GradientDescent", "Momentum", "Langevin", "AdaGrad", "RMSprop", "Adam"}, waiting
    assert text.count("No module named 'nunpy'") == 1
    head = text.split("## ", 1)[0]
    assert "No module named 'nunpy'" in head and all(e in head for e in waiting)
    assert not any(e in _sections(text) for e in waiting)  # nothing more to say about them below


def test_a_slip_names_its_exercise_first_and_keeps_the_rest_quiet(graded):
    name, _, results, text = graded
    if name != "slip":
        pytest.skip("the slip only")
    assert {r.exercise for r in results if r.status != "passed"} == {"Adam"}
    assert "**Fix this first: Adam**" in text.split("## ", 1)[0]
    assert list(_sections(text)) == [next(t for t in _sections(text))] and next(iter(_sections(text))).startswith("Adam (")


def test_work_not_started_is_a_list(graded):
    name, _, results, text = graded
    if name != "half":
        pytest.skip("the half-done submission only")
    assert "## Not started yet" in text
    listed = re.findall(r"^- (\w+) \(0 / ", text.split("## Not started yet", 1)[1], flags=re.M)
    assert {"Broyden", "BFGS", "LBFGS", "SGD", "Questions7"} <= set(listed) and len(listed) == len(set(listed))
    assert "## What to fix" not in text  # lessons 1 to 3 are complete: nothing else to say


def test_platform_boxes_say_each_cause_once(graded):
    name, _, results, _ = graded
    data = report.gradescope(results)
    json.dumps(data)
    for box in data["tests"]:
        seen = [p for p in _paragraphs(box["output"]) if len(p) > 40]
        assert len(seen) == len(set(seen)), (name, box["name"])
        assert box["output_format"] == "md"


def test_the_terminal_table_groups_by_cause(tmp_path):
    """The table `python -m grader check -k Adam` prints: the hint once, each message once."""
    folder = variant(tmp_path, {"first_order.py": [ADAM_SLIP]})
    text = repr(api.check("Adam", path=folder))
    assert text.count("Hint: ") == 1, text
    messages = [line.strip() for line in text.splitlines() if line.startswith("        ") and len(line.strip()) > 40]
    assert len(messages) == len(set(messages)), text


def test_groups_follow_causes_and_words():
    def result(name, output, cause="", status="failed"):
        return engine.CheckResult(name, "", name.split(".")[0], "visible", 1.0, 0.0 if status == "failed" else 1.0, status, "wrong" if status == "failed" else "passed", output, 0.0, cause=cause)

    rs = [
        result("A.one", "A: first path differs\n  Hint: the sign"),
        result("A.two", "A: your step does not move\n  Hint: the sign", cause="gate:A"),
        result("A.three", "A: your step does not move (other landscape)\n  Hint: the sign", cause="gate:A"),
        result("A.four", "A: first path differs\n  Hint: the sign"),
        result("A.five", "", status="passed"),
    ]
    found = report.groups(rs)
    assert [g.cause for g in found] == ["gate:A", ""]  # the shared cause first
    assert [[r.name for r in g.checks] for g in found] == [["A.two", "A.three"], ["A.one", "A.four"]]
    assert found[0].hints == ["the sign"] and "Hint" not in found[0].text
    text = report.exercise_text(rs, md=False)
    assert text.count("the sign") == 1 and text.count("first path differs") == 1 and "Fix this first: 2 checks" in text
    assert report.split_hint("msg\n  Hint: a\n  b") == ("msg", "a b")
