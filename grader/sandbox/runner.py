"""The student's side of the narrow door: the only code that imports or calls a folder of student code.

``Runner.handle`` answers plain requests (build this landscape or optimizer by name with these
arguments, call this method on these arrays, fit from this ``X0``) with plain data: float64
arrays, numbers and short strings. Whatever the student's code does (raise, print, loop, return
the wrong thing) becomes a ``StudentError`` in the answer, never an exception in the grader.
It runs in the grader's process for a student's own ``python -m grader check``, or in a
sandboxed child (``grader.sandbox.worker``) for instructor grading: only plain data crosses.
The grader's side, which re-checks every answer, is ``grader.target``.
"""

from __future__ import annotations

import contextlib
import decimal
import importlib
import importlib.util
import io
import numbers
import signal
import sys
import threading
import traceback
import types
import warnings
from pathlib import Path
from typing import Any

import numpy as np

Array = np.ndarray

if __package__ and __package__.startswith("grader."):
    from .. import course
else:  # the copy of this module in a student's sandbox, with a copy of the declaration beside it
    from . import course  # type: ignore[no-redef]

# The course's layout, from its declaration (grader/course.py):
#: the course modules and the exercise classes each one defines
MODULES: dict[str, tuple[str, ...]] = course.exercise_modules()
#: given classes (no exercises) that checks build from the reference
GIVEN = course.given_classes()
#: the lessons' answers modules (module-level values, graded by ``grader.checks.questions``)
ANSWER_MODULES = course.answer_modules()
#: every file a student hands in: the exercise modules and the answers modules
SUBMITTED = course.handed_in()
#: exercise functions (not classes) and their modules
FUNCTIONS = course.functions()
#: modules that are given code, not exercises, but that the exercises import
SUPPORT_MODULES = course.support_modules()
CLASS_MODULE = {cls: module for table in (MODULES, GIVEN) for module, classes in table.items() for cls in classes}

DEFAULT_CALL_SECONDS = 20.0
#: where imports of graded code look for bytecode: under /dev/null, where no file can ever be, so they
#: compile the source (no temporary folder: inside the sandbox none is looked up at import)
_NO_PYCACHE = "/dev/null/grader-reads-source-only"
_OUTPUT_LIMIT = 4000


class NotANumber(ValueError):
    """An answer that is no real number; the message says what it is instead."""


def plain_answer(value) -> float | str:
    """A lesson's answer as it crosses the door: a string (its first 40 characters) or a float.

    Any real number converts: int, float, NumPy's integer and float scalars and 0-d arrays,
    ``fractions.Fraction``, ``decimal.Decimal`` (NaN and infinities too: the judge refuses them,
    saying so). Raises ``NotANumber`` for True/False, complex numbers and anything else, naming it.
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]  # its one element, as a NumPy scalar
    if isinstance(value, str):
        return str(value)[:40]  # (a NumPy string too, as a plain one)
    if isinstance(value, (bool, np.bool_)):
        raise NotANumber(f"is {bool(value)}, a truth value: answer with a number")
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        raise NotANumber(f"is a complex number ({value}): answer with a real number")
    if not isinstance(value, (numbers.Real, decimal.Decimal)):
        what = f"an array of shape {value.shape}" if isinstance(value, np.ndarray) else f"a {type(value).__name__}"
        raise NotANumber(f"is {what}: answer with a number, or one letter as a string")
    try:
        return float(value)
    except OverflowError:
        raise NotANumber("is too large for a float: answer with a number of ordinary size") from None


class StudentError(Exception):
    """The student's code could not give an answer. ``kind`` is one of ``missing``,
    ``import``, ``not_implemented``, ``error``, ``timeout``, ``bad_output``."""

    def __init__(self, kind: str, message: str, where: str = ""):
        super().__init__(message)
        self.kind, self.message, self.where = kind, message, where


class _Timeout(BaseException):
    """Raised inside the student's code when a call runs out of time (BaseException:
    a student's ``except Exception`` cannot swallow it)."""


#: a call that blocks without using the CPU (sleeping, waiting) is stopped after this many times its CPU limit
WALL_FACTOR = 5.0


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """Stop the block after ``seconds`` of this process's CPU time (user + system), so that a
    busy machine never turns correct but slow work into a timeout; and after ``WALL_FACTOR``
    times that in wall time, for code that blocks without computing."""
    usable = seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise _Timeout()

    previous = {sig: signal.signal(sig, expire) for sig in (signal.SIGPROF, signal.SIGALRM)}
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, WALL_FACTOR * seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def rows_of(X0) -> str:
    """`` for a batch of N rows`` (or of one point), for messages about slow calls."""
    shape = np.shape(X0)
    return f" for a batch of {shape[0]} rows" if len(shape) == 2 else (" for one point" if len(shape) == 1 else "")


def _called(args) -> str:
    """``; called with arrays of shapes (20, 2), (20, 2, 2)``."""
    shapes = ", ".join(str(np.shape(a)) for a in args)
    return f"; called with arrays of shapes {shapes}" if args else ""


def timeout_message(where: str, seconds: float, rows: str = "") -> str:
    """What a student reads when a call ran out of time."""
    return (
        f"{where} did not finish within {seconds:g} s of CPU time{rows}: an endless loop, or a Python loop over the "
        "rows of the batch (X has one row per start: work on the whole (n, d) array at once, as the docstrings' shapes say)"
    )


class _Sink(io.TextIOBase):
    """Swallows what student code prints (keeping the start), so it cannot garble the report."""

    def __init__(self):
        self.kept = ""

    def write(self, text):
        if len(self.kept) < _OUTPUT_LIMIT:
            self.kept += text[: _OUTPUT_LIMIT - len(self.kept)]
        return len(text)



class _Adapted:
    """A landscape seen through the grader: some methods hidden (to check that optimizers
    refuse it), the loss multiplied by ``scale``, and coordinates changed by ``x = A z + c``
    (chain rule: ``grad_z = A^T grad_x``, ``hessian_z = A^T H A``)."""

    def __init__(self, inner, hide=(), scale=1.0, affine=None):
        self._inner, self._hide, self._scale = inner, frozenset(hide), float(scale)
        self._A, self._c = (None, None) if affine is None else (np.asarray(affine[0], dtype=np.float64), np.asarray(affine[1], dtype=np.float64))
        self.d = getattr(inner, "d", None) if self._A is None else self._A.shape[1]
        self.evaluations = {"loss": 0, "grad": 0, "hessian": 0}

    def _x(self, Z, kind):
        Z = np.asarray(Z, dtype=np.float64)
        self.evaluations[kind] += 1 if Z.ndim == 1 else len(Z)
        return Z if self._A is None else Z @ self._A.T + self._c

    def __call__(self, Z):
        return self._scale * np.asarray(self._inner(self._x(Z, "loss")))

    def _grad(self, Z):
        g = self._scale * np.asarray(self._inner.grad(self._x(Z, "grad")))
        return g if self._A is None else g @ self._A

    def _hessian(self, Z):
        H = self._scale * np.asarray(self._inner.hessian(self._x(Z, "hessian")))
        return H if self._A is None else np.einsum("ki,...kl,lj->...ij", self._A, H, self._A)

    def __getattr__(self, name):
        if name in self._hide or name.startswith("__"):
            raise AttributeError(name)
        if name == "grad" and hasattr(self._inner, "grad"):
            return self._grad
        if name == "hessian" and hasattr(self._inner, "hessian"):
            return self._hessian
        if self._A is not None or self._scale != 1.0:
            raise AttributeError(f"{name} is not available on a transformed landscape")
        if name in ("residuals", "residual_jacobian") and self.evaluations is not None:
            method = getattr(self._inner, name)
            return lambda Z: method(self._x(Z, "grad" if name == "residual_jacobian" else "loss"))
        return getattr(self._inner, name)



# ----------------------------------------------------------------------------- runner
def _numeric(value, what: str) -> Array:
    """A plain float64 array from whatever the student's code returned."""
    if value is None:
        raise StudentError("bad_output", f"{what} returned {value!r}, not an array of numbers", what)
    try:
        out = np.array(value, dtype=np.float64, copy=True)
    except Exception as exc:  # anything unconvertible is the student's bug, named as such
        raise StudentError("bad_output", f"{what} returned {type(value).__name__}, not an array of numbers", what) from exc
    return out


class Runner:
    """Imports a folder laid out like ``lessons/`` as a package and answers requests on it.

    Args:
        folder: the folder (its ``.py`` files are the course modules).
        reference: the runner of the reference solutions, for requests whose
            landscape has ``source="reference"``; None when this is the reference.
        call_seconds: time limit for each request (None: no limit).
        debug: let the student's exceptions through unchanged (for pytest ``--pdb``).
    """

    _count = 0

    def __init__(self, folder: Path, reference: "Runner | None" = None, call_seconds=DEFAULT_CALL_SECONDS, debug=False, given: Path | None = None):
        Runner._count += 1
        self.given = None if given is None else Path(given).resolve()
        self.folder = Path(folder).resolve()
        self.alias = f"_grader_target_{Runner._count}"
        self.reference = reference
        self.call_seconds = None if debug else call_seconds
        self.debug = debug
        self._modules: dict[str, Any] = {}
        self._broken: dict[str, StudentError] = {}
        package = types.ModuleType(self.alias)
        package.__path__ = [str(self.folder)]
        package.__package__ = self.alias
        sys.modules[self.alias] = package

    # --------------------------------------------------------------- loading
    def _module(self, name: str):
        if name not in self._modules and self.given is not None and name in SUPPORT_MODULES:
            path = self.given / f"{name}.py"  # given code comes from the course, not from the folder graded
            spec = importlib.util.spec_from_file_location(f"{self.alias}.{name}", path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            spec.loader.exec_module(module)
            self._modules[name] = module
        if name not in self._modules and name not in SUPPORT_MODULES and self.given is not None:
            for support in SUPPORT_MODULES:  # load them first, so the exercise modules import these
                self._module(support)
        if name not in self._modules:
            path = self.folder / f"{name}.py"
            if not path.exists():
                self._modules[name] = StudentError("missing", f"{path.name} is missing from the folder graded", name)
            else:
                try:
                    self._modules[name] = self._guarded(f"{name}.py", lambda: importlib.import_module(f"{self.alias}.{name}"))
                except StudentError as exc:
                    exc.kind = exc.kind if exc.kind == "timeout" else "import"
                    exc.message = f"could not import {name}.py: {exc.message}"
                    self._modules[name] = exc
        module = self._modules[name]
        if isinstance(module, StudentError):
            raise module
        return module

    def _class(self, name: str):
        module_name = CLASS_MODULE.get(name)
        if module_name is None:
            raise ValueError(f"unknown course class {name!r}")  # a grader bug, not the student's
        cls = getattr(self._module(module_name), name, None)
        if not isinstance(cls, type):
            raise StudentError("missing", f"{module_name}.py has no class {name}", name)
        return cls

    def landscape(self, spec: dict):
        """The landscape a request names: built here, or (``source="reference"``) by the reference."""
        if spec["source"] == "reference" and self.reference is not None:
            return self.reference.reference_landscape(spec)
        return self.reference_landscape(spec)

    def reference_landscape(self, spec: dict):
        """Build the landscape ``spec`` from this runner's folder, adapted as the spec asks."""
        obj = self._guarded(spec["name"], lambda: self._class(spec["name"])(**spec["kwargs"]))
        if spec["hide"] or spec["scale"] != 1.0 or spec["affine"] is not None or spec["count"]:
            return _Adapted(obj, spec["hide"], spec["scale"], spec["affine"])
        return obj

    # --------------------------------------------------------------- calling student code
    def _guarded(self, where: str, thunk, rows: str = "", called: str = ""):
        """Run ``thunk`` (which calls student code) with a time limit and output captured,
        turning whatever goes wrong into a ``StudentError`` about ``where`` (``rows``: the batch's
        size, for the timeout message; ``called``: the shapes it was given, for an error message)."""
        if where in self._broken:
            raise self._broken[where]
        sink = _Sink()
        dont_write, prefix = sys.dont_write_bytecode, sys.pycache_prefix
        sys.dont_write_bytecode = True  # leave no __pycache__ in the student's folder
        sys.pycache_prefix = _NO_PYCACHE  # and read none: a module edited within the same second is not stale
        try:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink), warnings.catch_warnings(), _time_limit(self.call_seconds):
                warnings.simplefilter("ignore")  # overflow and divergence warnings are judged by the checks, not printed
                return thunk()
        except StudentError:
            raise
        except _Timeout:
            error = StudentError("timeout", timeout_message(where, self.call_seconds, rows), where)
            self._broken[where] = error  # later calls fail at once instead of hanging again
            raise error from None
        except SystemExit as exc:
            raise StudentError("error", f"{where} tried to exit the grader (SystemExit {exc.code!r}); remove sys.exit/exit()", where) from None
        except NotImplementedError as exc:
            if self.debug:
                raise
            raise StudentError("not_implemented", str(exc) or f"{where}: not implemented yet", where) from None
        except (RecursionError, MemoryError) as exc:
            if self.debug:
                raise
            error = StudentError("error", f"{where} raised {type(exc).__name__}: {exc}{self._location(exc)} (unbounded recursion or a memory bomb?)", where)
            self._broken[where] = error  # exhausting resources again would only cost time
            raise error from None
        except Exception as exc:
            if self.debug:
                raise
            raise StudentError("error", f"{where} raised {type(exc).__name__}: {exc}{self._location(exc)}{called}", where) from None
        finally:
            sys.dont_write_bytecode, sys.pycache_prefix = dont_write, prefix

    def _location(self, exc: BaseException) -> str:
        """`` (file.py, line N: `the line`)`` for the innermost frame of the traceback inside the target folder."""
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if Path(frame.filename).resolve().parent == self.folder:
                line = (frame.line or "").strip()
                return f" ({Path(frame.filename).name}, line {frame.lineno}" + (f": `{line[:160]}`" if line else "") + ")"
        return ""

    # --------------------------------------------------------------- requests
    def handle(self, request: dict) -> dict:
        """Answer one request; never raises for a problem in the student's code."""
        try:
            if request["op"] == "call":
                value = self._call(request)
                return {"ok": True, "value": value}
            if request["op"] == "fit":
                return {"ok": True, "fits": self._fit(request)}
            if request["op"] == "fit_error":
                return {"ok": True, **self._fit_error(request)}
            if request["op"] == "static":
                return {"ok": True, "value": self._static(request)}
            if request["op"] == "function":
                return {"ok": True, "value": self._function(request)}
            if request["op"] == "answer":
                return {"ok": True, "value": self._answer(request)}
            raise ValueError(f"unknown request {request['op']!r}")
        except StudentError as exc:
            # "broken": the method hung or exhausted resources, and will fail at once from now on
            return {"ok": False, "kind": exc.kind, "message": exc.message, "where": exc.where, "broken": exc.where in self._broken}

    def _call(self, request: dict) -> Array:
        spec, method = request["landscape"], request["method"]
        obj = self.landscape(spec)
        where = f"{spec['name']}.{method}" if method != "__call__" else f"{spec['name']}(X)"
        bound = getattr(obj, method, None)
        if not callable(bound):
            raise StudentError("missing", f"{spec['name']} has no method {method}", where)
        args = [np.array(a, dtype=np.float64) for a in request["args"]]
        return _numeric(self._guarded(where, lambda: bound(*args), called=_called(args)), where)

    def _static(self, request: dict) -> Array:
        name, method = request["cls"], request["method"]
        where = f"{name}.{method}"
        bound = getattr(self._guarded(name, lambda: self._class(name)), method, None)
        if not callable(bound):
            raise StudentError("missing", f"{name} has no method {method}", where)
        args = [np.array(a, dtype=np.float64) if isinstance(a, np.ndarray) else float(a) for a in request["args"]]
        return _numeric(self._guarded(where, lambda: bound(*args), called=_called(args)), where)

    def _function(self, request: dict) -> Array:
        """Call the exercise function ``name(landscape, *arrays, **numbers)``."""
        name = request["name"]
        module = FUNCTIONS.get(name)
        if module is None:
            raise ValueError(f"unknown course function {name!r}")  # a grader bug, not the student's
        func = getattr(self._module(module), name, None)
        if not callable(func):
            raise StudentError("missing", f"{module}.py has no function {name}", name)
        loss = self.landscape(request["landscape"])
        args = [np.array(a, dtype=np.float64) for a in request["args"]]
        kwargs = {k: float(v) if isinstance(v, float) else int(v) for k, v in request["kwargs"].items()}
        return _numeric(self._guarded(name, lambda: func(loss, *args, **kwargs), called=_called(args)), name)

    def _answer(self, request: dict):
        """The value of ``name`` in the answers module ``module``: a float or a short string (``plain_answer``)."""
        module_name, name = request["module"], request["name"]
        if module_name not in ANSWER_MODULES:
            raise ValueError(f"unknown answers module {module_name!r}")  # a grader bug, not the student's
        where = f"{module_name}.{name}"
        module = self._module(module_name)
        if not hasattr(module, name):
            raise StudentError("missing", f"{module_name}.py has no {name} (keep every name of the template)", where)
        value = getattr(module, name)
        if value is None:
            raise StudentError("not_implemented", f"{where}: not answered yet (replace None by your answer)", where)

        def convert():  # under the time limit: a float subclass of the student's may define __float__
            try:
                return plain_answer(value), ""
            except NotANumber as exc:
                return None, str(exc)

        plain, problem = self._guarded(where, convert)
        if problem:
            raise StudentError("bad_output", f"{where} {problem}", where)
        return plain

    def _fit(self, request: dict) -> list[dict]:
        name = request["optimizer"]
        loss = self.landscape(request["landscape"])
        opt = self._guarded(name, lambda: self._class(name)(loss, **request["kwargs"]))
        results = []
        for X0 in request["starts"]:
            X0 = np.array(X0, dtype=np.float64)
            given = X0.copy()
            counts = getattr(loss, "evaluations", None) if isinstance(loss, _Adapted) or getattr(type(loss), "counts_evaluations", False) else None
            if counts is not None:
                counts.update(loss=0, grad=0, hessian=0)
            self._guarded(f"{name}.fit", lambda: opt.fit(given), rows_of(X0), f"; fit was given X0 of shape {X0.shape}")
            result = {"X0_after": given}
            if counts is not None:
                result["evaluations"] = np.array([counts[k] for k in ("loss", "grad", "hessian")], dtype=np.float64)
            for attr in ("X_", "n_iter_", "converged_", "diverged_") + (("Xs_", "losses_") if request["kwargs"].get("store_history") else ()):
                if not hasattr(opt, attr):
                    raise StudentError("bad_output", f"{name}.fit did not set {attr}", name)
                result[attr] = _numeric(getattr(opt, attr), f"{name}.{attr}")
            results.append(result)
        return results

    def _fit_error(self, request: dict) -> dict:
        name = request["optimizer"]
        loss = self.landscape(request["landscape"])
        X0 = request["starts"][0]

        def attempt():
            try:
                self._class(name)(loss, **request["kwargs"]).fit(X0)
            except (ValueError, TypeError) as exc:
                return {"raised": type(exc).__name__, "message": str(exc)[:300]}
            return {"raised": None, "message": ""}

        return self._guarded(f"{name}.fit", attempt)
