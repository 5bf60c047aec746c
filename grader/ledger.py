"""The tolerance ledger: every comparison a check makes against the reference, noted as
``(gap, tol)``, so that a run can measure how close correct work comes to each tolerance.

Checks call ``note(gap, tol, what)`` wherever they compare an answer with the reference's (a
path, a final point, a value) under a tolerance. Normally nothing is kept. ``collecting()``
keeps the notes of one check; ``grader.instructor.headroom`` runs every check with a perturbed copy of the
reference as the student and reads, per check, the largest ``gap / tol``: the share of the
tolerance that rounding alone uses up. A check is robust when that share is at most 1/100.
"""

from __future__ import annotations

import contextlib

_notes: list | None = None


def note(gap: float, tol: float, what: str = "") -> None:
    """Record one comparison: the relative ``gap`` found and the ``tol`` it was held to."""
    if _notes is not None:
        _notes.append((float(gap), float(tol), what))


@contextlib.contextmanager
def collecting():
    """Collect the notes made inside the block into the list it yields."""
    global _notes
    previous, _notes = _notes, []
    try:
        yield _notes
    finally:
        _notes = previous
