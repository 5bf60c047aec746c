"""Lesson 5's questions and how their answers are computed from the reference code."""

from __future__ import annotations

import numpy as np

from grader.instructor.questions import Question, Slip


def _toy():
    from solutions.landscapes import SquarePhysics

    return SquarePhysics()


def _path(opt, X0, steps):
    opt.max_iter, opt.tol, opt.store_history = steps, 0.0, True
    return opt.fit(np.asarray(X0, dtype=float)).Xs_


def _newton_x1_factor():
    from solutions.second_order import Newton

    Xs = _path(Newton(_toy(), lr=0.5), (3.0, 3.0), 3)
    factors = Xs[1:, 1] / Xs[:-1, 1]
    assert np.allclose(factors, factors[0], rtol=1e-12)  # a fixed factor, as the question says
    return float(factors[0])


def _pg_alignment():
    from solutions.inversion import PhysicalGradient

    step = np.diff(_path(PhysicalGradient(_toy(), lr=0.3), (2.0, 1.0), 1), axis=0)[0]
    return float(-(step / np.linalg.norm(step)).sum())


def _pg_steps_to_zero():
    from solutions.inversion import PhysicalGradient

    toy = _toy()
    losses = toy(_path(PhysicalGradient(toy, lr=1.0), (3.0, 3.0), 5))
    return int(np.flatnonzero(losses == 0.0)[0])  # losses[0] is the start's


def _ig_y_path():
    from solutions.inversion import InverseGradient

    toy = _toy()
    Y = toy.physics(_path(InverseGradient(toy, lr=0.3), (3.0, 3.0), 10))
    ratio = Y[:, 1] / Y[:, 0]  # 3 on the straight segment from (3, 9) to the origin
    assert np.linalg.norm(Y[-1]) < 0.1 * np.linalg.norm(Y[0])
    if np.allclose(ratio, ratio[0], rtol=1e-9):
        return "a"
    return "b" if np.all(np.diff(ratio) > 0) else "c"


def _alpha_dependence():
    from solutions.first_order import GradientDescent
    from solutions.inversion import InverseGradient
    from solutions.landscapes import ScaledQuadratic
    from solutions.second_order import Newton

    builds = {
        "GD": lambda Q: GradientDescent(Q, lr=0.05),
        "Newton": lambda Q: Newton(Q, lr=0.3),
        "IG": lambda Q: InverseGradient(Q, lr=0.1, y_step="gradient"),
    }
    changes = set()
    for name, build in builds.items():
        paths = [_path(build(ScaledQuadratic(alpha)), (2.0, 1.5), 10) for alpha in (0.3, 1.0, 3.0)]
        if any(not np.allclose(p, paths[0], rtol=1e-9, atol=1e-12) for p in paths):
            changes.add(name)
    return {frozenset({"GD"}): "a", frozenset({"GD", "IG"}): "b", frozenset({"GD", "IG", "Newton"}): "c", frozenset(): "d"}[frozenset(changes)]


def _pg_distance():
    from solutions.inversion import PhysicalGradient

    return float(np.linalg.norm(_path(PhysicalGradient(_toy(), lr=0.5), (2.0, -1.5), 10)[-1]))


QUESTIONS = [
    Question(
        name="newton_x1_factor",
        asks="the factor by which one Newton step with lr=0.5 multiplies x1 on SquarePhysics",
        kind="number",
        points=2,
        key=_newton_x1_factor,
        rtol=0.01,
        slips=[
            Slip("scale", 0.9, "that is the factor of a Hessian without the second term of the chain rule (the physics' own curvature weighted by dL/dy): that is Gauss-Newton's Hessian, not the exact one Newton uses"),
            Slip("scale", 0.6, "that is the factor on x0 (where the physics is linear), or the one you get from the physics' curvature term alone: x1's Hessian entry has two terms"),
            Slip("scale", 0.2, "that is the fraction of x1 a step removes, not the factor that multiplies it"),
            Slip("scale", 0.8485281374238571, "that is the exact inverse's factor (PhysicalGradient), not Newton's: Newton's step comes from the gradient and Hessian in x"),
        ],
    ),
    Question(
        name="pg_first_alignment",
        asks="the alignment of PhysicalGradient's first step (lr=0.3) from (2, 1)",
        kind="number",
        points=1,
        key=_pg_alignment,
        rtol=1e-3,
        slips=[
            Slip("scale", -1.0, "check the sign: the alignment dots the step with -(1, 1), so a step toward the origin scores positive"),
            Slip("scale", 0.6218359485683093, "the step must be normalized to unit length before the dot product"),
            Slip("scale", 0.7071067811865475, "that is the cosine with the diagonal: the alignment dots the unit step with -(1, 1) itself, not with a unit vector"),
            Slip("scale", 0.9878781126271544, "that is the inverse-gradient step (the linearized inverse), not the exact preimage of the new y"),
            Slip("scale", 0.9374648601902658, "that is Newton's step in x, not the inverse-simulator step"),
        ],
    ),
    Question(
        name="pg_steps_to_zero",
        asks="the number of PhysicalGradient steps at a full learning rate (analytic inverse) from (3, 3) until the loss is exactly zero",
        kind="integer",
        points=1,
        key=_pg_steps_to_zero,
        slips=[
            Slip("shift", 1, "you counted the start X0 as a step"),
            Slip("shift", -1, "the loss at the start (3, 3) is not 0: count the updates"),
        ],
    ),
    Question(
        name="ig_y_path",
        asks="the shape of InverseGradient's path in y space (lr=0.3, from (3, 3))",
        kind="choice",
        points=2,
        key=_ig_y_path,
        choices="abcd",
        choice_feedback={
            "a": "the straight segment is where y would go if it moved by exactly the chosen dy; IG gets dy only to first order. Look at the remainder of (x1 + dx1)^2",
            "c": "check the sign of the second-order remainder of (x1 + dx1)^2: does it make y1 land above or below the chosen point?",
            "d": "the x iterates of IG shrink toward the origin on this problem, so y = P(x) does too",
        },
    ),
    Question(
        name="alpha_dependence",
        asks="which trajectories on ScaledQuadratic(alpha) change with alpha",
        kind="choice",
        points=2,
        key=_alpha_dependence,
        choices="abcd",
        choice_feedback={
            "b": "where does alpha sit: in L(y) or in the physics P? The gradient step in y is taken on L(y) alone, and then the inverse Jacobian maps it back",
            "c": "Newton's gradient and Hessian both carry the factor of the unit change: see how it cancels in the step",
            "d": "at least one of these methods has a learning rate whose units depend on alpha",
        },
    ),
    Question(
        name="pg_distance",
        asks="the distance to the origin after 10 PhysicalGradient steps (lr=0.5) from (2, -1.5)",
        kind="number",
        points=2,
        key=_pg_distance,
        rtol=1e-3,
        slips=[
            Slip("scale", 1.4154385202141653, "that is the distance after 9 steps: run exactly 10 updates after the start"),
            Slip("scale", 0.7068003426971026, "that is the distance after 11 steps: the start X0 is not a step"),
            Slip("scale", 1.8009514675126261, "that is the inverse-gradient path (the linearized inverse), not the exact preimage"),
        ],
    ),
]
