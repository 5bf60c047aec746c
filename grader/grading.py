"""Grade a whole class: each submission isolated, a gradebook, results and feedback per student.

    python -m grader grade [SUBMISSIONS] --out DIR [--workers N]

``SUBMISSIONS`` holds one folder or ``.zip`` per student, with the exercise files at the same
relative paths as in ``lessons/`` (a zip may wrap them in one folder). Missing files count as
unattempted; other files are ignored. Without ``SUBMISSIONS`` the demo class is graded.
"""

from __future__ import annotations

import csv
import multiprocessing
import os
import re
import shutil
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from . import engine, report
from .registry import all_checks
from .target import MODULES

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


def unpack(path: Path, dest: Path) -> tuple[Path, list[str]]:
    """The submission's course modules copied flat into ``dest``, and notes on what was odd.

    Only files named like a course module are taken, from the top level or one folder down
    (the shallowest wins); nothing is extracted by the archive's own paths.
    """
    dest.mkdir(parents=True, exist_ok=True)
    wanted = {f"{m}.py" for m in MODULES}
    notes = []
    if path.is_dir():
        candidates = [p for p in path.rglob("*.py") if p.name in wanted and len(p.relative_to(path).parts) <= 2]
        chosen = {}
        for p in sorted(candidates, key=lambda p: len(p.relative_to(path).parts)):
            chosen.setdefault(p.name, p)
        for name, p in chosen.items():
            if p.stat().st_size > MAX_FILE_BYTES:
                notes.append(f"{name} is larger than {MAX_FILE_BYTES // 1024} KiB and was ignored")
                continue
            shutil.copyfile(p, dest / name)
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


def select_checks(only: tuple | None = None):
    """All checks, or those of the exercises named in ``only``."""
    return [c for c in all_checks() if only is None or c.exercise in only]


def grade_one(student: str, path: Path, out: Path, call_seconds: float = 20.0, memory_mb: int | None = None, only: tuple | None = None, results_path: Path | None = None) -> dict:
    """Grade one submission in isolation; write its results.json (rewritten after every check,
    so a crash leaves valid partial results) and feedback.md. Returns its gradebook row (plain
    data). ``only``: grade just these exercises (for quick runs). ``results_path``: where the
    results go (default ``out/student/results.json``)."""
    folder = Path(out) / student
    folder.mkdir(parents=True, exist_ok=True)
    results_file = Path(results_path) if results_path else folder / "results.json"
    start = time.perf_counter()
    checks = select_checks(only)
    numbers = engine.numbering(checks)
    results: list[engine.CheckResult] = []
    with tempfile.TemporaryDirectory(prefix="submission-") as tmp:
        files, notes = unpack(path, Path(tmp) / "files")
        target, reference = engine.make_targets(files, isolated=True, call_seconds=call_seconds, memory_mb=memory_mb)
        try:
            def save(result):
                results.append(result)
                report.write_json(results_file, report.gradescope(results, time.perf_counter() - start, complete=False))

            report.write_json(results_file, report.gradescope([], 0.0, complete=False))
            engine.run_checks(checks, target, reference, on_result=save, numbers=numbers)
        finally:
            engine.close_targets(target)
    seconds = time.perf_counter() - start
    report.write_json(results_file, report.gradescope(results, seconds, complete=True))
    (folder / "feedback.md").write_text(report.feedback(student, results, notes, figures=_figures(folder, results)))
    by_exercise = {}
    for r in results:
        by_exercise[r.exercise] = by_exercise.get(r.exercise, 0.0) + r.score
    public = [r for r in results if r.visibility == "visible"]
    problems = sorted({r.kind for r in results if r.kind in ("timeout", "error", "import", "missing")})
    return {
        "student": student,
        "total": sum(r.score for r in results),
        "max": sum(r.max_score for r in results),
        "public": sum(r.score for r in public),
        "hidden": sum(r.score for r in results if r.visibility != "visible"),
        "exercises": by_exercise,
        "status": "graded" + (f" ({', '.join(problems)})" if problems else ""),
        "seconds": round(seconds, 1),
    }


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


def _pin_worker(counter) -> None:
    """ProcessPoolExecutor initializer: each worker takes the next core, round robin."""
    with counter.get_lock():
        index = counter.value
        counter.value += 1
    pin_to_one_core(index)


def grade_class(submissions: Path, out: Path, workers: int | None = None, call_seconds: float = 20.0, memory_mb: int | None = None, progress=print, only: tuple | None = None, pin: bool | None = None) -> list[dict]:
    """Grade every submission, ``workers`` at a time; write the gradebook and the summary.

    With ``pin``, each worker (with its students' processes) keeps to a core of its own. By
    default only a single worker is pinned: on the 2-core machine of bench/README.md, pinning
    took a class of 20 from 1007 s to 626 s with one worker, but from 307 s to 345 s with two,
    whose busy cores never sleep between round trips anyway."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    found = find_submissions(submissions)
    if not found:
        raise engine.LayoutError(f"{submissions} holds no submission (one folder or .zip per student)")
    workers = max(1, workers or os.cpu_count() or 1)
    pin = workers == 1 if pin is None else pin
    rows, start = [], time.perf_counter()
    context = multiprocessing.get_context("fork") if pin and hasattr(os, "sched_setaffinity") else None
    pool_options = {"mp_context": context, "initializer": _pin_worker, "initargs": (context.Value("i", 0),)} if context else {}
    with ProcessPoolExecutor(max_workers=workers, **pool_options) as pool:
        futures = {pool.submit(grade_one, student, path, out, call_seconds, memory_mb, only): student for student, path in found}
        for done, future in enumerate(_as_completed(futures), start=1):
            student = futures[future]
            try:
                row = future.result()
            except Exception as exc:  # a fault of the grader: the rest of the class still gets graded
                row = {"student": student, "total": 0.0, "max": 0.0, "public": 0.0, "hidden": 0.0, "exercises": {}, "status": f"grader failure: {type(exc).__name__}: {exc}", "seconds": 0.0}
            rows.append(row)
            progress(f"[{done}/{len(found)}] {student}: {row['total']:g} / {row['max']:g} ({row['status']}, {row['seconds']:g} s)")
    rows.sort(key=lambda r: r["student"])
    _gradebook(out / "gradebook.csv", rows, only)
    summary = _summary(out, rows, time.perf_counter() - start)
    progress(summary)
    return rows


def _as_completed(futures):
    from concurrent.futures import as_completed

    return as_completed(futures)


def _gradebook(path: Path, rows: list[dict], only: tuple | None = None) -> None:
    exercises = list(dict.fromkeys(c.exercise for c in select_checks(only)))
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "total", "max", "public", "hidden"] + exercises + ["status"])
        for r in rows:
            writer.writerow([r["student"], f"{r['total']:g}", f"{r['max']:g}", f"{r['public']:g}", f"{r['hidden']:g}"] + [f"{r['exercises'].get(e, 0.0):g}" for e in exercises] + [r["status"]])


def _summary(out: Path, rows: list[dict], seconds: float) -> str:
    totals = np.array([r["total"] for r in rows])
    best = max((r["max"] for r in rows), default=0.0)
    text = (
        f"Graded {len(rows)} submissions in {seconds:.1f} s: mean {totals.mean():.1f} / {best:g}, "
        f"median {np.median(totals):.1f}, full marks {int(np.sum(totals == best))}, "
        f"with problems {sum('(' in r['status'] or 'failure' in r['status'] for r in rows)}. "
        f"Gradebook: {out / 'gradebook.csv'}"
    )
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.hist(totals, bins=np.linspace(0, best or 1, 21), color="tab:blue", edgecolor="white")
    ax.set(xlabel=f"total points (of {best:g})", ylabel="students", title="Score distribution")
    fig.savefig(out / "histogram.png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    (out / "summary.txt").write_text(text + "\n")
    return text
