"""Benchmark: what one start of a student's sandboxed process costs.

    python bench/sandbox_start.py [REPO] [LEVEL] [STARTS]

Times ``IsolatedRunner(...)`` on the solutions and its first answer (the import of one answers
module), then ``close()``: the sandbox's whole cost per start (a uid claimed, the scratch folder,
the filter, bubblewrap or the private root, Python and NumPy starting, the cleanup after it).
``REPO``: the course to import the grader from (default this one: run it on an export of an
older commit to compare); ``LEVEL``: a ``--sandbox`` choice (default ``best``). Prints the median.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

repo = sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parent.parent)
sys.path.insert(0, repo)

from grader import engine  # noqa: E402
from grader.sandbox import jail  # noqa: E402
from grader.sandbox.isolation import IsolatedRunner  # noqa: E402


def main() -> None:
    level = sys.argv[2] if len(sys.argv) > 2 else "best"
    starts = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    sandbox = jail.choose(level)
    reference = engine.make_targets(engine.SOLUTIONS)[1].runner
    times = []
    for _ in range(starts):
        start = time.perf_counter()
        runner = IsolatedRunner(engine.SOLUTIONS, reference, given=engine.LESSONS, sandbox=sandbox)
        runner.handle({"op": "answer", "module": "answers_gradients", "name": "nothing_here"})
        runner.close()
        times.append(time.perf_counter() - start)
    print(f"{repo} ({sandbox.level}): median {statistics.median(times) * 1000:.0f} ms over {len(times)} starts ({', '.join(f'{t * 1000:.0f}' for t in times)})")


if __name__ == "__main__":
    main()
