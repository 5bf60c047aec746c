"""Grade a whole class: each submission isolated, a gradebook, results and feedback per student.

    python -m grader grade [SUBMISSIONS] --out DIR [--assignment 2] [--workers N]

``SUBMISSIONS`` holds one folder or ``.zip`` per student, with the exercise files at the same
relative paths as in ``lessons/`` (a zip may wrap them in one folder). Missing files count as
unattempted; other files are ignored. Without ``SUBMISSIONS`` the demo class is graded.
``assignments`` (``grader.course``) grades some assignments only: their checks, their files.
"""

from __future__ import annotations

import csv
import dataclasses
import os
import re
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

from .. import course, engine, report
from ..catalogue import all_checks
from ..sandbox import jail

MAX_FILE_BYTES = 2 * 1024 * 1024


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "student"


def find_submissions(root: Path) -> list[tuple[str, Path]]:
    """``(student, path)`` for every subfolder and ``.zip`` of ``root``, sorted by name."""
    found = []
    for path in sorted(Path(root).iterdir()):
        if path.is_dir() and not path.name.startswith("."):
            found.append((_safe_name(path.name), path))
        elif path.suffix == ".zip":
            found.append((_safe_name(path.stem), path))
    return found


def unpack(path: Path, dest: Path, assignments=None) -> tuple[Path, list[str]]:
    """The submission's course modules copied flat into ``dest``, and notes on what was odd.

    Only files named like a module handed in for ``assignments`` (default: all) are taken, from
    the top level or one folder down (the shallowest wins); nothing is extracted by the archive's
    own paths. A folder that holds no such file but one ``.zip`` (a platform that kept the
    student's upload as it was) is read from that zip.
    """
    dest.mkdir(parents=True, exist_ok=True)
    wanted = {f"{m}.py" for m in course.handed_in(assignments)}
    notes = []
    if path.is_dir():
        zips = [z for z in path.iterdir() if z.suffix == ".zip" and z.is_file()]
        if len(zips) == 1 and not any(p.name in wanted for p in path.rglob("*.py")):
            path = zips[0]
    if path.is_dir():
        candidates = [p for p in path.rglob("*.py") if p.name in wanted and len(p.relative_to(path).parts) <= 2]
        chosen = {}
        for p in sorted(candidates, key=lambda p: len(p.relative_to(path).parts)):
            chosen.setdefault(p.name, p)
        for name, p in chosen.items():
            if p.is_symlink() or p.parent.is_symlink():  # (as root, a link would hand the student any file: the solutions)
                notes.append(f"{name} is a symbolic link and was ignored")
                continue
            if p.stat().st_size > MAX_FILE_BYTES:
                notes.append(f"{name} is larger than {MAX_FILE_BYTES // 1024} KiB and was ignored")
                continue
            fd = os.open(p, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as source, open(dest / name, "wb") as copy:
                shutil.copyfileobj(source, copy)
    else:
        try:
            with zipfile.ZipFile(path) as archive:
                members = [i for i in archive.infolist() if not i.is_dir() and Path(i.filename).name in wanted and len(Path(i.filename).parts) <= 2]
                chosen = {}
                for info in sorted(members, key=lambda i: len(Path(i.filename).parts)):
                    chosen.setdefault(Path(info.filename).name, info)
                for name, info in chosen.items():
                    if info.file_size > MAX_FILE_BYTES:
                        notes.append(f"{name} is larger than {MAX_FILE_BYTES // 1024} KiB and was ignored")
                        continue
                    (dest / name).write_bytes(archive.read(info))
        except zipfile.BadZipFile:
            notes.append(f"{path.name} is not a readable zip file")
    missing = sorted(wanted - {p.name for p in dest.iterdir()})
    if missing:
        notes.append("not handed in (counted as unattempted): " + ", ".join(missing))
    return dest, notes


def select_checks(only: tuple | None = None, assignments=None):
    """All checks (of ``assignments``, default all), or those of the exercises named in ``only``."""
    return [c for c in all_checks(assignments=assignments) if only is None or c.exercise in only]


def title_of(assignments) -> str:
    """``Assignment 2 (First-order methods)``, ``Assignments 1, 2``, or "" for the whole course."""
    chosen = tuple(assignments or ())
    if not chosen or len(chosen) == len(course.COURSE):
        return ""
    if len(chosen) == 1:
        return f"Assignment {chosen[0].number} ({chosen[0].title})"
    return "Assignments " + ", ".join(str(a.number) for a in chosen)




def grade_one(student: str, path: Path, out: Path, call_seconds: float = 20.0, memory_mb: int | None = None, only: tuple | None = None, results_path: Path | None = None, sandbox: "str | jail.Sandbox" = "best", assignments=None, platform: str = "gradescope") -> dict:
    """Grade one submission in isolation; write its results.json (rewritten after every check,
    so a crash leaves valid partial results) and feedback.md. Returns its gradebook row (plain
    data). ``assignments``: grade these assignments only (``grader.course``; default all): their
    checks, their files. ``only``: grade just these exercises (for quick runs). ``results_path``:
    where the results go (default ``out/student/results.json``), in ``platform``'s format
    (``gradescope`` or ``prairielearn``). ``sandbox``: a name for ``grader.sandbox.jail.choose``,
    or the ``Sandbox`` already chosen; the level that ran is in the row, results.json and
    feedback.md. A sandbox that cannot start the student's process gives a "grader failure" row
    and results that say so, never a grade."""
    jail.protect_grader()
    chosen = sandbox if isinstance(sandbox, jail.Sandbox) else jail.choose(sandbox)
    if chosen.shares_host_files and chosen.own_uid and any(os.stat(p).st_mode & 0o004 for p in (engine.REPO, path, out) if os.path.exists(p)):
        jail.protect(engine.REPO, path, out)  # (grade_class and autograde have done it already)
    folder = Path(out) / student
    folder.mkdir(parents=True, exist_ok=True)
    results_file = Path(results_path) if results_path else folder / "results.json"
    start = time.perf_counter()
    checks = select_checks(only, assignments)
    numbers = engine.numbering(checks)
    results: list[engine.CheckResult] = []
    fmt, title = report.FORMATS[platform], title_of(assignments)
    failed = None
    with tempfile.TemporaryDirectory(prefix="submission-") as tmp:
        files, notes = unpack(path, Path(tmp) / "files", assignments)
        target, reference = engine.make_targets(files, isolated=True, call_seconds=call_seconds, memory_mb=memory_mb, sandbox=chosen)
        try:
            def save(result):
                results.append(result)
                report.write_json(results_file, fmt(results, time.perf_counter() - start, complete=False, sandbox=chosen.describe(), title=title))

            report.write_json(results_file, fmt([], 0.0, complete=False, sandbox=chosen.describe(), title=title))
            target.runner.start()
            engine.run_checks(checks, target, reference, on_result=save, numbers=numbers)
        except jail.SandboxFailed:
            pass  # (the runner keeps why)
        finally:
            engine.close_targets(target)  # every process of the student is gone before the final results
            failed = getattr(target.runner, "start_failure", None)
    if failed is not None:
        return _failure_row(student, out, f"the sandbox could not start its process: {failed}", chosen.level, results_file, platform)
    seconds = time.perf_counter() - start
    report.write_json(results_file, fmt(results, seconds, complete=True, sandbox=chosen.describe(), title=title))
    figures, figure_note = _figures_or_note(folder, results)
    # feedback.md goes to the student as it is: the grading machine's folders and the sandbox's
    # workings stay in grader-notes.txt, for the instructor
    (folder / "feedback.md").write_text(report.feedback(student, results, notes, figures=figures, private=(tmp, engine.REPO)))
    (folder / "grader-notes.txt").write_text("\n".join([f"sandbox: {chosen.describe()}", f"graded in {seconds:.1f} s"] + ([figure_note] if figure_note else [])) + "\n")
    by_exercise, by_assignment = {}, {}
    for r in results:
        by_exercise[r.exercise] = by_exercise.get(r.exercise, 0.0) + r.score
        a = course.assignment_of(r.exercise)
        if a is not None:
            by_assignment[str(a.number)] = by_assignment.get(str(a.number), 0.0) + r.score
    public = [r for r in results if r.visibility == "visible"]
    problems = sorted({r.kind for r in results if r.kind in ("timeout", "error", "import", "missing")})
    return {
        "student": student,
        "total": sum(r.score for r in results),
        "max": sum(r.max_score for r in results),
        "public": sum(r.score for r in public),
        "hidden": sum(r.score for r in results if r.visibility != "visible"),
        "exercises": by_exercise,
        "assignments": by_assignment,
        "status": "graded" + (f" ({', '.join(problems)})" if problems else ""),
        "seconds": round(seconds, 1),
        "sandbox": chosen.level,
    }


def _figures_or_note(folder: Path, results) -> tuple[dict, str]:
    """The feedback figures, or none and a note saying why (a missing matplotlib never costs a grade)."""
    try:
        return _figures(folder, results), ""
    except ImportError as exc:
        return {}, f"figures left out: {exc} (install matplotlib for them)"
    except Exception as exc:  # a figure is a courtesy: the grade stands without it
        return {}, f"figures left out: {type(exc).__name__}: {exc}"


def _figures(folder: Path, results) -> dict:
    """Draw the student's path against the reference for each failed trajectory check on a 2-D
    landscape; returns ``{check name: file name}``."""
    drawn = {}
    plots = [r for r in results if r.plot is not None and r.visibility == "visible"]
    if not plots:
        return drawn
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    reference = engine.make_targets(engine.SOLUTIONS)[1]
    for r in plots:
        got, want, spec = r.plot["got"], r.plot["want"], r.plot["spec"]
        if got.ndim != 3 or got.shape[-1] != 2 or want.shape != got.shape:
            continue
        pts = np.concatenate([want.reshape(-1, 2), got.reshape(-1, 2)])
        pts = pts[np.all(np.isfinite(pts), axis=1)]
        lo, hi = np.percentile(pts, 1, axis=0) - 0.5, np.percentile(pts, 99, axis=0) + 0.5
        xs, ys = np.meshgrid(np.linspace(lo[0], hi[0], 120), np.linspace(lo[1], hi[1], 120))
        fig, ax = plt.subplots(figsize=(6, 5))
        try:
            Z = reference.landscape(spec.name, source="reference", **dict(spec.kwargs))(np.column_stack([xs.ravel(), ys.ravel()])).reshape(xs.shape)
            ax.contourf(xs, ys, Z, levels=30, cmap="PuBu")
        except Exception:
            pass
        for i in range(min(5, got.shape[1])):
            ax.plot(want[:, i, 0], want[:, i, 1], "k--", lw=1, label="reference" if i == 0 else None)
            ax.plot(got[:, i, 0], got[:, i, 1], "-", color="tab:red", lw=1.2, label="yours" if i == 0 else None)
        ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), title=f"{r.name}: your path against the reference", xlabel="x0", ylabel="x1")
        ax.legend(fontsize=8)
        name = f"{r.name}.png"
        fig.savefig(folder / name, dpi=90, bbox_inches="tight")
        plt.close(fig)
        drawn[r.name] = name
    return drawn


def pin_to_one_core(core: int | None = None) -> int | None:
    """Pin this process, and the student processes it starts (they inherit it), to one core:
    ``core`` (an index into the cores this process may use, taken modulo their number), or the
    lowest. Grading is a ping-pong of small messages between the grader and the student's
    process; on one core each hop is a switch of process, across two cores it waits for the
    other core to wake, which on the virtual machines we measured was slower (bench/README.md).
    Returns the core, or None where affinity is not supported."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cores = sorted(os.sched_getaffinity(0))
    chosen = cores[(core or 0) % len(cores)]
    os.sched_setaffinity(0, {chosen})
    return chosen


#: a student whose grading has not finished after this long is stopped and regraded once
STUDENT_SECONDS = 1800.0
#: how often one student's grading is tried when its grading process dies or hangs
ATTEMPTS = 2


def _worker_main() -> None:
    """Entry point of a grading process: grade the one student described on stdin (JSON), print
    its row as JSON on the last line. Started by ``grade_class``; nothing of a student's process
    can reach it (the student's code runs in a sandbox of its own under it)."""
    import json
    import sys

    job = json.loads(sys.stdin.read())
    if job.get("core") is not None:
        pin_to_one_core(job["core"])
    only = tuple(job["only"]) if job.get("only") else None
    assignments = course.select(",".join(str(n) for n in job["assignments"])) if job.get("assignments") else None
    chosen = jail.Sandbox(**job["sandbox"])  # chosen (and probed) once, by grade_class
    row = grade_one(job["student"], Path(job["path"]), Path(job["out"]), job["call_seconds"], job["memory_mb"], only, sandbox=chosen, assignments=assignments)
    sys.stdout.write("\nROW " + json.dumps(row) + "\n")
    sys.stdout.flush()


def _row_from(text: str, student: str) -> dict | None:
    """The row a grading process printed, validated field by field (plain JSON, never unpickled)."""
    import json

    line = next((l for l in reversed(text.splitlines()) if l.startswith("ROW ")), None)
    if line is None:
        return None
    try:
        data = json.loads(line[4:])
        row = {"student": student}
        for key in ("total", "max", "public", "hidden", "seconds"):
            row[key] = float(data[key])
        row["exercises"] = {str(k): float(v) for k, v in dict(data["exercises"]).items()}
        row["assignments"] = {str(k): float(v) for k, v in dict(data.get("assignments", {})).items()}
        row["status"], row["sandbox"] = str(data["status"])[:200], str(data.get("sandbox", ""))[:40]
        return row
    except (ValueError, KeyError, TypeError):
        return None


def _failure_row(student: str, out: Path, why: str, sandbox: str, results_file: Path | None = None, platform: str = "gradescope") -> dict:
    """The row, results.json and feedback of a student whose grading could not finish: no
    points, and a message that says so (for the instructor to look at; classmates are unaffected).
    On PrairieLearn the submission is marked not gradable, so it costs the student no attempt."""
    folder = Path(out) / student
    folder.mkdir(parents=True, exist_ok=True)
    if platform == "prairielearn":
        data = {"gradable": False, "score": 0.0, "message": f"The grader could not finish grading this submission ({why}). It was not graded and costs no attempt; your instructor will look at it."}
    else:
        data = report.gradescope([], 0.0, complete=False, sandbox=sandbox)
        data["output"] = f"The grader could not finish grading this submission ({why}); your instructor will look at it."
    report.write_json(results_file or folder / "results.json", data)
    (folder / "feedback.md").write_text(f"# Feedback for {student}\n\nThe grader could not finish grading this submission ({why}). Your instructor will look at it.\n")
    return {"student": student, "total": 0.0, "max": 0.0, "public": 0.0, "hidden": 0.0, "exercises": {}, "assignments": {}, "status": f"grader failure: {why}", "seconds": 0.0, "sandbox": sandbox}


class _Job:
    """One student's grading process: started, watched, and replaced if it dies or hangs."""

    def __init__(self, student: str, path: Path):
        self.student, self.path, self.attempts, self.proc, self.log, self.started, self.tmp = student, path, 0, None, None, 0.0, None

    def start(self, job: dict) -> None:
        import json
        import subprocess
        import sys

        self.attempts += 1
        self.log = tempfile.TemporaryFile()
        self.tmp = tempfile.mkdtemp(prefix="grading-")  # its temporary files, removed even if it is killed
        os.chmod(self.tmp, 0o711)  # a student's uid may pass through to its own folder, never list it
        boot = f"import sys; sys.path.insert(0, {str(engine.REPO)!r}); from grader.instructor.grading import _worker_main; _worker_main()"
        env = {**os.environ, "TMPDIR": self.tmp}
        self.proc = subprocess.Popen([sys.executable, "-c", boot], stdin=subprocess.PIPE, stdout=self.log, stderr=subprocess.DEVNULL, start_new_session=True, env=env)
        self.proc.stdin.write(json.dumps({**job, "student": self.student, "path": str(self.path)}).encode())
        self.proc.stdin.close()
        self.started = time.monotonic()

    def stop(self) -> None:
        import signal

        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        self.proc.wait()

    def output(self) -> str:
        self.log.seek(0)
        text = self.log.read().decode(errors="replace")
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
        return text


def grade_class(submissions: Path, out: Path, workers: int | None = None, call_seconds: float = 20.0, memory_mb: int | None = None, progress=print, only: tuple | None = None, pin: bool | None = None, sandbox: "str | jail.Sandbox" = "best", student_seconds: float = STUDENT_SECONDS, assignments=None) -> list[dict]:
    """Grade every submission, ``workers`` at a time; write the gradebook and the summary.
    ``assignments``: grade these assignments only (``grader.course``; default all), so that lessons
    not handed in yet never count against the ones that are.

    Each student is graded by a grading process of its own (and its code by a sandboxed process
    under that, ``grader.sandbox.jail``). A grading process that dies, is stopped or runs past
    ``student_seconds`` is killed and its student graded again, once; a second failure gives that
    student alone a "grader failure" row and results file. Rows come back as JSON, checked
    field by field: nothing is unpickled.

    With ``pin``, each grading process (with its student's processes) keeps to a core of its own.
    By default only a single worker is pinned: on the 2-core machine of bench/README.md, pinning
    took a class of 20 from 1007 s to 626 s with one worker, but from 307 s to 345 s with two,
    whose busy cores never sleep between round trips anyway."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    found = find_submissions(submissions)
    if not found:
        raise engine.LayoutError(f"{submissions} holds no submission (one folder or .zip per student)")
    chosen = sandbox if isinstance(sandbox, jail.Sandbox) else jail.choose(sandbox)  # refuses here, before any student
    if chosen.level == "process":
        progress(f"warning: student code runs without a sandbox ({chosen.note}); it can reach this machine as the grader's own user")
    elif not chosen.filtered:
        progress(f"warning: student code runs without a system-call filter ({chosen.note})")
    if chosen.shares_host_files and chosen.own_uid:  # no namespaces: nothing of the course may be readable by another uid
        jail.protect(engine.REPO, submissions, out)
    workers = max(1, workers or os.cpu_count() or 1)
    pin = workers == 1 if pin is None else pin
    can_pin = pin and hasattr(os, "sched_setaffinity")
    job = {"out": str(out), "call_seconds": call_seconds, "memory_mb": memory_mb, "only": list(only) if only else None, "sandbox": dataclasses.asdict(chosen), "assignments": [a.number for a in assignments] if assignments else None}
    rows, start, done = [], time.perf_counter(), 0
    waiting = [_Job(student, path) for student, path in found]
    running: list[_Job] = []
    started = 0
    while waiting or running:
        while waiting and len(running) < workers:
            j = waiting.pop(0)
            j.start({**job, "core": started if can_pin else None})
            started += 1
            running.append(j)
        time.sleep(0.05)
        for j in list(running):
            finished = j.proc.poll() is not None
            late = time.monotonic() - j.started > student_seconds
            if not finished and not late:
                continue
            if late:
                j.stop()
            code = j.proc.returncode
            row = _row_from(j.output(), j.student) if finished and code == 0 else None
            running.remove(j)
            if row is None:
                why = f"its grading process ran past {student_seconds:g} s" if late else f"its grading process exited with code {code}"
                if j.attempts < ATTEMPTS:
                    progress(f"{j.student}: {why}; grading again")
                    waiting.insert(0, j)
                    continue
                row = _failure_row(j.student, out, f"{why}, {j.attempts} times", chosen.level)
            done += 1
            rows.append(row)
            progress(f"[{done}/{len(found)}] {j.student}: {row['total']:g} / {row['max']:g} ({row['status']}, {row['seconds']:g} s)")
    rows.sort(key=lambda r: r["student"])
    _gradebook(out / "gradebook.csv", rows, only, assignments)
    similar = _similarity(found, out, assignments)
    summary = _summary(out, rows, time.perf_counter() - start, chosen.describe(), similar, title_of(assignments))
    progress(summary)
    return rows


def _similarity(found: list[tuple[str, Path]], out: Path, assignments=None) -> str:
    """Write the class's similarity report (``grader.instructor.similarity``); one line about it.
    The submissions' files are only read here, never run."""
    from . import similarity

    template = similarity.template()
    prints = {}
    with tempfile.TemporaryDirectory(prefix="similarity-") as tmp:
        for student, path in found:
            folder, _ = unpack(path, Path(tmp) / student, assignments)
            prints[student] = similarity.submission_prints(folder, template)
    pairs = similarity.write_report(prints, out)
    flagged = sum(p.exercise == "(all)" and p.score >= similarity.SUSPICIOUS for p in pairs)
    return f"Similarity: {flagged} pair(s) share {similarity.SUSPICIOUS:.0%} or more of their exercise code: {out / 'similarity.md'} (for you, not the students)"


def _gradebook(path: Path, rows: list[dict], only: tuple | None = None, assignments=None) -> None:
    """One row per student: totals, then a column per assignment graded (``A2 First-order methods
    (of 120)``) and per exercise (``Adam (of 22)``), then the status and sandbox."""
    checks = select_checks(only, assignments)
    exercises = list(dict.fromkeys(c.exercise for c in checks))
    possible = {e: sum(c.points for c in checks if c.exercise == e) for e in exercises}
    graded = [a for a in course.COURSE if any(course.assignment_of(e) is a for e in exercises)]
    columns = [f"A{a.number} {a.title} (of {sum(possible[e] for e in exercises if course.assignment_of(e) is a):g})" for a in graded]
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "total", "max", "public", "hidden"] + columns + [f"{e} (of {possible[e]:g})" for e in exercises] + ["status", "sandbox"])
        for r in rows:
            writer.writerow(
                [r["student"], f"{r['total']:g}", f"{r['max']:g}", f"{r['public']:g}", f"{r['hidden']:g}"]
                + [f"{r.get('assignments', {}).get(str(a.number), 0.0):g}" for a in graded]
                + [f"{r['exercises'].get(e, 0.0):g}" for e in exercises]
                + [r["status"], r.get("sandbox", "")]
            )


def _summary(out: Path, rows: list[dict], seconds: float, sandbox: str = "", similarity: str = "", title: str = "") -> str:
    totals = np.array([r["total"] for r in rows])
    best = max((r["max"] for r in rows), default=0.0)
    text = (
        (f"{title}: " if title else "")
        + f"Graded {len(rows)} submissions in {seconds:.1f} s: mean {totals.mean():.1f} / {best:g}, "
        f"median {np.median(totals):.1f}, full marks {int(np.sum(totals == best))}, "
        f"with problems {sum('(' in r['status'] or 'failure' in r['status'] for r in rows)}. "
        f"Gradebook: {out / 'gradebook.csv'}"
        + (f"\nSandbox: {sandbox}" if sandbox else "")
        + (f"\n{similarity}" if similarity else "")
    )
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.hist(totals, bins=np.linspace(0, best or 1, 21), color="tab:blue", edgecolor="white")
        ax.set(xlabel=f"total points (of {best:g})", ylabel="students", title="Score distribution")
        fig.savefig(out / "histogram.png", dpi=90, bbox_inches="tight")
        plt.close(fig)
    except ImportError as exc:  # the report without its figure: no grade depends on it
        text += f"\n(histogram left out: {exc})"
    (out / "summary.txt").write_text(text + "\n")
    return text
