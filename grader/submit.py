"""The student's hand-in: ``python -m grader submit [--assignment N]``.

It checks that every file of the assignment is there and imports, runs the assignment's public
checks, and writes ``submission-<N>.zip`` holding exactly the files to upload (the assignment's
exercise modules, the earlier modules its code imports, and its answers module, at the zip's top
level, as every platform of the course reads them). A missing file, or one that does not import,
is refused with a message naming it: nothing is written then.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from . import api, course, engine
from .catalogue import all_checks
from .sandbox.runner import Runner, StudentError


class SubmitError(ValueError):
    """The hand-in cannot be made: a file is missing or does not import."""


def problems(folder: Path, assignments) -> list[str]:
    """What keeps ``folder`` from being handed in for ``assignments``: missing files, and files that
    do not import (each named, with the error); empty when all is well."""
    found = []
    runner = Runner(Path(folder), given=engine.LESSONS if (engine.LESSONS / "base.py").is_file() else None)
    for module in course.handed_in(assignments):
        path = Path(folder) / f"{module}.py"
        if not path.is_file():
            found.append(f"{path} is missing: every file of the assignment is handed in, even one you have not started")
            continue
        try:
            runner._module(module)  # the runner's own import of a graded module: time limit, output kept from the terminal
        except StudentError as exc:
            found.append(f"{path.name} does not import: {exc.message}")
    return found


def name_of(assignments) -> str:
    chosen = tuple(assignments)
    if len(chosen) == len(course.COURSE):
        return "all"
    return "-".join(str(a.number) for a in chosen)


def hand_in(folder: Path, assignments=None, out: Path = Path("."), on_result=None) -> tuple[Path, api.CheckReport]:
    """Check ``folder`` for ``assignments`` (default: every assignment here), run their public
    checks, and write ``out/submission-<N>.zip``; the zip's path and the checks' report. Raises
    ``SubmitError`` (nothing written) when a file is missing or does not import."""
    chosen = tuple(assignments or course.COURSE)
    folder = engine.check_layout(Path(folder))
    found = problems(folder, chosen)
    if found:
        raise SubmitError("\n".join(found))
    checks = all_checks(include_hidden=False, assignments=chosen)
    report = api.run(checks, folder, on_result=on_result)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"submission-{name_of(chosen)}.zip"
    tmp = path.with_name(f".{path.name}.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name in course.handed_in(chosen):
            z.write(folder / f"{name}.py", f"{name}.py")
    tmp.replace(path)
    return path, report
