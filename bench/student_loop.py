"""Benchmark: the student's loop, ``python -m grader check`` on complete work, as a student runs it.

    python bench/student_loop.py [--repeat 3]

Runs the command in a fresh process each time (imports, Hypothesis and all), on the reference
solutions (complete work) and on the untouched stubs of ``lessons/``, and prints the wall
times with the target (at most 20 s on complete work).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 20.0


def wall(args: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "grader", *args], cwd=ROOT, capture_output=True, text=True)
    return time.perf_counter() - start, proc.returncode


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for label, command, expected in (("complete work (solutions/)", ["check", "solutions", "-q"], 0), ("untouched stubs (lessons/)", ["check", "lessons", "-q"], 1)):
        times = []
        for _ in range(args.repeat):
            seconds, code = wall(command)
            if code != expected:
                raise SystemExit(f"python -m grader {' '.join(command)} exited with {code}, expected {expected}")
            times.append(seconds)
        print(f"python -m grader {' '.join(command):<22} {label:<28} best {min(times):6.2f} s  median {statistics.median(times):6.2f} s  ({args.repeat} runs)", flush=True)
        if expected == 0:
            print(f"  target: at most {TARGET_SECONDS:g} s; best is {min(times) / TARGET_SECONDS:.2f} of it", flush=True)


if __name__ == "__main__":
    main()
