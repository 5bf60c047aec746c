"""Wrong answers to lesson 3's questions that a student might give, and a word their feedback must contain."""

#: (question name, a wrong answer a student might give, a word the feedback must contain)
BUGGY = [
    ("newton_damped_steps", 25, "counted the start"),
    ("newton_damped_steps", 23, "one too few"),
    ("newton_damped_steps", 1, "whole number"),  # the full step's count: lr = 0.5 ignored
    ("newton_damped_steps", 24.5, "whole number"),  # a logarithm not rounded up
    ("regularization_mu", -3.3, "sign"),
    ("regularization_mu", 3.2, "out of range"),  # s taken as the largest eigenvalue, not the largest absolute one
    ("regularization_mu", -2.7, "out of range"),  # damping * s + lam_min
    ("regularization_mu", 0.0, "out of range"),  # no shift: H taken for positive definite
    ("armijo_halvings", 3, "does not drop"),  # accepted the trial whose loss only equals f0
    ("armijo_halvings", 5, "not the trials"),  # counted the trials
    ("armijo_halvings", 1, "whole number"),  # accepted the first trial with a loss below f0 in absolute value
    ("pure_newton_saddle", "b", "descent method"),
    ("pure_newton_saddle", "c", "own curvature"),
    ("pure_newton_saddle", "d", "singular"),
    ("csgd_step_length", 1.5811388300841898, "diagonal"),  # kappa read off the diagonal (= 1)
    ("csgd_step_length", 3.1622776601683795, "multiplied"),  # the notebook's code: times kappa
    ("csgd_step_length", -0.7905694150416995, "sign"),
    ("csgd_step_length", 0.5270462766947299, "out of range"),  # kappa + 1 for kappa (lr / 3 * |g|)
    ("gauss_newton_steps", 10, "counted the start"),
    ("gauss_newton_steps", 8, "one too few"),
    ("gauss_newton_steps", 16, "Newton's count"),
    ("gauss_newton_steps", 1, "whole number"),  # one step, as on a linear problem
]
