"""Hidden checks: graded by the instructor, named but never explained to students.

This module is left out of the student release (``python -m grader release``); students see
only each hidden check's name and whether it passed.
"""

from __future__ import annotations

import numpy as np

from ..gradcheck import compare
from ..registry import check
from ..target import LandscapeSpec
from .contract import same_path
from .first_order import HINTS, ROSENBROCK
from .landscapes import LANDSCAPES, REFERENCE_TOL, _fail


def _dimension(name: str, kwargs: dict) -> int:
    return len(kwargs["b"]) if name == "Quadratic" else kwargs.get("d", 2)


def _register_reference(name: str, grad_hint: str, hess_hint: str, hidden_cases: list) -> None:
    @check(f"{name}.reference", points=1, hidden=True)
    def reference_check(t, ref):
        """Gradient and Hessian agree with the reference to 1e-9 in larger cases."""
        rng = np.random.default_rng(12345)
        for kwargs in hidden_cases:
            mine, theirs = t.landscape(name, **kwargs), ref.landscape(name, **kwargs)
            X = rng.uniform(-2.5, 2.5, size=(40, _dimension(name, kwargs)))
            for method, hint in (("grad", grad_hint), ("hessian", hess_hint)):
                want = theirs.call(method, X)
                got = mine.call(method, X, shape=want.shape)
                _fail(compare(method, got, want, X, REFERENCE_TOL), hint)


for _name, (_cases, _grad_hint, _hess_hint, _hidden) in LANDSCAPES.items():
    _register_reference(_name, _grad_hint, _hess_hint, _hidden)


@check("Momentum.trajectory.rosenbrock_long", points=1, hidden=True)
def momentum_long(t, ref):
    """The reference path over 300 steps on Rosenbrock, where a small error grows."""
    X0 = np.array([[-1.2, 1.0], [0.0, 2.0]])
    mine = t.fit("Momentum", ROSENBROCK, X0, lr=1e-3, momentum=0.95, max_iter=300, tol=0.0, store_history=True)
    want = ref.fit("Momentum", ROSENBROCK, X0, lr=1e-3, momentum=0.95, max_iter=300, tol=0.0, store_history=True)
    same_path("Momentum", mine.Xs, want.Xs, "Momentum(lr=1e-3, momentum=0.95) on Rosenbrock(2)", HINTS["Momentum"], tol=1e-7)


@check("Adam.trajectory.hidden", points=1, hidden=True)
def adam_hidden(t, ref):
    """The reference path in 5-D Gaussian wells with default hyperparameters but lr."""
    spec = LandscapeSpec("GaussianWells", (("d", 5), ("n_wells", 12), ("random_state", 3)), "reference")
    X0 = np.random.default_rng(5).uniform(-2, 2, size=(10, 5))
    mine = t.fit("Adam", spec, X0, lr=0.05, max_iter=60, tol=0.0, store_history=True)
    want = ref.fit("Adam", spec, X0, lr=0.05, max_iter=60, tol=0.0, store_history=True)
    same_path("Adam", mine.Xs, want.Xs, "Adam(lr=0.05) in 5-D Gaussian wells", HINTS["Adam"])
