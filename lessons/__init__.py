"""Your course code. Fill in every ``raise NotImplementedError`` and run ``python -m grader check``.

The files here are generated from the instructor's reference: keep the signatures,
docstrings and the given code as they are; write your code where the stubs are.
"""
