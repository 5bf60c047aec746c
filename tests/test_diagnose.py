"""The diagnoses claim only what their evidence shows (issue 22): a constant factor needs more
than one entry that shares it; a step ratio is named after a hyperparameter only when nothing
else the run used has that value, and after all of them otherwise."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from grader.diagnose import DEFAULTS, hyperparameters, path_difference, value_difference


def test_defaults_are_the_reference_signatures():
    """DEFAULTS holds every reference optimizer's numeric defaults, as its signature (and its bases') gives them."""
    import importlib

    found = {}
    for module in ("first_order", "second_order", "quasi_newton", "inversion", "stochastic"):
        mod = importlib.import_module(f"solutions.{module}")
        for name, cls in vars(mod).items():
            if inspect.isclass(cls) and cls.__module__ == mod.__name__ and not name.startswith("_") and hasattr(cls, "fit"):
                defaults = {}
                for klass in reversed(cls.__mro__):
                    if "__init__" in vars(klass):
                        for p, v in inspect.signature(vars(klass)["__init__"]).parameters.items():
                            if p not in ("max_iter", "tol") and isinstance(v.default, (int, float)) and not isinstance(v.default, bool):
                                defaults[p] = v.default
                found[name] = defaults
    assert found == DEFAULTS


def test_one_entry_is_no_constant_factor():
    got, want = np.array([[2.49]]), np.array([[1.0]])
    words = value_difference(got, want)
    assert "constant factor" not in words and "single number" in words
    assert "the sign is wrong" not in value_difference(-want, want)


def test_a_factor_shared_by_every_entry_is_named():
    rng = np.random.default_rng(0)
    want = rng.normal(size=(3, 2))
    assert "constant factor" in value_difference(2.49 * want, want) and "6 nonzero entries" in value_difference(2.49 * want, want)
    assert value_difference(-want, want).startswith("the sign is wrong")
    assert "constant factor" not in value_difference(want * np.array([2.49, 1.0]), want)


def _path(step: float, n: int = 3) -> np.ndarray:
    """A 2-step history from the origin along (1, 2) with first step ``step`` times (1, 2)."""
    return np.array([[0.0, 0.0], [step, 2 * step], [step + 1.0, 2 * step + 2.0]])[:n]


@pytest.mark.parametrize(
    "ratio, params, says, never",
    [
        (0.1, {"lr": 0.1}, "is lr applied twice?", "1 - momentum"),
        (0.1, hyperparameters("Momentum", {"lr": 0.1}), "lr or 1 - momentum too many", "is lr applied twice?"),
        (0.2, hyperparameters("Momentum", {"lr": 0.05, "momentum": 0.8}), "1 - momentum = 0.2", "lr"),
        (10.0, hyperparameters("Momentum", {"lr": 0.1}), "factor lr or 1 - momentum missing", "is lr applied?"),
        (0.5, hyperparameters("Momentum", {"lr": 0.1, "momentum": 0.5}), "a factor 2 missing", "is lr"),
        (1 / np.sqrt(0.001), hyperparameters("Adam", {"lr": 0.05}), "factor sqrt(1 - beta2) missing", "beta1"),
        (31.6227, hyperparameters("Adam", {"lr": 0.05}), "factor sqrt(1 - beta2) missing", "beta1"),  # eps shifts the 6th digit
        (31.618, hyperparameters("Adam", {"lr": 0.05}), "31.618 times the reference's length", "beta2"),
        (31.6227, hyperparameters("Momentum", {"lr": 0.05, "momentum": 0.999}), "31.6227 times the reference's length", "momentum"),  # no eps: 6 digits
        (1.0001, hyperparameters("Langevin", {"lr": 0.1, "noise": 1e-4}), "1.0001 times the reference's length", "noise"),
        (7.0, hyperparameters("SGD", {"lr": 0.1, "random_state": 7, "average": 7}), "7 times the reference's length", "random_state"),
        (2.0, hyperparameters("GradientDescent", {"lr": 0.5}), "a factor 2 too many, or a factor lr missing", "1 - lr"),
    ],
)
def test_a_ratio_names_every_hyperparameter_with_its_value(ratio, params, says, never):
    words = path_difference(_path(ratio), _path(1.0), 1e-9, params)
    assert "in the very first step" in words and says in words and never not in words, words


def test_a_later_steps_ratio_is_not_named_after_a_hyperparameter():
    """Step 1 agrees: a ratio at step 2 comes from carried state, whatever its value."""
    got, want = _path(1.0), _path(1.0)
    got[2] = got[1] + 0.1 * (want[2] - want[1])
    words = path_difference(got, want, 1e-9, {"lr": 0.1})
    assert "the first 1 steps agree" in words and "lr" not in words.split("fit)")[-1], words


def test_opposite_direction_is_a_sign_only_when_as_long():
    assert "(a sign)" in path_difference(_path(-1.0), _path(1.0), 1e-9)
    assert "(a sign)" not in path_difference(_path(-0.01), _path(1.0), 1e-9)
