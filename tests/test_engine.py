"""The engine end to end: full marks for solutions, zero for stubs, hostile targets, CLI, JSON."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from grader import engine
from grader.cli import main
from grader.catalogue import all_checks
from grader.target import MODULES

from .helpers import grade, variant


def test_solutions_get_full_marks():
    results = grade(engine.SOLUTIONS)
    failed = {n: r.output for n, r in results.items() if r.status != "passed"}
    assert not failed
    assert len(results) == len(all_checks())


def test_untouched_lessons_score_zero_saying_not_implemented():
    results = grade(engine.LESSONS)
    assert sum(r.score for r in results.values()) == 0
    for r in results.values():
        assert r.kind == "not_implemented", (r.name, r.kind, r.output)
        assert ("not answered yet" if r.exercise.startswith("Questions") else "not implemented yet") in r.output


def test_checks_have_unique_names_points_and_docs():
    checks = all_checks()
    assert len({c.name for c in checks}) == len(checks)
    for c in checks:
        assert c.points > 0 and c.doc, c.name
    assert any(c.hidden for c in checks) and any(not c.hidden for c in checks)


# --------------------------------------------------------------------------- hostile targets
LANDSCAPES, FIRST_ORDER = "landscapes.py", "first_order.py"
OPTIMIZERS = set(MODULES["first_order"])


def _lost(results):
    return {r.exercise for r in results.values() if r.status != "passed"}


def test_syntax_error_costs_that_module_only(tmp_path):
    folder = variant(tmp_path, {FIRST_ORDER: [("class Momentum(BaseOptimizer):", "class Momentum(BaseOptimizer)")]})
    results = grade(folder, quick=True)
    assert _lost(results) == OPTIMIZERS
    r = results["Momentum.trajectory.reference"]
    assert r.kind == "import" and "could not import first_order.py" in r.output and "SyntaxError" in r.output


def test_missing_file_and_missing_class(tmp_path):
    folder = variant(tmp_path, {LANDSCAPES: [("class Rosenbrock(Landscape):", "class Rosenbrok(Landscape):")]})
    (folder / FIRST_ORDER).unlink()
    results = grade(folder, quick=True)
    assert _lost(results) == {"Rosenbrock"} | OPTIMIZERS
    assert "has no class Rosenbrock" in results["Rosenbrock.grad.gradcheck"].output
    assert "first_order.py is missing" in results["Momentum.trajectory.reference"].output


def test_exception_names_the_method_and_line(tmp_path):
    folder = variant(tmp_path, {LANDSCAPES: [("return 2.0 * X * np.array([1.0, self.alpha**2])", "return 2.0 * X * np.array([1.0, self.alpha**2]) / 0 + {}[1]")]})
    r = grade(folder, "ScaledQuadratic.grad")["ScaledQuadratic.grad.gradcheck"]
    assert r.kind == "error"
    assert "ScaledQuadratic.grad raised KeyError" in r.output and "landscapes.py, line" in r.output


def test_endless_loop_times_out_and_the_rest_still_runs(tmp_path):
    folder = variant(tmp_path, {LANDSCAPES: [("return 2.0 * X * np.array([1.0, self.alpha**2])", "while True:\n            pass")]})
    # Legitimate calls (the 1000-D L-BFGS run) can take seconds: grade fast exercises around the hang.
    results = grade(folder, pattern=("Quadratic", "ScaledQuadratic", "GradientDescent"), call_seconds=2)
    assert _lost(results) == {"ScaledQuadratic"} and {r.exercise for r in results.values()} == {"Quadratic", "ScaledQuadratic", "GradientDescent"}
    r = results["ScaledQuadratic.grad.gradcheck"]
    assert r.kind == "timeout" and "did not finish within 2 s of CPU time" in r.output
    assert r.seconds < 10  # one timeout, not one per Hypothesis example
    assert results["ScaledQuadratic.reference"].seconds < 1  # the method is known to hang: no second wait


def test_endless_loop_that_swallows_exceptions_still_times_out(tmp_path):
    loop = "while True:\n            try:\n                pass\n            except Exception:\n                pass"
    folder = variant(tmp_path, {FIRST_ORDER: [("return X - self.lr * self.loss.grad(X)", loop)]})
    results = grade(folder, "GradientDescent.trajectory", call_seconds=0.5)
    assert all(r.kind == "timeout" for r in results.values())


def test_wrong_shape_and_nan_are_named(tmp_path):
    folder = variant(
        tmp_path,
        {LANDSCAPES: [
            ("return np.stack([2.0 * X[:, 0], 4.0 * X[:, 1] ** 3], axis=1)", "return np.stack([2.0 * X[:, 0], 4.0 * X[:, 1] ** 3], axis=0)"),
            ("return X @ S.T - self.b", "return X @ S.T - self.b + np.nan"),
        ]},
    )
    results = grade(folder, quick=True)
    square = results["SquarePhysics.grad.gradcheck"]
    assert square.kind == "bad_output" and "returned shape (2, " in square.output and "expected (" in square.output
    quad = results["Quadratic.grad.gradcheck"]
    assert "NaN" in quad.output
    assert _lost(results) == {"SquarePhysics", "Quadratic"}


def test_sys_exit_and_printing_do_not_stop_the_run(tmp_path):
    folder = variant(tmp_path, {LANDSCAPES: [
        ("return 2.0 * X * np.array([1.0, self.alpha**2])", "import sys\n        print('ALL TESTS PASSED ' * 100)\n        sys.exit(0)"),
    ]})
    results = grade(folder, quick=True)
    r = results["ScaledQuadratic.grad.gradcheck"]
    assert r.status == "failed" and "SystemExit" in r.output
    assert _lost(results) == {"ScaledQuadratic"}


def test_import_time_crash_and_output(tmp_path, capsys):
    folder = variant(tmp_path, {FIRST_ORDER: [("import numpy as np\n", "import numpy as np\nprint('fake score: 100')\nraise RuntimeError('boom at import')\n")]})
    results = grade(folder, quick=True)
    assert _lost(results) == OPTIMIZERS
    assert "boom at import" in results["GradientDescent.trajectory.reference"].output
    assert "fake score" not in capsys.readouterr().out


# --------------------------------------------------------------------------- CLI and JSON
def test_cli_exit_codes_and_json(tmp_path, capsys):
    out = tmp_path / "results.json"  # (full marks on the whole battery: test_solutions_get_full_marks)
    assert main(["check", str(engine.SOLUTIONS), "--json", str(out), "-q", "-k", "GaussianWells"]) == 0
    data = json.loads(out.read_text())
    assert data["score"] == sum(c.points for c in all_checks() if c.name.startswith("GaussianWells."))
    test = data["tests"][0]
    assert set(test) >= {"name", "number", "score", "max_score", "status", "output", "output_format", "visibility"}
    assert [(t["name"], t["visibility"]) for t in data["tests"]] == [("GaussianWells", "visible"), ("GaussianWells: hidden checks", "after_published")]
    assert data["output_format"] == "md" and "Every public check passed" in data["output"]

    assert main(["check", str(engine.LESSONS), "-q"]) == 1
    table = capsys.readouterr().out
    assert "Quadratic" in table and "not implemented yet" in table and "total" in table

    assert main(["check", str(tmp_path / "nope")]) == 2
    assert main(["check", str(tmp_path)]) == 2  # a folder, but not laid out like lessons/
    err = capsys.readouterr().err
    assert "is not a folder" in err and "not laid out like lessons/" in err


def test_hidden_check_output_does_not_leak(tmp_path):
    bug = [("4.0 * weighted / w2**2", "1.0 * weighted / w2**2")]
    folder = variant(tmp_path, {LANDSCAPES: bug})
    out = tmp_path / "results.json"
    assert main(["check", str(folder), "--json", str(out), "-q", "-k", "GaussianWells"]) == 1
    data = json.loads(out.read_text())
    hidden = next(t for t in data["tests"] if t["name"] == "GaussianWells: hidden checks")
    assert hidden["status"] == "failed" and hidden["output"] == "- `GaussianWells.reference`: failed" and hidden["visibility"] == "after_published"
    public = next(t for t in data["tests"] if t["name"] == "GaussianWells")
    assert "GaussianWells.reference" not in public["output"] + data["output"]  # named only in its own box, shown after publication


def test_two_runs_give_identical_json_apart_from_timings(tmp_path):
    """On the buggy exercise's checks (property-based ones included); the isolation tests grade twice too."""
    bug = [("return X + self.v_", "return X - self.v_")]
    folder = variant(tmp_path, {FIRST_ORDER: bug})
    outputs = []
    for i in range(2):
        out = tmp_path / f"r{i}.json"
        main(["check", str(folder), "--json", str(out), "-q", "-k", "Momentum"])
        data = json.loads(out.read_text())
        data.pop("execution_time")
        outputs.append(data)
    assert outputs[0] == outputs[1]


def test_json_is_valid_after_every_check(tmp_path):
    """Partial results: the file is rewritten atomically after each check."""
    out = tmp_path / "results.json"
    script = (
        "import json, sys\n"
        "from grader import cli, report\n"
        "real = report.write_json\n"
        "count = [0]\n"
        "def spy(path, data):\n"
        "    real(path, data); json.loads(open(path).read()); count[0] += 1\n"
        "    if count[0] == 5: raise SystemExit(9)\n"
        "report.write_json = spy\n"
        f"cli.main(['check', {str(engine.SOLUTIONS)!r}, '--json', {str(out)!r}, '-q'])\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=engine.REPO, capture_output=True, text=True)
    assert proc.returncode == 9, proc.stderr
    data = json.loads(out.read_text())
    assert sum(len(t["extra_data"]["checks"]) for t in data["tests"]) == 4 and "partial results" in data["output"]


@pytest.mark.parametrize("args", [["list"], ["build-lessons", "--check"]])
def test_other_commands(args, capsys):
    assert main(args) == 0
    assert capsys.readouterr().out


def test_a_broken_second_order_costs_the_lesson_5_methods_nothing_of_their_own(tmp_path):
    """inversion.py imports the student's Newton only inside the numerical inverse: a syntax error
    in second_order.py costs InverseGradient nothing, and PhysicalGradient only the check that
    runs the numerical inverse, which says that it depends on Newton."""
    folder = variant(tmp_path, {"second_order.py": [("class Newton(BaseOptimizer):", "class Newton(BaseOptimizer)")]})
    results = grade(folder, pattern=("InverseGradient", "PhysicalGradient"), quick=True)
    lost = {r.name for r in results.values() if r.status != "passed"}
    assert lost == {"PhysicalGradient.numerical_inverse"}, {n: results[n].output for n in lost}
    assert "depends on Newton" in results["PhysicalGradient.numerical_inverse"].output


def test_code_that_writes_into_the_checks_data_costs_only_its_own_points(tmp_path):
    """Lesson 7 sends data sets (arrays) to the student's side; in-process those are the checks' own
    arrays. A LogisticRegression that tries to zero them changes nothing (the arrays refuse it); an SGD
    that zeroes the data of the landscape it is given (a fresh copy per request) spoils its own runs
    and nothing else: the checks' data and every other exercise's checks are untouched."""
    from grader.checks.stochastic import FINITE2

    before = dict(FINITE2.kwargs)["X_data"].copy()
    attack = (
        "        for data in (X_data, y_data):\n"
        "            try:\n"
        "                data.flags.writeable = True\n"
        "                data[...] = 0.0\n"
        "            except ValueError:\n"
        "                pass\n"
    )
    folder = variant(tmp_path, {
        LANDSCAPES: [('    def __init__(self, X_data, y_data, l2: float = 0.0):\n', '    def __init__(self, X_data, y_data, l2: float = 0.0):\n' + attack)],
        "stochastic.py": [("        idx = self.rng_.choice(self.loss.n_samples, size=self.batch_size, replace=False)\n        self.z_", "        for data in (self.loss.X_data, self.loss.y_data):\n            try:\n                data.flags.writeable = True\n                data[...] = 0.0\n            except ValueError:\n                pass\n        idx = self.rng_.choice(self.loss.n_samples, size=self.batch_size, replace=False)\n        self.z_")],
    })
    results = grade(folder, ("LogisticRegression.", "SGD.", "SVRG.trajectory"), quick=True)
    assert np.array_equal(dict(FINITE2.kwargs)["X_data"], before)
    assert _lost(results) == {"SGD"}, {n: r.output for n, r in results.items() if r.status != "passed"}
