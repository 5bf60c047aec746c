"""Wrong answers to lesson 6's questions that a student might give, and a word their feedback must contain."""

#: (question name, a wrong answer a student might give, a word the feedback must contain)
BUGGY = [
    ("newton_mean_steps_wells", 6.62, "counted the start"),  # 1 + steps: the gradients per start
    ("newton_mean_steps_wells", 9, "slowest"),  # the slowest start's steps
    ("newton_mean_steps_wells", 10, "table"),  # read off the table's grad evals
    ("newton_mean_steps_wells", 4.62, "out of range"),  # one step short
    ("newton_deep_share_wells", 39, "percentage"),
    ("newton_deep_share_wells", 0.36, "out of range"),  # BFGS's share, not Newton's
    ("newton_deep_share_wells", 0.5, "out of range"),  # the deep and second-deepest wells together
    ("fd_hessian_grads", 20, "forward differences"),  # one gradient per column
    ("fd_hessian_grads", 41, "gradient at x"),  # counted g(x)
    ("fd_hessian_grads", 21, "forward differences"),
    ("fd_hessian_grads", 400, "whole column"),  # d^2: one evaluation per entry
    ("newton_undercount", "a", "line search"),
    ("newton_undercount", "c", "slowest start"),
    ("newton_undercount", "d", "reused"),
    ("tuned_on_test", "a", "deterministic"),
    ("tuned_on_test", "c", "tuning fits"),
    ("tuned_on_test", "d", "fixed rates"),
]
