"""The grader's proof of fairness: correct answers written differently, each of which must get full marks.

The twin of ``test_buggy_variants.py``. Each variant is the reference solution with one
exercise rewritten the way a student who follows the docstring and the lesson could write
it: another factorization, another but equal form of an update, in-place accumulators,
loops where the lesson allows them (over wells or coordinates, never over the rows of a
batch), work done only on the rows still running. Every variant is mathematically identical
to the docstring's formula; only the order of floating-point rounding differs. Each must
pass every check of its exercise, hidden ones included ("Fair" in COURSE.md, "What a grade
promises").
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from .helpers import grade, variant


@dataclass(frozen=True)
class Fair:
    name: str
    file: str
    edits: tuple  # ((old, new), ...)
    exercise: str


L, F, S, Q, I = "landscapes.py", "first_order.py", "second_order.py", "quasi_newton.py", "inversion.py"

# Rows still running (see ``active_`` in base.py); every row when update is called outside fit.
ACTIVE = 'getattr(self, "active_", np.ones(len(X), dtype=bool))'

CATALOGUE = [
    # ---- Quadratic
    Fair("quadratic grad as 1/2 (X A + X A^T) - b, Hessian by np.tile", L, (
        ("        S = 0.5 * (self.A + self.A.T)\n        return X @ S.T - self.b\n",
         "        return 0.5 * (X @ self.A + X @ self.A.T) - self.b\n"),
        ("        S = 0.5 * (self.A + self.A.T)\n        return np.broadcast_to(S, (X.shape[0], self.d, self.d)).copy()\n",
         "        return np.tile((self.A + self.A.T) / 2.0, (X.shape[0], 1, 1))\n"),
    ), "Quadratic"),
    # ---- SquarePhysics
    Fair("square grad by the chain rule J^T dL/dy, Hessian and inverse written per entry", L, (
        ("        return np.stack([2.0 * X[:, 0], 4.0 * X[:, 1] ** 3], axis=1)\n",
         '        return np.einsum("nki,nk->ni", self.physics_jacobian(X), self.grad_y(self.physics(X)))\n'),
        ("        H = np.zeros((X.shape[0], 2, 2))\n        H[:, 0, 0] = 2.0\n        H[:, 1, 1] = 12.0 * X[:, 1] ** 2\n        return H\n",
         "        H = np.zeros((X.shape[0], 2, 2))\n        H[:, [0, 1], [0, 1]] = np.stack([np.full(X.shape[0], 2.0), 12.0 * X[:, 1] * X[:, 1]], axis=1)\n        return H\n"),
        ("        sign = np.where(X02[:, 1] < 0, -1.0, 1.0)\n        X = np.stack([Y2[:, 0], sign * np.sqrt(Y2[:, 1])], axis=1)\n",
         "        root = np.sqrt(Y2[:, 1])\n        X = np.column_stack([Y2[:, 0], np.where(X02[:, 1] >= 0, root, -root)])\n"),
    ), "SquarePhysics"),
    # ---- GaussianWells
    Fair("wells grad and Hessian as a Python loop over the wells", L, (
        ('        D, weighted = self._wells(X)\n        return np.einsum("np,npi->ni", -2.0 * weighted / self.widths**2, D)\n',
         "        G = np.zeros_like(X)\n"
         "        for p in range(self.n_wells):\n"
         "            D = X - self.locs[p]  # (n, d)\n"
         "            w2 = self.widths[p] ** 2\n"
         "            well = -self.coeffs[p] * np.exp(-np.sum(D * D, axis=1) / w2)  # (n,)\n"
         "            G += (well * (-2.0 / w2))[:, None] * D\n"
         "        return G\n"),
        ('        D, weighted = self._wells(X)\n        w2 = self.widths**2  # (P,)\n'
         '        outer = np.einsum("npi,npj,np->nij", D, D, 4.0 * weighted / w2**2, optimize=True)  # pairwise: 3x faster\n'
         "        diag = np.sum(-2.0 * weighted / w2, axis=1)  # (n,)\n"
         "        return outer + diag[:, None, None] * np.eye(self.d)\n",
         "        H = np.zeros((X.shape[0], self.d, self.d))\n"
         "        eye = np.eye(self.d)\n"
         "        for p in range(self.n_wells):\n"
         "            D = X - self.locs[p]  # (n, d)\n"
         "            w2 = self.widths[p] ** 2\n"
         "            well = -self.coeffs[p] * np.exp(-np.sum(D * D, axis=1) / w2)  # (n,)\n"
         "            DDt = D[:, :, None] * D[:, None, :]\n"
         "            H += (well * 2.0 / w2)[:, None, None] * (-eye + 2.0 * DDt / w2)\n"
         "        return H\n"),
    ), "GaussianWells"),
    # ---- Rosenbrock
    Fair("rosenbrock grad, Hessian and Jacobian with loops over the coordinates", L, (
        ("        head, tail = X[:, :-1], X[:, 1:]\n        r = tail - head**2  # (n, d-1)\n        G = np.zeros_like(X)\n"
         "        G[:, :-1] += -4.0 * self.b * head * r - 2.0 * (self.a - head)\n        G[:, 1:] += 2.0 * self.b * r\n        return G\n",
         "        d = X.shape[1]\n"
         "        G = np.zeros_like(X)\n"
         "        for i in range(d):\n"
         "            if i < d - 1:\n"
         "                G[:, i] += -4.0 * self.b * X[:, i] * (X[:, i + 1] - X[:, i] ** 2) - 2.0 * (self.a - X[:, i])\n"
         "            if i > 0:\n"
         "                G[:, i] += 2.0 * self.b * (X[:, i] - X[:, i - 1] ** 2)\n"
         "        return G\n"),
        ("        H = np.zeros((n, d, d))\n        i = np.arange(d - 1)\n"
         "        H[:, i, i] += 12.0 * self.b * head**2 - 4.0 * self.b * tail + 2.0\n"
         "        H[:, i + 1, i + 1] += 2.0 * self.b\n"
         "        H[:, i, i + 1] = -4.0 * self.b * head\n"
         "        H[:, i + 1, i] = -4.0 * self.b * head\n",
         "        H = np.zeros((n, d, d))\n"
         "        for k in range(d - 1):  # off-diagonals first, then the whole diagonal at once\n"
         "            H[:, k, k + 1] = H[:, k + 1, k] = -4.0 * self.b * X[:, k]\n"
         "        diag = np.zeros((n, d))\n"
         "        diag[:, 1:] = 2.0 * self.b\n"
         "        diag[:, :-1] += 12.0 * self.b * head * head - 4.0 * self.b * tail + 2.0\n"
         "        H[:, np.arange(d), np.arange(d)] = diag\n"),
        ("        J[:, i, i] = -2.0 * np.sqrt(self.b) * X[:, :-1]\n        J[:, i, i + 1] = np.sqrt(self.b)\n        J[:, d - 1 + i, i] = -1.0\n",
         "        for k in range(d - 1):\n"
         "            J[:, d - 1 + k, k] = -1.0\n"
         "            J[:, k, k + 1] = self.b**0.5\n"
         "            J[:, k, k] = -2.0 * self.b**0.5 * X[:, k]\n"),
    ), "Rosenbrock"),
    Fair("rosenbrock grad from the two padded halves (np.pad)", L, (
        ("        G = np.zeros_like(X)\n"
         "        G[:, :-1] += -4.0 * self.b * head * r - 2.0 * (self.a - head)\n        G[:, 1:] += 2.0 * self.b * r\n        return G\n",
         "        as_head = np.pad(-4.0 * self.b * head * r - 2.0 * (self.a - head), ((0, 0), (0, 1)))\n"
         "        as_tail = np.pad(2.0 * self.b * r, ((0, 0), (1, 0)))\n"
         "        return as_head + as_tail\n"),
    ), "Rosenbrock"),
    # ---- GradientDescent
    Fair("gd computes the gradient only on the rows still running", F, (
        ("        return X - self.lr * self.loss.grad(X)\n",
         f"        active = {ACTIVE}\n"
         "        X_new = X.copy()\n"
         "        X_new[active] = X[active] - self.lr * self.loss.grad(X[active])\n"
         "        return X_new\n"),
    ), "GradientDescent"),
    # ---- Momentum
    Fair("momentum in torch's form (v <- beta v + g; x <- x - lr v)", F, (
        ("        self.v_ = self.momentum * self.v_ - self.lr * self.loss.grad(X)\n        return X + self.v_\n",
         "        self.v_ = self.momentum * self.v_ + self.loss.grad(X)  # torch's buffer: -v / lr\n"
         "        return X - self.lr * self.v_\n"),
    ), "Momentum"),
    Fair("momentum with in-place velocity updated only on the rows still running", F, (
        ("        self.v_ = self.momentum * self.v_ - self.lr * self.loss.grad(X)\n        return X + self.v_\n",
         f"        active = {ACTIVE}\n"
         "        v = self.v_[active]\n"
         "        v *= self.momentum\n"
         "        v -= self.lr * self.loss.grad(X[active])\n"
         "        self.v_[active] = v\n"
         "        X_new = X.copy()\n"
         "        X_new[active] += v\n"
         "        return X_new\n"),
    ), "Momentum"),
    # ---- Langevin
    Fair("langevin noise by rng_.normal(size=...) (the same stream as standard_normal)", F, (
        ("        xi = self.rng_.standard_normal(X.shape)\n        return X - self.lr * (self.loss.grad(X) + self.noise * xi)\n",
         "        kick = self.noise * self.rng_.normal(size=X.shape)\n"
         "        return X - self.lr * self.loss.grad(X) - self.lr * kick\n"),
    ), "Langevin"),
    # ---- AdaGrad
    Fair("adagrad accumulates in place with np.add(out=) and g * g", F, (
        ("        self.G_ = self.G_ + g**2\n        return X - self.lr * g / (np.sqrt(self.G_) + self.eps)\n",
         "        np.add(self.G_, g * g, out=self.G_)\n"
         "        step = self.lr / (np.sqrt(self.G_) + self.eps)\n"
         "        return X - step * g\n"),
    ), "AdaGrad"),
    # ---- RMSprop
    Fair("rmsprop average as v += (1 - rho)(g^2 - v)", F, (
        ("        self.v_ = self.decay * self.v_ + (1.0 - self.decay) * g**2\n",
         "        self.v_ += (1.0 - self.decay) * (g * g - self.v_)\n"),
    ), "RMSprop"),
    Fair("rmsprop state updated only on the rows still running", F, (
        ("        g = self.loss.grad(X)\n        self.v_ = self.decay * self.v_ + (1.0 - self.decay) * g**2\n"
         "        return X - self.lr * g / (np.sqrt(self.v_) + self.eps)\n",
         f"        active = {ACTIVE}\n"
         "        g = self.loss.grad(X[active])\n"
         "        v = self.decay * self.v_[active] + (1.0 - self.decay) * np.square(g)\n"
         "        self.v_[active] = v\n"
         "        X_new = X.copy()\n"
         "        X_new[active] -= self.lr * g / (np.sqrt(v) + self.eps)\n"
         "        return X_new\n"),
    ), "RMSprop"),
    # ---- Adam
    Fair("adam with the bias correction folded into the step and eps (exactly equivalent)", F, (
        ("        m_hat = self.m_ / (1.0 - self.beta1**self.t_)\n        v_hat = self.v_ / (1.0 - self.beta2**self.t_)\n"
         "        return X - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)\n",
         "        root = np.sqrt(1.0 - self.beta2**self.t_)\n"
         "        lr_t = self.lr * root / (1.0 - self.beta1**self.t_)\n"
         "        eps_t = self.eps * root  # m_hat / (sqrt(v_hat) + eps) = m / (1-b1^t) * root / (sqrt(v) + eps * root)\n"
         "        return X - lr_t * self.m_ / (np.sqrt(self.v_) + eps_t)\n"),
    ), "Adam"),
    Fair("adam with in-place accumulators", F, (
        ("        self.m_ = self.beta1 * self.m_ + (1.0 - self.beta1) * g\n        self.v_ = self.beta2 * self.v_ + (1.0 - self.beta2) * g**2\n",
         "        self.m_ *= self.beta1\n"
         "        self.m_ += (1.0 - self.beta1) * g\n"
         "        self.v_ *= self.beta2\n"
         "        self.v_ += (1.0 - self.beta2) * g * g\n"),
    ), "Adam"),
    # ---- Newton
    Fair("newton solves by Cholesky (two triangular solves)", S, (
        ("        shifted = H + mu[:, None, None] * np.eye(H.shape[-1])\n        return -np.linalg.solve(shifted, g[..., None])[..., 0]\n",
         "        C = np.linalg.cholesky(H + mu[:, None, None] * np.eye(H.shape[-1]))  # positive definite: C C^T\n"
         "        z = np.linalg.solve(C, -g[..., None])\n"
         "        return np.linalg.solve(np.swapaxes(C, 1, 2), z)[..., 0]\n"),
    ), "Newton"),
    Fair("newton by eigendecomposition: p = -V diag(1 / (lam + mu)) V^T g", S, (
        ("        lam = np.linalg.eigvalsh(H)  # (n, d), ascending\n",
         "        lam, V = np.linalg.eigh(H)  # (n, d) ascending, (n, d, d) eigenvectors in columns\n"),
        ("        shifted = H + mu[:, None, None] * np.eye(H.shape[-1])\n        return -np.linalg.solve(shifted, g[..., None])[..., 0]\n",
         '        coeffs = np.einsum("nji,nj->ni", V, g) / (lam + mu[:, None])  # V^T g, divided by the shifted spectrum\n'
         '        return -np.einsum("nij,nj->ni", V, coeffs)\n'),
    ), "Newton"),
    Fair("newton from the lesson text: lam_min and s taken separately, mu set on indefinite rows", S, (
        ("        lam = np.linalg.eigvalsh(H)  # (n, d), ascending\n"
         "        scale = np.max(np.abs(lam), axis=1)\n"
         "        mu = np.where(lam[:, 0] > 0, 0.0, damping * scale - lam[:, 0])\n"
         "        flat = scale == 0  # H = 0: no curvature, no step (any shift keeps that row's solve defined)\n"
         "        mu, g = np.where(flat, 1.0, mu), np.where(flat[:, None], 0.0, g)\n"
         "        shifted = H + mu[:, None, None] * np.eye(H.shape[-1])\n"
         "        return -np.linalg.solve(shifted, g[..., None])[..., 0]\n",
         "        n, d, _ = H.shape\n"
         "        lam = np.linalg.eigvalsh(H)\n"
         "        lam_min = np.min(lam, axis=1)\n"
         "        s = np.maximum(-lam_min, np.max(lam, axis=1))  # the largest |eigenvalue|\n"
         "        mu = np.ones(n)  # a row with H = 0 keeps this shift, and gets no step below\n"
         "        indefinite = ~(lam_min > 0) & (s > 0)\n"
         "        mu[indefinite] = damping * s[indefinite] - lam_min[indefinite]\n"
         "        mu[lam_min > 0] = 0.0\n"
         "        p = np.linalg.solve(H + np.eye(d) * mu[:, None, None], -g[:, :, None])[:, :, 0]\n"
         "        p[s == 0] = 0.0\n"
         "        return p\n"),
    ), "Newton"),
    # ---- ConditionScaledGD
    Fair("condition number from singular values (|eigenvalues| of a symmetric H)", S, (
        ("        lam = np.abs(np.linalg.eigvalsh(self.loss.hessian(X)))\n"
         "        smallest = np.min(lam, axis=1)\n"
         "        kappa = np.max(lam, axis=1) / np.where(smallest > 0, smallest, 1.0)\n"
         "        kappa = np.where(smallest > 0, kappa, np.inf)  # singular (even zero) H: no step\n",
         "        sv = np.linalg.svd(self.loss.hessian(X), compute_uv=False)  # (n, d), descending\n"
         "        largest, smallest = sv[:, 0], sv[:, -1]\n"
         "        with np.errstate(divide=\"ignore\", invalid=\"ignore\"):\n"
         "            kappa = np.where(smallest > 0, largest / smallest, np.inf)\n"),
    ), "ConditionScaledGD"),
    # ---- GaussNewton
    Fair("gauss-newton normal equations with matmul (np.swapaxes(J, 1, 2) @ J)", S, (
        ('        JTJ = np.einsum("nmi,nmj->nij", J, J)\n        d = J.shape[-1]\n'
         "        mu = damping * np.trace(JTJ, axis1=1, axis2=2) / d\n"
         '        JTr = np.einsum("nmi,nm->ni", J, r)\n'
         "        return -np.linalg.solve(JTJ + mu[:, None, None] * np.eye(d), JTr[..., None])[..., 0]\n",
         "        Jt = np.swapaxes(J, 1, 2)\n"
         "        JTJ = Jt @ J\n"
         "        d = J.shape[-1]\n"
         '        mu = damping * np.einsum("nii->n", JTJ) / d\n'
         "        return -np.linalg.solve(JTJ + mu[:, None, None] * np.eye(d), Jt @ r[:, :, None])[:, :, 0]\n"),
    ), "GaussNewton"),
    Fair("gauss-newton as least squares on [J; sqrt(mu) I] by batched QR", S, (
        ('        JTJ = np.einsum("nmi,nmj->nij", J, J)\n        d = J.shape[-1]\n'
         "        mu = damping * np.trace(JTJ, axis1=1, axis2=2) / d\n"
         '        JTr = np.einsum("nmi,nm->ni", J, r)\n'
         "        return -np.linalg.solve(JTJ + mu[:, None, None] * np.eye(d), JTr[..., None])[..., 0]\n",
         "        n, m, d = J.shape\n"
         "        mu = damping * np.sum(J * J, axis=(1, 2)) / d  # trace(J^T J) = |J|_F^2\n"
         "        A = np.concatenate([J, np.sqrt(mu)[:, None, None] * np.eye(d)], axis=1)  # (n, m + d, d): A^T A = J^T J + mu I\n"
         "        rhs = np.concatenate([-r, np.zeros((n, d))], axis=1)  # A^T rhs = -J^T r\n"
         "        Qm, R = np.linalg.qr(A)  # reduced: (n, m + d, d), (n, d, d)\n"
         "        return np.linalg.solve(R, np.swapaxes(Qm, 1, 2) @ rhs[:, :, None])[:, :, 0]\n"),
    ), "GaussNewton"),
    # ---- Broyden
    Fair("broyden with matmul and broadcast outer products", Q, (
        ('        Hy = np.einsum("nij,nj->ni", H, y)\n        sH = np.einsum("ni,nij->nj", s, H)\n        denom = np.einsum("ni,ni->n", s, Hy)\n',
         "        Hy = (H @ y[:, :, None])[:, :, 0]\n        sH = (s[:, None, :] @ H)[:, 0, :]\n        denom = np.sum(s * Hy, axis=1)\n"),
        ('        update = np.einsum("ni,nj->nij", s - Hy, sH) / safe[:, None, None]\n        return H + np.where(usable[:, None, None], update, 0.0)\n',
         "        update = (s - Hy)[:, :, None] * (sH / safe[:, None])[:, None, :]\n"
         "        return np.where(usable[:, None, None], H + update, H)\n"),
    ), "Broyden"),
    Fair("broyden one row at a time with np.outer (the docstring does not ask for a batched update)", Q, (
        ('        Hy = np.einsum("nij,nj->ni", H, y)\n        sH = np.einsum("ni,nij->nj", s, H)\n        denom = np.einsum("ni,ni->n", s, Hy)\n'
         "        usable = np.abs(denom) > 1e-12 * np.linalg.norm(s, axis=1) * np.linalg.norm(Hy, axis=1)\n"
         "        safe = np.where(usable, denom, 1.0)\n"
         '        update = np.einsum("ni,nj->nij", s - Hy, sH) / safe[:, None, None]\n'
         "        return H + np.where(usable[:, None, None], update, 0.0)\n",
         "        H_new = np.array(H, dtype=np.float64)\n"
         "        for k in range(len(H)):\n"
         "            Hy = H[k] @ y[k]\n"
         "            denom = s[k] @ Hy  # s^T H y\n"
         "            if abs(denom) > 1e-12 * np.linalg.norm(s[k]) * np.linalg.norm(Hy):\n"
         "                H_new[k] = H[k] + np.outer(s[k] - Hy, s[k] @ H[k]) / denom\n"
         "        return H_new\n"),
    ), "Broyden"),
    # ---- BFGS
    Fair("bfgs in the expanded form H + (1 + y'Hy / s'y) ss' / s'y - (Hy s' + s y'H) / s'y", Q, (
        ('        rho = np.where(ok, 1.0 / np.where(ok, np.einsum("ni,ni->n", y, s), 1.0), 0.0)\n'
         "        d = H.shape[-1]\n"
         '        V = np.eye(d) - rho[:, None, None] * np.einsum("ni,nj->nij", s, y)  # I - rho s y^T\n'
         '        updated = V @ H @ np.swapaxes(V, 1, 2) + rho[:, None, None] * np.einsum("ni,nj->nij", s, s)\n',
         '        sy = np.where(ok, np.einsum("ni,ni->n", s, y), 1.0)  # safe for skipped rows\n'
         '        Hy = np.einsum("nij,nj->ni", H, y)\n'
         '        yH = np.einsum("ni,nij->nj", y, H)\n'
         '        yHy = np.einsum("ni,ni->n", y, Hy)\n'
         '        ss = np.einsum("ni,nj->nij", s, s)\n'
         '        cross = np.einsum("ni,nj->nij", Hy, s) + np.einsum("ni,nj->nij", s, yH)\n'
         "        updated = H + ((1.0 + yHy / sy) / sy)[:, None, None] * ss - cross / sy[:, None, None]\n"),
    ), "BFGS"),
    Fair("bfgs with the product grouped V (H V^T) and broadcast outer products", Q, (
        ('        rho = np.where(ok, 1.0 / np.where(ok, np.einsum("ni,ni->n", y, s), 1.0), 0.0)\n'
         "        d = H.shape[-1]\n"
         '        V = np.eye(d) - rho[:, None, None] * np.einsum("ni,nj->nij", s, y)  # I - rho s y^T\n'
         '        updated = V @ H @ np.swapaxes(V, 1, 2) + rho[:, None, None] * np.einsum("ni,nj->nij", s, s)\n',
         "        rho = 1.0 / np.where(ok, np.sum(s * y, axis=1), 1.0)\n"
         "        d = H.shape[-1]\n"
         "        left = np.eye(d) - rho[:, None, None] * (s[:, :, None] * y[:, None, :])\n"
         "        right = np.eye(d) - rho[:, None, None] * (y[:, :, None] * s[:, None, :])\n"
         "        updated = left @ (H @ right) + rho[:, None, None] * (s[:, :, None] * s[:, None, :])\n"),
    ), "BFGS"),
    # ---- LBFGS
    Fair("lbfgs two-loop with a list of alphas and zip over the pairs", Q, (
        ("        q = g.copy()\n        alpha = np.zeros(rho.shape)\n"
         "        for i in reversed(range(len(S))):\n"
         '            alpha[i] = rho[i] * np.einsum("nd,nd->n", S[i], q)\n'
         "            q -= alpha[i][:, None] * Y[i]\n"
         "        r = gamma[:, None] * q\n"
         "        for i in range(len(S)):\n"
         '            beta = rho[i] * np.einsum("nd,nd->n", Y[i], r)\n'
         "            r += (alpha[i] - beta)[:, None] * S[i]\n"
         "        return r\n",
         "        q = g\n"
         "        alphas = []  # newest first\n"
         "        for s, y, rh in zip(S[::-1], Y[::-1], rho[::-1]):\n"
         '            a = rh * np.einsum("nd,nd->n", s, q)\n'
         "            q = q - a[:, None] * y\n"
         "            alphas.append(a)\n"
         "        r = gamma[:, None] * q\n"
         "        for s, y, rh, a in zip(S, Y, rho, reversed(alphas)):\n"
         '            b = rh * np.einsum("nd,nd->n", y, r)\n'
         "            r = r + (a - b)[:, None] * s\n"
         "        return r\n"),
    ), "LBFGS"),
    Fair("lbfgs two-loop with explicit dot products np.sum(a * b, axis=1)", Q, (
        ("        q = g.copy()\n        alpha = np.zeros(rho.shape)\n"
         "        for i in reversed(range(len(S))):\n"
         '            alpha[i] = rho[i] * np.einsum("nd,nd->n", S[i], q)\n'
         "            q -= alpha[i][:, None] * Y[i]\n"
         "        r = gamma[:, None] * q\n"
         "        for i in range(len(S)):\n"
         '            beta = rho[i] * np.einsum("nd,nd->n", Y[i], r)\n'
         "            r += (alpha[i] - beta)[:, None] * S[i]\n"
         "        return r\n",
         "        k = len(S)\n"
         "        q = np.array(g, dtype=np.float64)\n"
         "        alpha = np.empty((k, g.shape[0]))\n"
         "        for i in range(k - 1, -1, -1):\n"
         "            alpha[i] = rho[i] * np.sum(S[i] * q, axis=1)\n"
         "            q = q - alpha[i][:, None] * Y[i]\n"
         "        r = q * gamma[:, None]\n"
         "        for i in range(k):\n"
         "            beta = rho[i] * np.sum(Y[i] * r, axis=1)\n"
         "            r = r + S[i] * (alpha[i] - beta)[:, None]\n"
         "        return r\n"),
    ), "LBFGS"),
    # ---- InverseGradient
    Fair("inverse gradient with lr applied after both solves", I, (
        ("        Y = self.loss.physics(X)\n        if self.y_step == \"newton\":\n"
         "            dY = newton_step_in_y(self.loss, Y, self.lr)\n"
         "        else:\n"
         "            dY = -self.lr * self.loss.grad_y(Y)\n"
         "        dX = np.linalg.solve(self.loss.physics_jacobian(X), dY[..., None])[..., 0]\n"
         "        return X + dX\n",
         "        Y = self.loss.physics(X)\n"
         "        u = self.loss.grad_y(Y)[:, :, None]\n"
         "        if self.y_step == \"newton\":\n"
         "            u = np.linalg.solve(self.loss.hessian_y(Y), u)  # H_y^{-1} grad_y L\n"
         "        return X - self.lr * np.linalg.solve(self.loss.physics_jacobian(X), u)[:, :, 0]  # J dx = dy is linear in dy\n"),
    ), "InverseGradient"),
    Fair("inverse gradient solving the 2x2 system J dx = dy by Cramer's rule", I, (
        ("        dX = np.linalg.solve(self.loss.physics_jacobian(X), dY[..., None])[..., 0]\n",
         "        J = self.loss.physics_jacobian(X)  # (n, 2, 2): both physics of the lesson have m = d = 2\n"
         "        det = J[:, 0, 0] * J[:, 1, 1] - J[:, 0, 1] * J[:, 1, 0]\n"
         "        dX = np.stack([J[:, 1, 1] * dY[:, 0] - J[:, 0, 1] * dY[:, 1], J[:, 0, 0] * dY[:, 1] - J[:, 1, 0] * dY[:, 0]], axis=1) / det[:, None]\n"),
    ), "InverseGradient"),
    # ---- PhysicalGradient
    Fair("physical gradient in two statements, Newton step in y written out", I, (
        ("        Y = self.loss.physics(X)\n        return self.local_inverse(Y + newton_step_in_y(self.loss, Y, self.lr), X)\n",
         "        Y = self.loss.physics(X)\n"
         "        target = Y - self.lr * np.linalg.solve(self.loss.hessian_y(Y), self.loss.grad_y(Y)[:, :, None])[:, :, 0]\n"
         "        return self.local_inverse(target, X)\n"),
    ), "PhysicalGradient"),
]


def _is_optimizer(exercise: str) -> bool:
    """Optimizers have the contract battery; landscapes do not."""
    from grader.catalogue import all_checks

    return any(c.exercise == exercise and ".contract." in c.name for c in all_checks())


def test_every_optimizer_and_three_landscapes_have_a_fair_variant():
    from grader.catalogue import exercises

    covered = {f.exercise for f in CATALOGUE}
    optimizers = [e for e in exercises() if _is_optimizer(e)]
    landscapes = [e for e in exercises() if not _is_optimizer(e)]
    assert optimizers and landscapes
    assert not set(optimizers) - covered, f"optimizers without a fair variant: {sorted(set(optimizers) - covered)}"
    assert len(covered & set(landscapes)) >= 3, f"landscapes with a fair variant: {sorted(covered & set(landscapes))}"
    assert len(CATALOGUE) >= 18
    assert len({f.name for f in CATALOGUE}) == len(CATALOGUE), "variant names must be unique (they are test ids)"


@pytest.mark.parametrize("fair", CATALOGUE, ids=lambda f: f.name)
def test_variant_gets_full_marks(fair, tmp_path):
    folder = variant(tmp_path, {fair.file: list(fair.edits)})
    results = grade(folder, pattern=fair.exercise + ".")  # every check, hidden and slow ones included
    assert results, f"{fair.name}: no checks ran for {fair.exercise}"
    failed = {name: r for name, r in results.items() if r.status != "passed"}
    earned = sum(r.score for r in results.values())
    possible = sum(r.max_score for r in results.values())
    report = "\n".join(f"- {name} ({r.kind}, {r.visibility}):\n    " + r.output.replace("\n", "\n    ") for name, r in failed.items())
    assert not failed, f"{fair.name}: {earned}/{possible} for a correct answer; failed checks:\n{report}"


# ---- lesson 7: stochastic gradients
T = "stochastic.py"
LESSON7 = [
    Fair("logistic grad and Hessian from tanh (sigmoid(z) = (1 + tanh(z / 2)) / 2) with a loop-free einsum", L, (
        ("        W = self.y_data * sigmoid(-self.margins(X))  # (n, N): -dl_i/dm_i times y_i\n        return -(W @ self.X_data) / self.n_samples + self.l2 * X\n",
         "        M = self.margins(X)  # (n, N)\n"
         "        dl = -0.5 * (1.0 + np.tanh(-M / 2.0))  # d/dm log(1 + exp(-m))\n"
         '        return np.einsum("nk,k,kd->nd", dl, self.y_data, self.X_data) / self.n_samples + self.l2 * X\n'),
        ("        S = sigmoid(self.margins(X))\n        C = S * (1.0 - S) / self.n_samples  # (n, N): the curvature of each example along its a_i\n"
         '        return np.einsum("ni,ij,ik->njk", C, self.X_data, self.X_data) + self.l2 * np.eye(self.d)\n',
         "        M = self.margins(X)\n"
         "        C = 0.25 / np.cosh(M / 2.0) ** 2  # sigma (1 - sigma) = 1 / (4 cosh^2(m / 2))\n"
         "        H = (C[:, :, None, None] * (self.X_data[:, :, None] * self.X_data[:, None, :])[None]).mean(axis=1)\n"
         "        return H + self.l2 * np.eye(self.d)[None]\n"),
    ), "LogisticRegression"),
    Fair("minibatch gradient as the full gradient of the minibatch's own data set", L, (
        ("        A, y = self.X_data[idx], self.y_data[idx]  # (b, d), (b,)\n        W = y * sigmoid(-(X @ A.T) * y)  # (n, b)\n        return -(W @ A) / len(idx) + self.l2 * X\n",
         "        return LogisticRegression(self.X_data[idx], self.y_data[idx], self.l2).grad(X)\n"),
    ), "LogisticRegression"),
    Fair("sgd: indices from choice(np.arange(N)) positional, schedule as lr t0 / (t0 + t), the average as a running sum", T, (
        ("        if self.schedule == \"inverse\":\n            return self.lr / (1.0 + t / self.t0)\n",
         "        if self.schedule == \"inverse\":\n            return self.lr * self.t0 / (self.t0 + t)\n"),
        ("        idx = self.rng_.choice(self.loss.n_samples, size=self.batch_size, replace=False)\n"
         "        self.z_ = self.z_ - self.step_size(self.t_) * self.loss.grad_batch(self.z_, idx)\n"
         "        self.t_ += 1\n"
         "        if self.average is None or self.t_ <= self.average:\n"
         "            return self.z_.copy()\n"
         "        return X + (self.z_ - X) / (self.t_ - self.average + 1)\n",
         "        idx = self.rng_.choice(np.arange(self.loss.n_samples), self.batch_size, False)\n"
         "        eta = self.step_size(self.t_)\n"
         "        self.z_ = self.z_ - eta * self.loss.grad_batch(self.z_, idx)\n"
         "        self.t_ += 1\n"
         "        if self.average is None or self.t_ < self.average:\n"
         "            return self.z_.copy()\n"
         "        if self.t_ == self.average or not hasattr(self, '_sum'):\n"
         "            self._sum = self.z_.copy() if self.t_ == self.average else X.copy() * 1.0\n"
         "            if self.t_ != self.average:  # average = 0: the sum holds z_0 (the start) already\n"
         "                self._sum = self._sum + self.z_\n"
         "            return self._sum / (self.t_ - self.average + 1)\n"
         "        self._sum = self._sum + self.z_\n"
         "        return self._sum / (self.t_ - self.average + 1)\n"),
        ('        self.t_ = 0\n        self.z_ = X.copy()\n', '        self.t_ = 0\n        self.z_ = X.copy()\n        if hasattr(self, "_sum"):\n            del self._sum\n'),
    ), "SGD"),
    Fair("svrg: the snapshot step written as a countdown, the control variate as one difference of gradients", T, (
        ("        if self.t_ % self.m_ == 0:\n            self.snapshot_ = X.copy()\n            self.full_grad_ = self.loss.grad(X)\n"
         "        idx = self.rng_.choice(self.loss.n_samples, size=self.batch_size, replace=False)\n"
         "        g = self.loss.grad_batch(X, idx) - self.loss.grad_batch(self.snapshot_, idx) + self.full_grad_\n"
         "        self.t_ += 1\n        return X - self.lr * g\n",
         "        if self.t_ == 0 or getattr(self, '_left', 0) == 0:\n"
         "            self.snapshot_, self.full_grad_, self._left = X.copy(), self.loss.grad(X), self.m_\n"
         "        self._left -= 1\n"
         "        idx = self.rng_.choice(self.loss.n_samples, size=self.batch_size, replace=False)\n"
         "        both = self.loss.grad_batch(np.concatenate([X, self.snapshot_]), idx)  # one call for x and the snapshot\n"
         "        n = len(X)\n"
         "        self.t_ += 1\n"
         "        return X - self.lr * (self.full_grad_ + (both[:n] - both[n:]))\n"),
    ), "SVRG"),
    Fair("adamw in torch's order: decay x by (1 - lr weight_decay) first, then the Adam step from the gradient already taken", T, (
        ("        return X - self.lr * (m_hat / (np.sqrt(v_hat) + self.eps) + self.weight_decay * X)\n",
         "        X = X * (1.0 - self.lr * self.weight_decay)  # the gradient g was taken before this\n"
         "        return X - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)\n"),
    ), "AdamW"),
    Fair("adamw with in-place moments and the bias correction folded into the step size", T, (
        ("        self.m_ = self.beta1 * self.m_ + (1.0 - self.beta1) * g\n        self.v_ = self.beta2 * self.v_ + (1.0 - self.beta2) * g**2\n"
         "        m_hat = self.m_ / (1.0 - self.beta1**self.t_)\n        v_hat = self.v_ / (1.0 - self.beta2**self.t_)\n"
         "        return X - self.lr * (m_hat / (np.sqrt(v_hat) + self.eps) + self.weight_decay * X)\n",
         "        self.m_ *= self.beta1\n        self.m_ += (1.0 - self.beta1) * g\n"
         "        self.v_ *= self.beta2\n        self.v_ += (1.0 - self.beta2) * g * g\n"
         "        c1, c2 = 1.0 - self.beta1**self.t_, 1.0 - self.beta2**self.t_\n"
         "        adaptive = (self.m_ / c1) / (np.sqrt(self.v_ / c2) + self.eps)\n"
         "        return X - self.lr * adaptive - self.lr * self.weight_decay * X\n"),
    ), "AdamW"),
]
CATALOGUE += LESSON7
