"""The instructor's tools, apart from the checks' engine (and left out of the student release).

- ``grading``: a whole class graded in sandboxed processes, gradebook, results and feedback;
- ``bundle``: the Gradescope-style autograder zip; ``release``: the student repository;
- ``demo``: the demo class; ``stubs``: ``lessons/`` generated from ``solutions/``;
- ``record``: the reference answers stored for the release, refused unless ``headroom`` proves
  every tolerance robust to rounding.
"""
