"""The platforms as they run the course: Gradescope's bundle in its exact layout (``/autograder``
with ``source/``, ``run_autograder`` beside it, ``submission/`` and ``results/``, run from the
root), its ``setup.sh`` on base images with and without a Python 3.11+, and PrairieLearn's
external grader in a ``/grade``-like root."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader import course, engine
from grader.catalogue import all_checks
from grader.instructor import bundle, prairielearn

from .helpers import variant

LESSON_1 = course.assignment(1)
#: a slip in GaussianWells' Hessian, which its public checks and its hidden check both catch
WELLS_BUG = [("4.0 * weighted / w2**2", "1.0 * weighted / w2**2")]


@pytest.fixture(scope="module")
def assignment_1_bundle(tmp_path_factory):
    return bundle.build(tmp_path_factory.mktemp("bundle") / "autograder-1.zip", (LESSON_1,))


def _buggy_lesson_1(tmp_path) -> Path:
    """A student's lesson-1 files, as they would upload them: landscapes.py with the wells slip, and the answers."""
    folder = variant(tmp_path, {"landscapes.py": WELLS_BUG})
    upload = tmp_path / "upload"
    upload.mkdir()
    for name in LESSON_1.files:
        shutil.copyfile(folder / name, upload / name)
    return upload


def test_the_bundle_runs_as_gradescope_runs_it(assignment_1_bundle, tmp_path):
    """run_autograder copied to ROOT/run_autograder and run from ROOT (Gradescope's /autograder),
    with the student's loose files in ROOT/submission: one box per exercise, what to fix first,
    Markdown, the sandbox in extra_data, and the hidden check's failure invisible before publication."""
    root = bundle.lay_out(assignment_1_bundle, _buggy_lesson_1(tmp_path), tmp_path / "autograder")
    assert sorted(p.name for p in root.iterdir()) == ["results", "run_autograder", "source", "submission"]
    assert os.access(root / "run_autograder", os.X_OK) and os.access(root / "source" / "setup.sh", os.X_OK)
    proc = bundle.run(root)  # cwd = root, no AUTOGRADER_ROOT: the script finds source/ itself
    assert proc.returncode == 0, proc.stderr
    data = json.loads((root / "results" / "results.json").read_text())
    assert "could not run" not in data["output"], proc.stdout + proc.stderr
    assert data["output_format"] == "md" and data["extra_data"]["sandbox"]
    public = [t for t in data["tests"] if t["visibility"] == "visible"]
    hidden = [t for t in data["tests"] if t["visibility"] != "visible"]
    assert [t["name"] for t in public] == list(LESSON_1.exercises)  # one box per exercise, no more
    assert {t["visibility"] for t in hidden} == {"after_published"} and all(t["name"].endswith(": hidden checks") for t in hidden)
    boxes = {t["name"]: t for t in data["tests"]}
    wells = boxes["GaussianWells"]
    assert wells["status"] == "failed" and wells["output_format"] == "md"
    assert "GaussianWells.hessian.gradcheck" in wells["output"] and "Passed (" in wells["output"]
    said = [block for block in wells["output"].split("```text")[1:]]
    assert len(said) == len(set(said)), "each message once"
    assert boxes["GaussianWells: hidden checks"]["status"] == "failed"
    assert "Fix this first: GaussianWells" in data["output"]
    for name in ("Quadratic", "Rosenbrock", "Questions1"):
        assert boxes[name]["score"] == boxes[name]["max_score"] > 0, name
    # Before publication a student sees the public boxes, whose points are the public checks',
    # and nothing of the hidden check: no name, no points, no total.
    before = bundle.student_view(data, published=False)
    assert "GaussianWells.reference" not in before and "hidden checks" not in before.split("\n", 3)[-1].replace("Hidden checks are graded too", "")
    assert "Total: (hidden" in before
    public_points = sum(t["score"] for t in public)
    assert f"{public_points:g} / {sum(t['max_score'] for t in public):g} points on the public checks" in data["output"]
    after = bundle.student_view(data, published=True)
    assert "`GaussianWells.reference`: failed" in after and f"Total: {data['score']:g} /" in after
    assert data["score"] == sum(t["score"] for t in data["tests"]) < sum(c.points for c in all_checks(assignments=(LESSON_1,)))


def test_an_uploaded_zip_is_graded_from_its_content(assignment_1_bundle, tmp_path):
    """Gradescope extracts a zip the student uploads into submission/, possibly inside a folder of
    its own; the zip python -m grader submit writes, as uploaded, gets full marks."""
    zipped = tmp_path / "submission-1.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        for name in LESSON_1.files:
            z.write(engine.SOLUTIONS / name, f"my_work/{name}")
    root = bundle.lay_out(assignment_1_bundle, zipped, tmp_path / "autograder")
    assert (root / "submission" / "my_work" / "landscapes.py").is_file()
    assert bundle.run(root).returncode == 0
    data = json.loads((root / "results" / "results.json").read_text())
    assert data["score"] == sum(c.points for c in all_checks(assignments=(LESSON_1,))), data["output"]
    assert "Every public check passed" in data["output"]


def test_a_grader_that_cannot_start_still_leaves_results(assignment_1_bundle, tmp_path):
    root = bundle.lay_out(assignment_1_bundle, _buggy_lesson_1(tmp_path), tmp_path / "autograder")
    proc = bundle.run(root, python=str(tmp_path / "no-such-python"))
    assert proc.returncode == 0
    data = json.loads((root / "results" / "results.json").read_text())
    assert data["score"] == 0 and "could not run" in data["output"] and data["tests"] == []


def test_try_prints_what_the_student_sees(tmp_path, capsys):
    from grader.cli import main

    upload = _buggy_lesson_1(tmp_path)
    assert main(["gradescope", "--assignment", "1", "--try", str(upload)]) == 0
    out = capsys.readouterr().out
    before, after = out.split("=== ... and after you publish them ===")
    assert "What the student sees before you publish" in before and "Fix this first: GaussianWells" in before
    assert "GaussianWells.reference" not in before and "GaussianWells.reference" in after


# ----------------------------------------------------------------------------- setup.sh on base images
TOOLS = ("dirname", "rm", "mkdir", "cat", "chmod", "cp", "sh")


def _fake_image(tmp_path, pythons: dict, apt_installs: dict | None = None) -> tuple[dict, Path, Path]:
    """A PATH holding only fake ``python3.X`` executables (each prints its version; ``-m venv DIR``
    makes a venv whose python logs what it is asked), a fake ``apt-get`` that logs its arguments and
    installs only the fake pythons in ``apt_installs`` (package -> version), and basic tools."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    log = tmp_path / "log"
    for tool in TOOLS:
        found = shutil.which(tool)
        if found:
            (bin_ / tool).symlink_to(found)
    python = """#!/bin/sh
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"
  printf '#!/bin/sh\\necho "venv of {name}: $*" >> {log}\\n' > "$3/bin/python"
  chmod +x "$3/bin/python"
  exit 0
fi
echo {version}
"""
    def make(name, version):
        path = bin_ / name
        path.write_text(python.format(name=name, version=version, log=log))
        path.chmod(0o755)

    for name, version in pythons.items():
        make(name, version)
    apt = f'#!/bin/sh\necho "apt-get $*" >> {log}\n'
    for package, version in (apt_installs or {}).items():  # installing the package makes its fake executable
        (tmp_path / f"stage-{package}").write_text(python.format(name=package, version=version, log=log))
        apt += f'case " $* " in *" {package} "*) cp {tmp_path / ("stage-" + package)} {bin_ / package}; chmod +x {bin_ / package}; exit 0 ;; esac\n'
    apt += "case \"$1\" in update) exit 0 ;; esac\necho 'E: Unable to locate package' >&2\nexit 100\n"
    (bin_ / "apt-get").write_text(apt)
    (bin_ / "apt-get").chmod(0o755)
    return {"PATH": str(bin_), "HOME": str(tmp_path)}, log, bin_


def _setup(tmp_path, env) -> subprocess.CompletedProcess:
    source = tmp_path / "autograder" / "source"
    source.mkdir(parents=True)
    (source / "setup.sh").write_text(bundle.SETUP)
    shutil.copyfile(engine.REPO / "requirements.txt", source / "requirements.txt")
    return subprocess.run(["/bin/bash", str(source / "setup.sh")], env=env, capture_output=True, text=True, timeout=60)


def test_setup_fails_at_build_time_naming_the_base_image_when_only_python_3_10_is_there(tmp_path):
    env, log, _ = _fake_image(tmp_path, {"python3": "3.10"})
    proc = _setup(tmp_path, env)
    assert proc.returncode == 1
    assert "Python 3.11 or newer" in proc.stderr and "Ubuntu 22.04" in proc.stderr and "base image" in proc.stderr
    asked = log.read_text()
    assert "apt-get install -y -q python3.11 python3.11-venv" in asked  # it tried the package manager first
    assert "venv of" not in asked and not (tmp_path / "autograder" / "venv").exists()


def test_setup_uses_a_python_3_12_that_is_there(tmp_path):
    env, log, _ = _fake_image(tmp_path, {"python3": "3.10", "python3.12": "3.12"})
    proc = _setup(tmp_path, env)
    assert proc.returncode == 0, proc.stderr
    asked = log.read_text()
    assert "apt-get install -y -q python3" not in asked  # no Python installed: one was there
    assert f"venv of python3.12: -m pip install --quiet -r {tmp_path / 'autograder' / 'source' / 'requirements.txt'}" in asked
    assert "using" in proc.stdout and "python3.12" in proc.stdout


def test_setup_installs_python_3_11_from_the_package_manager(tmp_path):
    env, log, bin_ = _fake_image(tmp_path, {"python3": "3.10"}, apt_installs={"python3.11": "3.11"})
    proc = _setup(tmp_path, env)
    assert proc.returncode == 0, proc.stderr
    assert (bin_ / "python3.11").is_file() and "venv of python3.11: -m pip install" in log.read_text()


# ----------------------------------------------------------------------------- PrairieLearn
def test_prairielearn_question_and_entrypoint_in_a_grade_root(tmp_path):
    """The written question names the image, the entrypoint and serverFilesCourse; the entrypoint,
    in a root laid out like /grade, grades /grade/student under the sandbox and writes PrairieLearn's
    results: gradable, a score in [0, 1], a test per exercise, nothing of the hidden checks."""
    out = prairielearn.build(tmp_path / "pl", (LESSON_1,), image="course/optimization-grader", timeout=300)
    info = json.loads((out / "questions" / "optimization_assignment1" / "info.json").read_text())
    options = info["externalGradingOptions"]
    assert info["gradingMethod"] == "External" and info["type"] == "v3" and options["image"] == "course/optimization-grader"
    assert options["entrypoint"] == "/grade/serverFilesCourse/optimization_grader/run_prairielearn 1"
    assert options["serverFilesCourse"] == ["optimization_grader/"] and options["timeout"] == 300 and options["enableNetworking"] is False
    html = (out / "questions" / "optimization_assignment1" / "question.html").read_text()
    assert 'file-names="landscapes.py, answers_gradients.py"' in html and "<pl-external-grader-results>" in html
    dockerfile = (out / "grader-image" / "Dockerfile").read_text()
    assert "FROM prairielearn/grader-python" in dockerfile and (out / "grader-image" / "requirements.txt").read_text() == (engine.REPO / "requirements.txt").read_text()

    grade = tmp_path / "job" / "grade"  # what PrairieLearn mounts at /grade
    shutil.copytree(out / "serverFilesCourse", grade / "serverFilesCourse")
    shutil.copytree(_buggy_lesson_1(tmp_path), grade / "student")
    (grade / "data").mkdir()
    (grade / "data" / "data.json").write_text("{}")
    entry = grade / "serverFilesCourse" / "optimization_grader" / "run_prairielearn"
    assert os.access(entry, os.X_OK)
    env = {**os.environ, "GRADE_ROOT": str(grade), "GRADER_PYTHON": sys.executable}
    proc = subprocess.run([str(entry), "1"], cwd="/", env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    text = (grade / "results" / "results.json").read_text()
    data = json.loads(text)
    assert data["gradable"] is True and 0 < data["score"] < 1 and data["message"] and data["output"]
    assert [t["name"] for t in data["tests"]] == list(LESSON_1.exercises)
    for t in data["tests"]:
        assert set(t) >= {"name", "points", "max_points", "message", "output"} and 0 <= t["points"] <= t["max_points"]
    assert data["score"] == pytest.approx(sum(t["points"] for t in data["tests"]) / sum(t["max_points"] for t in data["tests"]), abs=1e-6)
    wells = next(t for t in data["tests"] if t["name"] == "GaussianWells")
    assert wells["points"] < wells["max_points"] and "GaussianWells.hessian.gradcheck" in wells["output"]
    assert "GaussianWells.reference" not in text and "hidden" not in text.lower()


def test_prairielearn_image_without_the_pinned_packages_grades_nothing(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# pinned\nnumpy==0.0.1\nno-such-package-here==1.0\n")
    problems = prairielearn.environment_problems(requirements)
    assert any("numpy is" in p and "pins 0.0.1" in p for p in problems) and any("no-such-package-here is not installed" in p for p in problems)
    assert prairielearn.environment_problems() == []  # this machine has the pinned versions
    data = prairielearn.not_gradable(problems)
    assert data["gradable"] is False and "no attempt" in data["message"] and data["format_errors"]


def test_prairielearn_refuses_without_an_image_or_beyond_its_timeout(tmp_path):
    with pytest.raises(ValueError, match="--image"):
        prairielearn.build(tmp_path / "a", image="")
    with pytest.raises(ValueError, match="at most 600"):
        prairielearn.build(tmp_path / "b", image="x/y", timeout=601)
