"""The instructor's reference code: the single source of truth for ``lessons/``.

Solution blocks are marked ``# BEGIN SOLUTION`` / ``# END SOLUTION``; run
``python -m grader build-lessons`` to regenerate the student files from them.
"""
