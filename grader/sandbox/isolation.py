"""Run a submission's code in its own process, with time and memory limits.

``IsolatedRunner`` answers the same requests as ``target.Runner`` (so every check works
unchanged), but the student's code runs in a separate Python process:

- started with ``python -I`` from a private folder holding a copy of the submission's exercise
  files, the course's given modules, and a copy of the runner alone: neither ``solutions/``,
  nor the checks, nor the grader are on its path or in its folder;
- with a memory cap (``RLIMIT_AS``), one BLAS thread, and its output thrown away (never parsed);
- spoken to through two pipes in plain data (``protocol``): nothing it sends is unpickled;
- killed when a request runs out of CPU time (``call_seconds`` of the child's own CPU, read from
  ``/proc``, so that a busy machine costs no points; a child that blocks is stopped after
  ``WALL_FACTOR`` times that in wall time), and restarted for the next request when it dies
  (``sys.exit``, ``os._exit``, a crash, the memory cap): the request costs its points, the
  grading goes on.

Reference landscapes stay here: the student's optimizers get remote stand-ins, and every
evaluation they ask for is computed (and counted) by the reference in this process, and only
for the landscapes of the request in progress.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from . import jail
from .protocol import ProtocolError, read_frame, write_frame
from .runner import SUBMITTED, SUPPORT_MODULES, WALL_FACTOR, Runner, rows_of, timeout_message

WORKER_FILES = ("protocol.py", "runner.py", "worker.py")
DEFAULT_MEMORY_MB = 1024
#: wall seconds a new child has to say it is ready (Python and NumPy started in the sandbox)
START_SECONDS = 60.0
#: the most numbers one landscape evaluation may ask of the grader (the largest batch a check
#: runs is 4000 points in 2-D, or one point in 1000-D): more would spend the grader's time
MAX_CALLBACK_VALUES = 200_000
LANDSCAPE_METHODS = ("grad", "hessian", "residuals", "residual_jacobian", "physics", "physics_jacobian", "physics_inverse", "loss_y", "grad_y", "hessian_y", "grad_batch")


def prepare_sandbox(submission: Path, given: Path, root: Path) -> Path:
    """Lay out ``root/work`` (the submission's exercise modules, the given modules from
    ``given``) and ``root/lib/_gradeworker`` (the runner). Returns ``root``."""
    work, lib = root / "work", root / "lib" / "_gradeworker"
    work.mkdir(parents=True)
    lib.mkdir(parents=True)
    for module in SUBMITTED:
        source = Path(submission) / f"{module}.py"
        if source.is_file():
            shutil.copyfile(source, work / source.name)
    for module in SUPPORT_MODULES:  # given code always comes from the course, not the submission
        shutil.copyfile(Path(given) / f"{module}.py", work / f"{module}.py")
    here = Path(__file__).resolve().parent
    for name in WORKER_FILES:
        shutil.copyfile(here / name, lib / name)
    shutil.copyfile(here.parent / "course.py", lib / "course.py")  # the runner's tables come from the course's declaration
    (lib / "__init__.py").write_text("")
    return root


class IsolatedRunner:
    """``Runner``'s interface, with the student's code in a child process.

    Args:
        submission: the folder with the student's files.
        reference: the in-process reference ``Runner`` (trusted).
        given: the folder whose support modules (``base.py``, ...) are used.
        call_seconds: time for one request before the child is killed.
        memory_mb: the child's address-space cap.
    """

    def __init__(self, submission: Path, reference: Runner, given: Path, call_seconds: float = 20.0, memory_mb: int = DEFAULT_MEMORY_MB, sandbox: jail.Sandbox | None = None):
        self.reference, self.call_seconds, self.memory_mb = reference, call_seconds, memory_mb
        self.sandbox = sandbox or jail.choose("best")
        self.folder, self.given = Path(submission).resolve(), Path(given)
        self.slot = jail.Slot(self.sandbox, memory_mb * 1024 * 1024)
        self._proc = self._scratch = None
        self.starts = 0
        self.start_failure: str | None = None  # why the sandbox could not start the student's process
        self._retried = False
        self._broken: dict[str, dict] = {}  # subject -> the answer of the request that hung or crashed

    # ------------------------------------------------------------------ the child
    def start(self) -> None:
        """Start the student's process now, if it is not running (``jail.SandboxFailed`` if the
        sandbox cannot, twice in a row: a passing hiccup of the machine is not a failure)."""
        if self._proc is None or self._proc.poll() is not None:
            self._stop()
            try:
                self._start()
            except jail.SandboxFailed:
                if self.start_failure is None or self._retried:
                    raise
                self._retried, self.start_failure = True, None
                self._stop()
                self._start()

    def _start(self) -> None:
        """A fresh scratch folder (never one a previous process of the student could change),
        the child in its sandbox, and its first frame ("ready", sent before any student code
        runs): a child that cannot get that far is the sandbox's failure, not the student's."""
        if self.start_failure is not None:
            raise jail.SandboxFailed(self.start_failure)
        self._scratch = Path(tempfile.mkdtemp(prefix="grade-"))
        prepare_sandbox(self.folder, self.given, self._scratch)
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        seen = self.slot.seen()
        lib_seen, work_seen = seen if seen else (str(self._scratch / "lib"), str(self._scratch / "work"))
        boot = f"import sys; sys.path.insert(0, {lib_seen!r}); from _gradeworker.worker import main; main({to_child_r}, {from_child_w}, {work_seen!r}, {max(self.call_seconds - 2.0, 1.0)!r})"
        env = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
        for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # some processors need these (see the machine notes)
            if key in os.environ:
                env[key] = os.environ[key]
        log = tempfile.TemporaryFile()  # the sandbox's own errors, until the child says it is ready
        try:
            self._proc = self.slot.start(self._scratch, [sys.executable, "-I", "-B", "-c", boot], env, pass_fds=(to_child_r, from_child_w), stderr=log)
        except jail.SandboxFailed as exc:
            for fd in (to_child_r, to_child_w, from_child_r, from_child_w):
                os.close(fd)
            log.seek(0)
            self._fail(f"{exc} {log.read(2000).decode(errors='replace').strip()}")
        finally:
            if self._proc is None:
                log.close()
        os.close(to_child_r)
        os.close(from_child_w)
        os.set_blocking(to_child_w, False)  # a child that stops reading cannot block the grader's writes
        self._to, self._from = to_child_w, from_child_r
        self.starts += 1
        try:
            ready = self._read(time.monotonic() + START_SECONDS, None)
            if not (isinstance(ready, dict) and ready.get("op") == "ready"):
                raise ProtocolError("no ready frame")
        except (TimeoutError, EOFError, OSError, ProtocolError) as exc:
            code = self._proc.poll()
            code = f"{self._stop()}, still running" if code is None else code
            log.seek(0)
            self._fail(f"the {self.sandbox.level} sandbox could not start the student's process (exit {code}, {type(exc).__name__}): {log.read(2000).decode(errors='replace').strip()[-600:]}")
        finally:
            log.close()

    def _fail(self, why: str) -> None:
        self.start_failure = why
        raise jail.SandboxFailed(why)

    def _stop(self) -> int | None:
        """Stop the child and every process of the student, then remove its scratch folder."""
        code = None
        if self._proc is not None:
            for fd in (self._to, self._from):
                try:
                    os.close(fd)
                except OSError:
                    pass
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            code = self._proc.wait()
            self._proc = None
            self.slot.kill_all()  # whatever it started outside its process group (daemons) goes too
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None
        return code

    def close(self) -> None:
        self._stop()
        self.slot.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    # ------------------------------------------------------------------ requests
    def _cpu(self) -> float | None:
        """CPU seconds (user + system) the student's processes have used: all of them, through
        its cgroup or its uid; else the child's own, from ``/proc``; None where there is none."""
        used = self.slot.cpu_seconds()
        if used is not None:
            return used
        return jail.cpu_of(self._proc.pid) if self._proc is not None else None

    def _read(self, deadline: float, cpu_start: float | None):
        """The child's next frame. ``TimeoutError`` once the child has used ``call_seconds`` of CPU
        since ``cpu_start`` (load on the machine does not count), or at the wall ``deadline``."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            if select.select([self._from], [], [], min(remaining, 0.25))[0]:
                return read_frame(self._from, deadline)
            if cpu_start is not None:
                used = self._cpu()
                if used is not None and used - cpu_start > self.call_seconds:
                    raise TimeoutError

    def _landscapes(self, request: dict) -> dict:
        """The reference landscapes of a request, built here, keyed by their spec (as text)."""
        specs = [request[key] for key in ("landscape",) if isinstance(request.get(key), dict)]
        built = {}
        for spec in specs:
            if spec.get("source") == "reference":
                obj = self.reference.reference_landscape({**spec, "count": True})
                methods = [m for m in LANDSCAPE_METHODS if callable(getattr(obj, m, None)) and m not in spec["hide"]]
                handle = len(built)
                n = getattr(obj, "n_samples", None)  # a finite sum's size (lesson 7): SGD draws its minibatches from it
                spec.update(methods=methods, d=getattr(obj, "d", None), n_samples=int(n) if isinstance(n, (int, np.integer)) else None, handle=handle)
                built[handle] = obj
        return built

    @staticmethod
    def _subject(request: dict) -> str:
        """What a request runs: ``Class.method``, or ``Optimizer.fit``."""
        if request.get("op") in ("fit", "fit_error"):
            return f"{request.get('optimizer')}.fit"
        if request.get("op") == "static":
            return f"{request.get('cls')}.{request.get('method')}"
        return f"{request.get('landscape', {}).get('name')}.{request.get('method')}"

    def handle(self, request: dict) -> dict:
        """Send ``request`` to the child and answer its callbacks until it responds. A subject
        that hung or crashed once is not run again: its answer is repeated at once."""
        subject = self._subject(request)
        if subject in self._broken:
            return self._broken[subject]
        answer = self._handle(request)
        if not answer.get("ok") and answer.get("kind") == "timeout" and not answer.get("crashed"):
            self._stop()  # the child stopped itself mid-request: a callback reply may be left unread in the pipe
        # Remember what hung, crashed or exhausted its resources, here rather than only in the
        # child, whose memory a restart (after another method's crash) would wipe.
        if not answer.get("ok") and answer.get("kind") in ("timeout", "error") and (answer.get("crashed") or answer.get("broken") is True):
            self._broken[subject] = answer
        return answer

    def _handle(self, request: dict) -> dict:
        request = {k: (dict(v) if isinstance(v, dict) else v) for k, v in request.items()}
        built = self._landscapes(request)
        self.start()
        cpu_start = self._cpu()  # the limit is CPU time; the wall deadline only catches a child that blocks
        deadline = time.monotonic() + (WALL_FACTOR if cpu_start is not None else 1.0) * self.call_seconds
        starts = request.get("starts") or [None]
        what = f"{request.get('optimizer') or request.get('cls') or request.get('landscape', {}).get('name', '')}"
        try:
            write_frame(self._to, request, deadline)
            while True:
                message = self._read(deadline, cpu_start)
                if isinstance(message, dict) and message.get("op") == "callback":
                    write_frame(self._to, self._callback(message, built), deadline)
                    continue
                if isinstance(message, dict) and message.get("ok") and request["op"] == "fit" and len(request["starts"]) == 1 and built:
                    counts = next(iter(built.values())).evaluations
                    for fit in message.get("fits", []):
                        if isinstance(fit, dict):
                            fit["evaluations"] = np.array([counts[k] for k in ("loss", "grad", "hessian")], dtype=np.float64)
                return message if isinstance(message, dict) else {"ok": False, "kind": "bad_output", "message": "the grading process sent something that is not an answer", "where": what}
        except TimeoutError:
            self._stop()
            label = f"{what}.fit" if request.get("op") == "fit" else what
            return {"ok": False, "kind": "timeout", "crashed": True, "message": timeout_message(label, self.call_seconds, rows_of(starts[0]) if starts[0] is not None else "") + "; its process was stopped", "where": what}
        except (EOFError, BrokenPipeError, OSError, ProtocolError) as exc:
            code = self._stop()
            how = "ran out of memory or crashed" if code in (-9, -11, -6, 134, 137, 139) else f"exited with code {code}"
            reason = f" ({exc})" if isinstance(exc, ProtocolError) else ""
            return {"ok": False, "kind": "error", "crashed": True, "message": f"the process running your code {how} while running {what}{reason}; look for sys.exit, os._exit, a memory bomb or unbounded recursion", "where": what}

    def _callback(self, message: dict, built: dict) -> dict:
        handle, method = message.get("handle"), message.get("method")
        obj = built.get(handle) if isinstance(handle, int) and not isinstance(handle, bool) else None  # only this request's landscapes
        if obj is None or method not in ("__call__",) + LANDSCAPE_METHODS or not callable(getattr(obj, method, None)):
            return {"ok": False, "message": "that landscape is not part of this check"}
        args = message.get("args", [])
        if not isinstance(args, list) or not all(isinstance(a, np.ndarray) for a in args) or sum(a.size for a in args) > MAX_CALLBACK_VALUES:
            return {"ok": False, "message": "landscape arguments must be float arrays"}
        try:
            with np.errstate(all="ignore"):
                value = obj(*args) if method == "__call__" else getattr(obj, method)(*args)
            return {"ok": True, "value": np.asarray(value, dtype=np.float64)}
        except Exception as exc:  # the reference refusing bad input, e.g. a wrong shape
            return {"ok": False, "message": f"{type(exc).__name__}: {exc}"}


