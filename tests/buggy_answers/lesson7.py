"""Wrong answers to lesson 7's questions that a student might give, and a word their feedback must contain."""

#: (question name, a wrong answer a student might give, a word the feedback must contain)
BUGGY = [
    ("variance_ratio", 0.25, "with replacement"),  # 1/b
    ("variance_ratio", 0.5714285714285714, "finite-population factor alone"),  # (N - b) / (N - 1)
    ("variance_ratio", 0.125, "out of range"),  # (N - b) / (b N): N where N - 1 belongs
    ("noise_ball", 0.1734375, "small-step limit"),  # eta sigma^2 / 2
    ("noise_ball", 0.346875, "fixed point"),  # eta sigma^2
    ("noise_ball", 0.03854166666666667, "eta^2"),  # eta^2 sigma^2 / (2 - eta)
    ("noise_ball", 1.734375, "out of range"),  # sigma^2 itself
    ("langevin_noise", 0.6584783, "with replacement"),
    ("langevin_noise", 0.9955257, "batch_size 1"),
    ("langevin_noise", 0.24776, "out of range"),  # the variance, not its root
    ("robbins_monro", "b", "squares"),
    ("robbins_monro", "c", "noise ball"),
    ("robbins_monro", "d", "bounded distance"),
    ("svrg_gradients", 300, "snapshot's full gradient"),
    ("svrg_gradients", 350, "two minibatch gradients"),
    ("svrg_gradients", 6500, "once per period"),
    ("svrg_gradients", 150, "whole number"),  # one minibatch per step, no snapshot: generic feedback
    ("adamw_first_coordinate", 1.9, "L2"),
    ("adamw_first_coordinate", 2.1, "decay is missing"),
    ("adamw_first_coordinate", 0.9, "factor lr is missing"),
    ("adamw_first_coordinate", 2.088, "not twice"),
    ("adamw_first_coordinate", 1.84, "out of range"),  # the decay's sign flipped
]
