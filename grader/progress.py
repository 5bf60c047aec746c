"""Progress of a long grading run on the terminal: which exercise, how far along.

Nothing is shown for a run that ends within ``after`` seconds. On a terminal one line updates in
place; otherwise (a log, a pipe, CI) a plain line is printed when an exercise starts.
"""

from __future__ import annotations

import os
import sys
import time

#: seconds a run may take before it shows its progress (``$GRADER_PROGRESS_AFTER`` changes it)
AFTER = float(os.environ.get("GRADER_PROGRESS_AFTER", 1.5))


class Progress:
    """Call ``step(i)`` after the ``i``-th of ``exercises`` (one entry per check, in order) is done."""

    def __init__(self, exercises: list[str], stream=None, after: float | None = None):
        self.exercises, self.stream = exercises, stream or sys.stderr
        self.after = AFTER if after is None else after
        self.start = time.perf_counter()
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.shown = ""  # the exercise last announced
        self.width = 0

    def step(self, done: int) -> None:
        if done >= len(self.exercises) or time.perf_counter() - self.start < self.after:
            return
        exercise = self.exercises[done]
        total = len(self.exercises)
        if self.tty:
            line = f"  checking {exercise} ({done + 1}/{total}, {100 * done // total}%)"
            self.stream.write("\r" + line.ljust(self.width))
            self.width = max(self.width, len(line))
            self.stream.flush()
        elif exercise != self.shown:
            print(f"checking {exercise} ({done + 1}/{total})", file=self.stream, flush=True)
        self.shown = exercise

    def close(self) -> None:
        """Clear the updating line (a terminal keeps no trace of it)."""
        if self.tty and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
