"""The lessons' analysis questions, with the reference computations of their answers.

Each ``lessonN.py`` here declares ``QUESTIONS``, a list of ``Question``; ``write_key`` turns
them into ``grader/answer_key.json`` (digests only: see ``grader.answers``), which the
student release ships and ``grader.checks.questions`` grades from. This package, with the
expected values, stays with the instructor.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ... import answers, course

#: the answers module of each lesson, in lessons/, by lesson number (from the course's declaration)
ANSWER_MODULES = {a.number: a.answers for a in course.COURSE if a.answers}


@dataclass(frozen=True)
class Slip:
    """A wrong answer worth naming: ``how="scale"``: ``by`` times the key; ``"shift"``: the key plus ``by``."""

    how: str
    by: float
    message: str

    def __post_init__(self):
        if self.how not in ("scale", "shift"):
            raise ValueError(f"a slip is ('scale', m) or ('shift', k), not {self.how!r}")

    def applied_to(self, key):
        """The wrong answer this slip stands for."""
        return key * self.by if self.how == "scale" else key + self.by


@dataclass(frozen=True)
class Question:
    name: str  # the attribute in the lesson's answers module
    asks: str  # a few words naming what is asked (never the answer)
    kind: str  # "number", "integer" or "choice"
    points: float
    key: Callable[[], object]  # the answer, computed from the reference
    rtol: float = 0.01  # a number's tolerance, relative: |x - v| <= rtol |v|, stated in the lesson text
    atol: float = 0.0  # or absolute (with rtol=0), for an answer that may be 0: |x - v| <= atol
    choices: str = ""
    slips: tuple | list = ()
    choice_feedback: dict = field(default_factory=dict)


def questions() -> dict[int, list[Question]]:
    """Every lesson's questions, by lesson number (lessons without a module have none)."""
    found = {}
    for lesson in ANSWER_MODULES:
        try:
            module = importlib.import_module(f"{__name__}.lesson{lesson}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.lesson{lesson}":
                raise
            continue
        found[lesson] = list(module.QUESTIONS)
    return found


def key_entries() -> list[dict]:
    """The key file's entries: what ``grader.answers.judge`` needs, with digests for values."""
    entries = []
    for lesson, qs in questions().items():
        seen = set()
        for number, q in enumerate(qs, start=1):
            if q.name in seen:
                raise ValueError(f"lesson {lesson} has two questions named {q.name!r}")
            seen.add(q.name)
            exercise = f"Questions{lesson}"
            qid = f"{exercise}.{q.name}"
            value = q.key()
            if q.kind == "choice" and (not q.choices or str(value).strip().lower() not in q.choices):
                raise ValueError(f"{qid}: the key {value!r} is not one of the choices {q.choices!r}")
            rtol, atol = (float(q.rtol), float(q.atol)) if q.kind == "number" else (0.0, 0.0)  # whole numbers and letters are exact
            entries.append(
                {
                    "id": qid,
                    "exercise": exercise,
                    "lesson": lesson,
                    "label": f"Q{number}",
                    "module": ANSWER_MODULES[lesson],
                    "name": q.name,
                    "asks": q.asks,
                    "kind": q.kind,
                    "points": float(q.points),
                    "rtol": rtol,
                    "atol": atol,
                    "choices": q.choices.lower(),
                    "slips": [{"key": answers.key_of(qid, q.kind, s.applied_to(value), rtol, atol), "message": s.message} for s in q.slips],
                    "choice_feedback": _choice_feedback(qid, q, value),
                    "key": answers.key_of(qid, q.kind, value, rtol, atol),
                }
            )
    return entries


def _choice_feedback(qid: str, q: Question, value) -> dict:
    """Feedback for every letter by digest (the right one's, never shown, is the generic text)."""
    if q.kind != "choice":
        return {}
    unknown = set(q.choice_feedback) - set(q.choices)
    if unknown:
        raise ValueError(f"{qid}: feedback for letters that are not choices: {sorted(unknown)}")
    right = str(value).strip().lower()
    generic = "reread what the question compares, and test the claim on the lesson's example"
    return {answers.digest(qid, c): (generic if c == right else q.choice_feedback.get(c, generic)) for c in q.choices}


def key_text() -> str:
    return json.dumps({"about": "digests of the lessons' answers: grader/answers.py explains them", "questions": key_entries()}, indent=1, sort_keys=True) + "\n"


def write_key(path: Path = answers.KEY_FILE) -> bool:
    """Write the key file; True when it changed."""
    text = key_text()
    if path.is_file() and path.read_text() == text:
        return False
    path.write_text(text)
    return True
