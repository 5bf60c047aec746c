"""The course's grader: derivative checks, property tests, trajectories and the optimizer contract.

Students: ``python -m grader check`` grades ``lessons/``, and so does ``check`` from Python
(``from grader import check; check("Adam")``); ``grader.gradcheck`` checks your own derivatives.
Instructors: ``python -m grader check solutions`` must give full marks.
"""


def check(pattern=None, path=None, hidden: bool = True, show_hidden: bool = False, on_result=None, assignment=None):
    """Grade ``lessons/`` (or ``path``) on the checks of ``pattern``: see ``grader.api.check``."""
    from .api import check as _check  # the checks load on the first call, not on ``import grader``

    return _check(pattern, path=path, hidden=hidden, show_hidden=show_hidden, on_result=on_result, assignment=assignment)
