"""The catalogue of checks: each has a name, an exercise, points, a visibility and a hint.

A check is a function ``(target, reference) -> None`` that raises ``CheckFailed`` with a
message for the student when the target's work is wrong. Register it with::

    @check("Quadratic.grad.gradcheck", points=3)
    def quadratic_grad(t, ref): ...

The exercise is the name's first part; checks run in the order they are registered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

VISIBLE = "visible"
HIDDEN = "hidden"


class CheckFailed(AssertionError):
    """The target answered, but the answer is wrong. The message says expected, got and why.

    ``plot`` may carry what a feedback figure needs: ``{"got": Xs, "want": Xs, "spec": LandscapeSpec}``
    with histories of shape ``(k+1, n, d)``. ``cause`` names the one mistake behind the failure when
    several checks share it (``"gate:Adam"``: Adam's step does not work yet): reports say a cause
    once, for all the checks it fails.
    """

    def __init__(self, message: str = "", plot: dict | None = None, cause: str = ""):
        super().__init__(message)
        self.plot = plot
        self.cause = cause


@dataclass(frozen=True)
class Check:
    name: str
    exercise: str
    points: float
    visibility: str
    run: Callable
    doc: str

    @property
    def hidden(self) -> bool:
        return self.visibility == HIDDEN


REGISTRY: dict[str, Check] = {}


def check(name: str, points: float, hidden: bool = False):
    """Register a check function under ``name`` (``Exercise.what.kind``)."""

    def register(func: Callable) -> Callable:
        if name in REGISTRY:
            raise ValueError(f"two checks are named {name!r}")
        doc = " ".join((func.__doc__ or "").split())
        REGISTRY[name] = Check(name, name.split(".")[0], float(points), HIDDEN if hidden else VISIBLE, func, doc)
        return func

    return register


def expect(condition: bool, message: str, plot: dict | None = None) -> None:
    """Fail the check with ``message`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(message, plot)
