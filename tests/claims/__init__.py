"""The figures quoted in the lesson texts, each recomputed by a function from the reference code.

A lesson's README marks a figure ``<!-- claim: l2_gd_steps -->149<!-- /claim -->``; the function
registered under that name (``@claim("l2_gd_steps")`` in ``tests/claims/lessonN.py``) returns the
text that must stand between the markers, or an ``Approx`` for a figure that depends on the
machine (and that the text says depends on it). ``tests/test_claims.py`` compares them all.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Callable

CLAIMS: dict[str, Callable[[], object]] = {}


@dataclass(frozen=True)
class Approx:
    """A machine-dependent figure: the text's number must lie within ``rel`` of ``value``."""

    value: float
    rel: float

    def accepts(self, text: str) -> bool:
        try:
            quoted = float(text.replace(",", "").rstrip("x%s "))
        except ValueError:
            return False
        return abs(quoted - self.value) <= self.rel * abs(self.value)


@dataclass(frozen=True)
class Within:
    """A figure known only to its order on any one machine (a rounding-level residual): the text's
    number must lie within a factor ``factor`` of ``value``, either way."""

    value: float
    factor: float

    @property
    def rel(self) -> float:
        return self.factor - 1.0

    def accepts(self, text: str) -> bool:
        try:
            quoted = float(text.replace(",", "").rstrip("x%s "))
        except ValueError:
            return False
        return quoted * self.value > 0 and max(quoted / self.value, self.value / quoted) <= self.factor


def claim(name: str):
    """Register the function that recomputes the figure ``name``."""

    def register(func):
        if name in CLAIMS:
            raise ValueError(f"two claims are named {name!r}")
        CLAIMS[name] = func
        return func

    return register


def load_all() -> dict[str, Callable[[], object]]:
    """Import every ``tests/claims/*.py`` (registering its claims) and return the registry."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return CLAIMS
