"""Every grader check as a pytest test, so that ``-k``, ``-x`` and ``--pdb`` work on them.

    pytest tests/test_checks.py                         # your lessons/ (the instructor's repository: the reference, which must pass)
    pytest tests/test_checks.py --target lessons -k GaussianWells --pdb

Student exceptions are not wrapped here (debug mode), so ``--pdb`` stops inside your code.
"""

import pytest

from grader import engine
from grader.catalogue import all_checks


@pytest.fixture(scope="module")
def targets(request):
    default = engine.SOLUTIONS if engine.SOLUTIONS.is_dir() else engine.LESSONS  # the release has no solutions/
    folder = request.config.getoption("--target") or default
    return engine.make_targets(engine.check_layout(folder), debug=True)


@pytest.mark.parametrize("check", all_checks(), ids=lambda c: c.name)
def test_check(check, targets):
    target, reference = targets
    check.run(target, reference)
