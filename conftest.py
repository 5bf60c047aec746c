"""pytest set-up shared by the project's tests and by students running the checks with pytest.

Plain ``pytest`` runs everything under ``tests/``. In the student release that is
``tests/test_checks.py`` alone: every public check of the grader as a test, run on your code in
``lessons/`` (exercises you have not done yet fail, as they do in ``python -m grader check``).
In the instructor's repository it is the project's own test suite, where ``test_checks.py``
grades the reference solutions, which must pass. ``--target PATH`` grades another folder
laid out like ``lessons/``.
"""

import pytest
from hypothesis import HealthCheck, settings

# The project's own property tests: deterministic, no example database in the work tree.
settings.register_profile("project", derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("project")


def pytest_addoption(parser):
    parser.addoption("--target", default=None, help="folder laid out like lessons/ for tests/test_checks.py (default: solutions/, or lessons/ where there is none)")


#: test files that grade in sandboxed processes under the students' uids: one worker runs them one
#: after another, so that no two of them share (or sweep) those uids, or count each other's processes
SANDBOXED = {"test_sandbox.py", "test_isolation.py", "test_platforms.py", "test_time_limits.py", "test_course.py"}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the marks (it names each test after its group)
def pytest_collection_modifyitems(config, items):
    """With pytest-xdist (the instructor's ``pytest`` runs on every core), the tests of one file
    run in one worker, so that a file's expensive fixtures are built once; the sandboxed files
    share one worker."""
    for item in items:
        name = item.path.name
        item.add_marker(pytest.mark.xdist_group("sandboxed" if name in SANDBOXED else name))
