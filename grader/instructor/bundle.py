"""The Gradescope-style autograder bundle: a zip with ``setup.sh`` and ``run_autograder``.

The platform unpacks it into ``/autograder/source``, puts the student's files in
``/autograder/submission`` and reads ``/autograder/results/results.json``. ``setup.sh`` makes a
virtual environment with the pinned requirements; ``run_autograder`` grades the submission in
isolation (the student's code in its own sandboxed process, as ``python -m grader grade`` does:
namespaces where the container allows them, else a uid of its own with the course made
unreadable to it) and writes the results as it goes, the final ones after the student's
processes are gone. The bundle carries the reference solutions and the hidden
checks: it is for the platform, never for students.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..engine import REPO

SETUP = """#!/usr/bin/env bash
# Runs once when the platform builds the autograder image.
set -euo pipefail
if ! command -v python3 >/dev/null; then apt-get update && apt-get install -y python3 python3-venv python3-pip; fi
python3 -m venv /autograder/venv || { apt-get update && apt-get install -y python3-venv && python3 -m venv /autograder/venv; }
/autograder/venv/bin/pip install --quiet -r /autograder/source/requirements.txt
# The sandbox for student code (namespaces); without it the grader falls back to a uid of its own.
command -v bwrap >/dev/null || { apt-get update && apt-get install -y bubblewrap; } || echo "bubblewrap not installed: student code will run under a uid of its own, without namespaces"
"""

RUN = """#!/usr/bin/env bash
# Runs for every submission. AUTOGRADER_ROOT and AUTOGRADER_PYTHON exist for testing the bundle
# outside the platform; on the platform the defaults apply.
set -uo pipefail
root="${AUTOGRADER_ROOT:-/autograder}"
python="${AUTOGRADER_PYTHON:-/autograder/venv/bin/python}"
cd "$root/source"
"$python" -m grader autograde --root "$root"
status=$?
if [ ! -s "$root/results/results.json" ]; then
  mkdir -p "$root/results"
  printf '{"score": 0, "output": "The autograder could not run (exit %s); please contact your instructor.", "tests": []}\\n' "$status" > "$root/results/results.json"
fi
exit 0
"""

INCLUDE = ("grader", "solutions", "lessons", "requirements.txt")


def build(out: Path) -> Path:
    """Write the bundle to ``out`` (a .zip) and return its path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("setup.sh", SETUP), ("run_autograder", RUN)):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o755 << 16
            z.writestr(info, text)
        for item in INCLUDE:
            path = REPO / item
            files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc"))
            for f in files:
                if f.suffix in (".png", ".gif"):
                    continue
                z.write(f, f.relative_to(REPO).as_posix())
    return out
