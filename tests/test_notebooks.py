"""The walkthroughs as notebooks: generated from their scripts (a committed notebook that has
drifted fails), and each one runs headless against the reference, its check cells included; a
released notebook runs as a student runs it, with the stubs and with complete work: figures
inline, each check cell's report shown once."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from grader import engine

jupytext = pytest.importorskip("jupytext", reason="the notebooks are an instructor's build: pip install -r requirements-instructor.txt")
nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")

from grader.instructor import notebooks  # noqa: E402

SCRIPTS = notebooks.scripts()


def test_every_walkthrough_has_its_notebook_and_none_has_drifted():
    from grader import course

    assert len(SCRIPTS) == len(course.COURSE) and all(s.is_file() for s in SCRIPTS)
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
    reports = _reports(nb)
    assert reports, "every check cell shows its report as HTML"
    assert all("every check passed" in r for r in reports), [r[:300] for r in reports if "every check passed" not in r]
    written = list(tmp_path.rglob("*.png"))
    assert written, "the notebook drew its figures"
    assert len(_images(nb)) == len(written), "each figure written is shown in the notebook too"


def _html(output) -> str | None:
    return output.get("data", {}).get("text/html") if output.output_type in ("display_data", "execute_result") else None


def _reports(nb) -> list[str]:
    """The report of every check cell (a cell calling ``check(``), asserting that each shows one."""
    reports = []
    for cell in nb.cells:
        if cell.cell_type == "code" and "check(" in cell.source:
            shown = [h for h in map(_html, cell.outputs) if h is not None]
            assert len(shown) == 1, f"the check cell {cell.source.strip()[-40:]!r} shows {len(shown)} reports, not one"
            reports.append(shown[0])
    return reports


def _images(nb) -> list:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]


def _printed(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "stream")


def _code(nb) -> str:
    return "".join(c.source for c in nb.cells if c.cell_type == "code")


#: the released lesson whose notebook runs as a student runs it (one lesson, to stay fast)
LESSON = "01_gradients_by_hand"


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """The student release, built by the instructor's command."""
    out = tmp_path_factory.mktemp("release") / "course"
    proc = subprocess.run([sys.executable, "-m", "grader", "release", str(out)], cwd=engine.REPO, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    return out


def _run_released(course, figures, monkeypatch):
    """Execute the released lesson's notebook from its folder, headless, as Jupyter would."""
    monkeypatch.delenv("COURSE_CODE", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("COURSE_FIGURES", str(figures))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    path = course / "lessons" / LESSON / "walkthrough.ipynb"
    nb = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors[0].get("evalue")
    return nb


def test_a_released_notebook_runs_on_the_stubs_skipping_figures_and_reporting_work_to_do(released, tmp_path, monkeypatch):
    course = tmp_path / "course"
    shutil.copytree(released, course)
    nb = _run_released(course, tmp_path / "figures", monkeypatch)
    printed = _printed(nb)
    assert "skipped" in printed and "not implemented yet" in printed, printed[-2000:]
    assert not _images(nb) and not list((tmp_path / "figures").rglob("*.png")), "no figure without the exercises"
    reports = _reports(nb)
    assert len(reports) == len(re.findall(r"check\(", _code(nb)))
    for report in reports:
        assert "every check passed" not in report and ("not implemented yet" in report or "not answered yet" in report), report[:500]


def test_a_released_notebook_with_complete_work_shows_its_figures_inline_and_each_report_once(released, tmp_path, monkeypatch):
    from grader import course as declared

    course = tmp_path / "course"
    shutil.copytree(released, course)
    for name in declared.assignment(1).files:  # the student's work, complete: the reference's modules over the stubs
        shutil.copyfile(engine.SOLUTIONS / name, course / "lessons" / name)
    nb = _run_released(course, tmp_path / "figures", monkeypatch)
    assert "skipped" not in _printed(nb)
    written = sorted((tmp_path / "figures").rglob("*.png"))
    images = _images(nb)
    assert len(written) >= 3 and len(images) == len(written), (written, len(images))
    assert all(len(o["data"]["image/png"]) > 1000 for o in images)
    reports = _reports(nb)
    assert len(reports) == len(re.findall(r"check\(", _code(nb)))
    assert all("every check passed" in r for r in reports), [r[:300] for r in reports if "every check passed" not in r]


def test_the_release_tells_students_how_to_open_the_notebooks_and_check_from_python(released):
    readme = (released / "README.md").read_text()
    for needed in ("walkthrough.ipynb", "requirements-notebooks.txt", "from grader import check", 'check("Quadratic")', ".show()", "jupyter notebook"):
        assert needed in readme, needed
    pins = {}
    for name in ("requirements-notebooks.txt", "requirements-instructor.txt", "requirements.txt"):
        for line in (engine.REPO / name).read_text().splitlines():
            if "==" in line and not line.startswith("#"):
                package, version = line.split("#")[0].strip().split("==")
                assert pins.setdefault(package.lower(), version) == version, f"{name} pins {package} at {version}, another file at {pins[package.lower()]}"
    notebook_pins = (engine.REPO / "requirements-notebooks.txt").read_text()
    assert (released / "requirements-notebooks.txt").read_text() == notebook_pins and "-r requirements.txt" in notebook_pins
    assert all(f"{p}==" in notebook_pins for p in ("notebook", "ipykernel")), "Jupyter and its kernel"
