"""pytest set-up shared by the project's tests and by students running the checks with pytest.

Plain ``pytest`` runs everything under ``tests/``. In the student release that is
``tests/test_checks.py`` alone: every public check of the grader as a test, run on your code in
``lessons/`` (exercises you have not done yet fail, as they do in ``python -m grader check``).
In the instructor's repository it is the project's own test suite, where ``test_checks.py``
grades the reference solutions, which must pass. ``--target PATH`` grades another folder
laid out like ``lessons/``.
"""

from hypothesis import HealthCheck, settings

# The project's own property tests: deterministic, no example database in the work tree.
settings.register_profile("project", derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("project")


def pytest_addoption(parser):
    parser.addoption("--target", default=None, help="folder laid out like lessons/ for tests/test_checks.py (default: solutions/, or lessons/ where there is none)")
