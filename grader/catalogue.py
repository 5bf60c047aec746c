"""The catalogue of every registered check, in the order a report lists them.

Importing ``grader.checks`` registers the checks (each module calls ``registry.check``); this
module does that import, so that ``registry`` never imports the checks that import it.
"""

from __future__ import annotations

from . import checks  # noqa: F401  (registers them)
from .registry import REGISTRY, Check


def all_checks(include_hidden: bool = True) -> list[Check]:
    """Every registered check, exercise by exercise (in the order each exercise's first check was
    registered), and within an exercise in registration order: the order of their numbers."""
    first = {}
    for c in REGISTRY.values():
        first.setdefault(c.exercise, len(first))
    return sorted((c for c in REGISTRY.values() if include_hidden or not c.hidden), key=lambda c: first[c.exercise])


def exercises() -> list[str]:
    """The exercises in the order their first check was registered."""
    return list(dict.fromkeys(c.exercise for c in all_checks()))
