"""Partial credit over the mechanical mutants: what share of the one-token mutants of the
optimizers (``python -m grader mutate``'s, equivalent ones left out) lose their whole exercise,
graded with every check of that exercise (not only up to the first failure, as ``mutate`` does).

    python bench/partial_credit.py [--sample 120] [--seed 0] [--jobs 2]

Prints how many are caught, how many lose the whole exercise, how many fail the working-step
gate (``require_working``), the mean share of the exercise's points kept, and each mutant that
loses everything. The hand-written slips are ``tests/test_partial_credit.py``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader import engine  # noqa: E402
from grader.instructor import mutate  # noqa: E402
from tests.helpers import grade  # noqa: E402
from tests.test_partial_credit import OPTIMIZERS  # noqa: E402


def score(m: mutate.Mutant) -> tuple:
    """(exercise, change, line after, points earned, points possible, checks failed at the gate)."""
    tmp = Path(tempfile.mkdtemp())
    try:
        folder = tmp / "submission"
        shutil.copytree(engine.SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
        (folder / f"{m.module}.py").write_text(m.source)
        results = grade(folder, m.exercise + ".").values()
        return m.exercise, m.change, m.after, sum(r.score for r in results), sum(r.max_score for r in results), sum(r.cause.startswith("gate:") for r in results)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=120)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    equivalent = mutate.load_equivalent()
    mutants = mutate.sample([m for m in mutate.all_mutants(OPTIMIZERS) if m.key not in equivalent], args.sample, seed=args.seed)
    with Pool(args.jobs) as pool:
        rows = pool.map(score, mutants, chunksize=1)
    caught = [r for r in rows if r[3] < r[4]]
    whole = [r for r in caught if r[3] == 0]
    print(
        f"{len(mutants)} mutants of {len(OPTIMIZERS)} optimizers: {len(caught)} caught; {len(whole)} ({len(whole) / len(caught):.0%}) lose the whole exercise; "
        f"{sum(r[5] > 0 for r in caught)} fail the working-step gate; on average {sum(r[3] / r[4] for r in caught) / len(caught):.0%} of the exercise kept"
    )
    for exercise, change, after, *_ in whole:
        print(f"  {exercise:18s} {change:32s} {after[:90]}")


if __name__ == "__main__":
    main()
