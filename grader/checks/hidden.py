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
    same_path("Momentum", mine.Xs, want.Xs, "Momentum(lr=1e-3, momentum=0.95) on Rosenbrock(2)", HINTS["Momentum"], tol=1e-7, params={"lr": 1e-3, "momentum": 0.95})


@check("Adam.trajectory.hidden", points=1, hidden=True)
def adam_hidden(t, ref):
    """The reference path in 5-D Gaussian wells with default hyperparameters but lr."""
    spec = LandscapeSpec("GaussianWells", (("d", 5), ("n_wells", 12), ("random_state", 3)), "reference")
    X0 = np.random.default_rng(5).uniform(-2, 2, size=(10, 5))
    mine = t.fit("Adam", spec, X0, lr=0.05, max_iter=60, tol=0.0, store_history=True)
    want = ref.fit("Adam", spec, X0, lr=0.05, max_iter=60, tol=0.0, store_history=True)
    same_path("Adam", mine.Xs, want.Xs, "Adam(lr=0.05) in 5-D Gaussian wells", HINTS["Adam"], params={"lr": 0.05})


# --------------------------------------------------------------------------- lesson 7
@check("LogisticRegression.reference", points=1, hidden=True)
def logistic_reference(t, ref):
    """Gradient, Hessian and minibatch gradients agree with the reference to 1e-9 on a larger data set."""
    from .stochastic import FINITE5

    kwargs = dict(FINITE5.kwargs)
    mine, theirs = t.landscape("LogisticRegression", **kwargs), ref.landscape("LogisticRegression", **kwargs)
    X = np.random.default_rng(77).uniform(-3, 3, size=(25, 5))
    hint = "compare your derivatives with finite differences on a data set of your own, at points far from the minimum too"
    for method in ("grad", "hessian"):
        want = theirs.call(method, X)
        _fail(compare(method, mine.call(method, X, shape=want.shape), want, X, REFERENCE_TOL), hint)
    idx = np.array([3.0, 17.0, 17.0, 42.0, 0.0, 59.0])
    want = theirs.call("grad_batch", X, idx)
    _fail(compare("minibatch gradient", mine.call("grad_batch", X, idx, shape=want.shape), want, X, REFERENCE_TOL), hint)


def _register_stochastic_hidden(name: str, kwargs: dict) -> None:
    @check(f"{name}.trajectory.hidden", points=1, hidden=True)
    def hidden_path(t, ref):
        """The reference path over 60 steps on a 5-D finite sum."""
        from .stochastic import FINITE5, HINTS as STOCHASTIC_HINTS

        X0 = np.random.default_rng(8).uniform(-2, 2, size=(6, 5))
        run = {**kwargs, "max_iter": 60, "tol": 0.0, "store_history": True}
        same_path(name, t.fit(name, FINITE5, X0, **run).Xs, ref.fit(name, FINITE5, X0, **run).Xs, f"{name} on a 5-D finite sum", STOCHASTIC_HINTS[name], tol=1e-8)


for _name, _kwargs in (
    ("SGD", {"lr": 1.5, "batch_size": 7, "schedule": "inverse_sqrt", "t0": 10.0, "average": 10, "random_state": 31}),
    ("SVRG", {"lr": 1.0, "batch_size": 3, "inner_steps": 12, "random_state": 32}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.05, "batch_size": 6, "beta1": 0.85, "random_state": 33}),
):
    _register_stochastic_hidden(_name, _kwargs)
