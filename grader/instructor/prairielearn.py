"""PrairieLearn as a second platform: an externally graded question per assignment.

    python -m grader prairielearn --assignment 2 --image ACCOUNT/optimization-grader OUT/

writes, to copy into the PrairieLearn course repository (OUT/README.md says where):

- ``serverFilesCourse/optimization_grader/``: the grader, the reference and the given code, and the
  entrypoint ``run_prairielearn`` (PrairieLearn copies the folder into ``/grade/serverFilesCourse``);
- ``questions/optimization_assignment<N>/``: ``info.json`` (``gradingMethod: External`` and its
  ``externalGradingOptions``: image, entrypoint, ``serverFilesCourse``, timeout, no network) and
  ``question.html`` (a ``pl-file-upload`` of the assignment's files, and the results);
- ``grader-image/``: the ``Dockerfile`` of the grading image, ``prairielearn/grader-python`` (Python
  3.13) with this course's pinned requirements added (the stock image has no Hypothesis or pytest, and
  grades are reproducible only with the pinned versions).

The entrypoint grades ``/grade/student`` with the same code and sandbox as the Gradescope bundle
(``grading.grade_one``, ``grader.sandbox.jail``) and writes ``/grade/results/results.json`` in
PrairieLearn's format (``report.prairielearn``). An image without the pinned versions gets
``gradable: false`` (no attempt is charged) with a message for the course staff.
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

from .. import course
from ..engine import REPO
from .bundle import course_files

FOLDER = "optimization_grader"
BASE_IMAGE = "prairielearn/grader-python"
#: PrairieLearn's longest allowed grading job
MAX_TIMEOUT = 600
#: the question's uuids derive from this and the assignment number, so a rebuilt question keeps its identity
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "numerical-optimization-by-hand/prairielearn")

ENTRYPOINT = r"""#!/usr/bin/env bash
# PrairieLearn's external grader runs this as the job's entrypoint, with the assignment's number:
# the student's files are in /grade/student, this folder in /grade/serverFilesCourse, and the
# results go to /grade/results/results.json. GRADE_ROOT and GRADER_PYTHON exist to try it elsewhere.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="${GRADE_ROOT:-/grade}"
python="${GRADER_PYTHON:-python3}"
mkdir -p "$root/results"
status=1
if cd "$here"; then
  "$python" -m grader autograde --platform prairielearn --root "$root" --assignment "${1:-all}"
  status=$?
fi
if [ ! -s "$root/results/results.json" ]; then
  printf '{"gradable": false, "score": 0, "message": "The grader could not run (exit %s): this submission was not graded and costs no attempt. Course staff: see the grading job log.", "format_errors": ["the grader could not run"]}\n' "$status" > "$root/results/results.json"
fi
exit 0
"""

DOCKERFILE = """# The grading image for this course's PrairieLearn questions: PrairieLearn's Python grader image
# (Python 3.13) with the course's pinned requirements, which grades depend on (derandomized
# Hypothesis draws the same examples only with the same versions).
#   docker build --platform linux/amd64 -t ACCOUNT/optimization-grader .
#   docker push ACCOUNT/optimization-grader     (then sync the image on the course's Sync page)
FROM {base}
COPY requirements.txt /optimization-grader-requirements.txt
RUN uv pip install -r /optimization-grader-requirements.txt
"""

QUESTION = """<pl-question-panel>
  <p><b>Assignment {number}: {title}.</b> Upload your {files_text} from <code>lessons/</code>
  (or the files in the <code>submission-{number}.zip</code> that <code>python -m grader submit --assignment {number}</code> wrote).
  Each exercise is graded by the course's public checks; a failed check says what was expected, what came back, and where the usual mistake lies.</p>
  <pl-file-upload file-names="{files}"></pl-file-upload>
</pl-question-panel>

<pl-submission-panel>
  <pl-external-grader-results></pl-external-grader-results>
  <pl-file-preview></pl-file-preview>
</pl-submission-panel>
"""


def question_id(a: course.Assignment) -> str:
    return f"optimization_assignment{a.number}"


def info(a: course.Assignment, image: str, timeout: int) -> dict:
    """The question's ``info.json``."""
    return {
        "uuid": str(uuid.uuid5(NAMESPACE, f"assignment-{a.number}")),
        "title": f"Assignment {a.number}: {a.title}",
        "topic": "Numerical optimization",
        "tags": ["code", "autograded"],
        "type": "v3",
        "singleVariant": True,
        "gradingMethod": "External",
        "externalGradingOptions": {
            "image": image,
            "entrypoint": f"/grade/serverFilesCourse/{FOLDER}/run_prairielearn {a.number}",
            "serverFilesCourse": [f"{FOLDER}/"],
            "timeout": int(timeout),
            "enableNetworking": False,
        },
    }


def build(out: Path, assignments=None, image: str = "", timeout: int = MAX_TIMEOUT) -> Path:
    """Write the questions of ``assignments`` (default all), the grader for ``serverFilesCourse``
    and the grading image's Dockerfile into the new folder ``out``."""
    if not image:
        raise ValueError("name the grading image (--image ACCOUNT/NAME): build it from the Dockerfile this writes, on top of prairielearn/grader-python")
    if not 0 < timeout <= MAX_TIMEOUT:
        raise ValueError(f"PrairieLearn's timeout is at most {MAX_TIMEOUT} s, not {timeout}")
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not empty")
    chosen = tuple(assignments or course.COURSE)
    grader = out / "serverFilesCourse" / FOLDER
    for f, name in course_files():
        (grader / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, grader / name)
    (grader / "run_prairielearn").write_text(ENTRYPOINT)
    (grader / "run_prairielearn").chmod(0o755)
    for a in chosen:
        folder = out / "questions" / question_id(a)
        folder.mkdir(parents=True)
        (folder / "info.json").write_text(json.dumps(info(a, image, timeout), indent=2) + "\n")
        files_text = ", ".join(f"<code>{f}</code>" for f in a.files)
        (folder / "question.html").write_text(QUESTION.format(number=a.number, title=a.title, files=", ".join(a.files), files_text=files_text))
    (out / "grader-image").mkdir()
    (out / "grader-image" / "Dockerfile").write_text(DOCKERFILE.format(base=BASE_IMAGE))
    shutil.copyfile(REPO / "requirements.txt", out / "grader-image" / "requirements.txt")
    (out / "README.md").write_text(_readme(chosen, image))
    return out


def _readme(chosen, image: str) -> str:
    questions = "\n".join(f"- `questions/{question_id(a)}/`: assignment {a.number}, {a.title} (upload: {', '.join(a.files)})" for a in chosen)
    return f"""# PrairieLearn questions for the optimization course

1. Build and push the grading image (once per change of `requirements.txt`):
   `cd grader-image && docker build --platform linux/amd64 -t {image} . && docker push {image}`,
   then sync it on your course's Sync page.
2. Copy `serverFilesCourse/{FOLDER}/` into your course's `serverFilesCourse/`, and the question
   folders into your course's `questions/`:
{questions}
3. Add the questions to an assessment (`infoAssessment.json`) with the points you want; a question's
   score is the fraction of its public checks' points earned.

The grader holds the reference solutions: `serverFilesCourse` is never shown to students.
"""


def environment_problems(requirements: Path = REPO / "requirements.txt") -> list[str]:
    """How this Python differs from the pinned requirements (``name==version`` lines): missing
    packages or other versions. Empty when grading here is reproducible."""
    from importlib import metadata

    problems = []
    for line in Path(requirements).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" not in line:
            continue
        name, version = (part.strip() for part in line.split("==", 1))
        try:
            found = metadata.version(name)
        except metadata.PackageNotFoundError:
            problems.append(f"{name} is not installed (the course pins {version})")
            continue
        if found != version:
            problems.append(f"{name} is {found}, the course pins {version}")
    return problems


def not_gradable(problems: list[str]) -> dict:
    """The results of a grading image that cannot grade reproducibly: no grade, no attempt charged."""
    return {
        "gradable": False,
        "score": 0.0,
        "message": "The grader's image is not the course's (" + "; ".join(problems) + "). This submission was not graded and costs no attempt. Course staff: build the image from grader-image/Dockerfile (python -m grader prairielearn).",
        "format_errors": ["the grading image lacks the course's pinned packages"],
    }
