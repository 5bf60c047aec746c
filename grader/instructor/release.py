"""Build the student repository: everything a student needs, nothing they must not see.

In: ``lessons/`` (stubs, texts, walkthroughs), the grader with its public checks and the stored
reference answers, the pytest entry point, ``requirements.txt`` and a student README.
Out: ``solutions/``, the hidden checks, the instructor's tools (``grader/instructor/``: class
grading, the bundle, the release, the demo class, the stub generator, recording), the project's
own tests.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..engine import REPO

#: left out of the release's grader: the hidden checks and every instructor tool
LEFT_OUT = ("hidden.py", "instructor")

README = """# Numerical optimization by hand

Fill in the stubs (every `raise NotImplementedError`) in `lessons/`, lesson by lesson; each
lesson folder has its text (`README.md`) and a `walkthrough.py` that draws pictures with your code.
Each lesson ends with a few questions: write your answers in its answers module
(`lessons/answers_gradients.py`, `answers_first_order.py`, `answers_newton.py`,
`answers_quasi_newton.py`, `answers_inversion.py`, `answers_bakeoff.py`, `answers_stochastic.py`), where each `None`
becomes a number or a letter. They are graded like the exercises: a wrong answer is told
"out of range" or the slip it looks like, never the value.

## Set up (two commands)

```bash
python3 -m venv .venv && source .venv/bin/activate     # Python 3.11 or newer
pip install -r requirements.txt
```

## Check your work

```bash
python -m grader check                    # points per exercise, and what to fix
python -m grader check -k GaussianWells   # one exercise
python -m grader check -k Questions2      # lesson 2's questions
python -m grader list                     # every check
pytest tests/test_checks.py --target lessons -k GaussianWells -x --pdb   # a check under the debugger
```

These are the public checks. Your instructor grades with more (hidden) checks and runs your
code on the reference landscapes; here the optimizers run on your own lesson-1 landscapes, so
fix lesson 1 first. Trajectory checks compare with stored reference answers.

`grader.gradcheck` checks your own derivatives: see lesson 1. The symbols that mean more than one thing
across the lessons are listed in `lessons/NOTATION.md`.
"""


def build(out: Path) -> Path:
    """Write the release into the new folder ``out``."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not empty")
    from .. import stored
    from .record import record

    if not stored.DATA.is_file():
        record()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", *LEFT_OUT)
    shutil.copytree(REPO / "lessons", out / "lessons", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"), dirs_exist_ok=True)
    shutil.copytree(REPO / "grader", out / "grader", ignore=ignore)
    (out / "tests").mkdir(parents=True)
    shutil.copyfile(REPO / "tests" / "test_checks.py", out / "tests" / "test_checks.py")
    (out / "tests" / "__init__.py").write_text("")
    for name in ("conftest.py", "pytest.ini", "requirements.txt", ".gitignore"):
        shutil.copyfile(REPO / name, out / name)
    (out / "README.md").write_text(README)
    return out
