"""Build the student repository: everything a student needs, nothing they must not see.

In: the lessons handed out so far (all, or 1 to K: their folders with text, walkthrough and
notebook, their stubs and answers templates, the given modules they import), the grader with their
public checks, the answer key of their questions and the reference answers their checks compare
with, the pytest entry point, ``requirements.txt``, ``requirements-notebooks.txt`` (Jupyter) and a
student README.
Out: ``solutions/``, the hidden checks, the instructor's tools (``grader/instructor/``: class
grading, the bundles, the release, the demo class, the stub generator, recording), the project's
own tests, and everything of the lessons after K.

A release of lessons 1 to K says so in ``grader/released.json``, which ``grader.course`` reads: the
release's commands (``check``, ``submit``, ``list``) know only those lessons. The files of a lesson
are the same in every release that has it, so a course repository can grow lesson by lesson.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .. import answers, course
from ..engine import LESSONS, REPO

#: left out of every release's grader: the hidden checks and every instructor tool
LEFT_OUT = ("hidden.py", "instructor")

README = """# Numerical optimization by hand

Fill in the stubs (every `raise NotImplementedError`) in `lessons/`, lesson by lesson; each
lesson folder has its text (`README.md`), a `walkthrough.py` that draws pictures with your code,
and the same walkthrough as a notebook (`walkthrough.ipynb`). Each lesson ends with a few
questions: write your answers in its answers module, where each `None` becomes a number or a
letter. They are graded like the exercises: a wrong answer is told "out of range" or the slip it
looks like, never the value.

{table}

## Set up (two commands)

```bash
python3 -m venv .venv && source .venv/bin/activate     # Python 3.11 or newer
pip install -r requirements.txt
pip install -r requirements-notebooks.txt       # optional: Jupyter, for the notebooks
```

## Check your work

```bash
python -m grader check                    # points per exercise, and what to fix
python -m grader check --assignment {last}      # one assignment's exercises and questions
python -m grader check -k GaussianWells   # one exercise
python -m grader check -k Questions1      # lesson 1's questions
python -m grader list                     # every check
pytest tests/test_checks.py --target lessons -k GaussianWells -x --pdb   # a check under the debugger
```

## Notebooks, and checks from Python

Every lesson's walkthrough is also a notebook, `lessons/<lesson>/walkthrough.ipynb`: it draws
its figures with your code, below their cells (and into `figures/`), skips a figure whose
exercise is not done yet, and its last cells grade the lesson. Jupyter is one more install, in
the same environment:

```bash
pip install -r requirements-notebooks.txt       # Jupyter (notebook and ipykernel), pinned
jupyter notebook lessons/01_gradients_by_hand/walkthrough.ipynb
```

VS Code opens the notebooks too (its Python and Jupyter extensions, with `ipykernel` from the same
file). Open a notebook from inside this folder: its first cell finds the course from there. In
any notebook or REPL, `check` gives the same report as the command:

```python
from grader import check
check("Quadratic")              # one exercise (or any part of a check's name); check() for everything
report = check("Questions1")    # lesson 1's questions, kept as an object:
report.score, report.max_score  # points earned and possible
report.failed[0].message, report.failed[0].hint
check("Quadratic").show()       # show it from anywhere in a cell (a script prints it)
```

Each call imports your modules afresh, so an edit counts at the next call.

These are the public checks. Your instructor grades with more (hidden) checks and runs your
code on the reference landscapes; here the optimizers run on your own lesson-1 landscapes, so
fix lesson 1 first. Trajectory checks compare with stored reference answers.

`grader.gradcheck` checks your own derivatives: see lesson 1. The symbols that mean more than one thing
across the lessons are listed in `lessons/NOTATION.md`.

## Hand in

```bash
python -m grader submit --assignment {last}     # writes submission-{last}.zip
```

It refuses, naming the file, when a file of the assignment is missing or does not import; else it
runs the assignment's public checks, prints the score they gave, and writes
`submission-<N>.zip` with exactly the files to upload (the table above lists them). Upload that
zip, or the files in it, where your instructor collects the assignment.
"""


def _table(chosen) -> str:
    rows = ["| assignment | text | hand in |", "|---|---|---|"]
    for a in chosen:
        rows.append(f"| {a.number}. {a.title} | [`lessons/{a.folder}/README.md`](lessons/{a.folder}/README.md) | {', '.join(f'`{f}`' for f in a.files)} |")
    return "\n".join(rows)


#: the release's pytest settings: the instructor's, without running on every core
STUDENT_PYTEST_INI = """[pytest]
testpaths = tests
pythonpath = .
addopts = -p no:cacheprovider
markers =
    slow: long property suites, left out of the quick loop with -m "not slow"
    xdist_group: the worker a test runs in, where pytest-xdist runs the tests (set by conftest.py)
"""


def build(out: Path, upto: int | None = None) -> Path:
    """Write the release of lessons 1 to ``upto`` (default: all) into the new folder ``out``."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not empty")
    numbers = [a.number for a in course.COURSE]
    if upto is not None and upto not in numbers:
        raise ValueError(f"there is no assignment {upto} (assignments: {', '.join(map(str, numbers))})")
    chosen = tuple(a for a in course.COURSE if upto is None or a.number <= upto)
    partial = len(chosen) < len(course.COURSE)
    from .. import stored
    from .record import record

    if not stored.DATA.is_file():
        record()
    later_checks = {f"{m}.py" for a in course.COURSE if a not in chosen for m in a.checks} - {f"{m}.py" for a in chosen for m in a.checks}
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", *LEFT_OUT, *later_checks, course.RELEASED_FILE.name)
    shutil.copytree(REPO / "grader", out / "grader", ignore=ignore)
    lessons = out / "lessons"
    lessons.mkdir(parents=True)
    for a in chosen:
        shutil.copytree(LESSONS / a.folder, lessons / a.folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.png"))
    for module in ("__init__", "_walkthrough", *course.support_modules(chosen), *course.handed_in(chosen)):
        shutil.copyfile(LESSONS / f"{module}.py", lessons / f"{module}.py")
    shutil.copyfile(LESSONS / "NOTATION.md", lessons / "NOTATION.md")  # the table of notation, for every lesson
    if partial:
        (out / "grader" / course.RELEASED_FILE.name).write_text(json.dumps({"assignments": [a.number for a in chosen]}) + "\n")
        key = json.loads(answers.KEY_FILE.read_text())
        key["questions"] = [q for q in key["questions"] if q["lesson"] in {a.number for a in chosen}]
        (out / "grader" / answers.KEY_FILE.name).write_text(json.dumps(key, indent=1, sort_keys=True) + "\n")
        record(out / "grader" / stored.DATA.name, prove_headroom=False, assignments=chosen)  # (the full record proved the headroom)
    (out / "tests").mkdir(parents=True)
    shutil.copyfile(REPO / "tests" / "test_checks.py", out / "tests" / "test_checks.py")
    (out / "tests" / "__init__.py").write_text("")
    for name in ("conftest.py", "requirements.txt", "requirements-notebooks.txt", ".gitignore"):
        shutil.copyfile(REPO / name, out / name)
    (out / "pytest.ini").write_text(STUDENT_PYTEST_INI)  # one process: students need no pytest-xdist
    (out / "README.md").write_text(README.format(table=_table(chosen), last=chosen[-1].number))
    return out

