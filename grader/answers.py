"""Graded answers to the lessons' analysis questions, checked without the expected values.

One rule for numbers: a question states its tolerance, relative (``rtol``: ``|x - v| <= rtol |v|``,
"within 1% of the exact value") or absolute where the answer may be 0 (``atol``: ``|x - v| <=
atol``), in its lesson text and in its failure message; an answer inside it is accepted, one
outside refused, on both sides alike. Whole numbers must be exact; a choice is one letter.

The answer key (``grader/answer_key.json``, written by ``python -m grader build-lessons`` from
the reference code) holds no values, only salted digests of *tokens*. A number is placed on a
grid of buckets whose width is the whole tolerance interval: in ``u = log|x|`` (with the sign in
the token) for a relative tolerance, in ``u = x`` for an absolute one; its token is the bucket
``k = floor(u / width)`` and its place in the bucket the fraction ``u / width - k``. The interval
around the key spans exactly two neighbouring buckets, so the key stores the digests of the two
and the fraction where the interval cuts them (``cut``, rounded to 1e-6 of the width): an answer
is right when it falls in the lower bucket at or above the cut, or in the upper one at or below
it. A catalogued slip (an answer ``m`` times the key, or the key plus ``k``) is stored and
recognized the same way, with the question's tolerance around the slip's own value: the file
says neither the value nor how a slip relates to it. Whole numbers and letters are digests of
their own token.

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

from .sandbox.runner import NotANumber, plain_answer

KEY_FILE = Path(__file__).resolve().parent / "answer_key.json"
SALT = "numerical-optimization-by-hand/answers/v1"
KINDS = ("number", "integer", "choice")
#: the cut's precision, as a share of the bucket: far above rounding, far below any tolerance
CUT_DIGITS = 6


def digest(qid: str, token: str) -> str:
    """The salted digest stored for the answer ``token`` of question ``qid``."""
    return hashlib.sha256(f"{SALT}:{qid}:{token}".encode()).hexdigest()[:24]


def check_tolerance(rtol: float, atol: float) -> None:
    """A number question has one tolerance: relative (``0 < rtol < 1``, ``atol = 0``) or absolute (``atol > 0``, ``rtol = 0``)."""
    if not (math.isfinite(rtol) and math.isfinite(atol)) or (rtol > 0) == (atol > 0) or rtol < 0 or atol < 0 or rtol >= 1:
        raise ValueError(f"a number question has one tolerance, relative (0 < rtol < 1) or absolute (atol > 0), not rtol={rtol!r}, atol={atol!r}")


def tolerance_text(rtol: float, atol: float) -> str:
    """The tolerance as the lesson text and the messages state it: "within 1% of the exact value"."""
    check_tolerance(rtol, atol)
    if rtol > 0:
        return f"within {100 * rtol:g}% of the exact value"
    return f"within {atol:g} of the exact value"


def _width(rtol: float, atol: float) -> float:
    """The tolerance interval's width in the grid's coordinate."""
    return math.log1p(rtol) - math.log1p(-rtol) if rtol > 0 else 2.0 * atol


def _coordinate(x: float, rtol: float) -> tuple[str, float] | None:
    """``(sign, u)``: ``log|x|`` and its sign for a relative tolerance (None for 0), ``x`` for an absolute one."""
    if rtol > 0:
        return None if x == 0 else ("+" if x > 0 else "-", math.log(abs(x)))
    return "", x


def _place(x: float, rtol: float, atol: float) -> tuple[str, float] | None:
    """``(token, fraction)``: ``x``'s bucket and where in it ``x`` lies (0 at its bottom, 1 at its top)."""
    found = _coordinate(x, rtol)
    if found is None or not math.isfinite(x):
        return None
    sign, u = found
    t = u / _width(rtol, atol)
    k = math.floor(t)
    return f"{sign}{k}", t - k


def number_key(qid: str, value: float, rtol: float, atol: float) -> dict:
    """What the key stores for "within the tolerance of ``value``": the digests of the two buckets
    the interval spans (``lower``, ``upper``) and the fraction ``cut`` where it starts in the lower
    one and ends in the upper one (the interval is one bucket wide)."""
    check_tolerance(rtol, atol)
    found = _coordinate(float(value), rtol)
    if found is None or not math.isfinite(value):
        raise ValueError(f"{qid}: a relative tolerance needs a finite nonzero answer, not {value!r} (give the question an absolute one)")
    sign, u = found
    start = (u + math.log1p(-rtol)) / _width(rtol, atol) if rtol > 0 else (u - atol) / _width(rtol, atol)
    k = math.floor(start)
    cut = round(start - k, CUT_DIGITS)
    if cut >= 1.0:  # rounded up to the next bucket's bottom
        k, cut = k + 1, 0.0
    return {"lower": digest(qid, f"{sign}{k}"), "upper": digest(qid, f"{sign}{k + 1}"), "cut": cut}


def within(qid: str, key: dict, x: float, rtol: float, atol: float) -> bool:
    """True when ``x`` lies within the tolerance of the value that ``key`` (``number_key``) stands for."""
    placed = _place(x, rtol, atol)
    if placed is None:
        return False
    token, fraction = placed
    mine = digest(qid, token)
    return (mine == key["lower"] and fraction >= key["cut"]) or (mine == key["upper"] and fraction <= key["cut"])


def integer_token(x: float) -> str | None:
    """``"5"`` for 5 or 5.0; None when ``x`` is not a whole number."""
    if not math.isfinite(x) or abs(x - round(x)) > 1e-9 or abs(x) > 1e15:
        return None
    return str(int(round(x)))


def key_of(qid: str, kind: str, value, rtol: float = 0.0, atol: float = 0.0):
    """The key's entry for the answer ``value``: ``number_key`` for a number, a digest otherwise."""
    if kind == "number":
        return number_key(qid, float(value), rtol, atol)
    if kind == "integer":
        token = integer_token(float(value))
        if token is None:
            raise ValueError(f"an integer question's key must be a whole number, not {value!r}")
        return digest(qid, token)
    if kind == "choice":
        return digest(qid, str(value).strip().lower())
    raise ValueError(f"unknown kind {kind!r}: one of {KINDS}")


def _matches(question: dict, value, key) -> bool:
    qid, kind = question["id"], question["kind"]
    if kind == "number":
        return within(qid, key, value, question["rtol"], question["atol"])
    token = integer_token(value) if kind == "integer" else value
    return token is not None and digest(qid, token) == key


def judge(question: dict, answer) -> tuple[bool, str]:
    """``(right, feedback)`` for the student's ``answer``, where ``question`` is one entry of the
    key file. A number may be any real number (int, float, NumPy's scalars and 0-d arrays,
    ``Fraction``, ``Decimal``); True/False, complex numbers, NaN, infinities and strings are
    refused, saying which. The feedback never contains the expected value."""
    kind, asks, label = question["kind"], question["asks"], question["label"]
    wanted = "a whole number" if kind == "integer" else "a number"
    try:
        answer = plain_answer(answer)  # what the runner sends: a float or a string
    except NotANumber as exc:
        if kind != "choice":
            return False, f"{label} ({asks}) asks for {wanted}: the answer {exc}"
    if kind == "choice":
        if not isinstance(answer, str) or answer.strip().lower() not in question["choices"]:
            return False, f"{label} is multiple choice: answer with one letter of {', '.join(question['choices'])} as a string, e.g. \"{question['choices'][0]}\""
        letter = answer.strip().lower()
        if _matches(question, letter, question["key"]):
            return True, ""
        why = question["choice_feedback"].get(digest(question["id"], letter))
        return False, f"{label} ({asks}): \"{letter}\" is not right" + (f": {why}" if why else "")
    if isinstance(answer, str):
        return False, f"{label} ({asks}) asks for {wanted}, not the string {answer!r}: write it without quotes"
    x = answer  # a float
    if not math.isfinite(x):
        return False, f"{label} ({asks}) asks for a finite number, not {'NaN' if math.isnan(x) else 'an infinity'}"
    if kind == "integer" and integer_token(x) is None:
        return False, f"{label} ({asks}) asks for a whole number"
    if _matches(question, x, question["key"]):
        return True, ""
    for slip in question["slips"]:
        if _matches(question, x, slip["key"]):
            return False, f"{label} ({asks}): {slip['message']}"
    if kind == "number":
        return False, f"{label} ({asks}): out of range, not {tolerance_text(question['rtol'], question['atol'])}; check the setting (start, parameters, what counts as a step) and your computation"
    return False, f"{label} ({asks}): not the expected whole number; check what the question counts"


def load_key(path: Path = KEY_FILE) -> list[dict]:
    """The questions of the key file (empty when there is none)."""
    if not path.is_file():
        return []
    return json.loads(path.read_text())["questions"]
