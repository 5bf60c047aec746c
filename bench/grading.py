"""Benchmark: the cost of grading.

    python bench/grading.py [--class-size 20] [--skip-class] [--workers 1 2]

1. The full battery (public and hidden checks) on the reference solutions, in-process (the
   student's `python -m grader check`) and isolated (instructor grading): wall time, and the
   peak resident memory of the grader and of the student's process. Both run pinned to one
   core (``sched_setaffinity``, inherited by the student's process), as on a platform that
   gives one submission one core; ``--no-pin`` lets them use the machine.
2. A class of identical complete submissions graded with 2 workers against 1: the speed-up.
   ``grade_class`` pins a single worker to one core (its default) unless ``--no-pin``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader import engine  # noqa: E402
from grader.instructor import grading  # noqa: E402
from grader.catalogue import all_checks# noqa: E402
from grader.target import MODULES  # noqa: E402


def peak_mib(who) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kilobytes on Linux


def battery(isolated: bool) -> float:
    target, reference = engine.make_targets(engine.SOLUTIONS, isolated=isolated)
    start = time.perf_counter()
    results = engine.run_checks(all_checks(), target, reference)
    seconds = time.perf_counter() - start
    engine.close_targets(target)
    assert all(r.status == "passed" for r in results), [r.name for r in results if r.status != "passed"]
    return seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--class-size", type=int, default=20)
    parser.add_argument("--skip-class", action="store_true")
    parser.add_argument("--no-pin", action="store_true", help="pin neither the battery nor the class's single worker to one core")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="grade the class with each of these numbers of workers (default: 1 2)")
    args = parser.parse_args()

    cores = os.sched_getaffinity(0)
    if not args.no_pin:
        os.sched_setaffinity(0, {min(cores)})
    where = "on all cores" if args.no_pin else f"pinned to core {min(cores)}"
    t_local = battery(isolated=False)
    grader_local = peak_mib(resource.RUSAGE_SELF)
    print(f"full battery ({len(all_checks())} checks) in-process, {where}: {t_local:.1f} s; grader peak RSS {grader_local:.0f} MiB", flush=True)
    t_iso = battery(isolated=True)
    grader, student = peak_mib(resource.RUSAGE_SELF), peak_mib(resource.RUSAGE_CHILDREN)
    print(f"full battery isolated, {where}: {t_iso:.1f} s ({t_iso / t_local:.1f}x in-process; target 60 s: {t_iso / 60:.2f} of it)", flush=True)
    print(f"  peak RSS: grader {grader:.0f} MiB + student's process {student:.0f} MiB = {grader + student:.0f} MiB (target 768 MB = 732 MiB: {(grader + student) / 732.4:.2f} of it)", flush=True)
    os.sched_setaffinity(0, cores)
    if args.skip_class:
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "class"
        for i in range(args.class_size):
            folder = root / f"student{i:02d}"
            folder.mkdir(parents=True)
            for module in MODULES:
                shutil.copyfile(engine.SOLUTIONS / f"{module}.py", folder / f"{module}.py")
        times = {}
        for workers in args.workers:
            start = time.perf_counter()
            grading.grade_class(root, Path(tmp) / f"out{workers}", workers=workers, progress=lambda line: None, pin=False if args.no_pin else None)
            times[workers] = time.perf_counter() - start
            print(f"class of {args.class_size} with {workers} worker(s): {times[workers]:.1f} s", flush=True)
        if 1 in times and 2 in times:
            print(f"speed-up with 2 workers: {times[1] / times[2]:.2f}x")


if __name__ == "__main__":
    main()
