"""The catalogue of every registered check, in the order a report lists them.

Importing ``grader.checks`` registers the checks (each module calls ``registry.check``); this
module does that import, so that ``registry`` never imports the checks that import it. Checks are
listed assignment by assignment, as the course declares them (``grader/course.py``).
"""

from __future__ import annotations

from . import checks  # noqa: F401  (registers them)
from . import course
from .registry import REGISTRY, Check


def _order() -> dict[str, int]:
    """Each exercise's place: the course's order of exercises, then any other in registration order."""
    place = {e: i for i, e in enumerate(course.exercises())}
    for c in REGISTRY.values():
        place.setdefault(c.exercise, len(place))
    return place


def all_checks(include_hidden: bool = True, assignments=None) -> list[Check]:
    """Every registered check (of ``assignments``, default all), exercise by exercise in the course's
    order, and within an exercise in registration order: the order of their numbers."""
    place = _order()
    wanted = None if assignments is None else set(course.exercises(assignments))
    chosen = (c for c in REGISTRY.values() if (include_hidden or not c.hidden) and (wanted is None or c.exercise in wanted))
    return sorted(chosen, key=lambda c: place[c.exercise])


def exercises(assignments=None) -> list[str]:
    """The exercises that have checks, in report order."""
    return list(dict.fromkeys(c.exercise for c in all_checks(assignments=assignments)))
