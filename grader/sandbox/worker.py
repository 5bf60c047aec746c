"""The student's side of isolated grading: a process that runs only the student's code.

Started by ``grader.sandbox.isolation`` with a private copy of this package's runner (not the grader,
not the reference, not the checks) and the student's files in its working folder. It reads
requests from one pipe and writes answers to another, as plain data (``protocol``). The
reference landscapes that optimizers run on stay in the grader's process: here they are
``RemoteLandscape`` objects whose every evaluation is a request back to the grader.
"""

from __future__ import annotations

import sys

import numpy as np

from .protocol import read_frame, write_frame
from .runner import Runner


class RemoteLandscape:
    """A reference landscape that lives in the grader's process; each call is a round trip."""

    def __init__(self, channel, spec: dict):
        self._channel, self._spec = channel, spec
        self._methods = frozenset(spec.get("methods", ()))
        self.d = spec.get("d")
        if spec.get("n_samples") is not None:  # only a finite sum has one
            self.n_samples = spec["n_samples"]

    def _ask(self, method, *args):
        write_frame(self._channel[1], {"op": "callback", "handle": self._spec.get("handle"), "method": method, "args": [np.asarray(a, dtype=np.float64) for a in args]})
        reply = read_frame(self._channel[0])
        if not isinstance(reply, dict) or not reply.get("ok"):
            raise ValueError(str(reply.get("message", "the grader refused the evaluation")) if isinstance(reply, dict) else "bad reply")
        return np.array(reply["value"], dtype=np.float64)

    def __call__(self, X):
        return self._ask("__call__", X)

    def __getattr__(self, name):
        if name.startswith("_") or name not in self._methods:
            raise AttributeError(name)
        return lambda *args: self._ask(name, *args)


class RemoteReference:
    def __init__(self, channel):
        self.channel = channel

    def reference_landscape(self, spec: dict):
        return RemoteLandscape(self.channel, spec)


def main(fd_in: int, fd_out: int, folder: str, call_seconds: float) -> None:
    """Answer requests until the grader closes the pipe. The first frame says "ready": the
    sandbox started and nothing of the student's has run yet (the grader tells a sandbox that
    failed from a submission that did); then stdout and stderr, which held the sandbox's own
    errors until now, go to /dev/null."""
    import os

    channel = (fd_in, fd_out)
    runner = Runner(folder, reference=RemoteReference(channel), call_seconds=call_seconds)
    write_frame(fd_out, {"op": "ready"})
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)
    while True:
        try:
            request = read_frame(fd_in)
        except EOFError:
            return
        write_frame(fd_out, runner.handle(request))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4]))
