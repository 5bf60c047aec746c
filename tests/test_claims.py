"""Every figure in every lesson text is recomputed from the reference code: no stale numbers.

A figure is marked ``<!-- claim: NAME -->TEXT<!-- /claim -->`` and ``tests/claims`` recomputes
it. Outside the markers, the prose and tables may hold no figure at all: only a lone digit
(not followed by a counting word) and years; inputs are written as code (``lr=0.1``) or math.
"""

from __future__ import annotations

import functools
import re

import pytest

from grader import engine
from tests.claims import Approx, Within, load_all

READMES = sorted(engine.LESSONS.glob("*/README.md"))
CLAIM = re.compile(r"<!-- claim: ([A-Za-z0-9_]+) -->(.*?)<!-- /claim -->", re.S)
#: what is not prose: fenced code, display and inline math, inline code, HTML comments, link targets
NOT_PROSE = [
    re.compile(r"^```.*?^```", re.S | re.M),
    re.compile(r"\$\$.*?\$\$", re.S),
    re.compile(r"(?<!\\)\$.+?(?<!\\)\$"),
    re.compile(r"`[^`\n]+`"),
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"\]\([^)]*\)"),
]
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w])")
COUNTING = re.compile(r"\s*(?:%|x\b|s\b|ms\b|steps?\b|iterations?\b|evaluations?\b|trials?\b|pairs?\b|times\b|seconds?\b)")
YEAR = re.compile(r"(?:19|20)\d\d")


def claims_in(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in CLAIM.finditer(text)]


def unclaimed_figures(text: str) -> list[str]:
    """The figures of ``text``'s prose that stand outside claims (with a little context)."""
    text = CLAIM.sub(" ", text)
    for pattern in NOT_PROSE:
        text = pattern.sub(" ", text)
    found = []
    for m in NUMBER.finditer(text):
        token = m.group(0)
        lone_digit = re.fullmatch(r"\d", token) is not None
        if (lone_digit and not COUNTING.match(text, m.end())) or YEAR.fullmatch(token):
            continue
        found.append(" ".join(text[max(0, m.start() - 30) : m.end() + 20].split()))
    return found


@functools.cache
def _registry():
    return load_all()


def _all_claims():
    return [(readme.parent.name, name, text) for readme in READMES for name, text in claims_in(readme.read_text())]


def test_there_are_lessons_and_claims():
    assert READMES and _all_claims()


@pytest.mark.parametrize("lesson, name, text", _all_claims(), ids=lambda v: v if isinstance(v, str) and len(v) < 60 else "")
def test_claim_matches_the_reference(lesson, name, text):
    registry = _registry()
    assert name in registry, f"{lesson}/README.md marks a claim {name!r} that no function in tests/claims computes"
    expected = registry[name]()
    if isinstance(expected, (Approx, Within)):
        assert expected.accepts(text.strip()), f"{lesson}/README.md says {text.strip()!r} for {name}; the reference gives about {expected.value:g} on this machine (the text may differ by {expected.rel:.0%})"
    else:
        assert text.strip() == str(expected).strip(), f"{lesson}/README.md says {text.strip()!r} for {name}; the reference gives {str(expected).strip()!r}"


@pytest.mark.parametrize("readme", READMES, ids=lambda p: p.parent.name)
def test_every_figure_in_the_text_is_a_claim(readme):
    loose = unclaimed_figures(readme.read_text())
    assert not loose, f"{readme.parent.name}/README.md quotes figures that no claim recomputes:\n  " + "\n  ".join(loose)


def test_every_claim_function_is_used():
    used = {name for _, name, _ in _all_claims()}
    unused = sorted(set(_registry()) - used)
    assert not unused, f"claims computed but quoted by no README: {unused}"


def test_the_figure_scanner_sees_figures():
    text = "GD takes 149 steps, Newton 5 steps, error 1.6e-2, lesson 3, `lr=0.1`, $\\eta = 0.5$, 12 evaluations (2003), 15,600 steps."
    loose = unclaimed_figures(text)
    assert [s.split()[-1] for s in loose] != []
    assert any("149" in s for s in loose) and any("5 steps" in s for s in loose) and any("1.6e-2" in s for s in loose) and any("12 evaluations" in s for s in loose) and any("15,600" in s for s in loose)
    assert not any("0.1" in s or "0.5" in s for s in loose)
    assert unclaimed_figures("<!-- claim: x -->149<!-- /claim --> steps in lesson 3 (2003), as in lesson 1, and 2.") == []
