"""Helpers shared by the lessons' walkthrough scripts (given code; nothing to do here).

A walkthrough uses *your* classes from ``lessons/`` (``$COURSE_CODE`` may name another package
laid out the same way), writes its figures to ``figures/<lesson>/`` (or ``$COURSE_FIGURES``),
shows them in the notebook as well when it runs as one, and skips a figure whose exercise is not
done yet, saying which one, instead of failing.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import matplotlib  # noqa: E402

if not os.environ.get("DISPLAY") and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # headless: write files, open no windows

import matplotlib.pyplot as plt  # noqa: E402

plt.rcParams.update({"image.cmap": "PuBu", "figure.dpi": 100, "savefig.bbox": "tight"})


def course(module: str):
    """The course module ``module`` (e.g. ``"landscapes"``) from lessons/, or from the package
    named by ``$COURSE_CODE``."""
    package = os.environ.get("COURSE_CODE", "lessons")
    return importlib.import_module(f"{package}.{module}")


def figure_folder(lesson: str) -> Path:
    folder = Path(os.environ.get("COURSE_FIGURES", ROOT / "figures")) / lesson
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def in_notebook() -> bool:
    """True inside a Jupyter kernel (Jupyter, VS Code, Colab); False in a script or a terminal IPython."""
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    return getattr(shell, "kernel", None) is not None


def show_file(path: Path) -> None:
    """Show the image file ``path`` (PNG or GIF) in the notebook; nothing outside one."""
    if in_notebook():
        from IPython.display import Image, display

        display(Image(filename=str(path)))


def save(fig, lesson: str, name: str) -> Path:
    """Save ``fig`` as ``<figures>/<lesson>/<name>``, show it when in a notebook, and close it."""
    path = figure_folder(lesson) / name
    fig.savefig(path)
    plt.close(fig)  # closed, so that an inline backend does not show it a second time
    print(f"  wrote {path}")
    show_file(path)
    return path


@contextlib.contextmanager
def needs(what: str):
    """Run the block; if an exercise it uses is not done yet, say so and skip the block."""
    try:
        yield
    except NotImplementedError as exc:
        plt.close("all")
        print(f"  skipped: {exc}" if what in str(exc) else f"  skipped {what}: {exc}")


def grid(lo: float = -3.0, hi: float = 3.0, n: int = 150):
    """A square grid: ``(xx, yy, X)`` with ``X: (n*n, 2)`` the grid points as a batch."""
    import numpy as np

    xs = np.linspace(lo, hi, n)
    xx, yy = np.meshgrid(xs, xs)
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])
