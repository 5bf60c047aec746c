"""Gradescope's autograder bundle: a zip with ``setup.sh`` and ``run_autograder`` at its root.

As Gradescope runs it (its autograder specification): the zip is extracted into
``/autograder/source``; ``setup.sh`` runs once, as root, when the image is built from an Ubuntu
LTS base image; ``run_autograder`` is copied to ``/autograder/run_autograder`` and run for each
submission with the working directory ``/autograder``; the student's files are in
``/autograder/submission`` (a zip the student uploaded arrives extracted) and the results go to
``/autograder/results/results.json``.

``setup.sh`` finds a Python of 3.11 or newer (NumPy 2.4 needs it) or installs one with the image's
package manager, else fails the build naming the base image to choose; then a virtual environment
with the pinned requirements, and bubblewrap for the sandbox. ``run_autograder`` grades one
assignment (or several) in isolation, as ``python -m grader grade`` does (``grading.grade_one``,
the sandbox of ``grader.sandbox.jail``), writing the results as it goes and the final ones after
the student's processes are gone. The bundle carries the reference solutions and the hidden
checks: it is for the platform, never for students.

``try_bundle`` runs a bundle on this machine in exactly the platform's layout, for an instructor to
see what a student will see before uploading it.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .. import course
from ..engine import REPO

SETUP = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image from an Ubuntu LTS base
# image. It needs a Python of 3.11 or newer (NumPy 2.4 requires it): one already there, or one from
# the image's package manager; else the build fails, naming the base image to choose.
set -euo pipefail
source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$(dirname "$source_dir")/venv"

version_of() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }
new_enough() { case "$1" in 3.1[1-9] | 3.[2-9][0-9]) return 0 ;; *) return 1 ;; esac; }
find_python() {
  local name path version
  for name in python3.14 python3.13 python3.12 python3.11 python3; do
    path="$(command -v "$name" 2>/dev/null)" || continue
    version="$(version_of "$path")" || continue
    if new_enough "$version"; then echo "$path"; return 0; fi
  done
  return 1
}
image() { (. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-this base image}") || echo "this base image"; }
has_apt() { command -v apt-get >/dev/null 2>&1; }

python="$(find_python)" || python=""
if [ -z "$python" ] && has_apt; then
  echo "setup.sh: no Python 3.11 or newer on $(image): installing one with apt-get"
  apt-get update -q || true
  for version in 3.13 3.12 3.11; do
    if apt-get install -y -q "python$version" "python$version-venv"; then break; fi
  done
  python="$(find_python)" || python=""
fi
if [ -z "$python" ]; then
  echo "setup.sh: FAILED: this course needs Python 3.11 or newer (NumPy 2.4 requires it), and $(image) has none and offers none through its package manager. In the assignment's Configure Autograder page on Gradescope, choose the base image Ubuntu 22.04 (or a newer Ubuntu LTS) and rebuild." >&2
  exit 1
fi
echo "setup.sh: using $python (Python $(version_of "$python"))"
rm -rf "$venv"
if ! "$python" -m venv "$venv"; then
  # Debian and Ubuntu package venv's pip apart, as python3.X-venv
  rm -rf "$venv"
  version="$(version_of "$python")"
  if has_apt; then apt-get install -y -q "python$version-venv" || true; fi
  "$python" -m venv "$venv" || { echo "setup.sh: FAILED: $python cannot make a virtual environment; install python$version-venv" >&2; exit 1; }
fi
"$venv/bin/python" -m pip install --quiet -r "$source_dir/requirements.txt"
# The sandbox for student code (namespaces); without it the grader falls back to a uid of its own.
# The sandbox: bubblewrap (namespaces, where the container allows them) and libseccomp (the system-call
# filter at every level; Ubuntu's apt depends on it, so it is nearly always there already).
if ! command -v bwrap >/dev/null 2>&1; then
  { has_apt && apt-get install -y -q bubblewrap; } || echo "setup.sh: bubblewrap not installed: student code will run under a uid of its own, without namespaces"
fi
if ! ldconfig -p 2>/dev/null | grep -q 'libseccomp\.so\.2'; then
  { has_apt && apt-get install -y -q libseccomp2; } || echo "setup.sh: libseccomp2 not installed: student code will run without a system-call filter"
fi
echo "setup.sh: done"
"""

RUN = r"""#!/usr/bin/env bash
# Gradescope copies this script to /autograder/run_autograder and runs it for every submission with
# the working directory /autograder: the bundle is in /autograder/source, the student's files in
# /autograder/submission, the results go to /autograder/results/results.json. It also works from
# source/ itself. AUTOGRADER_PYTHON names another Python than setup.sh's (to try the bundle).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -d "$here/source/grader" ]; then root="$here"; elif [ -d "$here/grader" ]; then root="$(dirname "$here")"; else root=/autograder; fi
root="${AUTOGRADER_ROOT:-$root}"
python="${AUTOGRADER_PYTHON:-$root/venv/bin/python}"
mkdir -p "$root/results"
status=1
if cd "$root/source"; then
  "$python" -m grader autograde --platform gradescope --root "$root" --assignment "__ASSIGNMENT__"
  status=$?
fi
if [ ! -s "$root/results/results.json" ]; then
  printf '{"score": 0, "output": "The autograder could not run (exit %s); please tell your instructor.", "output_format": "text", "tests": []}\n' "$status" > "$root/results/results.json"
fi
exit 0
"""

#: what the platform needs of the course: the grader (hidden checks included), the reference, the given code
INCLUDE = ("grader", "solutions", "lessons", "requirements.txt")


def course_files() -> list[tuple[Path, str]]:
    """``(file, path in the bundle)`` for every file the grader needs on a platform."""
    out = []
    for item in INCLUDE:
        path = REPO / item
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc"))
        out += [(f, f.relative_to(REPO).as_posix()) for f in files if f.suffix not in (".png", ".gif") and f.name != course.RELEASED_FILE.name]
    return out


def assignment_argument(assignments) -> str:
    """What ``--assignment`` says for ``assignments``: ``2``, ``1,2`` or ``all``."""
    chosen = tuple(assignments or course.COURSE)
    return "all" if len(chosen) == len(course.COURSE) else ",".join(str(a.number) for a in chosen)


def _executable(z: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name)
    info.external_attr = (0o755 | stat.S_IFREG) << 16
    z.writestr(info, text)


def build(out: Path, assignments=None) -> Path:
    """Write the bundle grading ``assignments`` (default: the whole course) to ``out`` (a .zip)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        _executable(z, "setup.sh", SETUP)
        _executable(z, "run_autograder", RUN.replace("__ASSIGNMENT__", assignment_argument(assignments)))
        for f, name in course_files():
            z.write(f, name)
    return out


def _extract(archive: Path, dest: Path) -> None:
    """Extract ``archive`` into ``dest`` as the platform does, keeping the executable bits."""
    with zipfile.ZipFile(archive) as z:
        for info in z.infolist():
            path = Path(z.extract(info, dest))
            mode = (info.external_attr >> 16) & 0o777
            if mode and not info.is_dir():
                os.chmod(path, mode)


def lay_out(bundle: Path, submission: Path, root: Path) -> Path:
    """The platform's layout in ``root``: ``source/`` (the extracted bundle), ``run_autograder``
    copied beside it, ``submission/`` (the student's files as uploaded: a folder's files, or a
    zip's content, which is what Gradescope makes of an uploaded zip) and ``results/``."""
    root = Path(root)
    _extract(bundle, root / "source")
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir(parents=True)
    submission = Path(submission)
    if submission.is_dir():
        shutil.copytree(submission, root / "submission", dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    elif zipfile.is_zipfile(submission):
        with zipfile.ZipFile(submission) as z:
            z.extractall(root / "submission")
    else:
        shutil.copy2(submission, root / "submission" / submission.name)
    (root / "results").mkdir()
    return root


def run(root: Path, python: str | None = None, timeout: float = 2400) -> subprocess.CompletedProcess:
    """Run ``root/run_autograder`` as the platform does: the copy beside ``source/``, from ``root``.
    ``python``: the interpreter that stands in for setup.sh's virtual environment."""
    env = {**os.environ, "AUTOGRADER_PYTHON": python or sys.executable}
    env.pop("AUTOGRADER_ROOT", None)
    return subprocess.run([str(Path(root) / "run_autograder")], cwd=root, env=env, capture_output=True, text=True, timeout=timeout)


def student_view(results: dict, published: bool) -> str:
    """``results.json`` as a student reads it on Gradescope: before the instructor publishes
    (boxes ``after_published`` and ``after_due_date`` left out, and no total while any is), or after."""
    shown = ("visible", "after_published", "after_due_date") if published else ("visible",)
    tests = [t for t in results.get("tests", []) if t.get("visibility", results.get("visibility", "visible")) in shown]
    held_back = len(tests) < len(results.get("tests", []))
    lines = []
    if not held_back:
        total = results.get("score", sum(t.get("score", 0) for t in results.get("tests", [])))
        possible = sum(t.get("max_score", 0) for t in results.get("tests", []))
        lines.append(f"Total: {total:g} / {possible:g}")
    else:
        lines.append("Total: (hidden until your instructor publishes the grades)")
    lines += ["", results.get("output", ""), ""]
    for t in tests:
        lines += [f"--- {t.get('number', '')} {t['name']}: {t.get('score', 0):g} / {t.get('max_score', 0):g}", t.get("output", ""), ""]
    return "\n".join(lines)


def try_bundle(submission: Path, assignments=None, bundle: Path | None = None, keep: Path | None = None) -> tuple[dict, subprocess.CompletedProcess]:
    """Run the bundle (``bundle``, or one built now for ``assignments``) on ``submission`` in the
    platform's layout on this machine; the results and the run. ``keep``: lay it out there (a new
    folder) and leave it, else in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="gradescope-try-") as tmp:
        root = Path(keep) if keep else Path(tmp) / "autograder"
        if bundle is None:
            bundle = build(Path(tmp) / "autograder.zip", assignments)
        lay_out(Path(bundle), Path(submission), root)
        proc = run(root)
        results = json.loads((root / "results" / "results.json").read_text())
    return results, proc
