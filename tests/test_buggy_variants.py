"""The grader's proof of power: realistic wrong answers, each of which must lose points.

Each variant is the reference solution with one realistic mistake. It must fail the
checks named in ``fails`` (so each check proves it can see the bug), and its messages
must carry a hint. Later lessons add their variants here.

The messages are measured too: each bug records ``words`` that name its slip (the message of
at least one failing check of its exercise must contain them) and ``not_words``, phrases of a
diagnosis that would point elsewhere (no failing message may contain them, before its hint).
``test_messages_name_the_slip`` computes the share named over the whole catalogue.
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
    words: tuple = ()  # what the message of at least one failing check in ``fails`` must say (case-insensitive): the slip, named
    not_words: tuple = ()  # what no failing message may say before its hint (case-insensitive): a diagnosis that points elsewhere
    gap: str = ""  # why the messages cannot name this slip, when they do not (counted against the 90%)


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
    Bug("square grad_y forgets the 2", L, (('"""Gradients (n, 2) of the loss in ``y`` space: ``dL/dy`` at each row ``y`` of ``Y``."""\n        # BEGIN SOLUTION\n        return 2.0 * Y\n', '"""Gradients (n, 2) of the loss in ``y`` space: ``dL/dy`` at each row ``y`` of ``Y``."""\n        # BEGIN SOLUTION\n        return Y\n'),), "SquarePhysics", ("SquarePhysics.y_derivatives.gradcheck",)),
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
    Bug("adam without bias correction", F, (("m_hat = self.m_ / (1.0 - self.beta1**self.t_)", "m_hat = self.m_"), ("v_hat = self.v_ / (1.0 - self.beta2**self.t_)", "v_hat = self.v_")), "Adam", ("Adam.first_step", "Adam.trajectory.reference", "Adam.hyperparameters")),
    Bug("adam corrects with the step count from 0 (t incremented after)", F, (("        self.t_ += 1\n", ""), ("return X - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)", "self.t_ += 1\n        return X - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)")), "Adam", ("Adam.first_step", "Adam.trajectory.reference")),
    Bug("adam step count not reset between fits", F, (("self.t_ = 0\n", "self.t_ = getattr(self, 't_', 0)\n"),), "Adam", ("Adam.contract.refit",)),
    Bug("adam eps inside the square root", F, (("return X - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)", "return X - self.lr * m_hat / np.sqrt(v_hat + self.eps)"),), "Adam", ("Adam.trajectory.reference",)),
    Bug("adam swaps beta1 and beta2", F, (("self.m_ = self.beta1 * self.m_ + (1.0 - self.beta1) * g", "self.m_ = self.beta2 * self.m_ + (1.0 - self.beta2) * g"), ("self.v_ = self.beta2 * self.v_ + (1.0 - self.beta2) * g**2", "self.v_ = self.beta1 * self.v_ + (1.0 - self.beta1) * g**2")), "Adam", ("Adam.trajectory.reference",)),
    # ---- backtracking (Armijo)
    Bug("backtracking shrinks before its first test", S, (("        f = np.asarray(loss(X[rows] + t[rows, None] * P[rows]), dtype=np.float64)\n        ok", "        t[rows] *= shrink\n        f = np.asarray(loss(X[rows] + t[rows, None] * P[rows]), dtype=np.float64)\n        ok"), ("        t[rows[~ok]] *= shrink\n", "")), "backtracking", ("backtracking.armijo.first_success",), words=("shrink too small",)),
    Bug("backtracking with the sign of the decrease term flipped", S, (("ok = f <= f0[rows] + c1 * t[rows] * slope[rows]", "ok = f <= f0[rows] - c1 * t[rows] * slope[rows]"),), "backtracking", ("backtracking.armijo.constants",), words=("do not satisfy",)),
    Bug("backtracking with c1 fixed at 1e-4", S, (("ok = f <= f0[rows] + c1 * t[rows] * slope[rows]", "ok = f <= f0[rows] + 1e-4 * t[rows] * slope[rows]"),), "backtracking", ("backtracking.armijo.constants",)),
    Bug("backtracking keeps t0 for ascent directions", S, (("    t[~searching] = 0.0\n", ""),), "backtracking", ("backtracking.armijo.first_success",), words=("slope >= 0",)),
    Bug("backtracking stops every row at the first row's success", S, (("        searching[rows[ok]] = False\n", "        if ok.any():\n            searching[:] = False\n"),), "backtracking", ("backtracking.armijo.first_success",)),
    Bug("backtracking returns its last trial when it gives up", S, (("    t[searching] = 0.0\n    return t\n", "    return t\n"),), "backtracking", ("backtracking.armijo.gives_up",)),
    Bug("backtracking halves whatever shrink says", S, (("        t[rows[~ok]] *= shrink", "        t[rows[~ok]] *= 0.5"),), "backtracking", ("backtracking.armijo.constants",)),
    Bug("newton ignores line_search", S, (("        if not self.line_search:\n            return X + self.lr * p\n", "        return X + self.lr * p\n"),), "Newton", ("Newton.trajectory.line_search",), words=("is line_search used",)),
    # ---- Newton
    Bug("newton without regularization", S, (("mu = np.where(lam[:, 0] > 0, 0.0, damping * scale - lam[:, 0])", "mu = np.zeros(len(lam))"),), "Newton", ("Newton.trajectory.reference",)),
    Bug("newton steps uphill (sign of p)", S, (("        return -np.linalg.solve(shifted, g[..., None])[..., 0]", "        return np.linalg.solve(shifted, g[..., None])[..., 0]"),), "Newton", ("Newton.trajectory.notebook", "Newton.one_step")),
    Bug("newton regularizes with an absolute constant", S, (("mu = np.where(lam[:, 0] > 0, 0.0, damping * scale - lam[:, 0])", "mu = np.where(lam[:, 0] > 0, 0.0, damping - lam[:, 0])"),), "Newton", ("Newton.loss_scale_invariance", "Newton.trajectory.reference", "Newton.direction.edge_cases")),
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
    Bug("adam corrects only the first moment", F, (("v_hat = self.v_ / (1.0 - self.beta2**self.t_)", "v_hat = self.v_"),), "Adam", ("Adam.first_step", "Adam.trajectory.reference", "Adam.hyperparameters")),
]

# ---- added with the trust work: hyperparameters, special cases, J vs J^T, option paths
NEW = [
    Bug("rosenbrock grad hard-codes b = 100", L, (("G[:, :-1] += -4.0 * self.b * head * r - 2.0 * (self.a - head)\n        G[:, 1:] += 2.0 * self.b * r", "G[:, :-1] += -4.0 * 100.0 * head * r - 2.0 * (self.a - head)\n        G[:, 1:] += 2.0 * 100.0 * r"),), "Rosenbrock", ("Rosenbrock.grad.gradcheck",), words=("gradient check FAILED",)),
    Bug("rosenbrock grad hard-codes a = 1", L, (("- 2.0 * (self.a - head)\n        G[:, 1:]", "- 2.0 * (1.0 - head)\n        G[:, 1:]"),), "Rosenbrock", ("Rosenbrock.grad.gradcheck",), words=("gradient check FAILED",)),
    Bug("rosenbrock Hessian hard-codes b = 100", L, (("H[:, i + 1, i + 1] += 2.0 * self.b", "H[:, i + 1, i + 1] += 200.0"),), "Rosenbrock", ("Rosenbrock.hessian.gradcheck",), words=("Hessian check FAILED",)),
    Bug("rosenbrock residual Jacobian hard-codes sqrt(b) = 10", L, (("J[:, i, i + 1] = np.sqrt(self.b)", "J[:, i, i + 1] = 10.0"),), "Rosenbrock", ("Rosenbrock.residual_jacobian.gradcheck",), words=("Jacobian check FAILED",)),
    Bug("square inverse uses np.sign (0 at a tie)", L, (("sign = np.where(X02[:, 1] < 0, -1.0, 1.0)", "sign = np.sign(X02[:, 1])"),), "SquarePhysics", ("SquarePhysics.physics_inverse.tie",), words=("np.sign(0.0) is 0",)),
    # ---- the spec gaps of issue 19, each decided in a docstring and checked by a check of its own
    Bug("square inverse with np.copysign (-0.0 takes the negative root)", L, (("sign = np.where(X02[:, 1] < 0, -1.0, 1.0)", "sign = np.copysign(1.0, X02[:, 1])"),), "SquarePhysics", ("SquarePhysics.physics_inverse.tie",), words=("copysign",)),
    Bug("newton lifts H = 0 by the smallest float (a step of inf)", S, (("        flat = scale == 0  # H = 0: no curvature, no step (any shift keeps that row's solve defined)\n        mu, g = np.where(flat, 1.0, mu), np.where(flat[:, None], 0.0, g)\n", "        mu = np.where(scale > 0, mu, damping * np.finfo(np.float64).tiny)\n"),), "Newton", ("Newton.direction.flat_hessian",), ("wrong", "bad_output", "error"), words=("h = 0",)),
    Bug("newton accepts any positive damping (1e-300: H + mu I exactly singular)", S, (('self._check_range("damping", 1e-12)', 'self._check_range("damping", 1e-300)'),), "Newton", ("Newton.damping_range",), words=("valueerror",)),
    Bug("broyden threshold measured with the norms of H^T s and y", Q, (("usable = np.abs(denom) > 1e-12 * np.linalg.norm(s, axis=1) * np.linalg.norm(Hy, axis=1)", "usable = np.abs(denom) > 1e-12 * np.linalg.norm(sH, axis=1) * np.linalg.norm(y, axis=1)"),), "Broyden", ("Broyden.threshold",), words=("norms of s and of h y",)),
    Bug("broyden threshold absolute (no norms)", Q, (("usable = np.abs(denom) > 1e-12 * np.linalg.norm(s, axis=1) * np.linalg.norm(Hy, axis=1)", "usable = np.abs(denom) > 1e-12"),), "Broyden", ("Broyden.threshold",), words=("relative to those norms",)),
    Bug("backtracking's Armijo test strict (< for <=)", S, (("ok = f <= f0[rows] + c1 * t[rows] * slope[rows]", "ok = f < f0[rows] + c1 * t[rows] * slope[rows]"),), "backtracking", ("backtracking.armijo.boundary",), words=("exactly equal",)),
    Bug("backtracking keeps t0's integer type (t *= shrink fails)", S, (("t = np.broadcast_to(np.asarray(t0, dtype=np.float64), f0.shape).copy()", "t = np.broadcast_to(t0, f0.shape).copy()"),), "backtracking", ("backtracking.armijo.boundary",), ("wrong", "bad_output", "error")),
    Bug("quadratic grad ignores b", L, (("return X @ S.T - self.b", "return X @ S.T"),), "Quadratic", ("Quadratic.grad.gradcheck",), words=("gradient check FAILED",)),
    Bug("wells grad uses the widths unsquared in the exponent's derivative and the sign", L, (("-2.0 * weighted / self.widths**2, D)", "2.0 * weighted / self.widths**2, D)"),), "GaussianWells", ("GaussianWells.grad.gradcheck",), words=("the sign is wrong",)),
    Bug("square grad_y sign", L, (('"""Gradients (n, 2) of the loss in ``y`` space: ``dL/dy`` at each row ``y`` of ``Y``."""\n        # BEGIN SOLUTION\n        return 2.0 * Y\n', '"""Gradients (n, 2) of the loss in ``y`` space: ``dL/dy`` at each row ``y`` of ``Y``."""\n        # BEGIN SOLUTION\n        return -2.0 * Y\n'),), "SquarePhysics", ("SquarePhysics.y_derivatives.gradcheck",), words=("the sign is wrong",)),
    Bug("momentum hard-codes momentum = 0.9", F, (("self.v_ = self.momentum * self.v_ - self.lr * self.loss.grad(X)", "self.v_ = 0.9 * self.v_ - self.lr * self.loss.grad(X)"),), "Momentum", ("Momentum.hyperparameters", "Momentum.zero_momentum"), words=("is momentum used",)),
    Bug("langevin ignores the noise scale", F, (("return X - self.lr * (self.loss.grad(X) + self.noise * xi)", "return X - self.lr * (self.loss.grad(X) + 0.3 * xi)"),), "Langevin", ("Langevin.hyperparameters", "Langevin.zero_noise"), words=("is noise used",)),
    Bug("adagrad hard-codes eps = 1e-10", F, (("return X - self.lr * g / (np.sqrt(self.G_) + self.eps)", "return X - self.lr * g / (np.sqrt(self.G_) + 1e-10)"),), "AdaGrad", ("AdaGrad.hyperparameters", "AdaGrad.trajectory.reference"), words=("is eps used",)),
    Bug("rmsprop hard-codes decay = 0.99", F, (("self.v_ = self.decay * self.v_ + (1.0 - self.decay) * g**2", "self.v_ = 0.99 * self.v_ + 0.01 * g**2"),), "RMSprop", ("RMSprop.hyperparameters", "RMSprop.trajectory.reference"), words=("is decay used",)),
    Bug("rmsprop hard-codes eps = 1e-8", F, (("return X - self.lr * g / (np.sqrt(self.v_) + self.eps)", "return X - self.lr * g / (np.sqrt(self.v_) + 1e-8)"),), "RMSprop", ("RMSprop.hyperparameters",), words=("is eps used",)),
    Bug("adam hard-codes beta2 = 0.999", F, (("self.v_ = self.beta2 * self.v_ + (1.0 - self.beta2) * g**2", "self.v_ = 0.999 * self.v_ + 0.001 * g**2"), ("v_hat = self.v_ / (1.0 - self.beta2**self.t_)", "v_hat = self.v_ / (1.0 - 0.999**self.t_)")), "Adam", ("Adam.hyperparameters",), words=("is beta2 used",)),
    Bug("adam hard-codes beta1 = 0.9", F, (("self.m_ = self.beta1 * self.m_ + (1.0 - self.beta1) * g", "self.m_ = 0.9 * self.m_ + 0.1 * g"), ("m_hat = self.m_ / (1.0 - self.beta1**self.t_)", "m_hat = self.m_ / (1.0 - 0.9**self.t_)")), "Adam", ("Adam.hyperparameters",), words=("is beta1 used",)),
    Bug("adam hard-codes eps = 1e-8", F, (("return X - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)", "return X - self.lr * m_hat / (np.sqrt(v_hat) + 1e-8)"),), "Adam", ("Adam.hyperparameters",), words=("is eps used",)),
    Bug("newton regularizes only a strictly negative smallest eigenvalue (>= for >)", S, (("mu = np.where(lam[:, 0] > 0, 0.0, damping * scale - lam[:, 0])", "mu = np.where(lam[:, 0] >= 0, 0.0, damping * scale - lam[:, 0])"),), "Newton", ("Newton.direction.edge_cases",), ("wrong", "bad_output", "error"), words=("singular",)),
    Bug("newton hard-codes damping = 0.01", S, (("mu = np.where(lam[:, 0] > 0, 0.0, damping * scale - lam[:, 0])", "mu = np.where(lam[:, 0] > 0, 0.0, 0.01 * scale - lam[:, 0])"),), "Newton", ("Newton.direction.edge_cases", "Newton.hyperparameters"), words=("damping=0.3", "is damping used")),
    Bug("newton solves with the smallest eigenvalue lifted to damping, not damping * scale, on the wells", S, (("mu = np.where(lam[:, 0] > 0, 0.0, damping * scale - lam[:, 0])", "mu = np.where(lam[:, 0] > 0, 0.0, damping * np.sqrt(scale) - lam[:, 0])"),), "Newton", ("Newton.direction.edge_cases", "Newton.loss_scale_invariance"), words=("indefinite",)),
    Bug("condition scaling divides by zero for a zero Hessian (no guard)", S, (("kappa = np.where(smallest > 0, kappa, np.inf)  # singular (even zero) H: no step", "kappa = np.max(lam, axis=1) / smallest"),), "ConditionScaledGD", ("ConditionScaledGD.singular_hessian",), words=("A = 0",)),
    Bug("condition scaling hard-codes eps = 1e-12", S, (("return X - (self.lr / (kappa + self.eps))[:, None] * self.loss.grad(X)", "return X - (self.lr / (kappa + 1e-12))[:, None] * self.loss.grad(X)"),), "ConditionScaledGD", ("ConditionScaledGD.hyperparameters", "ConditionScaledGD.isotropic"), words=("is eps used",)),
    Bug("gauss-newton ignores the damping (mu = 0)", S, (("mu = damping * np.trace(JTJ, axis1=1, axis2=2) / d", "mu = 0.0 * np.trace(JTJ, axis1=1, axis2=2)"),), "GaussNewton", ("GaussNewton.direction.damping",), ("wrong", "bad_output", "error"), words=("singular matrix",)),
    Bug("gauss-newton damping absolute (mu = damping)", S, (("mu = damping * np.trace(JTJ, axis1=1, axis2=2) / d", "mu = damping * np.ones(len(J))"),), "GaussNewton", ("GaussNewton.direction.damping",), words=("damping=0.5",)),
    Bug("broyden ignores the degenerate-pair guard", Q, (("return H + np.where(usable[:, None, None], update, 0.0)", "return H + update"),), "Broyden", ("Broyden.degenerate_pairs",), ("wrong", "bad_output", "error"), words=("denominator is zero",)),
    Bug("bfgs skips only strictly negative curvature (y.s = 0 used)", Q, (("        ok = curvature_ok(s, y)\n        rho = np.where(ok, 1.0 / np.where(ok, np.einsum(\"ni,ni->n\", y, s), 1.0), 0.0)", "        ok = np.einsum(\"ni,ni->n\", y, s) >= 0\n        rho = np.where(ok, 1.0 / np.where(ok, np.einsum(\"ni,ni->n\", y, s), 1.0), 0.0)"),), "BFGS", ("BFGS.skips_negative_curvature",), ("wrong", "bad_output", "error"), words=("y.s <= 0",)),
    Bug("lbfgs recomputes rho from s and y (0/0 on no-op pairs)", Q, (('alpha[i] = rho[i] * np.einsum("nd,nd->n", S[i], q)', 'alpha[i] = np.einsum("nd,nd->n", S[i], q) / np.einsum("nd,nd->n", S[i], Y[i])'), ('beta = rho[i] * np.einsum("nd,nd->n", Y[i], r)', 'beta = np.einsum("nd,nd->n", Y[i], r) / np.einsum("nd,nd->n", S[i], Y[i])')), "LBFGS", ("LBFGS.two_loop.noop_pairs",), ("wrong", "bad_output", "error"), words=("division by zero",)),
    Bug("lbfgs ignores gamma (r = q)", Q, (("        r = gamma[:, None] * q\n", "        r = q.copy()\n"),), "LBFGS", ("LBFGS.two_loop", "LBFGS.hyperparameters"), words=("gamma = 0.3",)),
    Bug("inverse gradient solves with J^T", I, (("dX = np.linalg.solve(self.loss.physics_jacobian(X), dY[..., None])[..., 0]", "dX = np.linalg.solve(np.swapaxes(self.loss.physics_jacobian(X), 1, 2), dY[..., None])[..., 0]"),), "InverseGradient", ("InverseGradient.trajectory.linear_physics",), words=("j^t in place of j",)),
    Bug("inverse gradient ignores y_step (always Newton in y)", I, (('        if self.y_step == "newton":\n            dY = newton_step_in_y(self.loss, Y, self.lr)', '        if True:\n            dY = newton_step_in_y(self.loss, Y, self.lr)'),), "InverseGradient", ("InverseGradient.hyperparameters", "InverseGradient.trajectory.reference"), words=("is y_step used",)),
    Bug("physical gradient calls physics_inverse itself (ignores inverse='newton')", I, (("return self.local_inverse(Y + newton_step_in_y(self.loss, Y, self.lr), X)", "return self.loss.physics_inverse(Y + newton_step_in_y(self.loss, Y, self.lr), X)"),), "PhysicalGradient", ("PhysicalGradient.numerical_inverse",), ("wrong", "bad_output", "error"), words=("physics_inverse",)),
]
CATALOGUE += NEW

#: words that name the slip (or the few usual slips the hint lists, the one at hand among them), for
#: the variants written before the messages said what differs, and where a bug's own words named too little
WORDS = {
    "quadratic grad A x - b for non-symmetric A": ("the grader's A is not symmetric",),
    "quadratic grad transposed (X @ S for X @ S.T) and sign of b": ("which of X @ M and X @ M.T",),
    "quadratic grad ignores b": ("the linear term's b",),
    "quadratic Hessian A not symmetrized": ("[0, 1], [1, 0]", "must be symmetric even when a is not"),
    "quadratic Hessian (d, d) not batched": ("returned shape (1, 1)", "expected (1, 1, 1)"),
    "scaled grad alpha not squared": ("only some entries are wrong (1 of 2 per point: [1])",),
    "scaled Hessian drops the factor 2": ("half the right values",),
    "square grad 2 x1^3 for 4 x1^3": ("only some entries are wrong (1 of 2 per point: [1])",),
    "square Hessian 4 x1^2 for 12 x1^2": ("only some entries are wrong (1 of 4 per point: [1, 1])",),
    "square Jacobian misses the 2 of 2 x1": ("only some entries are wrong (1 of 4 per point: [1, 1])",),
    "square inverse always takes the positive root": ("expected [1.0, -1.0]",),
    "square inverse takes the branch of y, not of x0": ("physics_inverse(y=",),
    "square grad_y forgets the 2": ("half the right values",),
    "wells grad with the wrong sign": ("the sign is wrong",),
    "wells grad divides by w, not w^2": ("the power of w_p in the denominator",),
    "wells Hessian of the notebook (drops both factors of 2)": ("which the notebook's Hessian did not",),
    "wells Hessian with the inner product D^T D for the outer D D^T": ("an outer product, (d, d) per point, not the inner product",),
    "scaled physics Jacobian with alpha squared": ("only some entries are wrong (1 of 4 per point: [1, 1])",),
    "rosenbrock residual Jacobian with b for sqrt(b)": ("only some entries are wrong",),
    "rosenbrock residual Jacobian sign of the (a - x) rows": ("only some entries are wrong",),
    "rosenbrock residual Jacobian hard-codes sqrt(b) = 10": ("not 1 and 100",),
    "rosenbrock grad hard-codes b = 100": ("not 1 and 100",),
    "rosenbrock grad hard-codes a = 1": ("not 1 and 100",),
    "rosenbrock Hessian hard-codes b = 100": ("for any a and b",),
    "rosenbrock Hessian off-diagonal sign": ("only some entries are wrong",),
    "rosenbrock Hessian only upper off-diagonal (not symmetric)": ("only some entries are wrong",),
    "rosenbrock grad forgets each coordinate's second term": ("as the tail of term i-1",),
    "rosenbrock Hessian misses 2b on later diagonal entries": ("only some entries are wrong (1 of 4 per point: [1, 1])",),
    "gd climbs (+ for -)": ("(a sign)",),
    "gd stops after 50 steps and claims convergence": ("converged_ = [True",),
    "gd forgets the learning rate": ("is lr used",),  # the hyperparameters check: changing lr did not change the path
    "gd normalizes by the whole batch's gradient norm": ("mixes the batch",),
    "gd updates the caller's array in place and keeps a reference": ("a second fit on the same object",),
    "momentum adds the gradient (climbs)": ("(a sign)",),
    "momentum moves against the velocity": ("(a sign)",),
    "momentum resets the velocity every step": ("the first 1 steps agree", "a velocity"),
    "momentum velocity created lazily, surviving into the next fit": ("a second fit on the same object",),
    "momentum scales the velocity by lr twice": ("is lr applied twice?",),
    "langevin noise not multiplied by lr": ("by lr as well as by noise",),
    "langevin noise from the global NumPy random state": ("never from np.random",),
    "langevin seeds the global state once per fit": ("never from np.random",),
    "langevin draws one noise vector and reuses it": ("the first 1 steps agree", "drawn anew at every step"),
    "langevin noise scaled by sqrt(lr)": ("by lr as well as by noise",),
    "adagrad sums g instead of g squared": ("by the entrywise square of the gradient",),
    "adagrad replaces the sum (no memory)": ("the first 1 steps agree", "never replaced"),
    "adagrad eps inside the square root": ("outside the square root",),
    "adagrad divides by the accumulated norm, not per coordinate": ("a different direction",),
    "rmsprop forgets (1 - decay)": ("sqrt(1 - decay)",),
    "rmsprop swaps decay and 1 - decay": ("by decay and 1 - decay (in that order)",),
    "rmsprop eps inside the square root": ("outside the square root",),
    "adam without bias correction": ("(1 - beta1) / (sqrt(1 - beta2)) too many",),
    "adam corrects only the first moment": ("factor sqrt(1 - beta2) missing",),
    "adam corrects with the step count from 0 (t incremented after)": ("returns nan", "the count comes first"),
    "adam step count not reset between fits": ("a second fit on the same object",),
    "adam eps inside the square root": ("at where eps sits",),
    "adam swaps beta1 and beta2": ("1 - beta2",),
    "backtracking with c1 fixed at 1e-4": ("is c1 used",),
    "backtracking stops every row at the first row's success": ("not when another row's does",),
    "backtracking returns its last trial when it gives up": ("run out of trials",),
    "backtracking halves whatever shrink says": ("is shrink used",),
    "backtracking keeps t0's integer type (t *= shrink fails)": ("an integer t0 works", "int64"),
    "newton without regularization": ("no shift on an indefinite or exactly singular hessian",),
    "newton steps uphill (sign of p)": ("(a sign)",),
    "newton regularizes with an absolute constant": ("a scale other than the largest absolute eigenvalue",),
    "newton damps even positive definite Hessians": ("rows wrong: ['positive definite'",),
    "newton regularizes only a strictly negative smallest eigenvalue (>= for >)": ("singular matrix", "exactly singular"),
    "condition scaling multiplies by kappa (the notebook's code)": ("multiplies by kappa where its formula divides",),
    "condition number from signed eigenvalues": ("a ratio of absolute eigenvalues",),
    "gauss-newton keeps only the diagonal of J^T J": ("only the diagonal of J^T J",),
    "gauss-newton steps uphill": ("(a sign)",),
    "gauss-newton with the factor 2 of the gradient on one side only": ("the step has a factor of 2 too much",),
    "broyden outer product transposed": ("secant equation", "the outer product transposed"),
    "broyden divides by s.y instead of s^T H y": ("secant equation", "a denominator that is not the one"),
    "bfgs with y s^T where s y^T belongs": ("secant equation", "check v y = 0"),
    "bfgs never skips a pair": ("y.s <= 0",),
    "bfgs adds y y^T (the Hessian update's term) for s s^T": ("secant equation", "the wrong outer product in the last term"),
    "lbfgs applies gamma after the second loop": ("gamma applied anywhere but between the loops",),
    "lbfgs loops run in the wrong directions": ("a loop running in the wrong direction",),
    "lbfgs first loop uses y where s belongs": ("s and y swapped",),
    "inverse gradient takes a gradient step in y": ("the Newton step in y",),
    "inverse gradient multiplies by J instead of solving": ("only coordinate 1", "using the jacobian forwards (multiplying)"),
    "physical gradient inverts the step dy, not y + dy": ("no real preimage",),
    "physical gradient takes a gradient step in y": ("a gradient step in y where the newton step belongs",),
    "physical gradient loses the branch (no guide)": ("only coordinate 1", "the wrong branch"),
    "logistic grad with sigmoid(m) for sigmoid(-m)": ("differentiate log(1 + exp(-m)) with respect to the margin m first",),
    "logistic grad forgets the labels (a_i for y_i a_i)": ("m = y_i a_i^T x",),
    "logistic grad sums over the examples (no 1/N)": ("a mean, not a sum",),
    "logistic grad forgets the regularizer": ("your values are all zero", "add the regularizer's gradient once"),
    "logistic Hessian weights sigma for sigma (1 - sigma)": ("weighted by the second derivative of log(1 + exp(-m))",),
    "logistic Hessian forgets l2 I": ("your values are all zero", "the regularizer adds l2 times the identity"),
    "adamw applies the decay before the step (gradient at the decayed point)": ("taken at x before any decay",),
}

#: diagnoses that would point elsewhere for the variants above (each bug's not_words)
NOT_WORDS = {
    "wells Hessian of the notebook (drops both factors of 2)": ("constant factor",),
    "wells grad divides by w, not w^2": ("constant factor",),
    "logistic grad with sigmoid(m) for sigmoid(-m)": ("constant factor",),
    "logistic grad sums over the examples (no 1/N)": ("a factor of 2",),
    "minibatch gradient ignores idx (the full gradient)": ("a factor of 2",),
    "minibatch gradient adds the regularizer once per example": ("a factor of 2",),
    "newton without regularization": ("(a sign)",),
    "langevin noise scaled by sqrt(lr)": ("1 - noise",),
    "bfgs skips every row when one pair fails (ok.all())": ("secant",),
    "lbfgs loops run in the wrong directions": ("rho = 0 must drop out",),
    "lbfgs applies gamma after the second loop": ("rho = 0 must drop out",),
    "lbfgs first loop uses y where s belongs": ("rho = 0 must drop out",),
    "lbfgs ignores gamma (r = q)": ("rho = 0 must drop out",),
}


def test_every_exercise_has_two_variants():
    from grader.catalogue import exercises

    counts = {e: sum(b.exercise == e for b in CATALOGUE) for e in exercises() if not e.startswith("Questions")}
    assert all(n >= 2 for n in counts.values()), counts  # the questions' wrong answers: tests/buggy_answers


#: claims a diagnosis may make only when they are the bug's own slip (listed in its words): a
#: constant factor, a learning rate applied twice or not at all, the secant equation broken, rho recomputed
GENERIC_NOT_WORDS = ("constant factor", "is lr applied twice", "is lr applied?", "secant equation", "recomput")

_GRADED: dict = {}  # bug name -> results: the per-bug tests and the measurement share one grading per bug


def _graded(bug: Bug, tmp_path_factory) -> dict:
    if bug.name not in _GRADED:
        folder = variant(tmp_path_factory.mktemp("bug"), {bug.file: list(bug.edits)})
        results = grade(folder, pattern=bug.exercise + ".")
        for r in results.values():
            r.plot = None
        _GRADED[bug.name] = results
    return _GRADED[bug.name]


def _words(bug: Bug) -> tuple:
    return WORDS.get(bug.name) or bug.words


def _names_the_slip(bug: Bug, results: dict, before_hint: bool = False) -> bool:
    """Some failing message of the bug's exercise contains all its words (case-insensitive);
    ``before_hint``: in the diagnosis itself, not in the hint's list of usual slips."""
    outputs = " | ".join(r.output.split("\n  Hint: ")[0] if before_hint else r.output for r in results.values() if r.status == "failed").lower()
    return bool(_words(bug)) and all(w.lower() in outputs for w in _words(bug))


def _points_elsewhere(bug: Bug, results: dict) -> list[tuple[str, str]]:
    """(check, phrase) for each failing message whose diagnosis (the text before its hint) says
    one of the bug's not_words, or a generic claim that is not the bug's own slip."""
    own = " ".join(_words(bug)).lower()
    phrases = [w.lower() for w in bug.not_words + NOT_WORDS.get(bug.name, ())] + [w for w in GENERIC_NOT_WORDS if w not in own]
    found = []
    for name, r in results.items():
        if r.status == "failed":
            diagnosis = r.output.split("\n  Hint: ")[0].lower()
            found += [(name, w) for w in phrases if w in diagnosis]
    return found


@pytest.mark.parametrize("bug", CATALOGUE, ids=lambda b: b.name)
def test_variant_loses_points(bug, tmp_path_factory):
    results = _graded(bug, tmp_path_factory)
    earned = sum(r.score for r in results.values())
    possible = sum(r.max_score for r in results.values())
    assert earned < possible, f"{bug.name}: full marks ({earned}/{possible}) for a wrong answer"
    for name in bug.fails:
        result = results[name]
        assert result.status == "failed", f"{bug.name}: {name} should fail but passed"
        assert result.kind in bug.kinds, f"{bug.name}: {name} failed as {result.kind}: {result.output}"
        if result.visibility == "visible":
            assert "expected" in result.output.lower() or "Hint" in result.output or "While checking" in result.output, result.output
    outputs = " | ".join(r.output for r in results.values() if r.status == "failed")
    if not bug.gap:
        assert _names_the_slip(bug, results), f"{bug.name}: no message names the slip with {_words(bug)}: {outputs[:3000]}"
    for name, r in results.items():  # the format reports parse: the hint once, and last of the check's own lines
        if r.status == "failed":
            assert r.output.count("\n  Hint: ") <= 1 and "Likely:" not in r.output.partition("\n  Hint: ")[2], f"{bug.name}: {name}: {r.output}"
    elsewhere = _points_elsewhere(bug, results)
    assert not elsewhere, f"{bug.name}: messages point elsewhere: {elsewhere}: {outputs[:3000]}"


def test_every_bug_records_its_words():
    """Every bug says what its messages must name, and the words of the older bugs belong to bugs."""
    assert all(_words(b) for b in CATALOGUE), [b.name for b in CATALOGUE if not _words(b)]
    assert not (set(WORDS) | set(NOT_WORDS)) - {b.name for b in CATALOGUE}, (set(WORDS) | set(NOT_WORDS)) - {b.name for b in CATALOGUE}
    assert len({b.name for b in CATALOGUE}) == len(CATALOGUE)


def test_messages_name_the_slip(tmp_path_factory):
    """Measured over the whole catalogue: at least 90% of the bugs get a message that names the
    slip, and none gets a diagnosis that points elsewhere."""
    named, diagnosed, elsewhere = [], [], {}
    for bug in CATALOGUE:
        results = _graded(bug, tmp_path_factory)
        if _names_the_slip(bug, results):
            named.append(bug.name)
        if _names_the_slip(bug, results, before_hint=True):
            diagnosed.append(bug.name)
        if _points_elsewhere(bug, results):
            elsewhere[bug.name] = _points_elsewhere(bug, results)
    share = len(named) / len(CATALOGUE)
    missed = [b.name for b in CATALOGUE if b.name not in named]
    print(
        f"\nmessages name the slip for {len(named)} of {len(CATALOGUE)} bugs ({share:.1%}; in the diagnosis itself, "
        f"before the hint, for {len(diagnosed)}); point elsewhere for {len(elsewhere)}; not named: {missed}"
    )
    assert share >= 0.9, f"{len(named)} of {len(CATALOGUE)} bugs get a message that names the slip; not: {missed}"
    assert not elsewhere, elsewhere


def test_the_catalogue_grew_with_the_trust_work():
    assert len(NEW) >= 25 and len(CATALOGUE) >= 92, (len(NEW), len(CATALOGUE))


def test_a_bug_costs_only_its_own_exercise(tmp_path):
    """The notebook's Hessian loses GaussianWells points and nothing else."""
    bug = next(b for b in CATALOGUE if b.name.startswith("wells Hessian of the notebook"))
    results = grade(variant(tmp_path, {bug.file: list(bug.edits)}))
    lost = {r.exercise for r in results.values() if r.status == "failed"}
    assert lost == {"GaussianWells"}, {r.name: r.output for r in results.values() if r.status == "failed"}
    message = results["GaussianWells.hessian.gradcheck"].output
    assert "relative error" in message and "notebook" in message


def test_a_missing_backtracking_costs_newton_only_its_line_search_checks(tmp_path):
    """Newton's line search runs the student's backtracking: with backtracking a stub, Newton keeps
    every point that does not need it, and the checks that do say what to fix first."""
    start = "    # BEGIN SOLUTION\n    t = np.broadcast_to(np.asarray(t0, dtype=np.float64), f0.shape).copy()"
    body = '    raise NotImplementedError("backtracking: not implemented yet")\n    # BEGIN SOLUTION\n    t = np.broadcast_to(np.asarray(t0, dtype=np.float64), f0.shape).copy()'
    results = grade(variant(tmp_path, {"second_order.py": [(start, body)]}), ("Newton", "backtracking"))
    failed = {name for name, r in results.items() if r.status == "failed"}
    assert failed == {"Newton.trajectory.line_search", "Newton.convergence", "backtracking.armijo.first_success", "backtracking.armijo.constants", "backtracking.armijo.gives_up", "backtracking.armijo.boundary"}, failed
    for name in ("Newton.trajectory.line_search", "Newton.convergence"):
        assert "runs your backtracking" in results[name].output and "Fix backtracking first" in results[name].output


# ---- lesson 7: stochastic gradients
T = "stochastic.py"
LESSON7 = [
    # LogisticRegression
    Bug("logistic grad with sigmoid(m) for sigmoid(-m)", L, (("W = self.y_data * sigmoid(-self.margins(X))  # (n, N): -dl_i/dm_i times y_i", "W = self.y_data * sigmoid(self.margins(X))"),), "LogisticRegression", ("LogisticRegression.grad.gradcheck",), words=("gradient check FAILED",)),
    Bug("logistic grad forgets the labels (a_i for y_i a_i)", L, (("W = self.y_data * sigmoid(-self.margins(X))  # (n, N): -dl_i/dm_i times y_i", "W = sigmoid(-self.margins(X))"),), "LogisticRegression", ("LogisticRegression.grad.gradcheck",), words=("gradient check FAILED",)),
    Bug("logistic grad sums over the examples (no 1/N)", L, (("return -(W @ self.X_data) / self.n_samples + self.l2 * X", "return -(W @ self.X_data) + self.l2 * X"),), "LogisticRegression", ("LogisticRegression.grad.gradcheck",), words=("gradient check FAILED",)),
    Bug("logistic grad forgets the regularizer", L, (("return -(W @ self.X_data) / self.n_samples + self.l2 * X", "return -(W @ self.X_data) / self.n_samples"),), "LogisticRegression", ("LogisticRegression.grad.gradcheck",), words=("gradient check FAILED",)),
    Bug("logistic Hessian weights sigma for sigma (1 - sigma)", L, (("C = S * (1.0 - S) / self.n_samples", "C = S / self.n_samples"),), "LogisticRegression", ("LogisticRegression.hessian.gradcheck",), words=("Hessian check FAILED",)),
    Bug("logistic Hessian forgets l2 I", L, (('return np.einsum("ni,ij,ik->njk", C, self.X_data, self.X_data) + self.l2 * np.eye(self.d)', 'return np.einsum("ni,ij,ik->njk", C, self.X_data, self.X_data)'),), "LogisticRegression", ("LogisticRegression.hessian.gradcheck",), words=("Hessian check FAILED",)),
    Bug("minibatch gradient: a sum for a mean", L, (("return -(W @ A) / len(idx) + self.l2 * X", "return -(W @ A) + self.l2 * X"),), "LogisticRegression", ("LogisticRegression.grad_batch.gradcheck", "LogisticRegression.grad_batch.unbiased", "LogisticRegression.grad_batch.variance"), words=("not a sum",)),
    Bug("minibatch gradient ignores idx (the full gradient)", L, (("        A, y = self.X_data[idx], self.y_data[idx]  # (b, d), (b,)\n", "        A, y = self.X_data, self.y_data\n"),), "LogisticRegression", ("LogisticRegression.grad_batch.gradcheck", "LogisticRegression.grad_batch.variance"), words=("ignoring idx",)),
    Bug("minibatch gradient adds the regularizer once per example", L, (("return -(W @ A) / len(idx) + self.l2 * X", "return -(W @ A) / len(idx) + len(idx) * self.l2 * X"),), "LogisticRegression", ("LogisticRegression.grad_batch.gradcheck", "LogisticRegression.grad_batch.unbiased"), words=("regularizer's gradient enters once",)),
    Bug("minibatch gradient drops repeated indices (np.unique)", L, (("        A, y = self.X_data[idx], self.y_data[idx]  # (b, d), (b,)\n", "        idx = np.unique(idx)\n        A, y = self.X_data[idx], self.y_data[idx]\n"),), "LogisticRegression", ("LogisticRegression.grad_batch.gradcheck",), words=("counts twice",)),
    # SGD
    Bug("sgd draws the indices from np.random", T, (("idx = self.rng_.choice(self.loss.n_samples, size=self.batch_size, replace=False)\n        self.z_", "idx = np.random.choice(self.loss.n_samples, size=self.batch_size, replace=False)\n        self.z_"),), "SGD", ("SGD.trajectory.reference", "SGD.reproducible", "SGD.contract.refit"), words=("self.rng_",)),
    Bug("sgd draws the same minibatch every step", T, (("idx = self.rng_.choice(self.loss.n_samples, size=self.batch_size, replace=False)\n        self.z_", "if not hasattr(self, '_idx') or self.t_ == 0:\n            self._idx = self.rng_.choice(self.loss.n_samples, size=self.batch_size, replace=False)\n        idx = self._idx\n        self.z_"),), "SGD", ("SGD.trajectory.reference",), words=("reused the minibatch of the first step",)),
    Bug("sgd draws a minibatch per row", T, (("idx = self.rng_.choice(self.loss.n_samples, size=self.batch_size, replace=False)\n        self.z_ = self.z_ - self.step_size(self.t_) * self.loss.grad_batch(self.z_, idx)", "G = np.stack([self.loss.grad_batch(z, self.rng_.choice(self.loss.n_samples, size=self.batch_size, replace=False)) for z in self.z_])\n        self.z_ = self.z_ - self.step_size(self.t_) * G"),), "SGD", ("SGD.trajectory.reference", "SGD.contract.batch_independence"), words=("a minibatch of its own",)),
    Bug("sgd draws with replacement (rng_.integers)", T, (("idx = self.rng_.choice(self.loss.n_samples, size=self.batch_size, replace=False)\n        self.z_", "idx = self.rng_.integers(0, self.loss.n_samples, size=self.batch_size)\n        self.z_"),), "SGD", ("SGD.trajectory.reference", "SGD.full_batch"), words=("with replacement",)),
    Bug("sgd schedule counts steps from 1", T, (("self.z_ = self.z_ - self.step_size(self.t_) * self.loss.grad_batch(self.z_, idx)", "self.z_ = self.z_ - self.step_size(self.t_ + 1) * self.loss.grad_batch(self.z_, idx)"),), "SGD", ("SGD.trajectory.reference", "SGD.schedule"), words=("one step ahead",)),
    Bug("sgd schedule ignores t0 (1 + t)", T, (("return self.lr / (1.0 + t / self.t0)", "return self.lr / (1.0 + t)"),), "SGD", ("SGD.schedule", "SGD.hyperparameters"), words=("is t0 used",)),
    Bug("sgd inverse_sqrt without the square root", T, (("return self.lr / np.sqrt(1.0 + t / self.t0)", "return self.lr / (1.0 + t / self.t0)"),), "SGD", ("SGD.schedule", "SGD.trajectory.reference"), words=("'inverse' (lr / (1 + t / t0)) where 'inverse_sqrt' belongs",)),
    Bug("sgd steps from the average", T, (("self.z_ = self.z_ - self.step_size(self.t_) * self.loss.grad_batch(self.z_, idx)", "self.z_ = X - self.step_size(self.t_) * self.loss.grad_batch(X, idx)"),), "SGD", ("SGD.averaging",), words=("steps taken from the average",)),
    Bug("sgd averages from one step late (running mean weighted 1 / (t - a))", T, (("return X + (self.z_ - X) / (self.t_ - self.average + 1)", "return X + (self.z_ - X) / (self.t_ - self.average)"),), "SGD", ("SGD.averaging",), words=("one step late",)),
    Bug("sgd running mean over every step since the start (ignores average's step)", T, (("return X + (self.z_ - X) / (self.t_ - self.average + 1)", "return X + (self.z_ - X) / (self.t_ + 1)"),), "SGD", ("SGD.averaging",), words=("1 / (t - average + 1)",)),
    Bug("sgd sums the minibatch's example gradients", T, (("self.z_ = self.z_ - self.step_size(self.t_) * self.loss.grad_batch(self.z_, idx)", "self.z_ = self.z_ - self.step_size(self.t_) * len(idx) * self.loss.grad_batch(self.z_, idx)"),), "SGD", ("SGD.trajectory.reference", "SGD.full_batch"), words=("a sum over the minibatch where the mean belongs",)),
    # SVRG
    Bug("svrg control variate with the sign flipped", T, (("g = self.loss.grad_batch(X, idx) - self.loss.grad_batch(self.snapshot_, idx) + self.full_grad_", "g = self.loss.grad_batch(X, idx) + self.loss.grad_batch(self.snapshot_, idx) - self.full_grad_"),), "SVRG", ("SVRG.trajectory.reference", "SVRG.first_step", "SVRG.every_step_a_snapshot"), words=("sign is flipped",)),
    Bug("svrg never refreshes the snapshot", T, (("if self.t_ % self.m_ == 0:", "if self.t_ == 0:"),), "SVRG", ("SVRG.trajectory.reference", "SVRG.every_step_a_snapshot"), words=("refreshed every inner_steps",)),
    Bug("svrg keeps the first full gradient (snapshot moved, mu stale)", T, (("            self.full_grad_ = self.loss.grad(X)\n", "            if self.t_ == 0:\n                self.full_grad_ = self.loss.grad(X)\n"),), "SVRG", ("SVRG.trajectory.reference", "SVRG.every_step_a_snapshot"), words=("refreshed every inner_steps",)),
    Bug("svrg draws a second minibatch for the snapshot term", T, (("g = self.loss.grad_batch(X, idx) - self.loss.grad_batch(self.snapshot_, idx) + self.full_grad_", "g = self.loss.grad_batch(X, idx) - self.loss.grad_batch(self.snapshot_, self.rng_.choice(self.loss.n_samples, size=self.batch_size, replace=False)) + self.full_grad_"),), "SVRG", ("SVRG.trajectory.reference", "SVRG.first_step"), words=("same minibatch",)),
    Bug("svrg without the full gradient term", T, (("g = self.loss.grad_batch(X, idx) - self.loss.grad_batch(self.snapshot_, idx) + self.full_grad_", "g = self.loss.grad_batch(X, idx) - self.loss.grad_batch(self.snapshot_, idx)"),), "SVRG", ("SVRG.first_step", "SVRG.trajectory.reference"), words=("full gradient term is missing",)),
    # AdamW
    Bug("adamw decay scaled by the adaptive factor", T, (("return X - self.lr * (m_hat / (np.sqrt(v_hat) + self.eps) + self.weight_decay * X)", "return X - self.lr * (m_hat + self.weight_decay * X) / (np.sqrt(v_hat) + self.eps)"),), "AdamW", ("AdamW.decoupled", "AdamW.trajectory.reference", "AdamW.loss_scale_invariance"), words=("divided by sqrt(v_hat)",)),
    Bug("adamw puts the decay into the gradient (Adam with L2)", T, (("        self.t_ += 1\n        self.m_ = self.beta1", "        g = g + self.weight_decay * X\n        self.t_ += 1\n        self.m_ = self.beta1"), ("return X - self.lr * (m_hat / (np.sqrt(v_hat) + self.eps) + self.weight_decay * X)", "return X - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)")), "AdamW", ("AdamW.decoupled", "AdamW.loss_scale_invariance", "AdamW.trajectory.reference"), words=("L2 term inside Adam",)),
    Bug("adamw applies the decay before the step (gradient at the decayed point)", T, (("        if self.batch_size is None:\n            g = self.loss.grad(X)", "        X = X * (1.0 - self.lr * self.weight_decay)\n        if self.batch_size is None:\n            g = self.loss.grad(X)"), ("return X - self.lr * (m_hat / (np.sqrt(v_hat) + self.eps) + self.weight_decay * X)", "return X - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)")), "AdamW", ("AdamW.trajectory.reference",), words=("differ",)),
    Bug("adamw decay without lr", T, (("return X - self.lr * (m_hat / (np.sqrt(v_hat) + self.eps) + self.weight_decay * X)", "return X - self.lr * m_hat / (np.sqrt(v_hat) + self.eps) - self.weight_decay * X"),), "AdamW", ("AdamW.decoupled", "AdamW.trajectory.reference"), words=("not multiplied by lr",)),
    Bug("adamw ignores batch_size (always the full gradient)", T, (("        if self.batch_size is None:\n            g = self.loss.grad(X)", "        if True:\n            g = self.loss.grad(X)"),), "AdamW", ("AdamW.trajectory.reference", "AdamW.hyperparameters"), words=("full gradient, not a minibatch",)),
    Bug("adamw hard-codes weight_decay = 0.01", T, (("return X - self.lr * (m_hat / (np.sqrt(v_hat) + self.eps) + self.weight_decay * X)", "return X - self.lr * (m_hat / (np.sqrt(v_hat) + self.eps) + 0.01 * X)"),), "AdamW", ("AdamW.hyperparameters", "AdamW.decoupled", "AdamW.zero_decay"), words=("is weight_decay used",)),
]
CATALOGUE += LESSON7

# ---- issue 22: the cases whose diagnoses pointed elsewhere
ISSUE22 = [
    Bug("wells grad without the depths", L, (("-2.0 * weighted / self.widths**2, D)", "-2.0 * (weighted / self.coeffs) / self.widths**2, D)"),), "GaussianWells", ("GaussianWells.grad.gradcheck",), words=("depth c_p",), not_words=("constant factor",)),
    Bug("momentum scales the gradient by (1 - momentum)", F, (("self.v_ = self.momentum * self.v_ - self.lr * self.loss.grad(X)", "self.v_ = self.momentum * self.v_ - (1.0 - self.momentum) * self.lr * self.loss.grad(X)"),), "Momentum", ("Momentum.trajectory.reference", "Momentum.hyperparameters"), words=("1 - momentum",), not_words=("is lr applied twice",)),
    Bug("bfgs skips every row when one pair fails (ok.all())", Q, (("return np.where(ok[:, None, None], updated, H)", "return updated if ok.all() else H"),), "BFGS", ("BFGS.skips_negative_curvature",), words=("decide the skip per row",), not_words=("secant",)),
    Bug("broyden keeps H in every row when one update is undefined (usable.all())", Q, (("return H + np.where(usable[:, None, None], update, 0.0)", "return H + update if usable.all() else H"),), "Broyden", ("Broyden.degenerate_pairs",), words=("decide the skip per row",), not_words=("secant",)),
    Bug("lbfgs second loop uses the newest alpha for every pair", Q, (("r += (alpha[i] - beta)[:, None] * S[i]", "r += (alpha[-1] - beta)[:, None] * S[i]"),), "LBFGS", ("LBFGS.two_loop", "LBFGS.two_loop.noop_pairs"), words=("the recursion itself differs",), not_words=("recomput",)),
]
CATALOGUE += ISSUE22


def test_lesson_7_has_fifteen_variants():
    assert len(LESSON7) >= 15 and all(b.words for b in LESSON7)
