"""The checks, one module per lesson; importing this package registers them all in order.

Which modules, and in which order, comes from the course's declaration (``grader/course.py``):
each assignment's check modules in course order, then every lesson's questions (from the answer
key), then the hidden checks (absent from the student release).
"""

import importlib

from .. import course

for _module in course.check_modules():
    importlib.import_module(f"{__name__}.{_module}")

from . import questions  # noqa: E402, F401, I001  (every lesson's questions, from the answer key)

try:  # the hidden checks: absent from the student release
    from . import hidden  # noqa: F401
except ImportError:
    pass
