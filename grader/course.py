"""The course, declared once: its assignments, and for each its files, exercises and checks.

Everything that knows the course's structure reads it from here: the runner (which module holds
which class), the checks (which check modules to load, in which order, and which assignment an
exercise belongs to), grading and its gradebook, the student release, the platform bundles, the
notebooks, ``python -m grader submit``, and the project's tests. This module imports nothing of
the grader (a copy of it runs beside the runner in the student's sandbox).

An assignment is one lesson, in ``lessons/<folder>/`` (its text ``README.md`` and its
``walkthrough.py``, with the notebook generated from it):

- ``code``: the exercise modules in ``lessons/`` and, for each, the exercises graded in this
  assignment (classes, and the functions named in ``functions``). A module may be shared: a later
  lesson may add exercises to an earlier lesson's module; it is then handed in again.
- ``answers``: the answers module of the lesson's questions (``Questions<number>``, declared in
  ``grader/instructor/questions/lesson<number>.py``).
- ``checks``: the modules of ``grader/checks/`` that register this assignment's checks (a check
  belongs to the assignment of its exercise, whichever module registers it).
- ``given``: classes of the exercise modules that are given code, not exercises, which checks build
  from the reference; ``support``: given modules (``base.py``, ...) the exercise modules import,
  which always come from the course, never from a submission.
- ``uses``: exercise modules of earlier lessons that this lesson's code imports; they are handed in
  with it (lesson 5's numerical inverse runs the student's own Newton).

To add a lesson (say 7, stochastic gradients): write its reference code in ``solutions/`` (a new
module ``stochastic.py``, and ``LogisticRegression`` added to ``solutions/landscapes.py``), its
answers module ``solutions/answers_stochastic.py``, its folder ``lessons/07_stochastic/`` (text and
walkthrough), its checks ``grader/checks/stochastic.py``, its questions
``grader/instructor/questions/lesson7.py``; add one ``Assignment`` below, e.g.::

    Assignment(7, "Stochastic gradients", "07_stochastic",
               code={"landscapes": ("LogisticRegression",), "stochastic": ("SGD", "SVRG", "AdamW")},
               answers="answers_stochastic", checks=("stochastic",), support=("base",)),

then run ``python -m grader build-lessons`` and ``python -m grader record``. Nothing else lists
the course's modules: the runner, the release, grading, the bundles and the tests follow.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Assignment:
    number: int
    title: str
    folder: str  # lessons/<folder>/: README.md, walkthrough.py (and .ipynb)
    code: dict = field(default_factory=dict)  # exercise module -> the exercises graded here (class or function names)
    answers: str = ""  # the answers module of the lesson's questions
    checks: tuple = ()  # modules of grader/checks/ that register this assignment's checks
    functions: tuple = ()  # which of the exercises in ``code`` are functions, not classes
    given: dict = field(default_factory=dict)  # module -> given classes that checks build from the reference
    support: tuple = ()  # given modules the exercise modules import (from the course, never a submission)
    uses: tuple = ()  # earlier exercise modules this lesson's code imports: handed in with it

    @property
    def exercises(self) -> tuple:
        """The exercises graded in this assignment, in order: the code's, then ``Questions<number>``
        (when the lesson has an answers module)."""
        return tuple(name for names in self.code.values() for name in names) + ((self.questions,) if self.answers else ())

    @property
    def questions(self) -> str:
        return f"Questions{self.number}"

    @property
    def modules(self) -> tuple:
        """The modules a student hands in for this assignment: its exercise modules, the earlier
        ones its code imports, and its answers module (file names without ``.py``)."""
        return tuple(dict.fromkeys((*self.code, *self.uses, *((self.answers,) if self.answers else ()))))

    @property
    def files(self) -> tuple:
        return tuple(f"{m}.py" for m in self.modules)

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}"


#: the course, in the order it is taught
ASSIGNMENTS: tuple[Assignment, ...] = (
    Assignment(
        1, "Gradients by hand", "01_gradients_by_hand",
        code={"landscapes": ("Quadratic", "ScaledQuadratic", "SquarePhysics", "GaussianWells", "Rosenbrock")},
        answers="answers_gradients", checks=("landscapes",),
        given={"landscapes": ("LinearLeastSquares", "ExponentialFit", "LinearPhysics")},
    ),
    Assignment(
        2, "First-order methods", "02_first_order",
        code={"first_order": ("GradientDescent", "Momentum", "Langevin", "AdaGrad", "RMSprop", "Adam")},
        answers="answers_first_order", checks=("first_order",), support=("base",),
    ),
    Assignment(
        3, "Newton and its relatives", "03_newton",
        code={"second_order": ("backtracking", "Newton", "ConditionScaledGD", "GaussNewton")}, functions=("backtracking",),
        answers="answers_newton", checks=("second_order", "backtracking"), support=("base",),
    ),
    Assignment(
        4, "Quasi-Newton methods", "04_quasi_newton",
        code={"quasi_newton": ("Broyden", "BFGS", "LBFGS")},
        answers="answers_quasi_newton", checks=("quasi_newton",), support=("base", "linesearch"),
    ),
    Assignment(
        5, "Scale invariance and inversion", "05_inversion",
        code={"inversion": ("InverseGradient", "PhysicalGradient")},
        answers="answers_inversion", checks=("inversion",), support=("base",), uses=("second_order",),
    ),
    Assignment(6, "Bake-off", "06_bakeoff", answers="answers_bakeoff"),
    Assignment(
        7, "Stochastic gradients", "07_stochastic",
        code={"landscapes": ("LogisticRegression",), "stochastic": ("SGD", "SVRG", "AdamW")},
        answers="answers_stochastic", checks=("stochastic",), support=("base",),
    ),
)

#: written into a student release that hands out only some assignments (``release --assignment K``)
RELEASED_FILE = Path(__file__).resolve().parent / "released.json"


def _released() -> tuple[Assignment, ...]:
    if not RELEASED_FILE.is_file():
        return ASSIGNMENTS
    numbers = set(json.loads(RELEASED_FILE.read_text())["assignments"])
    return tuple(a for a in ASSIGNMENTS if a.number in numbers)


#: the assignments here: all of them, or in a student release those handed out so far
COURSE: tuple[Assignment, ...] = _released()


def assignment(number: int) -> Assignment:
    for a in COURSE:
        if a.number == number:
            return a
    raise ValueError(f"there is no assignment {number} here (assignments: {', '.join(str(a.number) for a in COURSE)})")


def select(text: str | None) -> tuple[Assignment, ...]:
    """The assignments ``text`` names: ``"2"``, ``"1,3"``, ``"1-3"`` or ``"all"`` (None: all)."""
    if text is None or text.strip().lower() == "all":
        return COURSE
    numbers: list[int] = []
    for part in text.split(","):
        part = part.strip()
        try:
            if "-" in part:
                lo, hi = (int(x) for x in part.split("-", 1))
                numbers += range(lo, hi + 1)
            else:
                numbers.append(int(part))
        except ValueError:
            raise ValueError(f"--assignment takes a number, a list like 1,2, a range like 1-3, or all; not {text!r}") from None
    chosen = [assignment(n) for n in dict.fromkeys(numbers)]
    return tuple(sorted(chosen, key=lambda a: a.number))


def exercise_modules(assignments=None) -> dict[str, tuple[str, ...]]:
    """Exercise module -> its exercises, over ``assignments`` (default: the course), in course order."""
    out: dict[str, tuple[str, ...]] = {}
    for a in COURSE if assignments is None else assignments:
        for module, names in a.code.items():
            out[module] = out.get(module, ()) + tuple(n for n in names if n not in a.functions)
    return out


def functions(assignments=None) -> dict[str, str]:
    """Exercise function -> its module."""
    return {name: module for a in (COURSE if assignments is None else assignments) for module, names in a.code.items() for name in names if name in a.functions}


def given_classes() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for a in COURSE:
        for module, names in a.given.items():
            out[module] = out.get(module, ()) + tuple(names)
    return out


def answer_modules(assignments=None) -> tuple[str, ...]:
    return tuple(a.answers for a in (COURSE if assignments is None else assignments) if a.answers)


def support_modules(assignments=None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m for a in (COURSE if assignments is None else assignments) for m in a.support))


def handed_in(assignments=None) -> tuple[str, ...]:
    """Every module a student hands in for ``assignments`` (file names without ``.py``)."""
    return tuple(dict.fromkeys(m for a in (COURSE if assignments is None else assignments) for m in a.modules))


def check_modules() -> tuple[str, ...]:
    return tuple(dict.fromkeys(m for a in COURSE for m in a.checks))


def assignment_of(exercise: str) -> Assignment | None:
    """The assignment that grades ``exercise`` (None for an exercise the course does not declare)."""
    for a in COURSE:
        if exercise in a.exercises:
            return a
    return None


def exercises(assignments=None) -> tuple[str, ...]:
    return tuple(e for a in (COURSE if assignments is None else assignments) for e in a.exercises)
