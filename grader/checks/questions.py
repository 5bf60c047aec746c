"""The lessons' analysis questions, one check each: ``Questions<lesson>.<name>``.

Questions and digests of their answers come from ``grader/answer_key.json`` (see
``grader.answers``); the student's answer is a module-level value in ``lessons/answers_*.py``,
read through the narrow door like everything else.
"""

from __future__ import annotations

from .. import answers
from ..registry import CheckFailed, check


def _register(question: dict) -> None:
    def graded(t, ref, q=question):
        right, feedback = answers.judge(q, t.answer(q["module"], q["name"]))
        if not right:
            raise CheckFailed(feedback)

    graded.__doc__ = f"{question['label']} of lesson {question['lesson']}: {question['asks']} (`{question['name']}` in {question['module']}.py)"
    check(question["id"], points=question["points"])(graded)


for _question in answers.load_key():
    _register(_question)
