"""Checks for lesson 2: GradientDescent, Momentum, Langevin, AdaGrad, RMSprop, Adam.

Optimizers always run on the reference landscapes, so a wrong gradient in lesson 1
never costs points here.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from ..diagnose import ratio_words
from ..properties import floats, log_uniform, points, run_property
from ..registry import CheckFailed, check, expect
from ..target import LandscapeSpec
from .contract import WELLS, confirmed_converged, max_gap, notebook_path, register_contract, register_hyperparameters, require_working, same_hyperparameters_property, same_path

SQUARE = LandscapeSpec("SquarePhysics", (), "reference")
ROSENBROCK = LandscapeSpec("Rosenbrock", (("d", 2),), "reference")
STRETCHED = LandscapeSpec("Quadratic", (("A", np.diag([1.0, 10.0])), ("b", np.array([1.0, 1.0]))), "reference")
BOWL2 = LandscapeSpec("Quadratic", (("A", np.eye(2)), ("b", np.zeros(2))), "reference")
STARTS = np.random.default_rng(2026).uniform(-3, 3, size=(20, 2))
STRETCHED_STARTS = np.array([[0.0, 0.0], [3.0, -2.0], [-5.0, 4.0]])

HINTS = {
    "GradientDescent": (
        "compare your update with the rule in the docstring: a step that climbs has the wrong sign, "
        "a step as long as the gradient itself has lost lr, and a step that depends on the other rows "
        "mixes the batch"
    ),
    "Momentum": (
        "check the signs in the two lines of the velocity form (which quantity is subtracted, which is added), "
        "that lr enters once, and that the velocity carries over from step to step within a fit "
        "but starts afresh in init_state"
    ),
    "Langevin": (
        "the kick is scaled like the gradient (by lr as well as by noise), is drawn anew at every step, "
        "and comes only from self.rng_, never from np.random"
    ),
    "AdaGrad": (
        "the accumulator must grow at every step by the entrywise square of the gradient (never reset within "
        "a fit, never replaced), and eps sits where the docstring puts it, outside the square root"
    ),
    "RMSprop": (
        "the average weighs old and new by decay and 1 - decay (in that order), holds entrywise squares, "
        "and eps sits outside the square root as in the docstring"
    ),
    "Adam": (
        "look at the order of the docstring's lines (the count comes first), at both bias corrections "
        "(each with its own beta), at where eps sits, and at init_state resetting every piece of state"
    ),
}

# Hyperparameters for the contract battery and the reference trajectories (eps large enough
# that putting it inside or outside the root makes a visible difference).
CONTRACT = {
    "GradientDescent": {"lr": 0.1},
    "Momentum": {"lr": 0.05, "momentum": 0.8},
    "Langevin": {"lr": 0.1, "noise": 1e-4, "random_state": 0},
    "AdaGrad": {"lr": 0.5},
    "RMSprop": {"lr": 0.01, "decay": 0.9},
    "Adam": {"lr": 0.05},
}
PATHS = {
    "GradientDescent": [(WELLS, {"lr": 0.5}), (ROSENBROCK, {"lr": 1e-3})],
    "Momentum": [(WELLS, {"lr": 0.3, "momentum": 0.9}), (ROSENBROCK, {"lr": 1e-3, "momentum": 0.9})],
    "Langevin": [(WELLS, {"lr": 0.3, "noise": 0.5, "random_state": 7}), (ROSENBROCK, {"lr": 1e-3, "noise": 1.0, "random_state": 3})],
    "AdaGrad": [(WELLS, {"lr": 0.3, "eps": 1e-3}), (ROSENBROCK, {"lr": 0.1, "eps": 1e-3})],
    "RMSprop": [(WELLS, {"lr": 0.05, "decay": 0.9, "eps": 1e-3}), (ROSENBROCK, {"lr": 0.01, "decay": 0.8, "eps": 1e-3})],
    "Adam": [(WELLS, {"lr": 0.1, "eps": 1e-3}), (ROSENBROCK, {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-3})],
}
ADAPTIVE = ("AdaGrad", "RMSprop", "Adam")


def _describe(name: str, spec: LandscapeSpec, kwargs: dict) -> str:
    args = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    land = ", ".join(f"{k}={v}" for k, v in spec.kwargs)
    return f"{name}({args}) on {spec.name}({land})"


for _name in HINTS:
    register_contract(_name, CONTRACT[_name], HINTS[_name], deterministic=_name != "Langevin", stop_tol=0.05 if _name == "RMSprop" else 1e-3, probe={"noise": 0.0} if _name == "Langevin" else None)  # without noise Langevin is gradient descent


def _register_paths(name: str) -> None:
    @check(f"{name}.trajectory.reference", points=3)
    def paths(t, ref):
        """The iterates equal the reference's, step by step, on the Gaussian wells (20 starts) and on Rosenbrock."""
        for spec, kwargs in PATHS[name]:
            X0 = STARTS if spec is WELLS else np.array([[-1.2, 1.0], [0.0, 2.0], [1.5, 1.5]])
            mine = t.fit(name, spec, X0, max_iter=40, tol=0.0, store_history=True, **kwargs)
            want = ref.fit(name, spec, X0, max_iter=40, tol=0.0, store_history=True, **kwargs)
            same_path(name, mine.Xs, want.Xs, _describe(name, spec, kwargs), HINTS[name], spec=spec, params=kwargs)


for _name in HINTS:
    _register_paths(_name)


@check("GradientDescent.trajectory.notebook", points=3)
def gd_notebook(t, ref):
    """Ten steps with lr 0.01 from [3, 3] on the toy physics end where the PBDL notebook says."""
    notebook_path(t, "GradientDescent", SQUARE, [2.4512184, 0.96171147], "[2.94, 1.92]", "2.63", HINTS["GradientDescent"], lr=0.01)


# --------------------------------------------------------------------------- special cases
check("Momentum.zero_momentum", points=2)(
    same_hyperparameters_property(
        "Momentum", "GradientDescent", {"momentum": 0.0}, {},
        "Momentum(momentum=0) against GradientDescent with the same lr",
        "with momentum 0 the step must be exactly gradient descent's: check the velocity's signs and that lr enters once",
    )
)
check("Langevin.zero_noise", points=1)(
    same_hyperparameters_property(
        "Langevin", "GradientDescent", {"noise": 0.0, "random_state": 0}, {},
        "Langevin(noise=0) against GradientDescent with the same lr",
        "with noise 0 the step must be exactly gradient descent's: add the noise to the gradient, scaled like it by lr",
    )
)


@check("Langevin.reproducible", points=2)
def langevin_seeds(t, ref):
    """The same random_state gives the same trajectory in two fresh objects; another seed gives another."""
    require_working(t, ref, "Langevin", WELLS, STARTS[:5], {"lr": 0.1, "noise": 0.5, "random_state": 0}, needs="Langevin.reproducible", hint=HINTS["Langevin"])

    def prop(seed):
        kwargs = {"lr": 0.1, "noise": 0.5, "max_iter": 15, "tol": 0.0, "store_history": True}
        a = t.fit("Langevin", WELLS, STARTS[:5], random_state=seed, **kwargs)
        b = t.fit("Langevin", WELLS, STARTS[:5], random_state=seed, **kwargs)
        same_path("Langevin", b.Xs, a.Xs, f"two runs with random_state={seed}", HINTS["Langevin"], tol=0.0)
        c = t.fit("Langevin", WELLS, STARTS[:5], random_state=seed + 1, **kwargs)
        expect(max_gap(c.Xs, a.Xs)[0] > 1e-6, f"Langevin with random_state={seed} and {seed + 1} gave the same trajectory\n  Hint: {HINTS['Langevin']}")

    run_property(prop, max_examples=5, seed=st.integers(0, 10_000))


@check("Langevin.temperature", points=2)
def langevin_spread(t, ref):
    """On the bowl L = |x|^2 / 2 the iterates settle to variance lr * noise^2 / (2 - lr) per coordinate."""
    require_working(t, ref, "Langevin", BOWL2, STARTS[:4], {"lr": 0.1, "noise": 1.0, "random_state": 11}, needs="Langevin.temperature", hint=HINTS["Langevin"])
    X0 = np.zeros((4000, 2))
    for lr, noise in ((0.1, 1.0), (0.5, 0.3)):
        fit = t.fit("Langevin", BOWL2, X0, lr=lr, noise=noise, max_iter=200, tol=0.0, random_state=11)
        want = lr * noise**2 / (2 - lr)
        got = float(np.var(fit.X))
        expect(
            abs(got / want - 1) < 0.1,
            f"Langevin(lr={lr}, noise={noise}) on L = |x|^2/2 should spread the iterates with variance {want:.4g} per coordinate "
            f"(lesson 2, 'The spread on a bowl'); got {got:.4g}\n  Hint: {HINTS['Langevin']}",
        )


def _register_loss_scaling(name: str) -> None:
    @check(f"{name}.loss_scale_invariance", points=2)
    def invariance(t, ref):
        """With eps = 0 the trajectory is the same when the loss is multiplied by any c > 0."""
        require_working(t, ref, name, WELLS, STARTS[:3], {**PATHS[name][0][1], "eps": 0.0}, needs=f"{name}.loss_scale_invariance", hint=HINTS[name])

        def prop(X0, c):
            kwargs = {**PATHS[name][0][1], "eps": 0.0, "max_iter": 15, "tol": 0.0, "store_history": True}
            a = t.fit(name, WELLS, X0, **kwargs)
            b = t.fit(name, WELLS.scaled(c), X0, **kwargs)
            same_path(name, b.Xs, a.Xs, f"the loss multiplied by c = {c:.6g}", "per coordinate, g / sqrt(average of g**2) does not change when g is multiplied by c > 0; an extra factor of g (or of its square) breaks that", tol=1e-8)

        run_property(prop, max_examples=10, X0=points(2, n=st.integers(1, 3)), c=log_uniform(1e-3, 1e3))


for _name in ADAPTIVE:
    _register_loss_scaling(_name)


@check("Adam.first_step", points=2)
def adam_first_step(t, ref):
    """With eps = 0, Adam's first step moves every coordinate with a nonzero gradient by exactly lr."""
    require_working(t, ref, "Adam", WELLS, STARTS[:3], {"lr": 0.1, "beta1": 0.8, "beta2": 0.95, "eps": 0.0}, needs="Adam.first_step (the sign of the gradient also moves every coordinate by lr)", hint=HINTS["Adam"])

    def prop(X0, lr, beta1, beta2):
        fit = t.fit("Adam", WELLS, X0, lr=lr, beta1=beta1, beta2=beta2, eps=0.0, max_iter=1, tol=0.0, store_history=True)
        g = ref.landscape("GaussianWells", source="reference", **dict(WELLS.kwargs)).grad(X0)
        rows = np.all(g != 0, axis=1)  # an exactly zero entry would be 0/0 with eps = 0
        moved = np.abs(fit.Xs[1] - fit.Xs[0])[rows]
        want = np.full_like(moved, lr)
        if not np.allclose(moved, want, rtol=1e-9, atol=1e-12 * lr):
            ratio = moved / lr
            shared = ratio.size > 0 and np.all(np.isfinite(ratio)) and np.allclose(ratio, ratio.flat[0], rtol=1e-9) and ratio.flat[0] > 0
            why = f"\n  What differs: every coordinate moved by the same multiple of lr: {ratio_words(float(ratio.flat[0]), {'lr': lr, 'beta1': beta1, 'beta2': beta2})}" if shared else ""
            failure = CheckFailed(
                f"Adam(lr={lr}, beta1={beta1}, beta2={beta2}, eps=0) from {X0.tolist()} moved by {moved.tolist()}; every "
                f"coordinate should move by exactly lr = {lr} in the first step (m_hat = g and v_hat = g**2 after bias "
                f"correction){why}\n  Hint: {HINTS['Adam']}"
            )
            failure.states_its_inputs = True  # Hypothesis's example would repeat them
            raise failure

    run_property(prop, max_examples=15, X0=points(2, n=st.integers(1, 3)), lr=log_uniform(1e-3, 1.0), beta1=floats(0.0, 0.99), beta2=floats(0.5, 0.9999))


# --------------------------------------------------------------------------- rotations
def _rotated_problem(theta: float):
    A = np.diag([1.0, 6.0])
    b = np.array([1.0, -2.0])
    Q = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    plain = LandscapeSpec("Quadratic", (("A", A), ("b", b)), "reference")
    turned = LandscapeSpec("Quadratic", (("A", Q @ A @ Q.T), ("b", Q @ b)), "reference")
    return plain, turned, Q


def _register_rotation(name: str, equivariant: bool) -> None:
    kwargs = {k: v for k, v in CONTRACT[name].items()}

    if equivariant:

        @check(f"{name}.rotation_equivariance", points=2)
        def rotation(t, ref):
            """Rotating the coordinates rotates the trajectory: the method has no preferred axes."""
            require_working(t, ref, name, _rotated_problem(0.3)[0], STARTS[:2], kwargs, needs=f"{name}.rotation_equivariance", hint=HINTS[name])

            def prop(X0, theta):
                plain, turned, Q = _rotated_problem(theta)
                a = t.fit(name, plain, X0, max_iter=20, tol=0.0, store_history=True, **kwargs)
                b = t.fit(name, turned, X0 @ Q.T, max_iter=20, tol=0.0, store_history=True, **kwargs)
                same_path(name, b.Xs, a.Xs @ Q.T, f"coordinates rotated by {theta:.4f} rad", "treat the gradient as one vector: no per-coordinate scaling, clipping or sign", tol=1e-8)

            run_property(prop, max_examples=10, X0=points(2, n=st.integers(1, 3)), theta=floats(0.0, 2 * np.pi))

    else:

        @check(f"{name}.per_coordinate", points=1)
        def per_coordinate(t, ref):
            """An adaptive method scales each coordinate on its own, so rotating the coordinates changes its path."""
            require_working(t, ref, name, _rotated_problem(0.3)[0], STARTS[:2], kwargs, needs=f"{name}.per_coordinate", hint=HINTS[name])
            X0 = np.array([[2.0, 1.5], [-1.0, 2.0]])
            plain, turned, Q = _rotated_problem(np.pi / 4)
            a = t.fit(name, plain, X0, max_iter=20, tol=0.0, store_history=True, **kwargs)
            b = t.fit(name, turned, X0 @ Q.T, max_iter=20, tol=0.0, store_history=True, **kwargs)
            gap, _ = max_gap(b.Xs, a.Xs @ Q.T)
            expect(gap > 1e-3, f"{name} followed the same path in rotated coordinates: its scaling is not per coordinate\n  Hint: the squares and square roots act on each coordinate (g**2 elementwise), not on the gradient's norm")


for _name in HINTS:
    if _name != "Langevin":
        _register_rotation(_name, equivariant=_name not in ADAPTIVE)


# --------------------------------------------------------------------------- convergence
# name: [(landscape, start, hyperparameters, budget, what the reference needs)]
BUDGETS = {
    "GradientDescent": [(STRETCHED, STRETCHED_STARTS, {"lr": 0.1}, 250, 149), (ROSENBROCK, np.array([-1.2, 1.0]), {"lr": 2e-3}, 15000, 10233)],
    "Momentum": [(STRETCHED, STRETCHED_STARTS, {"lr": 0.1, "momentum": 0.5}, 100, 48), (ROSENBROCK, np.array([-1.2, 1.0]), {"lr": 2e-3, "momentum": 0.9}, 2500, 1549)],
    "AdaGrad": [(STRETCHED, STRETCHED_STARTS, {"lr": 1.0}, 300, 190), (ROSENBROCK, np.array([-1.2, 1.0]), {"lr": 0.5}, 25000, 16585)],
    "RMSprop": [(STRETCHED, STRETCHED_STARTS, {"lr": 0.01, "decay": 0.9}, 1000, 662)],
    "Adam": [(STRETCHED, STRETCHED_STARTS, {"lr": 0.1}, 500, 338), (ROSENBROCK, np.array([-1.2, 1.0]), {"lr": 0.1}, 2500, 1706)],
}


def _register_convergence(name: str) -> None:
    @check(f"{name}.convergence", points=2)
    def convergence(t, ref):
        """Reaches |grad| < 1e-6 (1e-4 for gradient descent on Rosenbrock) within a stated budget on a
        stretched quadratic and on Rosenbrock from (-1.2, 1)."""
        spec, X0, kwargs, _, _ = BUDGETS[name][0]
        require_working(t, ref, name, spec, X0, kwargs, needs=f"{name}.convergence", hint=HINTS[name])
        for spec, X0, kwargs, budget, needs in BUDGETS[name]:
            tol = 1e-4 if (name, spec.name) == ("GradientDescent", "Rosenbrock") else 1e-6
            fit = t.fit(name, spec, X0, max_iter=budget, tol=tol, **kwargs)
            expect(
                bool(np.all(confirmed_converged(ref, spec, fit, tol))),
                f"{_describe(name, spec, kwargs)} should reach |grad| < {tol:g} within {budget} steps from {X0.tolist()} "
                f"(the reference needs about {needs}); converged_ = {np.atleast_1d(fit.converged).astype(bool).tolist()}, "
                f"X_ = {np.round(fit.X, 6).tolist()}\n  Hint: {HINTS[name]}",
            )


for _name in BUDGETS:
    _register_convergence(_name)


@check("RMSprop.convergence.rosenbrock", points=1)
def rmsprop_rosenbrock(t, ref):
    """RMSprop (lr 3e-3, decay 0.9) gets within 0.05 of Rosenbrock's minimum in 5000 steps from (-1.2, 1)."""
    require_working(t, ref, "RMSprop", ROSENBROCK, np.array([-1.2, 1.0]), {"lr": 3e-3, "decay": 0.9}, needs="RMSprop.convergence.rosenbrock", hint=HINTS["RMSprop"])
    fit = t.fit("RMSprop", ROSENBROCK, np.array([-1.2, 1.0]), lr=3e-3, decay=0.9, max_iter=5000, tol=1e-6)
    dist = float(np.linalg.norm(fit.X - 1.0))
    expect(dist < 0.05, f"RMSprop(lr=3e-3, decay=0.9) on Rosenbrock ended {dist:.3g} from (1, 1) after 5000 steps (the reference: 0.009; a fixed lr makes it hover near the minimum rather than converge)\n  Hint: {HINTS['RMSprop']}")


# --------------------------------------------------------------------------- every hyperparameter used
VARIATIONS = {
    "GradientDescent": ({}, {"lr": (0.05, 0.3)}),
    "Momentum": ({"lr": 0.1}, {"lr": (0.05, 0.2), "momentum": (0.5, 0.9)}),
    "Langevin": ({"lr": 0.1, "noise": 0.3, "random_state": 0}, {"lr": (0.05, 0.2), "noise": (0.1, 0.5), "random_state": (0, 1)}),
    "AdaGrad": ({"lr": 0.3}, {"lr": (0.1, 0.5), "eps": (1e-8, 0.1)}),
    "RMSprop": ({"lr": 0.05}, {"lr": (0.02, 0.1), "decay": (0.5, 0.95), "eps": (1e-8, 0.1)}),
    "Adam": ({"lr": 0.1}, {"lr": (0.05, 0.2), "beta1": (0.5, 0.9), "beta2": (0.9, 0.999), "eps": (1e-8, 0.1)}),
}
for _name, (_kwargs, _variations) in VARIATIONS.items():
    register_hyperparameters(_name, _kwargs, WELLS, STARTS[:6], _variations, HINTS[_name])
