"""Wrong answers to lesson 2's questions that a student might give, and a word their feedback must contain."""

#: (question name, a wrong answer a student might give, a word the feedback must contain)
BUGGY = [
    ("largest_stable_lr", 0.16666666666666666, "1/Lip"),  # 1 / lambda_max
    ("largest_stable_lr", 0.6666666666666666, "A/2"),  # the eigenvalues of A/2
    ("largest_stable_lr", -0.3333333333333333, "sign"),
    ("largest_stable_lr", 2.0, "out of range"),  # 2 / lambda_min
    ("largest_stable_lr", 0.4, "out of range"),  # 2 / A[0, 0], a diagonal entry taken for an eigenvalue
    ("gd_best_rate", -0.7142857142857143, "sign"),
    ("gd_best_rate", 0.8333333333333334, "out of range"),  # the factor at lr = 1/Lip
    ("gd_best_rate", 0.5102040816326531, "out of range"),  # the loss's factor, rho^2
    ("heavy_ball_rate", 0.17657148808284048, "out of range"),  # the momentum beta = rho^2
    ("heavy_ball_rate", -0.4202041028867288, "sign"),
    ("heavy_ball_rate", 0.7142857142857143, "out of range"),  # gradient descent's factor
    ("gd_steps_1d", 70, "counted the start"),
    ("gd_steps_1d", 68, "one too few"),
    ("gd_steps_1d", 62, "whole number"),  # stopped on |x| < tol instead of the gradient: generic feedback
    ("adam_first_step", 0.22360679774997896, "bias corrections"),  # no bias correction
    ("adam_first_step", 2.23606797749979, "second moment"),  # only m corrected
    ("adam_first_step", 0.007071067811865476, "first moment"),  # only v corrected
    ("adam_first_step", 0.08660254037844387, "out of range"),  # all three coordinates moved
    ("adam_first_step", 14.950083611806324, "out of range"),  # a gradient step lr * |g|
    ("rmsprop_loss_times_100", "a", "average of squared gradients"),
    ("rmsprop_loss_times_100", "b", "square root"),
    ("rmsprop_loss_times_100", "d", "gradient descent"),
]
