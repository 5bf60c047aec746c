"""``python -m grader``: grade a folder, hand it in, grade a class, build the platforms' bundles.

    python -m grader check [PATH] [--assignment N] [--json FILE] [-k PATTERN] [--show-hidden]
    python -m grader submit [PATH] [--assignment N] [--out DIR]
    python -m grader list [--assignment N]
    python -m grader grade [SUBMISSIONS] --out DIR [--assignment N] [--workers N]
    python -m grader gradescope [--assignment N] OUT.zip
    python -m grader gradescope [--assignment N] [--bundle ZIP] --try SUBMISSION
    python -m grader prairielearn [--assignment N] --image ACCOUNT/NAME OUT
    python -m grader release [--assignment K] OUT
    python -m grader build-lessons [--check]
    python -m grader record [--headroom]
    python -m grader mutate [--exercise NAME] [--sample N] [--jobs 2]

``--assignment`` takes a number, a list (``1,2``), a range (``1-3``) or ``all`` (the default);
``release --assignment K`` hands out lessons 1 to K.
Exit codes of ``check``: 0 every check passed, 1 some failed, 2 the grader could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from . import course, engine, report
from .catalogue import all_checks
from .sandbox import jail


class Refused(Exception):
    """A command refused with a reason (``main`` prints it and returns 2)."""


def _assignments(args):
    """The assignments ``--assignment`` names; ``Refused`` with the reason when there is no such one."""
    try:
        return course.select(getattr(args, "assignment", None))
    except ValueError as exc:
        raise Refused(str(exc)) from None


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

    checks = api.select(args.k, assignments=_assignments(args))
    if not checks:
        print(f"grader: no check matches -k {args.k!r}" + (f" in assignment {args.assignment}" if args.assignment else "") + " (see: python -m grader list)", file=sys.stderr)
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
    assignments = _assignments(args)
    try:
        grading.grade_class(submissions, out, workers=args.workers, call_seconds=args.call_seconds, memory_mb=args.memory_mb, pin=False if args.no_pin else None, sandbox=args.sandbox, student_seconds=args.student_seconds, assignments=assignments)
    except engine.LayoutError as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    except jail.SandboxUnavailable as exc:
        print(f"grader: --sandbox {args.sandbox}: {exc}", file=sys.stderr)
        return 2
    return 0


#: where each platform puts the student's files and expects the results, under its root
PLATFORMS = {"gradescope": ("/autograder", "submission"), "prairielearn": ("/grade", "student")}


def cmd_autograde(args) -> int:
    """Grade the platform's submission folder in isolation and write its results.json."""
    (grading,) = _instructor("grading")

    assignments = _assignments(args)
    if args.platform == "prairielearn":
        (prairielearn,) = _instructor("prairielearn")
        problems = prairielearn.environment_problems()
        if problems:  # a grade that another image would give differently is no grade: no attempt charged
            report.write_json(Path(args.root or PLATFORMS["prairielearn"][0]) / "results" / "results.json", prairielearn.not_gradable(problems))
            print("grader: " + "; ".join(problems), file=sys.stderr)
            return 2
    root = Path(args.root or PLATFORMS[args.platform][0])
    submission, results = root / PLATFORMS[args.platform][1], root / "results"
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
        row = grading.grade_one("submission", submission, Path(tmp), call_seconds=args.call_seconds, memory_mb=args.memory_mb, results_path=results / "results.json", sandbox=chosen, assignments=assignments, platform=args.platform)
    print(f"graded: {row['total']:g} / {row['max']:g} ({row['status']})")
    return 0


def cmd_gradescope(args) -> int:
    (bundle,) = _instructor("bundle")

    assignments = _assignments(args)
    which = bundle.assignment_argument(assignments)
    if args.try_submission:
        if not Path(args.try_submission).exists():
            print(f"grader: {args.try_submission} does not exist (a folder of files, a .zip, or one file as a student uploads them)", file=sys.stderr)
            return 2
        if args.bundle and not Path(args.bundle).is_file():
            print(f"grader: {args.bundle} is not a file", file=sys.stderr)
            return 2
        results, proc = bundle.try_bundle(Path(args.try_submission), assignments, Path(args.bundle) if args.bundle else None)
        print(f"Ran {'the bundle ' + args.bundle if args.bundle else 'a bundle of assignment ' + which} on {args.try_submission} as Gradescope does (/autograder/run_autograder from /autograder).")
        print("What run_autograder printed (instructors only):\n  " + proc.stdout.strip().replace("\n", "\n  "))
        print("\n=== What the student sees before you publish the grades ===\n")
        print(bundle.student_view(results, published=False))
        if any(t.get("visibility") != "visible" for t in results.get("tests", [])):
            print("=== ... and after you publish them ===\n")
            print(bundle.student_view(results, published=True))
        return 0
    if not args.out:
        print("grader: name the zip to write (python -m grader gradescope --assignment 2 autograder-2.zip), or --try SUBMISSION", file=sys.stderr)
        return 2
    path = bundle.build(Path(args.out), assignments)
    files = sorted({f for a in assignments for f in a.files})
    print(f"wrote {path}: the autograder of assignment {which}. On Gradescope: a Programming Assignment, Configure Autograder,")
    print(f"base image Ubuntu 22.04 or newer, upload this zip. Students upload {', '.join(files)} (or the zip python -m grader submit writes).")
    print(f"Try it first: python -m grader gradescope --assignment {which} --bundle {path} --try SUBMISSION")
    return 0


def cmd_prairielearn(args) -> int:
    (prairielearn,) = _instructor("prairielearn")

    try:
        out = prairielearn.build(Path(args.out), _assignments(args), image=args.image, timeout=args.timeout)
    except (ValueError, FileExistsError) as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out}: see {out / 'README.md'} for where each part goes in your PrairieLearn course")
    return 0


def cmd_submit(args) -> int:
    from . import submit
    from .progress import Progress

    assignments = _assignments(args)
    progress = Progress([c.exercise for c in all_checks(include_hidden=False, assignments=assignments)]) if not args.quiet else None
    done = []

    def on_result(result: engine.CheckResult) -> None:
        done.append(result)
        if progress is not None:
            progress.step(len(done))

    try:
        path, found = submit.hand_in(Path(args.path) if args.path else engine.LESSONS, assignments, Path(args.out), on_result=on_result)
    except (submit.SubmitError, engine.LayoutError) as exc:
        print("grader submit: nothing written, because:\n  " + str(exc).replace("\n", "\n  "), file=sys.stderr)
        return 2
    finally:
        if progress is not None:
            progress.close()
    which = submit.name_of(assignments)
    print(repr(found))
    print()
    print(f"The public checks gave {found.score:g} / {found.max_score:g}" + (f" for assignment {which}." if which != "all" else "."))
    print(f"Wrote {path} with {', '.join(f'{m}.py' for m in course.handed_in(assignments))}: upload it (or the files in it).")
    return 0


def cmd_record(args) -> int:
    headroom, record = _instructor("headroom", "record")

    if args.headroom:
        shares = headroom.main()
        return 0 if all(s.robust for s in shares) else 1
    try:
        print(f"wrote {record.record()}")
    except RuntimeError as exc:  # a check too close to rounding: nothing is written
        print(f"record: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_mutate(args) -> int:
    (mutate,) = _instructor("mutate")

    mutants = mutate.all_mutants(tuple(args.exercise) if args.exercise else None)
    if not mutants:
        print(f"grader: no mutant for {', '.join(args.exercise or [])} (exercises are named as in python -m grader list)", file=sys.stderr)
        return 2
    chosen = mutate.sample(mutants, args.sample, args.seed) if args.sample else mutants
    print(f"grading {len(chosen)} of {len(mutants)} mutants with {args.jobs} job(s)", flush=True)
    start = time.perf_counter()

    def progress(verdict, done, total):
        if not args.quiet and verdict.status in ("survived", "timeout"):
            m = verdict.mutant
            print(f"  [{done}/{total}] {verdict.status}: {m.where()} [{m.exercise}] {m.change}", flush=True)

    verdicts = mutate.grade(chosen, jobs=args.jobs, progress=progress)
    print(mutate.report(verdicts))
    print(f"({time.perf_counter() - start:.0f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps(mutate.to_json(verdicts), indent=1) + "\n")
    survivors = [v.mutant for v in verdicts if v.status in ("survived", "timeout")]
    if survivors and args.entries:
        print("\nTo list a survivor as equivalent, add its entry, with the reason, to " + str(mutate.EQUIVALENT_FILE) + ":\n")
        print("\n".join(mutate.equivalent_entry(m) for m in survivors))
    return 1 if survivors else 0


def cmd_release(args) -> int:
    (release,) = _instructor("release")

    upto = None
    if args.assignment not in (None, "all"):
        try:
            upto = int(args.assignment)
        except ValueError:
            print(f"grader: release --assignment K hands out lessons 1 to K: a number, or all; not {args.assignment!r}", file=sys.stderr)
            return 2
    try:
        out = release.build(Path(args.out), upto)
    except (FileExistsError, ValueError) as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    print(f"wrote the student release to {out}")
    return 0


def cmd_list(args) -> int:
    numbers = engine.numbering(all_checks())
    for c in all_checks(assignments=_assignments(args)):
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
    p.add_argument("--assignment", metavar="N", help="only this assignment's checks: a number, a list like 1,2, a range like 1-3, or all")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress dots")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("submit", help="hand in: check that every file of the assignment is there and imports, run its public checks, write submission-N.zip")
    p.add_argument("path", nargs="?", help="the folder of your work (default: lessons/)")
    p.add_argument("--assignment", metavar="N", help="the assignment to hand in (a number, a list like 1,2, or all: the default)")
    p.add_argument("--out", default=".", help="where the zip goes (default: here)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress line")
    p.set_defaults(func=cmd_submit)

    p = sub.add_parser("grade", help="grade a class: one folder or .zip per student, each run in its own process")
    p.add_argument("submissions", nargs="?", help="folder of submissions (default: the demo class)")
    p.add_argument("--out", required=True, help="where gradebook.csv and each student's results.json and feedback.md go")
    p.add_argument("--workers", type=int, default=None, help="submissions graded at once (default: the number of cores)")
    p.add_argument("--no-pin", action="store_true", help="never pin a worker to one core (by default a single worker is pinned, which makes its round trips with the student's process faster)")
    p.add_argument("--call-seconds", type=float, default=20.0, help="time for one call into a student's code")
    p.add_argument("--memory-mb", type=int, default=None, help="memory cap of a student's processes (default 1024)")
    p.add_argument("--sandbox", default="best", choices=("best", "strict", "namespaces", "uid", "process"), help="where student code runs: the strongest available (best, the default; warns when it must fall back to a plain process), strict (refuse to run without a real sandbox), or a level by name")
    p.add_argument("--student-seconds", type=float, default=1800.0, help="a student whose grading takes longer is stopped and graded again once (default 1800)")
    p.add_argument("--assignment", metavar="N", help="grade only these assignments: a number, a list like 1,2, a range like 1-3, or all (the default)")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("gradescope", help="build Gradescope's autograder bundle (setup.sh, run_autograder) as a zip, or --try one on a submission")
    p.add_argument("out", nargs="?", help="the zip file to write")
    p.add_argument("--assignment", metavar="N", help="the assignment it grades (one bundle per Gradescope assignment): a number, a list like 1,2, or all (the default)")
    p.add_argument("--try", dest="try_submission", metavar="SUBMISSION", help="run the bundle on SUBMISSION (a folder, a .zip or a file, as a student uploads it) in Gradescope's layout on this machine, and print what the student sees")
    p.add_argument("--bundle", metavar="ZIP", help="with --try: the bundle to run (default: one built now)")
    p.set_defaults(func=cmd_gradescope)

    p = sub.add_parser("prairielearn", help="write PrairieLearn questions (one per assignment) with their external grader and its image's Dockerfile")
    p.add_argument("out", help="a new folder")
    p.add_argument("--assignment", metavar="N", help="the assignments to write questions for (default all)")
    p.add_argument("--image", required=True, help="the grading image the questions name (build it from OUT/grader-image/Dockerfile), e.g. ACCOUNT/optimization-grader")
    p.add_argument("--timeout", type=int, default=600, help="seconds a grading job may take (PrairieLearn allows at most 600)")
    p.set_defaults(func=cmd_prairielearn)

    p = sub.add_parser("autograde", help="(inside a platform) grade ROOT/submission (Gradescope) or ROOT/student (PrairieLearn) into ROOT/results/results.json")
    p.add_argument("--platform", default="gradescope", choices=tuple(PLATFORMS), help="whose layout and results format")
    p.add_argument("--assignment", metavar="N", help="the assignments to grade (default all)")
    p.add_argument("--root", default=None, help="the platform's root (default /autograder, or /grade for PrairieLearn)")
    p.add_argument("--call-seconds", type=float, default=20.0)
    p.add_argument("--memory-mb", type=int, default=None)
    p.add_argument("--sandbox", default="best", choices=("best", "strict", "namespaces", "uid", "process"))
    p.set_defaults(func=cmd_autograde)

    p = sub.add_parser("release", help="build the student repository: lessons, public checks, stored reference data; no solutions")
    p.add_argument("out", help="a new folder")
    p.add_argument("--assignment", metavar="K", help="hand out lessons 1 to K only (default all)")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("record", help="re-record the reference answers the student release checks against (refused unless every check keeps 100x headroom over rounding)")
    p.add_argument("--headroom", action="store_true", help="only print each check's share of its tolerance used by rounding (ulp-moved starts, reordered arithmetic, other linear-algebra routes, other processor families) and exit 1 if any exceeds 1/100")
    p.set_defaults(func=cmd_record)

    p = sub.add_parser("mutate", help="mutation testing: grade one-token changes of the reference with their exercise's checks, and list the ones that keep full marks")
    p.add_argument("--exercise", action="append", help="only this exercise's mutants (repeatable; Questions3 for lesson 3's answers)")
    p.add_argument("--sample", type=int, default=None, help="grade N mutants drawn with a fixed seed (default: all)")
    p.add_argument("--seed", type=int, default=0, help="the seed of --sample")
    p.add_argument("--jobs", type=int, default=max(1, os.cpu_count() or 1), help="mutants graded at once (default: the number of cores)")
    p.add_argument("--json", metavar="FILE", help="also write every verdict to FILE")
    p.add_argument("--entries", action="store_true", help="print an equivalent-mutants entry for each survivor, to fill in with its reason")
    p.add_argument("-q", "--quiet", action="store_true", help="no line per survivor while grading")
    p.set_defaults(func=cmd_mutate)

    p = sub.add_parser("list", help="list every check with its number, points and visibility")
    p.add_argument("--assignment", metavar="N", help="only this assignment's checks")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("build-lessons", help="regenerate lessons/ from solutions/ (--check: only report drift)")
    p.add_argument("--check", action="store_true", help="exit 1 if lessons/ differs from what would be generated")
    p.set_defaults(func=cmd_build_lessons)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except Refused as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
