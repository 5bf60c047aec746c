"""``python -m grader``: grade a folder, list the checks, or regenerate ``lessons/``.

    python -m grader check [PATH] [--json FILE] [-k PATTERN] [--show-hidden]
    python -m grader grade [SUBMISSIONS] --out DIR [--workers N]
    python -m grader gradescope OUT.zip
    python -m grader release OUT
    python -m grader list
    python -m grader build-lessons [--check]
    python -m grader record [--headroom]

Exit codes of ``check``: 0 every check passed, 1 some failed, 2 the grader could not run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from . import engine, report
from .catalogue import all_checks
from .sandbox import jail


def _instructor(*names: str):
    """The instructor's tools ``names`` (``grader.instructor``); a clear exit where they are not
    here (the student release leaves them out)."""
    import importlib

    try:
        return [importlib.import_module(f"grader.instructor.{n}") for n in names]
    except ModuleNotFoundError as exc:
        if "grader.instructor" not in str(exc):
            raise
        print("grader: this command is an instructor's tool, and the student release does not include them", file=sys.stderr)
        raise SystemExit(2) from None


def cmd_check(args) -> int:
    from . import api
    from .progress import Progress

    checks = api.select(args.k)
    if not checks:
        print(f"grader: no check matches -k {args.k!r} (see: python -m grader list)", file=sys.stderr)
        return 2
    results: list[engine.CheckResult] = []
    start = time.perf_counter()
    progress = Progress([c.exercise for c in checks]) if not args.quiet else None

    def save(complete: bool) -> None:
        if args.json:
            report.write_json(Path(args.json), report.gradescope(results, time.perf_counter() - start, complete))

    def on_result(result: engine.CheckResult) -> None:
        results.append(result)
        save(complete=False)
        if progress is not None:
            progress.step(len(results))

    try:
        folder = engine.check_layout(Path(args.path) if args.path else engine.LESSONS)
        save(complete=False)
        found = api.run(checks, folder, show_hidden=args.show_hidden, on_result=on_result)
    except engine.LayoutError as exc:  # not a course folder, or (a release) no stored reference answers
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    finally:
        if progress is not None:
            progress.close()
    save(complete=True)
    print(repr(found))
    return 0 if found.passed else 1


def cmd_grade(args) -> int:
    demo, grading = _instructor("demo", "grading")

    out = Path(args.out)
    submissions = Path(args.submissions) if args.submissions else None
    if submissions is None:
        submissions = demo.build(out / "demo_submissions")
        print(f"No SUBMISSIONS given: grading the demo class in {submissions}")
    elif not submissions.is_dir():
        print(f"grader: {submissions} is not a folder of submissions", file=sys.stderr)
        return 2
    try:
        grading.grade_class(submissions, out, workers=args.workers, call_seconds=args.call_seconds, memory_mb=args.memory_mb, pin=False if args.no_pin else None, sandbox=args.sandbox, student_seconds=args.student_seconds)
    except engine.LayoutError as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    except jail.SandboxUnavailable as exc:
        print(f"grader: --sandbox {args.sandbox}: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_autograde(args) -> int:
    """Grade the platform's submission folder in isolation and write its results.json."""
    (grading,) = _instructor("grading")

    root = Path(args.root)
    submission, results = root / "submission", root / "results"
    if not submission.is_dir():
        print(f"grader: {submission} is not a folder", file=sys.stderr)
        return 2
    results.mkdir(parents=True, exist_ok=True)
    try:
        chosen = jail.choose(args.sandbox)
    except jail.SandboxUnavailable as exc:
        print(f"grader: --sandbox {args.sandbox}: {exc}", file=sys.stderr)
        return 2
    if chosen.shares_host_files and chosen.own_uid:  # no namespaces to hide the course: unreadable to the student's uid
        jail.protect(engine.REPO, submission, results)
    print(f"sandbox: {chosen.describe()}")
    grading.pin_to_one_core()  # this process and the student's share one core: faster round trips
    with tempfile.TemporaryDirectory(prefix="autograde-") as tmp:
        row = grading.grade_one("submission", submission, Path(tmp), call_seconds=args.call_seconds, memory_mb=args.memory_mb, results_path=results / "results.json", sandbox=chosen)
    print(f"graded: {row['total']:g} / {row['max']:g} ({row['status']})")
    return 0


def cmd_gradescope(args) -> int:
    (bundle,) = _instructor("bundle")

    path = bundle.build(Path(args.out))
    print(f"wrote {path}: upload it as the autograder of a Gradescope-style programming assignment")
    return 0


def cmd_record(args) -> int:
    headroom, record = _instructor("headroom", "record")

    if args.headroom:
        shares = headroom.measure()
        print(headroom.table(shares))
        return 0 if all(s.robust for s in shares) else 1
    try:
        print(f"wrote {record.record()}")
    except RuntimeError as exc:  # a check too close to rounding: nothing is written
        print(f"record: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_release(args) -> int:
    (release,) = _instructor("release")

    try:
        out = release.build(Path(args.out))
    except FileExistsError as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    print(f"wrote the student release to {out}")
    return 0


def cmd_list(args) -> int:
    numbers = engine.numbering(all_checks())
    for c in all_checks():
        flag = " (hidden)" if c.hidden else ""
        print(f"{numbers[c.name]:>6}  {c.name:<48} {c.points:g} pt{flag}  {c.doc}")
    return 0


def cmd_build_lessons(args) -> int:
    stubs, questions, notebooks = _instructor("stubs", "questions", "notebooks")
    from . import answers

    try:
        if args.check:
            changed = stubs.drift(engine.SOLUTIONS, engine.LESSONS) + notebooks.drift()
            if not answers.KEY_FILE.is_file() or answers.KEY_FILE.read_text() != questions.key_text():
                changed.append(answers.KEY_FILE.name)
            if changed:
                print(f"lessons/ is out of date with solutions/: {', '.join(changed)}; run: python -m grader build-lessons", file=sys.stderr)
                return 1
            print("lessons/ matches solutions/")
            return 0
        for path in stubs.write_lessons(engine.SOLUTIONS, engine.LESSONS):
            print(f"wrote {path.relative_to(engine.REPO)}")
        if questions.write_key():
            print(f"wrote {answers.KEY_FILE.relative_to(engine.REPO)}")
        for path in notebooks.write_notebooks():
            print(f"wrote {path.relative_to(engine.REPO)}")
    except (stubs.StubError, RuntimeError) as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader", description="Grade the optimization course's exercises.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="grade a folder laid out like lessons/ (default: lessons/)")
    p.add_argument("path", nargs="?", help="the folder to grade (default: lessons/)")
    p.add_argument("--json", metavar="FILE", help="also write Gradescope results.json to FILE, updated after every check")
    p.add_argument("-k", metavar="PATTERN", help="run only one exercise's checks (-k Quadratic), or those whose name contains PATTERN or matches it as a glob")
    p.add_argument("--show-hidden", action="store_true", help="show the messages of hidden checks (instructors)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress dots")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("grade", help="grade a class: one folder or .zip per student, each run in its own process")
    p.add_argument("submissions", nargs="?", help="folder of submissions (default: the demo class)")
    p.add_argument("--out", required=True, help="where gradebook.csv and each student's results.json and feedback.md go")
    p.add_argument("--workers", type=int, default=None, help="submissions graded at once (default: the number of cores)")
    p.add_argument("--no-pin", action="store_true", help="never pin a worker to one core (by default a single worker is pinned, which makes its round trips with the student's process faster)")
    p.add_argument("--call-seconds", type=float, default=20.0, help="time for one call into a student's code")
    p.add_argument("--memory-mb", type=int, default=None, help="memory cap of a student's processes (default 1024)")
    p.add_argument("--sandbox", default="best", choices=("best", "strict", "namespaces", "uid", "process"), help="where student code runs: the strongest available (best, the default; warns when it must fall back to a plain process), strict (refuse to run without a real sandbox), or a level by name")
    p.add_argument("--student-seconds", type=float, default=1800.0, help="a student whose grading takes longer is stopped and graded again once (default 1800)")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("gradescope", help="build an autograder bundle (setup.sh, run_autograder) as a zip")
    p.add_argument("out", help="the zip file to write")
    p.set_defaults(func=cmd_gradescope)

    p = sub.add_parser("autograde", help="(inside the bundle) grade ROOT/submission into ROOT/results/results.json")
    p.add_argument("--root", default="/autograder")
    p.add_argument("--call-seconds", type=float, default=20.0)
    p.add_argument("--memory-mb", type=int, default=None)
    p.add_argument("--sandbox", default="best", choices=("best", "strict", "namespaces", "uid", "process"))
    p.set_defaults(func=cmd_autograde)

    p = sub.add_parser("release", help="build the student repository: lessons, public checks, stored reference data; no solutions")
    p.add_argument("out", help="a new folder")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("record", help="re-record the reference answers the student release checks against (refused unless every check keeps 100x headroom over rounding)")
    p.add_argument("--headroom", action="store_true", help="only print each check's share of its tolerance used by rounding (ulp-moved starts, reordered arithmetic) and exit 1 if any exceeds 1/100")
    p.set_defaults(func=cmd_record)

    p = sub.add_parser("list", help="list every check with its number, points and visibility")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("build-lessons", help="regenerate lessons/ from solutions/ (--check: only report drift)")
    p.add_argument("--check", action="store_true", help="exit 1 if lessons/ differs from what would be generated")
    p.set_defaults(func=cmd_build_lessons)

    args = parser.parse_args(argv)
    return args.func(args)
