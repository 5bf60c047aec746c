"""The lessons' graded questions: the key is fresh and holds no values, the reference answers get
full marks, unanswered templates get zero, and every catalogued wrong answer loses its points
with feedback that names the slip without giving the value."""

from __future__ import annotations

import importlib
import math
import pkgutil
import re

import pytest

from grader import answers, engine
from grader.instructor import questions as qmod
from tests import buggy_answers

from .helpers import grade, variant


def _buggy():
    found = []
    for info in pkgutil.iter_modules(buggy_answers.__path__):
        lesson = int(info.name.removeprefix("lesson"))
        for name, value, word in importlib.import_module(f"tests.buggy_answers.{info.name}").BUGGY:
            found.append((lesson, name, value, word))
    return found


KEY = {q["id"]: q for q in answers.load_key()}
BUGGY = _buggy()


# --------------------------------------------------------------------------- the judge itself
def _question(kind="number", value=0.2, rtol=0.01, slips=(), choices="", feedback=None):
    qid = "Questions9.example"
    return {
        "id": qid, "label": "Q1", "asks": "an example", "kind": kind, "rtol": rtol, "atol": 1e-12, "choices": choices,
        "slips": [{"key": answers.digest(qid, answers.key_token(kind, value * b if h == "scale" else value + b, rtol, 1e-12)), "message": m} for h, b, m in slips],
        "choice_feedback": {answers.digest(qid, k): v for k, v in (feedback or {}).items()},
        "key": answers.digest(qid, answers.key_token(kind, value, rtol, 1e-12)),
    }


@pytest.mark.parametrize("value", [0.2, 1e-7, 3.7e5, -2.5, 1.0, 1 / 3])
def test_a_number_is_accepted_within_rtol_and_refused_beyond_twice_it(value):
    q = _question(value=value)
    for factor in (1.0, 1.0 + 0.009, 1.0 - 0.009, 1 / 1.0099):
        assert answers.judge(q, value * factor)[0], factor
    for factor in (1.0205, 1 / 1.0205, 1.5, -1.0, 0.0):
        assert not answers.judge(q, value * factor)[0], factor


def test_feedback_names_the_slip_and_never_the_value():
    q = _question(value=0.2, slips=[("scale", 0.5, "half of it: the bound is on eta*lambda"), ("scale", -1.0, "check the sign")])
    assert answers.judge(q, 0.1) == (False, "Q1 (an example): half of it: the bound is on eta*lambda")
    assert "sign" in answers.judge(q, -0.2)[1]
    right, text = answers.judge(q, 7.0)
    assert not right and "out of range" in text and "0.2" not in text
    assert not answers.judge(q, math.nan)[0] and not answers.judge(q, "0.2")[0]


def test_integers_and_choices():
    q = _question(kind="integer", value=5, slips=[("shift", 1, "you counted the start")])
    assert answers.judge(q, 5)[0] and answers.judge(q, 5.0)[0]
    assert not answers.judge(q, 5.4)[0] and "whole number" in answers.judge(q, 5.4)[1]
    assert answers.judge(q, 6) == (False, "Q1 (an example): you counted the start")
    c = _question(kind="choice", value="b", choices="abcd", feedback={"a": "that is the rate of gradient descent"})
    assert answers.judge(c, "b")[0] and answers.judge(c, " B ")[0]
    assert answers.judge(c, "a") == (False, 'Q1 (an example): "a" is not right: that is the rate of gradient descent')
    assert "one letter" in answers.judge(c, "e")[1] and "one letter" in answers.judge(c, 2.0)[1]


# --------------------------------------------------------------------------- the lessons' questions
def test_every_lesson_has_three_to_six_questions():
    found = qmod.questions()
    assert sorted(found) == list(range(1, len(qmod.ANSWER_MODULES) + 1))  # every lesson, each with its answers module
    for lesson, qs in found.items():
        assert 3 <= len(qs) <= 6, f"lesson {lesson} has {len(qs)} questions"


def test_the_key_file_is_fresh():
    """Like the stored reference answers: rebuilt from the reference, it is the same (a number's
    bucket may move by one on another CPU, never more)."""
    fresh = {q["id"]: q for q in qmod.key_entries()}
    assert set(fresh) == set(KEY), "grader/answer_key.json is stale: run python -m grader build-lessons"
    for qid, q in fresh.items():
        stored = KEY[qid]
        assert {k: v for k, v in q.items() if k != "key"} == {k: v for k, v in stored.items() if k != "key"}, f"{qid} changed: run python -m grader build-lessons"
        if q["key"] != stored["key"]:
            value = dict((x.name, x) for x in qmod.questions()[q["lesson"]])[q["name"]].key()
            assert q["kind"] == "number" and stored["key"] in {answers.digest(qid, t) for t in answers.number_tokens(float(value), q["rtol"], q["atol"])}, f"{qid}: the stored key is not the reference's answer"


def test_the_key_file_holds_no_answer():
    """Neither a value nor a slip's factor: a slip is a digest like the key; every letter has feedback."""
    text = answers.KEY_FILE.read_text()
    for q in answers.load_key():
        assert all(set(slip) == {"key", "message"} for slip in q["slips"])
        if q["kind"] == "choice":
            assert len(q["choice_feedback"]) == len(q["choices"]), f"{q['id']}: a letter without feedback stands out"
    for lesson, qs in qmod.questions().items():
        for q in qs:
            value = q.key()
            if q.kind == "choice":
                continue  # a letter: one of the few choices, hashed like the numbers
            for shown in {repr(value), f"{float(value):g}", f"{float(value):.3g}", f"{float(value):.4f}"}:
                if len(re.sub(r"\D", "", shown)) < 3:
                    continue  # a small number ("1") stands in the file for many other reasons
                assert not re.search(rf"(?<![\w.]){re.escape(shown)}(?![\w])", text), f"answer_key.json shows {q.name}'s answer {shown}"


def test_every_question_is_asked_in_its_lesson_and_its_template():
    for lesson, qs in qmod.questions().items():
        readme = next(engine.LESSONS.glob(f"0{lesson}_*/README.md")).read_text()
        assert "## Questions" in readme, f"lesson {lesson}'s README has no Questions section"
        template = (engine.LESSONS / f"{qmod.ANSWER_MODULES[lesson]}.py").read_text()
        for q in qs:
            assert f"`{q.name}`" in readme, f"lesson {lesson}'s README does not ask for {q.name}"
            assert re.search(rf"^{q.name} = None$", template, re.M), f"lessons/{qmod.ANSWER_MODULES[lesson]}.py has no {q.name} = None"


def test_reference_answers_get_full_marks_and_templates_zero():
    solved = grade(engine.SOLUTIONS, "Questions")
    assert solved and all(r.status == "passed" for r in solved.values()), [r.output for r in solved.values() if r.status != "passed"]
    blank = grade(engine.LESSONS, "Questions")
    assert all(r.score == 0 and r.kind == "not_implemented" and "not answered yet" in r.output for r in blank.values())


def test_every_lesson_catalogues_wrong_answers():
    lessons = {lesson for lesson, *_ in BUGGY}
    assert lessons == set(qmod.questions())
    assert len(BUGGY) >= 2 * len(KEY)


@pytest.mark.parametrize("lesson, name, value, word", BUGGY, ids=lambda v: str(v))
def test_a_wrong_answer_loses_its_points_and_names_the_slip(lesson, name, value, word, tmp_path):
    module = qmod.ANSWER_MODULES[lesson]
    text = (engine.SOLUTIONS / f"{module}.py").read_text()
    line = re.search(rf"^{name} = .*# ANSWER$", text, re.M)
    assert line, f"{module}.py has no answer line for {name}"
    folder = variant(tmp_path, {f"{module}.py": [(line.group(0), f"{name} = {value!r}  # ANSWER")]})
    result = grade(folder, f"Questions{lesson}.{name}")[f"Questions{lesson}.{name}"]
    assert result.score == 0, f"{name} = {value!r} earned the points"
    assert word.lower() in result.output.lower(), f"{name} = {value!r}: the feedback {result.output!r} does not say {word!r}"
    key = dict((q.name, q) for q in qmod.questions()[lesson])[name].key()
    if not isinstance(key, str):
        assert f"{float(key):g}" not in result.output, "the feedback gives the answer away"


def test_answers_that_are_not_answers_cost_points_not_the_run(tmp_path):
    lesson, module = 2, qmod.ANSWER_MODULES[2]
    name = qmod.questions()[lesson][0].name
    hostile = f"class Liar(float):\n    def __eq__(self, other):\n        return True\n\n{name} = [Liar(1.0)]\n"
    folder = variant(tmp_path, {f"{module}.py": [(None, hostile)]})
    results = grade(folder, f"Questions{lesson}")
    assert all(r.score == 0 for r in results.values())
    assert results[f"Questions{lesson}.{name}"].kind == "bad_output"


@pytest.mark.parametrize("lazy", ["0", "float('nan')", "-1", "'a'"])
def test_a_lazy_answer_everywhere_earns_nothing_but_lucky_letters(lazy, tmp_path):
    """Every answer the same thing: no number or whole-number question is won that way; a letter
    wins only the choice questions whose answer it happens to be."""
    edits = {}
    for lesson, module in qmod.ANSWER_MODULES.items():
        text = (engine.SOLUTIONS / f"{module}.py").read_text()
        edits[f"{module}.py"] = [(m.group(0), f"{m.group(1)} = {lazy}  # ANSWER") for m in re.finditer(r"^(\w+) = .*# ANSWER$", text, re.M)]
    results = grade(variant(tmp_path, edits), "Questions")
    won = {name for name, r in results.items() if r.status == "passed"}
    lucky = {q["id"] for q in KEY.values() if q["kind"] == "choice" and lazy == "'a'" and answers.digest(q["id"], "a") == q["key"]}
    assert won == lucky, (won, lucky)
