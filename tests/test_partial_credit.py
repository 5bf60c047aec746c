"""Partial credit in proportion: a one-token slip in an optimizer costs the checks it breaks, not
its whole exercise (COURSE.md, "What a grade promises": *In proportion*).

``SLIPS`` holds, for every optimizer of the course (and the Armijo search), at least three
realistic single-token slips of the reference: a sign, a missing or doubled factor, a wrong
hyperparameter, eps inside the root, an axis, a transpose, a loop's order. Each is graded with its
exercise's checks only (hidden ones included), and:

- loses points (the grader sees it);
- where the working-step gate (``require_working``) lets it through, keeps the contract checks
  that its plumbing passes (shapes, input untouched, history, refit, bad input);
- keeps some points, unless it is one of ``WHOLE_EXERCISE`` (each with the reason), and at most
  a quarter of the slips lose the whole exercise. The points each keeps are printed
  (``pytest -s``) and quoted in README.md ("How points are split").

The lazy submissions, which must still earn nothing, are ``tests/test_lazy_submissions.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from grader import engine

from .helpers import grade, variant

pytestmark = pytest.mark.slow  # about 70 exercise batteries


@dataclass(frozen=True)
class Slip:
    name: str
    file: str
    old: str
    new: str
    exercise: str


F, S, Q, I, T = "first_order.py", "second_order.py", "quasi_newton.py", "inversion.py", "stochastic.py"
GD = "return X - self.lr * self.loss.grad(X)"
MOM = "self.v_ = self.momentum * self.v_ - self.lr * self.loss.grad(X)"
LANG = "return X - self.lr * (self.loss.grad(X) + self.noise * xi)"
ADAGRAD = "return X - self.lr * g / (np.sqrt(self.G_) + self.eps)"
RMS_V = "self.v_ = self.decay * self.v_ + (1.0 - self.decay) * g**2"
RMS_X = "return X - self.lr * g / (np.sqrt(self.v_) + self.eps)"
ADAM_X = "return X - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)"
ADAMW_X = "return X - self.lr * (m_hat / (np.sqrt(v_hat) + self.eps) + self.weight_decay * X)"
V_HAT = "v_hat = self.v_ / (1.0 - self.beta2**self.t_)"
M_HAT = "m_hat = self.m_ / (1.0 - self.beta1**self.t_)"
NEWTON_SOLVE = "return -np.linalg.solve(shifted, g[..., None])[..., 0]"
KAPPA = "kappa = np.max(lam, axis=1) / np.where(smallest > 0, smallest, 1.0)"
GN_SOLVE = "return -np.linalg.solve(JTJ + mu[:, None, None] * np.eye(d), JTr[..., None])[..., 0]"
BFGS_V = 'V = np.eye(d) - rho[:, None, None] * np.einsum("ni,nj->nij", s, y)  # I - rho s y^T'
BFGS_H = 'updated = V @ H @ np.swapaxes(V, 1, 2) + rho[:, None, None] * np.einsum("ni,nj->nij", s, s)'
SGD_IDX = "idx = self.rng_.choice(self.loss.n_samples, size=self.batch_size, replace=False)\n        self.z_"
SVRG_G = "g = self.loss.grad_batch(X, idx) - self.loss.grad_batch(self.snapshot_, idx) + self.full_grad_"
IG_NEWTON = "dY = newton_step_in_y(self.loss, Y, self.lr)"
PG_STEP = "return self.local_inverse(Y + newton_step_in_y(self.loss, Y, self.lr), X)"

SLIPS = [
    # ---- lesson 2
    Slip("gd climbs (+ for -)", F, GD, GD.replace("X - ", "X + "), "GradientDescent"),
    Slip("gd without lr", F, GD, "return X - self.loss.grad(X)", "GradientDescent"),
    Slip("gd divides by lr", F, GD, "return X - self.loss.grad(X) / self.lr", "GradientDescent"),
    Slip("gd half step (the 1/2 of |x|^2 / 2)", F, GD, "return X - 0.5 * self.lr * self.loss.grad(X)", "GradientDescent"),
    Slip("momentum velocity climbs (+ lr g)", F, MOM, MOM.replace("- self.lr", "+ self.lr"), "Momentum"),
    Slip("momentum 1 - beta for beta", F, MOM, MOM.replace("self.momentum *", "(1.0 - self.momentum) *"), "Momentum"),
    Slip("momentum without lr", F, MOM, MOM.replace("self.lr * ", ""), "Momentum"),
    Slip("momentum moves by beta v", F, "return X + self.v_", "return X + self.momentum * self.v_", "Momentum"),
    Slip("langevin ignores noise", F, LANG, LANG.replace("self.noise * xi", "xi"), "Langevin"),
    Slip("langevin noise**2 (variance for scale)", F, LANG, LANG.replace("self.noise * xi", "self.noise**2 * xi"), "Langevin"),
    Slip("langevin one draw for all rows (shape[1])", F, "xi = self.rng_.standard_normal(X.shape)", "xi = self.rng_.standard_normal(X.shape[1])", "Langevin"),
    Slip("langevin climbs (+ for -)", F, LANG, LANG.replace("X - ", "X + "), "Langevin"),
    Slip("adagrad replaces the sum (G = g^2)", F, "self.G_ = self.G_ + g**2", "self.G_ = g**2", "AdaGrad"),
    Slip("adagrad eps inside the root", F, ADAGRAD, "return X - self.lr * g / np.sqrt(self.G_ + self.eps)", "AdaGrad"),
    Slip("adagrad without the root", F, ADAGRAD, "return X - self.lr * g / (self.G_ + self.eps)", "AdaGrad"),
    Slip("adagrad sums g, not g^2", F, "self.G_ = self.G_ + g**2", "self.G_ = self.G_ + g", "AdaGrad"),
    Slip("rmsprop eps inside the root", F, RMS_X, "return X - self.lr * g / np.sqrt(self.v_ + self.eps)", "RMSprop"),
    Slip("rmsprop without the root", F, RMS_X, "return X - self.lr * g / (self.v_ + self.eps)", "RMSprop"),
    Slip("rmsprop 1 - decay on the old average", F, RMS_V, RMS_V.replace("self.decay * self.v_", "(1.0 - self.decay) * self.v_"), "RMSprop"),
    Slip("rmsprop averages g, not g^2", F, RMS_V, RMS_V.replace("g**2", "g"), "RMSprop"),
    Slip("adam beta1 in the second bias correction", F, V_HAT, V_HAT.replace("beta2", "beta1"), "Adam"),
    Slip("adam m not bias-corrected", F, M_HAT, "m_hat = self.m_", "Adam"),
    Slip("adam eps inside the root", F, ADAM_X, "return X - self.lr * m_hat / np.sqrt(v_hat + self.eps)", "Adam"),
    Slip("adam beta2 without the power t", F, V_HAT, "v_hat = self.v_ / (1.0 - self.beta2)", "Adam"),
    # ---- lesson 3
    Slip("armijo + c1 for - c1 (a stricter test)", S, "ok = f <= f0[rows] + c1 * t[rows] * slope[rows]", "ok = f <= f0[rows] - c1 * t[rows] * slope[rows]", "backtracking"),
    Slip("armijo shrinks the rows that succeeded", S, "t[rows[~ok]] *= shrink", "t[rows[ok]] *= shrink", "backtracking"),
    Slip("armijo searches where slope > 0", S, "searching = slope < 0", "searching = slope > 0", "backtracking"),
    Slip("newton direction climbs (solve without -)", S, NEWTON_SOLVE, NEWTON_SOLVE.replace("return -np", "return np"), "Newton"),
    Slip("newton tests the largest eigenvalue", S, "mu = np.where(lam[:, 0] > 0, 0.0, damping * scale - lam[:, 0])", "mu = np.where(lam[:, -1] > 0, 0.0, damping * scale - lam[:, 0])", "Newton"),
    Slip("newton + lam_min in the shift", S, "mu = np.where(lam[:, 0] > 0, 0.0, damping * scale - lam[:, 0])", "mu = np.where(lam[:, 0] > 0, 0.0, damping * scale + lam[:, 0])", "Newton"),
    Slip("newton scale without abs", S, "scale = np.max(np.abs(lam), axis=1)", "scale = np.max(lam, axis=1)", "Newton"),
    Slip("condition-scaled gd multiplies by kappa (the seed's code)", S, "return X - (self.lr / (kappa + self.eps))[:, None] * self.loss.grad(X)", "return X - (self.lr * (kappa + self.eps))[:, None] * self.loss.grad(X)", "ConditionScaledGD"),
    Slip("condition-scaled gd without abs", S, "lam = np.abs(np.linalg.eigvalsh(self.loss.hessian(X)))", "lam = np.linalg.eigvalsh(self.loss.hessian(X))", "ConditionScaledGD"),
    Slip("condition-scaled gd min over axis 0", S, "smallest = np.min(lam, axis=1)", "smallest = np.min(lam, axis=0)", "ConditionScaledGD"),
    Slip("condition-scaled gd steps on a singular Hessian", S, "kappa = np.where(smallest > 0, kappa, np.inf)", "kappa = np.where(smallest > 0, kappa, 1.0)", "ConditionScaledGD"),
    Slip("gauss-newton mu without / d", S, "mu = damping * np.trace(JTJ, axis1=1, axis2=2) / d", "mu = damping * np.trace(JTJ, axis1=1, axis2=2)", "GaussNewton"),
    Slip("gauss-newton climbs (solve without -)", S, GN_SOLVE, GN_SOLVE.replace("return -np", "return np"), "GaussNewton"),
    Slip("gauss-newton - mu", S, GN_SOLVE, GN_SOLVE.replace("JTJ + mu", "JTJ - mu"), "GaussNewton"),
    Slip("gauss-newton gradient of L, not L / 2", S, 'JTr = np.einsum("nmi,nm->ni", J, r)', 'JTr = 2.0 * np.einsum("nmi,nm->ni", J, r)', "GaussNewton"),
    # ---- lesson 4
    Slip("broyden (Hy - s) for (s - Hy)", Q, 'update = np.einsum("ni,nj->nij", s - Hy, sH)', 'update = np.einsum("ni,nj->nij", Hy - s, sH)', "Broyden"),
    Slip("broyden H^T in s^T H", Q, 'sH = np.einsum("ni,nij->nj", s, H)', 'sH = np.einsum("ni,nji->nj", s, H)', "Broyden"),
    Slip("broyden threshold without abs", Q, "usable = np.abs(denom) >", "usable = denom >", "Broyden"),
    Slip("broyden s^T y for s^T H y", Q, 'denom = np.einsum("ni,ni->n", s, Hy)', 'denom = np.einsum("ni,ni->n", s, y)', "Broyden"),
    Slip("bfgs V = I - rho y s^T (transposed)", Q, BFGS_V, BFGS_V.replace("s, y)", "y, s)"), "BFGS"),
    Slip("bfgs V H V (no transpose)", Q, BFGS_H, BFGS_H.replace("V @ H @ np.swapaxes(V, 1, 2)", "V @ H @ V"), "BFGS"),
    Slip("bfgs - rho s s^T", Q, BFGS_H, BFGS_H.replace(") + rho", ") - rho"), "BFGS"),
    Slip("lbfgs alpha with y for s", Q, 'alpha[i] = rho[i] * np.einsum("nd,nd->n", S[i], q)', 'alpha[i] = rho[i] * np.einsum("nd,nd->n", Y[i], q)', "LBFGS"),
    Slip("lbfgs beta - alpha for alpha - beta", Q, "r += (alpha[i] - beta)[:, None] * S[i]", "r += (beta - alpha[i])[:, None] * S[i]", "LBFGS"),
    Slip("lbfgs first loop oldest first", Q, "for i in reversed(range(len(S))):", "for i in range(len(S)):", "LBFGS"),
    Slip("lbfgs ignores gamma", Q, "r = gamma[:, None] * q", "r = q", "LBFGS"),
    # ---- lesson 5
    Slip("inverse gradient: gradient step in y without lr", I, "dY = -self.lr * self.loss.grad_y(Y)", "dY = -self.loss.grad_y(Y)", "InverseGradient"),
    Slip("inverse gradient: full Newton step in y (lr ignored)", I, IG_NEWTON, IG_NEWTON.replace("self.lr", "1.0"), "InverseGradient"),
    Slip("inverse gradient: Newton step in y taken at x", I, IG_NEWTON, IG_NEWTON.replace(", Y,", ", X,"), "InverseGradient"),
    Slip("inverse gradient climbs (x - dx)", I, "return X + dX", "return X - dX", "InverseGradient"),
    Slip("physical gradient inverts the step, not the point", I, PG_STEP, PG_STEP.replace("Y + newton", "newton"), "PhysicalGradient"),
    Slip("physical gradient climbs in y (y - dy)", I, PG_STEP, PG_STEP.replace("Y + newton", "Y - newton"), "PhysicalGradient"),
    Slip("physical gradient guides the inverse by y", I, PG_STEP, PG_STEP.replace("self.lr), X)", "self.lr), Y)"), "PhysicalGradient"),
    Slip("physical gradient full Newton step (lr ignored)", I, PG_STEP, PG_STEP.replace("self.lr", "1.0"), "PhysicalGradient"),
    # ---- lesson 7
    Slip("sgd schedule t * t0 for t / t0", T, "return self.lr / (1.0 + t / self.t0)", "return self.lr / (1.0 + t * self.t0)", "SGD"),
    Slip("sgd draws with replacement", T, SGD_IDX, SGD_IDX.replace("replace=False", "replace=True"), "SGD"),
    Slip("sgd averages one step late (no + 1)", T, "return X + (self.z_ - X) / (self.t_ - self.average + 1)", "return X + (self.z_ - X) / (self.t_ - self.average)", "SGD"),
    Slip("sgd schedule one step ahead (t + 1)", T, "self.z_ = self.z_ - self.step_size(self.t_) *", "self.z_ = self.z_ - self.step_size(self.t_ + 1) *", "SGD"),
    Slip("svrg + the snapshot's minibatch gradient", T, SVRG_G, SVRG_G.replace("- self.loss.grad_batch(self.snapshot_", "+ self.loss.grad_batch(self.snapshot_"), "SVRG"),
    Slip("svrg without the full gradient", T, SVRG_G, SVRG_G.replace(" + self.full_grad_", ""), "SVRG"),
    Slip("svrg steps from the snapshot", T, "return X - self.lr * g", "return self.snapshot_ - self.lr * g", "SVRG"),
    Slip("svrg draws with replacement", T, "idx = self.rng_.choice(self.loss.n_samples, size=self.batch_size, replace=False)\n        g =", "idx = self.rng_.choice(self.loss.n_samples, size=self.batch_size, replace=True)\n        g =", "SVRG"),
    Slip("adamw decay grows x (- for +)", T, ADAMW_X, ADAMW_X.replace("+ self.weight_decay", "- self.weight_decay"), "AdamW"),
    Slip("adamw beta1 in the second bias correction", T, V_HAT, V_HAT.replace("beta2", "beta1"), "AdamW"),
    Slip("adamw eps inside the root", T, ADAMW_X, ADAMW_X.replace("np.sqrt(v_hat) + self.eps", "np.sqrt(v_hat + self.eps)"), "AdamW"),
    Slip("adamw 1 - beta2 in the first moment", T, "self.m_ = self.beta1 * self.m_ + (1.0 - self.beta1) * g", "self.m_ = self.beta1 * self.m_ + (1.0 - self.beta2) * g", "AdamW"),
]

OPTIMIZERS = (
    "GradientDescent", "Momentum", "Langevin", "AdaGrad", "RMSprop", "Adam", "Newton", "ConditionScaledGD", "GaussNewton",
    "Broyden", "BFGS", "LBFGS", "InverseGradient", "PhysicalGradient", "SGD", "SVRG", "AdamW",
)
#: contract checks that judge plumbing only: a slip in the numbers of the update keeps them
PLUMBING = ("contract.shapes", "contract.input_untouched", "contract.history", "contract.refit", "contract.bad_input")
#: and, for a deterministic method (it has a batch-independence check), those that compare its rows
#: with its own rows run otherwise (alone, or without a stopped row beside them)
OWN_ROWS = ("contract.batch_independence", "contract.stopped_row")
#: at most this share of the slips may lose their whole exercise
WHOLE_EXERCISE_SHARE = 0.25
#: the slips that may lose their whole exercise, and why nothing of it is left to earn
WHOLE_EXERCISE = {
    "adagrad sums g, not g^2": "the root of a negative sum: NaN from the first steps",
    "rmsprop averages g, not g^2": "the root of a negative average: NaN from the first steps",
    "armijo shrinks the rows that succeeded": "every point of backtracking looks at the steps it accepts",
    "armijo searches where slope > 0": "every point of backtracking looks at the steps it accepts",
    "condition-scaled gd min over axis 0": "it crashes on every batch whose size is not d",
    "inverse gradient: full Newton step in y (lr ignored)": "every start lands on the origin, the bowl's minimum: the gate cannot tell it from return zeros",
    "physical gradient full Newton step (lr ignored)": "every start lands on the origin, the bowl's minimum: the gate cannot tell it from return zeros",
    "svrg without the full gradient": "at the snapshot its step is 0: it never moves",
}

_GRADED: dict[str, dict] = {}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The results of a slip's exercise (every check), graded once per slip."""

    def results_of(slip: Slip) -> dict:
        if slip.name not in _GRADED:
            folder = variant(tmp_path_factory.mktemp("slip"), {slip.file: [(slip.old, slip.new)]})
            _GRADED[slip.name] = grade(folder, pattern=slip.exercise + ".")
        return _GRADED[slip.name]

    return results_of


def test_every_optimizer_has_three_slips():
    assert set(WHOLE_EXERCISE) <= {s.name for s in SLIPS}
    counts = {name: sum(s.exercise == name for s in SLIPS) for name in OPTIMIZERS + ("backtracking",)}
    assert all(n >= 3 for n in counts.values()), counts
    assert len({s.name for s in SLIPS}) == len(SLIPS)
    solutions = {s.file: (engine.SOLUTIONS / s.file).read_text() for s in SLIPS}
    for s in SLIPS:  # a slip is a small edit of the reference, never a rewrite
        assert solutions[s.file].count(s.old) == 1 and s.old != s.new, s.name
        assert abs(len(s.new) - len(s.old)) <= 40, s.name


@pytest.mark.parametrize("slip", SLIPS, ids=lambda s: s.name)
def test_a_slip_costs_the_checks_it_breaks(graded, slip):
    results = graded(slip)
    earned, possible = sum(r.score for r in results.values()), sum(r.max_score for r in results.values())
    assert earned < possible, f"{slip.name}: full marks ({earned:g}/{possible:g}) for a wrong update"
    assert earned > 0 or slip.name in WHOLE_EXERCISE, f"{slip.name}: 0/{possible:g}, though it is not one of the slips that may lose everything: " + "; ".join(f"{n}: {r.output[:200]}" for n, r in results.items())
    # where the gate let it through, the contract checks that judge plumbing keep their points (a crash is broken plumbing)
    deterministic = f"{slip.exercise}.contract.batch_independence" in results
    plumbing = {name: results[f"{slip.exercise}.{name}"] for name in PLUMBING + (OWN_ROWS if deterministic else ()) if f"{slip.exercise}.{name}" in results}
    lost = {name: r.output[:300] for name, r in plumbing.items() if r.status != "passed" and r.kind != "error" and not r.cause.startswith("gate:")}
    assert not lost, f"{slip.name}: plumbing checks failed: {lost}"


def test_at_most_a_quarter_of_the_slips_lose_the_whole_exercise(graded):
    rows = []
    for slip in SLIPS:
        results = graded(slip)
        earned, possible = sum(r.score for r in results.values()), sum(r.max_score for r in results.values())
        gated = sum(r.cause.startswith("gate:") for r in results.values())
        rows.append((slip, earned, possible, gated))
    whole = [(s, p) for s, e, p, g in rows if e == 0]
    kept = sum(e / p for s, e, p, g in rows) / len(rows)
    print(f"\n{len(SLIPS)} slips over {len({s.exercise for s in SLIPS})} exercises: on average {kept:.0%} of the exercise's points kept; "
          f"{len(whole)} ({len(whole) / len(SLIPS):.0%}) lose the whole exercise; {sum(g > 0 for *_, g in rows)} fail the working-step gate")
    for slip, earned, possible, gated in rows:
        print(f"  {slip.exercise:18s} {earned:4g}/{possible:<4g} {'(gate: ' + str(gated) + ' checks)' if gated else '':20s} {slip.name}")
    assert len(whole) <= WHOLE_EXERCISE_SHARE * len(SLIPS), f"{len(whole)} of {len(SLIPS)} slips lose their whole exercise: " + "; ".join(f"{s.name} (0/{p:g})" for s, p in whole)
