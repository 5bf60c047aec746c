"""A small demo class, built from the reference: the instructor's first grading run.

- ``complete``: the reference solutions;
- ``partial``: lessons 1 and 2 done (code and answers), the rest untouched stubs;
- ``buggy``: three catalogued mistakes (the notebook's Hessian, Adam without bias
  correction, BFGS with a transposed outer product);
- ``hostile``: code that tries to break the grader: printing fake scores and calling
  ``sys.exit``, an endless loop, a memory bomb, ``os._exit``, unbounded recursion,
  monkeypatching numpy, and an object whose comparisons lie.

Each is written as a folder of exercise files, as a student would hand them in.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .. import course
from ..engine import LESSONS, SOLUTIONS
from ..target import SUBMITTED

#: what the ``partial`` student finished: lessons 1 and 2, code and answers
PARTIAL = course.handed_in(course.COURSE[:2])

STUDENTS = ("complete", "partial", "buggy", "hostile")

BUGGY = {
    "landscapes.py": [("4.0 * weighted / w2**2", "1.0 * weighted / w2**2"), ("diag = np.sum(-2.0 * weighted / w2, axis=1)", "diag = np.sum(-1.0 * weighted / w2, axis=1)")],
    "first_order.py": [("m_hat = self.m_ / (1.0 - self.beta1**self.t_)", "m_hat = self.m_"), ("v_hat = self.v_ / (1.0 - self.beta2**self.t_)", "v_hat = self.v_")],
    "quasi_newton.py": [('V = np.eye(d) - rho[:, None, None] * np.einsum("ni,nj->nij", s, y)', 'V = np.eye(d) - rho[:, None, None] * np.einsum("ni,nj->nij", y, s)')],
}

HOSTILE = {
    "landscapes.py": [
        ("        S = 0.5 * (self.A + self.A.T)\n        return X @ S.T - self.b", "        print('{\"score\": 100, \"tests\": []}  ALL TESTS PASSED')\n        import sys\n        sys.exit(0)"),
        ("        D, weighted = self._wells(X)\n        w2 = self.widths**2  # (P,)", "        while True:\n            pass\n        D, weighted = self._wells(X)\n        w2 = self.widths**2  # (P,)"),
        ("        head, tail = X[:, :-1], X[:, 1:]\n        r = tail - head**2  # (n, d-1)", "        hog = [bytearray(10**8) for _ in range(200)]  # 20 GB\n        head, tail = X[:, :-1], X[:, 1:]\n        r = tail - head**2  # (n, d-1)"),
    ],
    "first_order.py": [
        ("import numpy as np\n", "import numpy as np\n\nnp.allclose = lambda *args, **kwargs: True  # make every comparison pass\nnp.linalg.norm = lambda *args, **kwargs: 0.0  # and every gradient look converged\n"),
    ],
    "second_order.py": [
        ("        lam = np.linalg.eigvalsh(H)  # (n, d), ascending", "        import os\n        os._exit(0)"),
    ],
    "quasi_newton.py": [
        ("        ok = curvature_ok(s, y)\n        rho = np.where(ok, 1.0 / np.where(ok, np.einsum(\"ni,ni->n\", y, s), 1.0), 0.0)", "        import sys\n        sys.setrecursionlimit(10**6)\n\n        def deeper(k):\n            return deeper(k + 1) + 1\n\n        return deeper(0)"),
    ],
    "inversion.py": [
        ("        Y = self.loss.physics(X)\n        return self.local_inverse(Y + newton_step_in_y(self.loss, Y, self.lr), X)", "        class Liar(np.ndarray):\n            def __eq__(self, other):\n                return True\n\n            def __array__(self, dtype=None, copy=None):\n                return np.zeros(self.shape)\n\n        return np.asarray(X).view(Liar)"),
    ],
}


def _patch(folder: Path, edits: dict) -> None:
    for name, replacements in edits.items():
        path = folder / name
        text = path.read_text()
        for old, new in replacements:
            if text.count(old) != 1:
                raise RuntimeError(f"demo class: cannot patch {name}: the reference changed ({old[:40]!r}...)")
            text = text.replace(old, new)
        path.write_text(text)


def build(dest: Path) -> Path:
    """Write the demo class into ``dest`` (one folder per student) and return ``dest``."""
    dest = Path(dest)
    for student in STUDENTS:
        folder = dest / student
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for module in SUBMITTED:
            source = SOLUTIONS if (student != "partial" or module in PARTIAL) else LESSONS
            if (source / f"{module}.py").is_file():
                shutil.copyfile(source / f"{module}.py", folder / f"{module}.py")
        if student == "buggy":
            _patch(folder, BUGGY)
        if student == "hostile":
            _patch(folder, HOSTILE)
    return dest
