"""The walkthroughs as notebooks: generated from their scripts (a committed notebook that has
drifted fails), and each one runs headless against the reference, its check cells included."""

from __future__ import annotations

import json
import os

import pytest

from grader import engine

jupytext = pytest.importorskip("jupytext", reason="the notebooks are an instructor's build: pip install -r requirements-instructor.txt")
nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")

from grader.instructor import notebooks  # noqa: E402

SCRIPTS = notebooks.scripts()


def test_every_walkthrough_has_its_notebook_and_none_has_drifted():
    assert len(SCRIPTS) == len(list(engine.LESSONS.glob("[0-9][0-9]_*/")))  # one per lesson
    assert notebooks.drift() == [], "run: python -m grader build-lessons"


def test_a_notebook_is_the_script_cell_for_cell():
    for script in SCRIPTS:
        nb = json.loads(script.with_suffix(".ipynb").read_text())
        assert nb["metadata"]["kernelspec"]["name"] == "python3"
        assert all(cell.get("outputs", []) == [] for cell in nb["cells"])
        assert script.read_text().count("# %%") == len(nb["cells"]), script
        assert any("check(" in "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"), f"{script}: no inline check"


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.parent.name)
def test_notebook_runs_headless_against_the_reference(script, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CODE", "solutions")
    monkeypatch.setenv("COURSE_FIGURES", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("BAKEOFF_SMALL", "1")
    monkeypatch.delenv("DISPLAY", raising=False)
    nb = nbformat.read(script.with_suffix(".ipynb"), as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(script.parent)}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    reports = [o["data"]["text/html"] for o in outputs if o.output_type == "display_data" and "text/html" in o.get("data", {})]
    checks = [c for c in nb.cells if c.cell_type == "code" and ".show()" in c.source]
    assert reports and len(reports) == len(checks), "every check cell shows its report as HTML"
    assert all("every check passed" in r for r in reports), [r[:300] for r in reports if "every check passed" not in r]
    assert list(tmp_path.rglob("*.png")), "the notebook drew its figures"
