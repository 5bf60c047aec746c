"""The walkthroughs as Jupyter notebooks: ``lessons/*/walkthrough.ipynb``, generated from the
``# %%`` scripts beside them with jupytext (never edited by hand: the script is the source).

A notebook holds no outputs and names the ``python3`` kernel, so it opens the same in Jupyter,
VS Code and Colab; its first code cell finds the course's folder from wherever it is opened.
"""

from __future__ import annotations

from pathlib import Path

from .. import course
from ..engine import LESSONS

KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}


def _jupytext():
    try:
        import jupytext
    except ImportError as exc:  # an instructor's tool: students never need it
        raise RuntimeError("the notebooks are built with jupytext: pip install -r requirements-instructor.txt") from exc
    return jupytext


def scripts(lessons: Path = LESSONS) -> list[Path]:
    """Every assignment's walkthrough script, in course order (``grader.course``)."""
    return [Path(lessons) / a.folder / "walkthrough.py" for a in course.COURSE]


def notebook_text(script: Path) -> str:
    """The notebook for the ``# %%`` script ``script``, as the text of an ``.ipynb`` file."""
    jupytext = _jupytext()
    notebook = jupytext.reads(Path(script).read_text(), fmt="py:percent")
    notebook.metadata = {"kernelspec": dict(KERNEL), "language_info": {"name": "python"}, "jupytext": {"notebook_metadata_filter": "-all", "cell_metadata_filter": "-all"}}
    for number, cell in enumerate(notebook.cells, start=1):
        cell.metadata = {}
        cell.id = f"cell-{number}"  # not jupytext's random ids: the same script, the same file
    return jupytext.writes(notebook, fmt="ipynb")


def write_notebooks(lessons: Path = LESSONS) -> list[Path]:
    """Write every walkthrough's notebook; the paths that changed."""
    changed = []
    for script in scripts(lessons):
        target = script.with_suffix(".ipynb")
        text = notebook_text(script)
        if not target.is_file() or target.read_text() != text:
            target.write_text(text)
            changed.append(target)
    return changed


def drift(lessons: Path = LESSONS) -> list[str]:
    """The notebooks that differ from their scripts (or are missing), as paths under ``lessons``."""
    return [str(s.with_suffix(".ipynb").relative_to(lessons)) for s in scripts(lessons) if not s.with_suffix(".ipynb").is_file() or s.with_suffix(".ipynb").read_text() != notebook_text(s)]
