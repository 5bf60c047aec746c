"""Graded answers to the lessons' analysis questions, checked without the expected values.

The answer key (``grader/answer_key.json``, written by ``python -m grader build-lessons`` from
the reference code) holds no values, only salted digests of *tokens*: a number's token is the
bucket ``floor(log|x| / log(1 + rtol))`` with its sign (``"0"`` within ``atol`` of zero), an
integer's is its value, a choice's is its letter. An answer is right when its token, or for a
number the token of a neighbouring bucket, has the key's digest: numbers are accepted within
about ``rtol`` and never beyond ``(1 + rtol)^2`` of the key, on any machine. A catalogued slip
(an answer ``m`` times the key, or the key plus ``k``) is stored and recognized the same way,
as the digest of its own token: the file says neither the value nor how a slip relates to it.

The digests keep the values out of sight, not out of reach: anyone who reads this module can
try a few letters, integers or a few thousand buckets against them in seconds, just as answers
can be tried in the checker itself. Any check that gives feedback offline is such an oracle;
the questions are there to make students compute, and a brute force earns what copying does.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

KEY_FILE = Path(__file__).resolve().parent / "answer_key.json"
SALT = "numerical-optimization-by-hand/answers/v1"
KINDS = ("number", "integer", "choice")


def digest(qid: str, token: str) -> str:
    """The salted digest stored for the answer ``token`` of question ``qid``."""
    return hashlib.sha256(f"{SALT}:{qid}:{token}".encode()).hexdigest()[:24]


def number_tokens(x: float, rtol: float, atol: float, slack: int = 1) -> list[str]:
    """The tokens of ``x``'s bucket and of its ``slack`` neighbours on each side."""
    if not math.isfinite(x):
        return []
    if abs(x) <= atol:
        return ["0"]
    sign = "+" if x > 0 else "-"
    k = math.floor(math.log(abs(x)) / math.log1p(rtol))
    return [f"{sign}{k + j}" for j in range(-slack, slack + 1)]


def integer_token(x: float) -> str | None:
    """``"5"`` for 5 or 5.0; None when ``x`` is not a whole number."""
    if not math.isfinite(x) or abs(x - round(x)) > 1e-9 or abs(x) > 1e15:
        return None
    return str(int(round(x)))


def key_token(kind: str, value, rtol: float, atol: float) -> str:
    """The one token of the expected answer (its own bucket, with no slack)."""
    if kind == "number":
        return number_tokens(float(value), rtol, atol, slack=0)[0]
    if kind == "integer":
        token = integer_token(float(value))
        if token is None:
            raise ValueError(f"an integer question's key must be a whole number, not {value!r}")
        return token
    if kind == "choice":
        return str(value).strip().lower()
    raise ValueError(f"unknown kind {kind!r}: one of {KINDS}")


def _matches(question: dict, value, key: str | None = None) -> bool:
    qid, kind = question["id"], question["kind"]
    if kind == "number":
        tokens = number_tokens(value, question["rtol"], question["atol"])
    elif kind == "integer":
        tokens = [t for t in [integer_token(value)] if t is not None]
    else:
        tokens = [value]
    return any(digest(qid, t) == (key or question["key"]) for t in tokens)


def judge(question: dict, answer) -> tuple[bool, str]:
    """``(right, feedback)`` for the student's ``answer`` (a float or a short string), where
    ``question`` is one entry of the key file. The feedback never contains the expected value."""
    kind, asks = question["kind"], question["asks"]
    if kind == "choice":
        if not isinstance(answer, str) or answer.strip().lower() not in question["choices"]:
            return False, f"{question['label']} is multiple choice: answer with one letter of {', '.join(question['choices'])} as a string, e.g. \"{question['choices'][0]}\""
        letter = answer.strip().lower()
        if _matches(question, letter):
            return True, ""
        why = question["choice_feedback"].get(digest(question["id"], letter))
        return False, f"{question['label']} ({asks}): \"{letter}\" is not right" + (f": {why}" if why else "")
    if isinstance(answer, str) or not math.isfinite(answer):
        return False, f"{question['label']} ({asks}) asks for a finite number, not {answer!r}"
    if kind == "integer" and integer_token(answer) is None:
        return False, f"{question['label']} ({asks}) asks for a whole number"
    if _matches(question, answer):
        return True, ""
    for slip in question["slips"]:
        if _matches(question, answer, key=slip["key"]):
            return False, f"{question['label']} ({asks}): {slip['message']}"
    if kind == "number":
        within = f"within {2 * question['rtol']:.0%}" if question["rtol"] >= 0.005 else f"to a relative {2 * question['rtol']:.0e}"
        return False, f"{question['label']} ({asks}): out of range, not {within} of the expected value; check the setting (start, parameters, what counts as a step) and your computation"
    return False, f"{question['label']} ({asks}): not the expected whole number; check what the question counts"


def load_key(path: Path = KEY_FILE) -> list[dict]:
    """The questions of the key file (empty when there is none)."""
    if not path.is_file():
        return []
    return json.loads(path.read_text())["questions"]
