"""Hypothesis for grading: the settings every property check runs under, and small strategies.

Grades must not change between runs, so every property runs with

    derandomize=True   the examples come from a hash of the check, not from a clock;
    database=None      no ``.hypothesis`` folder (a submission's own cannot steer the draws);
    deadline=None      a slow but correct implementation is not a failure;

and a fixed number of examples. (Derandomized draws are stable only while Hypothesis and
Python stay the same versions: ``requirements.txt`` pins them.)
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

def _without_local_constants() -> None:
    """Hypothesis (since 6.131) sometimes draws constants found in the source of every local
    module loaded, which would make the examples depend on the student's code and on what else
    this process imported. Grades must not: switch that source of draws off (an internal of the
    pinned Hypothesis version; without it, nothing to do)."""
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover
        return
    if hasattr(providers, "_get_local_constants") and hasattr(providers, "Constants"):
        empty = providers.Constants()
        providers._get_local_constants = lambda: empty
        cache = getattr(getattr(providers, "CONSTANTS_CACHE", None), "cache", None)
        if cache is not None:  # forget constants cached before this point
            cache.clear()


_without_local_constants()

GRADING = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=25,
    suppress_health_check=list(HealthCheck),
    print_blob=False,
    phases=(Phase.explicit, Phase.generate, Phase.shrink),
)

#: characters of Hypothesis's smallest failing example kept in a message
EXAMPLE_CHARS = 240


def run_property(test, max_examples: int | None = None, **strategies) -> None:
    """Run ``test(**drawn)`` for examples drawn from ``strategies`` under the grading settings.

    On failure the exception is re-raised with the falsifying example in its message (unless the
    test's own message states every drawn value: an exception with ``states_its_inputs`` set).
    """
    run = given(**strategies)(settings(GRADING, max_examples=max_examples or GRADING.max_examples)(test))
    try:
        try:
            run()
        except ExceptionGroup as group:  # several distinct failures: a crash or wrong shape is the root cause
            errors = sorted(group.exceptions, key=lambda e: not hasattr(e, "kind"))
            raise errors[0] from None
    except Exception as exc:
        notes = [n for n in getattr(exc, "__notes__", []) if n.startswith("Falsifying example")]
        if notes and exc.args and getattr(exc, "kind", None) not in ("not_implemented", "missing", "import") and not getattr(exc, "states_its_inputs", False):
            example = notes[0].replace("Falsifying example: ", "").replace("\n", " ")
            text, sep, hint = str(exc.args[0]).partition("\n  Hint: ")  # the example belongs to the message, the hint stays last
            example = " ".join(example.split())
            if len(example) > EXAMPLE_CHARS:  # Hypothesis prints whole arrays; the point above is the part that matters
                example = example[: EXAMPLE_CHARS - 1] + "…"
            exc.args = (f"{text}\n  (smallest failing example found: {example})" + (sep + hint if sep else ""),) + exc.args[1:]
            if hasattr(exc, "message"):
                exc.message = exc.args[0]
        if hasattr(exc, "__notes__"):
            exc.__notes__ = []
        raise


def floats(lo: float, hi: float):
    """Finite floats in ``[lo, hi]``."""
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def points(d, n=st.integers(1, 5), lo: float = -3.0, hi: float = 3.0):
    """A batch ``X: (n, d)`` with entries in ``[lo, hi]`` (``d`` an int or a strategy)."""
    d = st.just(d) if isinstance(d, int) else d
    return st.tuples(n, d).flatmap(lambda shape: hnp.arrays(np.float64, shape, elements=floats(lo, hi)))


def log_uniform(lo: float, hi: float):
    """Positive floats spread evenly in ``log10`` between ``lo`` and ``hi``."""
    return floats(np.log10(lo), np.log10(hi)).map(lambda e: float(10.0**e))


def seeds():
    return st.integers(0, 2**16)
