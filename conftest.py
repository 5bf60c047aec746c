"""pytest set-up shared by the project's tests and by students running the checks with pytest.

``--target PATH`` chooses the folder that ``tests/test_checks.py`` grades (default: solutions/,
which must pass; students use ``--target lessons``).
"""

from hypothesis import HealthCheck, settings

# The project's own property tests: deterministic, no example database in the work tree.
settings.register_profile("project", derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("project")


def pytest_addoption(parser):
    parser.addoption("--target", default=None, help="folder laid out like lessons/ for tests/test_checks.py (default: solutions)")
