"""The grader's proof of power: realistic wrong answers, each of which must lose points.

Each variant is the reference solution with one realistic mistake. It must fail the
checks named in ``fails`` (so each check proves it can see the bug), and its messages
must carry a hint. Later lessons add their variants here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from .helpers import grade, variant


@dataclass(frozen=True)
class Bug:
    name: str
    file: str
    edits: tuple  # ((old, new), ...)
    exercise: str
    fails: tuple  # names of checks that must fail
    kinds: tuple = ("wrong", "bad_output")  # how they may fail (a crash is fine where the bug makes one)


L, F, S, Q, I = "landscapes.py", "first_order.py", "second_order.py", "quasi_newton.py", "inversion.py"

CATALOGUE = [
    # ---- Quadratic
    Bug("quadratic grad A x - b for non-symmetric A", L, (("return X @ S.T - self.b", "return X @ self.A.T - self.b"),), "Quadratic", ("Quadratic.grad.gradcheck",)),
    Bug("quadratic grad transposed (X @ S for X @ S.T) and sign of b", L, (("return X @ S.T - self.b", "return X @ self.A + self.b"),), "Quadratic", ("Quadratic.grad.gradcheck",)),
    Bug("quadratic Hessian A not symmetrized", L, (("return np.broadcast_to(S, (X.shape[0], self.d, self.d)).copy()", "return np.broadcast_to(self.A, (X.shape[0], self.d, self.d)).copy()"),), "Quadratic", ("Quadratic.hessian.gradcheck",)),
    Bug("quadratic Hessian (d, d) not batched", L, (("return np.broadcast_to(S, (X.shape[0], self.d, self.d)).copy()", "return S"),), "Quadratic", ("Quadratic.hessian.gradcheck",)),
    # ---- ScaledQuadratic
    Bug("scaled grad alpha not squared", L, (("return 2.0 * X * np.array([1.0, self.alpha**2])", "return 2.0 * X * np.array([1.0, self.alpha])"),), "ScaledQuadratic", ("ScaledQuadratic.grad.gradcheck",)),
    Bug("scaled Hessian drops the factor 2", L, (("H = np.diag([2.0, 2.0 * self.alpha**2])", "H = np.diag([1.0, self.alpha**2])"),), "ScaledQuadratic", ("ScaledQuadratic.hessian.gradcheck",)),
    # ---- SquarePhysics
    Bug("square grad 2 x1^3 for 4 x1^3", L, (("4.0 * X[:, 1] ** 3", "2.0 * X[:, 1] ** 3"),), "SquarePhysics", ("SquarePhysics.grad.gradcheck",)),
    Bug("square Hessian 4 x1^2 for 12 x1^2", L, (("12.0 * X[:, 1] ** 2", "4.0 * X[:, 1] ** 2"),), "SquarePhysics", ("SquarePhysics.hessian.gradcheck",)),
    Bug("square Jacobian misses the 2 of 2 x1", L, (("J[:, 1, 1] = 2.0 * X[:, 1]", "J[:, 1, 1] = X[:, 1]"),), "SquarePhysics", ("SquarePhysics.physics_jacobian.gradcheck",)),
    Bug("square inverse always takes the positive root", L, (("sign = np.where(X02[:, 1] < 0, -1.0, 1.0)", "sign = 1.0"),), "SquarePhysics", ("SquarePhysics.physics_inverse.branch",)),
    Bug("square inverse takes the branch of y, not of x0", L, (("sign = np.where(X02[:, 1] < 0, -1.0, 1.0)", "sign = np.where(Y2[:, 0] < 0, -1.0, 1.0)"),), "SquarePhysics", ("SquarePhysics.physics_inverse.branch",)),
    Bug("square grad_y forgets the 2", L, (('"""Gradients (n, 2) of the loss in ``y`` space: ``dL/dy = 2 y``."""\n        # BEGIN SOLUTION\n        return 2.0 * Y\n', '"""Gradients (n, 2) of the loss in ``y`` space: ``dL/dy = 2 y``."""\n        # BEGIN SOLUTION\n        return Y\n'),), "SquarePhysics", ("SquarePhysics.y_derivatives.gradcheck",)),
    # ---- GaussianWells
    Bug("wells Hessian of the notebook (drops both factors of 2)", L, (("4.0 * weighted / w2**2", "1.0 * weighted / w2**2"), ("diag = np.sum(-2.0 * weighted / w2, axis=1)", "diag = np.sum(-1.0 * weighted / w2, axis=1)")), "GaussianWells", ("GaussianWells.hessian.gradcheck", "GaussianWells.reference")),
    Bug("wells Hessian with the inner product D^T D for the outer D D^T", L, (('outer = np.einsum("npi,npj,np->nij", D, D, 4.0 * weighted / w2**2, optimize=True)', 'outer = np.einsum("npi,npi,np->n", D, D, 4.0 * weighted / w2**2)[:, None, None] * np.eye(self.d)'),), "GaussianWells", ("GaussianWells.hessian.gradcheck",)),
    Bug("wells grad with the wrong sign", L, (("-2.0 * weighted / self.widths**2, D)", "2.0 * weighted / self.widths**2, D)"),), "GaussianWells", ("GaussianWells.grad.gradcheck",)),
    Bug("wells grad divides by w, not w^2", L, (("-2.0 * weighted / self.widths**2, D)", "-2.0 * weighted / self.widths, D)"),), "GaussianWells", ("GaussianWells.grad.gradcheck",)),
    Bug("scaled physics Jacobian with alpha squared", L, (("return np.broadcast_to(np.diag([1.0, self.alpha]), (X.shape[0], 2, 2)).copy()", "return np.broadcast_to(np.diag([1.0, self.alpha**2]), (X.shape[0], 2, 2)).copy()"),), "ScaledQuadratic", ("ScaledQuadratic.physics_jacobian.gradcheck",)),
    # ---- Rosenbrock
    Bug("rosenbrock residual Jacobian with b for sqrt(b)", L, (("J[:, i, i] = -2.0 * np.sqrt(self.b) * X[:, :-1]", "J[:, i, i] = -2.0 * self.b * X[:, :-1]"),), "Rosenbrock", ("Rosenbrock.residual_jacobian.gradcheck",)),
    Bug("rosenbrock residual Jacobian sign of the (a - x) rows", L, (("J[:, d - 1 + i, i] = -1.0", "J[:, d - 1 + i, i] = 1.0"),), "Rosenbrock", ("Rosenbrock.residual_jacobian.gradcheck",)),
    Bug("rosenbrock grad forgets each coordinate's second term", L, (("G[:, 1:] += 2.0 * self.b * r", "G[:, 1:] += 0.0 * r"),), "Rosenbrock", ("Rosenbrock.grad.gradcheck",)),
    Bug("rosenbrock Hessian off-diagonal sign", L, (("H[:, i, i + 1] = -4.0 * self.b * head", "H[:, i, i + 1] = 4.0 * self.b * head"), ("H[:, i + 1, i] = -4.0 * self.b * head", "H[:, i + 1, i] = 4.0 * self.b * head")), "Rosenbrock", ("Rosenbrock.hessian.gradcheck",)),
    Bug("rosenbrock Hessian misses 2b on later diagonal entries", L, (("H[:, i + 1, i + 1] += 2.0 * self.b", "pass"),), "Rosenbrock", ("Rosenbrock.hessian.gradcheck",)),
    Bug("rosenbrock Hessian only upper off-diagonal (not symmetric)", L, (("H[:, i + 1, i] = -4.0 * self.b * head", "pass"),), "Rosenbrock", ("Rosenbrock.hessian.gradcheck",)),
    # ---- GradientDescent
    Bug("gd climbs (+ for -)", F, (("return X - self.lr * self.loss.grad(X)", "return X + self.lr * self.loss.grad(X)"),), "GradientDescent", ("GradientDescent.trajectory.notebook", "GradientDescent.trajectory.reference", "GradientDescent.convergence")),
    Bug("gd stops after 50 steps and claims convergence", F, (("        return X - self.lr * self.loss.grad(X)\n        # END SOLUTION\n", "        return X - self.lr * self.loss.grad(X)\n        # END SOLUTION\n\n    def fit(self, X0):\n        self.max_iter = min(self.max_iter, 50)\n        super().fit(X0)\n        self.converged_ = np.ones_like(self.converged_, dtype=bool)  # the lie\n        return self\n"),), "GradientDescent", ("GradientDescent.convergence",)),
    Bug("gd forgets the learning rate", F, (("return X - self.lr * self.loss.grad(X)", "return X - self.loss.grad(X)"),), "GradientDescent", ("GradientDescent.trajectory.notebook", "GradientDescent.trajectory.reference")),
    Bug("gd normalizes by the whole batch's gradient norm", F, (("return X - self.lr * self.loss.grad(X)", "return X - self.lr * self.loss.grad(X) / np.linalg.norm(self.loss.grad(X))"),), "GradientDescent", ("GradientDescent.contract.batch_independence", "GradientDescent.trajectory.reference")),
    Bug("gd updates the caller's array in place and keeps a reference", F, (("return X - self.lr * self.loss.grad(X)", "self.X_seen = getattr(self, 'X_seen', X)\n        self.X_seen -= self.lr * self.loss.grad(self.X_seen)\n        return self.X_seen"),), "GradientDescent", ("GradientDescent.contract.refit",)),
    # ---- Momentum
    Bug("momentum adds the gradient (climbs)", F, (("self.v_ = self.momentum * self.v_ - self.lr * self.loss.grad(X)", "self.v_ = self.momentum * self.v_ + self.lr * self.loss.grad(X)"),), "Momentum", ("Momentum.trajectory.reference", "Momentum.zero_momentum", "Momentum.convergence")),
    Bug("momentum moves against the velocity", F, (("return X + self.v_", "return X - self.v_"),), "Momentum", ("Momentum.trajectory.reference", "Momentum.zero_momentum")),
    Bug("momentum resets the velocity every step", F, (("self.v_ = self.momentum * self.v_ - self.lr * self.loss.grad(X)", "self.v_ = -self.lr * self.loss.grad(X)"),), "Momentum", ("Momentum.trajectory.reference", "Momentum.convergence")),
    Bug("momentum velocity created lazily, surviving into the next fit", F, (('Start at rest: ``v_ = 0`` with the shape of ``X: (n, d)``."""\n        self.v_ = np.zeros_like(X)', 'Start at rest."""'), ("self.v_ = self.momentum * self.v_ - self.lr", "if not hasattr(self, 'v_'):\n            self.v_ = np.zeros_like(X)\n        self.v_ = self.momentum * self.v_ - self.lr")), "Momentum", ("Momentum.contract.refit",)),
    Bug("momentum scales the velocity by lr twice", F, (("return X + self.v_", "return X + self.lr * self.v_"),), "Momentum", ("Momentum.trajectory.reference", "Momentum.zero_momentum")),
    # ---- Langevin
    Bug("langevin noise not multiplied by lr", F, (("return X - self.lr * (self.loss.grad(X) + self.noise * xi)", "return X - self.lr * self.loss.grad(X) + self.noise * xi"),), "Langevin", ("Langevin.temperature", "Langevin.trajectory.reference")),
    Bug("langevin noise from the global NumPy random state", F, (("\n        xi = self.rng_.standard_normal(X.shape)", "\n        xi = np.random.standard_normal(X.shape)"),), "Langevin", ("Langevin.reproducible", "Langevin.trajectory.reference", "Langevin.contract.refit")),
    Bug("langevin seeds the global state once per fit", F, (("\n        xi = self.rng_.standard_normal(X.shape)", "\n        if not getattr(self, '_seeded', False):\n            np.random.seed(self.random_state)\n            self._seeded = True\n        xi = np.random.standard_normal(X.shape)"),), "Langevin", ("Langevin.trajectory.reference",)),
    Bug("langevin draws one noise vector and reuses it", F, (("\n        xi = self.rng_.standard_normal(X.shape)", "\n        xi = getattr(self, '_xi', None)\n        if xi is None:\n            xi = self._xi = self.rng_.standard_normal(X.shape)"),), "Langevin", ("Langevin.trajectory.reference", "Langevin.temperature")),
    Bug("langevin noise scaled by sqrt(lr)", F, (("return X - self.lr * (self.loss.grad(X) + self.noise * xi)", "return X - self.lr * self.loss.grad(X) - np.sqrt(self.lr) * self.noise * xi"),), "Langevin", ("Langevin.temperature",)),
    # ---- AdaGrad
    Bug("adagrad sums g instead of g squared", F, (("self.G_ = self.G_ + g**2", "self.G_ = self.G_ + np.abs(g)"),), "AdaGrad", ("AdaGrad.trajectory.reference", "AdaGrad.loss_scale_invariance")),
    Bug("adagrad replaces the sum (no memory)", F, (("self.G_ = self.G_ + g**2", "self.G_ = g**2"),), "AdaGrad", ("AdaGrad.trajectory.reference", "AdaGrad.convergence")),
    Bug("adagrad eps inside the square root", F, (("return X - self.lr * g / (np.sqrt(self.G_) + self.eps)", "return X - self.lr * g / np.sqrt(self.G_ + self.eps)"),), "AdaGrad", ("AdaGrad.trajectory.reference",)),
    Bug("adagrad divides by the accumulated norm, not per coordinate", F, (("return X - self.lr * g / (np.sqrt(self.G_) + self.eps)", "return X - self.lr * g / (np.sqrt(self.G_.sum(axis=1, keepdims=True)) + self.eps)"),), "AdaGrad", ("AdaGrad.trajectory.reference", "AdaGrad.per_coordinate")),
    # ---- RMSprop
    Bug("rmsprop forgets (1 - decay)", F, (("self.v_ = self.decay * self.v_ + (1.0 - self.decay) * g**2", "self.v_ = self.decay * self.v_ + g**2"),), "RMSprop", ("RMSprop.trajectory.reference",)),
    Bug("rmsprop swaps decay and 1 - decay", F, (("self.v_ = self.decay * self.v_ + (1.0 - self.decay) * g**2", "self.v_ = (1.0 - self.decay) * self.v_ + self.decay * g**2"),), "RMSprop", ("RMSprop.trajectory.reference",)),
    Bug("rmsprop eps inside the square root", F, (("return X - self.lr * g / (np.sqrt(self.v_) + self.eps)", "return X - self.lr * g / np.sqrt(self.v_ + self.eps)"),), "RMSprop", ("RMSprop.trajectory.reference",)),
    # ---- Adam
    Bug("adam without bias correction", F, (("m_hat = self.m_ / (1.0 - self.beta1**self.t_)", "m_hat = self.m_"), ("v_hat = self.v_ / (1.0 - self.beta2**self.t_)", "v_hat = self.v_")), "Adam", ("Adam.first_step", "Adam.trajectory.reference")),
    Bug("adam corrects with the step count from 0 (t incremented after)", F, (("        self.t_ += 1\n", ""), ("return X - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)", "self.t_ += 1\n        return X - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)")), "Adam", ("Adam.first_step", "Adam.trajectory.reference")),
    Bug("adam step count not reset between fits", F, (("self.t_ = 0\n", "self.t_ = getattr(self, 't_', 0)\n"),), "Adam", ("Adam.contract.refit",)),
    Bug("adam eps inside the square root", F, (("return X - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)", "return X - self.lr * m_hat / np.sqrt(v_hat + self.eps)"),), "Adam", ("Adam.trajectory.reference",)),
    Bug("adam swaps beta1 and beta2", F, (("self.m_ = self.beta1 * self.m_ + (1.0 - self.beta1) * g", "self.m_ = self.beta2 * self.m_ + (1.0 - self.beta2) * g"), ("self.v_ = self.beta2 * self.v_ + (1.0 - self.beta2) * g**2", "self.v_ = self.beta1 * self.v_ + (1.0 - self.beta1) * g**2")), "Adam", ("Adam.trajectory.reference",)),
    # ---- Newton
    Bug("newton without regularization", S, (("mu = np.where(lam[:, 0] > 0, 0.0, damping * scale - lam[:, 0])", "mu = np.zeros(len(lam))"),), "Newton", ("Newton.trajectory.reference",)),
    Bug("newton steps uphill (sign of p)", S, (("        return -np.linalg.solve(shifted, g[..., None])[..., 0]", "        return np.linalg.solve(shifted, g[..., None])[..., 0]"),), "Newton", ("Newton.trajectory.notebook", "Newton.one_step")),
    Bug("newton regularizes with an absolute constant", S, (("mu = np.where(lam[:, 0] > 0, 0.0, damping * scale - lam[:, 0])", "mu = np.where(lam[:, 0] > 0, 0.0, damping - lam[:, 0])"),), "Newton", ("Newton.loss_scale_invariance", "Newton.trajectory.reference")),
    Bug("newton damps even positive definite Hessians", S, (("mu = np.where(lam[:, 0] > 0, 0.0, damping * scale - lam[:, 0])", "mu = np.where(lam[:, 0] > 0, damping * scale, damping * scale - lam[:, 0])"),), "Newton", ("Newton.one_step", "Newton.trajectory.notebook", "Newton.affine_invariance")),
    # ---- ConditionScaledGD
    Bug("condition scaling multiplies by kappa (the notebook's code)", S, (("return X - (self.lr / (kappa + self.eps))[:, None] * self.loss.grad(X)", "return X - (self.lr * (kappa + self.eps))[:, None] * self.loss.grad(X)"),), "ConditionScaledGD", ("ConditionScaledGD.trajectory.reference", "ConditionScaledGD.isotropic")),
    Bug("condition number from signed eigenvalues", S, (("lam = np.abs(np.linalg.eigvalsh(self.loss.hessian(X)))", "lam = np.linalg.eigvalsh(self.loss.hessian(X))"),), "ConditionScaledGD", ("ConditionScaledGD.trajectory.reference",)),
    # ---- GaussNewton
    Bug("gauss-newton keeps only the diagonal of J^T J", S, (('JTJ = np.einsum("nmi,nmj->nij", J, J)', 'JTJ = np.einsum("nmi,nmj->nij", J, J) * np.eye(J.shape[-1])'),), "GaussNewton", ("GaussNewton.one_step", "GaussNewton.trajectory.reference")),
    Bug("gauss-newton steps uphill", S, (("return -np.linalg.solve(JTJ + mu[:, None, None] * np.eye(d), JTr[..., None])[..., 0]", "return np.linalg.solve(JTJ + mu[:, None, None] * np.eye(d), JTr[..., None])[..., 0]"),), "GaussNewton", ("GaussNewton.one_step", "GaussNewton.convergence")),
    Bug("gauss-newton with the factor 2 of the gradient on one side only", S, (('JTr = np.einsum("nmi,nm->ni", J, r)', 'JTr = 2.0 * np.einsum("nmi,nm->ni", J, r)'),), "GaussNewton", ("GaussNewton.one_step", "GaussNewton.trajectory.reference")),
    # ---- Broyden
    Bug("broyden outer product transposed", Q, (('update = np.einsum("ni,nj->nij", s - Hy, sH) / safe[:, None, None]', 'update = np.einsum("ni,nj->nij", sH, s - Hy) / safe[:, None, None]'),), "Broyden", ("Broyden.secant",)),
    Bug("broyden divides by s.y instead of s^T H y", Q, (('denom = np.einsum("ni,ni->n", s, Hy)', 'denom = np.einsum("ni,ni->n", s, y)'),), "Broyden", ("Broyden.secant",)),
    # ---- BFGS
    Bug("bfgs with y s^T where s y^T belongs", Q, (('V = np.eye(d) - rho[:, None, None] * np.einsum("ni,nj->nij", s, y)', 'V = np.eye(d) - rho[:, None, None] * np.einsum("ni,nj->nij", y, s)'),), "BFGS", ("BFGS.secant_spd", "BFGS.trajectory.reference")),
    Bug("bfgs never skips a pair", Q, (("        ok = curvature_ok(s, y)\n        rho = np.where(ok, 1.0 / np.where(ok, np.einsum(\"ni,ni->n\", y, s), 1.0), 0.0)", "        ok = np.ones(len(s), dtype=bool)\n        rho = np.where(ok, 1.0 / np.where(ok, np.einsum(\"ni,ni->n\", y, s), 1.0), 0.0)"),), "BFGS", ("BFGS.skips_negative_curvature",)),
    Bug("bfgs adds y y^T (the Hessian update's term) for s s^T", Q, (('updated = V @ H @ np.swapaxes(V, 1, 2) + rho[:, None, None] * np.einsum("ni,nj->nij", s, s)', 'updated = V @ H @ np.swapaxes(V, 1, 2) + rho[:, None, None] * np.einsum("ni,nj->nij", y, y)'),), "BFGS", ("BFGS.secant_spd", "BFGS.trajectory.reference")),
    # ---- LBFGS
    Bug("lbfgs loops run in the wrong directions", Q, (("        for i in reversed(range(len(S))):\n            alpha[i]", "        for i in range(len(S)):\n            alpha[i]"), ("        r = gamma[:, None] * q\n        for i in range(len(S)):", "        r = gamma[:, None] * q\n        for i in reversed(range(len(S))):")), "LBFGS", ("LBFGS.two_loop", "LBFGS.equals_bfgs")),
    Bug("lbfgs applies gamma after the second loop", Q, (("        r = gamma[:, None] * q\n", "        r = q.copy()\n"), ("            r += (alpha[i] - beta)[:, None] * S[i]\n        return r", "            r += (alpha[i] - beta)[:, None] * S[i]\n        return gamma[:, None] * r")), "LBFGS", ("LBFGS.two_loop",)),
    Bug("lbfgs first loop uses y where s belongs", Q, (('alpha[i] = rho[i] * np.einsum("nd,nd->n", S[i], q)', 'alpha[i] = rho[i] * np.einsum("nd,nd->n", Y[i], q)'),), "LBFGS", ("LBFGS.two_loop", "LBFGS.equals_bfgs")),
    # ---- InverseGradient
    Bug("inverse gradient takes a gradient step in y", I, (("            dY = newton_step_in_y(self.loss, Y, self.lr)", "            dY = -self.lr * self.loss.grad_y(Y)"),), "InverseGradient", ("InverseGradient.trajectory.reference", "InverseGradient.y_step")),
    Bug("inverse gradient multiplies by J instead of solving", I, (("dX = np.linalg.solve(self.loss.physics_jacobian(X), dY[..., None])[..., 0]", 'dX = np.einsum("nij,nj->ni", self.loss.physics_jacobian(X), dY)'),), "InverseGradient", ("InverseGradient.scale_invariance", "InverseGradient.trajectory.reference")),
    # ---- PhysicalGradient
    Bug("physical gradient inverts the step dy, not y + dy", I, (("return self.local_inverse(Y + newton_step_in_y(self.loss, Y, self.lr), X)", "return X + self.local_inverse(newton_step_in_y(self.loss, Y, self.lr), X)"),), "PhysicalGradient", ("PhysicalGradient.trajectory.notebook", "PhysicalGradient.trajectory.reference"), ("wrong", "bad_output", "error")),
    Bug("physical gradient takes a gradient step in y", I, (("return self.local_inverse(Y + newton_step_in_y(self.loss, Y, self.lr), X)", "return self.local_inverse(Y - self.lr * self.loss.grad_y(Y), X)"),), "PhysicalGradient", ("PhysicalGradient.trajectory.notebook", "PhysicalGradient.straight_in_y"), ("wrong", "bad_output", "error")),
    Bug("physical gradient loses the branch (no guide)", I, (("return self.local_inverse(Y + newton_step_in_y(self.loss, Y, self.lr), X)", "return self.local_inverse(Y + newton_step_in_y(self.loss, Y, self.lr), np.ones_like(X))"),), "PhysicalGradient", ("PhysicalGradient.trajectory.reference",)),
    Bug("adam corrects only the first moment", F, (("v_hat = self.v_ / (1.0 - self.beta2**self.t_)", "v_hat = self.v_"),), "Adam", ("Adam.first_step", "Adam.trajectory.reference")),
]


def test_every_exercise_has_two_variants():
    from grader.registry import exercises

    counts = {e: sum(b.exercise == e for b in CATALOGUE) for e in exercises()}
    assert all(n >= 2 for n in counts.values()), counts


@pytest.mark.parametrize("bug", CATALOGUE, ids=lambda b: b.name)
def test_variant_loses_points(bug, tmp_path):
    folder = variant(tmp_path, {bug.file: list(bug.edits)})
    results = grade(folder, pattern=bug.exercise + ".")
    earned = sum(r.score for r in results.values())
    possible = sum(r.max_score for r in results.values())
    assert earned < possible, f"{bug.name}: full marks ({earned}/{possible}) for a wrong answer"
    for name in bug.fails:
        result = results[name]
        assert result.status == "failed", f"{bug.name}: {name} should fail but passed"
        assert result.kind in bug.kinds, f"{bug.name}: {name} failed as {result.kind}: {result.output}"
        if result.visibility == "visible":
            assert "expected" in result.output.lower() or "Hint" in result.output or "While checking" in result.output, result.output


def test_a_bug_costs_only_its_own_exercise(tmp_path):
    """The notebook's Hessian loses GaussianWells points and nothing else."""
    bug = next(b for b in CATALOGUE if b.name.startswith("wells Hessian of the notebook"))
    results = grade(variant(tmp_path, {bug.file: list(bug.edits)}))
    lost = {r.exercise for r in results.values() if r.status == "failed"}
    assert lost == {"GaussianWells"}, {r.name: r.output for r in results.values() if r.status == "failed"}
    message = results["GaussianWells.hessian.gradcheck"].output
    assert "relative error" in message and "factors of 2" in message
