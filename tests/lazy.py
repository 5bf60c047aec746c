"""Build whole *lazy* submissions from solutions/: every solution block replaced by a body that
answers (runs, returns arrays of the right shape) without doing the work.

A lazy submission must earn nothing anywhere (COURSE.md, "What a grade promises": a method that
never moves, returns NaN or lies about convergence earns nothing). ``build(kind, folder)`` writes
one, ``tests/test_lazy_submissions.py`` grades it.

Each block (from ``# BEGIN SOLUTION`` to ``# END SOLUTION``, markers included) becomes the lazy
body of its kind, at the marker's indentation; which body fits is decided by the block's
enclosing function, found as ``grader.instructor.stubs`` finds it. The kinds:

``return_input``        updates ``return X``; static methods return their first matrix/vector
                        argument (``H``, ``g``; ``GaussNewton.direction``, whose first argument
                        ``r: (n, m)`` is not shaped like the answer ``(n, d)``, returns zeros, the
                        direction that does not move); derivatives are zeros; ``physics_inverse``
                        returns ``Y``.
``nan``                 everything is NaN of the right shape.
``zeros``               updates return ``np.zeros_like(X)``; everything else zeros.
``random_step``         updates ``X + 0.1 * N(0, 1)`` (seed 0, every call); everything else
                        standard normal of the right shape.
``fixed_step``          updates ``X - 0.01``; static methods their input plus 0.01 (zeros plus
                        0.01 for ``GaussNewton.direction``); derivatives the constant 0.01;
                        ``physics_inverse`` returns ``Y + 0.01``.
``sign_of_gradient``    updates ``X - lr * sign(grad L(X))``; directions ``-sign(g)``
                        (``GaussNewton``: ``-sign(J^T r)``), ``LBFGS.two_loop`` (which gives
                        ``H g``, the direction being ``-H g``) ``sign(g)``, matrix updates ``H``;
                        landscape methods ``sign`` of their input, shaped right (a vector
                        ``sign(x)``, a matrix ``diag(sign(x))``, rectangular for Rosenbrock's
                        residual Jacobian).
``constant_landscape``  only landscapes.py is lazy: every derivative is zeros and
                        ``physics_inverse`` returns its guide ``X0``; the rest is the reference.
``claims_convergence``  the optimizer files: updates ``return X``, static methods as in
                        ``return_input``, and every exercise class gets a ``fit`` that does no
                        work and claims every row converged at ``X0`` after 0 updates (with a
                        history of ``max_iter + 1`` copies of ``X0``); landscapes.py is the
                        reference.
"""

from __future__ import annotations

import ast
import shutil
import textwrap
from pathlib import Path

from grader import engine
from grader.instructor.stubs import _MARKER, _enclosing_names
from grader.sandbox.runner import ANSWER_MODULES
from grader.target import MODULES

KINDS = ("return_input", "nan", "zeros", "random_step", "fixed_step", "sign_of_gradient", "constant_landscape", "claims_convergence")

LANDSCAPE_EXERCISES = MODULES["landscapes"]
OPTIMIZER_FILES = tuple(f"{module}.py" for module in MODULES if module != "landscapes")
OPTIMIZER_EXERCISES = tuple(cls for module, classes in MODULES.items() if module != "landscapes" for cls in classes)

#: which exercises each kind must score 0 in (None: every exercise)
ASSERTED = {kind: None for kind in KINDS} | {"constant_landscape": LANDSCAPE_EXERCISES, "claims_convergence": OPTIMIZER_EXERCISES}

RNG = "np.random.default_rng(0)"

# ---------------------------------------------------------------------------- what each block is
#: landscape derivatives: (input variable, rows of the matrix answer, or None for a vector answer
#: shaped like the input). A matrix answer is (n, rows, d).
DERIVATIVES = {
    "Quadratic.grad": ("X", None),
    "Quadratic.hessian": ("X", "X.shape[1]"),
    "ScaledQuadratic.physics_jacobian": ("X", "X.shape[1]"),
    "ScaledQuadratic.grad": ("X", None),
    "ScaledQuadratic.hessian": ("X", "X.shape[1]"),
    "SquarePhysics.physics_jacobian": ("X", "X.shape[1]"),
    "SquarePhysics.grad_y": ("Y", None),
    "SquarePhysics.hessian_y": ("Y", "Y.shape[1]"),
    "SquarePhysics.grad": ("X", None),
    "SquarePhysics.hessian": ("X", "X.shape[1]"),
    "GaussianWells.grad": ("X", None),
    "GaussianWells.hessian": ("X", "X.shape[1]"),
    "Rosenbrock.residual_jacobian": ("X", "2 * (X.shape[1] - 1)"),
    "Rosenbrock.grad": ("X", None),
    "Rosenbrock.hessian": ("X", "X.shape[1]"),
    "LogisticRegression.grad": ("X", None),
    "LogisticRegression.hessian": ("X", "X.shape[1]"),
    "LogisticRegression.grad_batch": ("X", None),
}
#: methods that answer a number (SGD's step size of step t)
SCALARS = ("SGD.step_size",)
#: blocks that assign the result to ``X`` (the given code after the block returns it), with the
#: names the block sees: the targets (n, 2) and the guides (n, 2)
INVERSES = {"SquarePhysics.physics_inverse": ("Y2", "X02")}
#: static methods of the optimizers, by role
STATICS = {
    "Newton.direction": "direction",  # (g, H, damping) -> (n, d)
    "GaussNewton.direction": "gauss_newton",  # (r, J, damping) -> (n, d)
    "Broyden.inverse_update": "matrix",  # (H, s, y) -> (n, d, d)
    "BFGS.inverse_update": "matrix",
    "LBFGS.two_loop": "two_loop",  # (g, S, Y, rho, gamma) -> H g (n, d)
}


def _derivative(kind: str, var: str, rows: str | None) -> str:
    shape = f"{var}.shape" if rows is None else f"({var}.shape[0], {rows}, {var}.shape[1])"
    if kind in ("return_input", "zeros", "constant_landscape", "claims_convergence"):
        return f"np.zeros({shape})"
    if kind == "nan":
        return f"np.full({shape}, np.nan)"
    if kind == "random_step":
        return f"{RNG}.standard_normal({shape})"
    if kind == "fixed_step":
        return f"np.full({shape}, 0.01)"
    if kind == "sign_of_gradient":
        return f"np.sign({var})" if rows is None else f"np.sign({var})[:, None, :] * np.eye({rows}, {var}.shape[1])"
    raise ValueError(kind)


def _inverse(kind: str, Y: str, X0: str) -> str:
    return {
        "return_input": f"{Y}.copy()",
        "claims_convergence": f"{Y}.copy()",
        "nan": f"np.full_like({Y}, np.nan)",
        "zeros": f"np.zeros_like({Y})",
        "random_step": f"{RNG}.standard_normal({Y}.shape)",
        "fixed_step": f"{Y} + 0.01",
        "sign_of_gradient": f"np.sign({Y})",
        "constant_landscape": f"{X0}.copy()",
    }[kind]


def _update(kind: str) -> str:
    return {
        "return_input": "X",
        "claims_convergence": "X",
        "nan": "np.full_like(X, np.nan)",
        "zeros": "np.zeros_like(X)",
        "random_step": f"X + 0.1 * {RNG}.standard_normal(X.shape)",
        "fixed_step": "X - 0.01",
        "sign_of_gradient": "X - self.lr * np.sign(self.loss.grad(X))",
    }[kind]


def _static(kind: str, role: str) -> str:
    kind = "return_input" if kind == "claims_convergence" else kind
    first = {"direction": "g", "matrix": "H", "two_loop": "g"}.get(role)
    shape = "(J.shape[0], J.shape[2])" if role == "gauss_newton" else f"{first}.shape"
    if kind in ("return_input", "fixed_step"):
        value = f"{first}.copy()" if first else f"np.zeros({shape})"
        return value if kind == "return_input" else f"{value} + 0.01"
    if kind == "nan":
        return f"np.full({shape}, np.nan)"
    if kind == "zeros":
        return f"np.zeros({shape})"
    if kind == "random_step":
        return f"{RNG}.standard_normal({shape})"
    if kind == "sign_of_gradient":
        return {
            "direction": "-np.sign(g)",
            "gauss_newton": '-np.sign(np.einsum("nmi,nm->ni", J, r))',
            "two_loop": "np.sign(g)",  # H g: the direction -H g is then -sign(g)
            "matrix": "H.copy()",
        }[role]
    raise ValueError(kind)


def _steps(kind: str) -> str:
    """A lazy Armijo search: no trial is ever tested."""
    first = "np.broadcast_to(np.asarray(t0, dtype=np.float64), f0.shape).copy()"
    return {
        "return_input": first,
        "claims_convergence": first,
        "nan": "np.full(f0.shape, np.nan)",
        "zeros": "np.zeros(f0.shape)",
        "random_step": f"np.abs({RNG}.standard_normal(f0.shape))",
        "fixed_step": "np.full(f0.shape, 0.01)",
        "sign_of_gradient": f"np.where(slope < 0, {first}, 0.0)",
    }[kind]


def _scalar(kind: str) -> str:
    return {"nan": 'float("nan")', "zeros": "0.0", "random_step": f"float(abs({RNG}.standard_normal()))"}.get(kind, "self.lr")


def lazy_body(kind: str, qualname: str, indent: str) -> str:
    """The lines that replace the solution block of ``qualname`` for ``kind``."""
    if qualname in SCALARS:
        line = f"return {_scalar(kind)}"
    elif qualname == "backtracking":
        line = f"return {_steps(kind)}"
    elif qualname in DERIVATIVES:
        line = f"return {_derivative(kind, *DERIVATIVES[qualname])}"
    elif qualname in INVERSES:
        line = f"X = {_inverse(kind, *INVERSES[qualname])}"
    elif qualname in STATICS:
        line = f"return {_static(kind, STATICS[qualname])}"
    elif qualname.endswith(".update"):
        line = f"return {_update(kind)}"
    else:
        raise KeyError(f"no lazy body for the solution block of {qualname}: add it to tests/lazy.py")
    return f"{indent}{line}  # lazy: {kind}\n"


LAZY_FIT = '''
def fit(self, X0):
    """Lazy: no work at all, every row claimed converged at X0 after 0 updates."""
    X = np.array(X0, dtype=np.float64)
    single = X.ndim == 1
    X2 = X[None, :] if single else X
    n = X2.shape[0]
    losses = np.asarray(self.loss(X2), dtype=np.float64).reshape(n)

    def shaped(a):
        return a[0] if single else a

    self.X_ = X.copy()
    self.loss_ = shaped(losses)
    self.n_iter_ = shaped(np.zeros(n, dtype=int))
    self.converged_ = shaped(np.ones(n, dtype=bool))
    self.diverged_ = shaped(np.zeros(n, dtype=bool))
    if self.store_history:
        self.Xs_ = np.stack([X] * (self.max_iter + 1))
        self.losses_ = np.stack([shaped(losses)] * (self.max_iter + 1))
    return self
'''


def lazy_source(source: str, kind: str, filename: str = "<source>", fit_classes: tuple = ()) -> str:
    """``source`` with every solution block replaced by ``kind``'s lazy body, and the lazy
    ``fit`` appended to each class named in ``fit_classes``."""
    tree = ast.parse(source, filename)
    where = _enclosing_names(tree)
    ends = {}  # last line of a class -> the class's indentation
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name in fit_classes:
            ends[node.end_lineno] = " " * (node.col_offset + 4)
    missing = set(fit_classes) - {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    assert not missing, f"{filename}: no class {sorted(missing)} to give a lazy fit"
    out, inside = [], False
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        match = _MARKER.match(line)
        if match is not None:
            indent, marker = match.groups()
            if marker == "BEGIN":
                out.append(lazy_body(kind, where[number], indent))
            inside = marker == "BEGIN"
        elif not inside:
            out.append(line)
        if number in ends:
            out.append(textwrap.indent(LAZY_FIT, ends[number]))
    text = "".join(out)
    ast.parse(text, filename)  # the lazy submission must at least be valid Python
    assert not any(_MARKER.match(line) for line in text.splitlines()), f"{filename}: a solution marker survived"
    return text


def lazy_files(kind: str) -> tuple[str, ...]:
    """The files of solutions/ that ``kind`` makes lazy (the others stay the reference)."""
    if kind == "constant_landscape":
        return ("landscapes.py",)
    if kind == "claims_convergence":
        return OPTIMIZER_FILES
    return tuple(sorted(p.name for p in engine.SOLUTIONS.glob("*.py") if p.stem not in ANSWER_MODULES and any(_MARKER.match(line) for line in p.read_text().splitlines())))


def build(kind: str, folder: Path) -> Path:
    """Write the lazy submission ``kind`` into ``folder`` (a copy of solutions/ made lazy)."""
    if kind not in KINDS:
        raise ValueError(f"unknown lazy kind {kind!r}; the kinds are {KINDS}")
    folder = Path(folder)
    shutil.copytree(engine.SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in lazy_files(kind):
        path = folder / name
        fit_classes = MODULES[path.stem] if kind == "claims_convergence" else ()
        path.write_text(lazy_source(path.read_text(), kind, str(path), fit_classes))
    for module in ANSWER_MODULES:  # a lazy student leaves the questions unanswered
        shutil.copyfile(engine.LESSONS / f"{module}.py", folder / f"{module}.py")
    return folder
