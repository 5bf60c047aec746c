"""The grader's side of the one narrow door between the checks and a folder of student code.

Checks never touch student objects. They send plain requests (build this landscape
or optimizer by name with these arguments, call this method on these arrays, fit
from this ``X0``) and get plain float64 arrays and numbers back:

    check  --Target.call / Target.fit-->  request (dict of names, numbers, arrays)
                                          Runner.handle (grader.sandbox.runner): imports, builds,
                                          calls the student's code, here or in a sandboxed process
    check  <--validated float64 arrays--  response (dict of numbers, arrays, short strings)

``Target`` re-checks every response (types, shapes, finiteness) before a check sees it;
``LandscapeSpec`` names a landscape in a request.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from .sandbox.runner import MODULES, SUBMITTED, Runner, StudentError  # noqa: F401  (MODULES, SUBMITTED: the course's layout, for the grader's side too)

Array = np.ndarray

#: how an answer from the student's side may fail (``wrong``: a stored reference answer is missing)
FAILURE_KINDS = ("missing", "import", "not_implemented", "error", "timeout", "bad_output", "wrong")


@dataclass(frozen=True)
class LandscapeSpec:
    """Which landscape to build: class ``name`` with ``kwargs``, from the ``target`` folder or
    the ``reference``; ``hide`` lists methods the built object must not expose."""

    name: str
    kwargs: tuple = ()
    source: str = "target"
    hide: tuple[str, ...] = ()
    scale: float = 1.0
    affine: tuple | None = None  # (A: (d, d), c: (d,)): the landscape seen as z -> L(A z + c)
    count: bool = False  # count the points at which the loss, gradient and Hessian are evaluated

    def as_dict(self) -> dict:
        return {"name": self.name, "kwargs": dict(self.kwargs), "source": self.source, "hide": list(self.hide), "scale": self.scale, "affine": self.affine, "count": self.count}

    def scaled(self, c: float) -> "LandscapeSpec":
        """The same landscape with its loss (and so its derivatives) multiplied by ``c``."""
        return dataclasses.replace(self, scale=self.scale * c)

    def counted(self) -> "LandscapeSpec":
        """The same landscape, counting its evaluations (reported in ``FitResult.evaluations``)."""
        return dataclasses.replace(self, count=True)

    def transformed(self, A, c) -> "LandscapeSpec":
        """The landscape in new coordinates ``z`` with ``x = A z + c``: ``z -> L(A z + c)``."""
        return dataclasses.replace(self, affine=(np.asarray(A, dtype=np.float64), np.asarray(c, dtype=np.float64)))


def _freeze(kwargs: dict) -> tuple:
    return tuple(sorted(kwargs.items()))


# ----------------------------------------------------------------------------- the grader's side
def _floats(value, where: str) -> Array:
    """A float64 array from an answer, or ``StudentError("bad_output")``: whatever the student's
    process sends in place of numbers (text, lists of text, nothing) is its own fault, and none
    of it is quoted back."""
    if isinstance(value, (str, bytes, dict)) or value is None:
        raise StudentError("bad_output", f"{where} answered with something that is not an array of numbers", where)
    try:
        out = np.array(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise StudentError("bad_output", f"{where} answered with something that is not an array of numbers", where) from None
    return out


def _finite_array(value, where: str, shape: tuple | None) -> Array:
    """An answer that must be a finite float64 array (of ``shape``, when given)."""
    value = _floats(value, where)
    if shape is not None and value.shape != tuple(shape):
        raise StudentError("bad_output", f"{where} returned shape {value.shape}; expected {tuple(shape)}", where)
    if not np.all(np.isfinite(value)):
        raise StudentError("bad_output", f"{where} returned NaN or inf for finite input; expected finite numbers (look for a division by zero or an overflow)", where)
    return value


@dataclass
class FitResult:
    """One run of ``fit``, as the grader sees it: plain float64 arrays (ints as floats)."""

    X: Array
    n_iter: Array
    converged: Array
    diverged: Array
    X0_after: Array
    Xs: Array | None = None
    losses: Array | None = None
    evaluations: Array | None = None  # (3,) points at which loss, gradient, Hessian were evaluated (counted specs)


@dataclass
class Target:
    """The checks' handle on one folder. Every answer is re-validated here."""

    runner: Runner
    label: str = ""
    requests: int = field(default=0)
    memo: dict = field(default_factory=dict)  # verdicts the checks share within one run (e.g. "does the step work?")

    def _ask(self, request: dict) -> dict:
        self.requests += 1
        response = self.runner.handle(request)
        if not isinstance(response, dict):
            raise StudentError("bad_output", "the student's process answered with something that is not an answer", "")
        if response.get("ok") is not True:
            kind = response.get("kind")
            # a kind from the student's process can only ever be one of the failures: never "passed"
            kind = kind if kind in FAILURE_KINDS else "bad_output"
            raise StudentError(kind, str(response.get("message"))[:2000], str(response.get("where"))[:200])
        return response

    def landscape(self, name: str, source: str = "target", hide: tuple = (), **kwargs) -> "LandscapeHandle":
        return LandscapeHandle(self, LandscapeSpec(name, _freeze(kwargs), source, tuple(hide)))

    def call(self, spec: LandscapeSpec, method: str, *args, shape: tuple | None = None) -> Array:
        response = self._ask({"op": "call", "landscape": spec.as_dict(), "method": method, "args": [np.asarray(a, dtype=np.float64) for a in args]})
        where = f"{spec.name}.{method}" if method != "__call__" else f"{spec.name}(X)"
        value = _floats(response.get("value"), where)
        if shape is not None and value.shape != tuple(shape):
            arg = np.shape(args[0]) if args else ()
            raise StudentError("bad_output", f"{where} returned shape {value.shape} for input of shape {arg}; expected {tuple(shape)}", where)
        if not np.all(np.isfinite(value)):
            raise StudentError("bad_output", f"{where} returned NaN or inf for finite input; expected finite numbers (look for a division by zero or an overflow)", where)
        return value

    def static(self, cls: str, method: str, *args, shape: tuple | None = None) -> Array:
        """Call the static method ``cls.method(*args)`` (arrays and numbers in, an array out)."""
        args = [np.asarray(a, dtype=np.float64) if np.ndim(a) else float(a) for a in args]
        response = self._ask({"op": "static", "cls": cls, "method": method, "args": args})
        return _finite_array(response.get("value"), f"{cls}.{method}", shape)

    def function(self, name: str, landscape: LandscapeSpec, *args, shape: tuple | None = None, **kwargs) -> Array:
        """Call the exercise function ``name(landscape, *args, **kwargs)`` (arrays and numbers in, an array out)."""
        response = self._ask({"op": "function", "name": name, "landscape": landscape.as_dict(), "args": [np.asarray(a, dtype=np.float64) for a in args], "kwargs": kwargs})
        return _finite_array(response.get("value"), name, shape)

    def answer(self, module: str, name: str) -> float | str:
        """The student's answer ``module.name``: a float (any real number, converted by the runner's
        ``plain_answer``; ``grader.answers.judge`` refuses NaN) or a string of at most 40 characters."""
        value = self._ask({"op": "answer", "module": module, "name": name}).get("value")
        where = f"{module}.{name}"
        if isinstance(value, str):
            return value[:40]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise StudentError("bad_output", f"{where}: the answer is neither a number nor a letter", where)
        return float(value)

    def fit(self, optimizer: str, landscape: LandscapeSpec, *starts, **kwargs) -> list[FitResult] | FitResult:
        """Fit ``optimizer(landscape, **kwargs)`` from each start in turn on one instance.
        Returns one ``FitResult`` per start (just the result for a single start)."""
        response = self._ask({"op": "fit", "optimizer": optimizer, "landscape": landscape.as_dict(), "kwargs": kwargs, "starts": [np.asarray(s, dtype=np.float64) for s in starts]})
        fits = response.get("fits")
        if not isinstance(fits, list) or len(fits) != len(starts):
            raise StudentError("bad_output", f"{optimizer}.fit gave no result", optimizer)
        results = [self._fit_result(optimizer, np.asarray(X0, dtype=np.float64), fit, kwargs) for X0, fit in zip(starts, fits)]
        return results[0] if len(results) == 1 else results

    def _fit_result(self, name: str, X0: Array, fit: dict, kwargs: dict) -> FitResult:
        if not isinstance(fit, dict):
            raise StudentError("bad_output", f"{name}.fit answered with something that is not a result", name)

        def get(key):
            if key not in fit:
                raise StudentError("bad_output", f"{name}.fit did not set {key}", name)
            return _floats(fit[key], f"{name}.{key}")

        rows = () if X0.ndim == 1 else (X0.shape[0],)
        result = FitResult(get("X_"), get("n_iter_"), get("converged_"), get("diverged_"), get("X0_after"))
        expected = {"X_": X0.shape, "n_iter_": rows, "converged_": rows, "diverged_": rows}
        if kwargs.get("store_history"):
            result.Xs, result.losses = get("Xs_"), get("losses_")
        if "evaluations" in fit:
            result.evaluations = get("evaluations")
        got = {"X_": result.X, "n_iter_": result.n_iter, "converged_": result.converged, "diverged_": result.diverged}
        for key, shape in expected.items():
            if got[key].shape != shape:
                raise StudentError("bad_output", f"{name}.{key} has shape {got[key].shape} for X0 of shape {X0.shape}; expected {shape}", name)
        return result

    def fit_error(self, optimizer: str, landscape: LandscapeSpec, X0, **kwargs) -> tuple[str | None, str]:
        """The exception type raised by ``optimizer(landscape, **kwargs).fit(X0)`` (ValueError or
        TypeError; None if it raised nothing), and its message."""
        response = self._ask({"op": "fit_error", "optimizer": optimizer, "landscape": landscape.as_dict(), "kwargs": kwargs, "starts": [X0]})
        raised = response.get("raised")
        return (raised if raised in ("ValueError", "TypeError") else None), str(response.get("message", ""))[:300]


@dataclass(frozen=True)
class LandscapeHandle:
    """A landscape of the target, usable like one: ``h(X)``, ``h.grad(X)``, ``h.hessian(X)``,
    ``h.call(method, *args)``; shapes are checked against ``X: (n, d)``."""

    target: Target
    spec: LandscapeSpec

    def __call__(self, X) -> Array:
        X = np.asarray(X, dtype=np.float64)
        return self.target.call(self.spec, "__call__", X, shape=X.shape[:-1])

    def grad(self, X) -> Array:
        X = np.asarray(X, dtype=np.float64)
        return self.target.call(self.spec, "grad", X, shape=X.shape)

    def hessian(self, X) -> Array:
        X = np.asarray(X, dtype=np.float64)
        return self.target.call(self.spec, "hessian", X, shape=X.shape + X.shape[-1:])

    def call(self, method: str, *args, shape=None) -> Array:
        return self.target.call(self.spec, method, *args, shape=shape)

    def method(self, name: str, shape_of=None):
        """``method(X)`` as a plain function, with the output shape ``shape_of(X.shape)``."""
        return lambda X: self.call(name, X, shape=None if shape_of is None else shape_of(np.shape(X)))
