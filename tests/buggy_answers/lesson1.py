"""Wrong answers to lesson 1's questions that must lose the points, with a word their feedback names."""

#: (question name, a wrong answer a student might give, a word the feedback must contain)
BUGGY = [
    ("gradcheck_evaluations", 300, "second central difference"),
    ("gradcheck_evaluations", 650, "points themselves"),
    ("gradcheck_evaluations", 12, "whole batch"),
    ("best_step", "c", "one-sided"),
    ("best_step", "d", "rounding"),
    ("best_step", "a", "truncation"),
    ("rosenbrock_condition", 1001.6, "largest eigenvalue"),
    ("rosenbrock_condition", 501.0, "last coordinate"),
    ("rosenbrock_condition", 4.01, "diagonal entries"),
    ("wells_min_eigenvalue", 0.0998, "notebook"),
    ("wells_min_eigenvalue", 0.0126, "sign"),
    ("wells_min_eigenvalue", -0.00631, "half"),
    ("lse_hessian_entry", 0.2447, "curvature"),
    ("lse_hessian_entry", 0.0599, "sign"),
    ("lse_hessian_entry", 0.0819, "diagonal"),
    ("square_angle", 0.7299, "radians"),
    ("square_angle", 26.57, "y space"),
    ("square_angle", 3.18, "x1 axis"),
]
