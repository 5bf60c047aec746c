"""The lessons' graded questions: the key is fresh and holds no values, the reference answers get
full marks, unanswered templates get zero, and every catalogued wrong answer loses its points
with feedback that names the slip without giving the value."""

from __future__ import annotations

import importlib
import math
import pkgutil
import re
from decimal import Decimal
from fractions import Fraction

import numpy as np
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
def _question(kind="number", value=0.2, rtol=0.01, atol=0.0, slips=(), choices="", feedback=None):
    qid = "Questions9.example"
    rtol, atol = (rtol, atol) if kind == "number" else (0.0, 0.0)
    return {
        "id": qid, "label": "Q1", "asks": "an example", "kind": kind, "rtol": rtol, "atol": atol, "choices": choices,
        "slips": [{"key": answers.key_of(qid, kind, value * b if h == "scale" else value + b, rtol, atol), "message": m} for h, b, m in slips],
        "choice_feedback": {answers.digest(qid, k): v for k, v in (feedback or {}).items()},
        "key": answers.key_of(qid, kind, value, rtol, atol),
    }


@pytest.mark.parametrize("rtol", [0.01, 0.005, 0.002, 0.001])
@pytest.mark.parametrize("value", [0.2, 1e-7, 3.7e5, -2.5, 1.0, 1 / 3, 2508.0096, -0.0126])
def test_a_number_is_accepted_exactly_within_its_relative_tolerance_on_both_sides(value, rtol):
    """|x - v| <= rtol |v|: 0.99 of the tolerance away on either side is in, 1.01 of it is out."""
    q = _question(value=value, rtol=rtol)
    for factor in (1.0, 1 + 0.99 * rtol, 1 - 0.99 * rtol, 1 + 0.5 * rtol, 1 - 0.5 * rtol):
        assert answers.judge(q, value * factor)[0], factor
    for factor in (1 + 1.01 * rtol, 1 - 1.01 * rtol, 1 + 2 * rtol, 1 - 2 * rtol, 1.5, -1.0, 0.0):
        right, text = answers.judge(q, value * factor)
        assert not right, factor
        assert f"out of range, not within {100 * rtol:g}% of the exact value" in text


@pytest.mark.parametrize("value", [0.0, 1e-3, -0.4, 7.25])
def test_an_absolute_tolerance_holds_at_zero_too(value):
    atol = 1e-3
    q = _question(value=value, rtol=0.0, atol=atol)
    for shift in (0.0, 0.99 * atol, -0.99 * atol):
        assert answers.judge(q, value + shift)[0], shift
    for shift in (1.01 * atol, -1.01 * atol, 0.5, -0.5):
        right, text = answers.judge(q, value + shift)
        assert not right and "not within 0.001 of the exact value" in text, shift


def test_a_tolerance_is_one_of_relative_or_absolute_and_a_relative_key_is_not_zero():
    for rtol, atol in ((0.0, 0.0), (0.01, 1e-3), (-0.01, 0.0), (1.0, 0.0), (math.nan, 0.0)):
        with pytest.raises(ValueError, match="one tolerance"):
            answers.key_of("Questions9.x", "number", 1.0, rtol, atol)
    with pytest.raises(ValueError, match="absolute"):
        answers.key_of("Questions9.x", "number", 0.0, 0.01, 0.0)
    assert answers.tolerance_text(0.01, 0.0) == "within 1% of the exact value"
    assert answers.tolerance_text(0.0, 0.05) == "within 0.05 of the exact value"


def test_the_message_states_the_tolerance_of_the_question():
    """1.5% off a question within 1%: refused, saying 1% (not 2%, and never the value)."""
    q = _question(value=0.2, rtol=0.01)
    right, text = answers.judge(q, 0.2 * 1.015)
    assert not right and "not within 1% of the exact value" in text and "2%" not in text and "0.2" not in text


def test_any_real_number_type_is_an_answer():
    q, whole = _question(value=0.25), _question(kind="integer", value=5)
    for answer in (0.25, np.float64(0.25), np.float32(0.25), np.array(0.25), np.array(0.25, dtype=np.float32), Fraction(1, 4), Decimal("0.25"), Decimal("0.2501")):
        assert answers.judge(q, answer) == (True, ""), repr(answer)
    for answer in (5, 5.0, np.int64(5), np.uint8(5), np.array(5), Fraction(10, 2), Decimal("5"), Decimal("5.000")):
        assert answers.judge(whole, answer) == (True, ""), repr(answer)
    assert not answers.judge(q, Fraction(1, 3))[0] and "out of range" in answers.judge(q, Fraction(1, 3))[1]
    letter = _question(kind="choice", value="b", choices="abcd")
    assert answers.judge(letter, np.str_("b"))[0] and answers.judge(letter, np.array("b"))[0]


@pytest.mark.parametrize("answer, problem", [
    (True, "truth value"), (np.bool_(False), "truth value"), (np.array(True), "truth value"),
    (0.25 + 0j, "complex number"), (np.complex128(0.25), "complex number"),
    ("0.25", "not the string '0.25'"), (math.nan, "not NaN"), (math.inf, "infinity"), (-math.inf, "infinity"),
    (Decimal("NaN"), "not NaN"), (np.float64(np.nan), "not NaN"), ([0.25], "is a list"), (np.array([0.25]), "array of shape (1,)"),
    (None, "NoneType"), (Fraction(10**400), "too large"),
])
def test_what_is_not_a_real_number_is_refused_naming_the_problem(answer, problem):
    for q in (_question(value=0.25), _question(kind="integer", value=5)):
        right, text = answers.judge(q, answer)
        assert not right and problem in text, (answer, text)
        assert text.startswith("Q1 (an example) asks for a")


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
    assert not answers.judge(q, 4)[0] and "not the expected whole number" in answers.judge(q, 4)[1]
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
    cut may move in its last digit on another CPU, never more)."""
    fresh = {q["id"]: q for q in qmod.key_entries()}
    assert set(fresh) == set(KEY), "grader/answer_key.json is stale: run python -m grader build-lessons"
    for qid, q in fresh.items():
        stored = KEY[qid]
        assert {k: v for k, v in q.items() if k != "key"} == {k: v for k, v in stored.items() if k != "key"}, f"{qid} changed: run python -m grader build-lessons"
        if q["key"] != stored["key"]:
            value = dict((x.name, x) for x in qmod.questions()[q["lesson"]])[q["name"]].key()
            assert q["kind"] == "number" and answers.judge(stored, value)[0], f"{qid}: the stored key is not the reference's answer"


def _numeric_questions():
    return [(lesson, q) for lesson, qs in qmod.questions().items() for q in qs if q.kind in ("number", "integer")]


@pytest.mark.parametrize("lesson, q", _numeric_questions(), ids=lambda v: getattr(v, "name", str(v)))
def test_every_number_question_accepts_exactly_its_stated_tolerance(lesson, q):
    """With the committed key: 0.99 of the tolerance off the reference's value, on either side,
    is right; 1.01 of it is "out of range" (or a slip), on either side. Whole numbers: exact."""
    stored, value = KEY[f"Questions{lesson}.{q.name}"], float(q.key())
    if q.kind == "integer":
        assert answers.judge(stored, value)[0] and answers.judge(stored, int(value))[0]
        for wrong in (value - 1, value + 1, value + 0.5):
            assert not answers.judge(stored, wrong)[0], wrong
        return
    assert (q.rtol > 0) != (q.atol > 0), f"{q.name}: one tolerance, relative or absolute"
    step = q.rtol * abs(value) if q.rtol > 0 else q.atol
    for inside in (value, value + 0.99 * step, value - 0.99 * step):
        assert answers.judge(stored, inside) == (True, ""), inside
    for outside in (value + 1.01 * step, value - 1.01 * step):
        right, text = answers.judge(stored, outside)
        assert not right, outside
        assert answers.tolerance_text(q.rtol, q.atol) in text or not text.endswith("your computation"), text


@pytest.mark.parametrize("lesson", sorted(qmod.questions()))
def test_the_lesson_text_states_each_numbers_tolerance_as_the_judge_applies_it(lesson):
    """Each number question's paragraph says "within 1% of the exact value" (its own figure, as
    math: ``$1\\%$``); no text promises "about" a tolerance."""
    readme = next(engine.LESSONS.glob(f"0{lesson}_*/README.md")).read_text()
    section = readme[readme.index("## Questions"):]
    paragraphs = re.split(r"\n(?=- \*\*Q\d)|\n\n", section)
    for q in qmod.questions()[lesson]:
        said = next((p for p in paragraphs if re.match(r"- \*\*Q\d+\*\*", p) and f"`{q.name}`" in p), None)
        assert said, f"lesson {lesson}: no paragraph asks for {q.name}"
        if q.kind == "number":
            plain = " ".join(said.replace("$", "").replace("\\%", "%").split())  # math as read: $1\%$ is 1%
            assert answers.tolerance_text(q.rtol, q.atol) in plain, f"lesson {lesson}'s {q.name} does not state {answers.tolerance_text(q.rtol, q.atol)!r}"
    assert not re.search(r"within about|about a relative|about (one|two) percent", readme), f"lesson {lesson} promises an approximate tolerance"


def test_answers_of_any_real_number_type_reach_the_judge_and_others_are_refused_by_name(tmp_path):
    """Through the runner, as a student's module gives them: NumPy numbers, 0-d arrays, Fraction
    and Decimal are graded; True, a complex number and a list cost the points, saying which."""
    module = qmod.ANSWER_MODULES[1]
    text = (engine.SOLUTIONS / f"{module}.py").read_text()
    answer = {m.group(1): m.group(0) for m in re.finditer(r"^(\w+) = (.*)  # ANSWER$", text, re.M)}
    value = {name: line.split(" = ", 1)[1].split("  #")[0] for name, line in answer.items()}
    header = "import numpy as np\nfrom decimal import Decimal\nfrom fractions import Fraction\n"
    typed = {
        "gradcheck_evaluations": f"np.int64({value['gradcheck_evaluations']})",
        "rosenbrock_condition": f"Fraction('{value['rosenbrock_condition']}')",
        "wells_min_eigenvalue": f"np.float32({value['wells_min_eigenvalue']})",
        "lse_hessian_entry": f"Decimal('{value['lse_hessian_entry']}')",
        "square_angle": f"np.array({value['square_angle']})",
    }
    edits = [(answer[n], f"{n} = {v}  # ANSWER") for n, v in typed.items()]
    folder = variant(tmp_path / "typed", {f"{module}.py": edits})
    path = folder / f"{module}.py"
    path.write_text(header + path.read_text())
    results = grade(folder, "Questions1")
    assert all(r.status == "passed" for r in results.values()), [r.output for r in results.values() if r.status != "passed"]
    wrong = {"gradcheck_evaluations": "True", "rosenbrock_condition": "complex(2508.0, 0.0)", "wells_min_eigenvalue": "[-0.0126]", "lse_hessian_entry": "'-0.0599'", "square_angle": "float('inf')"}
    said = {"gradcheck_evaluations": "truth value", "rosenbrock_condition": "complex number", "wells_min_eigenvalue": "a list", "lse_hessian_entry": "without quotes", "square_angle": "infinity"}
    folder = variant(tmp_path / "wrong", {f"{module}.py": [(answer[n], f"{n} = {v}  # ANSWER") for n, v in wrong.items()]})
    results = grade(folder, "Questions1")
    for name, word in said.items():
        result = results[f"Questions1.{name}"]
        assert result.score == 0 and word in result.output, (name, result.output)


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
