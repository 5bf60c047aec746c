"""Wrong answers to lesson 4's questions that must lose the points, with a word of their feedback."""

#: (question name, a wrong answer a student might give, a word the feedback must contain)
BUGGY = [
    ("skipped_pair", "a", "curvature"),
    ("skipped_pair", "b", "signs"),
    ("skipped_pair", "d", "exactly what the update is for"),
    ("bfgs_steps_quadratic", 4, "X0"),
    ("bfgs_steps_quadratic", 6, "dimension"),
    ("bfgs_steps_quadratic", 12, "Broyden"),
    ("gamma_max", 0.2265409196, "smallest"),
    ("gamma_max", 4.414213562, "curvature"),
    ("gamma_max", 0.3153009687, "half"),
    ("lbfgs_floats", 10000000, "two vectors"),
    ("lbfgs_floats", 40000000, "buffer"),
    ("secant_1d", -0.1428571429, "sign"),
    ("secant_1d", 0.5714285714, "derivative"),
]
