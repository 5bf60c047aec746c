"""Wrong answers to lesson 5's questions that must lose the points, with a word the feedback must contain."""

#: (question name, a wrong answer a student might give, a word the feedback must contain)
BUGGY = [
    ("newton_x1_factor", 0.75, "Gauss-Newton"),
    ("newton_x1_factor", 0.5, "two terms"),
    ("newton_x1_factor", 0.16666666666666666, "fraction"),
    ("newton_x1_factor", 0.7071067811865476, "exact inverse"),
    ("pg_first_alignment", -1.2275584504617472, "sign"),
    ("pg_first_alignment", 0.7633399734659245, "normalized"),
    ("pg_first_alignment", 0.8680149046243519, "cosine"),
    ("pg_first_alignment", 1.212678125181665, "inverse-gradient"),
    ("pg_first_alignment", 1.150792911137501, "Newton"),
    ("pg_steps_to_zero", 2, "start"),
    ("pg_steps_to_zero", 0, "count"),
    ("ig_y_path", "a", "first order"),
    ("ig_y_path", "c", "sign"),
    ("ig_y_path", "d", "shrink"),
    ("alpha_dependence", "b", "L(y)"),
    ("alpha_dependence", "c", "cancels"),
    ("alpha_dependence", "d", "units"),
    ("pg_distance", 0.06640625, "9 steps"),
    ("pg_distance", 0.033160013371776646, "11 steps"),
    ("pg_distance", 0.08449284916409855, "inverse-gradient"),
]
